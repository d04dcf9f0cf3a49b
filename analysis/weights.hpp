#pragma once
/// \file
/// Spatial weights in compressed sparse rows: neighbours of feature i are
/// index[start[i] .. start[i+1]), with their weights. Built once per run, read by every
/// statistic. Builders for grid rings, distance bands, k nearest neighbours and polygon
/// queen contiguity; row standardisation.

#include "analysis/grid.hpp"
#include "analysis/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigia::analysis {

struct Weights {
    std::vector<std::int64_t> start{0}; ///< n + 1 offsets
    std::vector<std::int32_t> index;    ///< neighbour ids, ascending within a row
    std::vector<double> weight;         ///< same length as index
    bool self = false;                  ///< each row includes i itself (Gi*)
    std::string description;            ///< e.g. "queen ring + self (binary)"

    std::size_t size() const noexcept { return start.size() - 1; }
    std::size_t cardinality(std::size_t i) const noexcept {
        return static_cast<std::size_t>(start[i + 1] - start[i]);
    }
    /// Features with no neighbour other than themselves.
    std::vector<std::int32_t> islands() const;
    /// Mean number of neighbours (self excluded).
    double mean_neighbours() const;
};

/// Builds CSR weights from per-row neighbour lists (sorted, de-duplicated here), binary.
Weights from_lists(std::vector<std::vector<std::int32_t>> lists, bool include_self);

/// The first ring of lattice neighbours among kept cells: 8 on squares (queen), 6 on
/// hexagons; plus the cell itself when `include_self`. Binary.
Weights grid_ring(const Grid& grid, bool include_self);

/// Binary fixed distance band between points: j is a neighbour of i when
/// 0 < d(i, j) <= band (centroid distances, 1e-9 relative tolerance so lattice neighbours at
/// exactly the band survive rounding); plus i itself when `include_self`.
Weights distance_band(const std::vector<double>& x, const std::vector<double>& y, double band,
                      bool include_self);

/// The k nearest neighbours of each point (ties at the k-th distance broken by lower index);
/// binary, asymmetric in general.
Weights k_nearest(const std::vector<double>& x, const std::vector<double>& y, std::size_t k,
                  bool include_self);

/// Queen contiguity between polygons: neighbours share at least one boundary point, within
/// `snap` metres (gaps and overlaps of that size between neighbours are tolerated, as in
/// spdep::poly2nb's snap). Binary.
Weights queen_contiguity(const Polygons& polygons, double snap, bool include_self);

/// The same neighbours without each feature itself.
Weights without_self(const Weights& w);

/// Each row's weights divided by the row sum (rows of islands stay empty).
Weights row_standardised(const Weights& w);

/// Distance to the k-th nearest other point, for each point.
std::vector<double> kth_neighbour_distance(const std::vector<double>& x,
                                           const std::vector<double>& y, std::size_t k);

} // namespace vigia::analysis
