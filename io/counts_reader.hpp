#pragma once
/// \file
/// Reading incidents published per area: a table of counts per unit key, or one record per
/// incident with the area's key or name (no coordinates), optionally per offence and per
/// year/month or time, joined to the sub-unit polygons by key (docs/methods.md §3).

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
    /// First and last month (or year) start, and the end of the last one (exclusive).
    std::int64_t time_min = analysis::kNoTime, time_max = analysis::kNoTime;
    std::int64_t time_end = analysis::kNoTime;
    /// Every accepted row is known to its month (else to its year, or has no time).
    bool monthly = false;
    /// Keys that name several polygons, with how many: their counts are shared by area.
    std::vector<std::pair<std::string, std::size_t>> shared_keys;
    /// How the table was read, for run_info; warnings; keys that would help, for failures.
    std::vector<std::pair<std::string, std::string>> info;
    std::vector<std::string> warnings;
    std::string time_suggestion, key_suggestion;
};

/// Reads the table and joins it to the sub-units: `unit_keys` (the polygons' key values, in
/// order; empty when matching names) and `unit_names` (their names, for key_match = "name").
/// A key that names several polygons shares its counts among them in proportion to
/// `unit_area`. Without a count field each row is one incident. Throws InputError for a
/// missing file, layer or field, and for a count that is not a whole number or is negative,
/// naming the row; rows whose key or time cannot be used are rejected with their reason.
CountsRead read_counts(const CountsSourceSpec& spec, const std::vector<std::string>& unit_keys,
                       const std::vector<std::string>& unit_names,
                       const std::vector<double>& unit_area, const std::optional<Period>& period);

} // namespace vigia::io
