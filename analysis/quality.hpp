#pragma once
/// \file
/// Data-quality checks that police data need: piles of incidents on one coordinate
/// (geocoding to a centroid, a station or a default point) and duplicate records.

#include "analysis/types.hpp"

#include <cstddef>
#include <vector>

namespace vigia::analysis {

struct Pile {
    double x = 0, y = 0; ///< source coordinates, as read
    std::size_t count = 0;
};

struct QualityReport {
    std::size_t pile_threshold = 0; ///< a pile is a coordinate with at least this many
    std::vector<Pile> piles;        ///< every pile, largest first
    std::size_t incidents_in_piles = 0;
    std::size_t largest_stack = 0; ///< most incidents on any one coordinate
    std::size_t duplicates = 0;    ///< records identical to an earlier one in x, y, time
                                   ///< and category (kept, reported)
};

/// The pile threshold: max(10, 0.1 % of the incidents), so a pile is never ordinary
/// co-location (a shopping centre with a handful of incidents).
std::size_t pile_threshold(std::size_t n) noexcept;

QualityReport check_quality(const Incidents& incidents);

} // namespace vigia::analysis
