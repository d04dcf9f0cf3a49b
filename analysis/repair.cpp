#include "analysis/repair.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"

#include <fmt/format.h>

namespace vigia::analysis {

std::vector<RepairNote> repair_polygons(Polygons& polygons, const std::string& what) {
    GeosContext ctx;
    std::vector<RepairNote> notes;
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        Repair r;
        GeomPtr g = make_valid_polygonal(ctx, from_wkb(ctx, polygons.wkb[i]), r);
        const std::string& name = polygons.names[i];
        if (GEOSisEmpty_r(ctx.get(), g.get()) || !(area(ctx, g.get()) > 0))
            throw InputError{
                fmt::format("{}: polygon {} ('{}') has no area{}", what, i + 1, name,
                            r.was_valid ? "" : " even after repair (" + r.reason + ")")};
        if (!r.was_valid) notes.push_back({i, r.reason});
        polygons.wkb[i] = to_wkb(ctx, g.get());
    }
    return notes;
}

} // namespace vigia::analysis
