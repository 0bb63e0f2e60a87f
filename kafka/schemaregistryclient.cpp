#include "schemaregistryclient.h"
