#include "engine/manifest_keys.hpp"

#include "engine/manifest_table.hpp"

#include <fmt/format.h>

namespace vigia::engine {

std::vector<KeyDoc> manifest_key_docs() {
    std::vector<KeyDoc> d;
    detail::analysis_keys().docs(d);
    detail::kde_keys().docs(d);
    detail::near_repeat_keys().docs(d);
    detail::publish_keys().docs(d);
    detail::city_keys().docs(d);
    detail::boundary_keys().docs(d);
    detail::points_keys().docs(d);
    detail::counts_keys().docs(d);
    detail::time_parts_keys().docs(d);
    detail::facility_keys().docs(d);
    detail::population_keys().docs(d);
    detail::intervention_keys().docs(d);
    detail::control_keys().docs(d);
    return d;
}

std::string manifest_keys_markdown() {
    std::string out, table;
    for (const KeyDoc& k : manifest_key_docs()) {
        if (k.table != table) {
            if (!table.empty()) out += "\n";
            table = k.table;
            out += fmt::format("**{}**\n\n| key | type | range or choices | default | what |\n"
                               "|---|---|---|---|---|\n",
                               table);
        }
        auto cell = [](const std::string& s) {
            std::string c;
            for (char ch : s)
                c += ch == '|' ? std::string{"\\|"} : std::string(1, ch);
            return c.empty() ? std::string{"—"} : c;
        };
        out += fmt::format("| `{}` | {} | {} | {} | {} |\n", k.key, cell(k.type), cell(k.rule),
                           cell(k.fallback), cell(k.help));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> manifest_echo(const Manifest& m,
                                                               const CityConfig& city) {
    std::vector<std::pair<std::string, std::string>> out;
    detail::analysis_keys().echo(m.analysis, out);
    detail::kde_keys().echo(m.analysis.kde, out);
    detail::near_repeat_keys().echo(m.analysis.near_repeat, out);
    detail::publish_keys().echo(m.publish, out);
    detail::city_keys().echo(city, out);
    detail::boundary_keys().echo(city.boundary, out);
    if (city.incidents) {
        detail::PointsTable p{*city.incidents, city.max_outside_share, city.max_rejected_share};
        detail::points_keys().echo(p, out);
    } else if (city.counts) {
        detail::CountsTable c{*city.counts, city.boundary.key_field, city.max_rejected_share};
        detail::counts_keys().echo(c, out);
    }
    for (const FacilityConfig& f : city.facilities)
        detail::facility_keys().echo(f, out, "facilities_" + f.kind + "_");
    if (city.population) detail::population_keys().echo(*city.population, out);
    for (const InterventionConfig& iv : city.interventions) {
        detail::intervention_keys().echo(iv, out, "interventions_" + iv.kind + "_");
        if (iv.control)
            detail::control_keys().echo(*iv.control, out, "interventions_" + iv.kind + "_control_");
    }
    return out;
}

} // namespace vigia::engine
