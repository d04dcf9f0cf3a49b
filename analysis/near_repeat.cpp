#include "analysis/near_repeat.hpp"

#include "analysis/parallel.hpp"
#include "analysis/types.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

namespace vigia::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kSecondsPerDay = 86400;
/// Permutations counted together: one 16-bit lane each (two SSE2 registers, one AVX2).
constexpr std::size_t kLanes = 16;
/// Day numbers live in 16-bit lanes.
constexpr std::int64_t kMaxDay = std::numeric_limits<std::int16_t>::max();
/// Time edges counted per pass over the pairs (their accumulators stay in registers).
constexpr std::size_t kEdgeGroup = 8;

// GCC/Clang vector extensions: element-wise arithmetic and comparisons on 8 lanes of 16 bits
// (one SSE2 register on baseline x86-64, NEON on ARM), no intrinsics. Wider generic vectors
// are not used: GCC lowers their comparisons to scalar code when the target lacks them.
using Half = std::int16_t __attribute__((vector_size(16)));
constexpr std::size_t kHalf = 8;
/// One incident's permuted days in the 16 permutations of a block (a struct, so std::vector
/// keeps the alignment: vector types lose their attributes as template arguments).
struct alignas(32) Row {
    Half h[2];
};

void check_spec(const KnoxSpec& spec) {
    const auto& d = spec.distance_bands_m;
    const auto& t = spec.time_bands_days;
    if (d.empty() || t.empty())
        throw std::invalid_argument{"knox_test: distance and time bands must not be empty"};
    if (!(spec.same_location_m >= 0) || !std::isfinite(spec.same_location_m))
        throw std::invalid_argument{"knox_test: same_location_m must be finite and >= 0"};
    for (std::size_t k = 0; k < d.size(); ++k) {
        const double lower = k == 0 ? spec.same_location_m : d[k - 1];
        if (!std::isfinite(d[k]) || !(d[k] > lower) || !(d[k] > 0))
            throw std::invalid_argument{
                "knox_test: distance edges must be finite, > 0, ascending and above "
                "same_location_m (edge " +
                std::to_string(k) + ")"};
    }
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (!(t[k] >= 0) || t[k] != std::floor(t[k]) || t[k] > static_cast<double>(kMaxDay - 1) ||
            (k > 0 && !(t[k] > t[k - 1])))
            throw std::invalid_argument{"knox_test: time edges must be whole days, >= 0, below "
                                        "32767 and ascending (edge " +
                                        std::to_string(k) + ")"};
    }
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Calendar days shifted to start at 0, with every gap between consecutive dates longer than
/// the last time edge shortened to last edge + 1: differences up to the last edge are kept
/// exactly, longer ones stay longer, and the spread fits 16 bits for any realistic record.
std::vector<std::int16_t> compress_days(const std::vector<std::int64_t>& day,
                                        std::int64_t last_edge) {
    std::vector<std::int64_t> distinct = day;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::vector<std::int64_t> mapped(distinct.size(), 0);
    for (std::size_t k = 1; k < distinct.size(); ++k)
        mapped[k] = mapped[k - 1] + std::min(distinct[k] - distinct[k - 1], last_edge + 1);
    if (!mapped.empty() && mapped.back() > kMaxDay)
        throw std::invalid_argument{
            "knox_test: the incident dates spread over " + std::to_string(mapped.back()) +
            " days once gaps longer than the last time edge are shortened; at most 32767 are "
            "supported (restrict the period)"};
    std::vector<std::int16_t> out(day.size());
    for (std::size_t i = 0; i < day.size(); ++i) {
        const auto it = std::lower_bound(distinct.begin(), distinct.end(), day[i]);
        out[i] = static_cast<std::int16_t>(mapped[static_cast<std::size_t>(it - distinct.begin())]);
    }
    return out;
}

