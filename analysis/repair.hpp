#pragma once
/// \file
/// Repairing invalid input polygons with GEOS MakeValid, keeping a record of each repair.

#include "analysis/types.hpp"

#include <string>
#include <vector>

namespace vigia::analysis {

struct RepairNote {
    std::size_t index;  ///< polygon index in its layer
    std::string reason; ///< GEOS's validity reason before the repair
};

/// Rewrites every polygon as a valid MultiPolygon (MakeValid, polygonal part kept) and
/// returns the ones that were invalid. Throws InputError naming the polygon when nothing
/// with an area is left after the repair.
std::vector<RepairNote> repair_polygons(Polygons& polygons, const std::string& what);

} // namespace vigia::analysis
