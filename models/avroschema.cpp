#include "avroschema.h"
