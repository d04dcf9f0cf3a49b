#include "engine/merge.hpp"
#include "engine/report.hpp"

#include "analysis/error.hpp"
#include "analysis/grid.hpp"
#include "engine/alliance.hpp"
#include "engine/batch.hpp"
#include "engine/fingerprint.hpp"
#include "engine/labels.hpp"
#include "engine/plan.hpp"
#include "engine/styles.hpp"
#include "io/city_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <unistd.h>

namespace vigia::engine {

namespace fs = std::filesystem;

namespace {

/// A city file to merge, and the files restyled with it.
struct CityFile {
    fs::path path;                 ///< the file read
    std::vector<fs::path> restyle; ///< it and its sibling copy (<slug>_public.gpkg or <slug>.gpkg)
    std::map<std::string, std::string> info;
    std::string slug;
    long long index = 0; ///< city_index: its place in its manifest
};

bool is_public_name(const fs::path& p) {
    const std::string s = p.stem().string();
    return s.size() > 7 && s.compare(s.size() - 7, 7, "_public") == 0;
}

std::string slug_of_name(const fs::path& p) {
    const std::string s = p.stem().string();
    return is_public_name(p) ? s.substr(0, s.size() - 7) : s;
}

/// The files to read, in the order given (a folder's files by name).
std::vector<CityFile> find_files(const MergeOptions& o) {
    std::vector<CityFile> files;
    auto add = [&](const fs::path& p, const fs::path& sibling) {
        CityFile f;
        f.path = p;
        f.restyle.push_back(p);
        if (!sibling.empty() && fs::exists(sibling)) f.restyle.push_back(sibling);
        files.push_back(std::move(f));
    };
    for (const fs::path& in : o.inputs) {
        if (fs::is_directory(in)) {
            std::map<std::string, std::pair<fs::path, fs::path>> by_slug; // private, public
            for (const auto& e : fs::directory_iterator(in)) {
                const fs::path& p = e.path();
                if (p.extension() != ".gpkg" || p.filename() == "alliance.gpkg" ||
                    p.filename().string().front() == '.')
                    continue;
                auto& slot = by_slug[slug_of_name(p)];
                (is_public_name(p) ? slot.second : slot.first) = p;
            }
            if (by_slug.empty())
                throw InputError{fmt::format("{}: no city GeoPackage in this folder", in.string())};
            for (const auto& [slug, pair] : by_slug) {
                const auto& [priv, pub] = pair;
                if (o.public_only) {
                    if (!pub.empty()) add(pub, {});
                } else if (!priv.empty()) {
                    add(priv, pub);
                } else {
                    add(pub, {});
                }
            }
        } else if (fs::exists(in)) {
            const fs::path sibling = is_public_name(in)
                                         ? fs::path{}
                                         : in.parent_path() / (slug_of_name(in) + "_public.gpkg");
            add(in, sibling);
        } else {
            throw InputError{fmt::format("{}: no such file or folder", in.string())};
        }
    }
    if (files.empty()) throw InputError{"merge: no city file to merge"};
    return files;
}

std::string value_of(const CityFile& f, const std::string& key) {
    const auto it = f.info.find(key);
    return it == f.info.end() ? std::string{"(none)"} : it->second;
}

/// The parameters whose values differ between the files, as "key: a in x, b in y".
std::string method_differences(const std::vector<CityFile>& files) {
    std::string out;
    for (const std::string& key : method_keys()) {
        std::vector<std::pair<std::string, std::vector<std::string>>> values; // value → slugs
        for (const CityFile& f : files) {
            const std::string v = value_of(f, key);
            auto it = std::find_if(values.begin(), values.end(),
                                   [&](const auto& p) { return p.first == v; });
            if (it == values.end()) {
                values.push_back({v, {}});
                it = values.end() - 1;
            }
            it->second.push_back(f.slug);
        }
        if (values.size() < 2) continue;
        std::string line;
        for (const auto& [v, slugs] : values) {
            std::string who;
            for (const std::string& s : slugs)
                who += (who.empty() ? "" : ", ") + s;
            line += fmt::format("{}{} in {}", line.empty() ? "" : "; ", v, who);
        }
        out += fmt::format("\n  {}: {}", key, line);
    }
    return out;
}

void check_files(std::vector<CityFile>& files) {
    std::map<std::string, fs::path> seen;
    for (CityFile& f : files) {
        for (auto& [k, v] : io::read_run_info(f.path))
            f.info.emplace(k, v);
        f.slug = value_of(f, "slug");
        if (auto [it, fresh] = seen.emplace(f.slug, f.path); !fresh)
            throw InputError{fmt::format("merge: city '{}' twice: {} and {} (one file per city)",
                                         f.slug, it->second.string(), f.path.string())};
        if (!f.info.count("method_fingerprint"))
            throw InputError{fmt::format(
                "{}: no method_fingerprint in its run_info: written by an older vigia; run the "
                "city again",
                f.path.string())};
        f.index = std::strtoll(value_of(f, "city_index").c_str(), nullptr, 10);
    }
    for (const CityFile& f : files)
        if (f.info.at("method_fingerprint") != files.front().info.at("method_fingerprint"))
            throw InputError{fmt::format(
                "merge: the cities were not computed with the same method (fingerprints {} in "
                "{}, {} in {}); the parameters that differ:{}",
                files.front().info.at("method_fingerprint"), files.front().slug,
                f.info.at("method_fingerprint"), f.slug, method_differences(files))};
    std::stable_sort(files.begin(), files.end(), [](const CityFile& a, const CityFile& b) {
        return a.index != b.index ? a.index < b.index : a.slug < b.slug;
    });
}

/// What the alliance needs of a city, read back from its file (as run_city gives it).
CityResult read_city(const CityFile& f) {
    CityResult r;
    r.slug = f.slug;
    r.name = value_of(f, "city");
    r.output = f.path;
    io::TableColumns stats = io::read_table(f.path, "city_stats", {"value"},
                                            {"category", "metric", "unit", "description"}, false);
    for (std::size_t i = 0; i < stats.rows; ++i) {
        CityStat s{stats.texts["metric"][i], stats.numbers["value"][i], stats.texts["unit"][i],
                   stats.texts["category"][i]};
        s.read_description = stats.texts["description"][i];
        r.metrics.push_back(std::move(s));
    }
    io::TableColumns boundary = io::read_table(f.path, "boundary", {}, {}, true);
    if (boundary.geometry.empty() || !boundary.srs)
        throw InputError{fmt::format("{}: no boundary layer", f.path.string())};
    auto wgs84 = io::make_srs("EPSG:4326", "alliance");
    r.boundary_lonlat = io::reproject(boundary.geometry[0], *boundary.srs, *wgs84);
    r.map.name = r.name;
    r.map.boundary = boundary.geometry[0];
    r.map.extent = analysis::make_boundary({boundary.geometry[0]}).extent;
    io::TableColumns grid =
        io::read_table(f.path, "grid", {"gi_class", "density_km2_year", "rate_100k_eb"}, {}, true);
    if (auto it = grid.numbers.find("gi_class"); it != grid.numbers.end())
        for (std::size_t c = 0; c < grid.rows; ++c)
            if (const double k = it->second[c]; !std::isnan(k) && k != 0) {
                r.map.cells.push_back(grid.geometry[c]);
                r.map.classes.push_back(static_cast<std::int8_t>(k));
            }
    r.grid_density_year = std::move(grid.numbers["density_km2_year"]);
    r.grid_rate_eb = std::move(grid.numbers["rate_100k_eb"]);
    io::TableColumns units =
        io::read_table(f.path, "units", {"density_km2_year", "rate_100k_eb"}, {}, false);
    r.unit_density_year = std::move(units.numbers["density_km2_year"]);
    r.unit_rate_eb = std::move(units.numbers["rate_100k_eb"]);
    const std::vector<std::string> counts{"target_before", "target_after",   "buffer_before",
                                          "buffer_after",  "control_before", "control_after"};
    std::vector<std::string> numbers{"log_res", "log_res_se", "k_sites", "tau2", "i2", "q", "q_p"};
    numbers.insert(numbers.end(), counts.begin(), counts.end());
    io::TableColumns effects =
        io::read_table(f.path, "intervention_effects", numbers, {"level", "kind"}, false);
    // Each kind's smallest site count, as the batch takes it from memory.
    std::map<std::string, double> smallest;
    for (std::size_t i = 0; effects.exists && i < effects.rows; ++i) {
        if (effects.texts["level"][i] != "site") continue;
        double& least =
            smallest.try_emplace(effects.texts["kind"][i], std::numeric_limits<double>::infinity())
                .first->second;
        for (const std::string& c : counts)
            if (const double v = effects.numbers[c][i]; v > 0) least = std::min(least, v);
    }
    for (std::size_t i = 0; effects.exists && i < effects.rows; ++i) {
        if (effects.texts["level"][i] != "city") continue;
        auto n = [&](const char* c) { return effects.numbers[c][i]; };
        ProgrammeEffect e{effects.texts["kind"][i],
                          n("log_res"),
                          n("log_res_se"),
                          static_cast<std::size_t>(n("k_sites")),
                          n("tau2"),
                          n("i2"),
                          n("q"),
                          n("q_p")};
        e.smallest_count = smallest[e.kind];
        e.withheld = std::isnan(e.log_res); // a shareable copy that did not share the pool
        r.programmes.push_back(e);
    }
    return r;
}

/// The city files restyled on the pooled breaks: each copied beside itself, styled, renamed
/// over (so a reader never sees a half-styled file).
void restyle(const CityFile& f, Language language, const SharedBreaks& breaks) {
    for (const fs::path& p : f.restyle) {
        const fs::path tmp = p.parent_path() / fmt::format(".{}.partial-{}.gpkg", p.stem().string(),
                                                           static_cast<long>(getpid()));
        std::error_code ec;
        fs::copy_file(p, tmp, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot copy to {}: {}", p.string(), tmp.string(), ec.message())};
        try {
            present(tmp, io::written_layers(tmp), language, breaks);
        } catch (...) {
            fs::remove(tmp, ec);
            throw;
        }
        fs::rename(tmp, p, ec);
        if (ec) {
            fs::remove(tmp, ec);
            throw IoError{fmt::format("{}: cannot replace it with its restyled copy", p.string())};
        }
    }
}

} // namespace

MergeResult merge_cities(const MergeOptions& options, std::FILE* out) {
    std::vector<CityFile> files = find_files(options);
    check_files(files);
    MergeResult result;
    std::set<std::string> have;
    for (const CityFile& f : files)
        have.insert(f.slug);
    if (options.plan)
        for (const auto& [index, slug] : read_plan(*options.plan))
            if (!have.count(slug)) result.missing.push_back(fmt::format("{} {}", index, slug));

    const CityFile& first = files.front();
    const Language language = parse_language(value_of(first, "language")).value_or(Language::en);
    const double min_count = std::strtod(value_of(first, "publish_min_count").c_str(), nullptr);
    std::vector<CityResult> cities;
    for (const CityFile& f : files)
        cities.push_back(read_city(f));
    // Check the alliance files can be written before any city file is restyled.
    if (!options.overwrite)
        for (const fs::path& p : alliance_paths(options.out_dir))
            if (fs::exists(p))
                throw IoError{
                    fmt::format("{}: exists already; pass --overwrite to replace", p.string())};
    if (options.database) check_database(*options.database);
    if (options.database && !options.database->overwrite &&
        !existing_schemas(*options.database, {"vigia_alliance"}).empty())
        throw IoError{fmt::format("{}: schema vigia_alliance exists already; pass --overwrite to "
                                  "replace",
                                  options.database->connection)};
    fs::create_directories(options.out_dir);
    const SharedBreaks breaks = batch_breaks(cities);
    for (const CityFile& f : files)
        restyle(f, language, breaks);
    write_alliance(options.out_dir, cities, options.overwrite, language, min_count);
    for (const CityResult& c : cities)
        result.merged.push_back(c.slug);
    std::vector<MissingCity> missing;
    for (const std::string& t : result.missing)
        missing.push_back({t, false});
    std::map<std::string, fs::path> city_dirs;
    for (const CityFile& f : files)
        city_dirs[f.slug] = f.path.parent_path();
    write_alliance_report(options.out_dir, missing, options.overwrite, city_dirs);
    const auto paths = alliance_paths(options.out_dir);
    std::fprintf(out, "alliance: %s, %s, %s and %s (%zu cities merged)\n",
                 paths[0].string().c_str(), paths[1].string().c_str(), paths[2].string().c_str(),
                 paths[3].string().c_str(), cities.size());
    if (options.database) {
        publish_alliance(*options.database, options.out_dir);
        std::fprintf(out, "alliance: into %s: vigia_alliance\n",
                     options.database->connection.c_str());
    }
    return result;
}

} // namespace vigia::engine
