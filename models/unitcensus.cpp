#include "unitcensus.h"
