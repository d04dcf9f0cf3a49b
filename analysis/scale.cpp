#include "analysis/scale.hpp"

#include "analysis/global_stats.hpp"
#include "analysis/parallel.hpp"
#include "analysis/weights.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vigia::analysis {

namespace {

/// Lattice offsets (dc, dr) whose centres lie within `band` of a cell in an even (0) or odd
/// (1) row, the cell itself excluded. Distance bands on a lattice need no stored weights.
std::array<std::vector<std::array<int, 2>>, 2> offsets_within(const Lattice& lat, double band) {
    std::array<std::vector<std::array<int, 2>>, 2> out;
    const double s = lat.spec().cell_size_m;
    const int reach = static_cast<int>(std::ceil(band / (s * 0.8))) + 1;
    for (int parity = 0; parity < 2; ++parity) {
        const int row = parity + 2 * reach; // a row of that parity far from the edge
        const auto c0 = lat.center(2 * reach, row);
        for (int dr = -reach; dr <= reach; ++dr)
            for (int dc = -reach; dc <= reach; ++dc) {
                if (!dc && !dr) continue;
                const auto c = lat.center(2 * reach + dc, row + dr);
                if (std::hypot(c[0] - c0[0], c[1] - c0[1]) <= band * (1 + 1e-9))
                    out[parity].push_back({dc, dr});
            }
    }
    return out;
}

GlobalTest moran_on_band(const Grid& g, const std::vector<double>& z, double m2, double m4,
                         double band) {
    const auto offsets = offsets_within(g.lattice, band);
    const std::size_t n = g.size();
    std::vector<double> cross_part(n, 0.0), card(n, 0.0);
    parallel_chunks(n, [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            double lag = 0, k = 0;
            for (const auto& [dc, dr] : offsets[g.row[i] & 1]) {
                const int c = g.col[i] + dc, r = g.row[i] + dr;
                if (c < 0 || r < 0 || c >= g.lattice.cols() || r >= g.lattice.rows()) continue;
                const std::int32_t j =
                    g.cell_of_lattice[static_cast<std::size_t>(r) * g.lattice.cols() + c];
                if (j < 0) continue;
                lag += z[j];
                k += 1;
            }
            cross_part[i] = z[i] * lag;
            card[i] = k;
        }
    });
    double s0 = 0, s2 = 0, cross = 0;
    std::size_t with = 0;
    for (std::size_t i = 0; i < n; ++i) {
        s0 += card[i];
        s2 += 4 * card[i] * card[i]; // (w_i. + w_.i)² with symmetric binary weights
        cross += cross_part[i];
        with += card[i] > 0;
    }
    return moran_from_sums(with, n, s0, 2 * s0, s2, m2, m4, cross);
}

} // namespace

ScaleChoice incremental_autocorrelation(const Grid& g, const std::vector<double>& counts,
                                        int steps) {
    ScaleChoice out;
    const std::size_t n = g.size();
    if (n < 4) {
        out.rule = "too few cells";
        return out;
    }
    const Deviations dev = deviations(counts);
    const std::vector<double>& z = dev.z;
    const double m2 = dev.m2, m4 = dev.m4;
    if (!(m2 > 0)) {
        out.rule = "no variation in counts";
        return out;
    }
    const std::vector<double> nn = kth_neighbour_distance(g.cx, g.cy, 1);
    const double start = *std::max_element(nn.begin(), nn.end());
    const double step = std::accumulate(nn.begin(), nn.end(), 0.0) / static_cast<double>(n);
    for (int k = 0; k < steps; ++k) {
        const double band = start + k * step;
        out.distances.push_back(band);
        out.z.push_back(moran_on_band(g, z, m2, m4, band).z);
    }
    for (std::size_t k = 1; k + 1 < out.z.size(); ++k)
        if (out.z[k] > out.z[k - 1] && out.z[k] > out.z[k + 1]) {
            out.chosen_m = out.distances[k];
            out.rule = "first peak of Moran's I z (incremental spatial autocorrelation)";
            return out;
        }
    const std::size_t k = std::clamp<std::size_t>(n / 20, 3, 30);
    const std::vector<double> dk = kth_neighbour_distance(g.cx, g.cy, std::min(k, n - 1));
    out.chosen_m = std::accumulate(dk.begin(), dk.end(), 0.0) / static_cast<double>(n);
    out.rule = fmt::format("no peak: mean distance to the {}th nearest cell", k);
    return out;
}

} // namespace vigia::analysis
