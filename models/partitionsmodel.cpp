#include "partitionsmodel.h"
