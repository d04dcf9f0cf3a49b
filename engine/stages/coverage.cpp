// The coverage stage: population by areal weighting, and for each facility network its
// distances, service area, coverage shares, loads and suggested sites (docs/methods.md
// §11–§12).

#include "analysis/rates.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigia::engine {

namespace {

/// Incidents per 100,000 residents over the period; NULL where nobody lives.
std::vector<double> rate_100k(const std::vector<double>& counts, const std::vector<double>& pop) {
    std::vector<double> r(counts.size(), std::nan(""));
    for (std::size_t i = 0; i < counts.size(); ++i)
        if (pop[i] > 0) r[i] = counts[i] / pop[i] * 1e5;
    return r;
}

/// Marshall's global empirical Bayes rate per 100,000 residents (NULL where nobody lives).
std::vector<double> eb_100k(const std::vector<double>& counts, const std::vector<double>& pop) {
    std::vector<double> r = analysis::empirical_bayes_rates(counts, pop);
    for (double& v : r)
        v *= 1e5;
    return r;
}

void emit_network(const CityContext& ctx, const KindCoverage& k, const OGRSpatialReference* srs,
                  LayerSink& sink) {
    const std::string& kind = k.config->kind;
    {
        const std::string name = "coverage_" + kind;
        io::LayerData& d = sink.layer(name);
        d.description = describe(ctx, name, {{"radius_m", fmt::format("{}", k.config->radius_m)}});
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        auto& one = sink.own();
        one.push_back(k.area.wkb);
        d.wkb = &one;
        sink.column(name, {"kind", std::vector<std::string>{kind}});
        sink.column(name, {"radius_m", std::vector<double>{k.config->radius_m}});
        sink.column(name, {"area_km2", std::vector<double>{k.area.area_km2}});
    }
    {
        const std::string name = "facilities_" + kind;
        io::LayerData& d = sink.layer(name);
        d.description = describe(ctx, name, {{"radius_m", fmt::format("{}", k.config->radius_m)}});
        d.srs = srs;
        // Points, polygons (parks), or both in one network.
        const bool points = k.polygons
                                ? std::any_of(k.facilities.wkb.begin(), k.facilities.wkb.end(),
                                              [](const analysis::Wkb& g) { return g.size() == 21; })
                                : true;
        d.geometry_type = !k.polygons ? wkbPoint : points ? wkbUnknown : wkbMultiPolygon;
        d.wkb = &k.facilities.wkb;
        std::vector<std::int64_t> inside(k.inside.begin(), k.inside.end());
        sink.column(name, {"facility_id", sequence(k.facilities.size())});
        sink.column(name, {"name", k.facilities.names});
        sink.column(name, {"inside_boundary", std::move(inside)});
        sink.column(name, {"incidents", k.load_incidents});
        sink.column(name, {"hotspot_cells", k.load_hot_cells});
        sink.column(name, {"residents", k.load_residents});
    }
    if (k.config->suggest > 0) {
        const std::string name = "suggested_" + kind;
        io::LayerData& d = sink.layer(name);
        d.description = describe(ctx, name, {{"radius_m", fmt::format("{}", k.config->radius_m)}});
        d.srs = srs;
        d.geometry_type = wkbPoint;
        d.x = &k.site_x;
        d.y = &k.site_y;
        std::vector<double> gain, cumulative, share_after;
        for (const auto& s : k.siting.sites) {
            gain.push_back(s.gain);
            cumulative.push_back(s.cumulative);
            share_after.push_back(k.demand_total > 0
                                      ? (k.demand_covered + s.cumulative) / k.demand_total
                                      : std::nan(""));
        }
        sink.column(name, {"rank", sequence(k.siting.sites.size())});
        sink.column(name, {"gain", std::move(gain)});
        sink.column(name, {"cumulative_gain", std::move(cumulative)});
        sink.column(name, {"coverage_share", std::move(share_after)});
    }
}

void emit_summary(const CityContext& ctx, const CoverageResults& c, const OGRSpatialReference* srs,
                  LayerSink& sink) {
    {
        io::LayerData& d = sink.layer("uncovered_hotspots");
        d.description = describe(ctx, "uncovered_hotspots");
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb>& geom = sink.own();
        std::vector<std::int64_t> id;
        std::vector<double> area, incidents, share;
        for (const auto& u : c.uncovered) {
            geom.push_back(u.geometry);
            id.push_back(u.hotspot_id);
            area.push_back(u.area_km2);
            incidents.push_back(u.incidents);
            share.push_back(u.share);
        }
        d.wkb = &geom;
        sink.column("uncovered_hotspots", {"hotspot_id", std::move(id)});
        sink.column("uncovered_hotspots", {"area_km2", std::move(area)});
        sink.column("uncovered_hotspots", {"incidents", std::move(incidents)});
        sink.column("uncovered_hotspots", {"share", std::move(share)});
    }
    io::LayerData& d = sink.layer("coverage");
    d.description = describe(ctx, "coverage");
    std::vector<std::string> kind, objective;
    std::vector<std::int64_t> facilities, suggested;
    std::vector<double> radius, inc, hot_inc, hot_cells, hot_area, pop, area, dmean, dmed, dp90,
        gain, bound;
    for (const KindCoverage& k : c.kinds) {
        kind.push_back(k.config->kind);
        facilities.push_back(static_cast<std::int64_t>(k.facilities.size()));
        radius.push_back(k.config->radius_m);
        inc.push_back(k.incident_share);
        hot_inc.push_back(k.hot_incident_share);
        hot_cells.push_back(k.hot_cell_share);
        hot_area.push_back(k.hot_area_share);
        pop.push_back(k.population_share);
        area.push_back(k.area.area_km2);
        dmean.push_back(k.distance.mean);
        dmed.push_back(k.distance.median);
        dp90.push_back(k.distance.p90);
        suggested.push_back(static_cast<std::int64_t>(k.siting.sites.size()));
        objective.push_back(k.config->suggest ? to_string(k.config->objective) : "");
        gain.push_back(k.siting.sites.empty() ? std::nan("") : k.siting.sites.back().cumulative);
        bound.push_back(k.config->suggest ? k.siting.upper_bound : std::nan(""));
    }
    sink.column("coverage", {"kind", std::move(kind)});
    sink.column("coverage", {"facilities", std::move(facilities)});
    sink.column("coverage", {"radius_m", std::move(radius)});
    sink.column("coverage", {"incident_share", std::move(inc)});
    sink.column("coverage", {"hotspot_incident_share", std::move(hot_inc)});
    sink.column("coverage", {"hotspot_cell_share", std::move(hot_cells)});
    sink.column("coverage", {"hotspot_area_share", std::move(hot_area)});
    sink.column("coverage", {"population_share", std::move(pop)});
    sink.column("coverage", {"service_area_km2", std::move(area)});
    sink.column("coverage", {"dist_mean_m", std::move(dmean)});
    sink.column("coverage", {"dist_median_m", std::move(dmed)});
    sink.column("coverage", {"dist_p90_m", std::move(dp90)});
    sink.column("coverage", {"suggested_sites", std::move(suggested)});
    sink.column("coverage", {"suggest_objective", std::move(objective)});
    sink.column("coverage", {"suggested_gain", std::move(gain)});
    sink.column("coverage", {"suggested_upper_bound", std::move(bound)});
}

class CoverageStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "coverage"; }
    std::vector<std::string_view> needs() const override { return {"hotspots"}; }
    bool applies(const CityContext& ctx) const override {
        return !ctx.city->facilities.empty() || ctx.city->population.has_value();
    }

    void run(CityContext& ctx, Progress&) const override {
        CoverageInput cin;
        cin.city = ctx.city;
        cin.target = ctx.target.get();
        cin.grid = &ctx.grid;
        cin.units = &ctx.units;
        cin.boundary = &ctx.boundary;
        cin.cell_counts = &ctx.cell_counts;
        if (ctx.points) {
            cin.x = &ctx.points->incidents.x;
            cin.y = &ctx.points->incidents.y;
            cin.incident_cell = &ctx.assignment->cell;
            cin.incident_unit = &ctx.assignment->unit;
        }
        cin.gi_class = &ctx.hotspots->grid.gi_class;
        cin.hot_areas = &ctx.hotspots->areas;
        ctx.coverage = coverage_stage(cin);
        for (const auto& w : ctx.coverage->warnings)
            ctx.warnings.push_back(w);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        const CoverageResults& c = *ctx.coverage;
        if (c.population) {
            sink.column("grid", {"population", c.population->cells});
            sink.column("grid", {"rate_100k", rate_100k(ctx.cell_counts, c.population->cells)});
            sink.column("grid", {"rate_100k_eb", eb_100k(ctx.cell_counts, c.population->cells)});
            sink.column("units", {"population", c.population->units});
            sink.column("units", {"rate_100k", rate_100k(ctx.unit_counts, c.population->units)});
            sink.column("units", {"rate_100k_eb", eb_100k(ctx.unit_counts, c.population->units)});
        }
        for (const KindCoverage& k : c.kinds) {
            std::vector<double> mean, median, p90;
            for (const auto& s : k.unit_distance) {
                mean.push_back(s.mean);
                median.push_back(s.median);
                p90.push_back(s.p90);
            }
            sink.column("units", {k.config->kind + "_dist_mean", std::move(mean)});
            sink.column("units", {k.config->kind + "_dist_median", std::move(median)});
            sink.column("units", {k.config->kind + "_dist_p90", std::move(p90)});
            if (ctx.points)
                sink.column("incidents", {"dist_" + k.config->kind, k.incident_distance});
        }
        for (const KindCoverage& k : c.kinds)
            emit_network(ctx, k, ctx.target.get(), sink);
        if (!c.kinds.empty()) emit_summary(ctx, c, ctx.target.get(), sink);
    }
};

} // namespace

const Stage& stages::coverage() {
    static const CoverageStage s;
    return s;
}

} // namespace vigia::engine
