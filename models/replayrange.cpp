#include "replayrange.h"
