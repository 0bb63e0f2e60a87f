#include "whatifcomparison.h"
