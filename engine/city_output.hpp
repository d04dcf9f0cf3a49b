#pragma once
/// \file
/// Everything a city's run computed, and writing it as the city's GeoPackage.

#include "analysis/count.hpp"
#include "analysis/grid.hpp"
#include "analysis/quality.hpp"
#include "analysis/repair.hpp"
#include "engine/coverage_stage.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/manifest.hpp"
#include "io/counts_reader.hpp"
#include "io/incident_reader.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

struct CityOutput {
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
    std::optional<HotspotResults> hotspots;
    std::optional<CoverageResults> coverage;
    double years = 0; ///< length of the period covered, 0 when unknown
    std::vector<std::pair<std::string, double>> timings; ///< stage → seconds
    std::vector<std::string> warnings;
};

/// Writes grid, units, boundary, incidents (or unit_counts), hotspots, kde_areas,
/// city_stats, rejected and run_info to a temporary GeoPackage and renames it to `path`;
/// the kernel density raster goes beside it as <slug>_kde.tif.
void write_city(CityOutput& out, const std::filesystem::path& path, bool overwrite,
                const io::ProgressFn& progress);

} // namespace vigia::engine
