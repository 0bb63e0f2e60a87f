#include "lagrule.h"
