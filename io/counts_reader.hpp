#pragma once
/// \file
/// Reading incidents published as counts per area: a table of counts per unit key,
/// optionally per offence and per year/month, joined to the sub-unit polygons by key.

#include "analysis/types.hpp"
#include "io/incident_reader.hpp"
#include "io/sources.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigia::io {

struct CountsRead {
    analysis::AreaCounts counts;
    analysis::RejectLog rejects; ///< weights are incidents, not rows
    double incidents = 0;        ///< incidents in the table before any filter
    std::int64_t rows = 0;       ///< table rows read
    std::string layer;
    /// Keys that match no polygon, with the incidents they carry, largest first.
    std::vector<std::pair<std::string, double>> unknown_keys;
    std::int64_t time_min = analysis::kNoTime, time_max = analysis::kNoTime;
    /// Keys that name several polygons, with how many: their counts are shared by area.
    std::vector<std::pair<std::string, std::size_t>> shared_keys;
};

/// Reads the table and joins it to `unit_keys` (the polygons' key values, in order); a key
/// that names several polygons shares its counts among them in proportion to `unit_area`.
/// Throws InputError for a missing file, layer or field, and for a count, year or month that
/// is not a whole number (or a negative count, or a month outside 1..12), naming the row.
CountsRead read_counts(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                       const std::vector<double>& unit_area,
                       const std::optional<Period>& period);

} // namespace vigia::io
