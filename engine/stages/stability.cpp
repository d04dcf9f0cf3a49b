// The stability stage: hot spots of a train period against a test period (PAI, RRI, hit
// rate, Jaccard; docs/methods.md §10), by default the two halves of the city's data.

#include "analysis/count.hpp"
#include "engine/stages/stages.hpp"
#include "io/time_parse.hpp"

#include <algorithm>

namespace vigia::engine {

Periods split_periods(const AnalysisParams& a, const CityContext& o,
                      const std::vector<std::uint8_t>* keep) {
    Periods p;
    std::int64_t lo = analysis::kNoTime, hi = analysis::kNoTime;
    if (o.points) {
        lo = o.points->time_min;
        hi = o.points->time_max;
    } else if (o.counts && o.counts->time_min != analysis::kNoTime) {
        lo = o.counts->time_min;
        hi = o.counts->time_max;
    }
    if (lo == analysis::kNoTime || hi <= lo) return p;
    if (a.train) {
        p.train = *a.train;
        p.test = *a.test;
    } else {
        // Halves in whole days: the test period starts at the midnight nearest the middle
        // (at the first of the nearest month when some points are known only to the month).
        const std::int64_t day = 86400;
        std::int64_t first_test_day = (lo + (hi - lo) / 2 + day / 2) / day * day;
        static const std::vector<std::int32_t> none;
        const auto& spans = o.points ? o.points->incidents.time_span : none;
        if (std::any_of(spans.begin(), spans.end(), [](std::int32_t v) { return v > 86400; })) {
            const io::CivilTime m = io::from_seconds(first_test_day + 15 * day);
            first_test_day = io::to_seconds({m.year, m.month, 1, 0, 0, 0});
        }
        p.train = {lo, first_test_day - 1};
        p.test = {first_test_day, o.points ? std::max(hi, o.points->time_end - 1) : hi};
    }
    auto in = [](const io::Period& q, std::int64_t t) { return t >= q.first && t <= q.second; };
    const std::size_t n = o.grid.size();
    p.train_counts.assign(n, 0.0);
    p.test_counts.assign(n, 0.0);
    if (o.points) {
        const auto& time = o.points->incidents.time;
        const auto& span = o.points->incidents.time_span;
        for (std::size_t i = 0; i < time.size(); ++i) {
            const std::int32_t c = o.assignment->cell[i];
            if (c < 0 || time[i] == analysis::kNoTime || (keep && !(*keep)[i])) continue;
            if (io::in_period(p.train, time[i], span[i])) p.train_counts[c] += 1;
            if (io::in_period(p.test, time[i], span[i])) p.test_counts[c] += 1;
        }
    } else {
        const analysis::AreaCounts& ac = o.counts->counts;
        std::vector<double> train_units(o.units.size(), 0.0), test_units(o.units.size(), 0.0);
        for (std::size_t r = 0; r < ac.size(); ++r) {
            if (keep && !(*keep)[r]) continue;
            const std::int64_t t =
                io::to_seconds({ac.year[r], ac.month[r] ? ac.month[r] : 1, 1, 0, 0, 0});
            if (in(p.train, t)) train_units[ac.unit[r]] += ac.count[r];
            if (in(p.test, t)) test_units[ac.unit[r]] += ac.count[r];
        }
        p.train_counts = analysis::apportion_to_cells(o.overlaps, o.unit_area_km2, train_units);
        p.test_counts = analysis::apportion_to_cells(o.overlaps, o.unit_area_km2, test_units);
    }
    p.valid = true;
    return p;
}

namespace {

class StabilityStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "stability"; }
    std::vector<std::string_view> needs() const override { return {"count", "weights"}; }
    bool shows_progress() const noexcept override { return false; }
    void run(CityContext& ctx, Progress&) const override {
        ctx.periods = split_periods(ctx.manifest->analysis, ctx);
        if (ctx.periods.valid)
            ctx.stability = stability_stats(ctx.grid, ctx.weights->grid, ctx.periods.train_counts,
                                            ctx.periods.test_counts, ctx.manifest->analysis);
    }
};

} // namespace

const Stage& stages::stability() {
    static const StabilityStage s;
    return s;
}

} // namespace vigia::engine
