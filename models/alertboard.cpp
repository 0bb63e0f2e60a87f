#include "alertboard.h"
