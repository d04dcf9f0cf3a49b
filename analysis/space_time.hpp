#pragma once
/// \file
/// The space-time cube (grid cells × calendar time steps), its space-time Getis–Ord Gi*, the
/// Mann–Kendall trend test and ArcGIS's Emerging Hot Spot Analysis categories
/// (docs/methods.md §15). Sources: ArcGIS Pro, "How Create Space Time Cube works" and "How
/// Emerging Hot Spot Analysis works" (and its Python layer, SSCube.emergingHotSpots); Ord &
/// Getis (1995); Mann (1945); Kendall (1975); Hipel & McLeod (1994). Pure computation.

#include "analysis/weights.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigia::analysis {

// ---------------------------------------------------------------- time steps

enum class StepUnit : std::uint8_t { days, week, month, quarter, year };
const char* to_string(StepUnit u) noexcept; ///< "days", "week", "month", "quarter", "year"

struct TimeStep {
    StepUnit unit = StepUnit::month;
    int days = 0; ///< StepUnit::days only: the length of a step in days (> 0)
};

/// The time steps of a cube. Times are civil seconds (types.hpp): step k is
/// [edges[k], edges[k + 1]).
struct TimeBins {
    std::vector<std::int64_t> edges; ///< steps + 1 edges, ascending; empty when no step is left
    /// The span [first, last] does not fill the first / last step (judged by whole days: a
    /// first step is complete when `first` falls on its first day, a last step when `last`
    /// falls on its last day). Set whether or not the step was dropped.
    bool first_partial = false, last_partial = false;
    bool first_dropped = false, last_dropped = false; ///< the partial step was left out

    std::size_t steps() const noexcept { return edges.size() < 2 ? 0 : edges.size() - 1; }
    /// The step holding t, or −1 (outside the steps, or kNoTime). Binary search.
    std::int32_t bin_of(std::int64_t t) const noexcept;
};

/// Calendar-aligned steps covering [first, last] (civil seconds, both included): months start
/// on the 1st, quarters on 1 January / April / July / October, years on 1 January, weeks on
/// Monday (ISO 8601), N-day steps at midnight of the day of `first`. `drop_partial` leaves out
/// an incomplete first and/or last step (the flags still say they were incomplete). Give the
/// manifest's period as [first, last] when there is one. Throws InputError when first > last,
/// when a days step is not > 0, or beyond 100,000 steps.
TimeBins make_bins(std::int64_t first, std::int64_t last, TimeStep step, bool drop_partial);

// ---------------------------------------------------------------- the cube

/// A value per cell and step, cell-major: values[cell * steps + step] (a cell's time series is
/// contiguous). float: counts are exact up to 2^24 per bin and the cube stays small.
struct Cube {
    std::size_t cells = 0, steps = 0;
    std::vector<float> values;

    float at(std::size_t cell, std::size_t step) const noexcept {
        return values[cell * steps + step];
    }
};

/// Incident counts per cell and step. `cell[i]` is incident i's grid cell (−1: not counted at
/// all), `time[i]` its civil time. Of the incidents with a cell, those without a time
/// (kNoTime) and those outside the bins are skipped and counted in `without_time` /
/// `outside_bins` when given.
Cube build_cube(const std::vector<std::int32_t>& cell, const std::vector<std::int64_t>& time,
                const TimeBins& bins, std::size_t cells, std::size_t* without_time = nullptr,
                std::size_t* outside_bins = nullptr);

/// Space-time Gi* z of every bin (ArcGIS Emerging Hot Spot Analysis, Ord & Getis 1995): the
/// neighbours of bin (c, k) are the bins (c', k') with c' in row c of `w_self` (which must
/// include c itself, as grid_ring(grid, true) gives) and k − time_window ≤ k' ≤ k (the same
/// locations in the previous `time_window` steps; fewer at the start of the cube), weight
/// w_cc'. With n = cells × steps and the mean x̄ and population SD S over the whole cube
/// (ArcGIS's "entire cube" global window):
///   z = (Σ w x − x̄ W) / (S √((n S1 − W²)/(n − 1))),  W = Σ w,  S1 = Σ w².
/// NaN where undefined (S = 0, or a neighbourhood that is the whole cube). Parallel over
/// cells; the result does not depend on the number of threads. Same layout as the cube.
std::vector<float> space_time_gi(const Cube& cube, const Weights& w_self, int time_window);

// ---------------------------------------------------------------- trend

