#pragma once
/// \file
/// One city, end to end: read → reproject → grid → count → check → write. A batch is a loop
/// over cities calling run_city with the manifest's shared parameters.

#include "engine/city_writer.hpp"
#include "engine/context.hpp"
#include "engine/database.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/manifest.hpp"
#include "engine/maps.hpp"
#include "engine/progress.hpp"
#include "engine/what_works.hpp"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

struct RunOptions {
    std::filesystem::path out_dir = "out";
    bool overwrite = false;
    bool quiet = false;
    /// Write the alliance files (false for `vigia run --task`: a task writes only its city's
    /// files, and `vigia merge` the alliance's).
    bool alliance = true;
    /// Also write each city's private report (<slug>_report_private.html).
    bool private_report = false;
    /// `-o PG:…`: each city's GeoPackages then published into the database (engine/
    /// database.hpp); `out_dir` is the files folder.
    std::optional<DatabaseOutput> database;
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
    std::string headline; ///< the near-repeat headline ("" when none)
    double seconds = 0;
    /// The comparable metrics (the city_stats rows and the coverage shares), for the
    /// alliance table; and the boundary in longitude/latitude (EPSG:4326) for its map layer.
    std::vector<CityStat> metrics;
    analysis::Wkb boundary_lonlat;
    /// The files written, not yet in place: the batch adds their styles, then commits them.
    std::unique_ptr<CityFiles> files;
    CityMapSummary map; ///< for alliance.png
    /// The city's pooled estimate of each programme kind it evaluated, for what_works.
    std::vector<ProgrammeEffect> programmes;
    /// Values the shared class breaks of the batch are drawn from: incidents per km² per
    /// year, and empirical Bayes rates per 100,000 residents, of grid cells and sub-units.
    std::vector<double> grid_density_year, grid_rate_eb, unit_density_year, unit_rate_eb;
};

/// The files a city's run writes in `dir`: <slug>.gpkg, <slug>_kde.tif, <slug>.png, and with
/// [publish] <slug>_public.gpkg, and <slug>_forest_<kind>.png per programme kind.
std::vector<std::filesystem::path> city_paths(const Manifest& m, const CityConfig& city,
                                              const std::filesystem::path& dir);

/// Runs one city. Throws VigiaError subclasses on bad input or I/O failure; no output file
/// is then created (or, with --overwrite, the old ones are kept). The files are written to
/// temporary paths: CityResult::files->commit() puts them in place.
CityResult run_city(const Manifest& manifest, const CityConfig& city, const RunOptions& options,
                    Progress& progress);

} // namespace vigia::engine
