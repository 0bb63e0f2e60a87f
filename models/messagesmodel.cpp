#include "messagesmodel.h"
