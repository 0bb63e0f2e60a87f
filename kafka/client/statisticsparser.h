#pragma once

#include "base/clientstatus.h"

#include <string_view>

// Reads the JSON librdkafka emits every statistics.interval.ms into a small value type.
// Throws std::runtime_error when the text is not librdkafka statistics.
ClientStatistics parseStatistics(std::string_view json);
