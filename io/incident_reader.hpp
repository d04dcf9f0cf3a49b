#pragma once
/// \file
/// Reading incident points (point layers, or tables with coordinate columns) into the
/// city's CRS. Every record read ends either in `incidents` or in `rejects`.

#include "analysis/types.hpp"
#include "io/gdal_util.hpp"
#include "io/sources.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace vigia::io {

/// [start, end] in seconds (see analysis::kNoTime for the time base); inclusive.
using Period = std::pair<std::int64_t, std::int64_t>;

struct IncidentRead {
    analysis::Incidents incidents; ///< projected to the target CRS
    analysis::RejectLog rejects;
    std::int64_t records = 0; ///< records in the layer before any filter (points after
                              ///< splitting multipoints)
    std::string layer;
    std::unique_ptr<OGRSpatialReference> srs; ///< the source CRS
    std::int64_t time_min = analysis::kNoTime, time_max = analysis::kNoTime;
    /// Source coordinates of the points PROJ could not transform (rejected as
    /// bad_coordinates), kept so that swapped columns can still be recognised.
    std::vector<double> failed_x, failed_y;
};

/// Progress callback: fraction done in [0, 1].
using ProgressFn = std::function<void(double)>;

/// Reads, validates, filters by `period` and projects the incidents to `target`.
/// Throws InputError for a missing file, layer or field, an invalid `where`, a layer without
/// CRS, or a coordinate field holding text that is not a number (naming field and row).
IncidentRead read_incidents(const IncidentSourceSpec& spec, const OGRSpatialReference& target,
                            const std::optional<Period>& period, const ProgressFn& progress = {});

/// Counts the features of a layer that pass `where` (and all features when it is empty).
std::int64_t count_features(OGRLayer& layer);

/// Applies an OGR SQL attribute filter, throwing InputError that names the file and layer.
void apply_where(OGRLayer& layer, const std::string& path, const std::string& where);

} // namespace vigia::io
