#pragma once
/// \file
/// Everything one city's run reads and computes, stage by stage: the stages of
/// engine/stages/ each fill their part and emit their layers from it. The dependencies
/// between stages are declared by each stage (Stage::needs) and checked by the runner.

#include "analysis/clock.hpp"
#include "analysis/count.hpp"
#include "analysis/grid.hpp"
#include "analysis/quality.hpp"
#include "analysis/repair.hpp"
#include "engine/coverage_stage.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/intervention_stage.hpp"
#include "engine/manifest.hpp"
#include "engine/time_stage.hpp"
#include "io/counts_reader.hpp"
#include "io/incident_reader.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigia::engine {

/// The train and test periods of hot-spot stability, with their counts per cell.
struct Periods {
    bool valid = false;
    io::Period train{}, test{};
    std::vector<double> train_counts, test_counts;
};

struct CityContext {
    // The run's inputs.
    const Manifest* manifest = nullptr;
    const CityConfig* city = nullptr;

    // boundary: the city's CRS, its sub-units and their union.
    std::unique_ptr<OGRSpatialReference> target; ///< the city's local metric CRS
    std::string crs_label;
    std::string boundary_encoding;      ///< the boundary layer's text encoding, for run_info
    std::vector<std::string> unit_keys; ///< the boundary's unit_key values (counts input)
    analysis::Polygons units;
    std::vector<analysis::RepairNote> repairs;
    analysis::Boundary boundary;

    // grid
    analysis::Grid grid;
    std::unique_ptr<analysis::UnitIndex> unit_index;
    std::vector<double> unit_area_km2;

    // read and count
    std::optional<io::IncidentRead> points; ///< point input
    std::optional<analysis::Assignment> assignment;
    std::optional<io::CountsRead> counts; ///< counts-per-area input
    std::optional<analysis::QualityReport> quality;
    std::vector<double> cell_counts, unit_counts;
    /// Counts input: each cell's overlap with each unit (m²), for areal weighting.
    std::vector<std::vector<std::pair<std::int32_t, double>>> overlaps;
    double years = 0; ///< length of the period covered, 0 when unknown

    // categories: with a category map, the ICCS code of each category index ("" unmapped),
    // and the unmapped labels with their incidents, largest first.
    std::vector<std::string> iccs_of_category;
    std::vector<std::pair<std::string, double>> unmapped;

    std::optional<analysis::CrimeClock> clock; ///< point input
    std::optional<StageWeights> weights;
    Periods periods;                        ///< hot-spot stability of all incidents
    std::vector<CityStat> stability;        ///< its statistics
    std::optional<HotspotResults> hotspots; ///< with the kernel density
    /// The same statistics on each harmonised category of [analysis] categories.
    struct Category {
        std::string code, name;
        std::vector<double> cell_counts, unit_counts;
        HotspotResults hotspots;
        /// 1 for the incidents (points) or count rows (counts) of the category.
        std::vector<std::uint8_t> members;
        Periods periods;
    };
    std::vector<Category> by_category;
    std::optional<TimeResults> time; ///< space-time cube and near repeat
    /// The city's incidents per calendar month, first to last month with data, and its trend
    /// (docs/methods.md §20).
    /// Months a series needs for its trend test (ArcGIS's Emerging Hot Spot Analysis asks for
    /// ten time steps before it reads a Mann–Kendall trend).
    static constexpr std::size_t kMinTrendMonths = 10;
    struct Monthly {
        std::int32_t first = 0;        ///< analysis::month_of of the first month
        std::vector<double> incidents; ///< per month
        double without_month = 0;      ///< counted incidents whose month is unknown
        analysis::TrendTest trend;
        double sen_slope = 0; ///< incidents per month
        bool tested = false;  ///< enough months for the trend test (kMinTrendMonths)
    };
    std::optional<Monthly> monthly;
    std::optional<CoverageResults> coverage;
    std::optional<InterventionResults> interventions; ///< [[city.interventions]]
    /// The comparable metrics of all incidents and of each category (the city_stats table).
    std::vector<CityStat> metrics;

    // What the runner records.
    std::vector<std::string> ran;                        ///< stages that ran, in order
    std::vector<std::pair<std::string, double>> timings; ///< stage → seconds
    std::vector<std::string> warnings;
};

} // namespace vigia::engine
