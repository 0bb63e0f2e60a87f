#include "avrocodec.h"
