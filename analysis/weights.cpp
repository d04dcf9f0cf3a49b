#include "analysis/weights.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"
#include "analysis/parallel.hpp"
#include "analysis/spatial_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigia::analysis {

std::vector<std::int32_t> Weights::islands() const {
    std::vector<std::int32_t> out;
    for (std::size_t i = 0; i < size(); ++i) {
        const std::size_t others = cardinality(i) - (self ? 1 : 0);
        if (others == 0) out.push_back(static_cast<std::int32_t>(i));
    }
    return out;
}

double Weights::mean_neighbours() const {
    if (size() == 0) return 0;
    const double total =
        static_cast<double>(index.size()) - (self ? static_cast<double>(size()) : 0);
    return total / static_cast<double>(size());
}

Weights from_lists(std::vector<std::vector<std::int32_t>> lists, bool include_self) {
    Weights w;
    w.self = include_self;
    w.start.reserve(lists.size() + 1);
    for (std::size_t i = 0; i < lists.size(); ++i) {
        auto& l = lists[i];
        const auto me = static_cast<std::int32_t>(i);
        l.erase(std::remove(l.begin(), l.end(), me), l.end());
        if (include_self) l.push_back(me);
        std::sort(l.begin(), l.end());
        l.erase(std::unique(l.begin(), l.end()), l.end());
        w.index.insert(w.index.end(), l.begin(), l.end());
        w.start.push_back(static_cast<std::int64_t>(w.index.size()));
    }
    w.weight.assign(w.index.size(), 1.0);
    return w;
}

Weights grid_ring(const Grid& grid, bool include_self) {
    const Lattice& lat = grid.lattice;
    const bool hex = lat.spec().shape == GridShape::hex;
    std::vector<std::vector<std::int32_t>> lists(grid.size());
    for (std::size_t c = 0; c < grid.size(); ++c) {
        const int col = grid.col[c], row = grid.row[c];
        auto add = [&](int dc, int dr) {
            const int cc = col + dc, rr = row + dr;
            if (cc < 0 || rr < 0 || cc >= lat.cols() || rr >= lat.rows()) return;
            const std::int32_t k =
                grid.cell_of_lattice[static_cast<std::size_t>(rr) * lat.cols() + cc];
            if (k >= 0) lists[c].push_back(k);
        };
        if (!hex) {
            for (int dr = -1; dr <= 1; ++dr)
                for (int dc = -1; dc <= 1; ++dc)
                    if (dc || dr) add(dc, dr);
        } else {
            // Odd-r layout: odd rows are shifted east, so their diagonal neighbours are at
            // columns col and col + 1; even rows' at col - 1 and col.
            const int shift = (row & 1) ? 0 : -1;
            add(-1, 0);
            add(1, 0);
            for (int dr : {-1, 1}) {
                add(shift, dr);
                add(shift + 1, dr);
            }
        }
    }
    Weights w = from_lists(std::move(lists), include_self);
    w.description = fmt::format("first ring of {} cells{} (binary)", hex ? "hexagonal" : "square",
                                include_self ? " + self" : "");
    return w;
}

namespace {
using PointValue = std::pair<BPoint, std::int32_t>;
using PointTree = bgi::rtree<PointValue, bgi::quadratic<16>>;

PointTree point_tree(const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<PointValue> v;
    v.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        v.emplace_back(BPoint{x[i], y[i]}, static_cast<std::int32_t>(i));
    return PointTree{v.begin(), v.end()};
}
} // namespace

Weights distance_band(const std::vector<double>& x, const std::vector<double>& y, double band,
                      bool include_self) {
    if (!(band > 0))
        throw InputError{fmt::format("weights: distance band must be > 0, got {}", band)};
    const PointTree tree = point_tree(x, y);
    // Lattice neighbours lie exactly at the band (one cell away); rounding in the centre
    // coordinates must not drop them, so distances within 1e-9 relative count as inside.
    const double reach = band * (1 + 1e-9);
    std::vector<std::vector<std::int32_t>> lists(x.size());
    parallel_chunks(x.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            const BBox box{BPoint{x[i] - reach, y[i] - reach}, BPoint{x[i] + reach, y[i] + reach}};
            for (auto it = tree.qbegin(bgi::intersects(box)); it != tree.qend(); ++it) {
                const double d = std::hypot(it->first.x() - x[i], it->first.y() - y[i]);
                if (it->second != static_cast<std::int32_t>(i) && d <= reach)
                    lists[i].push_back(it->second);
            }
        }
    });
    Weights w = from_lists(std::move(lists), include_self);
    w.description =
        fmt::format("distance band {} m{} (binary)", band, include_self ? " + self" : "");
    return w;
}

