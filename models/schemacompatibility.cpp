#include "schemacompatibility.h"
