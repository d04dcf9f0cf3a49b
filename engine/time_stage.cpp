#include "engine/time_stage.hpp"

#include "analysis/count.hpp"
#include "analysis/error.hpp"
#include "analysis/pair_count.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

namespace vigia::engine {

using namespace vigia::analysis;

namespace {

/// ArcGIS's Emerging Hot Spot Analysis needs at least 10 time steps (docs/methods.md §15).
constexpr std::size_t kMinSteps = 10;
/// Above this many pairs within the largest distance, the Knox test is not run: its pair
/// table (about 2 bytes a pair, bench/README.md) and 999 passes over it would not fit the
/// memory and the time a city's run is given (the analysis refuses the same number).
/// Narrower bands or one category at a time bring it down.
constexpr std::uint64_t kMaxPairs = 500'000'000;
/// A space-time cube larger than this many bins (cells × steps; 4 bytes each, a few arrays
/// of them) is not built: usually one wrong date stretching the span; give a period.
constexpr std::size_t kMaxBins = 60'000'000;
/// This many steps in a row without any incident in the whole city is reported: most
/// likely a wrong date, or a gap in the records.
constexpr std::size_t kEmptyRun = 6;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string join(const std::vector<double>& v, const char* unit) {
    std::string s;
    for (double d : v)
        s += fmt::format("{}{}", s.empty() ? "" : ", ", d);
    return s + unit;
}

/// The counts-per-area cube: each row's month (or year) to its step, units spread over the
/// cells by area (the same areal weighting as the grid counts).
Cube counts_cube(const TimeInput& in, const TimeBins& bins, std::size_t& outside) {
    const AreaCounts& ac = *in.counts;
    const std::size_t steps = bins.steps(), units = in.unit_area_km2->size();
    std::vector<std::vector<double>> per_step(steps, std::vector<double>(units, 0.0));
    for (std::size_t r = 0; r < ac.size(); ++r) {
        const std::int64_t t =
            io::to_seconds({ac.year[r], ac.month[r] ? ac.month[r] : 1, 1, 0, 0, 0});
        const std::int32_t k = bins.bin_of(t);
        if (k < 0) {
            outside += static_cast<std::size_t>(std::llround(ac.count[r]));
            continue;
        }
        per_step[static_cast<std::size_t>(k)][ac.unit[r]] += ac.count[r];
    }
    Cube cube;
    cube.cells = in.grid->size();
    cube.steps = steps;
    cube.values.assign(cube.cells * steps, 0.0f);
    for (std::size_t k = 0; k < steps; ++k) {
        const auto cells = apportion_to_cells(*in.overlaps, *in.unit_area_km2, per_step[k]);
        for (std::size_t c = 0; c < cube.cells; ++c)
            cube.values[c * steps + k] = static_cast<float>(cells[c]);
    }
    return cube;
}

} // namespace

TimeStep time_step(const TimeParams& p) {
    TimeStep s;
    if (p.step == "week")
        s.unit = StepUnit::week;
    else if (p.step == "quarter")
        s.unit = StepUnit::quarter;
    else if (p.step == "year")
        s.unit = StepUnit::year;
    else if (p.step == "days") {
        s.unit = StepUnit::days;
        s.days = p.step_days;
    } else
        s.unit = StepUnit::month;
    return s;
}

TimeResults time_stage(const TimeInput& in, const AnalysisParams& params) {
    TimeResults r;
    emerging_stage(in, params, r);
    near_repeat_stage(in, params, r);
    return r;
}

namespace {

/// The cube of point input: a time enters only when its whole interval lies in one step (a
/// month in weekly steps is left out and reported, never placed on a day).
void point_cube(const TimeInput& in, EmergingOutput& e, TimeResults& r) {
    const std::vector<std::int64_t>* times = in.time;
    std::vector<std::int64_t> fitting;
    if (in.time_span) {
        fitting = *in.time;
        for (std::size_t i = 0; i < fitting.size(); ++i) {
            const std::int64_t t = fitting[i];
            const std::int32_t span = (*in.time_span)[i];
            if (t == kNoTime || span <= 1) continue;
            const std::int32_t b = e.bins.bin_of(t);
            if (b >= 0 && e.bins.bin_of(t + span - 1) != b) {
                fitting[i] = kNoTime;
                ++e.coarse;
            }
        }
        times = &fitting;
    }
    e.cube =
        build_cube(*in.cell, *times, e.bins, in.grid->size(), &e.without_time, &e.outside_bins);
    e.without_time -= e.coarse;
    if (e.coarse > 0)
        r.warnings.push_back(fmt::format("{} incidents are known only to a period longer than one "
                                         "{} step (a month, a band): left out of the space-time "
                                         "cube",
                                         e.coarse, r.step_text));
}

/// Long runs of steps without a single incident: a wrong date or a gap.
void warn_empty_runs(const EmergingOutput& e, TimeResults& r) {
    const std::size_t steps = e.bins.steps();
    std::vector<double> per_step(steps, 0.0);
    for (std::size_t c = 0; c < e.cube.cells; ++c)
        for (std::size_t k = 0; k < steps; ++k)
            per_step[k] += e.cube.values[c * steps + k];
    std::size_t run = 0, longest = 0, end = 0;
    for (std::size_t k = 0; k < steps; ++k) {
        run = per_step[k] > 0 ? 0 : run + 1;
        if (run > longest) {
            longest = run;
            end = k;
        }
    }
    if (longest >= kEmptyRun)
        r.warnings.push_back(fmt::format(
            "{} time steps in a row have no incident at all ({} to {}): check the dates, or give "
            "[analysis] period; the emerging patterns treat them as zero counts",
            longest, io::format_iso(e.bins.edges[end + 1 - longest]).substr(0, 10),
            io::format_iso(e.bins.edges[end + 1] - 1).substr(0, 10)));
}

/// Space-time Gi*, the patterns, and their counts per pattern in city_stats.
void patterns(const TimeInput& in, const AnalysisParams& params, EmergingOutput& e,
              TimeResults& r) {
    std::optional<Weights> own;
    if (!in.grid_weights) own = grid_weights(*in.grid, params);
    const Weights& w = in.grid_weights ? *in.grid_weights : *own;
    const std::vector<float> z = space_time_gi(e.cube, w, params.time.window);
    EmergingSpec spec;
    spec.fdr = params.fdr;
    e.result = emerging_hot_spots(e.cube, z, spec);
    std::vector<double> per(kEhsaCategoryCount, 0.0);
    for (EhsaCategory c : e.result.category)
        per[static_cast<std::size_t>(c)] += 1;
    for (std::size_t k = 0; k < kEhsaCategoryCount; ++k) {
        std::string name = to_string(static_cast<EhsaCategory>(k));
        for (char& ch : name)
            if (ch == ' ') ch = '_';
        const std::string pattern = to_string(static_cast<EhsaCategory>(k));
        r.stats.push_back(
            {"ehs_" + name + "_cells", per[k], "cells", "all", {{"pattern", pattern}}});
    }
    r.stats.push_back({"ehs_time_steps",
                       static_cast<double>(e.bins.steps()),
                       "steps",
                       "all",
                       {{"step", r.step_text}}});
}

std::string bins_text(const TimeBins& b, const std::string& step_text) {
    const std::size_t steps = b.steps();
    if (!steps) return "none";
    return fmt::format("{} steps of {} from {} to {}{}{}", steps, step_text,
                       io::format_iso(b.edges.front()).substr(0, 10),
                       io::format_iso(b.edges.back() - 1).substr(0, 10),
                       b.first_partial ? (b.first_dropped ? "; partial first step dropped"
                                                          : "; partial first step kept")
                                       : "",
                       b.last_partial ? (b.last_dropped ? "; partial last step dropped"
                                                        : "; partial last step kept")
                                      : "");
}

} // namespace

void emerging_stage(const TimeInput& in, const AnalysisParams& params, TimeResults& r) {
    const TimeStep step = time_step(params.time);
    r.step_text = step.unit == StepUnit::days ? fmt::format("{} days", step.days)
                                              : std::string{to_string(step.unit)};
    std::int64_t first = in.first, last = in.last;
    if (params.period) {
        first = params.period->first;
        last = params.period->second;
    }
    const bool counts_ok =
        !in.counts || (in.monthly ? step.unit != StepUnit::week && step.unit != StepUnit::days
                                  : step.unit == StepUnit::year);
    if (first == kNoTime || last == kNoTime || last <= first) {
        r.warnings.push_back("no time span: emerging hot spots not computed");
        return;
    }
    if (!counts_ok) {
        r.warnings.push_back(fmt::format(
            "the counts are per {} and cannot be binned by {}: emerging hot spots not computed "
            "(use a time_step of {})",
            in.monthly ? "month" : "year", r.step_text,
            in.monthly ? "\"month\", \"quarter\" or \"year\"" : "\"year\""));
        return;
    }
    EmergingOutput e;
    e.bins = make_bins(first, last, step, params.time.drop_partial);
    const std::size_t steps = e.bins.steps();
    r.bins_text = bins_text(e.bins, r.step_text);
    if (steps * in.grid->size() > kMaxBins) {
        r.warnings.push_back(fmt::format(
            "emerging hot spots not computed: {} steps × {} cells is more than {} million bins "
            "(the span runs from {} to {}: check for wrong dates, or give [analysis] period)",
            steps, in.grid->size(), kMaxBins / 1000000, io::format_iso(first).substr(0, 10),
            io::format_iso(last).substr(0, 10)));
        return;
    }
    if (steps < kMinSteps) {
        r.warnings.push_back(fmt::format("emerging hot spots need at least {} time steps; the "
                                         "data give {} of {}: not computed (a shorter time_step "
                                         "may do)",
                                         kMinSteps, steps, r.step_text));
        return;
    }
    if (in.cell)
        point_cube(in, e, r);
    else
        e.cube = counts_cube(in, e.bins, e.outside_bins);
    if (e.outside_bins > 0 && (e.bins.first_dropped || e.bins.last_dropped))
        r.warnings.push_back(fmt::format("{} incidents fall in incomplete time steps left out of "
                                         "the space-time cube (partial_steps = \"drop\")",
                                         e.outside_bins));
    warn_empty_runs(e, r);
    patterns(in, params, e, r);
    r.emerging = std::move(e);
}

void near_repeat_stage(const TimeInput& in, const AnalysisParams& params, TimeResults& r) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Near repeat: incident points only.
    if (in.x && in.time) {
        KnoxSpec spec;
        spec.distance_bands_m = params.near_repeat.distance_bands_m.empty()
                                    ? default_distance_bands(params.grid.cell_size_m)
                                    : params.near_repeat.distance_bands_m;
        spec.time_bands_days = params.near_repeat.time_bands_days.empty()
                                   ? default_time_bands()
                                   : params.near_repeat.time_bands_days;
        spec.permutations = params.near_repeat.permutations;
        spec.seed = params.seed;
        r.knox_distance_text = join(spec.distance_bands_m, " m");
        r.knox_time_text = join(spec.time_bands_days, " days");
        auto run = [&](const std::string& category, const std::vector<std::uint8_t>* keep) {
            NearRepeatOutput o;
            o.category = category;
            std::vector<double> x, y;
            std::vector<std::int64_t> t;
            for (std::size_t i = 0; i < in.x->size(); ++i)
                if (!keep || (*keep)[i]) {
                    std::int64_t ti = (*in.time)[i];
                    // Day bands need the day: a month (or a band across midnight) is left out.
                    if (ti != kNoTime && in.time_span) {
                        const std::int32_t span = (*in.time_span)[i];
                        if (span > 1 && floor_div(ti, 86400) != floor_div(ti + span - 1, 86400)) {
                            ++o.coarse;
                            ti = kNoTime;
                        }
                    }
                    x.push_back((*in.x)[i]);
                    y.push_back((*in.y)[i]);
                    t.push_back(ti);
                }
            if (o.coarse > 0)
                r.warnings.push_back(fmt::format(
                    "near repeat ({}): {} incidents known only to the month (or to a band across "
                    "midnight) are left out: its time bands are days",
                    category, o.coarse));
            const std::uint64_t pairs = estimate_pairs_within(x, y, spec.distance_bands_m.back());
            if (pairs > kMaxPairs) {
                o.skipped = true;
                o.skip_reason = fmt::format(
                    "about {:.0f} million pairs of incidents lie within {} m (limit {:.0f} "
                    "million)",
                    static_cast<double>(pairs) / 1e6, spec.distance_bands_m.back(),
                    static_cast<double>(kMaxPairs) / 1e6);
                r.warnings.push_back(fmt::format(
                    "near repeat ({}) not computed: {}; use narrower distance bands or run it "
                    "per category",
                    category, o.skip_reason));
            } else {
                try {
                    o.result = knox_test(x, y, t, spec);
                } catch (const InputError& e) { // more pairs than the estimate said
                    o.skipped = true;
                    o.skip_reason = e.what();
                    r.warnings.push_back(
                        fmt::format("near repeat ({}) not computed: {}", category, e.what()));
                }
            }
            r.near_repeat.push_back(std::move(o));
        };
        run("all", nullptr);
        for (const auto& [code, keep] : in.categories)
            run(code, keep);
        const NearRepeatOutput& all = r.near_repeat.front();
        if (!all.skipped && all.result.headline >= 0) {
            const KnoxCell& c = all.result.cells[static_cast<std::size_t>(all.result.headline)];
            const std::string days = c.days_from > 0
                                         ? fmt::format("{} to {} days", c.days_from, c.days_to)
                                         : fmt::format("{} days", c.days_to);
            r.headline = fmt::format(
                "near repeat: within {} m and {} of an incident, the risk of another is {:.2f} "
                "times the expected (p = {:.3f})",
                c.distance_to_m, days, c.ratio, c.p);
            r.stats.push_back({"near_repeat_ratio",
                               c.ratio,
                               "ratio",
                               "all",
                               {{"distance_m", fmt::format("{}", c.distance_to_m)},
                                {"days_from", fmt::format("{}", c.days_from)},
                                {"days_to", fmt::format("{}", c.days_to)}},
                               c.days_from > 0 ? "" : "near_repeat_ratio.from_zero"});
            r.stats.push_back({"near_repeat_p", c.p, "p"});
        } else if (!all.skipped) {
            r.stats.push_back(
                {"near_repeat_ratio", nan, "ratio", "all", {}, "near_repeat_ratio.none"});
        }
    }
}

} // namespace vigia::engine
