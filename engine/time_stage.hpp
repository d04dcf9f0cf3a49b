#pragma once
/// \file
/// The time stage of a city: the space-time cube of grid cells × time steps with its Gi*,
/// Mann–Kendall trends and emerging hot-spot patterns (docs/methods.md §15), and the
/// near-repeat (Knox) test of incident points, for all incidents and each category (§16).
/// One code path and the batch's parameters for every city.

#include "analysis/grid.hpp"
#include "analysis/near_repeat.hpp"
#include "analysis/space_time.hpp"
#include "analysis/types.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/manifest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

struct TimeInput {
    const analysis::Grid* grid = nullptr;
    const analysis::Weights* grid_weights = nullptr; ///< null: built from grid and parameters
    /// Point input: each accepted incident's cell, civil time and position.
    const std::vector<std::int32_t>* cell = nullptr;
    const std::vector<std::int64_t>* time = nullptr;
    const std::vector<std::int32_t>* time_span = nullptr; ///< each time's precision (seconds)
    const std::vector<double>* x = nullptr;
    const std::vector<double>* y = nullptr;
    /// Counts input: the rows (unit, year, month, count) and the cell–unit overlaps.
    const analysis::AreaCounts* counts = nullptr;
    bool monthly = false; ///< the counts have a month column
    const std::vector<std::vector<std::pair<std::int32_t, double>>>* overlaps = nullptr;
    const std::vector<double>* unit_area_km2 = nullptr;
    /// The span of the data (civil seconds; kNoTime: unknown).
    std::int64_t first = analysis::kNoTime, last = analysis::kNoTime;
    /// Near repeat per category: the code and which incidents belong to it.
    std::vector<std::pair<std::string, const std::vector<std::uint8_t>*>> categories;
};

struct EmergingOutput {
    analysis::TimeBins bins;
    analysis::Cube cube;
    analysis::EmergingResult result;
    std::size_t without_time = 0, outside_bins = 0;
    std::size_t coarse = 0;       ///< times coarser than a step (a month in weekly steps): left out
    double dropped_incidents = 0; ///< in a dropped partial step
};

struct NearRepeatOutput {
    std::string category; ///< "all" or an ICCS code
    analysis::KnoxResult result;
    bool skipped = false;   ///< too many pairs within the largest distance: not computed
    std::size_t coarse = 0; ///< incidents known only to the month (or a band across days): left out
    std::string skip_reason;
};

struct TimeResults {
    std::optional<EmergingOutput> emerging;
    std::vector<NearRepeatOutput> near_repeat;
    std::vector<CityStat> stats; ///< category "all"
    std::vector<std::string> warnings;
    std::string headline; ///< "risk within X m and Y days is Z times the expected" ("": none)
    std::string step_text, bins_text, knox_distance_text, knox_time_text;
};

TimeResults time_stage(const TimeInput& in, const AnalysisParams& params);
/// Its two halves: the space-time cube and emerging hot spots, then the near-repeat test.
void emerging_stage(const TimeInput& in, const AnalysisParams& params, TimeResults& r);
void near_repeat_stage(const TimeInput& in, const AnalysisParams& params, TimeResults& r);

/// The time step of the manifest as analysis::TimeStep.
analysis::TimeStep time_step(const TimeParams& p);

} // namespace vigia::engine
