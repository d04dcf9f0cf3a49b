#include "engine/manifest.hpp"

#include "engine/manifest_table.hpp"
#include "io/time_parse.hpp"

#include "engine/toml.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace vigia::engine {

namespace fs = std::filesystem;

namespace detail {

const KeyTable<CityConfig>& city_keys() {
    static const auto keys = [] {
        KeyTable<CityConfig> k{"[[city]]"};
        k.text(
            "name", [](auto& p) -> auto& { return p.name; }, "the city's name", true);
        k.custom(
            "slug", "string", "lower-case letters, digits, '-', '_'", "derived from the name",
            "names the city's files", [](TableReader& r, const toml::node& n, CityConfig& c) {
                if (!n.is_string()) r.fail(&n, "'slug' must be a string");
                const std::string s{*n.value<std::string>()};
                if (s.empty() || s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") !=
                                     std::string::npos)
                    r.fail(&n, fmt::format("slug = \"{}\": use lower-case letters, digits, '-' "
                                           "and '_'",
                                           s));
                c.slug = s;
            });
        k.custom(
            "boundary", "table", "", "required", "the boundary or its sub-units (below)",
            [](TableReader& r, const toml::node& n, CityConfig& c) {
                if (!n.is_table()) r.fail(&n, "'boundary' must be a table { ... }");
                TableReader br{*n.as_table(), fmt::format("city '{}' boundary", c.name),
                               r.manifest()};
                boundary_keys().read(br, c.boundary);
            },
            {}, {}, true);
        k.custom(
            "incidents", "table", "", "required",
            "points (path = ...) or counts or records per area (counts = ...), below",
            [](TableReader& r, const toml::node& n, CityConfig& c) {
                if (!n.is_table()) r.fail(&n, "'incidents' must be a table { ... }");
                const toml::table& t = *n.as_table();
                TableReader ir{t, fmt::format("city '{}' incidents", c.name), r.manifest()};
                if (t.contains("counts")) {
                    CountsTable ct;
                    counts_keys().read(ir, ct);
                    if (!ct.spec.time.empty() && (!ct.spec.year.empty() || !ct.spec.month.empty()))
                        ir.fail(ir.get("time"), "give time, or year and month, not both");
                    if (ct.unit_key.empty() && ct.spec.key_match != io::KeyMatch::name)
                        ir.fail(nullptr, "missing required key 'unit_key'");
                    if (ct.unit_key.empty() && c.boundary.name_field.empty())
                        ir.fail(nullptr, "key_match = \"name\" without unit_key matches the "
                                         "boundary's name_field: give one of them");
                    c.boundary.key_field = ct.unit_key;
                    c.max_rejected_share = ct.max_rejected_share;
                    c.counts = ct.spec;
                } else {
                    PointsTable pt;
                    points_keys().read(ir, pt);
                    if (pt.spec.x.empty() != pt.spec.y.empty())
                        ir.fail(nullptr, "give both x and y (the coordinate columns), or neither");
                    if (!pt.spec.x.empty() && !pt.spec.wkt.empty())
                        ir.fail(ir.get("wkt"), "give x and y, or wkt, not both");
                    c.max_outside_share = pt.max_outside_share;
                    c.max_rejected_share = pt.max_rejected_share;
                    c.incidents = pt.spec;
                }
            },
            {}, {}, true);
        k.custom("facilities", "[[city.facilities]]", "", "none",
                 "facility networks, one table each (below)",
                 [](TableReader& r, const toml::node& n, CityConfig& c) {
                     if (!n.is_array_of_tables())
                         r.fail(&n, "'facilities' must be written as [[city.facilities]] tables");
                     for (const toml::node& item : *n.as_array()) {
                         const toml::table& t = *item.as_table();
                         const auto kind = t["kind"].value<std::string>();
                         TableReader fr{
                             t,
                             kind ? fmt::format("city '{}' facilities '{}'", c.name, *kind)
                                  : fmt::format("city '{}' [[city.facilities]]", c.name),
                             r.manifest()};
                         FacilityConfig f;
                         facility_keys().read(fr, f);
                         for (const FacilityConfig& other : c.facilities)
                             if (other.kind == f.kind)
                                 fr.fail(fr.get("kind"), fmt::format("two facility networks have "
                                                                     "kind '{}'",
                                                                     f.kind));
                         c.facilities.push_back(std::move(f));
                     }
                 });
        k.custom("interventions", "[[city.interventions]]", "", "none",
                 "prevention programmes to evaluate, one table per kind (below)",
                 [](TableReader& r, const toml::node& n, CityConfig& c) {
                     if (!n.is_array_of_tables())
                         r.fail(&n, "'interventions' must be written as [[city.interventions]] "
                                    "tables");
                     for (const toml::node& item : *n.as_array()) {
                         const toml::table& t = *item.as_table();
                         const auto kind = t["kind"].value<std::string>();
                         TableReader ir{
                             t,
                             kind ? fmt::format("city '{}' interventions '{}'", c.name, *kind)
                                  : fmt::format("city '{}' [[city.interventions]]", c.name),
                             r.manifest()};
                         InterventionConfig iv;
                         intervention_keys().read(ir, iv);
                         if (iv.start_field.empty() == !iv.start.has_value())
                             ir.fail(nullptr, "give each site's start_field, or one start date "
                                              "for every site (not both)");
                         for (const InterventionConfig& other : c.interventions)
                             if (other.kind == iv.kind)
                                 ir.fail(ir.get("kind"),
                                         fmt::format("two [[city.interventions]] have kind '{}': "
                                                     "put the sites of one kind in one layer",
                                                     iv.kind));
                         c.interventions.push_back(std::move(iv));
                     }
                 });
        k.custom("population", "table", "", "none", "residents per polygon (below)",
                 [](TableReader& r, const toml::node& n, CityConfig& c) {
                     if (!n.is_table()) r.fail(&n, "'population' must be a table { ... }");
                     TableReader pr{*n.as_table(), fmt::format("city '{}' population", c.name),
                                    r.manifest()};
                     io::FeatureSourceSpec s;
                     population_keys().read(pr, s);
                     c.population = s;
                 });
        k.text(
            "categories", [](auto& p) -> auto& { return p.categories; },
            "CSV mapping the city's offence labels to ICCS codes (data/categories/)", false,
            "categories_map", true);
        k.echo_as("categories_map", [](const CityConfig& c) -> std::optional<std::string> {
            return c.categories.empty() ? "none" : c.categories;
        });
        return k;
    }();
    return keys;
}

} // namespace detail

