#include "feedstaleness.h"
