#include "engine/run_info.hpp"

#include "engine/fingerprint.hpp"

#include "engine/manifest_keys.hpp"
#include "engine/provenance.hpp"
#include "io/gdal_util.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace vigia::engine {

namespace {

std::string number(double v) {
    return fmt::format("{}", v);
}

/// Appends one run_info entry.
struct Adder {
    std::vector<std::pair<std::string, std::string>>& kv;
    void operator()(std::string k, std::string v) const {
        kv.emplace_back(std::move(k), std::move(v));
    }
};

/// What was read and counted, and what was rejected by reason.
void add_inputs(const CityContext& o, Adder& add) {
    add("crs", io::srs_label(*o.target));
    add("boundary_encoding", o.boundary_encoding);
    add("boundary_features", std::to_string(o.units.size()));
    add("boundary_area_km2", number(o.boundary.area_m2 * 1e-6));
    add("boundary_repairs", std::to_string(o.repairs.size()));
    add("cells", std::to_string(o.grid.size()));
    const analysis::RejectLog* rejects = nullptr;
    if (o.points) {
        add("input_form", "points");
        add("incidents_layer", o.points->layer);
        add("incidents_crs", io::srs_label(*o.points->srs));
        for (const auto& [k, v] : o.points->info)
            add(k, v);
        add("records", std::to_string(o.points->records));
        rejects = &o.points->rejects;
        if (o.points->time_min != analysis::kNoTime)
            add("time_span", fmt::format("{}/{}", io::format_iso(o.points->time_min),
                                         io::format_iso(o.points->time_max)));
    } else {
        add("input_form", "counts per area");
        add("counts_layer", o.counts->layer);
        for (const auto& [k, v] : o.counts->info)
            add(k, v);
        add("counts_rows", std::to_string(o.counts->rows));
        add("records", number(o.counts->incidents));
        add("unknown_keys", std::to_string(o.counts->unknown_keys.size()));
        add("grid_counts", "areal weighting of sub-unit counts (estimates)");
        rejects = &o.counts->rejects;
    }
    double accepted = 0;
    for (double v : o.cell_counts)
        accepted += v;
    add("accepted", number(accepted));
    for (std::size_t r = 0; r < analysis::kRejectReasonCount; ++r) {
        const auto reason = static_cast<analysis::RejectReason>(r);
        add(std::string{"rejected_"} + to_string(reason), number(rejects->count(reason)));
    }
}

/// The data-quality checks, categories and the years covered.
void add_quality(const CityContext& o, Adder& add) {
    const CityConfig& c = *o.city;
    if (o.quality) {
        add("pile_threshold", std::to_string(o.quality->pile_threshold));
        add("piles", std::to_string(o.quality->piles.size()));
        add("incidents_in_piles", std::to_string(o.quality->incidents_in_piles));
        add("largest_stack", std::to_string(o.quality->largest_stack));
        add("duplicates", std::to_string(o.quality->duplicates));
    }
    if (o.assignment) add("incidents_without_unit", std::to_string(o.assignment->without_unit));
    add("years_covered", number(o.years));
    if (!c.categories.empty()) add("unmapped_categories", std::to_string(o.unmapped.size()));
}

/// The hot-spot stage: weights, significance, scale, stability, kernel density.
void add_hotspots(const CityContext& o, Adder& add) {
    const AnalysisParams& a = o.manifest->analysis;
    if (o.hotspots) {
        const HotspotResults& h = *o.hotspots;
        add("gi_weights_grid", h.grid.weights);
        add("gi_weights_units", h.units.weights);
        add("lisa_weights", "the same neighbours without self, row-standardised");
        add("gi_class_p", "analytic (normal) p");
        add("lisa_cluster_p", a.permutations > 0 ? "permutation p <= 0.05" : "analytic p <= 0.05");
        add("islands_grid", std::to_string(h.grid.islands));
        add("islands_units", std::to_string(h.units.islands));
        add("data_scale_m", number(h.scale.chosen_m));
        add("data_scale_rule", h.scale.rule);
        std::string isa;
        for (std::size_t k = 0; k < h.scale.distances.size(); ++k)
            isa += fmt::format("{}{:.0f} m: z {:.3f}", k ? "; " : "", h.scale.distances[k],
                               h.scale.z[k]);
        add("data_scale_bands", isa);
        add("stability_train",
            o.periods.valid ? period_text(o.periods.train) : "none (no time information)");
        add("stability_test",
            o.periods.valid ? period_text(o.periods.test) : "none (no time information)");
        add("kde_bandwidth_m", number(h.kde_bandwidth_m));
        add("kde_bandwidth_auto_m", number(h.kde_bandwidth_auto_m));
        if (h.kde) add("kde_raster", o.city->slug + "_kde.tif");
    }
}

/// The time stages: the space-time cube and the near-repeat test.
void add_time(const CityContext& o, Adder& add) {
    const AnalysisParams& a = o.manifest->analysis;
    if (o.time) {
        const TimeResults& tr = *o.time;
        add("space_time_bins", tr.bins_text.empty() ? "none" : tr.bins_text);
        if (tr.emerging) {
            add("space_time_without_time", std::to_string(tr.emerging->without_time));
            add("space_time_outside_steps", std::to_string(tr.emerging->outside_bins));
            add("ehs_significance",
                a.fdr ? "Gi* p with Benjamini-Hochberg at 0.10 over every bin" : "Gi* p <= 0.10");
            add("ehs_trend_significance", "Mann-Kendall p <= 0.10");
        }
        if (!tr.near_repeat.empty()) {
            add("near_repeat_distance_bands", tr.knox_distance_text);
            add("near_repeat_time_bands", tr.knox_time_text);
            add("near_repeat_permutations", std::to_string(a.near_repeat.permutations));
            add("near_repeat_seed", std::to_string(a.seed));
            for (const NearRepeatOutput& nr : tr.near_repeat)
                add("near_repeat_" + nr.category,
                    nr.skipped ? "not computed: " + nr.skip_reason
                               : fmt::format("{} incidents with a time ({} without), {} pairs "
                                             "within the largest distance",
                                             nr.result.incidents, nr.result.without_time,
                                             nr.result.pairs_within));
        }
    }
}

/// Population and the facility networks.
void add_coverage(const CityContext& o, Adder& add) {
    if (o.coverage) {
        if (o.coverage->population) {
            const auto& p = *o.coverage->population;
            add("population_total", number(p.total));
            add("population_overlap_km2", number(p.report.overlap_km2));
            add("population_gap_km2", number(p.report.gap_km2));
            add("population_outside_boundary", number(p.report.outside));
        }
        for (const KindCoverage& k : o.coverage->kinds) {
            const std::string pre = "facilities_" + k.config->kind + "_";
            add(pre + "count", std::to_string(k.facilities.size()));
            if (k.config->suggest) {
                add(pre + "suggest", std::to_string(k.config->suggest));
                add(pre + "objective", to_string(k.config->objective));
                add(pre + "candidates", k.config->candidates.empty()
                                            ? "grid cell centres inside the boundary"
                                            : k.config->candidates);
            }
        }
    }
}

} // namespace

