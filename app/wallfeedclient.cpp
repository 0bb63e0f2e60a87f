#include "wallfeedclient.h"
