#pragma once
/// \file
/// The scale the data would choose: ArcGIS Optimized Hot Spot Analysis's incremental
/// spatial autocorrelation on the grid's counts, with its k-nearest-neighbour fallback.
/// Reported beside the fixed, comparable default; never used unless the user asks.

#include "analysis/grid.hpp"

#include <string>
#include <vector>

namespace vigia::analysis {

struct ScaleChoice {
    std::vector<double> distances; ///< the distance bands tried, m
    std::vector<double> z;         ///< Moran's I z-score at each band (randomisation)
    double chosen_m = 0;           ///< the chosen band
    std::string rule;              ///< "first peak", or "k nearest neighbours (k = …)"
};

/// Distance bands start at the smallest distance that gives every cell a neighbour and grow
/// by the mean nearest-neighbour distance between cell centres, `steps` times; binary bands
/// between cell centres. The first peak of the z-scores is chosen; without one, OHSA's
/// fallback: k = clamp(⌊0.05 n⌋, 3, 30) and the mean distance to the k-th nearest cell.
ScaleChoice incremental_autocorrelation(const Grid& grid, const std::vector<double>& counts,
                                        int steps = 10);

} // namespace vigia::analysis
