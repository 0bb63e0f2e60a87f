#pragma once

#include <cstddef>
#include <string_view>

struct Drug {
    std::string_view rxNorm; // ingredient code
    std::string_view name;
    std::string_view adultDose;
    std::string_view childDose; // empty: not ordered on the pediatric unit
};

// The drugs the simulated wards order, with an adult and (where one exists) a weight-based child dose.
class Formulary {
public:
    static std::size_t size();
    // The drug at `roll` (in [0, size())); for a child, walks on to the next drug with a child dose.
    static const Drug &pick(std::size_t roll, bool child);
};
