#pragma once
/// \file
/// Hot-spot areas: contiguous significant hot cells dissolved into polygons.

#include "analysis/grid.hpp"
#include "analysis/weights.hpp"

#include <cstdint>
#include <vector>

namespace vigia::analysis {

struct HotArea {
    Wkb geometry;                    ///< union of the member cells (MultiPolygon)
    std::vector<std::int32_t> cells; ///< member cell indexes, ascending
    double count = 0;                ///< incidents in the member cells
    double area_km2 = 0;
    double share = 0;  ///< count / all incidents of the city
    double peak_z = 0; ///< largest Gi* z among the members
};

/// Groups the cells with class ≥ `min_class` into connected components under `adjacency`
/// (the grid's neighbour relation), dissolves each with GEOS, and returns them by count,
/// largest first (ties: lower first cell).
std::vector<HotArea> hot_areas(const Grid& grid, const Weights& adjacency,
                               const std::vector<std::int8_t>& classes,
                               const std::vector<double>& counts, const std::vector<double>& z,
                               int min_class = 2);

} // namespace vigia::analysis
