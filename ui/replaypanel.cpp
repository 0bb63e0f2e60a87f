#include "replaypanel.h"
