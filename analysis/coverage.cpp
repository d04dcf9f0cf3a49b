#include "analysis/coverage.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"
#include "analysis/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>

namespace vigia::analysis {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

FacilityIndex::FacilityIndex(const Facilities& f) {
    GeosContext ctx;
    std::vector<std::pair<BBox, std::int32_t>> boxes;
    for (std::size_t i = 0; i < f.size(); ++i) {
        GeomPtr g = from_wkb(ctx, f.wkb[i]);
        const int type = GEOSGeomTypeId_r(ctx.get(), g.get());
        BPoint p{0, 0};
        BMultiPolygon shape;
        const bool point = type == GEOS_POINT;
        if (point) {
            double x = 0, y = 0;
            GEOSGeomGetX_r(ctx.get(), g.get(), &x);
            GEOSGeomGetY_r(ctx.get(), g.get(), &y);
            p = BPoint{x, y};
            boxes.emplace_back(BBox{p, p}, static_cast<std::int32_t>(i));
        } else {
            shape = to_boost(ctx, g.get());
            if (shape.empty())
                throw InputError{fmt::format("facility {} ('{}') has no area", i + 1, f.names[i])};
            boxes.emplace_back(bg::return_envelope<BBox>(shape), static_cast<std::int32_t>(i));
        }
        m_points.push_back(p);
        m_shapes.push_back(std::move(shape));
        m_point.push_back(point);
    }
    m_tree = decltype(m_tree)(boxes.begin(), boxes.end());
    m_all_points =
        std::all_of(m_point.begin(), m_point.end(), [](std::uint8_t v) { return v != 0; });
}

double FacilityIndex::distance(std::int32_t i, const BPoint& p) const {
    if (m_point[i]) {
        const double dx = m_points[i].x() - p.x(), dy = m_points[i].y() - p.y();
        return std::sqrt(dx * dx + dy * dy);
    }
    return bg::covered_by(p, m_shapes[i]) ? 0.0 : bg::distance(p, m_shapes[i]);
}

double FacilityIndex::nearest(double x, double y) const {
    const BPoint p{x, y};
    double best = kInf;
    if (m_all_points) { // the nearest box is the nearest point
        for (auto it = m_tree.qbegin(bgi::nearest(p, 1)); it != m_tree.qend(); ++it)
            best = distance(it->second, p);
        return best;
    }
    // Best-first over bounding boxes: stop once a box is farther than the best exact distance.
    for (auto it = m_tree.qbegin(bgi::nearest(p, static_cast<unsigned>(m_shapes.size())));
         it != m_tree.qend(); ++it) {
        if (bg::distance(p, it->first) > best) break;
        best = std::min(best, distance(it->second, p));
    }
    return best;
}

std::vector<std::int32_t> FacilityIndex::within(double x, double y, double radius) const {
    const BPoint p{x, y};
    const BBox box{BPoint{x - radius, y - radius}, BPoint{x + radius, y + radius}};
    std::vector<std::int32_t> out;
    for (auto it = m_tree.qbegin(bgi::intersects(box)); it != m_tree.qend(); ++it)
        if (distance(it->second, p) <= radius) out.push_back(it->second);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<double> nearest_distances(const FacilityIndex& index, const std::vector<double>& x,
                                      const std::vector<double>& y) {
    std::vector<double> out(x.size(), kInf);
    if (index.size() == 0) return out;
    parallel_chunks(x.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            out[i] = index.nearest(x[i], y[i]);
    });
    return out;
}

DistanceSummary summarise(std::vector<double> d) {
    DistanceSummary s;
    d.erase(std::remove_if(d.begin(), d.end(), [](double v) { return !std::isfinite(v); }),
            d.end());
    if (d.empty()) return {kNaN, kNaN, kNaN};
    std::sort(d.begin(), d.end());
    s.mean = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(d.size());
    auto quantile = [&](double q) {
        const double h = (static_cast<double>(d.size()) - 1.0) * q;
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, d.size() - 1);
        return d[lo] + (h - static_cast<double>(lo)) * (d[hi] - d[lo]);
    };
    s.median = quantile(0.5);
    s.p90 = quantile(0.9);
    return s;
}

