#pragma once
/// \file
/// The coverage stage of a city: population on cells and units, and for each facility
/// network its distances, service area, coverage shares, loads and suggested new sites.

#include "analysis/coverage.hpp"
#include "analysis/hotspots.hpp"
#include "engine/manifest.hpp"

class OGRSpatialReference;

#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

struct Population {
    std::vector<double> cells, units; ///< residents apportioned by area
    analysis::Apportioned report;     ///< overlaps, gaps and residents outside (for cells)
    double total = 0;                 ///< residents in the population layer
};

struct KindCoverage {
    const FacilityConfig* config = nullptr;
    analysis::Facilities facilities;
    bool polygons = false;
    std::vector<std::uint8_t> inside;      ///< facility lies (partly) inside the boundary
    std::vector<double> incident_distance; ///< per accepted incident (point input)
    analysis::DistanceSummary distance;
    std::vector<analysis::DistanceSummary> unit_distance;
    analysis::ServiceArea area;
    std::vector<double> cell_covered; ///< share of each cell inside the service area
    double incident_share = 0, hot_incident_share = 0, hot_cell_share = 0, hot_area_share = 0;
    double population_share = 0; ///< NaN without population
    std::vector<double> load_incidents, load_hot_cells, load_residents;
    analysis::Siting siting;
    std::vector<double> site_x, site_y;
    double demand_total = 0, demand_covered = 0; ///< the objective's weight: all / already covered
};

struct UncoveredHotspot {
    std::int64_t hotspot_id = 0;
    analysis::Wkb geometry;
    double area_km2 = 0, incidents = 0, share = 0;
};

struct CoverageResults {
    std::optional<Population> population;
    std::vector<KindCoverage> kinds;
    std::vector<UncoveredHotspot> uncovered;
    std::vector<std::string> warnings;
};

struct CoverageInput {
    const CityConfig* city = nullptr;
    const OGRSpatialReference* target = nullptr;
    const analysis::Grid* grid = nullptr;
    const analysis::Polygons* units = nullptr;
    const analysis::Boundary* boundary = nullptr;
    const std::vector<double>* cell_counts = nullptr;
    const std::vector<double>* x = nullptr; ///< accepted incidents (null for counts input)
    const std::vector<double>* y = nullptr;
    const std::vector<std::int32_t>* incident_cell = nullptr;
    const std::vector<std::int32_t>* incident_unit = nullptr;
    const std::vector<std::int8_t>* gi_class = nullptr;
    const std::vector<analysis::HotArea>* hot_areas = nullptr;
};

/// Reads the city's facility and population layers and computes every coverage metric.
CoverageResults coverage_stage(const CoverageInput& in);

} // namespace vigia::engine
