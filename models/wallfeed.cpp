#include "wallfeed.h"
