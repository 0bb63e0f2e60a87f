#include "wallfeedserver.h"
