// The boundary stage: the city's polygons, its local metric CRS, repairs and the union.

#include "analysis/repair.hpp"
#include "analysis/utm.hpp"
#include "engine/stages/stages.hpp"
#include "io/gdal_util.hpp"
#include "io/vector_reader.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

class BoundaryStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "boundary"; }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        const CityConfig& city = *ctx.city;
        const io::PolygonSource boundary{city.boundary};
        // The manifest's CRS (checked there to be projected, in metres), or the UTM zone of
        // the boundary's centroid.
        std::string text = ctx.manifest->analysis.crs;
        if (text == "auto") {
            const auto ll = boundary.centroid_lonlat();
            text = fmt::format("EPSG:{}", analysis::utm_epsg(ll[0], ll[1]));
        }
        ctx.target = io::make_srs(text, "[analysis] crs");
        ctx.crs_label = io::srs_label(*ctx.target);
        ctx.units = boundary.project(*ctx.target);
        ctx.unit_keys = boundary.keys();
        ctx.boundary_encoding = boundary.encoding();
        for (const auto& w : boundary.warnings())
            ctx.warnings.push_back(w);
        for (const auto& r : analysis::repair_polygons(ctx.units, city.boundary.path)) {
            ctx.warnings.push_back(fmt::format("boundary feature {} ('{}') was invalid ({}) and "
                                               "was repaired with GEOS MakeValid",
                                               r.index + 1, ctx.units.names[r.index], r.reason));
            ctx.repairs.push_back(r);
        }
        ctx.boundary = analysis::make_boundary(ctx.units.wkb);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        io::LayerData& b = sink.layer("boundary");
        b.description = describe(ctx, "boundary");
        b.srs = ctx.target.get();
        b.geometry_type = wkbMultiPolygon;
        auto& one = sink.own();
        one.push_back(ctx.boundary.wkb);
        b.wkb = &one;
        sink.column("boundary", {"name", std::vector<std::string>{ctx.city->name}});
        sink.column("boundary", {"area_km2", std::vector<double>{ctx.boundary.area_m2 * 1e-6}});

        io::LayerData& u = sink.layer("units");
        u.description = describe(ctx, "units");
        u.srs = ctx.target.get();
        u.geometry_type = wkbMultiPolygon;
        u.wkb = &ctx.units.wkb;
        sink.column("units", {"unit_id", sequence(ctx.units.size())});
        sink.column("units", {"name", ctx.units.names});
    }
};

} // namespace

const Stage& stages::boundary() {
    static const BoundaryStage s;
    return s;
}

} // namespace vigia::engine
