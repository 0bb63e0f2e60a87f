#include "schemaenforcer.h"
