#include "analysis/spatial_index.hpp"

#include <algorithm>
#include <limits>

namespace vigia::analysis {

namespace {

BPolygon::ring_type ring_from(const GeosContext& c, const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(c.get(), ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(c.get(), seq, &n)) c.fail("reading a ring");
    std::vector<double> xy(2 * static_cast<std::size_t>(n));
    if (n > 0 && !GEOSCoordSeq_copyToBuffer_r(c.get(), seq, xy.data(), 0, 0)) c.fail("ring copy");
    BPolygon::ring_type out;
    out.reserve(n);
    for (unsigned i = 0; i < n; ++i)
        out.emplace_back(xy[2 * i], xy[2 * i + 1]);
    return out;
}

void add_polygon(const GeosContext& c, const GEOSGeometry* poly, BMultiPolygon& out) {
    if (GEOSisEmpty_r(c.get(), poly)) return;
    BPolygon p;
    p.outer() = ring_from(c, GEOSGetExteriorRing_r(c.get(), poly));
    const int holes = GEOSGetNumInteriorRings_r(c.get(), poly);
    for (int h = 0; h < holes; ++h)
        p.inners().push_back(ring_from(c, GEOSGetInteriorRingN_r(c.get(), poly, h)));
    out.push_back(std::move(p));
}

} // namespace

BMultiPolygon to_boost(const GeosContext& c, const GEOSGeometry* g) {
    BMultiPolygon out;
    const int type = GEOSGeomTypeId_r(c.get(), g);
    if (type == GEOS_POLYGON) {
        add_polygon(c, g, out);
    } else {
        const int n = GEOSGetNumGeometries_r(c.get(), g);
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(c.get(), g, i);
            if (GEOSGeomTypeId_r(c.get(), part) == GEOS_POLYGON) add_polygon(c, part, out);
        }
    }
    bg::correct(out);
    return out;
}

namespace {
template <typename Ring> void add_ring_edges(const Ring& ring, std::vector<BSegment>& out) {
    for (std::size_t i = 1; i < ring.size(); ++i)
        out.emplace_back(ring[i - 1], ring[i]);
}
} // namespace

SegmentIndex::SegmentIndex(const std::vector<BMultiPolygon>& polygons) {
    std::vector<BSegment> segments;
    m_min_x = std::numeric_limits<double>::max();
    for (const BMultiPolygon& mp : polygons)
        for (const BPolygon& p : mp) {
            add_ring_edges(p.outer(), segments);
            for (const auto& inner : p.inners())
                add_ring_edges(inner, segments);
        }
    m_max_x = std::numeric_limits<double>::lowest();
    for (const BSegment& s : segments) {
        m_min_x = std::min({m_min_x, s.first.x(), s.second.x()});
        m_max_x = std::max({m_max_x, s.first.x(), s.second.x()});
    }
    m_tree = decltype(m_tree)(segments.begin(), segments.end());
}

bool SegmentIndex::touches(const BBox& box) const {
    return m_tree.qbegin(bgi::intersects(box)) != m_tree.qend();
}

bool SegmentIndex::inside(double x, double y) const {
    // Crossing number of a ray from the west: only edges whose box meets the ray are read.
    const BBox ray{BPoint{m_min_x - 1.0, y}, BPoint{x, y}};
    bool in = false;
    for (auto it = m_tree.qbegin(bgi::intersects(ray)); it != m_tree.qend(); ++it) {
        const BPoint& a = it->first;
        const BPoint& b = it->second;
        if ((a.y() > y) == (b.y() > y)) continue; // half-open: each vertex counted once
        const double xi = a.x() + (y - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
        if (xi < x) in = !in;
    }
    return in;
}

std::vector<double> SegmentIndex::crossings(double y) const {
    const BBox line{BPoint{m_min_x - 1.0, y}, BPoint{m_max_x + 1.0, y}};
    std::vector<double> xs;
    for (auto it = m_tree.qbegin(bgi::intersects(line)); it != m_tree.qend(); ++it) {
        const BPoint& a = it->first;
        const BPoint& b = it->second;
        if ((a.y() > y) == (b.y() > y)) continue;
        xs.push_back(a.x() + (y - a.y()) * (b.x() - a.x()) / (b.y() - a.y()));
    }
    std::sort(xs.begin(), xs.end());
    return xs;
}

PolygonIndex::PolygonIndex(std::vector<BMultiPolygon> polygons) : m_polygons(std::move(polygons)) {
    std::vector<std::pair<BBox, std::int32_t>> boxes;
    boxes.reserve(m_polygons.size());
    for (std::size_t i = 0; i < m_polygons.size(); ++i) {
        if (m_polygons[i].empty()) continue;
        boxes.emplace_back(bg::return_envelope<BBox>(m_polygons[i]), static_cast<std::int32_t>(i));
    }
    m_tree = decltype(m_tree)(boxes.begin(), boxes.end());
}

std::vector<std::int32_t> PolygonIndex::candidates(const BBox& box) const {
    std::vector<std::int32_t> out;
    for (auto it = m_tree.qbegin(bgi::intersects(box)); it != m_tree.qend(); ++it)
        out.push_back(it->second);
    std::sort(out.begin(), out.end());
    return out;
}

std::int32_t PolygonIndex::locate(double x, double y) const {
    const BPoint p{x, y};
    std::int32_t best = -1;
    for (auto it = m_tree.qbegin(bgi::intersects(p)); it != m_tree.qend(); ++it) {
        if ((best < 0 || it->second < best) && bg::covered_by(p, m_polygons[it->second]))
            best = it->second;
    }
    return best;
}

} // namespace vigia::analysis
