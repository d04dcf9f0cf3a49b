#include "analysis/space_time.hpp"

#include "analysis/error.hpp"
#include "analysis/local_stats.hpp"
#include "analysis/parallel.hpp"
#include "analysis/types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace vigia::analysis {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxSteps = 100'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
/// low-level date algorithms", days_from_civil).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;                                   // [0, 399]
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; // [0, 365]
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
    return era * 146097 + doe - 719468;
}

struct Civil {
    std::int64_t y, m, d;
};

/// The inverse (Hinnant's civil_from_days).
Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// The first day of month index mi = 12·year + (month − 1).
std::int64_t month_start_day(std::int64_t mi) noexcept {
    const std::int64_t y = floor_div(mi, 12);
    return days_from_civil(y, mi - 12 * y + 1, 1);
}

/// ISO weekday, 0 = Monday (1970-01-01 was a Thursday).
std::int64_t weekday(std::int64_t day) noexcept {
    return (day + 3) - 7 * floor_div(day + 3, 7);
}

void check_steps(std::size_t n) {
    if (n > kMaxSteps)
        throw InputError{fmt::format(
            "space-time cube: the period needs more than {} time steps; choose a longer "
            "time_step or a shorter period",
            kMaxSteps)};
}

} // namespace

const char* to_string(StepUnit u) noexcept {
    switch (u) {
    case StepUnit::days:
        return "days";
    case StepUnit::week:
        return "week";
    case StepUnit::month:
        return "month";
    case StepUnit::quarter:
        return "quarter";
    case StepUnit::year:
        return "year";
    }
    return "?";
}

std::int32_t TimeBins::bin_of(std::int64_t t) const noexcept {
    if (edges.size() < 2 || t < edges.front() || t >= edges.back()) return -1;
    const auto it = std::upper_bound(edges.begin(), edges.end(), t);
    return static_cast<std::int32_t>(it - edges.begin() - 1);
}

TimeBins make_bins(std::int64_t first, std::int64_t last, TimeStep step, bool drop_partial) {
    if (first == kNoTime || last == kNoTime)
        throw std::logic_error{"make_bins: the period's ends must be times"};
    if (first > last)
        throw InputError{"space-time cube: the period starts after it ends (first > last)"};
    const std::int64_t day_first = floor_div(first, kDay);
    const std::int64_t day_last = floor_div(last, kDay);
    std::vector<std::int64_t> days; // edges as day numbers
    switch (step.unit) {
    case StepUnit::days:
    case StepUnit::week: {
        std::int64_t len = 7, start = day_first - weekday(day_first);
        if (step.unit == StepUnit::days) {
            if (step.days <= 0)
                throw InputError{fmt::format(
                    "space-time cube: a time step of days must be > 0 days, got {}", step.days)};
            len = step.days;
            start = day_first;
        }
        check_steps(static_cast<std::size_t>((day_last - start) / len + 1));
        for (std::int64_t e = start;; e += len) {
            days.push_back(e);
            if (e > day_last) break;
        }
        break;
    }
    case StepUnit::month:
    case StepUnit::quarter:
    case StepUnit::year: {
        const std::int64_t len =
            step.unit == StepUnit::month ? 1 : (step.unit == StepUnit::quarter ? 3 : 12);
        const Civil c = civil_from_days(day_first);
        std::int64_t mi = 12 * c.y + (c.m - 1);
        mi = len * floor_div(mi, len); // quarters start in Jan/Apr/Jul/Oct, years in January
        const Civil e = civil_from_days(day_last);
        check_steps(static_cast<std::size_t>((12 * e.y + e.m - 1 - mi) / len + 1));
        for (;; mi += len) {
            days.push_back(month_start_day(mi));
            if (days.back() > day_last) break;
        }
        break;
    }
    }
    TimeBins b;
    b.first_partial = day_first > days.front();
    b.last_partial = day_last < days.back() - 1;
    std::size_t lo = 0, hi = days.size() - 1; // edges kept: [lo, hi]
    if (drop_partial) {
        b.first_dropped = b.first_partial;
        b.last_dropped = b.last_partial;
        if (b.first_partial) ++lo;
        if (b.last_partial) --hi;
    }
    if (hi > lo) {
        b.edges.reserve(hi - lo + 1);
        for (std::size_t k = lo; k <= hi; ++k)
            b.edges.push_back(days[k] * kDay);
    }
    return b;
}

