#pragma once
/// \file
/// The fixed list of a city's stages, one file each in this folder, in the order they run:
/// boundary, grid, read, count, clock, monthly, categories, weights, stability, hotspots, kde,
/// category_hotspots, emerging, near_repeat, coverage, interventions, metrics.

#include "engine/stage.hpp"

#include <vector>

namespace vigia::engine {

namespace stages {
const Stage& boundary();
const Stage& grid();
const Stage& read();
const Stage& count();
const Stage& clock();
const Stage& monthly();
const Stage& categories();
const Stage& weights();
const Stage& stability();
const Stage& hotspots();
const Stage& kde();
const Stage& category_hotspots();
const Stage& emerging();
const Stage& near_repeat();
const Stage& coverage();
const Stage& interventions();
const Stage& metrics();
} // namespace stages

/// Every stage, in the order they run.
const std::vector<const Stage*>& city_stages();

/// The train and test periods of hot-spot stability and their counts per cell, of the
/// incidents (points) or count rows (counts) that `keep` selects (null: all).
Periods split_periods(const AnalysisParams& a, const CityContext& ctx,
                      const std::vector<std::uint8_t>* keep = nullptr);

/// The input of the hot-spot analysis of all incidents (cells, units, points, weights).
HotspotInput hotspot_input(const CityContext& ctx);

/// The input of the time stages (points: cells, times, positions, categories; counts: rows,
/// overlaps), with the span of the data.
TimeInput time_input(const CityContext& ctx);

/// 1, 2, …, n (the ids of cells, units, facilities).
std::vector<std::int64_t> sequence(std::size_t n);

} // namespace vigia::engine
