#pragma once
/// \file
/// Everything a city's run computed, and writing it as the city's GeoPackage.

#include "analysis/clock.hpp"
#include "analysis/count.hpp"
#include "analysis/grid.hpp"
#include "analysis/quality.hpp"
#include "analysis/repair.hpp"
#include "engine/coverage_stage.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/manifest.hpp"
#include "engine/publish.hpp"
#include "engine/time_stage.hpp"
#include "io/counts_reader.hpp"
#include "io/gpkg_writer.hpp"
#include "io/incident_reader.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

struct CityOutput {
    std::string boundary_encoding; ///< the boundary layer's text encoding, for run_info
    const Manifest* manifest = nullptr;
    const CityConfig* city = nullptr;
    std::unique_ptr<OGRSpatialReference> target; ///< the city's local metric CRS
    analysis::Polygons units;
    std::vector<analysis::RepairNote> repairs;
    analysis::Boundary boundary;
    analysis::Grid grid;
    std::vector<double> cell_counts, unit_counts, unit_area_km2;
    /// Counts input: each cell's overlap with each unit (m²), for areal weighting.
    std::vector<std::vector<std::pair<std::int32_t, double>>> overlaps;
    std::optional<io::IncidentRead> points; ///< point input
    std::optional<analysis::Assignment> assignment;
    std::optional<io::CountsRead> counts; ///< counts-per-area input
    std::optional<analysis::QualityReport> quality;
    /// With a category map: the ICCS code of each category index ("" unmapped), and the
    /// unmapped labels with their incidents, largest first.
    std::vector<std::string> iccs_of_category;
    std::vector<std::pair<std::string, double>> unmapped;
    std::optional<analysis::CrimeClock> clock; ///< point input
    std::optional<TimeResults> time;           ///< space-time cube and near repeat
    std::optional<HotspotResults> hotspots;
    /// The same statistics on each harmonised category of [analysis] categories.
    struct Category {
        std::string code, name;
        std::vector<double> cell_counts, unit_counts;
        HotspotResults hotspots;
        /// 1 for the incidents (points) or count rows (counts) of the category.
        std::vector<std::uint8_t> members;
    };
    std::vector<Category> by_category;
    /// The comparable metrics of all incidents and of each category (the city_stats table).
    std::vector<CityStat> metrics;
    std::optional<CoverageResults> coverage;
    double years = 0; ///< length of the period covered, 0 when unknown
    std::vector<std::pair<std::string, double>> timings; ///< stage → seconds
    std::vector<std::string> warnings;
};

/// A city's files written to temporary paths beside their targets; commit() renames them
/// into place, and they are removed if it never runs.
class CityFiles {
public:
    std::unique_ptr<io::GpkgWriter> full;     ///< <slug>.gpkg, closed
    std::unique_ptr<io::GpkgWriter> pub;      ///< <slug>_public.gpkg, closed (null: not asked for)
    std::filesystem::path tif_tmp, tif_final; ///< the kernel density raster (empty: none)
    std::filesystem::path png_tmp, png_final; ///< the city's map (empty: none)
    bool overwrite = false;

    CityFiles() = default;
    CityFiles(CityFiles&& o) noexcept;
    CityFiles& operator=(CityFiles&&) = delete;
    ~CityFiles();
    /// Renames every file into place (an old <slug>_kde.tif is removed when none was made).
    void commit();

private:
    bool m_committed = false;
};

/// Writes grid, units, boundary, incidents (or unit_counts), hotspots, kde_areas,
/// coverage layers, city_stats, rejected and run_info to a temporary GeoPackage for `path`;
/// with a `public_path`, the shareable copy (docs/methods.md §14) beside it; the kernel
/// density raster as <slug>_kde.tif. Nothing is in place until commit().
CityFiles write_city(CityOutput& out, const std::filesystem::path& path,
                     const std::filesystem::path& public_path, bool overwrite,
                     const io::ProgressFn& progress);

} // namespace vigia::engine
