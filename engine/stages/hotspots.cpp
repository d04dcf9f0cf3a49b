// The hot-spot stage of all incidents: Gi* and local Moran on grid cells and sub-units,
// hot-spot areas, global statistics and the data's own scale (docs/methods.md §8, §10).

#include "engine/stages/stages.hpp"

namespace vigia::engine {

HotspotInput hotspot_input(const CityContext& ctx) {
    HotspotInput in;
    in.weights = &*ctx.weights;
    in.grid = &ctx.grid;
    in.units = &ctx.units;
    in.boundary = &ctx.boundary;
    in.cell_counts = &ctx.cell_counts;
    in.unit_counts = &ctx.unit_counts;
    if (ctx.points) {
        in.x = &ctx.points->incidents.x;
        in.y = &ctx.points->incidents.y;
    }
    in.years = ctx.years;
    return in;
}

/// The hot-spot fields of every grid cell or sub-unit.
void emit_local(LayerSink& sink, const std::string& layer, const LocalResults& r) {
    std::vector<std::int64_t> cls(r.gi_class.begin(), r.gi_class.end());
    std::vector<std::string> cluster;
    for (auto c : r.lisa_cluster)
        cluster.emplace_back(analysis::to_string(c));
    sink.column(layer, {"gi_z", r.gi_z});
    sink.column(layer, {"gi_p", r.gi_p});
    sink.column(layer, {"gi_p_sim", r.gi_p_sim});
    sink.column(layer, {"gi_class", std::move(cls)});
    sink.column(layer, {"lisa_i", r.lisa_i});
    sink.column(layer, {"lisa_z", r.lisa_z});
    sink.column(layer, {"lisa_p_sim", r.lisa_p_sim});
    sink.column(layer, {"lisa_cluster", std::move(cluster)});
}

namespace {

class HotspotsStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "hotspots"; }
    std::string_view label() const noexcept override { return "hot spots"; }
    std::vector<std::string_view> needs() const override { return {"weights", "stability"}; }

    void run(CityContext& ctx, Progress&) const override {
        HotspotInput in = hotspot_input(ctx);
        if (ctx.periods.valid) in.stability = &ctx.stability;
        ctx.hotspots = hotspot_stage(in, ctx.manifest->analysis);
        for (const auto& w : ctx.hotspots->warnings)
            ctx.warnings.push_back(w);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        emit_local(sink, "grid", ctx.hotspots->grid);
        emit_local(sink, "units", ctx.hotspots->units);
        io::LayerData& d = sink.layer("hotspots");
        d.description = describe(ctx, "hotspots");
        d.srs = ctx.target.get();
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb>& geom = sink.own();
        std::vector<std::int64_t> id, cells;
        std::vector<double> count, area, share, peak;
        std::vector<std::string> category;
        auto add_areas = [&](const std::vector<analysis::HotArea>& areas, const std::string& cat) {
            for (std::size_t i = 0; i < areas.size(); ++i) {
                geom.push_back(areas[i].geometry);
                id.push_back(static_cast<std::int64_t>(i) + 1);
                cells.push_back(static_cast<std::int64_t>(areas[i].cells.size()));
                count.push_back(areas[i].count);
                area.push_back(areas[i].area_km2);
                share.push_back(areas[i].share);
                peak.push_back(areas[i].peak_z);
                category.push_back(cat);
            }
        };
        add_areas(ctx.hotspots->areas, "all");
        for (const auto& c : ctx.by_category)
            add_areas(c.hotspots.areas, c.code);
        d.wkb = &geom;
        sink.column("hotspots", {"category", std::move(category)});
        sink.column("hotspots", {"hotspot_id", std::move(id)});
        sink.column("hotspots", {"cells", std::move(cells)});
        sink.column("hotspots", {"count", std::move(count)});
        sink.column("hotspots", {"area_km2", std::move(area)});
        sink.column("hotspots", {"share", std::move(share)});
        sink.column("hotspots", {"peak_z", std::move(peak)});
    }
};

} // namespace

const Stage& stages::hotspots() {
    static const HotspotsStage s;
    return s;
}

} // namespace vigia::engine
