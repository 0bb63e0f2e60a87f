#include "topicsmodel.h"