/// The pairs (i < j) within the largest distance edge, as lists of j per (i, band): the j of
/// incident i in band b are j[start[i·bands + b] … start[i·bands + b + 1]), ascending.
/// Incidents are expected in grid order (see knox_test) so that j is near i in memory.
struct Pairs {
    std::size_t n = 0, bands = 0;
    std::vector<std::uint64_t> start;
    std::vector<std::int32_t> j;
    std::uint64_t in_band(std::size_t b) const {
        std::uint64_t s = 0;
        for (std::size_t i = 0; i < n; ++i)
            s += start[i * bands + b + 1] - start[i * bands + b];
        return s;
    }
};

using CellKey = std::pair<std::int64_t, std::int64_t>;

/// Finds the pairs with a grid whose cells are as wide as the largest edge: the partners of i
/// lie in its column (after i) and in the next column, rows cy − 1 … cy + 1 of each.
Pairs find_pairs(const std::vector<double>& x, const std::vector<double>& y,
                 const std::vector<CellKey>& key, double same2, const std::vector<double>& edge2,
                 unsigned workers) {
    Pairs p;
    p.n = x.size();
    const std::size_t off = same2 > 0 ? 1 : 0;
    p.bands = off + edge2.size();
    const double max2 = edge2.back();
    const std::size_t n = p.n, nb = p.bands;
    // Band of a squared distance, or -1 beyond the last edge.
    auto band_of = [&](double d2) -> std::ptrdiff_t {
        if (d2 > max2) return -1;
        if (d2 < same2) return 0;
        std::size_t k = 0;
        while (d2 > edge2[k])
            ++k;
        return static_cast<std::ptrdiff_t>(off + k);
    };
    auto visit = [&](std::size_t i, auto&& emit) {
        const auto [cx, cy] = key[i];
        const auto hi0 = std::upper_bound(key.begin(), key.end(), CellKey{cx, cy + 1});
        const auto lo1 = std::lower_bound(hi0, key.end(), CellKey{cx + 1, cy - 1});
        const auto hi1 = std::upper_bound(lo1, key.end(), CellKey{cx + 1, cy + 1});
        auto scan = [&](std::size_t a, std::size_t e) {
            for (std::size_t j = a; j < e; ++j) {
                const double dx = x[j] - x[i], dy = y[j] - y[i];
                const std::ptrdiff_t b = band_of(dx * dx + dy * dy);
                if (b >= 0) emit(static_cast<std::size_t>(b), j);
            }
        };
        scan(i + 1, static_cast<std::size_t>(hi0 - key.begin()));
        scan(static_cast<std::size_t>(lo1 - key.begin()),
             static_cast<std::size_t>(hi1 - key.begin()));
    };
    // Pass 1 counts, pass 2 fills: the distances are computed twice, but memory never holds
    // more than the final lists.
    p.start.assign(n * nb + 1, 0);
    parallel_chunks(
        n,
        [&](unsigned, std::size_t b0, std::size_t b1) {
            for (std::size_t i = b0; i < b1; ++i)
                visit(i, [&](std::size_t b, std::size_t) { ++p.start[i * nb + b + 1]; });
        },
        workers);
    for (std::size_t k = 1; k < p.start.size(); ++k)
        p.start[k] += p.start[k - 1];
    p.j.resize(p.start.back());
    parallel_chunks(
        n,
        [&](unsigned, std::size_t b0, std::size_t b1) {
            std::vector<std::uint64_t> cursor(nb);
            for (std::size_t i = b0; i < b1; ++i) {
                for (std::size_t b = 0; b < nb; ++b)
                    cursor[b] = p.start[i * nb + b];
                visit(i, [&](std::size_t b, std::size_t j) {
                    p.j[cursor[b]++] = static_cast<std::int32_t>(j);
                });
            }
        },
        workers);
    return p;
}

