// The grid stage: square or hexagonal cells clipped to the boundary, and which sub-unit
// each cell lies in (docs/methods.md §2).

#include "engine/labels.hpp"
#include "engine/stages/stages.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

class GridStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "grid"; }
    std::vector<std::string_view> needs() const override { return {"boundary"}; }

    void run(CityContext& ctx, Progress&) const override {
        ctx.grid = analysis::build_grid(ctx.manifest->analysis.grid, ctx.boundary);
        ctx.unit_index = std::make_unique<analysis::UnitIndex>(ctx.units, ctx.grid);
        ctx.unit_area_km2 = ctx.unit_index->area_km2();
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        io::LayerData& g = sink.layer("grid");
        g.description = describe(
            ctx, "grid",
            {{"cell_size_m", fmt::format("{}", ctx.grid.lattice.spec().cell_size_m)},
             {"shape", text(ctx.manifest->analysis.language,
                            std::string{"shape_"} + to_string(ctx.grid.lattice.spec().shape))}});
        g.srs = ctx.target.get();
        g.geometry_type = wkbMultiPolygon;
        g.wkb = &ctx.grid.geometry;
        sink.column("grid", {"cell_id", sequence(ctx.grid.size())});
        sink.column("grid", {"area_km2", ctx.grid.area_km2});
        sink.column("units", {"area_km2", ctx.unit_area_km2});
    }
};

} // namespace

const Stage& stages::grid() {
    static const GridStage s;
    return s;
}

} // namespace vigia::engine