namespace {
/// The k nearest others of point i, ordered by (distance, index): the lower index wins a
/// tie at the k-th distance, as in spdep's knearneigh.
std::vector<std::pair<double, std::int32_t>> nearest(const PointTree& tree,
                                                     const std::vector<double>& x,
                                                     const std::vector<double>& y, std::size_t i,
                                                     std::size_t k) {
    std::size_t want = k + 1;
    for (;;) {
        std::vector<std::pair<double, std::int32_t>> found;
        for (auto it = tree.qbegin(bgi::nearest(BPoint{x[i], y[i]}, static_cast<unsigned>(want)));
             it != tree.qend(); ++it) {
            if (it->second == static_cast<std::int32_t>(i)) continue;
            found.emplace_back(std::hypot(it->first.x() - x[i], it->first.y() - y[i]), it->second);
        }
        std::sort(found.begin(), found.end());
        // More points at the k-th distance may lie beyond what was fetched when the farthest
        // fetched point is itself at that distance: fetch more, unless all were fetched.
        const bool all = want >= x.size();
        if (all || (found.size() > k && found.back().first > found[k - 1].first)) {
            if (found.size() > k) found.resize(k);
            return found;
        }
        want *= 2;
    }
}

} // namespace

Weights k_nearest(const std::vector<double>& x, const std::vector<double>& y, std::size_t k,
                  bool include_self) {
    if (k == 0 || k >= x.size())
        throw InputError{fmt::format("weights: k = {} nearest neighbours needs 0 < k < {} features",
                                     k, x.size())};
    const PointTree tree = point_tree(x, y);
    std::vector<std::vector<std::int32_t>> lists(x.size());
    parallel_chunks(x.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            for (const auto& [d, j] : nearest(tree, x, y, i, k))
                lists[i].push_back(j);
    });
    Weights w = from_lists(std::move(lists), include_self);
    w.description =
        fmt::format("{} nearest neighbours{} (binary)", k, include_self ? " + self" : "");
    return w;
}

std::vector<double> kth_neighbour_distance(const std::vector<double>& x,
                                           const std::vector<double>& y, std::size_t k) {
    std::vector<double> out(x.size(), 0.0);
    if (x.size() <= k) return out;
    const PointTree tree = point_tree(x, y);
    parallel_chunks(x.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            out[i] = nearest(tree, x, y, i, k).back().first;
    });
    return out;
}

Weights queen_contiguity(const Polygons& polygons, double snap, bool include_self) {
    GeosContext ctx;
    std::vector<GeomPtr> geoms;
    std::vector<BMultiPolygon> shapes;
    for (const Wkb& w : polygons.wkb) {
        geoms.push_back(from_wkb(ctx, w));
        shapes.push_back(to_boost(ctx, geoms.back().get()));
    }
    const PolygonIndex index{std::move(shapes)};
    std::vector<std::vector<std::int32_t>> lists(polygons.size());
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        BBox box = bg::return_envelope<BBox>(index.polygon(static_cast<std::int32_t>(i)));
        box.min_corner().x(box.min_corner().x() - snap);
        box.min_corner().y(box.min_corner().y() - snap);
        box.max_corner().x(box.max_corner().x() + snap);
        box.max_corner().y(box.max_corner().y() + snap);
        for (std::int32_t j : index.candidates(box)) {
            if (j <= static_cast<std::int32_t>(i)) continue;
            double d = 0;
            if (!GEOSDistance_r(ctx.get(), geoms[i].get(), geoms[j].get(), &d))
                ctx.fail("distance");
            if (d <= snap) {
                lists[i].push_back(j);
                lists[j].push_back(static_cast<std::int32_t>(i));
            }
        }
    }
    Weights w = from_lists(std::move(lists), include_self);
    w.description =
        fmt::format("queen contiguity (snap {} m){} (binary)", snap, include_self ? " + self" : "");
    return w;
}

Weights without_self(const Weights& w) {
    Weights r;
    r.self = false;
    r.description = w.description;
    const auto plus = r.description.find(" + self");
    if (plus != std::string::npos) r.description.erase(plus, 7);
    for (std::size_t i = 0; i < w.size(); ++i) {
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k)
            if (w.index[k] != static_cast<std::int32_t>(i)) {
                r.index.push_back(w.index[k]);
                r.weight.push_back(w.weight[k]);
            }
        r.start.push_back(static_cast<std::int64_t>(r.index.size()));
    }
    return r;
}

Weights row_standardised(const Weights& w) {
    Weights r = w;
    for (std::size_t i = 0; i < w.size(); ++i) {
        double sum = 0;
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k)
            sum += w.weight[k];
        if (sum > 0)
            for (auto k = w.start[i]; k < w.start[i + 1]; ++k)
                r.weight[k] = w.weight[k] / sum;
    }
    r.description =
        w.description.substr(0, w.description.rfind(" (binary)")) + " (row-standardised)";
    return r;
}

} // namespace vigia::analysis
