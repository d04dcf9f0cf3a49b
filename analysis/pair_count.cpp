#include "analysis/pair_count.hpp"

#include <cmath>
#include <unordered_map>

namespace vigia::analysis {

std::uint64_t estimate_pairs_within(const std::vector<double>& x, const std::vector<double>& y,
                                    double radius, std::size_t sample) {
    const std::size_t n = x.size();
    if (n < 2 || !(radius > 0)) return 0;
    // Buckets of side `radius`: a point's neighbours are in its bucket and the 8 around it.
    // One key per bucket, without collisions (bucket indexes fit 32 bits for any city).
    auto key = [&](std::int64_t i, std::int64_t j) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(i)) << 32) |
               static_cast<std::uint32_t>(j);
    };
    auto cell = [&](double v) { return static_cast<std::int64_t>(std::floor(v / radius)); };
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> buckets;
    buckets.reserve(n / 4 + 1);
    for (std::size_t i = 0; i < n; ++i)
        buckets[key(cell(x[i]), cell(y[i]))].push_back(static_cast<std::uint32_t>(i));
    const std::size_t step = sample >= n ? 1 : n / sample;
    const double r2 = radius * radius;
    double neighbours = 0;
    std::size_t taken = 0;
    for (std::size_t i = 0; i < n; i += step) {
        ++taken;
        const std::int64_t ci = cell(x[i]), cj = cell(y[i]);
        for (std::int64_t di = -1; di <= 1; ++di)
            for (std::int64_t dj = -1; dj <= 1; ++dj) {
                const auto it = buckets.find(key(ci + di, cj + dj));
                if (it == buckets.end()) continue;
                for (std::uint32_t k : it->second) {
                    if (k == i) continue;
                    const double dx = x[k] - x[i], dy = y[k] - y[i];
                    if (dx * dx + dy * dy <= r2) neighbours += 1;
                }
            }
    }
    return static_cast<std::uint64_t>(
        std::llround(neighbours / static_cast<double>(taken) * static_cast<double>(n) / 2));
}

} // namespace vigia::analysis
