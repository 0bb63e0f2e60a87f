#include "replaysession.h"
