#include "schematreemodel.h"
