#include "analysis/local_stats.hpp"
#include "analysis/random.hpp"

#include "analysis/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace vigia::analysis {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& x) {
    double s = 0;
    for (double v : x)
        s += v;
    return x.empty() ? 0 : s / static_cast<double>(x.size());
}
} // namespace

double two_sided_p(double z) noexcept {
    return std::erfc(std::abs(z) / std::sqrt(2.0));
}

std::vector<double> gi_star_z(const std::vector<double>& x, const Weights& w) {
    const std::size_t n = x.size();
    const double nd = static_cast<double>(n);
    const double mean = mean_of(x);
    double ss = 0;
    for (double v : x)
        ss += (v - mean) * (v - mean);
    const double s = std::sqrt(ss / nd);
    std::vector<double> z(n, kNaN);
    if (n < 2 || !(s > 0)) return z;
    for (std::size_t i = 0; i < n; ++i) {
        double lag = 0, wi = 0, s1 = 0;
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k) {
            lag += w.weight[k] * x[w.index[k]];
            wi += w.weight[k];
            s1 += w.weight[k] * w.weight[k];
        }
        const double var = (nd * s1 - wi * wi) / (nd - 1.0);
        if (var > 0) z[i] = (lag - mean * wi) / (s * std::sqrt(var));
    }
    return z;
}

LocalMoran local_moran(const std::vector<double>& x, const Weights& w) {
    const std::size_t n = x.size();
    const double nd = static_cast<double>(n);
    const double mean = mean_of(x);
    std::vector<double> zs(n);
    double m2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        zs[i] = x[i] - mean;
        m2 += zs[i] * zs[i];
    }
    m2 /= nd;
    LocalMoran r;
    r.i.assign(n, kNaN);
    r.expectation.assign(n, kNaN);
    r.variance.assign(n, kNaN);
    r.z.assign(n, kNaN);
    r.p.assign(n, kNaN);
    r.lag_z.assign(n, 0.0);
    if (n < 3 || !(m2 > 0)) return r;
    for (std::size_t i = 0; i < n; ++i) {
        double lag = 0, wi = 0, s1 = 0;
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k) {
            if (w.index[k] == static_cast<std::int32_t>(i)) continue;
            lag += w.weight[k] * zs[w.index[k]];
            wi += w.weight[k];
            s1 += w.weight[k] * w.weight[k];
        }
        const double zi = zs[i];
        r.lag_z[i] = lag;
        r.i[i] = zi / m2 * lag;
        // spdep localmoran, conditional = TRUE (Sokal et al. 1998, A7-A8).
        r.expectation[i] = -(zi * zi * wi) / ((nd - 1.0) * m2);
        r.variance[i] = (zi / m2) * (zi / m2) * (nd / (nd - 2.0)) * (s1 - wi * wi / (nd - 1.0)) *
                        (m2 - zi * zi / (nd - 1.0));
        if (r.variance[i] > 0) {
            r.z[i] = (r.i[i] - r.expectation[i]) / std::sqrt(r.variance[i]);
            r.p[i] = two_sided_p(r.z[i]);
        }
    }
    return r;
}

namespace {

/// R rows of k distinct values in [0, others): the random neighbour slots of every feature.
std::vector<std::int32_t> draw_slots(std::size_t rows, std::size_t k, std::size_t others,
                                     std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    std::vector<std::int32_t> out(rows * k);
    std::vector<std::int32_t> pool;
    const bool fisher_yates = others <= 4 * k + 64;
    if (fisher_yates) pool.resize(others);
    for (std::size_t r = 0; r < rows; ++r) {
        std::int32_t* row = out.data() + r * k;
        if (fisher_yates) {
            for (std::size_t j = 0; j < others; ++j)
                pool[j] = static_cast<std::int32_t>(j);
            for (std::size_t m = 0; m < k; ++m) {
                const std::size_t pick = m + bounded(rng, others - m);
                std::swap(pool[m], pool[pick]);
                row[m] = pool[m];
            }
        } else {
            for (std::size_t m = 0; m < k;) {
                const auto v = static_cast<std::int32_t>(bounded(rng, others));
                if (std::find(row, row + m, v) == row + m) row[m++] = v;
            }
        }
    }
    return out;
}

/// Folded pseudo p with ties counted on both sides.
double pseudo_p(std::size_t ge, std::size_t le, std::size_t r) {
    return static_cast<double>(std::min(ge, le) + 1) / static_cast<double>(r + 1);
}

bool same_neighbours(const Weights& a, const Weights& b, std::size_t i) {
    auto ka = a.start[i], kb = b.start[i];
    const auto ea = a.start[i + 1], eb = b.start[i + 1];
    const auto me = static_cast<std::int32_t>(i);
    for (;;) {
        if (ka < ea && a.index[ka] == me) ++ka;
        if (kb < eb && b.index[kb] == me) ++kb;
        if (ka == ea || kb == eb) return ka == ea && kb == eb;
        if (a.index[ka] != b.index[kb]) return false;
        ++ka;
        ++kb;
    }
}

} // namespace

