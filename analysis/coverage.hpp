#pragma once
/// \file
/// Facility coverage: distances from incidents to the nearest facility, service areas,
/// areal weighting of population, facility loads, and maximal covering location (where K
/// new sites would cover the most uncovered demand). Formulas: docs/methods.md §11–12.

#include "analysis/grid.hpp"
#include "analysis/spatial_index.hpp"
#include "analysis/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigia::analysis {

/// A facility network in the city's CRS: points (police posts, cameras) or polygons (parks,
/// sports grounds), with names.
struct Facilities {
    std::vector<Wkb> wkb;
    std::vector<std::string> names;
    std::size_t size() const noexcept { return wkb.size(); }
};

/// Distance look-ups to a network: to a point, or to a polygon's edge (0 inside it).
class FacilityIndex {
public:
    explicit FacilityIndex(const Facilities& f);
    /// Distance from (x, y) to the nearest facility, m (+inf when there is none).
    double nearest(double x, double y) const;
    /// Indexes of the facilities within `radius` of (x, y) (distance ≤ radius).
    std::vector<std::int32_t> within(double x, double y, double radius) const;
    std::size_t size() const noexcept { return m_shapes.size(); }
    const BMultiPolygon& shape(std::int32_t i) const { return m_shapes[i]; }
    bool is_point(std::int32_t i) const { return m_point[i]; }
    const BPoint& point(std::int32_t i) const { return m_points[i]; }

private:
    double distance(std::int32_t i, const BPoint& p) const;
    std::vector<BMultiPolygon> m_shapes;
    std::vector<BPoint> m_points;
    std::vector<std::uint8_t> m_point;
    bool m_all_points = true;
    bgi::rtree<std::pair<BBox, std::int32_t>, bgi::quadratic<16>> m_tree;
};

/// Distances from every point to its nearest facility (every core).
std::vector<double> nearest_distances(const FacilityIndex& index, const std::vector<double>& x,
                                      const std::vector<double>& y);

struct DistanceSummary {
    double mean = 0, median = 0, p90 = 0; ///< NaN when there are no distances
};
/// Mean, median and 90th percentile (linear interpolation between order statistics, R's and
/// NumPy's default "type 7").
DistanceSummary summarise(std::vector<double> d);

/// The union of the facilities' service areas (buffers of `radius`, 32 segments a quarter
/// circle) clipped to the boundary, as MultiPolygon WKB; its area in km².
struct ServiceArea {
    Wkb wkb;
    double area_km2 = 0;
};
ServiceArea service_area(const Facilities& f, double radius, const Boundary& boundary);

/// For each cell, the share of its area (inside the boundary) within the service area.
std::vector<double> covered_fraction(const Grid& grid, const Wkb& service_area);

/// Areal weighting: each source polygon's value spread over the targets in proportion to the
/// share of its area inside each target. Also measures overlaps between sources and the part
/// of `within` (the boundary) no source covers.
struct Apportioned {
    std::vector<double> values; ///< per target
    double overlap_km2 = 0;     ///< Σ source areas − area of their union
    double gap_km2 = 0;         ///< boundary area not covered by any source
    double outside = 0;         ///< value of the source parts outside every target
};
Apportioned apportion(const std::vector<Wkb>& sources, const std::vector<double>& values,
                      const std::vector<Wkb>& targets, const Boundary& within);

/// Maximal covering location (Church & ReVelle 1974) by greedy selection with lazy
/// evaluation. Demand points carry the weight not yet covered; candidate j covers demand i
/// when their distance is ≤ radius.
struct Site {
    std::int32_t candidate = -1;
    double gain = 0;       ///< newly covered weight
    double cumulative = 0; ///< covered by the chosen sites so far
};
struct Siting {
    std::vector<Site> sites;
    double upper_bound = 0; ///< Σ of the K largest single-site gains: no K sites cover more
    double total = 0;       ///< all uncovered demand weight
};
Siting greedy_max_cover(const std::vector<double>& demand_x, const std::vector<double>& demand_y,
                        const std::vector<double>& weight, const std::vector<double>& cand_x,
                        const std::vector<double>& cand_y, double radius, std::size_t k);

/// The best K sites by trying every combination: for tests on small instances.
Siting exhaustive_max_cover(const std::vector<double>& demand_x,
                            const std::vector<double>& demand_y, const std::vector<double>& weight,
                            const std::vector<double>& cand_x, const std::vector<double>& cand_y,
                            double radius, std::size_t k);

} // namespace vigia::analysis