ServiceArea service_area(const Facilities& f, double radius, const Boundary& boundary) {
    GeosContext ctx;
    ServiceArea out;
    std::vector<Wkb> buffers;
    buffers.reserve(f.size());
    for (const Wkb& w : f.wkb) {
        GeomPtr g = from_wkb(ctx, w);
        GeomPtr b = own(ctx, GEOSBuffer_r(ctx.get(), g.get(), radius, 32), "buffering a facility");
        buffers.push_back(to_wkb(ctx, b.get()));
    }
    if (buffers.empty()) {
        out.wkb = to_wkb(ctx, union_polygons(ctx, {}).get());
        return out;
    }
    GeomPtr all = union_polygons(ctx, buffers);
    GeomPtr city = from_wkb(ctx, boundary.wkb);
    GeomPtr clipped =
        own(ctx, GEOSIntersection_r(ctx.get(), all.get(), city.get()), "clipping coverage");
    Repair unused;
    clipped = make_valid_polygonal(ctx, std::move(clipped), unused);
    out.wkb = to_wkb(ctx, clipped.get());
    out.area_km2 = area(ctx, clipped.get()) * 1e-6;
    return out;
}

std::vector<double> covered_fraction(const Grid& grid, const Wkb& service) {
    std::vector<double> out(grid.size(), 0.0);
    if (grid.size() == 0) return out;
    // Cells are stored row by row: work a row band at a time, on the service area clipped to
    // the band (GEOS ClipByRect is linear and cheap), so each cell meets only a small piece.
    std::vector<std::size_t> row_start{0};
    for (std::size_t c = 1; c < grid.size(); ++c)
        if (grid.row[c] != grid.row[c - 1]) row_start.push_back(c);
    row_start.push_back(grid.size());
    const bool square = grid.lattice.spec().shape == GridShape::square;
    parallel_chunks(row_start.size() - 1, [&](unsigned, std::size_t rb, std::size_t re) {
        GeosContext ctx;
        GeomPtr s = from_wkb(ctx, service);
        if (GEOSisEmpty_r(ctx.get(), s.get())) return;
        for (std::size_t r = rb; r < re; ++r) {
            const std::size_t first = row_start[r], last = row_start[r + 1];
            const BBox row_box = grid.lattice.bbox(grid.col[first], grid.row[first]);
            const BBox last_box = grid.lattice.bbox(grid.col[last - 1], grid.row[last - 1]);
            GeomPtr band =
                own(ctx,
                    GEOSClipByRect_r(ctx.get(), s.get(), row_box.min_corner().x() - 1,
                                     row_box.min_corner().y() - 1, last_box.max_corner().x() + 1,
                                     row_box.max_corner().y() + 1),
                    "clipping the service area to a row");
            if (GEOSisEmpty_r(ctx.get(), band.get())) continue;
            PreparedPtr prep = prepare(ctx, band.get());
            for (std::size_t c = first; c < last; ++c) {
                GeomPtr cell = from_wkb(ctx, grid.geometry[c]);
                const char inter = GEOSPreparedIntersects_r(ctx.get(), prep.get(), cell.get());
                if (inter == 2) ctx.fail("intersects");
                if (!inter) continue;
                const char inside = GEOSPreparedContains_r(ctx.get(), prep.get(), cell.get());
                if (inside == 2) ctx.fail("contains");
                if (inside) {
                    out[c] = 1.0;
                    continue;
                }
                const BBox box = grid.lattice.bbox(grid.col[c], grid.row[c]);
                GeomPtr piece = own(ctx,
                                    GEOSClipByRect_r(ctx.get(), band.get(), box.min_corner().x(),
                                                     box.min_corner().y(), box.max_corner().x(),
                                                     box.max_corner().y()),
                                    "clipping the service area to a cell");
                double covered = 0;
                if (square && !grid.border[c]) {
                    covered = area(ctx, piece.get()); // the rectangle is the cell
                } else {
                    GEOSGeometry* raw = GEOSIntersection_r(ctx.get(), piece.get(), cell.get());
                    if (!raw) raw = GEOSIntersection_r(ctx.get(), s.get(), cell.get());
                    covered = area(ctx, own(ctx, raw, "cell coverage").get());
                }
                const double a = grid.area_km2[c] * 1e6;
                out[c] = a > 0 ? std::clamp(covered / a, 0.0, 1.0) : 0.0;
            }
        }
    });
    return out;
}

