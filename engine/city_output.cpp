#include "engine/city_output.hpp"

#include "analysis/rates.hpp"
#include "engine/iccs.hpp"
#include "engine/labels.hpp"
#include "engine/pipeline.hpp"
#include "engine/run_info.hpp"
#include "io/gpkg_writer.hpp"
#include "io/raster.hpp"
#include "io/time_detect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
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
        {
            std::vector<std::string> precision(inc.size());
            for (std::size_t i = 0; i < inc.size(); ++i)
                if (inc.time[i] != analysis::kNoTime)
                    precision[i] = io::precision_name(inc.time_span[i]);
            d.columns.push_back({"time_precision", std::move(precision)});
        }
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
        d.columns.push_back({"no_hour", std::move(slots[analysis::kNoHour])});
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
        std::vector<double> weight;
        for (const auto& r : rejects->rows()) {
            row.push_back(r.row);
            reason.push_back(to_string(r.reason));
            detail.push_back(r.detail);
            weight.push_back(r.weight);
        }
        d.columns.push_back({"source_row", std::move(row)});
        d.columns.push_back({"reason", std::move(reason)});
        d.columns.push_back({"detail", std::move(detail)});
        if (o.counts) d.columns.push_back({"incidents", std::move(weight)}); // a row is a count
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
