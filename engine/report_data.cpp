#include "engine/report_data.hpp"

#include "analysis/error.hpp"
#include "engine/publish.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vigia::engine::report {

double CityStats::get(const std::string& metric, const std::string& category) const {
    const auto it = values.find({category, metric});
    return it == values.end() ? std::nan("") : it->second;
}

bool CityStats::has(const std::string& metric, const std::string& category) const {
    return values.count({category, metric}) > 0;
}

std::string CityOutputs::info(const std::string& key, const std::string& fallback) const {
    for (const auto& [k, v] : run_info)
        if (k == key) return v;
    return fallback;
}

bool CityOutputs::has_layer(const std::string& layer) const {
    return std::find(layers.begin(), layers.end(), layer) != layers.end();
}

io::TableColumns CityOutputs::table(const std::string& layer,
                                    const std::vector<std::string>& numbers,
                                    const std::vector<std::string>& texts, bool geometry) const {
    if (!has_layer(layer)) return {};
    return io::read_table(gpkg, layer, numbers, texts, geometry);
}

CityOutputs read_city_outputs(const std::filesystem::path& dir, const std::string& slug,
                              bool is_public) {
    CityOutputs o;
    o.dir = dir;
    o.slug = slug;
    o.is_public = is_public;
    const auto full = dir / (slug + ".gpkg");
    const auto pub = dir / (slug + "_public.gpkg");
    if (is_public && std::filesystem::exists(pub))
        o.gpkg = pub;
    else if (std::filesystem::exists(full))
        o.gpkg = full;
    else
        throw InputError{fmt::format("{}: no such file (nor {}): the report of '{}' is made from "
                                     "the GeoPackage vigia run wrote",
                                     full.string(), pub.filename().string(), slug)};
    try {
        o.run_info = io::read_run_info(o.gpkg);
    } catch (const InputError& e) {
        throw InputError{fmt::format("{} (a report is made from the GeoPackages vigia run "
                                     "wrote; move other GeoPackages out of {})",
                                     e.what(), dir.string())};
    }
    if (is_public && o.gpkg == full) {
        // A run that published must have its public file: never a public page from the full one.
        const double published = std::strtod(o.info("publish_min_count", "0").c_str(), nullptr);
        if (published > 0)
            throw InputError{fmt::format(
                "{}: no such file, and {} was written with [publish] min_count = {}: the public "
                "report is made only from the shareable copy (copy it beside, or run again)",
                pub.string(), full.filename().string(), published)};
        // Without [publish]: the entries the shareable copy would leave out (warnings, exact
        // spans, quality details) are left out here too.
        std::erase_if(o.run_info,
                      [](const auto& kv) { return !public_info(kv.first, kv.second, 0); });
    }
    for (const auto& l : io::written_layers(o.gpkg))
        o.layers.push_back(l.name);
    o.name = o.info("city", slug);
    if (const auto lang = parse_language(o.info("language", "en"))) o.language = *lang;
    // The threshold applies only to the shareable file (the full one suppresses nothing).
    if (o.gpkg == pub) o.min_count = std::strtod(o.info("publish_min_count", "0").c_str(), nullptr);

    const io::TableColumns t = o.table(
        "city_stats", {"value"}, {"category", "category_name", "metric", "unit", "description"});
    if (!t.exists)
        throw InputError{fmt::format(
            "{}: no city_stats table: not a city GeoPackage of vigia run (move it out of {})",
            o.gpkg.string(), dir.string())};
    const auto& cat = t.texts.at("category");
    const auto& metric = t.texts.at("metric");
    for (std::size_t i = 0; i < t.rows; ++i) {
        if (!o.stats.category_names.count(cat[i])) {
            o.stats.categories.push_back(cat[i]);
            o.stats.category_names[cat[i]] = t.texts.at("category_name")[i];
        }
        o.stats.values[{cat[i], metric[i]}] = t.numbers.at("value")[i];
        if (cat[i] == "all") {
            o.stats.metrics.push_back(metric[i]);
            o.stats.units[metric[i]] = t.texts.at("unit")[i];
            o.stats.descriptions[metric[i]] = t.texts.at("description")[i];
        }
    }
    return o;
}

std::vector<std::string> coverage_kinds(const CityStats& stats) {
    std::vector<std::string> kinds;
    const std::string head = "coverage_", tail = "_incident_share";
    for (const std::string& m : stats.metrics)
        if (m.size() > head.size() + tail.size() && m.rfind(head, 0) == 0 &&
            m.compare(m.size() - tail.size(), tail.size(), tail) == 0 &&
            m.find("_hotspot_incident_share") == std::string::npos)
            kinds.push_back(m.substr(head.size(), m.size() - head.size() - tail.size()));
    return kinds;
}

} // namespace vigia::engine::report