/// Uniform integer in [0, bound), bound < 2^32: Lemire's multiply-and-reject on the top 32
/// bits of a 64-bit Mersenne Twister (the same sequence on every standard library, as in
/// local_stats.cpp).
std::uint64_t bounded(std::mt19937_64& rng, std::uint64_t bound) {
    std::uint64_t m = (rng() >> 32) * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
        const auto threshold = static_cast<std::uint32_t>((0x100000000ULL - bound) % bound);
        while (low < threshold) {
            m = (rng() >> 32) * bound;
            low = static_cast<std::uint32_t>(m);
        }
    }
    return m >> 32;
}

/// The seed of permutation r's own stream: SplitMix64 of seed ⊕ golden·(r + 1). Each
/// permutation depends only on (seed, r), never on which thread draws it.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t r) {
    std::uint64_t z = seed ^ (0x9E3779B97F4A7C15ULL * (r + 1));
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Durstenfeld's Fisher–Yates shuffle of `a` with permutation r's stream.
void shuffle(std::vector<std::int16_t>& a, std::uint64_t seed, std::uint64_t r) {
    std::mt19937_64 rng{stream_seed(seed, r)};
    for (std::size_t k = a.size(); k > 1; --k)
        std::swap(a[k - 1], a[bounded(rng, k)]);
}

/// For the 16 permutations of `rows` at once: le[(b·G + g)·16 + lane] += number of pairs of
/// band b whose permuted day difference is ≤ edge[g]. The 16-bit counters take at most
/// 32,767 pairs before they are added to the 64-bit totals.
template <std::size_t G>
void count_lanes(const Pairs& p, const std::vector<Row>& rows, const std::int16_t* edge,
                 std::vector<std::int64_t>& le) {
    constexpr std::int64_t k16 = std::numeric_limits<std::int16_t>::max();
    const std::size_t nb = p.bands;
    // d ≤ edge as edge + 1 > d: "greater than" is the comparison SSE2 has.
    Half above[G];
    for (std::size_t g = 0; g < G; ++g)
        for (std::size_t l = 0; l < kHalf; ++l)
            above[g][l] = static_cast<std::int16_t>(edge[g] + 1);
    std::vector<Row> acc(nb * G, Row{});
    std::vector<std::int64_t> pending(nb, 0);
    auto flush = [&](std::size_t b) {
        for (std::size_t g = 0; g < G; ++g) {
            Row& r = acc[b * G + g];
            for (std::size_t l = 0; l < kLanes; ++l)
                le[(b * G + g) * kLanes + l] += r.h[l / kHalf][l % kHalf];
            r = Row{};
        }
        pending[b] = 0;
    };
    for (std::size_t i = 0; i < p.n; ++i) {
        const Half di0 = rows[i].h[0], di1 = rows[i].h[1];
        for (std::size_t b = 0; b < nb; ++b) {
            std::uint64_t k = p.start[i * nb + b];
            const std::uint64_t end = p.start[i * nb + b + 1];
            while (k < end) {
                const auto len = static_cast<std::int64_t>(std::min<std::uint64_t>(end - k, k16));
                if (pending[b] + len > k16) flush(b);
                const std::uint64_t stop = k + static_cast<std::uint64_t>(len);
                Half a0[G], a1[G];
                for (std::size_t g = 0; g < G; ++g) {
                    a0[g] = acc[b * G + g].h[0];
                    a1[g] = acc[b * G + g].h[1];
                }
                for (; k < stop; ++k) {
                    const Row& rj = rows[static_cast<std::size_t>(p.j[k])];
                    Half d0 = rj.h[0] - di0, d1 = rj.h[1] - di1;
                    d0 = d0 < 0 ? -d0 : d0;
                    d1 = d1 < 0 ? -d1 : d1;
                    for (std::size_t g = 0; g < G; ++g) { // a true comparison is −1 in its lane
                        a0[g] -= (above[g] > d0);
                        a1[g] -= (above[g] > d1);
                    }
                }
                for (std::size_t g = 0; g < G; ++g) {
                    acc[b * G + g].h[0] = a0[g];
                    acc[b * G + g].h[1] = a1[g];
                }
                pending[b] += len;
            }
        }
    }
    for (std::size_t b = 0; b < nb; ++b)
        flush(b);
}

