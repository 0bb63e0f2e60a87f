#pragma once

#include <cstddef>
#include <string_view>

// The names simulated patients are given: short fixed lists the simulator draws indices into.
class PersonNames {
public:
    static std::size_t familyCount();
    static std::size_t givenCount(bool female);
    static std::string_view family(std::size_t index);
    static std::string_view given(std::size_t index, bool female);
};