Cube build_cube(const std::vector<std::int32_t>& cell, const std::vector<std::int64_t>& time,
                const TimeBins& bins, std::size_t cells, std::size_t* without_time,
                std::size_t* outside_bins) {
    if (cell.size() != time.size())
        throw std::logic_error{"build_cube: cells and times differ in size"};
    Cube cube;
    cube.cells = cells;
    cube.steps = bins.steps();
    cube.values.assign(cells * cube.steps, 0.0f);
    std::size_t no_time = 0, outside = 0;
    for (std::size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] < 0) continue;
        if (static_cast<std::size_t>(cell[i]) >= cells)
            throw std::logic_error{"build_cube: cell index out of range"};
        if (time[i] == kNoTime) {
            ++no_time;
            continue;
        }
        const std::int32_t k = bins.bin_of(time[i]);
        if (k < 0) {
            ++outside;
            continue;
        }
        cube.values[static_cast<std::size_t>(cell[i]) * cube.steps + static_cast<std::size_t>(k)] +=
            1.0f;
    }
    if (without_time) *without_time = no_time;
    if (outside_bins) *outside_bins = outside;
    return cube;
}

std::vector<float> space_time_gi(const Cube& cube, const Weights& w_self, int time_window) {
    const std::size_t cells = cube.cells, steps = cube.steps;
    if (cube.values.size() != cells * steps)
        throw std::logic_error{"space_time_gi: the cube's values do not match its size"};
    if (w_self.size() != cells)
        throw std::logic_error{"space_time_gi: weights and cube differ in cells"};
    if (!w_self.self)
        throw std::logic_error{"space_time_gi: the weights must include each cell itself (Gi*)"};
    if (time_window < 0)
        throw InputError{
            fmt::format("space-time Gi*: time_window must be >= 0 steps, got {}", time_window)};
    const std::size_t n = cells * steps;
    std::vector<float> z(n, std::numeric_limits<float>::quiet_NaN());
    if (n < 2) return z;
    const float* x = cube.values.data();

    // Global moments, summed per cell then over cells in order: the same on any thread count.
    std::vector<double> part(cells);
    parallel_chunks(cells, [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t c = b; c < e; ++c) {
            double s = 0;
            for (std::size_t k = 0; k < steps; ++k)
                s += x[c * steps + k];
            part[c] = s;
        }
    });
    double total = 0;
    for (double v : part)
        total += v;
    const double nd = static_cast<double>(n);
    const double mean = total / nd;
    parallel_chunks(cells, [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t c = b; c < e; ++c) {
            double s = 0;
            for (std::size_t k = 0; k < steps; ++k) {
                const double d = x[c * steps + k] - mean;
                s += d * d;
            }
            part[c] = s;
        }
    });
    double ss = 0;
    for (double v : part)
        ss += v;
    const double sd = std::sqrt(ss / nd);
    if (!(sd > 0)) return z;

    const auto tw = static_cast<std::size_t>(time_window);
    parallel_chunks(cells, [&](unsigned, std::size_t b, std::size_t e) {
        std::vector<double> prefix(steps + 1);
        for (std::size_t c = b; c < e; ++c) {
            // Spatial lag of every step, then its running sum over time.
            std::fill(prefix.begin(), prefix.end(), 0.0);
            double ws = 0, s1 = 0;
            for (auto m = w_self.start[c]; m < w_self.start[c + 1]; ++m) {
                const double w = w_self.weight[static_cast<std::size_t>(m)];
                const float* xj =
                    x + static_cast<std::size_t>(w_self.index[static_cast<std::size_t>(m)]) * steps;
                for (std::size_t k = 0; k < steps; ++k)
                    prefix[k + 1] += w * xj[k];
                ws += w;
                s1 += w * w;
            }
            for (std::size_t k = 0; k < steps; ++k)
                prefix[k + 1] += prefix[k];
            for (std::size_t k = 0; k < steps; ++k) {
                const std::size_t lo = k > tw ? k - tw : 0;
                const double nk = static_cast<double>(k - lo + 1);
                const double lag = prefix[k + 1] - prefix[lo];
                const double wi = ws * nk, s1i = s1 * nk;
                const double var = (nd * s1i - wi * wi) / (nd - 1.0);
                if (var > 0)
                    z[c * steps + k] =
                        static_cast<float>((lag - mean * wi) / (sd * std::sqrt(var)));
            }
        }
    });
    return z;
}

