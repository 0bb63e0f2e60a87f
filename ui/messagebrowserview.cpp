#include "messagebrowserview.h"