namespace {

using detail::TableReader;

CityConfig read_city(const toml::table& t, std::size_t index, const fs::path& manifest) {
    CityConfig c;
    TableReader r{t, fmt::format("[[city]] #{}", index + 1), manifest};
    detail::city_keys().read(r, c);
    if (c.slug.empty()) {
        c.slug = slugify(c.name);
        if (c.slug.empty())
            r.fail(nullptr, "cannot derive a slug from the name; give slug = \"...\"");
    }
    for (const FacilityConfig& fc : c.facilities)
        if (fc.objective == Objective::population && !c.population)
            r.fail(nullptr, fmt::format("facilities '{}': objective = \"population\" needs a "
                                        "[city.population] layer",
                                        fc.kind));
    for (const InterventionConfig& iv : c.interventions)
        if (!iv.categories.empty() && c.categories.empty())
            r.fail(nullptr, fmt::format("interventions '{}': categories need the city's category "
                                        "map (categories = \"....csv\")",
                                        iv.kind));
    return c;
}

} // namespace

namespace {

/// toml++ 3.3.0 assumes (TOML_ASSERT_ASSUME: undefined behaviour in a release build, an
/// assertion in a debug one) that a table header's name starts with a key character or a
/// quote, so `[ = "x"]` or `[[ ]` must be refused before it parses: this finds, outside
/// strings, comments and values, a header line whose name is missing. Found by fuzz_manifest.
void check_table_headers(std::string_view text, const fs::path& path) {
    auto key_start = [](char c) {
        // ASCII only: toml++ 3.3's own test of a non-ASCII key character disagrees with the
        // assumption (`[·k]` reached it too); Vigía's tables all have ASCII names.
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '"' ||
               c == '\'';
    };
    std::size_t line = 1, depth = 0;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            line_start = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (c == '#') { // a comment, to the end of the line
            while (i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
            continue;
        }
        if (c == '"' || c == '\'') { // a string, multi-line ones too
            const bool triple = text.substr(i, 3) == std::string(3, c);
            const std::string end = triple ? std::string(3, c) : std::string(1, c);
            std::size_t j = i + end.size();
            while (j < text.size() && text.substr(j, end.size()) != end) {
                if (text[j] == '\\' && c == '"') ++j;
                if (j < text.size() && text[j] == '\n') ++line;
                if (!triple && j < text.size() && text[j] == '\n') break;
                ++j;
            }
            i = std::min(text.size(), j + end.size()) - 1;
            line_start = false;
            continue;
        }
        if (c == '[' && depth == 0 && line_start) {
            std::size_t j = i + 1;
            if (j < text.size() && text[j] == '[') ++j;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
                ++j;
            if (j >= text.size() || !key_start(text[j]))
                throw ManifestError{fmt::format("{}:{}: a table header needs a name ([name] or "
                                                "[[name]]: letters, digits, _ and -, or quoted)",
                                                path.string(), line)};
        }
        if (c == '[' || c == '{') ++depth;
        if ((c == ']' || c == '}') && depth > 0) --depth;
        line_start = false;
    }
}

/// The line at which the text first fails one of toml++'s own checks (engine/toml.hpp): the
/// first line whose text, with the lines before it, fails one; 0 when none does alone (or the
/// manifest is too long to look).
std::size_t failing_line(std::string_view text) {
    constexpr std::size_t kMaxLines = 5000;
    std::size_t end = 0;
    for (std::size_t line = 1; end < text.size() && line <= kMaxLines; ++line) {
        end = text.find('\n', end);
        end = end == std::string_view::npos ? text.size() : end + 1;
        try {
            (void)toml::parse(text.substr(0, end));
        } catch (const detail::TomlCheckFailed&) {
            return line;
        } catch (const toml::parse_error&) {
        }
    }
    return 0;
}

} // namespace

