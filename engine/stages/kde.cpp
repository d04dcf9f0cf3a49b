// The kernel density stage (point input): the density raster over the boundary and the
// smallest areas holding 50, 75 and 90 % of its volume (docs/methods.md §9). The raster
// itself is written beside the GeoPackage by the writer.

#include "engine/stages/stages.hpp"
#include "io/raster.hpp"

#include <cmath>

namespace vigia::engine {

namespace {

class KdeStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "kde"; }
    std::vector<std::string_view> needs() const override { return {"hotspots"}; }
    bool applies(const CityContext& ctx) const override { return ctx.points.has_value(); }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        HotspotResults& h = *ctx.hotspots;
        const std::size_t before = h.warnings.size();
        kernel_density_stage(h, ctx.boundary, ctx.points->incidents.x, ctx.points->incidents.y,
                             ctx.manifest->analysis);
        kde_areas(h, &io::polygonize_at_least);
        for (std::size_t i = before; i < h.warnings.size(); ++i)
            ctx.warnings.push_back(h.warnings[i]);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        const HotspotResults& h = *ctx.hotspots;
        if (!h.kde) return;
        io::LayerData& d = sink.layer("kde_areas");
        d.description = describe(ctx, "kde_areas");
        d.srs = ctx.target.get();
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb>& geom = sink.own();
        std::vector<std::int64_t> level;
        std::vector<double> threshold, area;
        for (const auto& a : h.kde_areas) {
            geom.push_back(a.geometry);
            level.push_back(static_cast<std::int64_t>(std::lround(a.share * 100)));
            threshold.push_back(a.threshold);
            area.push_back(a.area_km2);
        }
        d.wkb = &geom;
        sink.column("kde_areas", {"level_pct", std::move(level)});
        sink.column("kde_areas", {"threshold_km2", std::move(threshold)});
        sink.column("kde_areas", {"area_km2", std::move(area)});
    }
};

} // namespace

const Stage& stages::kde() {
    static const KdeStage s;
    return s;
}

} // namespace vigia::engine