/// Dispatches count_lanes over groups of at most kEdgeGroup edges; out[(b·T + t)·16 + lane]
/// receives the pairs of band b with day difference ≤ edge t.
void count_cumulative(const Pairs& p, const std::vector<Row>& rows,
                      const std::vector<std::int16_t>& edges, std::vector<std::int64_t>& out) {
    const std::size_t nt = edges.size(), nb = p.bands;
    std::vector<std::int64_t> le;
    for (std::size_t g0 = 0; g0 < nt; g0 += kEdgeGroup) {
        const std::size_t g = std::min(kEdgeGroup, nt - g0);
        le.assign(nb * g * kLanes, 0);
        const std::int16_t* e = edges.data() + g0;
        switch (g) {
        case 1:
            count_lanes<1>(p, rows, e, le);
            break;
        case 2:
            count_lanes<2>(p, rows, e, le);
            break;
        case 3:
            count_lanes<3>(p, rows, e, le);
            break;
        case 4:
            count_lanes<4>(p, rows, e, le);
            break;
        case 5:
            count_lanes<5>(p, rows, e, le);
            break;
        case 6:
            count_lanes<6>(p, rows, e, le);
            break;
        case 7:
            count_lanes<7>(p, rows, e, le);
            break;
        default:
            count_lanes<8>(p, rows, e, le);
            break;
        }
        for (std::size_t b = 0; b < nb; ++b)
            for (std::size_t k = 0; k < g; ++k)
                for (std::size_t l = 0; l < kLanes; ++l)
                    out[(b * nt + g0 + k) * kLanes + l] = le[(b * g + k) * kLanes + l];
    }
}

/// Pairs of all incidents whose day difference is ≤ e, from the histogram of days.
std::int64_t pairs_within_days(const std::vector<std::int64_t>& hist,
                               const std::vector<std::int64_t>& cum, std::int64_t e) {
    const auto span = static_cast<std::int64_t>(hist.size());
    std::int64_t s = 0;
    for (std::int64_t d = 0; d < span; ++d) {
        const std::int64_t h = hist[static_cast<std::size_t>(d)];
        if (h == 0) continue;
        const std::int64_t top = std::min(d + e, span - 1);
        s += h * (h - 1) / 2 +
             h * (cum[static_cast<std::size_t>(top)] - cum[static_cast<std::size_t>(d)]);
    }
    return s;
}

} // namespace

const KnoxCell* KnoxResult::find(std::int32_t space_band, std::int32_t time_band) const noexcept {
    for (const KnoxCell& c : cells)
        if (c.space_band == space_band && c.time_band == time_band) return &c;
    return nullptr;
}

std::vector<double> default_distance_bands(double cell_size_m, int bands) {
    std::vector<double> out;
    for (int k = 1; k <= bands; ++k)
        out.push_back(cell_size_m * k);
    return out;
}

std::vector<double> default_time_bands(int bands, double days) {
    std::vector<double> out;
    for (int k = 1; k <= bands; ++k)
        out.push_back(days * k);
    return out;
}

