#include "lagstatus.h"
