#pragma once
/// \file
/// The near-repeat (Knox) test as in Ratcliffe's Near Repeat Calculator: pairs of incidents
/// cross-tabulated by distance band and time band, the observed count of each cell compared
/// with the counts obtained by permuting the incidents' dates (Monte Carlo, seeded).
/// Definitions, defaults and sources: docs/methods.md §16.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigia::analysis {

struct KnoxSpec {
    /// Upper edges of the distance bands in metres, strictly ascending, each greater than
    /// `same_location_m`. Band k holds the pairs with e_{k-1} < d ≤ e_k (Euclidean distance);
    /// band 0 starts at `same_location_m` (inclusive), or at 0 when there is no same-location
    /// band.
    std::vector<double> distance_bands_m;
    /// Upper edges of the time bands in days, strictly ascending, ≥ 0. The time distance of a
    /// pair is the difference of the incidents' calendar dates (whole days, local civil time);
    /// band k holds e_{k-1} < Δ ≤ e_k, band 0 holds 0 ≤ Δ ≤ e_0 (so 7, 14: days 0–7, 8–14).
    std::vector<double> time_bands_days;
    /// Pairs closer than this (d < same_location_m) form the "same location" band (space_band
    /// −1), as the Near Repeat Calculator's first row: repeat victimisation, and the pairs a
    /// geocoding pile produces. 0: no such band (band 0 then starts at distance 0).
    double same_location_m = 1.0;
    std::size_t permutations = 999; ///< 0: no Monte Carlo (expected is then the exact one, p NaN)
    std::uint64_t seed = 12345;     ///< same seed, same answer (whatever the number of threads)
    unsigned workers = 0;           ///< threads; 0: worker_count(). Never changes the result.
    /// The pairs within the largest distance edge are kept in memory (2 bytes a pair, 4 in
    /// rare tasks) and visited once per 16 or 32 permutations: past this many the test stops
    /// with an InputError rather than exhaust memory and time.
    std::uint64_t max_pairs = 500'000'000;
    /// For tests and benchmarks: count with the portable kernel (16 permutations a pass)
    /// even where AVX2 is available (32 a pass). Never changes the result.
    bool portable_kernel = false;
};

/// One cell of the space × time table.
struct KnoxCell {
    /// −1 = same location; 0 … size()−1 = the distance bands; size() = beyond the last edge.
    std::int32_t space_band = 0;
    /// 0 … size()−1 = the time bands; size() = beyond the last edge.
    std::int32_t time_band = 0;
    /// The band's limits, for labels: same location [0, same_location_m); band 0 [from, to]
    /// (from = same_location_m, or 0); later bands (from, to]; beyond: (last edge, +inf).
    double distance_from_m = 0, distance_to_m = 0;
    /// Whole days: the band holds days_from … days_to inclusive (days_to = +inf beyond).
    double days_from = 0, days_to = 0;
    double observed = 0; ///< pairs of incidents in the cell
    /// Mean of the simulated counts (the Near Repeat Calculator's expectation); the exact
    /// permutation expectation when permutations = 0.
    double expected = 0;
    /// Exact expectation under random permutation of the dates (Knox 1964): row total ×
    /// column total / all pairs. The Monte Carlo mean converges to it.
    double expected_exact = 0;
    double ratio = 0; ///< observed / expected (the Knox ratio); NaN when expected = 0
    /// One-sided Monte Carlo p: (1 + #{simulated ≥ observed}) / (1 + permutations); NaN when
    /// permutations = 0 or fewer than 2 incidents have a time.
    double p = 0;
};

struct KnoxResult {
    /// Every (space band, time band), same location and "beyond" included, space-major:
    /// space −1 (when there is a same-location band), 0, …, size(); within each, time 0 …
    /// size().
    std::vector<KnoxCell> cells;
    std::size_t incidents = 0;    ///< incidents with a time (the only ones used)
    std::size_t without_time = 0; ///< incidents with time == kNoTime, left out
    std::uint64_t pairs = 0;      ///< incidents·(incidents − 1)/2
    /// Pairs within the largest distance edge (same location included): what is stored and
    /// visited once per permutation.
    std::uint64_t pairs_within = 0;
    /// Index in `cells` of the headline: among the cells of the first distance band
    /// (space_band 0, the closest band after same location) and the time bands before
    /// "beyond", the largest ratio with ratio > 1 and p ≤ 0.05 (ties: the earlier time band).
    /// −1 when none (or permutations = 0).
    std::int32_t headline = -1;
    /// The same rule over the same-location row (repeat victimisation); −1 when none.
    std::int32_t repeat_headline = -1;

    /// The cell (space_band, time_band), or nullptr when the table has no such cell.
    const KnoxCell* find(std::int32_t space_band, std::int32_t time_band) const noexcept;
};

/// Significance level of the headline.
inline constexpr double kKnoxHeadlineAlpha = 0.05;

/// The Knox test. x, y in metres (the city's projected CRS); time in seconds of local civil
/// time (types.hpp), kNoTime for incidents without one (left out and counted). The pairs
/// within the largest distance edge are found once with a grid and kept; each pass then
/// revisits them for 16 permutations (32 with AVX2), drawn from per-permutation streams.
/// \throws InputError for bad bands (empty, not ascending, not positive, fractional days),
///         timed incidents without finite coordinates, dates spread over more than 32,767
///         days once gaps longer than the last time edge are shortened, or more than
///         max_pairs pairs within the largest edge (the message says what to change).
/// \throws std::invalid_argument when x, y and time differ in size.
KnoxResult knox_test(const std::vector<double>& x, const std::vector<double>& y,
                     const std::vector<std::int64_t>& time, const KnoxSpec& spec);

/// Distance edges cell, 2·cell, …, bands·cell (metres): the grid's cell size sets the scale,
/// as the Near Repeat Calculator's "spatial bandwidth × number of bands".
std::vector<double> default_distance_bands(double cell_size_m, int bands = 5);
/// Time edges days, 2·days, …, bands·days (default 7, 14, 21, 28).
std::vector<double> default_time_bands(int bands = 4, double days = 7);

} // namespace vigia::analysis