PermutationP permutation_p(const std::vector<double>& x, const Weights& gi, const Weights& lisa,
                           const PermutationSpec& spec) {
    PermutationP out;
    const std::size_t n = x.size();
    const std::size_t reps = spec.permutations;
    if (reps == 0 || n < 2) return out;
    if (gi.size() != n || lisa.size() != n)
        throw std::logic_error{"permutation_p: weights and values differ in size"};
    std::size_t max_k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!same_neighbours(gi, lisa, i))
            throw std::logic_error{
                "permutation_p: Gi* and local Moran weights list other neighbours"};
        max_k = std::max(max_k, lisa.cardinality(i) - (lisa.self ? 1 : 0));
    }
    max_k = std::min(max_k, n - 1);
    const std::vector<std::int32_t> slots = draw_slots(reps, max_k, n - 1, spec.seed);

    const double mean = mean_of(x);
    double m2 = 0;
    for (double v : x)
        m2 += (v - mean) * (v - mean);
    m2 /= static_cast<double>(n);

    out.gi.assign(n, kNaN);
    out.lisa.assign(n, kNaN);
    parallel_chunks(n, [&](unsigned, std::size_t b, std::size_t e) {
        std::vector<double> wg, wl;
        std::vector<std::int32_t> nb;
        for (std::size_t i = b; i < e; ++i) {
            const auto me = static_cast<std::int32_t>(i);
            wg.clear();
            wl.clear();
            nb.clear();
            for (auto k = gi.start[i]; k < gi.start[i + 1]; ++k)
                if (gi.index[k] != me) {
                    wg.push_back(gi.weight[k]);
                    nb.push_back(gi.index[k]);
                }
            double wl_sum = 0;
            for (auto k = lisa.start[i]; k < lisa.start[i + 1]; ++k)
                if (lisa.index[k] != me) {
                    wl.push_back(lisa.weight[k]);
                    wl_sum += lisa.weight[k];
                }
            const std::size_t k = nb.size();
            if (k == 0) continue; // an island: nothing to permute
            double g_obs = 0, l_obs = 0;
            for (std::size_t m = 0; m < k; ++m) {
                g_obs += wg[m] * x[nb[m]];
                l_obs += wl[m] * x[nb[m]];
            }
            // I_i = c (Σ w_ij x_j − x̄ W_i); the same arithmetic for observed and simulated.
            const double c = m2 > 0 ? (x[i] - mean) / m2 : 0.0;
            const double i_obs = c * (l_obs - mean * wl_sum);
            const double tol_g = 1e-12 * std::max(1.0, std::abs(g_obs));
            const double tol_i = 1e-12 * std::max(1.0, std::abs(i_obs));
            std::size_t g_ge = 0, g_le = 0, i_ge = 0, i_le = 0;
            for (std::size_t r = 0; r < reps; ++r) {
                const std::int32_t* row = slots.data() + r * max_k;
                double sg = 0, sl = 0;
                for (std::size_t m = 0; m < k; ++m) {
                    const std::int32_t j = row[m] < me ? row[m] : row[m] + 1;
                    sg += wg[m] * x[j];
                    sl += wl[m] * x[j];
                }
                const double si = c * (sl - mean * wl_sum);
                g_ge += sg >= g_obs - tol_g;
                g_le += sg <= g_obs + tol_g;
                i_ge += si >= i_obs - tol_i;
                i_le += si <= i_obs + tol_i;
            }
            out.gi[i] = pseudo_p(g_ge, g_le, reps);
            out.lisa[i] = pseudo_p(i_ge, i_le, reps);
        }
    });
    return out;
}

double bh_cutoff(std::vector<double> p, double alpha) {
    p.erase(std::remove_if(p.begin(), p.end(), [](double v) { return std::isnan(v); }), p.end());
    std::sort(p.begin(), p.end());
    const double m = static_cast<double>(p.size());
    double cut = -1.0; // nothing passes (a p of exactly 0 is a valid cut-off)
    for (std::size_t k = 0; k < p.size(); ++k)
        if (p[k] <= static_cast<double>(k + 1) * alpha / m) cut = p[k];
    return cut;
}

std::vector<std::int8_t> confidence_classes(const std::vector<double>& z,
                                            const std::vector<double>& p, bool fdr) {
    static constexpr double alphas[] = {0.10, 0.05, 0.01};
    double cut[3];
    for (int l = 0; l < 3; ++l)
        cut[l] = fdr ? bh_cutoff(p, alphas[l]) : alphas[l];
    std::vector<std::int8_t> out(z.size(), 0);
    for (std::size_t i = 0; i < z.size(); ++i) {
        if (std::isnan(p[i]) || std::isnan(z[i])) continue;
        std::int8_t level = 0;
        for (int l = 0; l < 3; ++l)
            if (p[i] <= cut[l]) // cut −1: nothing passed at that level
                level = static_cast<std::int8_t>(l + 1);
        out[i] = static_cast<std::int8_t>(z[i] > 0 ? level : -level);
    }
    return out;
}

const char* to_string(LisaCluster c) noexcept {
    switch (c) {
    case LisaCluster::hh:
        return "HH";
    case LisaCluster::ll:
        return "LL";
    case LisaCluster::lh:
        return "LH";
    case LisaCluster::hl:
        return "HL";
    case LisaCluster::not_significant:
        break;
    }
    return "not significant";
}

std::vector<LisaCluster> lisa_clusters(const std::vector<double>& x,
                                       const std::vector<double>& lag_z,
                                       const std::vector<double>& p, double alpha) {
    const double mean = mean_of(x);
    std::vector<LisaCluster> out(x.size(), LisaCluster::not_significant);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(p[i]) || p[i] > alpha) continue;
        const bool high = x[i] > mean, high_lag = lag_z[i] > 0;
        out[i] = high ? (high_lag ? LisaCluster::hh : LisaCluster::hl)
                      : (high_lag ? LisaCluster::lh : LisaCluster::ll);
    }
    return out;
}

} // namespace vigia::analysis
