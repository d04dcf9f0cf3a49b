#pragma once
/// \file
/// What works, across the alliance (docs/methods.md §19): each city's pooled estimate of a
/// programme kind (its sites pooled, intervention_effects level 'city') pooled again across
/// the cities that ran that kind (DerSimonian–Laird; the cities' controls are independent),
/// as the `what_works` table of alliance.gpkg and a forest plot per kind. The batch and
/// `vigia merge` both come here, the batch from memory and merge from the city files.

#include "analysis/evaluation.hpp"
#include "engine/language.hpp"
#include "io/forest_plot.hpp"
#include "io/gpkg_writer.hpp"

#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

/// One city's pooled estimate of one programme kind.
struct ProgrammeEffect {
    std::string kind;
    double log_res = 0, se = 0; ///< ln RES and its standard error
    std::size_t k_sites = 0;
    double tau2 = 0, i2 = 0, q = 0, q_p = 1; ///< the pool of its sites
    /// The smallest count above 0 of its sites' windows (target, buffer, control): with
    /// [publish] min_count above it, the pool is not shared (docs/methods.md §19).
    double smallest_count = std::numeric_limits<double>::infinity();
    bool withheld = false; ///< read from a shareable file that withheld the pool
};

struct CityProgrammes {
    std::string city, slug;
    std::vector<ProgrammeEffect> effects;
};

/// A kind pooled across the cities that ran it (in the cities' order).
struct KindEvidence {
    std::string kind;
    std::vector<std::pair<const CityProgrammes*, const ProgrammeEffect*>> cities;
    /// Cities whose pool is not shared (a site's counts below min_count): listed, not pooled.
    std::vector<std::pair<const CityProgrammes*, const ProgrammeEffect*>> withheld;
    std::optional<analysis::Pooled> pooled; ///< none when no city's pool is shared
    std::size_t k_sites = 0;
};

/// Every kind any city ran, in first-seen order, pooled over the cities whose pool may be
/// shared with `min_count` ([publish]; 0: every city's).
std::vector<KindEvidence> what_works(const std::vector<CityProgrammes>& cities, double min_count);

/// The `what_works` table: a row per city and kind (level 'city'), then the alliance's pool
/// of each kind (level 'alliance').
io::LayerData what_works_table(const std::vector<KindEvidence>& kinds, Language language);

/// The forest plot of a kind (with a pool): a row per city, the alliance's diamond.
io::ForestPlot forest_plot(const KindEvidence& kind, Language language);

/// A study of a forest plot: its label, ln RES and standard error.
struct ForestStudy {
    std::string label;
    double log_res = 0, se = 0;
};

/// The forest plot of a city's sites of a kind: a row per site, the city's pooled diamond.
io::ForestPlot city_forest_plot(const std::string& city, const std::string& kind,
                                const std::vector<ForestStudy>& sites,
                                const analysis::Pooled& pooled, Language language);

} // namespace vigia::engine
