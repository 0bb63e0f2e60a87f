#include "messagebrowser.h"