Apportioned apportion(const std::vector<Wkb>& sources, const std::vector<double>& values,
                      const std::vector<Wkb>& targets, const Boundary& within) {
    Apportioned out;
    out.values.assign(targets.size(), 0.0);
    GeosContext ctx;
    std::vector<double> source_area(sources.size());
    std::vector<BMultiPolygon> shapes;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        GeomPtr g = from_wkb(ctx, sources[i]);
        source_area[i] = area(ctx, g.get());
        shapes.push_back(to_boost(ctx, g.get()));
    }
    const PolygonIndex index{std::move(shapes)};
    parallel_chunks(targets.size(), [&](unsigned, std::size_t b, std::size_t e) {
        GeosContext local;
        std::vector<GeomPtr> parsed(sources.size());
        std::vector<PreparedPtr> prepared(sources.size());
        for (std::size_t t = b; t < e; ++t) {
            GeomPtr target = from_wkb(local, targets[t]);
            double xmin, ymin, xmax, ymax;
            GEOSGeom_getXMin_r(local.get(), target.get(), &xmin);
            GEOSGeom_getYMin_r(local.get(), target.get(), &ymin);
            GEOSGeom_getXMax_r(local.get(), target.get(), &xmax);
            GEOSGeom_getYMax_r(local.get(), target.get(), &ymax);
            for (std::int32_t s : index.candidates(BBox{BPoint{xmin, ymin}, BPoint{xmax, ymax}})) {
                if (!(source_area[s] > 0) || values[s] == 0) continue;
                if (!parsed[s]) {
                    parsed[s] = from_wkb(local, sources[s]);
                    prepared[s] = prepare(local, parsed[s].get());
                }
                // A target wholly inside the source (most cells of a large polygon) needs no
                // overlay: its share is its own area.
                const char inside =
                    GEOSPreparedContains_r(local.get(), prepared[s].get(), target.get());
                if (inside == 2) local.fail("contains");
                double a = 0;
                if (inside) {
                    a = area(local, target.get());
                } else {
                    GeomPtr inter =
                        own(local, GEOSIntersection_r(local.get(), target.get(), parsed[s].get()),
                            "apportioning a polygon");
                    a = area(local, inter.get());
                }
                if (a > 0) out.values[t] += values[s] * a / source_area[s];
            }
        }
    });
    double total = 0, spread = 0, areas = 0;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        total += values[s];
        areas += source_area[s];
    }
    for (double v : out.values)
        spread += v;
    out.outside = total - spread;
    if (!sources.empty()) {
        GeomPtr u = union_polygons(ctx, sources);
        out.overlap_km2 = std::max(0.0, (areas - area(ctx, u.get())) * 1e-6);
        GeomPtr city = from_wkb(ctx, within.wkb);
        GeomPtr covered =
            own(ctx, GEOSIntersection_r(ctx.get(), city.get(), u.get()), "population coverage");
        out.gap_km2 = std::max(0.0, (within.area_m2 - area(ctx, covered.get())) * 1e-6);
    } else {
        out.gap_km2 = within.area_m2 * 1e-6;
    }
    return out;
}

namespace {

using PointValue = std::pair<BPoint, std::int32_t>;
using PointTree = bgi::rtree<PointValue, bgi::quadratic<16>>;

/// Demand indexes within `radius` of (x, y).
template <typename Fn>
void for_covered(const PointTree& tree, const std::vector<double>& dx,
                 const std::vector<double>& dy, double x, double y, double radius, Fn&& fn) {
    const BBox box{BPoint{x - radius, y - radius}, BPoint{x + radius, y + radius}};
    for (auto it = tree.qbegin(bgi::intersects(box)); it != tree.qend(); ++it) {
        const auto i = it->second;
        const double ex = dx[i] - x, ey = dy[i] - y;
        if (std::sqrt(ex * ex + ey * ey) <= radius) fn(i);
    }
}

PointTree demand_tree(const std::vector<double>& x, const std::vector<double>& y,
                      const std::vector<double>& w) {
    std::vector<PointValue> v;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (w[i] > 0) v.emplace_back(BPoint{x[i], y[i]}, static_cast<std::int32_t>(i));
    return PointTree{v.begin(), v.end()};
}

} // namespace