std::vector<std::pair<std::string, std::string>> run_info(const CityContext& o,
                                                          double write_seconds) {
    const CityConfig& c = *o.city;
    std::vector<std::pair<std::string, std::string>> kv;
    Adder add{kv};
    add("vigia_version", vigia_version());
    add("libraries", library_versions());
    add("run_at_utc", utc_now());
    add("manifest", o.manifest->path.string());
    add("city", c.name);
    add("slug", c.slug);
    // Where the city stands in the manifest (merge orders cities as a batch would), and the
    // method fingerprint merge compares (engine/fingerprint.hpp).
    for (std::size_t i = 0; i < o.manifest->cities.size(); ++i)
        if (&o.manifest->cities[i] == &c) add("city_index", std::to_string(i));
    const Parameters method = method_parameters(*o.manifest);
    add("method_fingerprint", fingerprint(method));
    for (const auto& [k, v] : method)
        if (k == "iccs_table") add(k, v);
    if (!c.categories.empty()) {
        std::ifstream in{c.categories, std::ios::binary};
        const std::string bytes{std::istreambuf_iterator<char>{in}, {}};
        add("categories_map_hash", "fnv1a64:" + fnv1a64_hex(bytes));
    }
    // Every parameter as the manifest declares it (engine/manifest_tables.cpp).
    for (auto& [k, v] : manifest_echo(*o.manifest, c))
        add(std::move(k), std::move(v));
    add_inputs(o, add);
    add_quality(o, add);
    add_hotspots(o, add);
    add_time(o, add);
    add_coverage(o, add);
    for (std::size_t i = 0; i < o.warnings.size(); ++i)
        add(fmt::format("warning_{}", i + 1), o.warnings[i]);
    for (const auto& [k, v] : o.timings)
        add("time_" + k, fmt::format("{:.3f}", v));
    // Closing the file (GDAL builds the spatial indexes then) comes after this table is
    // written, so it is not in time_write_s; the summary on screen gives the whole run.
    add("time_write_s", fmt::format("{:.3f}", write_seconds));
    return kv;
}

} // namespace vigia::engine
