// The crime clock: incidents by day of the week and hour, for the city and each sub-unit
// (docs/methods.md §17). Point input only.

#include "analysis/clock.hpp"
#include "engine/labels.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

class ClockStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "clock"; }
    std::vector<std::string_view> needs() const override { return {"count"}; }
    bool applies(const CityContext& ctx) const override { return ctx.points.has_value(); }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        ctx.clock =
            analysis::crime_clock(ctx.points->incidents.time, ctx.points->incidents.time_span,
                                  ctx.assignment->unit, ctx.units.size());
        const analysis::CrimeClock& ck = *ctx.clock;
        if (ck.with_time > 0 && ck.exact_midnight / ck.with_time > 0.05)
            ctx.warnings.push_back(fmt::format(
                "{:.0f}% of incidents are at exactly 00:00:00: most likely dates without a time "
                "of day; the crime clock keeps them apart (column midnight)",
                100 * ck.exact_midnight / ck.with_time));
        if (ck.with_time > 0 && ck.without_hour / ck.with_time > 0.5)
            ctx.warnings.push_back(fmt::format(
                "{:.0f}% of incidents have a day but no hour (dates alone, or bands of hours): "
                "the crime clock counts them by day only (column no_hour)",
                100 * ck.without_hour / ck.with_time));
        if (ck.without_day > 0)
            ctx.warnings.push_back(fmt::format(
                "{} incidents are known only to the month: they count in every statistic but "
                "the crime clock, weekly cubes and the near-repeat test",
                ck.without_day));
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        const analysis::CrimeClock& ck = *ctx.clock;
        const Language language = ctx.manifest->analysis.language;
        io::LayerData& d = sink.layer("clock");
        d.description = describe(ctx, "clock");
        std::vector<std::int64_t> unit_id, day;
        std::vector<std::string> unit, day_name;
        std::vector<std::vector<double>> slots(analysis::kSlots);
        std::vector<double> total;
        for (std::size_t row = 0; row <= ck.units; ++row)
            for (std::size_t dw = 0; dw < 7; ++dw) {
                unit_id.push_back(static_cast<std::int64_t>(row));
                unit.push_back(row == 0 ? text(language, "whole_city") : ctx.units.names[row - 1]);
                day.push_back(static_cast<std::int64_t>(dw) + 1);
                day_name.push_back(text(language, fmt::format("day_{}", dw + 1)));
                double sum = 0;
                for (std::size_t s = 0; s < analysis::kSlots; ++s) {
                    slots[s].push_back(ck.at(row, dw, s));
                    sum += ck.at(row, dw, s);
                }
                total.push_back(sum);
            }
        sink.column("clock", {"unit_id", std::move(unit_id)});
        sink.column("clock", {"unit", std::move(unit)});
        sink.column("clock", {"day", std::move(day)});
        sink.column("clock", {"day_name", std::move(day_name)});
        for (std::size_t s = 0; s < 24; ++s)
            sink.column("clock", {fmt::format("h{:02}", s), std::move(slots[s])});
        sink.column("clock", {"midnight", std::move(slots[analysis::kMidnight])});
        sink.column("clock", {"no_hour", std::move(slots[analysis::kNoHour])});
        sink.column("clock", {"total", std::move(total)});
    }
};

} // namespace

const Stage& stages::clock() {
    static const ClockStage s;
    return s;
}

} // namespace vigia::engine
