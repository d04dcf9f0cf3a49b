#pragma once
/// \file
/// Counting incidents into grid cells and sub-units. Indexes are built once; the per-point
/// loop is pure arithmetic and Boost.Geometry, split across every core.

#include "analysis/grid.hpp"
#include "analysis/spatial_index.hpp"
#include "analysis/types.hpp"

#include <cstdint>
#include <vector>

namespace vigia::analysis {

/// The sub-units, indexed for point location, and for each grid cell the unit that wholly
/// contains it (so most points need no point-in-polygon test at all).
class UnitIndex {
public:
    UnitIndex(const Polygons& units, const Grid& grid);

    /// The unit holding the point that lies in `cell` (-1 for none).
    std::int32_t locate(std::int32_t cell, double x, double y) const;
    const std::vector<double>& area_km2() const noexcept { return m_area_km2; }
    /// -1 when the cell is crossed by unit edges (points are then tested one by one).
    const std::vector<std::int32_t>& cell_unit() const noexcept { return m_cell_unit; }
    const PolygonIndex& polygons() const noexcept { return m_polygons; }
    std::size_t size() const noexcept { return m_polygons.size(); }

private:
    PolygonIndex m_polygons;
    std::vector<std::int32_t> m_cell_unit;
    std::vector<double> m_area_km2;
};

/// Where each incident fell: cell index and unit index, -1 for outside the boundary / none.
struct Assignment {
    std::vector<std::int32_t> cell;
    std::vector<std::int32_t> unit;
    std::size_t outside = 0;      ///< points outside the boundary
    std::size_t without_unit = 0; ///< inside the boundary but in no unit (gaps, slivers)
};

Assignment assign_points(const Grid& grid, const UnitIndex& units, const std::vector<double>& x,
                         const std::vector<double>& y);

/// Sums `weight` (or 1 when empty) per index in [0, n); negative indexes are skipped.
std::vector<double> tally(const std::vector<std::int32_t>& index, std::size_t n,
                          const std::vector<double>& weight = {});

/// Overlap areas (m²) of every cell with every unit it meets, as (unit, area) lists.
std::vector<std::vector<std::pair<std::int32_t, double>>>
cell_unit_overlaps(const Grid& grid, const Polygons& units, const UnitIndex& index);

/// Areal weighting: each unit's count spread over the cells it meets, in proportion to the
/// share of the unit's area inside each cell.
std::vector<double>
apportion_to_cells(const std::vector<std::vector<std::pair<std::int32_t, double>>>& overlaps,
                   const std::vector<double>& unit_area_km2,
                   const std::vector<double>& unit_counts);

/// Density per km²: count / area, 0 where the area is 0.
std::vector<double> density(const std::vector<double>& counts, const std::vector<double>& area_km2);

} // namespace vigia::analysis