namespace {

int sign_of(double v) noexcept {
    return (v > 0) - (v < 0);
}

/// Mann–Kendall on m values (no NaN); `scratch` is overwritten.
TrendTest mk_values(const float* v, std::size_t m, double alpha, std::vector<float>& scratch) {
    TrendTest t;
    if (m < 2) return t;
    long long s = 0;
    for (std::size_t i = 0; i + 1 < m; ++i)
        for (std::size_t j = i + 1; j < m; ++j)
            s += (v[j] > v[i]) - (v[j] < v[i]);
    scratch.assign(v, v + m);
    std::sort(scratch.begin(), scratch.end());
    double ties = 0;
    for (std::size_t i = 0; i < m;) {
        std::size_t j = i + 1;
        while (j < m && scratch[j] == scratch[i])
            ++j;
        const auto tsz = static_cast<double>(j - i);
        ties += tsz * (tsz - 1) * (2 * tsz + 5);
        i = j;
    }
    const auto md = static_cast<double>(m);
    t.s = static_cast<double>(s);
    t.variance = (md * (md - 1) * (2 * md + 5) - ties) / 18.0;
    if (s != 0 && t.variance > 0) {
        t.z = (t.s - sign_of(t.s)) / std::sqrt(t.variance);
        t.p = two_sided_p(t.z);
    }
    if (t.p <= alpha) t.direction = sign_of(t.z);
    return t;
}

/// Mann–Kendall of a series with NaN left out.
TrendTest mk_series(const float* series, std::size_t n, double alpha, std::vector<float>& values,
                    std::vector<float>& scratch) {
    values.clear();
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(series[i])) values.push_back(series[i]);
    return mk_values(values.data(), values.size(), alpha, scratch);
}

/// Benjamini–Hochberg cut-off: the largest p_(k) with p_(k) ≤ k α / m, −1 when none. `p`
/// holds, ascending, every p-value of the m that is small enough to matter (all p ≤ α).
double bh_cut(const std::vector<double>& p, std::size_t m, double alpha) {
    double cut = -1;
    const auto md = static_cast<double>(m);
    for (std::size_t k = 0; k < p.size(); ++k)
        if (p[k] <= static_cast<double>(k + 1) * alpha / md) cut = p[k];
    return cut;
}

} // namespace

double sen_slope(const std::vector<double>& series) {
    std::vector<double> slopes;
    for (std::size_t i = 0; i < series.size(); ++i)
        for (std::size_t j = i + 1; j < series.size(); ++j)
            if (std::isfinite(series[i]) && std::isfinite(series[j]))
                slopes.push_back((series[j] - series[i]) / static_cast<double>(j - i));
    if (slopes.empty()) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t h = slopes.size() / 2;
    std::nth_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(h), slopes.end());
    const double upper = slopes[h];
    if (slopes.size() % 2) return upper;
    const double lower =
        *std::max_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(h));
    return (lower + upper) / 2;
}

