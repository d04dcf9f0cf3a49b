#pragma once
/// \file
/// Reading incident points (point layers, tables with coordinate or WKT columns) into the
/// city's CRS, with their time and offence. Every record read ends either in `incidents` or
/// in `rejects` (docs/methods.md §4).

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

struct IncidentRead {
    analysis::Incidents incidents; ///< projected to the target CRS
    analysis::RejectLog rejects;
    std::int64_t records = 0; ///< records in the layer before any filter (points after
                              ///< splitting multipoints)
    std::string layer;
    std::unique_ptr<OGRSpatialReference> srs; ///< the source CRS
    /// The first time and the end of the last time's interval (exclusive) of the accepted
    /// incidents; kNoTime when none has a time.
    std::int64_t time_min = analysis::kNoTime, time_max = analysis::kNoTime;
    std::int64_t time_end = analysis::kNoTime;
    /// Source coordinates of the points PROJ could not transform (rejected as
    /// bad_coordinates), kept so that swapped columns can still be recognised.
    std::vector<double> failed_x, failed_y;
    /// How the input was read, for run_info: encoding, decimal separator, time formats.
    std::vector<std::pair<std::string, std::string>> info;
    std::vector<std::string> warnings;
    /// The key that would help with each reason, for failure messages.
    std::string time_suggestion, coordinate_suggestion;
};

/// Progress callback: fraction done in [0, 1].
using ProgressFn = std::function<void(double)>;

/// Reads, validates, filters by `period` and projects the incidents to `target`.
/// Throws InputError for a missing file, layer or field, an invalid `where` or `sql`, a
/// layer without CRS, or a time column that cannot be read whole (naming file and field).
/// Values that cannot be read (a coordinate that is not a number, a date that is not a
/// date) reject their record with its reason.
IncidentRead read_incidents(const IncidentSourceSpec& spec, const OGRSpatialReference& target,
                            const std::optional<Period>& period, const ProgressFn& progress = {});

/// Counts the features of a layer that pass `where` (and all features when it is empty).
std::int64_t count_features(OGRLayer& layer);

/// Applies an OGR SQL attribute filter, throwing InputError that names the file and layer.
void apply_where(OGRLayer& layer, const std::string& path, const std::string& where);

/// True when the time interval [t, t + span) lies inside the period (both ends included).
bool in_period(const Period& p, std::int64_t t, std::int32_t span) noexcept;

} // namespace vigia::io
