#include "consumerlagview.h"