TrendTest mann_kendall(const float* series, std::size_t n, double alpha) {
    // An allocation failure propagates: a trend of "no trend" would be a silent wrong answer.
    std::vector<float> values, scratch;
    values.reserve(n);
    return mk_series(series, n, alpha, values, scratch);
}

const char* to_string(EhsaCategory c) noexcept {
    switch (c) {
    case EhsaCategory::no_pattern:
        return "no pattern";
    case EhsaCategory::new_hot:
        return "new hot spot";
    case EhsaCategory::consecutive_hot:
        return "consecutive hot spot";
    case EhsaCategory::intensifying_hot:
        return "intensifying hot spot";
    case EhsaCategory::persistent_hot:
        return "persistent hot spot";
    case EhsaCategory::diminishing_hot:
        return "diminishing hot spot";
    case EhsaCategory::sporadic_hot:
        return "sporadic hot spot";
    case EhsaCategory::oscillating_hot:
        return "oscillating hot spot";
    case EhsaCategory::historical_hot:
        return "historical hot spot";
    case EhsaCategory::new_cold:
        return "new cold spot";
    case EhsaCategory::consecutive_cold:
        return "consecutive cold spot";
    case EhsaCategory::intensifying_cold:
        return "intensifying cold spot";
    case EhsaCategory::persistent_cold:
        return "persistent cold spot";
    case EhsaCategory::diminishing_cold:
        return "diminishing cold spot";
    case EhsaCategory::sporadic_cold:
        return "sporadic cold spot";
    case EhsaCategory::oscillating_cold:
        return "oscillating cold spot";
    case EhsaCategory::historical_cold:
        return "historical cold spot";
    }
    return "?";
}

int arcgis_code(EhsaCategory c) noexcept {
    const int v = static_cast<int>(c);
    return v <= 8 ? v : -(v - 8);
}

EhsaCategory classify_location(const std::int8_t* sig, std::size_t n,
                               int trend_direction) noexcept {
    if (n == 0) return EhsaCategory::no_pattern;
    std::size_t hot = 0, cold = 0;
    for (std::size_t k = 0; k < n; ++k) {
        hot += sig[k] > 0;
        cold += sig[k] < 0;
    }
    // "ninety percent of the time-step intervals"
    const auto ninety = [n](std::size_t count) { return 10 * count >= 9 * n; };
    const int last = (sig[n - 1] > 0) - (sig[n - 1] < 0);
    if (last == 0) {
        if (ninety(hot)) return EhsaCategory::historical_hot;
        if (ninety(cold)) return EhsaCategory::historical_cold;
        return EhsaCategory::no_pattern;
    }
    // The final step is significant: the categories of its side (hot: +1, cold: −1), coded
    // as on the hot side (1 new … 7 oscillating) and shifted by 8 for the cold side.
    const std::size_t same = last > 0 ? hot : cold, opposite = last > 0 ? cold : hot;
    int code = 0;
    if (ninety(same)) {
        if (trend_direction == last)
            code = 3; // intensifying
        else if (trend_direction == -last)
            code = 5; // diminishing
        else
            code = 4; // persistent
    } else if (opposite > 0) {
        code = 7; // oscillating
    } else if (same == 1) {
        code = 1; // new
    } else {
        std::size_t run = 0; // the final run of bins of the final step's side
        while (run < n && (last > 0 ? sig[n - 1 - run] > 0 : sig[n - 1 - run] < 0))
            ++run;
        code = run == same ? 2 : 6; // consecutive (a run of >= 2) or sporadic
    }
    return static_cast<EhsaCategory>(last > 0 ? code : code + 8);
}