Manifest parse_manifest(std::string_view text, const fs::path& path) {
    check_table_headers(text, path);
    toml::table root;
    try {
        root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw ManifestError{
            fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description())};
    } catch (const detail::TomlCheckFailed& e) {
        const std::size_t line = failing_line(text);
        throw ManifestError{fmt::format(
            "{}{}: not valid TOML: the TOML reader (toml++ {}.{}.{}) stopped on its own check {} "
            "here; look for a malformed date, time or table header",
            path.string(), line > 0 ? fmt::format(":{}", line) : std::string{}, TOML_LIB_MAJOR,
            TOML_LIB_MINOR, TOML_LIB_PATCH, e.what())};
    }
    Manifest m;
    m.path = path;
    TableReader r{root, "", path};
    if (const toml::node* a = r.get("analysis")) {
        if (!a->is_table()) r.fail(a, "'analysis' must be a table [analysis]");
        TableReader ar{*a->as_table(), "[analysis]", path};
        detail::analysis_keys().read(ar, m.analysis);
        const AnalysisParams& p = m.analysis;
        if (p.train.has_value() != p.test.has_value())
            ar.fail(ar.get(p.train ? "train" : "test"),
                    "give both train and test periods, or neither");
        if (p.kde.bandwidth_m > 0 && p.kde.bandwidth_m < p.kde.pixel_m)
            ar.fail(ar.get("kde"), fmt::format("kde bandwidth_m = {} is smaller than its pixel_m "
                                               "= {}: most pixels would see no incident; use a "
                                               "bandwidth of at least one pixel",
                                               p.kde.bandwidth_m, p.kde.pixel_m));
    }
    if (const toml::node* p = r.get("publish")) {
        if (!p->is_table()) r.fail(p, "'publish' must be a table [publish]");
        TableReader pr{*p->as_table(), "[publish]", path};
        m.publish.enabled = true;
        detail::publish_keys().read(pr, m.publish);
    }
    const toml::node* cities = r.get("city");
    if (!cities) r.fail(nullptr, "no [[city]] entries");
    if (!cities->is_array_of_tables()) r.fail(cities, "'city' must be an array of tables [[city]]");
    std::set<std::string> slugs;
    const toml::array& arr = *cities->as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
        CityConfig c = read_city(*arr[i].as_table(), i, path);
        if (!slugs.insert(c.slug).second)
            r.fail(&arr[i],
                   fmt::format("two cities have the slug '{}'; give one a slug = \"...\"", c.slug));
        if (!m.analysis.categories.empty() && c.categories.empty())
            r.fail(&arr[i], fmt::format("city '{}': [analysis] categories needs the city's "
                                        "offence labels mapped to ICCS codes; give categories = "
                                        "\"map.csv\" (see data/categories/README.md)",
                                        c.name));
        m.cities.push_back(std::move(c));
    }
    r.finish({"analysis", "publish", "city"});
    return m;
}

