#pragma once
/// \file
/// Do hot spots found on one period predict the next? Predictive Accuracy Index, Recapture
/// Rate Index and the overlap of the two periods' hot-spot cells.

#include <cstdint>
#include <vector>

namespace vigia::analysis {

struct Stability {
    double pai = 0;        ///< (n/N) / (a/A): test incidents in train hot cells over area share
    double rri = 0;        ///< (n2/n1) / (N2/N1): Levine's recapture rate index
    double jaccard = 0;    ///< |H1 ∩ H2| / |H1 ∪ H2| of the two periods' hot cells
    double hit_rate = 0;   ///< n/N
    double area_share = 0; ///< a/A
    std::size_t hot_train = 0, hot_test = 0;
};

/// `train`, `test`: counts per cell in each period; `area`: cell areas; `hot_train`,
/// `hot_test`: the hot cells of each period (Gi* class ≥ 2). Values are NaN where a ratio is
/// undefined (no hot cell, no incident).
Stability stability(const std::vector<double>& train, const std::vector<double>& test,
                    const std::vector<double>& area, const std::vector<std::uint8_t>& hot_train,
                    const std::vector<std::uint8_t>& hot_test);

} // namespace vigia::analysis
