#pragma once
/// \file
/// What the reports read back from a city's GeoPackage (engine/report.hpp): its run_info,
/// its city_stats and the tables behind the charts, as plain values.

#include "engine/language.hpp"
#include "io/city_file.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigia::engine::report {

struct CityStats {
    std::vector<std::string> categories; ///< "all" first, then the codes, in table order
    std::map<std::string, std::string> category_names;
    /// (category, metric) → value (NaN: suppressed or undefined)
    std::map<std::pair<std::string, std::string>, double> values;
    std::map<std::string, std::string> units, descriptions; ///< by metric (category all)
    std::vector<std::string> metrics;                       ///< of category all, in table order

    double get(const std::string& metric, const std::string& category = "all") const;
    bool has(const std::string& metric, const std::string& category = "all") const;
};

/// A city's outputs as its report reads them.
struct CityOutputs {
    std::filesystem::path gpkg; ///< the file read (<slug>.gpkg or <slug>_public.gpkg)
    std::filesystem::path dir;
    std::string slug, name;
    bool is_public = false;
    double min_count = 0; ///< of the file's publication (0: nothing suppressed)
    Language language = Language::en;
    std::vector<std::pair<std::string, std::string>> run_info;
    CityStats stats;
    std::vector<std::string> layers; ///< layer and table names of the file

    std::string info(const std::string& key, const std::string& fallback = "") const;
    bool has_layer(const std::string& layer) const;
    io::TableColumns table(const std::string& layer, const std::vector<std::string>& numbers,
                           const std::vector<std::string>& texts, bool geometry = false) const;
};

/// Reads the city outputs of `slug` in `dir` for the public or the private page. Throws
/// InputError when the GeoPackage is missing or holds no run_info.
CityOutputs read_city_outputs(const std::filesystem::path& dir, const std::string& slug,
                              bool is_public);

/// The facility kinds of a city's coverage metrics (coverage_<kind>_incident_share), in order.
std::vector<std::string> coverage_kinds(const CityStats& stats);

} // namespace vigia::engine::report
