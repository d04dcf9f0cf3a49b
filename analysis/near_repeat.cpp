#include "analysis/near_repeat.hpp"
#include "analysis/random.hpp"

#include "analysis/error.hpp"
#include "analysis/parallel.hpp"
#include "analysis/types.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace vigia::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kSecondsPerDay = 86400;
/// Day numbers live in 16-bit lanes.
constexpr std::int64_t kMaxDay = std::numeric_limits<std::int16_t>::max();
/// Time edges counted per pass over the pairs (their accumulators stay in the 16 vector
/// registers of SSE2 and AVX2; more edges take more passes).
constexpr std::size_t kEdgeGroup = 4;
/// Incidents per task of the pair search (tasks are handed out to threads as they finish).
constexpr std::size_t kTask = 512;

/// A block of permutations counted together, one 16-bit lane each: `Parts` vectors of `Bytes`
/// bytes per incident. GCC/Clang vector extensions give element-wise arithmetic and
/// comparisons compiled to the SIMD of the function's target (SSE2 on baseline x86-64, NEON
/// on ARM, AVX2 in the kernel compiled for it), with no intrinsics. A vector never exceeds
/// its target's registers: GCC lowers comparisons of wider generic vectors to scalar code.
using Vec16 = std::int16_t __attribute__((vector_size(16)));
using Vec32 = std::int16_t __attribute__((vector_size(32)));
template <std::size_t Bytes> struct VecOf;
template <> struct VecOf<16> { using type = Vec16; };
template <> struct VecOf<32> { using type = Vec32; };
template <std::size_t Bytes, std::size_t Parts> struct Layout {
    using Vec = typename VecOf<Bytes>::type;
    static constexpr std::size_t parts = Parts;
    static constexpr std::size_t per_vec = Bytes / 2;
    static constexpr std::size_t lanes = per_vec * Parts;
    /// One incident's days in the block's permutations (a struct, so std::vector keeps the
    /// alignment: vector types lose their attributes as template arguments).
    struct alignas(Bytes) Row {
        Vec h[Parts];
        std::int16_t lane(std::size_t l) const { return h[l / per_vec][l % per_vec]; }
        void set_lane(std::size_t l, std::int16_t v) { h[l / per_vec][l % per_vec] = v; }
    };
};
using LayoutBaseline = Layout<16, 2>; // 16 lanes, 32 bytes an incident
using LayoutAvx2 = Layout<32, 2>;     // 32 lanes, 64 bytes (one cache line)

void check_spec(const KnoxSpec& spec) {
    const auto& d = spec.distance_bands_m;
    const auto& t = spec.time_bands_days;
    if (d.empty() || t.empty())
        throw InputError{"near repeat: the distance and time bands must not be empty"};
    if (!(spec.same_location_m >= 0) || !std::isfinite(spec.same_location_m))
        throw InputError{fmt::format("near repeat: same_location_m must be a number >= 0, got {}",
                                     spec.same_location_m)};
    for (std::size_t k = 0; k < d.size(); ++k) {
        const double lower = k == 0 ? spec.same_location_m : d[k - 1];
        if (!std::isfinite(d[k]) || !(d[k] > lower) || !(d[k] > 0))
            throw InputError{
                fmt::format("near repeat: distance edge {} is {} m; the edges must be numbers > 0, "
                            "ascending, and above same_location_m ({} m)",
                            k + 1, d[k], spec.same_location_m)};
    }
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (!(t[k] >= 0) || t[k] != std::floor(t[k]) || t[k] > static_cast<double>(kMaxDay - 1) ||
            (k > 0 && !(t[k] > t[k - 1])))
            throw InputError{fmt::format("near repeat: time edge {} is {} days; the edges must be "
                                         "whole days, 0 to 32766, ascending",
                                         k + 1, t[k])};
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
        throw InputError{fmt::format(
            "near repeat: the incident dates spread over {} days even with every gap longer "
            "than the last time edge shortened; at most 32767 are supported (set a shorter "
            "[analysis] period)",
            mapped.back())};
    std::vector<std::int16_t> out(day.size());
    for (std::size_t i = 0; i < day.size(); ++i) {
        const auto it = std::lower_bound(distinct.begin(), distinct.end(), day[i]);
        out[i] = static_cast<std::int16_t>(mapped[static_cast<std::size_t>(it - distinct.begin())]);
    }
    return out;
}

