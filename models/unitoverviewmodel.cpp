#include "unitoverviewmodel.h"
