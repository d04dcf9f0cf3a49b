// The monthly series: the city's counted incidents per calendar month and their trend
// (Mann–Kendall test, Sen's slope; docs/methods.md §20), for the report and the table
// `monthly`. Point input with times, or counts with a month column.

#include "analysis/intervention.hpp"
#include "analysis/space_time.hpp"
#include "engine/stages/stages.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace vigia::engine {

namespace {

constexpr std::int64_t kDay = 86400;

analysis::Month month_at(std::int64_t seconds) {
    const io::CivilTime t = io::from_seconds(seconds);
    return analysis::month_of(t.year, t.month);
}

class MonthlyStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "monthly"; }
    std::vector<std::string_view> needs() const override { return {"count"}; }
    bool applies(const CityContext& ctx) const override {
        return ctx.points.has_value() || (ctx.counts && ctx.counts->monthly);
    }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        // Each counted incident (a cell) or count row, by its month.
        std::vector<std::pair<analysis::Month, double>> at;
        double without = 0;
        if (ctx.points) {
            const analysis::Incidents& inc = ctx.points->incidents;
            const std::vector<std::int32_t>& cell = ctx.assignment->cell;
            for (std::size_t i = 0; i < inc.size(); ++i) {
                if (cell[i] < 0) continue;
                // A time known to its month or better, in one month (not a band across two).
                const bool known =
                    inc.time[i] != analysis::kNoTime && inc.time_span[i] <= 31 * kDay &&
                    month_at(inc.time[i]) ==
                        month_at(inc.time[i] + std::max<std::int64_t>(1, inc.time_span[i]) - 1);
                if (known)
                    at.emplace_back(month_at(inc.time[i]), 1.0);
                else
                    without += 1;
            }
        } else {
            const analysis::AreaCounts& ac = ctx.counts->counts;
            for (std::size_t r = 0; r < ac.size(); ++r) {
                if (ac.year[r] > 0 && ac.month[r] > 0)
                    at.emplace_back(analysis::month_of(ac.year[r], ac.month[r]), ac.count[r]);
                else
                    without += ac.count[r];
            }
        }
        if (at.empty()) return;
        CityContext::Monthly m;
        m.without_month = without;
        const auto [lo, hi] = std::minmax_element(
            at.begin(), at.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        m.first = lo->first;
        m.incidents.assign(static_cast<std::size_t>(hi->first - lo->first) + 1, 0.0);
        for (const auto& [month, n] : at)
            m.incidents[static_cast<std::size_t>(month - m.first)] += n;
        if (m.incidents.size() >= CityContext::kMinTrendMonths) {
            const std::vector<float> f(m.incidents.begin(), m.incidents.end());
            m.trend = analysis::mann_kendall(f.data(), f.size(), 0.05);
            m.sen_slope = analysis::sen_slope(m.incidents);
            m.tested = true;
        }
        if (without > 0)
            ctx.warnings.push_back(fmt::format(
                "{} counted incidents have no month (no time, or one less precise than a month): "
                "the monthly series leaves them out",
                without));
        ctx.monthly = std::move(m);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        if (!ctx.monthly) return;
        io::LayerData& d = sink.layer("monthly");
        d.description = describe(ctx, "monthly");
        std::vector<std::string> month;
        for (std::size_t k = 0; k < ctx.monthly->incidents.size(); ++k)
            month.push_back(
                analysis::month_text(ctx.monthly->first + static_cast<analysis::Month>(k)));
        sink.column("monthly", {"month", std::move(month)});
        sink.column("monthly", {"incidents", ctx.monthly->incidents});
    }
};

} // namespace

const Stage& stages::monthly() {
    static const MonthlyStage s;
    return s;
}

} // namespace vigia::engine
