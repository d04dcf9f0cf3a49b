#pragma once
/// \file
/// The interventions stage of a city (docs/methods.md §19): for each programme kind of
/// [[city.interventions]], its sites' target, buffer and control areas, before and after
/// windows, monthly counts, relative effect sizes, displacement, and the city's pooled
/// estimate (DerSimonian–Laird over the sites).

#include "analysis/evaluation.hpp"
#include "analysis/intervention.hpp"
#include "engine/manifest.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class OGRSpatialReference;

namespace vigia::analysis {
struct Boundary;
struct AreaCounts;
struct Incidents;
} // namespace vigia::analysis

namespace vigia::engine {

struct SiteResult {
    std::int64_t site_id = 0; ///< 1, 2, … in the layer's order
    std::int64_t fid = 0;
    std::string name;
    std::string start, end; ///< "yyyy-mm-dd" ("" when none)
    /// "ok", or why the site is not evaluated ("no start date: …", "window not covered: …",
    /// "empty control: …"): every site has a row.
    std::string status = "ok";
    analysis::Windows windows;
    std::string left_out; ///< months left out as partial, with why
    std::optional<analysis::SiteEvaluation> evaluation;
};

struct KindResult {
    const InterventionConfig* config = nullptr;
    analysis::SiteAreas areas;
    std::vector<SiteResult> sites;
    analysis::SiteCounts counts{0, 0, 0};
    bool estimate = false;                  ///< counts input: areal weighting
    std::optional<analysis::Pooled> pooled; ///< the city's sites pooled (evaluated ones)
};

struct InterventionResults {
    std::vector<KindResult> kinds;
    std::vector<std::string> warnings;
};

struct InterventionInput {
    const CityConfig* city = nullptr;
    const OGRSpatialReference* target = nullptr;
    const analysis::Boundary* boundary = nullptr;
    const analysis::Incidents* incidents = nullptr; ///< point input, or
    const analysis::AreaCounts* counts = nullptr;   ///< counts input, with
    const std::vector<analysis::Wkb>* units = nullptr;
    bool monthly = true; ///< counts input: every row knows its month
    /// The span of the data: [first, end) in civil seconds (kNoTime: no times).
    std::int64_t time_first = 0, time_end = 0;
    const std::vector<std::string>* iccs_of_category = nullptr; ///< empty without a map
};

/// The first instant of a month (analysis::month_of), in civil seconds.
std::int64_t month_start(analysis::Month m);

/// Reads each kind's sites (and control) and evaluates them. Throws InputError when a kind
/// has no site that can be evaluated (naming every site and why), when the control area is
/// empty, or when the data have no monthly times.
InterventionResults intervention_stage(const InterventionInput& in);

} // namespace vigia::engine
