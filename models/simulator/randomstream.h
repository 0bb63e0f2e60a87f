#pragma once

#include <cstdint>

// The simulated hospital's only source of chance: xoshiro256** seeded through splitmix64, so the
// same seed gives the same stream on every compiler and standard library.
class RandomStream {
public:
    explicit RandomStream(std::uint64_t seed);
    std::uint64_t bits();
    double uniform(); // [0, 1)
    double uniform(double low, double high);
    std::uint32_t below(std::uint32_t bound); // [0, bound)
    bool chance(double probability);
    double normal(); // mean 0, sd 1

private:
    std::uint64_t state_[4];
};
