#pragma once
/// \file
/// The hot-spot stage of a city: local statistics on grid cells and sub-units, hot-spot
/// areas, global statistics, the data's own scale, and kernel density. One code path and
/// the batch's parameters for every city.

#include "analysis/grid.hpp"
#include "analysis/hotspots.hpp"
#include "analysis/kde.hpp"
#include "analysis/local_stats.hpp"
#include "analysis/scale.hpp"
#include "analysis/weights.hpp"
#include "engine/manifest.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigia::engine {

/// Local statistics of one set of features.
struct LocalResults {
    std::vector<double> gi_z, gi_p, gi_p_sim;
    std::vector<std::int8_t> gi_class;
    std::vector<double> lisa_i, lisa_z, lisa_p_sim;
    std::vector<analysis::LisaCluster> lisa_cluster;
    std::string weights;     ///< description of the Gi* weights
    std::size_t islands = 0; ///< features without neighbours
    bool defined = true;     ///< false when the values have no variance
};

/// One row of the `city_stats` table.
struct CityStat {
    std::string metric;
    double value;
    std::string unit;
    std::string category = "all"; ///< "all", or the ICCS code the value is computed on
    /// The values of the description's placeholders (`{rule}`, `{radius_m}` …), and the
    /// vocabulary's name for it when not the metric's (`near_repeat_ratio.from_zero`).
    std::map<std::string, std::string> values = {};
    std::string text = {};
    /// The description as a city file gives it (`vigia merge` reads city_stats back).
    std::string read_description = {};
};

/// The row's description in `language`: metric_description of data/i18n/metrics.csv, the one
/// place a metric is described.
std::string describe(const CityStat& s, Language language);

/// The neighbours of grid cells and of sub-units (binary, with self), built once per city and
/// shared by every stage and category.
struct StageWeights {
    analysis::Weights grid, units;
};
StageWeights stage_weights(const analysis::Grid& grid, const analysis::Polygons& units,
                           const AnalysisParams& params);

struct HotspotInput {
    const analysis::Grid* grid = nullptr;
    const analysis::Polygons* units = nullptr;
    const analysis::Boundary* boundary = nullptr;
    const std::vector<double>* cell_counts = nullptr;
    const std::vector<double>* unit_counts = nullptr;
    const std::vector<double>* x = nullptr; ///< incident points (null for counts input)
    const std::vector<double>* y = nullptr;
    double years = 0; ///< length of the period covered, 0 when unknown
    /// The hot-spot stability statistics (stability_stats), placed among the others.
    const std::vector<CityStat>* stability = nullptr;
    const StageWeights* weights = nullptr; ///< null: built from grid, units and the parameters
};

struct HotspotResults {
    LocalResults grid, units;
    std::vector<analysis::HotArea> areas;
    analysis::ScaleChoice scale;
    std::optional<analysis::Raster> kde;
    double kde_bandwidth_m = 0, kde_bandwidth_auto_m = 0;
    struct KdeArea {
        double share, threshold;
        analysis::Wkb geometry;
        double area_km2;
    };
    std::vector<KdeArea> kde_areas;
    std::vector<CityStat> stats;
    std::vector<std::string> warnings;
};

/// The grid's neighbours with self (binary): the first ring of cells, or every cell centre
/// within [analysis] neighbourhood_m. The same in every city and stage.
analysis::Weights grid_weights(const analysis::Grid& grid, const AnalysisParams& params);

/// Gi* (binary weights with self), local Moran (row-standardised, without self),
/// permutations, FDR classes and LISA clusters for values `x` under `w_self`.
LocalResults local_statistics(const std::vector<double>& x, const analysis::Weights& w_self,
                              const AnalysisParams& params);

/// Local statistics, hot-spot areas, global statistics and the data's own scale.
HotspotResults hotspot_stage(const HotspotInput& in, const AnalysisParams& params);

/// PAI, RRI, hit rate and Jaccard of the hot cells of a train period against a test period
/// (counts per cell of each), with the grid's weights and the batch's classes.
std::vector<CityStat> stability_stats(const analysis::Grid& grid, const analysis::Weights& grid_w,
                                      const std::vector<double>& train_counts,
                                      const std::vector<double>& test_counts,
                                      const AnalysisParams& params);

/// Kernel density of the points over the boundary (docs/methods.md §9): the raster, its
/// bandwidths and their statistics, appended to `r`.
void kernel_density_stage(HotspotResults& r, const analysis::Boundary& boundary,
                          const std::vector<double>& x, const std::vector<double>& y,
                          const AnalysisParams& params);

/// The polygon → raster → polygons steps need GDAL; the stage takes them as a callback.
using Polygonize = analysis::Wkb (*)(const analysis::Raster&, double threshold);
void kde_areas(HotspotResults& r, Polygonize polygonize);

} // namespace vigia::engine
