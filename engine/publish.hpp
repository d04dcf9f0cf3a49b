#pragma once
/// \file
/// The shareable copies of a city's outputs ([publish] min_count, docs/methods.md §14): which
/// counts are suppressed, which rows and fields left out, which run_info entries shown.

#include "engine/hotspot_stage.hpp"
#include "engine/layers.hpp"
#include "io/gpkg_writer.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vigia::engine {

/// A count the shareable outputs suppress: more than none, fewer than `min` (0: none is).
inline bool suppressed_count(double v, double min) noexcept {
    return v > 0 && v < min;
}

/// What the shareable copies leave out or suppress.
struct Publication {
    double min = 0;
    /// Categories with more than none but fewer than `min` incidents: their rows and
    /// per-category fields are left out.
    std::set<std::string> small_categories;
};

/// A run_info entry as the shareable file gives it: nullopt to leave it out (warnings, which
/// may quote records; quality counts and the exact time span; per-category record counts),
/// small record counts replaced by "fewer than N".
std::optional<std::string> public_info(const std::string& key, const std::string& value,
                                       double min);

/// The shareable copy of a layer by its declaration: counts below the threshold suppressed
/// with the columns derived from them, small categories left out, run_info filtered; `geom`
/// holds its geometry when rows are left out (it must outlive the copy's use).
io::LayerData public_copy(const io::LayerData& d, const LayerDecl& decl, const Publication& pub,
                          std::vector<analysis::Wkb>& geom);

/// The metrics as shareable outputs give them: with min_count > 0, every value of a category
/// holding more than none but fewer than min_count incidents is NaN (NULL), except those
/// that do not come from the incidents (area, cells, residents, neighbours).
std::vector<CityStat> public_metrics(std::vector<CityStat> metrics, double min_count);

} // namespace vigia::engine
