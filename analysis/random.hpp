#pragma once
/// \file
/// Random draws that give the same numbers with every standard library (the distributions of
/// <random> do not), for seeded permutation tests.

#include <cstdint>
#include <random>

namespace vigia::analysis {

/// Uniform integer in [0, bound), bound < 2^32: Lemire's multiply-and-reject on the top 32
/// bits of a 64-bit Mersenne Twister.
inline std::uint64_t bounded(std::mt19937_64& rng, std::uint64_t bound) {
    std::uint64_t m = (rng() >> 32) * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
        const auto threshold = static_cast<std::uint32_t>((0x100000000ULL - bound) % bound);
        while (low < threshold) {
            m = (rng() >> 32) * bound;
            low = static_cast<std::uint32_t>(m);
        }
    }
    return m >> 32;
}

} // namespace vigia::analysis
