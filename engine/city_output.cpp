#include "engine/city_output.hpp"

#include "analysis/rates.hpp"
#include "engine/iccs.hpp"
#include "engine/labels.hpp"
#include "engine/pipeline.hpp"
#include "engine/provenance.hpp"
#include "io/gpkg_writer.hpp"
#include "io/raster.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

namespace vigia::engine {

namespace {

using io::Column;
using io::LayerData;

std::vector<std::int64_t> sequence(std::size_t n) {
    std::vector<std::int64_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::int64_t>(i) + 1;
    return v;
}

std::string number(double v) {
    return fmt::format("{}", v);
}

/// The hot-spot fields every grid cell and sub-unit carries.
void add_local_columns(LayerData& d, const LocalResults& r) {
    std::vector<std::int64_t> cls(r.gi_class.begin(), r.gi_class.end());
    std::vector<std::string> cluster;
    for (auto c : r.lisa_cluster)
        cluster.emplace_back(analysis::to_string(c));
    d.columns.push_back({"gi_z", r.gi_z});
    d.columns.push_back({"gi_p", r.gi_p});
    d.columns.push_back({"gi_p_sim", r.gi_p_sim});
    d.columns.push_back({"gi_class", std::move(cls)});
    d.columns.push_back({"lisa_i", r.lisa_i});
    d.columns.push_back({"lisa_z", r.lisa_z});
    d.columns.push_back({"lisa_p_sim", r.lisa_p_sim});
    d.columns.push_back({"lisa_cluster", std::move(cluster)});
}

/// A category's count and hot-spot fields: count_<code>, gi_z_<code>, gi_class_<code>,
/// lisa_<code>.
void add_category_columns(LayerData& d, const std::string& code, const std::vector<double>& count,
                          const LocalResults& r) {
    std::vector<std::int64_t> cls(r.gi_class.begin(), r.gi_class.end());
    std::vector<std::string> cluster;
    for (auto c : r.lisa_cluster)
        cluster.emplace_back(analysis::to_string(c));
    d.columns.push_back({"count_" + code, count});
    d.columns.push_back({"gi_z_" + code, r.gi_z});
    d.columns.push_back({"gi_class_" + code, std::move(cls)});
    d.columns.push_back({"lisa_" + code, std::move(cluster)});
}

/// The emerging hot-spot pattern of every cell and its trends (docs/methods.md §15).
void add_emerging_columns(LayerData& d, const analysis::EmergingResult& e) {
    std::vector<std::string> category;
    std::vector<std::int64_t> hot, cold, count_dir, gi_dir;
    std::vector<double> count_z, count_p, gi_z, gi_p;
    for (std::size_t c = 0; c < e.category.size(); ++c) {
        category.emplace_back(analysis::to_string(e.category[c]));
        hot.push_back(e.hot_steps[c]);
        cold.push_back(e.cold_steps[c]);
        count_z.push_back(e.count_trend[c].z);
        count_p.push_back(e.count_trend[c].p);
        count_dir.push_back(e.count_trend[c].direction);
        gi_z.push_back(e.gi_trend[c].z);
        gi_p.push_back(e.gi_trend[c].p);
        gi_dir.push_back(e.gi_trend[c].direction);
    }
    d.columns.push_back({"ehs_category", std::move(category)});
    d.columns.push_back({"ehs_hot_steps", std::move(hot)});
    d.columns.push_back({"ehs_cold_steps", std::move(cold)});
    d.columns.push_back({"trend_count_z", std::move(count_z)});
    d.columns.push_back({"trend_count_p", std::move(count_p)});
    d.columns.push_back({"trend_count_dir", std::move(count_dir)});
    d.columns.push_back({"trend_gi_z", std::move(gi_z)});
    d.columns.push_back({"trend_gi_p", std::move(gi_p)});
    d.columns.push_back({"trend_gi_dir", std::move(gi_dir)});
}

std::vector<double> per_year(std::vector<double> v, double years) {
    for (double& x : v)
        x /= years;
    return v;
}

/// Incidents per 100,000 residents over the period; NULL where nobody lives.
std::vector<double> rate_100k(const std::vector<double>& counts, const std::vector<double>& pop) {
    std::vector<double> r(counts.size(), std::nan(""));
    for (std::size_t i = 0; i < counts.size(); ++i)
        if (pop[i] > 0) r[i] = counts[i] / pop[i] * 1e5;
    return r;
}

/// Marshall's global empirical Bayes rate per 100,000 residents (NULL where nobody lives).
std::vector<double> eb_100k(const std::vector<double>& counts, const std::vector<double>& pop) {
    std::vector<double> r = analysis::empirical_bayes_rates(counts, pop);
    for (double& v : r)
        v *= 1e5;
    return r;
}

/// The title QGIS shows for a layer (gpkg_contents.identifier): the city and what it holds.
std::string layer_title(const std::string& city, const std::string& name) {
    static const std::map<std::string, std::string> titles{
        {"grid", "grid cells"},
        {"units", "sub-units"},
        {"boundary", "boundary"},
        {"incidents", "incidents"},
        {"unit_counts", "counts per sub-unit"},
        {"hotspots", "hot-spot areas"},
        {"kde_areas", "kernel density areas"},
        {"uncovered_hotspots", "hot spots outside every network"},
        {"coverage", "coverage per network"},
        {"city_stats", "city statistics"},
        {"unmapped_categories", "unmapped offence labels"},
        {"rejected", "records not counted"},
        {"run_info", "run information"}};
    if (auto it = titles.find(name); it != titles.end()) return city + ": " + it->second;
    for (const auto& [prefix, what] :
         {std::pair<std::string, std::string>{"coverage_", "area within reach of "},
          {"facilities_", "facilities: "},
          {"suggested_", "suggested sites: "}})
        if (name.rfind(prefix, 0) == 0) return city + ": " + what + name.substr(prefix.size());
    return city + ": " + name;
}

/// NULLs the counts strictly between 0 and `min` in column `count`, and the same rows of
/// the columns derived from it (densities, rates, shares).
void suppress_column(LayerData& d, const std::string& count,
                     std::initializer_list<std::string_view> derived, double min) {
    auto find = [&](std::string_view name) -> std::vector<double>* {
        for (Column& c : d.columns)
            if (c.name == name) return std::get_if<std::vector<double>>(&c.values);
        return nullptr;
    };
    std::vector<double>* n = find(count);
    if (!n) return;
    std::vector<std::vector<double>*> others;
    for (std::string_view name : derived)
        if (auto* v = find(name)) others.push_back(v);
    const double nan = std::nan("");
    for (std::size_t i = 0; i < n->size(); ++i) {
        if (!((*n)[i] > 0 && (*n)[i] < min)) continue;
        (*n)[i] = nan;
        for (auto* v : others)
            (*v)[i] = nan;
    }
}

/// What the shareable copies leave out or suppress (docs/methods.md §14).
struct Publication {
    double min = 0;
    /// Categories with more than none but fewer than `min` incidents: their rows and
    /// per-category fields are left out.
    std::set<std::string> small_categories;
};

/// A run_info entry as the shareable file gives it: nullopt to leave it out (warnings, which
/// may quote records; quality counts and the exact time span; per-category record counts),
/// small record counts replaced by "fewer than N".
std::optional<std::string> public_info(const std::string& key, const std::string& value,
                                       double min) {
    static const std::set<std::string> left_out{"time_span",  "largest_stack",
                                                "duplicates", "incidents_in_piles",
                                                "piles",      "pile_threshold"};
    static const std::set<std::string> knox_parameters{
        "near_repeat_distance_bands", "near_repeat_time_bands", "near_repeat_permutations",
        "near_repeat_seed"};
    if (left_out.count(key) || key.rfind("warning_", 0) == 0) return std::nullopt;
    if (key.rfind("near_repeat_", 0) == 0 && !knox_parameters.count(key)) return std::nullopt;
    static const std::set<std::string> counts{"incidents_without_unit", "space_time_without_time",
                                              "space_time_outside_steps", "unknown_keys"};
    if (min > 0 && (key.rfind("rejected_", 0) == 0 || counts.count(key))) {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (end && *end == '\0' && v > 0 && v < min) return fmt::format("fewer than {}", min);
    }
    return value;
}

/// Keeps the rows of `d` whose `category` is not a small one; geometry rows go to `geom`.
void drop_small_category_rows(LayerData& d, const std::set<std::string>& small,
                              std::vector<analysis::Wkb>& geom) {
    const Column* cat = nullptr;
    for (const Column& c : d.columns)
        if (c.name == "category") cat = &c;
    if (!cat || small.empty()) return;
    const auto& category = std::get<std::vector<std::string>>(cat->values);
    std::vector<std::uint8_t> keep(category.size());
    for (std::size_t i = 0; i < category.size(); ++i)
        keep[i] = !small.count(category[i]);
    for (Column& c : d.columns)
        std::visit(
            [&](auto& v) {
                if constexpr (std::is_same_v<std::decay_t<decltype(v)>, io::TimeValues>) {
                    std::size_t o = 0;
                    for (std::size_t i = 0; i < v.seconds.size(); ++i)
                        if (keep[i]) v.seconds[o++] = v.seconds[i];
                    v.seconds.resize(o);
                } else {
                    std::size_t o = 0;
                    for (std::size_t i = 0; i < v.size(); ++i)
                        if (keep[i]) v[o++] = v[i];
                    v.resize(o);
                }
            },
            c.values);
    if (d.wkb) {
        geom.clear();
        for (std::size_t i = 0; i < keep.size(); ++i)
            if (keep[i]) geom.push_back((*d.wkb)[i]);
        d.wkb = &geom;
    }
}

/// The shareable copy of a layer (docs/methods.md §14): counts below the threshold suppressed
/// with what is derived from them, small categories left out; `geom` holds its geometry
/// when rows are left out.
LayerData public_copy(const LayerData& d, const Publication& pub,
                      std::vector<analysis::Wkb>& geom) {
    LayerData p = d;
    const double min = pub.min;
    const std::string& n = d.name;
    drop_small_category_rows(p, pub.small_categories, geom);
    for (const std::string& code : pub.small_categories)
        std::erase_if(p.columns, [&](const Column& c) {
            return c.name == "gi_z_" + code || c.name == "gi_class_" + code ||
                   c.name == "lisa_" + code;
        });
    if (n == "grid" || n == "units") {
        suppress_column(p, "count",
                        {"density_km2", "density_km2_year", "rate_100k", "rate_100k_eb"}, min);
        for (const Column& c : d.columns)
            if (c.name.rfind("count_", 0) == 0) suppress_column(p, c.name, {}, min);
    } else if (n == "hotspots" || n == "uncovered_hotspots") {
        suppress_column(p, n == "hotspots" ? "count" : "incidents", {"share"}, min);
    } else if (n.rfind("facilities_", 0) == 0 || n == "unmapped_categories") {
        suppress_column(p, "incidents", {}, min);
    } else if (n == "near_repeat") {
        suppress_column(p, "observed", {"ratio"}, min);
    } else if (n == "clock") {
        for (const Column& c : d.columns)
            if (std::holds_alternative<std::vector<double>>(c.values))
                suppress_column(p, c.name, {}, min);
    } else if (n.rfind("suggested_", 0) == 0) {
        // The share after each site gives its gain back from the city total: suppressed too.
        suppress_column(p, "gain", {"cumulative_gain", "coverage_share"}, min);
    } else if (n == "run_info") {
        auto& keys = std::get<std::vector<std::string>>(p.columns[0].values);
        auto& values = std::get<std::vector<std::string>>(p.columns[1].values);
        std::size_t o = 0;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (auto v = public_info(keys[i], values[i], min)) {
                keys[o] = keys[i];
                values[o++] = *v;
            }
        keys.resize(o);
        values.resize(o);
    }
    return p;
}

/// The city_stats table of `metrics`.
LayerData stats_layer(const std::vector<CityStat>& metrics, const std::string& language) {
    LayerData d;
    d.name = "city_stats";
    d.description = "Comparable statistics of the city: one row per category and metric";
    std::vector<std::string> metric, unit, desc, category, category_name;
    std::vector<double> value;
    for (const auto& st : metrics) {
        category.push_back(st.category);
        category_name.push_back(category_label(st.category, language));
        metric.push_back(st.metric);
        value.push_back(st.value);
        unit.push_back(st.unit);
        desc.push_back(st.description);
    }
    d.columns.push_back({"category", std::move(category)});
    d.columns.push_back({"category_name", std::move(category_name)});
    d.columns.push_back({"metric", std::move(metric)});
    d.columns.push_back({"value", std::move(value)});
    d.columns.push_back({"unit", std::move(unit)});
    d.columns.push_back({"description", std::move(desc)});
    return d;
}

/// Where write_city sends each layer: the city's own GeoPackage, and the shareable one.
class CitySinks {
public:
    CitySinks(io::GpkgWriter& full, io::GpkgWriter* pub, Publication publication, std::string city)
        : m_full{full}, m_pub{pub}, m_publication{std::move(publication)}, m_city{std::move(city)} {
    }
    /// A layer for both files (suppressed in the shareable one, or `pub` there).
    void write(LayerData& d, LayerData* pub = nullptr) {
        d.title = layer_title(m_city, d.name);
        m_full.write(d);
        if (!m_pub) return;
        if (pub) {
            pub->title = d.title;
            m_pub->write(*pub);
        } else {
            std::vector<analysis::Wkb> geom;
            m_pub->write(public_copy(d, m_publication, geom));
        }
    }
    /// A layer of records (incident points, rejected rows): the city's own file only.
    void write_private(LayerData& d) {
        d.title = layer_title(m_city, d.name);
        m_full.write(d);
    }
    /// A run_info entry as metadata (`vigia_<key>`), as public_info gives it in the
    /// shareable file.
    void set_metadata(const std::string& key, const std::string& value) {
        m_full.set_metadata("vigia_" + key, value);
        if (!m_pub) return;
        if (auto v = public_info(key, value, m_publication.min))
            m_pub->set_metadata("vigia_" + key, *v);
    }

private:
    io::GpkgWriter& m_full;
    io::GpkgWriter* m_pub;
    Publication m_publication;
    std::string m_city;
};

/// A temporary file beside the target, removed unless released.
struct TempFile {
    std::filesystem::path path;
    bool keep = false;
    TempFile() = default;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ec;
        if (!keep && !path.empty()) std::filesystem::remove(path, ec);
    }
};

/// The run_info table: every parameter, input, version, count and timing, as text.
std::vector<std::pair<std::string, std::string>> run_info(const CityOutput& o,
                                                          double write_seconds) {
    const CityConfig& c = *o.city;
    const AnalysisParams& a = o.manifest->analysis;
    std::vector<std::pair<std::string, std::string>> kv;
    auto add = [&](std::string k, std::string v) { kv.emplace_back(std::move(k), std::move(v)); };
    add("vigia_version", vigia_version());
    add("libraries", library_versions());
    add("run_at_utc", utc_now());
    add("manifest", o.manifest->path.string());
    add("city", c.name);
    add("slug", c.slug);
    add("crs", io::srs_label(*o.target));
    add("crs_requested", a.crs);
    add("grid", to_string(a.grid.shape));
    add("cell_size_m", number(a.grid.cell_size_m));
    add("period", a.period ? a.period_text : "none");
    add("boundary_path", c.boundary.path);
    add("boundary_features", std::to_string(o.units.size()));
    add("boundary_area_km2", number(o.boundary.area_m2 * 1e-6));
    add("boundary_repairs", std::to_string(o.repairs.size()));
    add("cells", std::to_string(o.grid.size()));
    const analysis::RejectLog* rejects = nullptr;
    if (o.points) {
        const auto& s = *c.incidents;
        add("input_form", "points");
        add("incidents_path", s.path);
        add("incidents_layer", o.points->layer);
        add("incidents_crs", io::srs_label(*o.points->srs));
        add("incidents_x", s.x);
        add("incidents_y", s.y);
        add("incidents_time", s.time);
        add("incidents_category", s.category);
        add("incidents_where", s.where);
        add("records", std::to_string(o.points->records));
        rejects = &o.points->rejects;
        if (o.points->time_min != analysis::kNoTime)
            add("time_span", fmt::format("{}/{}", io::format_iso(o.points->time_min),
                                         io::format_iso(o.points->time_max)));
    } else {
        const auto& s = *c.counts;
        add("input_form", "counts per area");
        add("counts_path", s.path);
        add("counts_layer", o.counts->layer);
        add("counts_key", s.key);
        add("counts_unit_key", c.boundary.key_field);
        add("counts_count", s.count);
        add("counts_category", s.category);
        add("counts_year", s.year);
        add("counts_month", s.month);
        add("counts_where", s.where);
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
    if (o.quality) {
        add("pile_threshold", std::to_string(o.quality->pile_threshold));
        add("piles", std::to_string(o.quality->piles.size()));
        add("incidents_in_piles", std::to_string(o.quality->incidents_in_piles));
        add("largest_stack", std::to_string(o.quality->largest_stack));
        add("duplicates", std::to_string(o.quality->duplicates));
    }
    if (o.assignment) add("incidents_without_unit", std::to_string(o.assignment->without_unit));
    add("years_covered", number(o.years));
    add("categories_map", c.categories.empty() ? "none" : c.categories);
    {
        std::string list;
        for (const auto& code : a.categories)
            list += (list.empty() ? "" : ", ") + code;
        add("categories", list.empty() ? "none (all incidents only)" : list);
    }
    add("language", a.language);
    add("publish_min_count", number(o.manifest->publish.min_count));
    if (!c.categories.empty()) add("unmapped_categories", std::to_string(o.unmapped.size()));
    if (o.hotspots) {
        const HotspotResults& h = *o.hotspots;
        add("gi_weights_grid", h.grid.weights);
        add("gi_weights_units", h.units.weights);
        add("lisa_weights", "the same neighbours without self, row-standardised");
        add("neighbourhood_m",
            a.neighbourhood_m > 0 ? number(a.neighbourhood_m) : "first ring (default)");
        add("permutations", std::to_string(a.permutations));
        add("seed", std::to_string(a.seed));
        add("fdr", a.fdr ? "Benjamini-Hochberg at 0.10, 0.05, 0.01 (ArcGIS)" : "none");
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
        add("stability_train", h.train_text.empty() ? "none (no time information)" : h.train_text);
        add("stability_test", h.test_text.empty() ? "none (no time information)" : h.test_text);
        add("kde_kernel", to_string(a.kde.kernel));
        add("kde_bandwidth_requested", a.kde.bandwidth_m > 0 ? number(a.kde.bandwidth_m) : "auto");
        add("kde_bandwidth_m", number(h.kde_bandwidth_m));
        add("kde_bandwidth_auto_m", number(h.kde_bandwidth_auto_m));
        add("kde_pixel_m", number(a.kde.pixel_m));
        if (h.kde) add("kde_raster", o.city->slug + "_kde.tif");
    }
    if (o.time) {
        const TimeResults& tr = *o.time;
        add("time_step", tr.step_text);
        add("time_window", std::to_string(a.time.window));
        add("partial_steps", a.time.drop_partial ? "drop" : "keep");
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
    if (o.coverage) {
        if (o.coverage->population) {
            const auto& p = *o.coverage->population;
            add("population_path", c.population->path);
            add("population_field", c.population->value_field);
            add("population_total", number(p.total));
            add("population_overlap_km2", number(p.report.overlap_km2));
            add("population_gap_km2", number(p.report.gap_km2));
            add("population_outside_boundary", number(p.report.outside));
        }
        for (const KindCoverage& k : o.coverage->kinds) {
            const std::string pre = "facilities_" + k.config->kind + "_";
            add(pre + "path", k.config->source.path);
            add(pre + "where", k.config->source.where);
            add(pre + "radius_m", number(k.config->radius_m));
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
    for (std::size_t i = 0; i < o.warnings.size(); ++i)
        add(fmt::format("warning_{}", i + 1), o.warnings[i]);
    for (const auto& [k, v] : o.timings)
        add("time_" + k, fmt::format("{:.3f}", v));
    // Closing the file (GDAL builds the spatial indexes then) comes after this table is
    // written, so it is not in time_write_s; the summary on screen gives the whole run.
    add("time_write_s", fmt::format("{:.3f}", write_seconds));
    return kv;
}

/// The coverage layers: per network its service area, facilities with their loads and the
/// suggested sites; the hot spots no network reaches; and the `coverage` table.
void write_coverage(CitySinks& w, const CoverageResults& c, const OGRSpatialReference* srs) {
    for (const KindCoverage& k : c.kinds) {
        const std::string& kind = k.config->kind;
        {
            LayerData d;
            d.name = "coverage_" + kind;
            d.description = fmt::format("Area within {} m of a '{}' facility, inside the boundary",
                                        k.config->radius_m, kind);
            d.srs = srs;
            d.geometry_type = wkbMultiPolygon;
            const std::vector<analysis::Wkb> one{k.area.wkb};
            d.wkb = &one;
            d.columns.push_back({"kind", std::vector<std::string>{kind}});
            d.columns.push_back({"radius_m", std::vector<double>{k.config->radius_m}});
            d.columns.push_back({"area_km2", std::vector<double>{k.area.area_km2}});
            w.write(d);
        }
        {
            LayerData d;
            d.name = "facilities_" + kind;
            d.description = fmt::format("'{}' facilities with what lies within {} m of each", kind,
                                        k.config->radius_m);
            d.srs = srs;
            // Points, polygons (parks), or both in one network.
            const bool points =
                k.polygons ? std::any_of(k.facilities.wkb.begin(), k.facilities.wkb.end(),
                                         [](const analysis::Wkb& g) { return g.size() == 21; })
                           : true;
            d.geometry_type = !k.polygons ? wkbPoint : points ? wkbUnknown : wkbMultiPolygon;
            d.wkb = &k.facilities.wkb;
            std::vector<std::int64_t> inside(k.inside.begin(), k.inside.end());
            d.columns.push_back({"facility_id", sequence(k.facilities.size())});
            d.columns.push_back({"name", k.facilities.names});
            d.columns.push_back({"inside_boundary", std::move(inside)});
            d.columns.push_back({"incidents", k.load_incidents});
            d.columns.push_back({"hotspot_cells", k.load_hot_cells});
            d.columns.push_back({"residents", k.load_residents});
            w.write(d);
        }
        if (k.config->suggest > 0) {
            LayerData d;
            d.name = "suggested_" + kind;
            d.description = fmt::format("Suggested new '{}' sites (greedy maximal covering, {} m)",
                                        kind, k.config->radius_m);
            d.srs = srs;
            d.geometry_type = wkbPoint;
            d.x = &k.site_x;
            d.y = &k.site_y;
            std::vector<double> gain, cumulative, share_after;
            for (const auto& s : k.siting.sites) {
                gain.push_back(s.gain);
                cumulative.push_back(s.cumulative);
                share_after.push_back(k.demand_total > 0
                                          ? (k.demand_covered + s.cumulative) / k.demand_total
                                          : std::nan(""));
            }
            d.columns.push_back({"rank", sequence(k.siting.sites.size())});
            d.columns.push_back({"gain", std::move(gain)});
            d.columns.push_back({"cumulative_gain", std::move(cumulative)});
            d.columns.push_back({"coverage_share", std::move(share_after)});
            w.write(d);
        }
    }
    {
        LayerData d;
        d.name = "uncovered_hotspots";
        d.description =
            "Hot-spot areas (or their parts) outside every facility network, by incidents";
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb> geom;
        std::vector<std::int64_t> id;
        std::vector<double> area, incidents, share;
        for (const auto& u : c.uncovered) {
            geom.push_back(u.geometry);
            id.push_back(u.hotspot_id);
            area.push_back(u.area_km2);
            incidents.push_back(u.incidents);
            share.push_back(u.share);
        }
        d.wkb = &geom;
        d.columns.push_back({"hotspot_id", std::move(id)});
        d.columns.push_back({"area_km2", std::move(area)});
        d.columns.push_back({"incidents", std::move(incidents)});
        d.columns.push_back({"share", std::move(share)});
        if (!c.kinds.empty()) w.write(d);
    }
    if (!c.kinds.empty()) {
        LayerData d;
        d.name = "coverage";
        d.description = "Coverage of incidents, hot spots and residents per facility network";
        std::vector<std::string> kind, objective;
        std::vector<std::int64_t> facilities, suggested;
        std::vector<double> radius, inc, hot_inc, hot_cells, hot_area, pop, area, dmean, dmed, dp90,
            gain, bound;
        for (const KindCoverage& k : c.kinds) {
            kind.push_back(k.config->kind);
            facilities.push_back(static_cast<std::int64_t>(k.facilities.size()));
            radius.push_back(k.config->radius_m);
            inc.push_back(k.incident_share);
            hot_inc.push_back(k.hot_incident_share);
            hot_cells.push_back(k.hot_cell_share);
            hot_area.push_back(k.hot_area_share);
            pop.push_back(k.population_share);
            area.push_back(k.area.area_km2);
            dmean.push_back(k.distance.mean);
            dmed.push_back(k.distance.median);
            dp90.push_back(k.distance.p90);
            suggested.push_back(static_cast<std::int64_t>(k.siting.sites.size()));
            objective.push_back(k.config->suggest ? to_string(k.config->objective) : "");
            gain.push_back(k.siting.sites.empty() ? std::nan("")
                                                  : k.siting.sites.back().cumulative);
            bound.push_back(k.config->suggest ? k.siting.upper_bound : std::nan(""));
        }
        d.columns.push_back({"kind", std::move(kind)});
        d.columns.push_back({"facilities", std::move(facilities)});
        d.columns.push_back({"radius_m", std::move(radius)});
        d.columns.push_back({"incident_share", std::move(inc)});
        d.columns.push_back({"hotspot_incident_share", std::move(hot_inc)});
        d.columns.push_back({"hotspot_cell_share", std::move(hot_cells)});
        d.columns.push_back({"hotspot_area_share", std::move(hot_area)});
        d.columns.push_back({"population_share", std::move(pop)});
        d.columns.push_back({"service_area_km2", std::move(area)});
        d.columns.push_back({"dist_mean_m", std::move(dmean)});
        d.columns.push_back({"dist_median_m", std::move(dmed)});
        d.columns.push_back({"dist_p90_m", std::move(dp90)});
        d.columns.push_back({"suggested_sites", std::move(suggested)});
        d.columns.push_back({"suggest_objective", std::move(objective)});
        d.columns.push_back({"suggested_gain", std::move(gain)});
        d.columns.push_back({"suggested_upper_bound", std::move(bound)});
        w.write(d);
    }
}

} // namespace

std::vector<CityStat> public_metrics(std::vector<CityStat> metrics, double min_count) {
    if (!(min_count > 0)) return metrics;
    std::map<std::string, double> incidents;
    for (const CityStat& m : metrics)
        if (m.metric == "incidents") incidents[m.category] = m.value;
    static const std::set<std::string> kept{"area_km2", "cells", "residents", "mean_neighbours"};
    for (CityStat& m : metrics) {
        const auto it = incidents.find(m.category);
        if (it == incidents.end() || !(it->second > 0 && it->second < min_count)) continue;
        if (!kept.count(m.metric)) m.value = std::nan("");
    }
    return metrics;
}

CityFiles::CityFiles(CityFiles&& o) noexcept
    : full{std::move(o.full)}, pub{std::move(o.pub)}, tif_tmp{std::move(o.tif_tmp)},
      tif_final{std::move(o.tif_final)}, png_tmp{std::move(o.png_tmp)},
      png_final{std::move(o.png_final)}, overwrite{o.overwrite}, m_committed{o.m_committed} {
    o.tif_tmp.clear();
    o.png_tmp.clear();
    o.m_committed = true;
}

CityFiles::~CityFiles() {
    std::error_code ec;
    if (!m_committed && !tif_tmp.empty()) std::filesystem::remove(tif_tmp, ec);
    if (!m_committed && !png_tmp.empty()) std::filesystem::remove(png_tmp, ec);
}

void CityFiles::commit() {
    if (m_committed) return;
    // Every target checked before any is replaced, so a city is never left half in place.
    const auto final_tif = full->path().parent_path() / tif_final;
    std::vector<std::filesystem::path> targets{full->path()};
    if (pub) targets.push_back(pub->path());
    if (!tif_tmp.empty()) targets.push_back(final_tif);
    if (!png_tmp.empty()) targets.push_back(png_final);
    for (const auto& t : targets) {
        io::check_can_write(t, overwrite);
        std::error_code ec;
        if (std::filesystem::is_directory(t, ec))
            throw IoError{fmt::format("{}: is a folder; cannot write the file there", t.string())};
    }
    full->finish();
    if (pub) pub->finish();
    const auto stale_public =
        full->path().parent_path() / (full->path().stem().string() + "_public.gpkg");
    if (!pub && overwrite) { // no [publish] this time: an old shareable copy would be stale
        std::error_code ec;
        std::filesystem::remove(stale_public, ec);
    }
    if (tif_tmp.empty()) { // no raster this time: an old one would contradict the new file
        std::error_code ec;
        std::filesystem::remove(final_tif, ec);
    } else {
        io::check_can_write(final_tif, overwrite);
        std::error_code ec;
        std::filesystem::rename(tif_tmp, final_tif, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", final_tif.string(), ec.message())};
    }
    if (!png_tmp.empty()) {
        io::check_can_write(png_final, overwrite);
        std::error_code ec;
        std::filesystem::rename(png_tmp, png_final, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", png_final.string(), ec.message())};
    }
    m_committed = true;
}

CityFiles write_city(CityOutput& o, const std::filesystem::path& path,
                     const std::filesystem::path& public_path, bool overwrite,
                     const io::ProgressFn& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    CityFiles files;
    files.overwrite = overwrite;
    files.full = std::make_unique<io::GpkgWriter>(path, overwrite);
    if (!public_path.empty()) files.pub = std::make_unique<io::GpkgWriter>(public_path, overwrite);
    const double min_count = o.manifest->publish.min_count;
    Publication publication{min_count, {}};
    if (min_count > 0)
        for (const CityStat& m : o.metrics)
            if (m.metric == "incidents" && m.category != "all" && m.value > 0 &&
                m.value < min_count)
                publication.small_categories.insert(m.category);
    CitySinks w{*files.full, files.pub.get(), std::move(publication), o.city->name};
    const OGRSpatialReference* srs = o.target.get();
    const std::size_t steps = o.hotspots ? 7 : 6;
    std::size_t step = 0;
    auto tick = [&] {
        if (progress) progress(static_cast<double>(++step) / static_cast<double>(steps));
    };

    {
        LayerData d;
        d.name = "grid";
        d.description = fmt::format("{} m {} cells over {}: incidents per cell",
                                    o.grid.lattice.spec().cell_size_m,
                                    to_string(o.grid.lattice.spec().shape), o.city->name);
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        d.wkb = &o.grid.geometry;
        d.columns.push_back({"cell_id", sequence(o.grid.size())});
        d.columns.push_back({"count", o.cell_counts});
        d.columns.push_back({"area_km2", o.grid.area_km2});
        d.columns.push_back({"density_km2", analysis::density(o.cell_counts, o.grid.area_km2)});
        if (o.years > 0)
            d.columns.push_back(
                {"density_km2_year",
                 per_year(analysis::density(o.cell_counts, o.grid.area_km2), o.years)});
        if (o.hotspots) add_local_columns(d, o.hotspots->grid);
        for (const auto& c : o.by_category)
            add_category_columns(d, c.code, c.cell_counts, c.hotspots.grid);
        if (o.time && o.time->emerging) add_emerging_columns(d, o.time->emerging->result);
        if (o.coverage && o.coverage->population) {
            d.columns.push_back({"population", o.coverage->population->cells});
            d.columns.push_back(
                {"rate_100k", rate_100k(o.cell_counts, o.coverage->population->cells)});
            d.columns.push_back(
                {"rate_100k_eb", eb_100k(o.cell_counts, o.coverage->population->cells)});
        }
        w.write(d);
        tick();
    }
    {
        LayerData d;
        d.name = "units";
        d.description = fmt::format("Sub-units of {}: incidents per unit", o.city->name);
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        d.wkb = &o.units.wkb;
        d.columns.push_back({"unit_id", sequence(o.units.size())});
        d.columns.push_back({"name", o.units.names});
        d.columns.push_back({"count", o.unit_counts});
        d.columns.push_back({"area_km2", o.unit_area_km2});
        d.columns.push_back({"density_km2", analysis::density(o.unit_counts, o.unit_area_km2)});
        if (o.years > 0)
            d.columns.push_back(
                {"density_km2_year",
                 per_year(analysis::density(o.unit_counts, o.unit_area_km2), o.years)});
        if (o.hotspots) add_local_columns(d, o.hotspots->units);
        for (const auto& c : o.by_category)
            add_category_columns(d, c.code, c.unit_counts, c.hotspots.units);
        if (o.coverage) {
            if (o.coverage->population) {
                d.columns.push_back({"population", o.coverage->population->units});
                d.columns.push_back(
                    {"rate_100k", rate_100k(o.unit_counts, o.coverage->population->units)});
                d.columns.push_back(
                    {"rate_100k_eb", eb_100k(o.unit_counts, o.coverage->population->units)});
            }
            for (const KindCoverage& k : o.coverage->kinds) {
                std::vector<double> mean, median, p90;
                for (const auto& s : k.unit_distance) {
                    mean.push_back(s.mean);
                    median.push_back(s.median);
                    p90.push_back(s.p90);
                }
                d.columns.push_back({k.config->kind + "_dist_mean", std::move(mean)});
                d.columns.push_back({k.config->kind + "_dist_median", std::move(median)});
                d.columns.push_back({k.config->kind + "_dist_p90", std::move(p90)});
            }
        }
        w.write(d);
        tick();
    }
    {
        LayerData d;
        d.name = "boundary";
        d.description = fmt::format("Boundary of {} (union of the boundary layer)", o.city->name);
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        const std::vector<analysis::Wkb> one{o.boundary.wkb};
        d.wkb = &one;
        d.columns.push_back({"name", std::vector<std::string>{o.city->name}});
        d.columns.push_back({"area_km2", std::vector<double>{o.boundary.area_m2 * 1e-6}});
        w.write(d);
        tick();
    }
    const analysis::RejectLog* rejects = nullptr;
    if (o.points) {
        const analysis::Incidents& inc = o.points->incidents;
        LayerData d;
        d.name = "incidents";
        d.description = fmt::format("Accepted incidents of {}, projected", o.city->name);
        d.srs = srs;
        d.geometry_type = wkbPoint;
        d.x = &inc.x;
        d.y = &inc.y;
        std::vector<std::int64_t> cell(inc.size());
        for (std::size_t i = 0; i < inc.size(); ++i)
            cell[i] = o.assignment->cell[i] + 1;
        std::vector<std::string> category(inc.size());
        for (std::size_t i = 0; i < inc.size(); ++i)
            if (inc.category[i] >= 0) category[i] = inc.categories[inc.category[i]];
        d.columns.push_back({"source_row", inc.row});
        d.columns.push_back({"cell_id", std::move(cell)});
        d.columns.push_back({"time", io::TimeValues{inc.time}});
        if (!o.iccs_of_category.empty()) {
            std::vector<std::string> iccs(inc.size());
            for (std::size_t i = 0; i < inc.size(); ++i)
                if (inc.category[i] >= 0) iccs[i] = o.iccs_of_category[inc.category[i]];
            d.columns.push_back({"iccs", std::move(iccs)});
        }
        d.columns.push_back({"category", std::move(category)});
        if (o.coverage)
            for (const KindCoverage& k : o.coverage->kinds)
                d.columns.push_back({"dist_" + k.config->kind, k.incident_distance});
        w.write_private(d);
        rejects = &o.points->rejects;
    } else {
        const analysis::AreaCounts& ac = o.counts->counts;
        LayerData d;
        d.name = "unit_counts";
        d.description =
            fmt::format("Counts per sub-unit as published for {}, joined", o.city->name);
        std::vector<std::string> unit(ac.size()), category(ac.size());
        std::vector<std::int64_t> year(ac.year.begin(), ac.year.end()),
            month(ac.month.begin(), ac.month.end()), unit_id(ac.size());
        for (std::size_t i = 0; i < ac.size(); ++i) {
            unit[i] = o.units.names[ac.unit[i]];
            unit_id[i] = ac.unit[i] + 1;
            if (ac.category[i] >= 0) category[i] = ac.categories[ac.category[i]];
        }
        d.columns.push_back({"unit_id", std::move(unit_id)});
        d.columns.push_back({"unit", std::move(unit)});
        d.columns.push_back({"category", std::move(category)});
        d.columns.push_back({"year", std::move(year)});
        d.columns.push_back({"month", std::move(month)});
        d.columns.push_back({"count", ac.count});
        if (!o.iccs_of_category.empty()) {
            std::vector<std::string> iccs(ac.size());
            for (std::size_t i = 0; i < ac.size(); ++i)
                if (ac.category[i] >= 0) iccs[i] = o.iccs_of_category[ac.category[i]];
            d.columns.push_back({"iccs", std::move(iccs)});
        }
        w.write_private(d);
        rejects = &o.counts->rejects;
    }
    tick();
    TempFile tif;
    if (o.hotspots) {
        const HotspotResults& h = *o.hotspots;
        {
            LayerData d;
            d.name = "hotspots";
            d.description = "Contiguous hot-spot areas: cells with Gi* class >= 2, dissolved";
            d.srs = srs;
            d.geometry_type = wkbMultiPolygon;
            std::vector<analysis::Wkb> geom;
            std::vector<std::int64_t> id, cells;
            std::vector<double> count, area, share, peak;
            std::vector<std::string> category;
            auto add_areas = [&](const std::vector<analysis::HotArea>& areas,
                                 const std::string& cat) {
                for (std::size_t i = 0; i < areas.size(); ++i) {
                    geom.push_back(areas[i].geometry);
                    id.push_back(static_cast<std::int64_t>(i) + 1);
                    cells.push_back(static_cast<std::int64_t>(areas[i].cells.size()));
                    count.push_back(areas[i].count);
                    area.push_back(areas[i].area_km2);
                    share.push_back(areas[i].share);
                    peak.push_back(areas[i].peak_z);
                    category.push_back(cat);
                }
            };
            add_areas(h.areas, "all");
            for (const auto& c : o.by_category)
                add_areas(c.hotspots.areas, c.code);
            d.wkb = &geom;
            d.columns.push_back({"category", std::move(category)});
            d.columns.push_back({"hotspot_id", std::move(id)});
            d.columns.push_back({"cells", std::move(cells)});
            d.columns.push_back({"count", std::move(count)});
            d.columns.push_back({"area_km2", std::move(area)});
            d.columns.push_back({"share", std::move(share)});
            d.columns.push_back({"peak_z", std::move(peak)});
            w.write(d);
        }
        if (h.kde) {
            LayerData d;
            d.name = "kde_areas";
            d.description = "Smallest areas holding 50, 75 and 90% of the kernel density volume";
            d.srs = srs;
            d.geometry_type = wkbMultiPolygon;
            std::vector<analysis::Wkb> geom;
            std::vector<std::int64_t> level;
            std::vector<double> threshold, area;
            for (const auto& a : h.kde_areas) {
                geom.push_back(a.geometry);
                level.push_back(static_cast<std::int64_t>(std::lround(a.share * 100)));
                threshold.push_back(a.threshold);
                area.push_back(a.area_km2);
            }
            d.wkb = &geom;
            d.columns.push_back({"level_pct", std::move(level)});
            d.columns.push_back({"threshold_km2", std::move(threshold)});
            d.columns.push_back({"area_km2", std::move(area)});
            w.write(d);
            // The raster beside the GeoPackage, renamed into place together with it.
            tif.path = path.parent_path() / fmt::format(".{}_kde.partial-{}.tif", o.city->slug,
                                                        static_cast<long>(getpid()));
            std::vector<io::Band> bands{{"incidents per km2", 1.0}};
            if (o.years > 0) bands.push_back({"incidents per km2 per year", 1.0 / o.years});
            io::write_geotiff(tif.path, *h.kde, *srs, bands);
        }
        if (o.coverage) write_coverage(w, *o.coverage, srs);
        {
            const std::string& lang = o.manifest->analysis.language;
            LayerData d = stats_layer(o.metrics, lang);
            LayerData pub = stats_layer(public_metrics(o.metrics, min_count), lang);
            w.write(d, &pub);
        }
    }
    if (o.time && o.time->emerging) {
        // The cells with a pattern, as their own styled layer.
        const analysis::EmergingResult& e = o.time->emerging->result;
        LayerData d;
        d.name = "emerging_hotspots";
        d.description = "Grid cells with an emerging hot- or cold-spot pattern (space-time Gi* "
                        "and Mann-Kendall, ArcGIS's categories)";
        d.srs = srs;
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb> geom;
        std::vector<std::int64_t> cell_id;
        std::vector<std::size_t> keep;
        for (std::size_t c = 0; c < e.category.size(); ++c)
            if (e.category[c] != analysis::EhsaCategory::no_pattern) {
                geom.push_back(o.grid.geometry[c]);
                cell_id.push_back(static_cast<std::int64_t>(c) + 1);
                keep.push_back(c);
            }
        analysis::EmergingResult sub;
        for (std::size_t c : keep) {
            sub.category.push_back(e.category[c]);
            sub.hot_steps.push_back(e.hot_steps[c]);
            sub.cold_steps.push_back(e.cold_steps[c]);
            sub.count_trend.push_back(e.count_trend[c]);
            sub.gi_trend.push_back(e.gi_trend[c]);
        }
        d.wkb = &geom;
        d.columns.push_back({"cell_id", std::move(cell_id)});
        add_emerging_columns(d, sub);
        w.write(d);
    }
    if (o.time && !o.time->near_repeat.empty()) {
        LayerData d;
        d.name = "near_repeat";
        d.description = "Near-repeat (Knox) test: pairs of incidents close in space and time, "
                        "observed against expected under random times";
        std::vector<std::string> category;
        std::vector<std::int64_t> space_band, time_band;
        std::vector<double> from_m, to_m, days_from, days_to, observed, expected, ratio, p;
        for (const NearRepeatOutput& nr : o.time->near_repeat) {
            if (nr.skipped) continue;
            for (const analysis::KnoxCell& c : nr.result.cells) {
                category.push_back(nr.category);
                space_band.push_back(c.space_band);
                time_band.push_back(c.time_band);
                from_m.push_back(c.distance_from_m);
                to_m.push_back(std::isfinite(c.distance_to_m) ? c.distance_to_m : std::nan(""));
                days_from.push_back(c.days_from);
                days_to.push_back(std::isfinite(c.days_to) ? c.days_to : std::nan(""));
                observed.push_back(c.observed);
                expected.push_back(c.expected);
                ratio.push_back(c.ratio);
                p.push_back(c.p);
            }
        }
        d.columns.push_back({"category", std::move(category)});
        d.columns.push_back({"space_band", std::move(space_band)});
        d.columns.push_back({"distance_from_m", std::move(from_m)});
        d.columns.push_back({"distance_to_m", std::move(to_m)});
        d.columns.push_back({"time_band", std::move(time_band)});
        d.columns.push_back({"days_from", std::move(days_from)});
        d.columns.push_back({"days_to", std::move(days_to)});
        d.columns.push_back({"observed", std::move(observed)});
        d.columns.push_back({"expected", std::move(expected)});
        d.columns.push_back({"ratio", std::move(ratio)});
        d.columns.push_back({"p", std::move(p)});
        w.write(d);
    }
    if (o.clock) {
        const analysis::CrimeClock& ck = *o.clock;
        const Language language = *parse_language(o.manifest->analysis.language);
        LayerData d;
        d.name = "clock";
        d.description = "Crime clock: incidents by day of the week and hour, for the city (unit_id "
                        "0) and each sub-unit; exactly 00:00:00 apart (column midnight)";
        std::vector<std::int64_t> unit_id, day;
        std::vector<std::string> unit, day_name;
        std::vector<std::vector<double>> slots(analysis::kSlots);
        std::vector<double> total;
        for (std::size_t row = 0; row <= ck.units; ++row)
            for (std::size_t dw = 0; dw < 7; ++dw) {
                unit_id.push_back(static_cast<std::int64_t>(row));
                unit.push_back(row == 0 ? text(language, "whole_city") : o.units.names[row - 1]);
                day.push_back(static_cast<std::int64_t>(dw) + 1);
                day_name.push_back(text(language, fmt::format("day_{}", dw + 1)));
                double sum = 0;
                for (std::size_t s = 0; s < analysis::kSlots; ++s) {
                    slots[s].push_back(ck.at(row, dw, s));
                    sum += ck.at(row, dw, s);
                }
                total.push_back(sum);
            }
        d.columns.push_back({"unit_id", std::move(unit_id)});
        d.columns.push_back({"unit", std::move(unit)});
        d.columns.push_back({"day", std::move(day)});
        d.columns.push_back({"day_name", std::move(day_name)});
        for (std::size_t s = 0; s < 24; ++s)
            d.columns.push_back({fmt::format("h{:02}", s), std::move(slots[s])});
        d.columns.push_back({"midnight", std::move(slots[analysis::kMidnight])});
        d.columns.push_back({"total", std::move(total)});
        w.write(d);
    }
    if (!o.city->categories.empty()) {
        LayerData d;
        d.name = "unmapped_categories";
        d.description = "Offence labels the category map does not cover (kept in every count)";
        std::vector<std::string> label;
        std::vector<double> incidents;
        for (const auto& [l, n] : o.unmapped) {
            label.push_back(l);
            incidents.push_back(n);
        }
        d.columns.push_back({"label", std::move(label)});
        d.columns.push_back({"incidents", std::move(incidents)});
        w.write(d);
    }
    {
        LayerData d;
        d.name = "rejected";
        d.description = "Every input record not counted, with the reason";
        std::vector<std::int64_t> row;
        std::vector<std::string> reason, detail;
        for (const auto& r : rejects->rows()) {
            row.push_back(r.row);
            reason.push_back(to_string(r.reason));
            detail.push_back(r.detail);
        }
        d.columns.push_back({"source_row", std::move(row)});
        d.columns.push_back({"reason", std::move(reason)});
        d.columns.push_back({"detail", std::move(detail)});
        w.write_private(d);
        tick();
    }
    {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        LayerData d;
        d.name = "run_info";
        d.description = "Parameters, inputs, versions, counts and timings of this run";
        std::vector<std::string> keys, values;
        for (auto& [k, v] : run_info(o, secs)) {
            // The same parameters in the GeoPackage's own metadata, where QGIS shows them.
            w.set_metadata(k, v);
            keys.push_back(std::move(k));
            values.push_back(std::move(v));
        }
        d.columns.push_back({"key", std::move(keys)});
        d.columns.push_back({"value", std::move(values)});
        w.write(d);
        tick();
    }
    // Closed in the reverse order of opening: each writer restores the SQLite cache setting
    // it found.
    if (files.pub) files.pub->close();
    files.full->close();
    files.tif_final = o.city->slug + "_kde.tif";
    if (!tif.path.empty()) {
        files.tif_tmp = tif.path;
        tif.keep = true; // now the CityFiles' to rename or remove
    }
    return files;
}

} // namespace vigia::engine
