#include "schemaviewer.h"