/// The pairs (i < j) within the largest distance edge, as lists of j per (i, band).
/// Incidents are numbered in grid order (see knox_test), so j is near i in memory; they are
/// searched in tasks of kTask incidents, each task keeping its own list: the partners of
/// incident i in band b are entries start[i·(bands + 1) + b] … start[i·(bands + 1) + b + 1]
/// of its task's list, ascending. A list holds j − i in 16 bits when every partner of the
/// task is that close in the numbering (almost always), j itself otherwise.
struct Pairs {
    struct List {
        std::vector<std::uint16_t> near; ///< j − i
        std::vector<std::int32_t> far;   ///< j
    };
    std::size_t n = 0, bands = 0;
    std::vector<std::uint32_t> start;
    std::vector<List> list;             ///< one per task
    std::vector<std::int64_t> in_band;  ///< pairs per band
    std::vector<std::int64_t> observed; ///< [band][time band before "beyond"], actual days
    std::uint64_t size() const {
        return static_cast<std::uint64_t>(
            std::accumulate(in_band.begin(), in_band.end(), std::int64_t{0}));
    }
};

using CellKey = std::pair<std::int64_t, std::int64_t>;

/// Finds the pairs with a grid of square cells half as wide as the largest edge, sorted by
/// column then row (`key`): the partners of i lie in its own column (after i) and the next two
/// columns, rows cy − 2 … cy + 2. Counts the observed table on the way (`band_of_days`: time
/// band of a day difference, clamped to last edge + 1).
Pairs find_pairs(const std::vector<double>& x, const std::vector<double>& y,
                 const std::vector<CellKey>& key, const std::vector<std::int16_t>& day,
                 double same2, const std::vector<double>& edge2,
                 const std::vector<std::uint8_t>& band_of_days, std::size_t nt,
                 std::uint64_t max_pairs, double reach_m, unsigned workers) {
    Pairs p;
    p.n = x.size();
    const std::size_t off = same2 > 0 ? 1 : 0;
    p.bands = off + edge2.size();
    const std::size_t n = p.n, nb = p.bands;
    const double max2 = edge2.back();
    const auto top = static_cast<int>(band_of_days.size() - 1);
    const std::size_t tasks = (n + kTask - 1) / kTask;
    p.start.assign(n * (nb + 1), 0);
    p.list.resize(tasks);
    std::vector<std::vector<std::int64_t>> in_band(tasks), observed(tasks);
    std::atomic<std::size_t> next{0};
    std::atomic<std::uint64_t> found{0}; // pairs so far, to stop early past max_pairs
    parallel_chunks(
        workers,
        [&](unsigned, std::size_t, std::size_t) {
            std::vector<std::vector<std::int32_t>> by_band(nb);
            std::vector<std::int32_t> scratch;
            for (std::size_t task; (task = next++) < tasks && found <= max_pairs;) {
                scratch.clear();
                std::size_t max_gap = 0;
                auto& ib = in_band[task];
                auto& ob = observed[task];
                ib.assign(nb, 0);
                ob.assign(nb * nt, 0);
                const std::size_t end_i = std::min(n, (task + 1) * kTask);
                for (std::size_t i = task * kTask; i < end_i; ++i) {
                    for (auto& v : by_band)
                        v.clear();
                    const auto [cx, cy] = key[i];
                    auto scan = [&](std::size_t a, std::size_t e) {
                        for (std::size_t j = a; j < e; ++j) {
                            const double dx = x[j] - x[i], dy = y[j] - y[i];
                            const double d2 = dx * dx + dy * dy;
                            if (d2 > max2) continue;
                            std::size_t b = 0;
                            if (!(d2 < same2)) {
                                b = off;
                                while (d2 > edge2[b - off])
                                    ++b;
                            }
                            by_band[b].push_back(static_cast<std::int32_t>(j));
                            max_gap = std::max(max_gap, j - i);
                            const int dd = std::min(std::abs(int{day[i]} - int{day[j]}), top);
                            const std::size_t t = band_of_days[static_cast<std::size_t>(dd)];
                            if (t < nt) ++ob[b * nt + t];
                        }
                    };
                    auto at = [&](std::int64_t col, std::int64_t row, bool upper) {
                        const CellKey k{col, row};
                        const auto it = upper ? std::upper_bound(key.begin(), key.end(), k)
                                              : std::lower_bound(key.begin(), key.end(), k);
                        return static_cast<std::size_t>(it - key.begin());
                    };
                    scan(i + 1, at(cx, cy + 2, true));
                    for (std::int64_t col = cx + 1; col <= cx + 2; ++col)
                        scan(at(col, cy - 2, false), at(col, cy + 2, true));
                    std::uint32_t* st = &p.start[i * (nb + 1)];
                    for (std::size_t b = 0; b < nb; ++b) {
                        st[b] = static_cast<std::uint32_t>(scratch.size());
                        scratch.insert(scratch.end(), by_band[b].begin(), by_band[b].end());
                        ib[b] += static_cast<std::int64_t>(by_band[b].size());
                    }
                    // Offsets are 32-bit: a task past 2^32 pairs stops the search as max_pairs
                    // does.
                    if (scratch.size() > std::numeric_limits<std::uint32_t>::max()) {
                        found = std::numeric_limits<std::uint64_t>::max();
                        break;
                    }
                    st[nb] = static_cast<std::uint32_t>(scratch.size());
                    if ((found += st[nb] - st[0]) > max_pairs) break;
                }
                // Exact-size copies; 16-bit offsets when they all fit.
                Pairs::List& out = p.list[task];
                if (max_gap <= std::numeric_limits<std::uint16_t>::max()) {
                    out.near.resize(scratch.size());
                    std::size_t k = 0;
                    for (std::size_t i = task * kTask; i < end_i; ++i)
                        for (; k < p.start[i * (nb + 1) + nb]; ++k)
                            out.near[k] = static_cast<std::uint16_t>(
                                static_cast<std::size_t>(scratch[k]) - i);
                } else {
                    out.far.assign(scratch.begin(), scratch.end());
                }
            }
        },
        workers);
    if (found > max_pairs)
        throw InputError{fmt::format(
            "near repeat: more than {} pairs of incidents lie within {} m of each other ({} "
            "incidents); use fewer or smaller distance bands, a shorter period, or one category "
            "at a time",
            max_pairs, reach_m, n)};
    p.in_band.assign(nb, 0);
    p.observed.assign(nb * nt, 0);
    for (std::size_t task = 0; task < tasks; ++task) {
        for (std::size_t b = 0; b < nb; ++b)
            p.in_band[b] += in_band[task][b];
        for (std::size_t c = 0; c < nb * nt; ++c)
            p.observed[c] += observed[task][c];
    }
    return p;
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

/// For the lanes (permutations) of `rows` at once: le[(b·G + g)·lanes + lane] += number of
/// pairs of band b whose permuted day difference is ≤ edge[g]. The 16-bit counters take at
/// most 32,767 pairs before they are added to the 64-bit totals.
template <class Lay, std::size_t G>
[[gnu::always_inline]] inline void
count_body(const Pairs& p, const std::vector<typename Lay::Row>& rows, const std::int16_t* edge,
           std::vector<std::int64_t>& le) {
    using Vec = typename Lay::Vec;
    using Row = typename Lay::Row;
    constexpr std::size_t parts = Lay::parts;
    constexpr std::int64_t k16 = std::numeric_limits<std::int16_t>::max();
    const std::size_t nb = p.bands;
    // d ≤ edge as edge + 1 > d: "greater than" is the comparison every SIMD set has.
    Vec above[G] = {};
    for (std::size_t g = 0; g < G; ++g)
        for (std::size_t l = 0; l < Lay::per_vec; ++l)
            above[g][l] = static_cast<std::int16_t>(edge[g] + 1);
    std::vector<Row> acc(nb * G, Row{});
    std::vector<std::int64_t> pending(nb, 0);
    // The pairs of incidents [i0, i1) whose lists are `list` (Index: j − i in 16 bits, or j).
    auto run = [&]<class Index>(std::size_t i0, std::size_t i1, const Index* list) {
        for (std::size_t i = i0; i < i1; ++i) {
            const std::uint32_t* st = &p.start[i * (nb + 1)];
            const Row* base = std::is_same_v<Index, std::uint16_t> ? &rows[i] : rows.data();
            Vec di[parts];
            for (std::size_t q = 0; q < parts; ++q)
                di[q] = rows[i].h[q];
            for (std::size_t b = 0; b < nb; ++b) {
                std::uint32_t k = st[b];
                const std::uint32_t end = st[b + 1];
                while (k < end) {
                    const auto len =
                        static_cast<std::int64_t>(std::min<std::uint32_t>(end - k, k16));
                    if (pending[b] + len > k16) { // widen before the 16-bit counters overflow
                        for (std::size_t g = 0; g < G; ++g) {
                            Row& r = acc[b * G + g];
                            for (std::size_t l = 0; l < Lay::lanes; ++l)
                                le[(b * G + g) * Lay::lanes + l] += r.lane(l);
                            r = Row{};
                        }
                        pending[b] = 0;
                    }
                    const std::uint32_t stop = k + static_cast<std::uint32_t>(len);
                    Vec a[G][parts];
                    for (std::size_t g = 0; g < G; ++g)
                        for (std::size_t q = 0; q < parts; ++q)
                            a[g][q] = acc[b * G + g].h[q];
                    for (; k < stop; ++k) {
                        const Row& rj = base[static_cast<std::size_t>(list[k])];
                        for (std::size_t q = 0; q < parts; ++q) {
                            Vec d = rj.h[q] - di[q];
                            d = d < 0 ? -d : d;
                            for (std::size_t g = 0; g < G; ++g)
                                a[g][q] -= (above[g] > d); // a true comparison is −1 per lane
                        }
                    }
                    for (std::size_t g = 0; g < G; ++g)
                        for (std::size_t q = 0; q < parts; ++q)
                            acc[b * G + g].h[q] = a[g][q];
                    pending[b] += len;
                }
            }
        }
    };
    for (std::size_t task = 0; task < p.list.size(); ++task) {
        const std::size_t i0 = task * kTask, i1 = std::min(p.n, i0 + kTask);
        const Pairs::List& l = p.list[task];
        if (l.far.empty())
            run(i0, i1, l.near.data());
        else
            run(i0, i1, l.far.data());
    }
    for (std::size_t b = 0; b < nb; ++b)
        for (std::size_t g = 0; g < G; ++g)
            for (std::size_t l = 0; l < Lay::lanes; ++l)
                le[(b * G + g) * Lay::lanes + l] += acc[b * G + g].lane(l);
}

enum class Isa { baseline, avx2 };

/// The kernel compiled for each instruction set (the same body inlined into each).
template <class Lay, std::size_t G>
void count_baseline(const Pairs& p, const std::vector<typename Lay::Row>& rows,
                    const std::int16_t* edge, std::vector<std::int64_t>& le) {
    count_body<Lay, G>(p, rows, edge, le);
}
#if defined(__GNUC__) && defined(__x86_64__)
#define VIGIA_KNOX_AVX2 1
template <class Lay, std::size_t G>
[[gnu::target("avx2")]] void count_avx2(const Pairs& p, const std::vector<typename Lay::Row>& rows,
                                        const std::int16_t* edge, std::vector<std::int64_t>& le) {
    count_body<Lay, G>(p, rows, edge, le);
}
#endif

template <Isa I, class Lay, std::size_t G>
void count_lanes(const Pairs& p, const std::vector<typename Lay::Row>& rows,
                 const std::int16_t* edge, std::vector<std::int64_t>& le) {
#ifdef VIGIA_KNOX_AVX2
    if constexpr (I == Isa::avx2) {
        count_avx2<Lay, G>(p, rows, edge, le);
        return;
    }
#endif
    count_baseline<Lay, G>(p, rows, edge, le);
}

/// Dispatches count_lanes over groups of at most kEdgeGroup edges; out[(b·T + t)·lanes +
/// lane] receives the pairs of band b with day difference ≤ edge t.
template <Isa I, class Lay>
void count_cumulative(const Pairs& p, const std::vector<typename Lay::Row>& rows,
                      const std::vector<std::int16_t>& edges, std::vector<std::int64_t>& out) {
    constexpr std::size_t lanes = Lay::lanes;
    const std::size_t nt = edges.size(), nb = p.bands;
    std::vector<std::int64_t> le;
    for (std::size_t g0 = 0; g0 < nt; g0 += kEdgeGroup) {
        const std::size_t g = std::min(kEdgeGroup, nt - g0);
        le.assign(nb * g * lanes, 0);
        const std::int16_t* e = edges.data() + g0;
        if (g == 1)
            count_lanes<I, Lay, 1>(p, rows, e, le);
        else if (g == 2)
            count_lanes<I, Lay, 2>(p, rows, e, le);
        else if (g == 3)
            count_lanes<I, Lay, 3>(p, rows, e, le);
        else
            count_lanes<I, Lay, 4>(p, rows, e, le);
        for (std::size_t b = 0; b < nb; ++b)
            for (std::size_t k = 0; k < g; ++k)
                for (std::size_t l = 0; l < lanes; ++l)
                    out[(b * nt + g0 + k) * lanes + l] = le[(b * g + k) * lanes + l];
    }
}

/// The Monte Carlo: permutation r assigns the days, shuffled by its own stream, to the
/// incidents; the lanes of a block share one pass over the pairs. simulated[(r·bands + b)·T +
/// t] receives the pairs of band b in time band t (before "beyond").
template <Isa I, class Lay>
void simulate(const Pairs& pairs, const std::vector<std::int16_t>& day,
              const std::vector<std::int16_t>& time_edge, std::size_t reps, std::uint64_t seed,
              unsigned workers, std::vector<std::int64_t>& simulated) {
    constexpr std::size_t lanes = Lay::lanes;
    const std::size_t n = day.size(), nb = pairs.bands, nt = time_edge.size();
    const std::size_t blocks = (reps + lanes - 1) / lanes;
    parallel_chunks(
        blocks,
        [&](unsigned, std::size_t k0, std::size_t k1) {
            std::vector<typename Lay::Row> rows(n);
            std::vector<std::int16_t> scratch;
            std::vector<std::int64_t> le(nb * nt * lanes);
            for (std::size_t blk = k0; blk < k1; ++blk) {
                const std::size_t r0 = blk * lanes;
                for (std::size_t l = 0; l < lanes; ++l) {
                    scratch = day;
                    if (r0 + l < reps) shuffle(scratch, seed, r0 + l);
                    for (std::size_t i = 0; i < n; ++i)
                        rows[i].set_lane(l, scratch[i]);
                }
                count_cumulative<I, Lay>(pairs, rows, time_edge, le);
                for (std::size_t l = 0; l < lanes && r0 + l < reps; ++l)
                    for (std::size_t b = 0; b < nb; ++b)
                        for (std::size_t t = 0; t < nt; ++t) {
                            const std::int64_t below = t ? le[(b * nt + t - 1) * lanes + l] : 0;
                            simulated[((r0 + l) * nb + b) * nt + t] =
                                le[(b * nt + t) * lanes + l] - below;
                        }
            }
        },
        workers);
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
        throw std::invalid_argument{"knox_test: x, y and time differ in size"}; // a bug
    check_spec(spec);
    const unsigned workers = spec.workers == 0 ? worker_count() : spec.workers;
    const bool same = spec.same_location_m > 0;
    const std::size_t off = same ? 1 : 0;
    const std::size_t ne = spec.distance_bands_m.size(), nt = spec.time_bands_days.size();
    const std::size_t nb = off + ne; // bands within the largest edge
    const double reach = spec.distance_bands_m.back();

    KnoxResult res;
    std::vector<std::size_t> used; // the incidents with a time
    for (std::size_t i = 0; i < time.size(); ++i) {
        if (time[i] == kNoTime) {
            ++res.without_time;
            continue;
        }
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw InputError{
                fmt::format("near repeat: incident {} has no finite coordinates", i + 1)};
        used.push_back(i);
    }
    const std::size_t n = used.size();
    if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw InputError{fmt::format("near repeat: {} incidents; at most 2^31 - 1", n)};
    res.incidents = n;
    res.pairs = n < 2 ? 0 : static_cast<std::uint64_t>(n) * (n - 1) / 2;

    std::vector<std::int16_t> time_edge(nt);
    for (std::size_t t = 0; t < nt; ++t)
        time_edge[t] = static_cast<std::int16_t>(spec.time_bands_days[t]);
    const std::int64_t last_edge = time_edge.back();

    // Grid order: square cells half as wide as the largest edge (a hair wider, so rounding
    // never puts the two ends of an edge-long pair three cells apart), sorted by column then
    // row; inside a cell by coordinates and day, so the result does not depend on the order of
    // the rows.
    double min_x = kInf, min_y = kInf, max_x = -kInf, max_y = -kInf;
    for (std::size_t i : used) {
        min_x = std::min(min_x, x[i]);
        min_y = std::min(min_y, y[i]);
        max_x = std::max(max_x, x[i]);
        max_y = std::max(max_y, y[i]);
    }
    const double cell = reach / 2 * (1 + 1e-9);
    if (n > 0 && std::max(max_x - min_x, max_y - min_y) / cell > 1e15)
        throw InputError{"near repeat: the incidents spread over more than 10^15 distance bands: "
                         "are the coordinates projected (metres)?"};
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

    // Time band of a day difference 0 … last edge + 1 (= "beyond").
    std::vector<std::uint8_t> band_of_days(static_cast<std::size_t>(last_edge) + 2);
    for (std::size_t dd = 0; dd < band_of_days.size(); ++dd) {
        std::size_t t = 0;
        while (t<nt&& static_cast<std::int64_t>(dd)> time_edge[t])
            ++t;
        band_of_days[dd] = static_cast<std::uint8_t>(std::min<std::size_t>(t, 255));
    }
    std::vector<double> edge2(ne);
    for (std::size_t k = 0; k < ne; ++k)
        edge2[k] = spec.distance_bands_m[k] * spec.distance_bands_m[k];
    const Pairs pairs =
        find_pairs(xs, ys, key, day, same ? spec.same_location_m * spec.same_location_m : 0.0,
                   edge2, band_of_days, nt, spec.max_pairs, reach, workers);
    res.pairs_within = pairs.size();

    // Row totals (pairs per space band) and column totals (pairs per time band) are the same
    // in every permutation, so the "beyond" row and column follow from the cells within.
    const std::vector<std::int64_t>& in_band = pairs.in_band;
    const auto total = static_cast<std::int64_t>(res.pairs);
    const auto beyond_pairs = total - static_cast<std::int64_t>(res.pairs_within);
    std::vector<std::int64_t> in_time(nt, 0);
    if (n >= 2) {
        const auto span = static_cast<std::size_t>(*std::max_element(day.begin(), day.end())) + 1;
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

    // Monte Carlo, with AVX2 where the processor has it (the lanes are permutations, each
    // drawn from its own stream, so the width never changes the result).
    const std::size_t reps = n >= 2 ? spec.permutations : 0;
    std::vector<std::int64_t> simulated(reps * nb * nt, 0); // [r][b][t], t before "beyond"
    if (reps > 0) {
#ifdef VIGIA_KNOX_AVX2
        if (!spec.portable_kernel && __builtin_cpu_supports("avx2"))
            simulate<Isa::avx2, LayoutAvx2>(pairs, day, time_edge, reps, spec.seed, workers,
                                            simulated);
        else
#endif
            simulate<Isa::baseline, LayoutBaseline>(pairs, day, time_edge, reps, spec.seed, workers,
                                                    simulated);
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
    const std::int64_t time_beyond =
        total - std::accumulate(in_time.begin(), in_time.end(), std::int64_t{0});
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
                const std::size_t k = s - off; // distance band, ne = beyond
                c.distance_from_m = k == 0 ? spec.same_location_m : dist[k - 1];
                c.distance_to_m = k < ne ? dist[k] : kInf;
            }
            c.days_from = t == 0 ? 0 : days[t - 1] + 1;
            c.days_to = t < nt ? days[t] : kInf;
            const std::int64_t col_total = t < nt ? in_time[t] : time_beyond;
            const std::int64_t obs = cell_value(pairs.observed.data(), s, t);
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

    // Headlines: the largest significant excess in the first distance band (near repeats)
    // and in the same-location band (repeats), time bands before "beyond".
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
