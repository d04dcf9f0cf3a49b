#include "engine/alliance.hpp"

#include "engine/publish.hpp"

#include "analysis/error.hpp"
#include "engine/iccs.hpp"
#include "engine/labels.hpp"
#include "engine/maps.hpp"
#include "engine/styles.hpp"
#include "engine/what_works.hpp"
#include "io/forest_plot.hpp"
#include "io/gpkg_writer.hpp"
#include "io/layer_styles.hpp"
#include "io/map_render.hpp"

#include <fmt/format.h>

#include <cmath>
#include <deque>
#include <fstream>
#include <map>
#include <unistd.h>

namespace vigia::engine {

namespace fs = std::filesystem;

std::vector<fs::path> alliance_paths(const fs::path& dir) {
    return {dir / "alliance.gpkg", dir / "alliance.csv", dir / "alliance.png",
            dir / "alliance_report.html"};
}

namespace {

/// CSV field: quoted when it holds a comma, quote or line break.
std::string csv(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string{"\"\""} : std::string(1, c);
    return q + "\"";
}

/// A temporary file beside a target, removed when the scope ends (after a rename, there is
/// nothing left to remove).
struct Partial {
    fs::path path;
    explicit Partial(fs::path p) : path{std::move(p)} {}
    Partial(const Partial&) = delete;
    Partial& operator=(const Partial&) = delete;
    ~Partial() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

std::string value_text(double v) {
    return std::isnan(v) ? "" : fmt::format("{}", v);
}

} // namespace

void write_alliance(const fs::path& dir, const std::vector<CityResult>& all, bool overwrite,
                    Language language, double min_count) {
    const auto paths = alliance_paths(dir);
    // The alliance files are shareable: small counts suppressed as in <slug>_public.gpkg.
    struct City {
        std::string name, slug;
        const analysis::Wkb* boundary;
        std::vector<CityStat> metrics;
    };
    std::vector<City> cities;
    for (const CityResult& c : all)
        cities.push_back(
            {c.name, c.slug, &c.boundary_lonlat, public_metrics(c.metrics, min_count)});
    // Metric names in first-seen order: the same metric is one column for every city.
    std::vector<std::string> names;
    std::map<std::string, std::size_t> column;
    // The `cities` layer holds the metrics of all incidents; the long table every category's.
    for (const City& c : cities)
        for (const CityStat& m : c.metrics)
            if (m.category == "all" && column.emplace(m.metric, names.size()).second)
                names.push_back(m.metric);

    io::GpkgWriter w{paths[0], overwrite};
    const std::string alliance = text(language, "alliance");
    auto wgs84 = io::make_srs("EPSG:4326", "alliance");
    {
        io::LayerData d;
        d.name = "cities";
        d.title = layer_title(language, "cities", alliance);
        d.description = layer_description(language, "cities", {{"city", alliance}});
        d.srs = wgs84.get();
        d.geometry_type = wkbMultiPolygon;
        std::vector<analysis::Wkb> geom;
        std::vector<std::string> name, slug;
        std::vector<std::vector<double>> values(names.size(),
                                                std::vector<double>(cities.size(), std::nan("")));
        for (std::size_t i = 0; i < cities.size(); ++i) {
            geom.push_back(*cities[i].boundary);
            name.push_back(cities[i].name);
            slug.push_back(cities[i].slug);
            for (const CityStat& m : cities[i].metrics)
                if (m.category == "all") values[column.at(m.metric)][i] = m.value;
        }
        d.wkb = &geom;
        d.columns.push_back({"city", std::move(name)});
        d.columns.push_back({"slug", std::move(slug)});
        for (std::size_t k = 0; k < names.size(); ++k)
            d.columns.push_back({names[k], std::move(values[k])});
        w.write(d);
    }
    std::vector<std::string> city, slug, category, category_name, metric, unit, description;
    std::vector<double> value;
    for (const City& c : cities)
        for (const CityStat& m : c.metrics) {
            city.push_back(c.name);
            slug.push_back(c.slug);
            category.push_back(m.category);
            category_name.push_back(category_label(m.category, language));
            metric.push_back(m.metric);
            value.push_back(m.value);
            unit.push_back(m.unit);
            description.push_back(describe(m, language));
        }
    {
        io::LayerData d;
        d.name = "metrics";
        d.title = layer_title(language, "metrics", alliance);
        d.description = layer_description(language, "metrics", {{"city", alliance}});
        d.columns.push_back({"city", city});
        d.columns.push_back({"slug", slug});
        d.columns.push_back({"category", category});
        d.columns.push_back({"category_name", category_name});
        d.columns.push_back({"metric", metric});
        d.columns.push_back({"value", value});
        d.columns.push_back({"unit", unit});
        d.columns.push_back({"description", description});
        w.write(d);
    }
    // What works: each programme kind pooled across the cities that evaluated it.
    std::vector<CityProgrammes> programmes;
    for (const CityResult& c : all)
        if (!c.programmes.empty()) programmes.push_back({c.name, c.slug, c.programmes});
    const std::vector<KindEvidence> evidence = what_works(programmes, min_count);
    if (!evidence.empty()) w.write(what_works_table(evidence, language));
    std::vector<const KindEvidence*> plotted; // the kinds with a pool to draw
    for (const KindEvidence& k : evidence)
        if (k.pooled) plotted.push_back(&k);
    // The CSV, the map and the forest plots: written beside, under names removed unless
    // everything is complete.
    std::vector<fs::path> forest_final;
    for (const KindEvidence* k : plotted)
        forest_final.push_back(dir / fmt::format("forest_{}.png", k->kind));
    std::vector<fs::path> all_paths = paths;
    all_paths.insert(all_paths.end(), forest_final.begin(), forest_final.end());
    for (const fs::path& p : all_paths) {
        io::check_can_write(p, overwrite);
        std::error_code ec;
        if (fs::is_directory(p, ec))
            throw IoError{fmt::format("{}: is a folder; cannot write the file there", p.string())};
    }
    const long pid = static_cast<long>(getpid());
    const Partial csv_tmp{dir / fmt::format(".alliance.partial-{}.csv", pid)};
    const Partial png_tmp{dir / fmt::format(".alliance.partial-{}.png", pid)};
    {
        std::ofstream out{csv_tmp.path, std::ios::binary};
        if (!out) throw IoError{fmt::format("{}: cannot create", csv_tmp.path.string())};
        out << "city,slug,category,category_name,metric,value,unit\n";
        for (std::size_t i = 0; i < city.size(); ++i)
            out << csv(city[i]) << ',' << csv(slug[i]) << ',' << category[i] << ','
                << csv(category_name[i]) << ',' << csv(metric[i]) << ',' << value_text(value[i])
                << ',' << csv(unit[i]) << '\n';
        out.flush();
        if (!out) throw IoError{fmt::format("{}: writing failed", csv_tmp.path.string())};
    }
    // Default styles (outlines and names; aliases of the metrics), then the map.
    w.close();
    present(w.temporary_path(), w.layers(), language, SharedBreaks{});
    std::vector<CityMapSummary> maps;
    for (const CityResult& c : all)
        maps.push_back(c.map);
    io::render_png(alliance_map(maps, language), png_tmp.path, true);
    std::deque<Partial> forest_tmp; // never moved: a Partial removes its file
    for (const KindEvidence* k : plotted) {
        forest_tmp.emplace_back(dir / fmt::format(".forest_{}.partial-{}.png", k->kind, pid));
        io::render_forest(forest_plot(*k, language), forest_tmp.back().path);
    }
    // Into place: the GeoPackage, then the table and the map.
    w.finish();
    std::vector<std::pair<const fs::path*, const fs::path*>> moves{{&csv_tmp.path, &paths[1]},
                                                                   {&png_tmp.path, &paths[2]}};
    for (std::size_t i = 0; i < forest_tmp.size(); ++i)
        moves.emplace_back(&forest_tmp[i].path, &forest_final[i]);
    for (const auto& [from, to] : moves) {
        std::error_code ec;
        fs::rename(*from, *to, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", to->string(), ec.message())};
    }
}

} // namespace vigia::engine
