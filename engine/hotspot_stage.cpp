#include "engine/hotspot_stage.hpp"

#include "engine/labels.hpp"

#include "analysis/geos.hpp"
#include "analysis/global_stats.hpp"
#include "analysis/stability.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>

namespace vigia::engine {

using namespace vigia::analysis;

LocalResults local_statistics(const std::vector<double>& x, const Weights& w_self,
                              const AnalysisParams& params) {
    LocalResults r;
    r.weights = w_self.description;
    r.islands = w_self.islands().size();
    const Weights lisa_w = row_standardised(without_self(w_self));
    r.gi_z = gi_star_z(x, w_self);
    r.gi_p.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        r.gi_p[i] = two_sided_p(r.gi_z[i]);
    r.defined = std::any_of(r.gi_z.begin(), r.gi_z.end(), [](double v) { return !std::isnan(v); });
    r.gi_class = confidence_classes(r.gi_z, r.gi_p, params.fdr);
    const LocalMoran lm = local_moran(x, lisa_w);
    r.lisa_i = lm.i;
    r.lisa_z = lm.z;
    const PermutationP pp =
        permutation_p(x, w_self, lisa_w, PermutationSpec{params.permutations, params.seed});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.gi_p_sim = pp.gi.empty() ? std::vector<double>(x.size(), nan) : pp.gi;
    r.lisa_p_sim = pp.lisa.empty() ? std::vector<double>(x.size(), nan) : pp.lisa;
    if (!r.defined) std::fill(r.lisa_p_sim.begin(), r.lisa_p_sim.end(), nan);
    // Islands have no neighbourhood to compare with: no permutation p either.
    for (std::int32_t i : w_self.islands())
        r.gi_p_sim[i] = r.lisa_p_sim[i] = nan;
    r.lisa_cluster = lisa_clusters(x, lm.lag_z, params.permutations > 0 ? r.lisa_p_sim : lm.p);
    return r;
}

Weights grid_weights(const Grid& grid, const AnalysisParams& params) {
    return params.neighbourhood_m > 0
               ? distance_band(grid.cx, grid.cy, params.neighbourhood_m, true)
               : grid_ring(grid, true);
}

namespace {

std::vector<std::array<double, 2>> centroids(const Polygons& p);

} // namespace

StageWeights stage_weights(const Grid& grid, const Polygons& units, const AnalysisParams& params) {
    StageWeights w;
    w.grid = grid_weights(grid, params);
    if (params.neighbourhood_m > 0) {
        std::vector<double> ux, uy;
        for (const auto& p : centroids(units)) {
            ux.push_back(p[0]);
            uy.push_back(p[1]);
        }
        w.units = distance_band(ux, uy, params.neighbourhood_m, true);
    } else {
        w.units = queen_contiguity(units, 1.0, true);
    }
    return w;
}

namespace {

std::vector<std::array<double, 2>> centroids(const Polygons& p) {
    GeosContext ctx;
    std::vector<std::array<double, 2>> out;
    for (const Wkb& w : p.wkb) {
        double x = 0, y = 0;
        centroid(ctx, from_wkb(ctx, w).get(), x, y);
        out.push_back({x, y});
    }
    return out;
}

void add(std::vector<CityStat>& s, std::string metric, double value, std::string unit,
         std::map<std::string, std::string> values = {}) {
    s.push_back({std::move(metric), value, std::move(unit), "all", std::move(values)});
}

} // namespace

std::string describe(const CityStat& s, Language language) {
    if (!s.read_description.empty()) return s.read_description;
    return metric_description(language, s.text.empty() ? s.metric : s.text, s.values);
}

HotspotResults hotspot_stage(const HotspotInput& in, const AnalysisParams& params) {
    HotspotResults r;
    const Grid& grid = *in.grid;
    const std::vector<double>& counts = *in.cell_counts;
    const double nan = std::numeric_limits<double>::quiet_NaN();

    // Weights: the same rule in every city; built here unless the caller has them already.
    std::optional<StageWeights> own;
    if (!in.weights) own = stage_weights(grid, *in.units, params);
    const StageWeights& weights = in.weights ? *in.weights : *own;
    const Weights& grid_w = weights.grid;
    const Weights& unit_w = weights.units;
    r.grid = local_statistics(counts, grid_w, params);
    r.units = local_statistics(*in.unit_counts, unit_w, params);
    if (r.grid.islands)
        r.warnings.push_back(fmt::format("{} grid cells have no neighbour (islands): their Gi* "
                                         "compares the cell with itself only, and local Moran is "
                                         "undefined there",
                                         r.grid.islands));
    if (r.units.islands && in.units->size() > 1) // one unit (the municipality): nothing to compare
        r.warnings.push_back(
            fmt::format("{} sub-units have no neighbour (islands)", r.units.islands));
    const bool all_equal =
        std::adjacent_find(counts.begin(), counts.end(), std::not_equal_to<>()) == counts.end();
    if (!r.grid.defined && !all_equal)
        r.warnings.push_back("every grid cell neighbours every other one (the grid is too small "
                             "for its neighbourhood): Gi* and local Moran are undefined and left "
                             "empty; use smaller cells or a smaller neighbourhood_m");
    else if (!r.grid.defined)
        r.warnings.push_back("every grid cell has the same count: no hot spot can be tested "
                             "(Gi* and local Moran are undefined and left empty)");

    // The grid's neighbours without self: the adjacency of hot areas and the global weights.
    const Weights binary = without_self(grid_w);
    r.areas = hot_areas(grid, binary, r.grid.gi_class, counts, r.grid.gi_z);

    // Global statistics on the grid.
    const GlobalTest moran = moran_i(counts, row_standardised(binary));
    const GlobalTest g = general_g(counts, binary);
    const Concentration conc = concentration(counts, grid.area_km2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    const double area = std::accumulate(grid.area_km2.begin(), grid.area_km2.end(), 0.0);
    if (conc.zero_share > 0.5)
        r.warnings.push_back(fmt::format(
            "{:.0f}% of cells have no incident: the normal approximation behind gi_p is weak "
            "for such sparse counts; read gi_p_sim (permutations)",
            100 * conc.zero_share));

    auto& s = r.stats;
    add(s, "incidents", total, "incidents");
    if (in.years > 0) add(s, "incidents_per_year", total / in.years, "incidents/year");
    add(s, "area_km2", area, "km2");
    add(s, "incidents_per_km2", area > 0 ? total / area : nan, "incidents/km2");
    add(s, "cells", static_cast<double>(grid.size()), "cells");
    add(s, "zero_cell_share", conc.zero_share, "share");
    add(s, "moran_i", moran.value, "");
    add(s, "moran_i_expected", moran.expectation, "");
    add(s, "moran_i_z", moran.z, "z");
    add(s, "moran_i_p", moran.p, "p");
    add(s, "general_g", g.value, "");
    add(s, "general_g_expected", g.expectation, "");
    add(s, "general_g_z", g.z, "z");
    add(s, "general_g_p", g.p, "p");
    if (in.x) {
        const ClarkEvans ce = clark_evans(*in.x, *in.y, in.boundary->area_m2);
        add(s, "nni_observed_m", ce.observed, "m");
        add(s, "nni_expected_m", ce.expected, "m");
        add(s, "nni_r", ce.r, "ratio");
        add(s, "nni_z", ce.z, "z");
        add(s, "nni_p", ce.p, "p");
    }
    add(s, "gini", conc.gini, "");
    add(s, "gini_generalised", conc.gini_generalised, "");
    add(s, "cells_share_25", conc.cells_share_25, "share");
    add(s, "cells_share_50", conc.cells_share_50, "share");
    add(s, "area_share_25", conc.area_share_25, "share");
    add(s, "area_share_50", conc.area_share_50, "share");
    double hot_cells = 0, hot_area = 0, hot_count = 0, cold_cells = 0;
    for (std::size_t c = 0; c < grid.size(); ++c) {
        if (r.grid.gi_class[c] >= 2) {
            ++hot_cells;
            hot_area += grid.area_km2[c];
            hot_count += counts[c];
        }
        if (r.grid.gi_class[c] <= -2) ++cold_cells;
    }
    add(s, "hot_cells", hot_cells, "cells");
    add(s, "cold_cells", cold_cells, "cells");
    add(s, "hot_area_share", area > 0 ? hot_area / area : nan, "share");
    add(s, "hot_incident_share", total > 0 ? hot_count / total : nan, "share");
    add(s, "hotspot_areas", static_cast<double>(r.areas.size()), "areas");

    // Hot-spot stability (its own stage), in its place among the statistics.
    if (in.stability) s.insert(s.end(), in.stability->begin(), in.stability->end());
    r.scale = incremental_autocorrelation(grid, counts);
    add(s, "data_scale_m", r.scale.chosen_m > 0 ? r.scale.chosen_m : nan, "m",
        {{"rule", r.scale.rule}});
    add(s, "mean_neighbours", binary.mean_neighbours(), "cells");

    return r;
}

std::vector<CityStat> stability_stats(const Grid& grid, const Weights& grid_w,
                                      const std::vector<double>& train_counts,
                                      const std::vector<double>& test_counts,
                                      const AnalysisParams& params) {
    // Hot spots of the first period against the second: the same weights and classes.
    auto hot = [&](const std::vector<double>& x) {
        const std::vector<double> z = gi_star_z(x, grid_w);
        std::vector<double> p(z.size());
        for (std::size_t i = 0; i < z.size(); ++i)
            p[i] = two_sided_p(z[i]);
        const auto cls = confidence_classes(z, p, params.fdr);
        std::vector<std::uint8_t> h(cls.size());
        for (std::size_t i = 0; i < cls.size(); ++i)
            h[i] = cls[i] >= 2;
        return h;
    };
    const Stability st =
        stability(train_counts, test_counts, grid.area_km2, hot(train_counts), hot(test_counts));
    std::vector<CityStat> s;
    add(s, "pai", st.pai, "ratio");
    add(s, "rri", st.rri, "ratio");
    add(s, "hit_rate", st.hit_rate, "share");
    add(s, "hotspot_jaccard", st.jaccard, "share");
    return s;
}

void kernel_density_stage(HotspotResults& r, const Boundary& boundary, const std::vector<double>& x,
                          const std::vector<double>& y, const AnalysisParams& params) {
    if (x.empty()) return;
    auto& s = r.stats;
    r.kde_bandwidth_auto_m = silverman_bandwidth(x, y);
    r.kde_bandwidth_m =
        params.kde.bandwidth_m > 0 ? params.kde.bandwidth_m : r.kde_bandwidth_auto_m;
    if (r.kde_bandwidth_m < params.kde.pixel_m) {
        r.warnings.push_back(fmt::format(
            "kernel density skipped: the automatic bandwidth ({:.1f} m) is below the pixel "
            "size ({} m); give [analysis] kde.bandwidth_m",
            r.kde_bandwidth_m, params.kde.pixel_m));
    } else {
        Raster raster = boundary_raster(boundary, params.kde.pixel_m);
        kernel_density(raster, x, y, params.kde.kernel, r.kde_bandwidth_m);
        r.kde = std::move(raster);
    }
    add(s, "kde_bandwidth_m", r.kde_bandwidth_m, "m");
    add(s, "kde_bandwidth_auto_m", r.kde_bandwidth_auto_m, "m");
}

void kde_areas(HotspotResults& r, Polygonize polygonize) {
    if (!r.kde) return;
    const std::vector<double> shares{0.5, 0.75, 0.9};
    const std::vector<double> t = volume_thresholds(*r.kde, shares);
    for (std::size_t k = 0; k < shares.size(); ++k) {
        HotspotResults::KdeArea a;
        a.share = shares[k];
        a.threshold = t[k];
        a.geometry = polygonize(*r.kde, t[k]);
        a.area_km2 = 0;
        for (std::size_t i = 0; i < r.kde->values.size(); ++i)
            if (r.kde->inside[i] && r.kde->values[i] >= t[k] && r.kde->values[i] > 0)
                a.area_km2 += r.kde->pixel * r.kde->pixel * 1e-6;
        if (!a.geometry.empty()) r.kde_areas.push_back(std::move(a));
    }
}

} // namespace vigia::engine
