#pragma once
/// \file
/// One city, end to end: read → reproject → grid → count → check → write. A batch is a loop
/// over cities calling run_city with the manifest's shared parameters.

#include "engine/hotspot_stage.hpp"
#include "engine/manifest.hpp"
#include "engine/progress.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace vigia::engine {

struct RunOptions {
    std::filesystem::path out_dir = "out";
    bool overwrite = false;
    bool quiet = false;
};

/// What a city's run produced, for the on-screen summary.
struct CityResult {
    std::string name, slug;
    std::filesystem::path output;
    bool from_counts = false;
    double records = 0;  ///< incidents read (points, or the counts' total)
    double accepted = 0; ///< counted in a cell
    std::vector<std::pair<std::string, double>> rejected; ///< reason → incidents, non-zero only
    std::size_t cells = 0, units = 0;
    std::string crs;
    std::vector<std::string> warnings;
    double seconds = 0;
    /// The comparable metrics (the city_stats rows and the coverage shares), for the
    /// alliance table; and the boundary in longitude/latitude (EPSG:4326) for its map layer.
    std::vector<CityStat> metrics;
    analysis::Wkb boundary_lonlat;
};

/// Runs one city. Throws VigiaError subclasses on bad input or I/O failure; the output file
/// is then not created (or, with --overwrite, the old one is kept).
CityResult run_city(const Manifest& manifest, const CityConfig& city, const RunOptions& options,
                    Progress& progress);

} // namespace vigia::engine