EmergingResult emerging_hot_spots(const Cube& cube, const std::vector<float>& gi_z,
                                  const EmergingSpec& spec) {
    const std::size_t cells = cube.cells, steps = cube.steps, n = cells * steps;
    if (gi_z.size() != n || cube.values.size() != n)
        throw std::logic_error{"emerging_hot_spots: the cube and its Gi* differ in size"};
    if (!(spec.alpha > 0 && spec.alpha < 1) || !(spec.trend_alpha > 0 && spec.trend_alpha < 1))
        throw InputError{"emerging hot spots: significance levels must lie in (0, 1)"};

    // p-values small enough to matter: p ≤ the largest level used. |z| ≥ z_lo pre-selects
    // them without an erfc per bin (z_lo a little below the critical value).
    const double levels[3] = {0.10, 0.05, 0.01};
    const double top = std::max(spec.alpha, levels[0]);
    double lo_z = 0, hi_z = 40;
    for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (lo_z + hi_z);
        (two_sided_p(mid) > top ? lo_z : hi_z) = mid;
    }
    const double z_lo = lo_z * (1 - 1e-6);
    std::vector<std::vector<double>> found(worker_count());
    std::vector<std::size_t> defined(worker_count(), 0);
    parallel_chunks(n, [&](unsigned w, std::size_t b, std::size_t e) {
        std::size_t d = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float v = gi_z[i];
            if (std::isnan(v)) continue;
            ++d;
            if (std::abs(v) >= z_lo) {
                const double p = two_sided_p(v);
                if (p <= top) found[w].push_back(p);
            }
        }
        defined[w] = d;
    });
    std::size_t m = 0;
    std::vector<double> small;
    for (std::size_t w = 0; w < found.size(); ++w) {
        m += defined[w];
        small.insert(small.end(), found[w].begin(), found[w].end());
        std::vector<double>().swap(found[w]);
    }
    std::sort(small.begin(), small.end());
    const auto cutoff = [&](double a) { return spec.fdr ? bh_cut(small, m, a) : a; };
    const double cut[3] = {cutoff(levels[0]), cutoff(levels[1]), cutoff(levels[2])};
    const double cut_sig = cutoff(spec.alpha);

    EmergingResult r;
    r.category.assign(cells, EhsaCategory::no_pattern);
    r.count_trend.assign(cells, TrendTest{});
    r.gi_trend.assign(cells, TrendTest{});
    r.hot_steps.assign(cells, 0);
    r.cold_steps.assign(cells, 0);
    r.bin_class.assign(n, 0);
    const std::size_t skip =
        std::min<std::size_t>(steps, static_cast<std::size_t>(std::max(0, spec.trend_skip_steps)));
    parallel_chunks(cells, [&](unsigned, std::size_t b, std::size_t e) {
        std::vector<std::int8_t> sig(steps);
        std::vector<float> values, scratch;
        values.reserve(steps);
        for (std::size_t c = b; c < e; ++c) {
            const float* zc = gi_z.data() + c * steps;
            std::int32_t hot = 0, cold = 0;
            for (std::size_t k = 0; k < steps; ++k) {
                const float v = zc[k];
                sig[k] = 0;
                if (std::isnan(v) || std::abs(v) < z_lo) continue;
                const double p = two_sided_p(v);
                const std::int8_t sgn = v > 0 ? 1 : -1;
                std::int8_t cls = 0;
                for (int l = 0; l < 3; ++l)
                    if (p <= cut[l]) cls = static_cast<std::int8_t>(l + 1);
                r.bin_class[c * steps + k] = static_cast<std::int8_t>(sgn * cls);
                if (p <= cut_sig) {
                    sig[k] = sgn;
                    (sgn > 0 ? hot : cold) += 1;
                }
            }
            r.hot_steps[c] = hot;
            r.cold_steps[c] = cold;
            r.count_trend[c] =
                mk_series(cube.values.data() + c * steps, steps, spec.trend_alpha, values, scratch);
            r.gi_trend[c] = mk_series(zc + skip, steps - skip, spec.trend_alpha, values, scratch);
            r.category[c] = classify_location(sig.data(), steps, r.gi_trend[c].direction);
        }
    });
    return r;
}

} // namespace vigia::analysis
