#include "clusterhealthview.h"
