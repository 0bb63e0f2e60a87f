#include "clustersnapshot.h"
