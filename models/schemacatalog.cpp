#include "schemacatalog.h"
