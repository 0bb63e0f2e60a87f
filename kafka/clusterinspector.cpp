#include "clusterinspector.h"