Manifest load_manifest(const fs::path& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in)
        throw InputError{
            fmt::format("{}: cannot read the manifest (does it exist?)", path.string())};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_manifest(ss.str(), path);
}

std::string period_text(const io::Period& p) {
    return fmt::format("{}/{}", io::format_iso(p.first).substr(0, 10),
                       io::format_iso(p.second).substr(0, 10));
}

const char* to_string(Objective o) noexcept {
    switch (o) {
    case Objective::incidents:
        return "incidents";
    case Objective::hotspot:
        return "hotspot";
    case Objective::population:
        return "population";
    }
    return "incidents";
}

std::string slugify(std::string_view name) {
    // The Latin letters with diacritics used across the alliance's languages, in UTF-8.
    static const std::pair<std::string_view, char> folds[] = {
        {"á", 'a'}, {"à", 'a'}, {"â", 'a'}, {"ã", 'a'}, {"ä", 'a'}, {"Á", 'a'}, {"À", 'a'},
        {"Â", 'a'}, {"Ã", 'a'}, {"é", 'e'}, {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"É", 'e'},
        {"È", 'e'}, {"Ê", 'e'}, {"í", 'i'}, {"ì", 'i'}, {"î", 'i'}, {"ï", 'i'}, {"Í", 'i'},
        {"ó", 'o'}, {"ò", 'o'}, {"ô", 'o'}, {"õ", 'o'}, {"ö", 'o'}, {"Ó", 'o'}, {"Ô", 'o'},
        {"Õ", 'o'}, {"ú", 'u'}, {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"Ú", 'u'}, {"Ü", 'u'},
        {"ñ", 'n'}, {"Ñ", 'n'}, {"ç", 'c'}, {"Ç", 'c'}};
    std::string out;
    bool dash = false;
    for (std::size_t i = 0; i < name.size();) {
        char c = 0;
        const unsigned char u = static_cast<unsigned char>(name[i]);
        if (u < 0x80) {
            c = static_cast<char>(std::tolower(u));
            ++i;
        } else {
            for (const auto& [from, to] : folds)
                if (name.substr(i, from.size()) == from) {
                    c = to;
                    i += from.size();
                    break;
                }
            if (!c) {
                ++i;
                while (i < name.size() && (static_cast<unsigned char>(name[i]) & 0xC0) == 0x80)
                    ++i;
            }
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && !out.empty()) out += '-';
            out += c;
            dash = false;
        } else {
            dash = true;
        }
    }
    return out;
}

} // namespace vigia::engine