KnoxResult knox_test(const std::vector<double>& x, const std::vector<double>& y,
                     const std::vector<std::int64_t>& time, const KnoxSpec& spec) {
    if (x.size() != y.size() || x.size() != time.size())
        throw std::invalid_argument{"knox_test: x, y and time differ in size"};
    check_spec(spec);
    const unsigned workers = spec.workers == 0 ? worker_count() : spec.workers;
    const bool same = spec.same_location_m > 0;
    const std::size_t off = same ? 1 : 0;
    const std::size_t ne = spec.distance_bands_m.size(), nt = spec.time_bands_days.size();
    const std::size_t nb = off + ne; // bands within the largest edge
    const double reach = spec.distance_bands_m.back();

    KnoxResult res;
    // The incidents with a time, their calendar day, and the grid cell of the pair search.
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < time.size(); ++i) {
        if (time[i] == kNoTime) {
            ++res.without_time;
            continue;
        }
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw std::invalid_argument{"knox_test: incident " + std::to_string(i) +
                                        " has non-finite coordinates"};
        used.push_back(i);
    }
    const std::size_t n = used.size();
    if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw std::invalid_argument{"knox_test: more than 2^31 incidents"};
    res.incidents = n;
    res.pairs = n < 2 ? 0 : static_cast<std::uint64_t>(n) * (n - 1) / 2;

    std::vector<std::int16_t> time_edge(nt);
    for (std::size_t t = 0; t < nt; ++t)
        time_edge[t] = static_cast<std::int16_t>(spec.time_bands_days[t]);
    const std::int64_t last_edge = time_edge.back();

    // Grid order: cells as wide as the largest edge (a hair wider, so rounding never puts the
    // two ends of an edge-long pair two cells apart), sorted by column then row; inside a
    // cell by coordinates and day, so the result does not depend on the order of the rows.
    double min_x = kInf, min_y = kInf, max_x = -kInf, max_y = -kInf;
    for (std::size_t i : used) {
        min_x = std::min(min_x, x[i]);
        min_y = std::min(min_y, y[i]);
        max_x = std::max(max_x, x[i]);
        max_y = std::max(max_y, y[i]);
    }
    const double cell = reach * (1 + 1e-9);
    if (n > 0 && std::max(max_x - min_x, max_y - min_y) / cell > 1e15)
        throw std::invalid_argument{"knox_test: coordinates spread too far for the distance bands"};
    std::vector<std::int64_t> day_raw(n);
    std::vector<CellKey> key_raw(n);
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = used[k];
        day_raw[k] = floor_div(time[i], kSecondsPerDay);
        key_raw[k] = {static_cast<std::int64_t>(std::floor((x[i] - min_x) / cell)),
                      static_cast<std::int64_t>(std::floor((y[i] - min_y) / cell))};
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (key_raw[a] != key_raw[b]) return key_raw[a] < key_raw[b];
        const std::size_t ia = used[a], ib = used[b];
        if (x[ia] != x[ib]) return x[ia] < x[ib];
        if (y[ia] != y[ib]) return y[ia] < y[ib];
        if (day_raw[a] != day_raw[b]) return day_raw[a] < day_raw[b];
        return a < b;
    });
    std::vector<double> xs(n), ys(n);
    std::vector<CellKey> key(n);
    std::vector<std::int64_t> day_sorted(n);
    for (std::size_t k = 0; k < n; ++k) {
        xs[k] = x[used[order[k]]];
        ys[k] = y[used[order[k]]];
        key[k] = key_raw[order[k]];
        day_sorted[k] = day_raw[order[k]];
    }
    const std::vector<std::int16_t> day = compress_days(day_sorted, last_edge);

    std::vector<double> edge2(ne);
    for (std::size_t k = 0; k < ne; ++k)
        edge2[k] = spec.distance_bands_m[k] * spec.distance_bands_m[k];
    const Pairs pairs = find_pairs(
        xs, ys, key, same ? spec.same_location_m * spec.same_location_m : 0.0, edge2, workers);
    res.pairs_within = pairs.j.size();

    // Row totals (pairs per space band) and column totals (pairs per time band): both are
    // the same in every permutation, so the "beyond" row and column follow from the rest.
    std::vector<std::int64_t> in_band(nb);
    for (std::size_t b = 0; b < nb; ++b)
        in_band[b] = static_cast<std::int64_t>(pairs.in_band(b));
    const auto total = static_cast<std::int64_t>(res.pairs);
    const auto beyond_pairs = total - static_cast<std::int64_t>(res.pairs_within);
    std::vector<std::int64_t> in_time(nt, 0);
    if (n >= 2) {
        const std::size_t span =
            static_cast<std::size_t>(*std::max_element(day.begin(), day.end())) + 1;
        std::vector<std::int64_t> hist(span, 0), cum(span, 0);
        for (std::int16_t d : day)
            ++hist[static_cast<std::size_t>(d)];
        std::partial_sum(hist.begin(), hist.end(), cum.begin());
        std::int64_t previous = 0;
        for (std::size_t t = 0; t < nt; ++t) {
            const std::int64_t le = pairs_within_days(hist, cum, time_edge[t]);
            in_time[t] = le - previous;
            previous = le;
        }
    }

    // Observed counts within the largest edge, per (band, time band before "beyond").
    std::vector<std::uint8_t> band_of_days(static_cast<std::size_t>(last_edge) + 2);
    for (std::size_t dd = 0; dd < band_of_days.size(); ++dd) {
        std::size_t t = 0;
        while (t<nt&& static_cast<std::int64_t>(dd)> time_edge[t])
            ++t;
        band_of_days[dd] = static_cast<std::uint8_t>(std::min<std::size_t>(t, 255));
    }
    std::vector<std::int64_t> observed(nb * nt, 0);
    {
        std::vector<std::vector<std::int64_t>> part(workers, std::vector<std::int64_t>(nb * nt, 0));
        parallel_chunks(
            n,
            [&](unsigned w, std::size_t b0, std::size_t b1) {
                auto& o = part[w];
                for (std::size_t i = b0; i < b1; ++i)
                    for (std::size_t b = 0; b < nb; ++b)
                        for (auto k = pairs.start[i * nb + b]; k < pairs.start[i * nb + b + 1];
                             ++k) {
                            const int dd = std::abs(int{day[i]} -
                                                    int{day[static_cast<std::size_t>(pairs.j[k])]});
                            const std::size_t t = band_of_days[static_cast<std::size_t>(
                                std::min<std::int64_t>(dd, last_edge + 1))];
                            if (t < nt) ++o[b * nt + t];
                        }
            },
            workers);
        for (const auto& o : part)
            for (std::size_t c = 0; c < o.size(); ++c)
                observed[c] += o[c];
    }

    // Monte Carlo: permutation r assigns the days, shuffled by its own stream, to the
    // incidents; 16 permutations share one pass over the pairs.
    const std::size_t reps = n >= 2 ? spec.permutations : 0;
    std::vector<std::int64_t> simulated(reps * nb * nt, 0); // [r][b][t], t before "beyond"
    if (reps > 0) {
        const std::size_t blocks = (reps + kLanes - 1) / kLanes;
        parallel_chunks(
            blocks,
            [&](unsigned, std::size_t k0, std::size_t k1) {
                std::vector<Row> rows(n);
                std::vector<std::int16_t> scratch;
                std::vector<std::int64_t> le(nb * nt * kLanes);
                for (std::size_t blk = k0; blk < k1; ++blk) {
                    const std::size_t r0 = blk * kLanes;
                    for (std::size_t l = 0; l < kLanes; ++l) {
                        scratch = day;
                        if (r0 + l < reps) shuffle(scratch, spec.seed, r0 + l);
                        for (std::size_t i = 0; i < n; ++i)
                            rows[i].h[l / kHalf][l % kHalf] = scratch[i];
                    }
                    count_cumulative(pairs, rows, time_edge, le);
                    for (std::size_t l = 0; l < kLanes && r0 + l < reps; ++l)
                        for (std::size_t b = 0; b < nb; ++b)
                            for (std::size_t t = 0; t < nt; ++t) {
                                const std::int64_t below =
                                    t ? le[(b * nt + t - 1) * kLanes + l] : 0;
                                simulated[((r0 + l) * nb + b) * nt + t] =
                                    le[(b * nt + t) * kLanes + l] - below;
                            }
                }
            },
            workers);
    }

    // Full cell values (the "beyond" row and column included) from the counts within.
    auto beyond_row = [&](const std::int64_t* within, std::size_t t) {
        std::int64_t v = in_time[t];
        for (std::size_t b = 0; b < nb; ++b)
            v -= within[b * nt + t];
        return v;
    };
    auto cell_value = [&](const std::int64_t* within, std::size_t s, std::size_t t) {
        if (s < nb && t < nt) return within[s * nt + t];
        if (s < nb) {
            std::int64_t v = in_band[s];
            for (std::size_t u = 0; u < nt; ++u)
                v -= within[s * nt + u];
            return v;
        }
        if (t < nt) return beyond_row(within, t);
        std::int64_t v = beyond_pairs;
        for (std::size_t u = 0; u < nt; ++u)
            v -= beyond_row(within, u);
        return v;
    };

    const auto& dist = spec.distance_bands_m;
    const auto& days = spec.time_bands_days;
    const double pairs_d = static_cast<double>(total);
    for (std::size_t s = 0; s <= nb; ++s) {
        const std::int64_t row_total = s < nb ? in_band[s] : beyond_pairs;
        for (std::size_t t = 0; t <= nt; ++t) {
            KnoxCell c;
            c.space_band = static_cast<std::int32_t>(s) - static_cast<std::int32_t>(off);
            c.time_band = static_cast<std::int32_t>(t);
            if (same && s == 0) {
                c.distance_from_m = 0;
                c.distance_to_m = spec.same_location_m;
            } else {
                const std::size_t k = s - off; // distance band index, ne = beyond
                c.distance_from_m = k == 0 ? spec.same_location_m : dist[k - 1];
                c.distance_to_m = k < ne ? dist[k] : kInf;
            }
            c.days_from = t == 0 ? 0 : days[t - 1] + 1;
            c.days_to = t < nt ? days[t] : kInf;
            const std::int64_t col_total =
                t < nt ? in_time[t]
                       : total - std::accumulate(in_time.begin(), in_time.end(), std::int64_t{0});
            const std::int64_t obs = cell_value(observed.data(), s, t);
            c.observed = static_cast<double>(obs);
            c.expected_exact = total > 0 ? static_cast<double>(row_total) *
                                               static_cast<double>(col_total) / pairs_d
                                         : 0.0;
            if (reps > 0) {
                double sum = 0;
                std::size_t ge = 0;
                for (std::size_t r = 0; r < reps; ++r) {
                    const std::int64_t v = cell_value(simulated.data() + r * nb * nt, s, t);
                    sum += static_cast<double>(v);
                    ge += v >= obs;
                }
                c.expected = sum / static_cast<double>(reps);
                c.p = static_cast<double>(ge + 1) / static_cast<double>(reps + 1);
            } else {
                c.expected = c.expected_exact;
                c.p = kNaN;
            }
            c.ratio = c.expected > 0 ? c.observed / c.expected : kNaN;
            res.cells.push_back(c);
        }
    }

    auto pick = [&](std::int32_t space_band) {
        std::int32_t best = -1;
        for (std::size_t k = 0; k < res.cells.size(); ++k) {
            const KnoxCell& c = res.cells[k];
            if (c.space_band != space_band || c.time_band >= static_cast<std::int32_t>(nt))
                continue;
            if (!(c.p <= kKnoxHeadlineAlpha) || !(c.ratio > 1)) continue;
            if (best < 0 || c.ratio > res.cells[static_cast<std::size_t>(best)].ratio)
                best = static_cast<std::int32_t>(k);
        }
        return best;
    };
    res.headline = pick(0);
    if (same) res.repeat_headline = pick(-1);
    return res;
}

} // namespace vigia::analysis
