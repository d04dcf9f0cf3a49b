#pragma once
/// \file
/// Whether a city's records got in: a run that counts no incident, that loses most records
/// to one reason, or whose points lie elsewhere fails here, before anything is written, with a
/// message naming the file, field, reason, example rows and the key that would help
/// (docs/methods.md §4).

#include "analysis/count.hpp"
#include "analysis/grid.hpp"
#include "analysis/types.hpp"
#include "io/incident_reader.hpp"

#include <optional>
#include <string>

namespace vigia::engine {

/// What the failure message needs to know about the input.
struct IntakeSource {
    std::string where;               ///< "file layer 'x'"
    std::string time_field;          ///< as the manifest names it ("" without)
    std::string location_field;      ///< "x = lon, y = lat", "wkt = geom", "the geometry", key
    std::string time_suggestion;     ///< what to give for unreadable times
    std::string location_suggestion; ///< for unreadable coordinates or unknown keys
    double max_rejected_share = 0.5;
};

/// Throws InputError when nothing was accepted, or when one reason other than the analyst's
/// own selection (where, period, outside the boundary) rejects more than
/// `max_rejected_share` of `records`.
void check_rejections(const IntakeSource& source, const analysis::RejectLog& rejects,
                      double records, double accepted);

/// Points outside the boundary: a wrong CRS or swapped columns (nothing inside, or swapping
/// would place most inside) and more than `max_outside_share` outside throw InputError; an
/// extract wider than the city is accepted and returns a warning giving the share outside.
std::optional<std::string> check_outside(const io::IncidentSourceSpec& spec,
                                         const io::IncidentRead& read, const analysis::Grid& grid,
                                         const analysis::Assignment& a,
                                         const OGRSpatialReference& target, const std::string& city,
                                         double max_outside_share);

} // namespace vigia::engine
