#include "simulator/randomstream.h"

RandomStream::RandomStream(std::uint64_t seed)
{
    // splitmix64 spreads any seed (even 0) over the whole xoshiro state.
    for (std::uint64_t &word : state_) {
        seed += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word = z ^ (z >> 31);
    }
}

std::uint64_t RandomStream::bits()
{
    const auto rotate = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const std::uint64_t result = rotate(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate(state_[3], 45);
    return result;
}

double RandomStream::uniform()
{
    return static_cast<double>(bits() >> 11) * 0x1.0p-53;
}

double RandomStream::uniform(double low, double high)
{
    return low + (high - low) * uniform();
}

std::uint32_t RandomStream::below(std::uint32_t bound)
{
    // Multiply-shift on the top 32 bits: no modulo bias worth mentioning, and no library distribution.
    return static_cast<std::uint32_t>(((bits() >> 32) * bound) >> 32);
}

bool RandomStream::chance(double probability)
{
    return uniform() < probability;
}

double RandomStream::normal()
{
    // Irwin-Hall (sum of 12 uniforms - 6): additions only, so bit-identical on every libm, unlike Box-Muller's log/cos.
    double sum = 0.0;
    for (int i = 0; i < 12; ++i)
        sum += uniform();
    return sum - 6.0;
}