struct TrendTest {
    double s = 0;        ///< Mann–Kendall S = Σ_{i<j} sign(x_j − x_i)
    double variance = 0; ///< Var(S) with the tie correction
    double z = 0, p = 1; ///< continuity-corrected z, two-sided normal p
    int direction = 0;   ///< +1 upward, −1 downward when p ≤ alpha; 0 otherwise
};

/// Mann–Kendall trend test (Mann 1945, Kendall 1975) of a series in time order; NaN entries
/// are left out. Var(S) = [m(m−1)(2m+5) − Σ_t t(t−1)(2t+5)]/18 over the m values and the
/// sizes t of groups of equal values; z = (S − sign S)/√Var(S) (continuity correction, Hipel &
/// McLeod 1994), 0 when S = 0 or Var(S) = 0; p = erfc(|z|/√2).
TrendTest mann_kendall(const float* series, std::size_t n, double alpha = 0.05);

/// Sen's slope (Sen 1968) of a series at equal steps: the median of (x_j − x_i)/(j − i) over
/// every pair i < j of finite values (R trend::sens.slope). NaN with fewer than two values.
double sen_slope(const std::vector<double>& series);

// ---------------------------------------------------------------- emerging hot spots

enum class EhsaCategory : std::int8_t {
    no_pattern,
    new_hot,
    consecutive_hot,
    intensifying_hot,
    persistent_hot,
    diminishing_hot,
    sporadic_hot,
    oscillating_hot,
    historical_hot,
    new_cold,
    consecutive_cold,
    intensifying_cold,
    persistent_cold,
    diminishing_cold,
    sporadic_cold,
    oscillating_cold,
    historical_cold,
};
inline constexpr std::size_t kEhsaCategoryCount = 17;
/// "no pattern", "new hot spot", …, "historical cold spot".
const char* to_string(EhsaCategory c) noexcept;
/// ArcGIS's CATEGORY code: hot 1 (new) … 8 (historical), cold −1 … −8, no pattern 0.
int arcgis_code(EhsaCategory c) noexcept;

/// ArcGIS's pattern of one location from its significant bins in time order
/// (sig[k] > 0 hot, < 0 cold, 0 not significant: ±1, or bin classes) and the direction of the
/// Mann–Kendall trend of its Gi* z series (+1, −1, 0). H, C: hot and cold bins; "90 %" is 10·H ≥
/// 9·n.
/// - Final step hot (cold mirrored, with "up" and "down" swapped): H ≥ 90 %: intensifying
///   (trend up), diminishing (trend down), else persistent; H < 90 %: oscillating when any
///   step was cold; else new when it is the only hot step; else consecutive when the hot steps
///   are one run (of ≥ 2) ending at the final step; else sporadic.
/// - Final step not significant: historical hot when H ≥ 90 %, historical cold when
///   C ≥ 90 %, otherwise no pattern.
EhsaCategory classify_location(const std::int8_t* sig, std::size_t n, int trend_direction) noexcept;

struct EmergingSpec {
    /// Significance of a bin: its Gi* p at most the Benjamini–Hochberg cut-off for alpha over
    /// all defined bins of the cube (ArcGIS: FDR on, 90 % confidence, i.e. HS_BIN ≠ 0).
    double alpha = 0.10;
    bool fdr = true; ///< false: p ≤ alpha
    /// Significance of the Mann–Kendall trends (ArcGIS's TREND_BIN ≠ 0: 90 % confidence).
    double trend_alpha = 0.10;
    /// Steps left out at the start of the Gi* z series before its trend test; time_window
    /// leaves out the steps whose neighbourhood the start of the cube cuts short (§15).
    /// ArcGIS: 0.
    int trend_skip_steps = 0;
};

struct EmergingResult {
    std::vector<EhsaCategory> category;           ///< per cell
    std::vector<TrendTest> count_trend, gi_trend; ///< per cell: Mann–Kendall of counts, of Gi* z
    std::vector<std::int32_t> hot_steps, cold_steps; ///< per cell: significant hot / cold bins
    /// Per bin (cube layout): ArcGIS's HS_BIN, ±3 / ±2 / ±1 for 99 / 95 / 90 % (FDR as in
    /// `spec.fdr`), 0 not significant, signed by z.
    std::vector<std::int8_t> bin_class;
};

/// Emerging Hot Spot Analysis of a cube and its space-time Gi* z (space_time_gi). Parallel
/// over cells.
EmergingResult emerging_hot_spots(const Cube& cube, const std::vector<float>& gi_z,
                                  const EmergingSpec& spec = {});

} // namespace vigia::analysis
