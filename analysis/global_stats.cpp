#include "analysis/global_stats.hpp"

#include "analysis/local_stats.hpp"
#include "analysis/parallel.hpp"
#include "analysis/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vigia::analysis {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// spdep spweights.constants: S0, S1, S2 over the weights as given (self entries excluded).
struct Constants {
    double s0 = 0, s1 = 0, s2 = 0;
    std::size_t n = 0; ///< rows with at least one neighbour
    std::vector<std::uint8_t> has;
};

Constants constants(const Weights& w) {
    Constants c;
    const std::size_t n = w.size();
    std::vector<double> row(n, 0.0), col(n, 0.0);
    c.has.assign(n, 0);
    // S1 = ½ Σ (w_ij + w_ji)²: gather w_ji by looking each pair up in row j.
    for (std::size_t i = 0; i < n; ++i) {
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k) {
            const auto j = static_cast<std::size_t>(w.index[k]);
            if (j == i) continue;
            const double wij = w.weight[k];
            c.s0 += wij;
            row[i] += wij;
            col[j] += wij;
            c.has[i] = 1;
            const auto begin = w.index.begin() + w.start[j], end = w.index.begin() + w.start[j + 1];
            const auto it = std::lower_bound(begin, end, static_cast<std::int32_t>(i));
            const double wji = (it != end && *it == static_cast<std::int32_t>(i))
                                   ? w.weight[static_cast<std::size_t>(it - w.index.begin())]
                                   : 0.0;
            // S1 = ½ Σ over ordered pairs of (w_ij + w_ji)². The pair (i, j) is met here; its
            // mirror (j, i) is met from row j, unless w_ji = 0 (not stored): add it now.
            c.s1 += 0.5 * (wij + wji) * (wij + wji);
            if (wji == 0) c.s1 += 0.5 * wij * wij;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        c.s2 += (row[i] + col[i]) * (row[i] + col[i]);
    for (std::size_t i = 0; i < n; ++i)
        c.n += c.has[i];
    return c;
}

} // namespace

GlobalTest moran_from_sums(std::size_t n_with, std::size_t full, double s0, double s1, double s2,
                           double m2, double m4, double cross) {
    GlobalTest t;
    const double n = static_cast<double>(n_with);
    t.n = n_with;
    t.value = (n / s0) * cross / m2;
    t.expectation = -1.0 / (n - 1.0);
    const double k = static_cast<double>(full) * m4 / (m2 * m2);
    const double s0sq = s0 * s0;
    t.variance = (n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0sq) -
                  k * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0sq)) /
                     ((n - 1) * (n - 2) * (n - 3) * s0sq) -
                 t.expectation * t.expectation;
    t.z = t.variance > 0 && m2 > 0 ? (t.value - t.expectation) / std::sqrt(t.variance) : kNaN;
    t.p = two_sided_p(t.z);
    return t;
}

Deviations deviations(const std::vector<double>& x) {
    Deviations d;
    const double mean =
        x.empty() ? 0.0 : std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
    d.z.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x[i] - mean;
        d.z[i] = v;
        d.m2 += v * v;
        d.m4 += v * v * v * v;
    }
    return d;
}

GlobalTest moran_i(const std::vector<double>& x, const Weights& w) {
    const Constants c = constants(w);
    const std::size_t full = x.size();
    const Deviations dev = deviations(x);
    const std::vector<double>& z = dev.z;
    double cross = 0;
    for (std::size_t i = 0; i < full; ++i)
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k)
            if (static_cast<std::size_t>(w.index[k]) != i)
                cross += w.weight[k] * z[i] * z[w.index[k]];
    return moran_from_sums(c.n, full, c.s0, c.s1, c.s2, dev.m2, dev.m4, cross);
}

GlobalTest general_g(const std::vector<double>& x, const Weights& w) {
    GlobalTest t;
    const Constants c = constants(w);
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, cross = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!c.has[i]) continue;
        const double v = x[i];
        s1 += v;
        s2 += v * v;
        s3 += v * v * v;
        s4 += v * v * v * v;
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k)
            if (static_cast<std::size_t>(w.index[k]) != i) cross += w.weight[k] * v * x[w.index[k]];
    }
    const double n = static_cast<double>(c.n);
    t.n = c.n;
    const double denom = s1 * s1 - s2;
    t.value = denom != 0 ? cross / denom : kNaN;
    t.expectation = c.s0 / (n * (n - 1));
    const double s0sq = c.s0 * c.s0;
    const double b0 = (n * n - 3 * n + 3) * c.s1 - n * c.s2 + 3 * s0sq;
    const double b1 = -((n * n - n) * c.s1 - 2 * n * c.s2 + 6 * s0sq);
    const double b2 = -(2 * n * c.s1 - (n + 3) * c.s2 + 6 * s0sq);
    const double b3 = 4 * (n - 1) * c.s1 - 2 * (n + 1) * c.s2 + 8 * s0sq;
    const double b4 = c.s1 - c.s2 + s0sq;
    const double eg2 =
        (b0 * s2 * s2 + b1 * s4 + b2 * s1 * s1 * s2 + b3 * s1 * s3 + b4 * s1 * s1 * s1 * s1) /
        (denom * denom * n * (n - 1) * (n - 2) * (n - 3));
    t.variance = eg2 - t.expectation * t.expectation;
    t.z = t.variance > 0 ? (t.value - t.expectation) / std::sqrt(t.variance) : kNaN;
    t.p = two_sided_p(t.z);
    return t;
}

