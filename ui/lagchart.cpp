#include "lagchart.h"
