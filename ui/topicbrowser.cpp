#include "topicbrowser.h"
