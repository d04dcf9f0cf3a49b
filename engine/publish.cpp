#include "engine/publish.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <variant>

namespace vigia::engine {

using io::Column;
using io::LayerData;

namespace {

/// NULLs the counts strictly between 0 and `min` in column `count`, and the same rows of
/// the columns derived from it (densities, rates, shares).
void suppress_column(LayerData& d, const std::string& count,
                     const std::vector<std::string_view>& derived, double min) {
    auto find = [&](std::string_view name) -> std::vector<double>* {
        for (Column& c : d.columns)
            if (c.name == name) return std::get_if<std::vector<double>>(&c.values);
        return nullptr;
    };
    std::vector<double>* n = find(count);
    if (!n) return;
    std::vector<std::vector<double>*> others;
    std::vector<std::vector<std::string>*> texts; // a reading of the numbers: emptied
    for (std::string_view name : derived) {
        if (auto* v = find(name)) others.push_back(v);
        for (Column& c : d.columns)
            if (c.name == name)
                if (auto* t = std::get_if<std::vector<std::string>>(&c.values)) texts.push_back(t);
    }
    const double nan = std::nan("");
    for (std::size_t i = 0; i < n->size(); ++i) {
        if (!suppressed_count((*n)[i], min)) continue;
        (*n)[i] = nan;
        for (auto* v : others)
            (*v)[i] = nan;
        for (auto* t : texts)
            (*t)[i].clear();
    }
}

/// intervention_effects: a city's pool of a kind is not shared when any of its sites has a
/// suppressed count (with the pool and the other sites, the suppressed site's ln RES and its
/// error could be worked back); `original` is the table before suppression.
void suppress_pools(LayerData& p, const LayerData& original, double min) {
    auto column = [](const LayerData& d, std::string_view name) -> const Column* {
        for (const Column& c : d.columns)
            if (c.name == name) return &c;
        return nullptr;
    };
    const Column* level = column(original, "level");
    const Column* kind = column(original, "kind");
    if (!level || !kind) return;
    const auto& levels = std::get<std::vector<std::string>>(level->values);
    const auto& kinds = std::get<std::vector<std::string>>(kind->values);
    std::set<std::string> hidden;
    for (const char* count : {"target_before", "target_after", "buffer_before", "buffer_after",
                              "control_before", "control_after"})
        if (const Column* c = column(original, count))
            if (const auto* v = std::get_if<std::vector<double>>(&c->values))
                for (std::size_t i = 0; i < v->size(); ++i)
                    if (levels[i] == "site" && suppressed_count((*v)[i], min))
                        hidden.insert(kinds[i]);
    if (hidden.empty()) return;
    const double nan = std::nan("");
    for (Column& c : p.columns) {
        if (c.name == "status") {
            auto& t = std::get<std::vector<std::string>>(c.values);
            for (std::size_t i = 0; i < t.size(); ++i)
                if (levels[i] == "city" && hidden.count(kinds[i]))
                    t[i] = "not shared: a site's counts are below min_count";
            continue;
        }
        auto* v = std::get_if<std::vector<double>>(&c.values);
        if (!v) continue;
        for (std::size_t i = 0; i < v->size(); ++i)
            if (levels[i] == "city" && hidden.count(kinds[i])) (*v)[i] = nan;
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

/// The shareable copy of a layer (docs/methods.md §14), by its declaration: counts below the
/// threshold suppressed with the columns derived from them, small categories' rows and
/// columns left out, run_info entries filtered; `geom` holds its geometry when rows are
/// left out.
LayerData public_copy(const LayerData& d, const LayerDecl& decl, const Publication& pub,
                      std::vector<analysis::Wkb>& geom) {
    LayerData p = d;
    const double min = pub.min;
    if (decl.category_rows) drop_small_category_rows(p, pub.small_categories, geom);
    std::erase_if(p.columns, [&](const Column& c) {
        const ColumnDecl* cd = decl.column(c.name);
        if (!cd || cd->suppress != Suppress::category) return false;
        std::string code;
        return matches(cd->name, c.name, &code) && pub.small_categories.count(code) > 0;
    });
    for (const Column& c : d.columns) {
        const ColumnDecl* cd = decl.column(c.name);
        if (!cd || cd->suppress != Suppress::count) continue;
        std::vector<std::string_view> derived;
        for (const ColumnDecl& other : decl.columns)
            if (other.derives_from(c.name)) derived.push_back(other.name);
        suppress_column(p, c.name, derived, min);
    }
    if (decl.name == "intervention_effects" && min > 0) suppress_pools(p, d, min);
    if (decl.public_run_info) {
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