std::vector<double> nearest_neighbour_distances(const std::vector<double>& x,
                                                const std::vector<double>& y) {
    const std::size_t n = x.size();
    std::vector<double> out(n, kNaN);
    if (n < 2) return out;
    using Value = std::pair<BPoint, std::size_t>;
    std::vector<Value> v;
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        v.emplace_back(BPoint{x[i], y[i]}, i);
    const bgi::rtree<Value, bgi::rstar<16>> tree{v.begin(), v.end()};
    // Query in the tree's own (packed, spatially coherent) order: consecutive queries touch
    // the same nodes, which stay in cache; in input order the same work is about twice slower.
    const std::vector<Value> ordered(tree.begin(), tree.end());
    parallel_chunks(n, [&](unsigned, std::size_t b, std::size_t e) {
        std::vector<Value> found;
        for (std::size_t k = b; k < e; ++k) {
            const auto& [p, i] = ordered[k];
            found.clear();
            tree.query(bgi::nearest(p, 2), std::back_inserter(found));
            // The two nearest include i itself, or two copies of its location.
            for (const Value& f : found)
                if (f.second != i) {
                    const double dx = f.first.x() - p.x(), dy = f.first.y() - p.y();
                    const double d = std::sqrt(dx * dx + dy * dy);
                    if (std::isnan(out[i]) || d < out[i]) out[i] = d;
                }
        }
    });
    return out;
}

ClarkEvans clark_evans(const std::vector<double>& x, const std::vector<double>& y, double area) {
    ClarkEvans ce;
    ce.n = x.size();
    ce.area = area;
    if (ce.n < 2 || !(area > 0)) {
        ce.observed = ce.expected = ce.r = ce.se = ce.z = ce.p = kNaN;
        return ce;
    }
    const std::vector<double> d = nearest_neighbour_distances(x, y);
    const double n = static_cast<double>(ce.n);
    ce.observed = std::accumulate(d.begin(), d.end(), 0.0) / n;
    const double lambda = n / area;
    ce.expected = 0.5 / std::sqrt(lambda);
    ce.r = ce.observed / ce.expected;
    ce.se = std::sqrt((4.0 - M_PI) * area / (4.0 * M_PI)) / n;
    ce.z = (ce.observed - ce.expected) / ce.se;
    ce.p = two_sided_p(ce.z);
    return ce;
}

double gini(std::vector<double> x) {
    const double n = static_cast<double>(x.size());
    const double total = std::accumulate(x.begin(), x.end(), 0.0);
    if (x.empty() || !(total > 0)) return kNaN;
    std::sort(x.begin(), x.end());
    double weighted = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        weighted += static_cast<double>(i + 1) * x[i];
    return 2.0 * weighted / (n * total) - (n + 1.0) / n;
}

std::vector<double> lorenz_curve(std::vector<double> counts, std::size_t steps) {
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    if (counts.empty() || steps == 0 || !(total > 0)) return {};
    std::sort(counts.begin(), counts.end());
    const double n = static_cast<double>(counts.size());
    std::vector<double> curve(steps + 1);
    // cum = the share held by the first `place` places; the curve is linear across a place.
    double cum = 0;
    std::size_t place = 0;
    for (std::size_t k = 0; k <= steps; ++k) {
        const double at = static_cast<double>(k) / static_cast<double>(steps) * n; // places
        while (place < counts.size() && static_cast<double>(place + 1) <= at)
            cum += counts[place++];
        const double part = place < counts.size() ? (at - static_cast<double>(place)) : 0.0;
        curve[k] = (cum + part * (place < counts.size() ? counts[place] : 0.0)) / total;
    }
    curve.front() = 0;
    curve.back() = 1;
    return curve;
}

Concentration concentration(const std::vector<double>& counts, const std::vector<double>& area) {
    Concentration c;
    const std::size_t n = counts.size();
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const double total_area = std::accumulate(area.begin(), area.end(), 0.0);
    c.gini = gini(counts);
    // Generalised Gini: when there are fewer incidents N than places n, compare with the
    // most equal distribution possible (N places with one each): G' = 1 − (n/N)(1 − G).
    const double nd = static_cast<double>(n);
    c.gini_generalised = total < nd && total > 0 ? 1.0 - nd / total * (1.0 - c.gini) : c.gini;
    std::size_t zeros = 0;
    for (double v : counts)
        zeros += v == 0;
    c.zero_share = n ? static_cast<double>(zeros) / nd : kNaN;
    // The fewest cells (most incidents first; ties: the smaller area first) holding a share.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return counts[a] != counts[b] ? counts[a] > counts[b] : area[a] < area[b];
    });
    auto share = [&](double target, double& cells, double& area_share) {
        if (!(total > 0)) {
            cells = area_share = kNaN;
            return;
        }
        double cum = 0, a = 0;
        std::size_t k = 0;
        while (k < n && cum < target * total) {
            cum += counts[order[k]];
            a += area[order[k]];
            ++k;
        }
        cells = static_cast<double>(k) / nd;
        area_share = a / total_area;
    };
    share(0.25, c.cells_share_25, c.area_share_25);
    share(0.50, c.cells_share_50, c.area_share_50);
    return c;
}

} // namespace vigia::analysis