Siting greedy_max_cover(const std::vector<double>& dx, const std::vector<double>& dy,
                        const std::vector<double>& weight, const std::vector<double>& cx,
                        const std::vector<double>& cy, double radius, std::size_t k) {
    Siting s;
    s.total = std::accumulate(weight.begin(), weight.end(), 0.0);
    const PointTree tree = demand_tree(dx, dy, weight);
    std::vector<double> gain(cx.size(), 0.0);
    parallel_chunks(cx.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t j = b; j < e; ++j)
            for_covered(tree, dx, dy, cx[j], cy[j], radius,
                        [&](std::int32_t i) { gain[j] += weight[i]; });
    });
    std::vector<double> sorted = gain;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    for (std::size_t i = 0; i < std::min(k, sorted.size()); ++i)
        s.upper_bound += sorted[i];

    // Lazy greedy (Minoux 1978): a stored gain only shrinks as demand gets covered, so a
    // candidate whose refreshed gain still tops the queue is the best choice.
    using Entry = std::pair<double, std::int32_t>; // (gain, -index): ties go to the lower index
    std::priority_queue<Entry> queue;
    for (std::size_t j = 0; j < cx.size(); ++j)
        if (gain[j] > 0) queue.emplace(gain[j], -static_cast<std::int32_t>(j));
    std::vector<std::uint8_t> covered(dx.size(), 0);
    double cumulative = 0;
    while (s.sites.size() < k && !queue.empty()) {
        const auto [stored, neg] = queue.top();
        queue.pop();
        const std::int32_t j = -neg;
        double fresh = 0;
        for_covered(tree, dx, dy, cx[j], cy[j], radius, [&](std::int32_t i) {
            if (!covered[i]) fresh += weight[i];
        });
        if (fresh <= 0) continue;
        if (!queue.empty() && Entry{fresh, neg} < queue.top()) {
            queue.emplace(fresh, neg);
            continue;
        }
        for_covered(tree, dx, dy, cx[j], cy[j], radius, [&](std::int32_t i) { covered[i] = 1; });
        cumulative += fresh;
        s.sites.push_back({j, fresh, cumulative});
    }
    return s;
}

Siting exhaustive_max_cover(const std::vector<double>& dx, const std::vector<double>& dy,
                            const std::vector<double>& weight, const std::vector<double>& cx,
                            const std::vector<double>& cy, double radius, std::size_t k) {
    const std::size_t m = cx.size();
    k = std::min(k, m);
    std::vector<std::vector<std::int32_t>> covers(m);
    for (std::size_t j = 0; j < m; ++j)
        for (std::size_t i = 0; i < dx.size(); ++i)
            if (std::hypot(dx[i] - cx[j], dy[i] - cy[j]) <= radius)
                covers[j].push_back(static_cast<std::int32_t>(i));
    std::vector<std::size_t> pick(k), best_pick;
    std::iota(pick.begin(), pick.end(), std::size_t{0});
    double best = -1;
    std::vector<std::uint8_t> seen(dx.size());
    for (;;) {
        std::fill(seen.begin(), seen.end(), 0);
        double total = 0;
        for (std::size_t j : pick)
            for (std::int32_t i : covers[j])
                if (!seen[i]) {
                    seen[i] = 1;
                    total += weight[i];
                }
        if (total > best) {
            best = total;
            best_pick = pick;
        }
        // Next combination in lexicographic order.
        std::size_t t = k;
        while (t > 0 && pick[t - 1] == m - k + t - 1)
            --t;
        if (t == 0) break;
        ++pick[t - 1];
        for (std::size_t u = t; u < k; ++u)
            pick[u] = pick[u - 1] + 1;
    }
    Siting s;
    s.total = std::accumulate(weight.begin(), weight.end(), 0.0);
    std::fill(seen.begin(), seen.end(), 0);
    double cumulative = 0;
    for (std::size_t j : best_pick) {
        double g = 0;
        for (std::int32_t i : covers[j])
            if (!seen[i]) {
                seen[i] = 1;
                g += weight[i];
            }
        cumulative += g;
        s.sites.push_back({static_cast<std::int32_t>(j), g, cumulative});
    }
    s.upper_bound = best;
    return s;
}

} // namespace vigia::analysis
