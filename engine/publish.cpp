#include "engine/publish.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <variant>

namespace vigia::engine {

using io::Column;
using io::LayerData;

namespace {

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

} // namespace

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

} // namespace vigia::engine
