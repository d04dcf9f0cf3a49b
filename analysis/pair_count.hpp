#pragma once
/// \file
/// How many pairs of points lie within a distance, estimated from a sample: what a pair
/// table (the near-repeat test) would cost before building it.

#include <cstdint>
#include <vector>

namespace vigia::analysis {

/// Estimated number of unordered pairs of points closer than or at `radius`: the mean
/// number of neighbours within `radius` of up to `sample` points spread evenly through the
/// input (every k-th, deterministic), times n / 2. Exact when sample ≥ n.
std::uint64_t estimate_pairs_within(const std::vector<double>& x, const std::vector<double>& y,
                                    double radius, std::size_t sample = 4000);

} // namespace vigia::analysis
