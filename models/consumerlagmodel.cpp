#include "consumerlagmodel.h"
