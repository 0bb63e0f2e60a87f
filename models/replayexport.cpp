#include "replayexport.h"
