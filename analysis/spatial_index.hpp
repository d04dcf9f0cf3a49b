#pragma once
/// \file
/// Boost.Geometry indexes built once per run and then queried read-only from any thread:
/// a segment index over polygon edges (is a cell crossed by an edge? is a point inside by
/// the crossing-number rule?) and a polygon index for point-in-polygon look-ups.

#include "analysis/geos.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/segment.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace vigia::analysis {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::d2::point_xy<double>;
using BBox = bg::model::box<BPoint>;
using BSegment = bg::model::segment<BPoint>;
using BPolygon = bg::model::polygon<BPoint>;
using BMultiPolygon = bg::model::multi_polygon<BPolygon>;

/// Converts a GEOS (multi)polygon to a corrected Boost.Geometry multipolygon.
BMultiPolygon to_boost(const GeosContext& c, const GEOSGeometry* g);

/// The edges of a set of polygons in an R-tree (packed on construction).
class SegmentIndex {
public:
    SegmentIndex() = default;
    explicit SegmentIndex(const std::vector<BMultiPolygon>& polygons);

    /// True when any edge intersects the closed box.
    bool touches(const BBox& box) const;
    /// Even-odd rule over every edge: for one polygon (or a union) this is point-in-polygon.
    bool inside(double x, double y) const;
    /// The x coordinates where the edges cross the horizontal line at y (half-open rule),
    /// ascending: the scan line of a row of pixels.
    std::vector<double> crossings(double y) const;

private:
    bgi::rtree<BSegment, bgi::quadratic<16>> m_tree;
    double m_min_x = 0, m_max_x = 0;
};

/// Point-in-polygon over many polygons (sub-units): bounding-box R-tree, then covered_by.
class PolygonIndex {
public:
    PolygonIndex() = default;
    explicit PolygonIndex(std::vector<BMultiPolygon> polygons);

    /// Index of the first polygon (lowest index) that covers the point, or -1.
    std::int32_t locate(double x, double y) const;
    /// Indexes of the polygons whose bounding box intersects `box`, in increasing order.
    std::vector<std::int32_t> candidates(const BBox& box) const;
    const BMultiPolygon& polygon(std::int32_t i) const { return m_polygons[i]; }
    std::size_t size() const noexcept { return m_polygons.size(); }

private:
    std::vector<BMultiPolygon> m_polygons;
    bgi::rtree<std::pair<BBox, std::int32_t>, bgi::quadratic<16>> m_tree;
};

} // namespace vigia::analysis
