// The metrics stage: the numbers cities are compared on (the city_stats table and the
// alliance's), from every stage's statistics, for all incidents and each category.

#include "analysis/global_stats.hpp"
#include "engine/iccs.hpp"
#include "engine/publish.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

#include <limits>
#include <numeric>

namespace vigia::engine {

namespace {

/// The numbers cities are compared on, for all incidents and for each category: the hot-spot
/// stage's statistics, residents and rates, and (all incidents only) coverage shares.
std::vector<CityStat> comparable_metrics(const CityContext& o) {
    std::vector<CityStat> m;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto add_rates = [&](const std::vector<CityStat>& stats, const std::vector<double>& cells,
                         const std::string& category) {
        const std::size_t first = m.size();
        m.insert(m.end(), stats.begin(), stats.end());
        const double incidents = std::accumulate(cells.begin(), cells.end(), 0.0);
        if (o.coverage && o.coverage->population) {
            const double residents = std::accumulate(o.coverage->population->cells.begin(),
                                                     o.coverage->population->cells.end(), 0.0);
            m.push_back({"residents", residents, "people"});
            m.push_back({"incidents_per_100k", residents > 0 ? incidents / residents * 1e5 : nan,
                         "per 100,000"});
            if (o.years > 0)
                m.push_back({"incidents_per_100k_per_year",
                             residents > 0 ? incidents / residents * 1e5 / o.years : nan,
                             "per 100,000 per year"});
        }
        for (std::size_t i = first; i < m.size(); ++i)
            m[i].category = category;
    };
    add_rates(o.hotspots->stats, o.cell_counts, "all");
    if (o.time)
        for (CityStat s : o.time->stats) {
            s.category = "all";
            m.push_back(std::move(s));
        }
    if (o.monthly) {
        const CityContext::Monthly& mo = *o.monthly;
        m.push_back({"months", static_cast<double>(mo.incidents.size()), "months"});
        m.push_back({"trend_mk_z", mo.tested ? mo.trend.z : nan, "z"});
        m.push_back({"trend_mk_p", mo.tested ? mo.trend.p : nan, "p"});
        m.push_back({"trend_sen_slope", mo.tested ? mo.sen_slope : nan, "incidents/month"});
    }
    if (o.clock) {
        const double n = o.clock->with_time + o.clock->without_time + o.clock->without_day;
        m.push_back({"time_missing_share", n > 0 ? o.clock->without_time / n : nan, "share"});
        m.push_back({"time_midnight_share", n > 0 ? o.clock->exact_midnight / n : nan, "share"});
        m.push_back({"time_no_hour_share", n > 0 ? o.clock->without_hour / n : nan, "share"});
        m.push_back({"time_month_only_share", n > 0 ? o.clock->without_day / n : nan, "share"});
    }
    if (o.coverage)
        for (const KindCoverage& k : o.coverage->kinds) {
            const std::string p = "coverage_" + k.config->kind + "_";
            m.push_back({p + "incident_share",
                         k.incident_share,
                         "share",
                         "all",
                         {{"radius_m", fmt::format("{}", k.config->radius_m)}}});
            m.push_back({p + "hotspot_incident_share", k.hot_incident_share, "share"});
            m.push_back({p + "population_share", k.population_share, "share"});
            m.push_back({p + "dist_median_m", k.distance.median, "m"});
        }
    for (const auto& c : o.by_category)
        add_rates(c.hotspots.stats, c.cell_counts, c.code);
    return m;
}

/// The city_stats table of `metrics`.
void emit_stats(io::LayerData& d, const std::vector<CityStat>& metrics, const CityContext& ctx) {
    const Language language = ctx.manifest->analysis.language;
    d.description = describe(ctx, "city_stats");
    std::vector<std::string> metric, unit, desc, category, category_name;
    std::vector<double> value;
    for (const auto& st : metrics) {
        category.push_back(st.category);
        category_name.push_back(category_label(st.category, language));
        metric.push_back(st.metric);
        value.push_back(st.value);
        unit.push_back(st.unit);
        desc.push_back(describe(st, language));
    }
    d.columns.push_back({"category", std::move(category)});
    d.columns.push_back({"category_name", std::move(category_name)});
    d.columns.push_back({"metric", std::move(metric)});
    d.columns.push_back({"value", std::move(value)});
    d.columns.push_back({"unit", std::move(unit)});
    d.columns.push_back({"description", std::move(desc)});
}

/// The Lorenz curve of the cells' counts, all incidents and each category, at every
/// hundredth of the cells (docs/methods.md §20): the curve the report draws with the Gini.
void emit_lorenz(const CityContext& ctx, LayerSink& sink) {
    constexpr std::size_t steps = 100;
    std::vector<std::string> category;
    std::vector<double> place, share;
    auto add = [&](const std::string& code, const std::vector<double>& counts) {
        const std::vector<double> curve = analysis::lorenz_curve(counts, steps);
        for (std::size_t k = 0; k < curve.size(); ++k) {
            category.push_back(code);
            place.push_back(static_cast<double>(k) / steps);
            share.push_back(curve[k]);
        }
    };
    add("all", ctx.cell_counts);
    for (const auto& c : ctx.by_category)
        add(c.code, c.cell_counts);
    if (category.empty()) return;
    io::LayerData& d = sink.layer("lorenz");
    d.description = describe(ctx, "lorenz");
    sink.column("lorenz", {"category", std::move(category)});
    sink.column("lorenz", {"place_share", std::move(place)});
    sink.column("lorenz", {"incident_share", std::move(share)});
}

class MetricsStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "metrics"; }
    std::vector<std::string_view> needs() const override { return {"hotspots", "near_repeat"}; }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override { ctx.metrics = comparable_metrics(ctx); }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        emit_stats(sink.layer("city_stats"), ctx.metrics, ctx);
        emit_lorenz(ctx, sink);
        emit_stats(sink.public_version("city_stats"),
                   public_metrics(ctx.metrics, ctx.manifest->publish.min_count), ctx);
    }
};

} // namespace

const Stage& stages::metrics() {
    static const MetricsStage s;
    return s;
}

} // namespace vigia::engine
