#include "engine/layers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <variant>

namespace vigia::engine {

const char* to_string(ColumnType t) noexcept {
    switch (t) {
    case ColumnType::integer:
        return "integer";
    case ColumnType::real:
        return "real";
    case ColumnType::text:
        return "text";
    case ColumnType::time:
        return "time";
    }
    return "real";
}

bool matches(std::string_view pattern, std::string_view concrete, std::string* value) {
    const std::size_t open = pattern.find('{');
    if (open == std::string_view::npos) return pattern == concrete;
    const std::size_t close = pattern.find('}', open);
    const std::string_view head = pattern.substr(0, open), tail = pattern.substr(close + 1);
    if (concrete.size() <= head.size() + tail.size()) return false;
    if (concrete.substr(0, head.size()) != head) return false;
    if (concrete.substr(concrete.size() - tail.size()) != tail) return false;
    if (value)
        *value =
            std::string{concrete.substr(head.size(), concrete.size() - head.size() - tail.size())};
    return true;
}

bool ColumnDecl::derives_from(std::string_view count) const {
    if (suppress != Suppress::derived) return false;
    std::string_view rest = derived_from;
    while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        if (rest.substr(0, space) == count) return true;
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    return false;
}

const ColumnDecl* LayerDecl::column(std::string_view n) const {
    for (const ColumnDecl& c : columns)
        if (c.name == n) return &c;
    for (const ColumnDecl& c : columns)
        if (c.name.find('{') != std::string::npos && matches(c.name, n)) return &c;
    return nullptr;
}

LayerDecl& LayerRegistry::add(LayerDecl d) {
    m_layers.push_back(std::move(d));
    return m_layers.back();
}

const LayerDecl* LayerRegistry::find(std::string_view name) const {
    for (const LayerDecl& d : m_layers)
        if (d.name == name) return &d;
    for (const LayerDecl& d : m_layers)
        if (d.name.find('{') != std::string::npos && matches(d.name, name)) return &d;
    return nullptr;
}

namespace {

using T = ColumnType;
using S = Suppress;

ColumnDecl col(std::string name, T type, S suppress = S::none, std::string from = {}) {
    return {std::move(name), type, suppress, std::move(from)};
}

/// The hot-spot fields of every grid cell and sub-unit, and those of each category.
void local_columns(std::vector<ColumnDecl>& c) {
    c.push_back(col("gi_z", T::real));
    c.push_back(col("gi_p", T::real));
    c.push_back(col("gi_p_sim", T::real));
    c.push_back(col("gi_class", T::integer));
    c.push_back(col("lisa_i", T::real));
    c.push_back(col("lisa_z", T::real));
    c.push_back(col("lisa_p_sim", T::real));
    c.push_back(col("lisa_cluster", T::text));
    c.push_back(col("count_{code}", T::real, S::count));
    c.push_back(col("gi_z_{code}", T::real, S::category));
    c.push_back(col("gi_class_{code}", T::integer, S::category));
    c.push_back(col("lisa_{code}", T::text, S::category));
}

void emerging_columns(std::vector<ColumnDecl>& c) {
    c.push_back(col("ehs_category", T::text));
    c.push_back(col("ehs_hot_steps", T::integer));
    c.push_back(col("ehs_cold_steps", T::integer));
    c.push_back(col("trend_count_z", T::real));
    c.push_back(col("trend_count_p", T::real));
    c.push_back(col("trend_count_dir", T::integer));
    c.push_back(col("trend_gi_z", T::real));
    c.push_back(col("trend_gi_p", T::real));
    c.push_back(col("trend_gi_dir", T::integer));
}

void rate_columns(std::vector<ColumnDecl>& c) {
    c.push_back(col("population", T::real));
    c.push_back(col("rate_100k", T::real, S::derived, "count"));
    c.push_back(col("rate_100k_eb", T::real, S::derived, "count"));
}

LayerRegistry make_city_layers() {
    LayerRegistry r;
    {
        LayerDecl& g =
            r.add({"grid", LayerGeometry::multipolygon, {}, false, false, false, "grid"});
        g.columns = {col("cell_id", T::integer), col("count", T::real, S::count),
                     col("area_km2", T::real), col("density_km2", T::real, S::derived, "count"),
                     col("density_km2_year", T::real, S::derived, "count")};
        local_columns(g.columns);
        emerging_columns(g.columns);
        rate_columns(g.columns);
    }
    {
        LayerDecl& u =
            r.add({"units", LayerGeometry::multipolygon, {}, false, false, false, "units"});
        u.columns = {col("unit_id", T::integer),
                     col("name", T::text),
                     col("count", T::real, S::count),
                     col("area_km2", T::real),
                     col("density_km2", T::real, S::derived, "count"),
                     col("density_km2_year", T::real, S::derived, "count")};
        local_columns(u.columns);
        rate_columns(u.columns);
        u.columns.push_back(col("{kind}_dist_mean", T::real));
        u.columns.push_back(col("{kind}_dist_median", T::real));
        u.columns.push_back(col("{kind}_dist_p90", T::real));
    }
    r.add({"boundary",
           LayerGeometry::multipolygon,
           {col("name", T::text), col("area_km2", T::real)},
           false,
           false,
           false,
           "boundary"});
    r.add({"incidents",
           LayerGeometry::point,
           {col("source_row", T::integer), col("cell_id", T::integer), col("time", T::time),
            col("time_precision", T::text), col("iccs", T::text), col("category", T::text),
            col("dist_{kind}", T::real)},
           true,
           false,
           false,
           "incidents"});
    r.add({"unit_counts",
           LayerGeometry::none,
           {col("unit_id", T::integer), col("unit", T::text), col("category", T::text),
            col("year", T::integer), col("month", T::integer), col("count", T::real),
            col("iccs", T::text)},
           true,
           false,
           false,
           "none"});
    r.add({"hotspots",
           LayerGeometry::multipolygon,
           {col("category", T::text), col("hotspot_id", T::integer), col("cells", T::integer),
            col("count", T::real, S::count), col("area_km2", T::real),
            col("share", T::real, S::derived, "count"), col("peak_z", T::real)},
           false,
           true,
           false,
           "hotspots"});
    r.add({"kde_areas",
           LayerGeometry::multipolygon,
           {col("level_pct", T::integer), col("threshold_km2", T::real), col("area_km2", T::real)},
           false,
           false,
           false,
           "kde_areas"});
    r.add({"coverage_{kind}",
           LayerGeometry::multipolygon,
           {col("kind", T::text), col("radius_m", T::real), col("area_km2", T::real)},
           false,
           false,
           false,
           "coverage_area"});
    r.add({"facilities_{kind}",
           LayerGeometry::mixed,
           {col("facility_id", T::integer), col("name", T::text),
            col("inside_boundary", T::integer), col("incidents", T::real, S::count),
            col("hotspot_cells", T::real), col("residents", T::real)},
           false,
           false,
           false,
           "facilities"});
    r.add({"suggested_{kind}",
           LayerGeometry::point,
           {col("rank", T::integer), col("gain", T::real, S::count),
            col("cumulative_gain", T::real, S::derived, "gain"),
            col("coverage_share", T::real, S::derived, "gain")},
           false,
           false,
           false,
           "suggested"});
    r.add({"uncovered_hotspots",
           LayerGeometry::multipolygon,
           {col("hotspot_id", T::integer), col("area_km2", T::real),
            col("incidents", T::real, S::count), col("share", T::real, S::derived, "incidents")},
           false,
           false,
           false,
           "uncovered"});
    r.add({"coverage",
           LayerGeometry::none,
           {col("kind", T::text), col("facilities", T::integer), col("radius_m", T::real),
            col("incident_share", T::real), col("hotspot_incident_share", T::real),
            col("hotspot_cell_share", T::real), col("hotspot_area_share", T::real),
            col("population_share", T::real), col("service_area_km2", T::real),
            col("dist_mean_m", T::real), col("dist_median_m", T::real), col("dist_p90_m", T::real),
            col("suggested_sites", T::integer), col("suggest_objective", T::text),
            col("suggested_gain", T::real), col("suggested_upper_bound", T::real)},
           false,
           false,
           false,
           "none"});
    // Its shareable version is emitted by the metrics stage (values suppressed per category).
    r.add({"city_stats",
           LayerGeometry::none,
           {col("category", T::text), col("category_name", T::text), col("metric", T::text),
            col("value", T::real), col("unit", T::text), col("description", T::text)},
           false,
           false,
           false,
           "none"});
    {
        LayerDecl& e = r.add({"emerging_hotspots",
                              LayerGeometry::multipolygon,
                              {},
                              false,
                              false,
                              false,
                              "emerging"});
        e.columns = {col("cell_id", T::integer)};
        emerging_columns(e.columns);
    }
    r.add(
        {"near_repeat",
         LayerGeometry::none,
         {col("category", T::text), col("space_band", T::integer), col("distance_from_m", T::real),
          col("distance_to_m", T::real), col("time_band", T::integer), col("days_from", T::real),
          col("days_to", T::real), col("observed", T::real, S::count), col("expected", T::real),
          col("ratio", T::real, S::derived, "observed"), col("p", T::real)},
         false,
         true,
         false,
         "none"});
    {
        LayerDecl& c = r.add({"clock", LayerGeometry::none, {}, false, false, false, "none"});
        c.columns = {col("unit_id", T::integer), col("unit", T::text), col("day", T::integer),
                     col("day_name", T::text)};
        for (int h = 0; h < 24; ++h)
            c.columns.push_back(col(fmt::format("h{:02}", h), T::real, S::count));
        c.columns.push_back(col("midnight", T::real, S::count));
        c.columns.push_back(col("no_hour", T::real, S::count));
        c.columns.push_back(col("total", T::real, S::count));
    }
    r.add({"monthly",
           LayerGeometry::none,
           {col("month", T::text), col("incidents", T::real, S::count)},
           false,
           false,
           false,
           "none"});
    r.add({"lorenz",
           LayerGeometry::none,
           {col("category", T::text), col("place_share", T::real), col("incident_share", T::real)},
           false,
           true,
           false,
           "none"});
    r.add({"unmapped_categories",
           LayerGeometry::none,
           {col("label", T::text), col("incidents", T::real, S::count)},
           false,
           false,
           false,
           "none"});
    // The evaluation of prevention programmes (docs/methods.md §19): the sites' target and
    // buffer areas; each site's counts, effect size and displacement, pooled per kind; and
    // the monthly series behind them. A ratio is suppressed with any count it comes from.
    r.add({"interventions",
           LayerGeometry::multipolygon,
           {col("kind", T::text), col("site_id", T::integer), col("name", T::text),
            col("zone", T::text), col("start", T::text), col("end", T::text),
            col("area_km2", T::real)},
           false,
           false,
           false,
           "interventions"});
    {
        const std::string counts = "target_before target_after control_before control_after";
        const std::string buffer = counts + " buffer_before buffer_after";
        r.add({"intervention_effects",
               LayerGeometry::none,
               {col("level", T::text),
                col("kind", T::text),
                col("site_id", T::integer),
                col("name", T::text),
                col("status", T::text),
                col("start", T::text),
                col("before_from", T::text),
                col("before_to", T::text),
                col("after_from", T::text),
                col("after_to", T::text),
                col("months_before", T::integer),
                col("months_after", T::integer),
                col("left_out", T::text),
                col("estimate", T::text),
                col("target_before", T::real, S::count),
                col("target_after", T::real, S::count),
                col("buffer_before", T::real, S::count),
                col("buffer_after", T::real, S::count),
                col("control_before", T::real, S::count),
                col("control_after", T::real, S::count),
                col("dispersion", T::real, S::derived, counts),
                col("corrected", T::integer),
                col("res", T::real, S::derived, counts),
                col("res_ci_low", T::real, S::derived, counts),
                col("res_ci_high", T::real, S::derived, counts),
                col("log_res", T::real, S::derived, counts),
                col("log_res_se", T::real, S::derived, counts),
                col("z", T::real, S::derived, counts),
                col("p", T::real, S::derived, counts),
                col("wdq", T::real, S::derived, buffer),
                col("total_net_effect", T::real, S::derived, buffer),
                col("reading", T::text, S::derived, buffer),
                col("k_sites", T::integer),
                col("k_cities", T::integer),
                col("tau2", T::real),
                col("i2", T::real),
                col("q", T::real),
                col("q_p", T::real)},
               false,
               false,
               false,
               "none"});
    }
    r.add({"intervention_series",
           LayerGeometry::none,
           {col("kind", T::text), col("site_id", T::integer), col("name", T::text),
            col("month", T::text), col("window", T::text), col("target", T::real, S::count),
            col("buffer", T::real, S::count), col("control", T::real, S::count)},
           false,
           false,
           false,
           "none"});
    r.add({"rejected",
           LayerGeometry::none,
           {col("source_row", T::integer), col("reason", T::text), col("detail", T::text),
            col("incidents", T::real)},
           true,
           false,
           false,
           "none"});
    r.add({"run_info",
           LayerGeometry::none,
           {col("key", T::text), col("value", T::text)},
           false,
           false,
           true,
           "none"});
    return r;
}

ColumnType type_of(const io::Column& c) {
    switch (c.values.index()) {
    case 0:
        return ColumnType::integer;
    case 1:
        return ColumnType::real;
    case 2:
        return ColumnType::text;
    default:
        return ColumnType::time;
    }
}

/// A placeholder name with a sample value, for the registry check.
std::string sample(std::string_view name) {
    std::string s{name};
    for (const auto& [ph, v] :
         {std::pair<std::string, std::string>{"{code}", "0401"}, {"{kind}", "police"}})
        if (auto p = s.find(ph); p != std::string::npos) s.replace(p, ph.size(), v);
    return s;
}

} // namespace

const LayerRegistry& city_layers() {
    static const LayerRegistry r = make_city_layers();
    return r;
}

std::vector<RegistryProblem> check_registry(const LayerRegistry& r, const AliasFn& alias,
                                            const TitleFn& title) {
    std::vector<RegistryProblem> out;
    std::set<std::string> names;
    for (const LayerDecl& d : r.all()) {
        const std::string layer = sample(d.name);
        if (!names.insert(d.name).second) out.push_back({d.name, "", "declared twice"});
        if (title && title(layer).empty()) out.push_back({d.name, "", "has no title"});
        std::set<std::string> cols;
        for (const ColumnDecl& c : d.columns) {
            if (!cols.insert(c.name).second) out.push_back({d.name, c.name, "declared twice"});
            const std::string field = sample(c.name);
            const std::string a = alias ? alias(layer, field) : field;
            if (a.empty() || a == field)
                out.push_back({d.name, c.name, "has no alias (its alias is its own name)"});
            if (c.suppress == Suppress::derived) {
                std::string_view rest = c.derived_from;
                while (!rest.empty()) {
                    const std::size_t space = rest.find(' ');
                    if (!d.column(rest.substr(0, space)))
                        out.push_back({d.name, c.name, "is derived from an undeclared column"});
                    if (space == std::string_view::npos) break;
                    rest.remove_prefix(space + 1);
                }
            }
        }
    }
    return out;
}

io::LayerData& LayerSink::layer(const std::string& name) {
    if (!m_registry.find(name))
        throw std::logic_error{fmt::format("layer '{}' is not declared (engine/layers.cpp)", name)};
    auto [it, fresh] = m_layers.try_emplace(name);
    if (fresh) {
        it->second.name = name;
        m_order.push_back(name);
    }
    return it->second;
}

void LayerSink::column(const std::string& layer_name, io::Column c) {
    const LayerDecl* d = m_registry.find(layer_name);
    if (!d)
        throw std::logic_error{
            fmt::format("layer '{}' is not declared (engine/layers.cpp)", layer_name)};
    const ColumnDecl* cd = d->column(c.name);
    if (!cd)
        throw std::logic_error{fmt::format("column '{}' of layer '{}' is not declared "
                                           "(engine/layers.cpp)",
                                           c.name, layer_name)};
    if (cd->type != type_of(c))
        throw std::logic_error{fmt::format("column '{}' of layer '{}' is declared {} but given "
                                           "{} values",
                                           c.name, layer_name, to_string(cd->type),
                                           to_string(type_of(c)))};
    io::LayerData& l = layer(layer_name);
    for (const io::Column& existing : l.columns)
        if (existing.name == c.name)
            throw std::logic_error{
                fmt::format("column '{}' of layer '{}' is emitted twice", c.name, layer_name)};
    l.columns.push_back(std::move(c));
}

io::LayerData& LayerSink::public_version(const std::string& name) {
    if (!m_registry.find(name))
        throw std::logic_error{fmt::format("layer '{}' is not declared (engine/layers.cpp)", name)};
    io::LayerData& d = m_public[name];
    d.name = name;
    return d;
}

std::vector<analysis::Wkb>& LayerSink::own() {
    return m_geometry.emplace_back();
}

const io::LayerData* LayerSink::public_of(const std::string& name) const {
    auto it = m_public.find(name);
    return it == m_public.end() ? nullptr : &it->second;
}

std::vector<io::LayerData*> LayerSink::ordered() {
    // Declarations in order; a run of consecutive pattern declarations with the same
    // placeholder (coverage_{kind}, facilities_{kind}, suggested_{kind}) once per value.
    std::vector<io::LayerData*> out;
    const auto& all = m_registry.all();
    std::size_t k = 0;
    while (k < all.size()) {
        if (all[k].name.find('{') == std::string::npos) {
            if (auto it = m_layers.find(all[k].name); it != m_layers.end())
                out.push_back(&it->second);
            ++k;
            continue;
        }
        std::size_t end = k;
        while (end < all.size() && all[end].name.find('{') != std::string::npos)
            ++end;
        std::vector<std::string> values;
        for (const std::string& n : m_order)
            for (std::size_t g = k; g < end; ++g) {
                std::string v;
                if (matches(all[g].name, n, &v) &&
                    std::find(values.begin(), values.end(), v) == values.end())
                    values.push_back(v);
            }
        for (const std::string& v : values)
            for (std::size_t g = k; g < end; ++g) {
                const std::string& pattern = all[g].name;
                const std::string concrete = pattern.substr(0, pattern.find('{')) + v +
                                             pattern.substr(pattern.find('}') + 1);
                if (auto it = m_layers.find(concrete); it != m_layers.end())
                    out.push_back(&it->second);
            }
        k = end;
    }
    return out;
}

void order_columns(io::LayerData& d, const LayerDecl& decl) {
    std::vector<io::Column> in = std::move(d.columns);
    d.columns.clear();
    std::vector<std::uint8_t> used(in.size(), 0);
    auto take = [&](std::size_t i) {
        used[i] = 1;
        d.columns.push_back(std::move(in[i]));
    };
    std::size_t k = 0;
    while (k < decl.columns.size()) {
        const std::string& name = decl.columns[k].name;
        if (name.find('{') == std::string::npos) {
            for (std::size_t i = 0; i < in.size(); ++i)
                if (!used[i] && in[i].name == name) take(i);
            ++k;
            continue;
        }
        // A group of consecutive placeholder columns: once per value, in emission order.
        std::size_t end = k;
        while (end < decl.columns.size() && decl.columns[end].name.find('{') != std::string::npos)
            ++end;
        std::vector<std::string> values;
        for (std::size_t i = 0; i < in.size(); ++i) {
            std::string v;
            for (std::size_t g = k; g < end; ++g)
                if (!used[i] && matches(decl.columns[g].name, in[i].name, &v) &&
                    std::find(values.begin(), values.end(), v) == values.end())
                    values.push_back(v);
        }
        for (const std::string& v : values)
            for (std::size_t g = k; g < end; ++g) {
                const std::string& pattern = decl.columns[g].name;
                const std::size_t open = pattern.find('{');
                const std::string concrete =
                    pattern.substr(0, open) + v + pattern.substr(pattern.find('}') + 1);
                for (std::size_t i = 0; i < in.size(); ++i)
                    if (!used[i] && in[i].name == concrete) take(i);
            }
        k = end;
    }
    for (std::size_t i = 0; i < in.size(); ++i)
        if (!used[i])
            throw std::logic_error{
                fmt::format("column '{}' of layer '{}' is not declared", in[i].name, d.name)};
}

} // namespace vigia::engine
