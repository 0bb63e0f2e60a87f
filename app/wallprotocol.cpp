#include "wallprotocol.h"
