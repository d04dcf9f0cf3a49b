#include "engine/pipeline.hpp"

#include "analysis/rates.hpp"
#include "engine/city_writer.hpp"
#include "engine/labels.hpp"
#include "engine/maps.hpp"
#include "engine/publish.hpp"
#include "engine/stages/stages.hpp"
#include "io/forest_plot.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_writer.hpp"
#include "io/map_render.hpp"

#include <fmt/format.h>

#include <chrono>
#include <limits>
#include <unistd.h>

namespace vigia::engine {

std::vector<std::filesystem::path> city_paths(const Manifest& m, const CityConfig& city,
                                              const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> p{
        dir / (city.slug + ".gpkg"), dir / (city.slug + "_kde.tif"), dir / (city.slug + ".png")};
    if (m.publish.enabled) p.push_back(dir / (city.slug + "_public.gpkg"));
    p.push_back(dir / (city.slug + "_report.html"));
    for (const InterventionConfig& iv : city.interventions)
        p.push_back(dir / fmt::format("{}_forest_{}.png", city.slug, iv.kind));
    return p;
}

namespace {

/// The smallest count above 0 in the windows of a kind's evaluated sites (what decides
/// whether its pool may be shared, docs/methods.md §19).
double smallest_count(const KindResult& k) {
    double least = std::numeric_limits<double>::infinity();
    for (const SiteResult& s : k.sites)
        if (s.evaluation)
            for (const analysis::BeforeAfter* w :
                 {&s.evaluation->target, &s.evaluation->buffer, &s.evaluation->control})
                for (double v : {w->before, w->after})
                    if (v > 0) least = std::min(least, v);
    return least;
}

/// What the batch needs of a city that ran: its summary, metrics, map and class-break values.
void summarise(const CityContext& ctx, CityResult& res) {
    res.crs = ctx.crs_label;
    res.warnings = ctx.warnings;
    if (ctx.time) res.headline = ctx.time->headline;
    const analysis::RejectLog& rejects = ctx.counts ? ctx.counts->rejects : ctx.points->rejects;
    for (std::size_t r = 0; r < analysis::kRejectReasonCount; ++r) {
        const auto reason = static_cast<analysis::RejectReason>(r);
        if (rejects.count(reason) > 0)
            res.rejected.emplace_back(to_string(reason), rejects.count(reason));
    }
    res.from_counts = ctx.counts.has_value();
    res.records = ctx.counts ? ctx.counts->incidents : static_cast<double>(ctx.points->records);
    res.cells = ctx.grid.size();
    res.units = ctx.units.size();
    for (double c : ctx.cell_counts)
        res.accepted += c;
    res.metrics = ctx.metrics;
    // The values the batch's shared class breaks come from.
    if (ctx.years > 0) {
        res.grid_density_year = analysis::density(ctx.cell_counts, ctx.grid.area_km2);
        res.unit_density_year = analysis::density(ctx.unit_counts, ctx.unit_area_km2);
        for (double& v : res.grid_density_year)
            v /= ctx.years;
        for (double& v : res.unit_density_year)
            v /= ctx.years;
    }
    if (ctx.coverage && ctx.coverage->population) {
        const auto& pop = *ctx.coverage->population;
        res.grid_rate_eb = analysis::empirical_bayes_rates(ctx.cell_counts, pop.cells);
        res.unit_rate_eb = analysis::empirical_bayes_rates(ctx.unit_counts, pop.units);
        for (auto* v : {&res.grid_rate_eb, &res.unit_rate_eb})
            for (double& r : *v)
                r *= 1e5;
    }
    if (ctx.interventions)
        for (const KindResult& k : ctx.interventions->kinds) {
            const analysis::Pooled& p = *k.pooled;
            ProgrammeEffect e{k.config->kind, p.estimate, p.se, p.k, p.tau2, p.i2, p.q, p.q_p};
            e.smallest_count = smallest_count(k);
            res.programmes.push_back(e);
        }
    auto wgs84 = io::make_srs("EPSG:4326", "alliance");
    res.boundary_lonlat = io::reproject(ctx.boundary.wkb, *ctx.target, *wgs84);
}

/// `<slug>_forest_<kind>.png`: the city's evaluated sites of a kind and their pool. A picture
/// is shareable: with [publish], a site whose target or control counts are suppressed (1 to
/// min_count − 1 in a window) is left out of it, and the footer says how many.
void render_site_forest(const CityContext& ctx, const KindResult& k,
                        const std::filesystem::path& dir, CityFiles& files) {
    const double min = ctx.manifest->publish.min_count;
    auto small = [&](const analysis::BeforeAfter& w) {
        return suppressed_count(w.before, min) || suppressed_count(w.after, min);
    };
    std::vector<ForestStudy> sites;
    std::size_t hidden = 0;
    for (const SiteResult& s : k.sites) {
        if (!s.evaluation) continue;
        const analysis::SiteEvaluation& e = *s.evaluation;
        if (small(e.target) || small(e.buffer) || small(e.control)) {
            ++hidden;
            continue;
        }
        sites.push_back({fmt::format("{}: {}", s.site_id, s.name), e.effect.log_res,
                         std::sqrt(e.effect.variance)});
    }
    const Language language = ctx.manifest->analysis.language;
    io::ForestPlot plot =
        city_forest_plot(ctx.city->name, k.config->kind, sites, *k.pooled, language);
    if (hidden > 0) { // the pool would let the hidden sites be worked back: not drawn
        plot.footer +=
            " · " + fmt::format(fmt::runtime(text(language, "forest_hidden_fmt")), hidden);
        plot.show_pooled = false;
        plot.pooled.right_text = "—";
    }
    const std::string name = fmt::format("{}_forest_{}", ctx.city->slug, k.config->kind);
    const auto tmp = dir / fmt::format(".{}.partial-{}.png", name, static_cast<long>(getpid()));
    files.pictures.emplace_back(tmp, dir / (name + ".png"));
    io::render_forest(plot, tmp);
}

} // namespace

CityResult run_city(const Manifest& manifest, const CityConfig& city, const RunOptions& options,
                    Progress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    CityResult res;
    res.name = city.name;
    res.slug = city.slug;
    res.output = options.out_dir / (city.slug + ".gpkg");
    for (const auto& p : city_paths(manifest, city, options.out_dir))
        io::check_can_write(p, options.overwrite);

    CityContext ctx;
    ctx.manifest = &manifest;
    ctx.city = &city;
    run_stages(city_stages(), ctx, progress);

    LayerSink sink{city_layers()};
    emit_layers(city_stages(), ctx, sink);
    progress.begin(fmt::format("[{}] writing {}", city.slug, res.output.string()));
    res.files = std::make_unique<CityFiles>(
        write_city(ctx, sink, res.output,
                   manifest.publish.enabled ? options.out_dir / (city.slug + "_public.gpkg")
                                            : std::filesystem::path{},
                   options.overwrite, [&](double f) { progress.update(f); }));
    progress.end();
    {
        const Language language = manifest.analysis.language;
        res.files->png_final = options.out_dir / (city.slug + ".png");
        res.files->png_tmp = options.out_dir / fmt::format(".{}.partial-{}.png", city.slug,
                                                           static_cast<long>(getpid()));
        io::render_png(city_map(ctx, language), res.files->png_tmp, true);
        res.map = map_summary(ctx);
        if (ctx.interventions)
            for (const KindResult& k : ctx.interventions->kinds)
                render_site_forest(ctx, k, options.out_dir, *res.files);
    }
    summarise(ctx, res);
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

} // namespace vigia::engine
