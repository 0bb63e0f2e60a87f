#include "schemadiff.h"
