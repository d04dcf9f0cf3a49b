#include "engine/labels.hpp"

#include "engine/embedded_tables.hpp"
#include "engine/iccs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace vigia::engine {

namespace {

/// The column of `language` in a data/i18n table (key, en, es, pt, fr: checked at load).
std::size_t column(Language language) noexcept {
    return static_cast<std::size_t>(language) + 1;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

/// A name with one placeholder, as a key writes it: "dist_{kind}", "coverage_{kind}".
struct Template {
    std::string prefix, name, suffix;

    /// "dist_police" → "police". The part in the middle is never empty.
    std::optional<std::string> match(std::string_view s) const {
        if (s.size() <= prefix.size() + suffix.size() || !starts_with(s, prefix) ||
            s.substr(s.size() - suffix.size()) != suffix)
            return std::nullopt;
        return std::string{s.substr(prefix.size(), s.size() - prefix.size() - suffix.size())};
    }
    std::string text() const { return prefix + "{" + name + "}" + suffix; }
    std::size_t fixed() const noexcept { return prefix.size() + suffix.size(); }
};

std::optional<Template> parse_template(std::string_view s) {
    const std::size_t open = s.find('{');
    if (open == std::string_view::npos) return std::nullopt;
    const std::size_t close = s.find('}', open);
    return Template{std::string{s.substr(0, open)},
                    std::string{s.substr(open + 1, close - open - 1)},
                    std::string{s.substr(close + 1)}};
}

/// A key of a name pattern and the template of the name.
struct Pattern {
    Template name;
    std::string key;
};

/// The "no pattern" of a code is the "no_pattern" of its key.
std::string key_form(std::string_view code) {
    std::string s{code};
    std::replace(s.begin(), s.end(), ' ', '_');
    return s;
}

std::string code_form(std::string_view key) {
    std::string s{key};
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

/// The data/i18n tables, indexed once.
struct Vocabulary {
    std::unordered_map<std::string, const embedded::Row*> rows; ///< by key
    std::vector<std::string> keys;                              ///< every key, table order
    std::vector<std::string> text_keys;                         ///< texts.csv
    std::vector<int> gi;
    std::vector<std::string> lisa, ehs;
    std::vector<Pattern> field_names;   ///< field.<template>, longest fixed part first
    std::vector<Template> field_layers; ///< the <template> of field.<template>.<field>
    std::vector<Template> layers;       ///< the <template> of layer.<template>.title
    std::vector<Pattern> metrics;       ///< metric.<template>, longest fixed part first

    const embedded::Row* find(const std::string& key) const {
        const auto it = rows.find(key);
        return it == rows.end() ? nullptr : it->second;
    }
};

void add_template(std::vector<Template>& to, const Template& t) {
    if (std::none_of(to.begin(), to.end(), [&](const Template& x) { return x.text() == t.text(); }))
        to.push_back(t);
}

Vocabulary load() {
    Vocabulary v;
    for (const embedded::Table& t : embedded::tables()) {
        if (!t.i18n) continue;
        for (Language l : all_languages())
            if (t.header.size() != 5 || t.header[column(l)] != to_string(l))
                throw std::logic_error{
                    fmt::format("{}: the columns must be key,en,es,pt,fr", t.path)};
        for (const embedded::Row& r : t.rows) {
            const std::string key{r.cells[0]};
            v.rows.emplace(key, &r);
            v.keys.push_back(key);
            if (t.name == "texts") v.text_keys.push_back(key);
            if (t.name == "classes") {
                if (starts_with(key, "gi_class."))
                    v.gi.push_back(std::stoi(key.substr(9)));
                else if (starts_with(key, "lisa."))
                    v.lisa.push_back(code_form(key.substr(5)));
                else if (starts_with(key, "ehs."))
                    v.ehs.push_back(code_form(key.substr(4)));
            }
            if (key.find('{') == std::string::npos) continue;
            // Name patterns: field.<template>, field.<layer template>.<field>,
            // layer.<template>.title|description, metric.<template>.
            const std::string_view k{key};
            auto name_of = [&](std::string_view part) {
                if (auto parsed = parse_template(part)) return *parsed;
                throw std::logic_error{fmt::format(
                    "{}:{}: key '{}': only the name of the layer, field or metric may hold "
                    "a placeholder",
                    t.path, r.line, key)};
            };
            if (starts_with(k, "field.")) {
                const std::string_view rest = k.substr(6);
                if (const std::size_t dot = rest.find('.'); dot != std::string_view::npos)
                    add_template(v.field_layers, name_of(rest.substr(0, dot)));
                else
                    v.field_names.push_back({name_of(rest), key});
            } else if (starts_with(k, "layer.")) {
                const std::string_view rest = k.substr(6);
                add_template(v.layers, name_of(rest.substr(0, rest.rfind('.'))));
            } else if (starts_with(k, "metric.") && k.find('.', 7) == std::string_view::npos) {
                v.metrics.push_back({name_of(k.substr(7)), key});
            }
        }
    }
    // Longer fixed parts first, so "coverage_x_hotspot_incident_share" is not read as kind
    // "x_hotspot" of coverage_{kind}_incident_share; ties keep the tables' order.
    for (auto* patterns : {&v.field_names, &v.metrics})
        std::stable_sort(
            patterns->begin(), patterns->end(),
            [](const Pattern& a, const Pattern& b) { return a.name.fixed() > b.name.fixed(); });
    return v;
}

const Vocabulary& vocabulary() {
    static const Vocabulary v = load();
    return v;
}

std::string cell(const embedded::Row& r, Language language) {
    return std::string{r.cells[column(language)]};
}

/// "0401 Robbery": an ICCS code with its name, or the code alone when the table lacks it.
std::string category_text(Language language, const std::string& code) {
    if (!find_iccs(code)) return code;
    return code + " " + iccs_name(code, language);
}

/// Replaces the placeholders of `text`; a missing value throws (`keep_missing`: stays).
std::string fill(std::string_view text, const std::map<std::string, std::string>& values,
                 std::string_view context, bool keep_missing) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        const std::size_t close = c == '{' ? text.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += c;
            continue;
        }
        const std::string name{text.substr(i + 1, close - i - 1)};
        if (const auto it = values.find(name); it != values.end())
            out += it->second;
        else if (keep_missing)
            out += text.substr(i, close - i + 1);
        else
            throw std::out_of_range{
                fmt::format("{}: no value for placeholder {{{}}}", context, name)};
        i = close;
    }
    return out;
}

/// The key of `name` in a family ("layer." + name + "." + what, or its template's), and the
/// value its template binds ({kind} of coverage_police: "police").
std::optional<std::pair<std::string, std::map<std::string, std::string>>>
family_key(std::string_view family, std::string_view name, std::string_view what,
           const std::vector<Template>& templates) {
    const Vocabulary& v = vocabulary();
    std::string key = fmt::format("{}{}{}", family, name, what);
    if (v.find(key)) return std::pair{key, std::map<std::string, std::string>{}};
    for (const Template& t : templates)
        if (auto middle = t.match(name)) {
            key = fmt::format("{}{}{}", family, t.text(), what);
            if (v.find(key))
                return std::pair{key, std::map<std::string, std::string>{{t.name, *middle}}};
        }
    return std::nullopt;
}

/// The metric's key and the value its name binds.
std::pair<std::string, std::map<std::string, std::string>> metric_key(std::string_view metric) {
    const Vocabulary& v = vocabulary();
    std::string key = fmt::format("metric.{}", metric);
    if (v.find(key)) return {key, {}};
    for (const Pattern& p : v.metrics)
        if (auto middle = p.name.match(metric)) return {p.key, {{p.name.name, *middle}}};
    throw std::out_of_range{fmt::format("metric_description: no metric '{}'", metric)};
}

} // namespace

std::optional<Language> parse_language(std::string_view code) {
    for (Language l : all_languages())
        if (code == to_string(l)) return l;
    return std::nullopt;
}

const char* to_string(Language language) noexcept {
    switch (language) {
    case Language::es:
        return "es";
    case Language::pt:
        return "pt";
    case Language::fr:
        return "fr";
    case Language::en:
        break;
    }
    return "en";
}

const std::vector<Language>& all_languages() {
    static const std::vector<Language> all{Language::en, Language::es, Language::pt, Language::fr};
    return all;
}

const std::vector<int>& gi_classes() {
    return vocabulary().gi;
}

std::string gi_class_label(Language language, int cls) {
    if (const embedded::Row* r = vocabulary().find(fmt::format("gi_class.{}", cls)))
        return cell(*r, language);
    throw std::out_of_range{fmt::format("gi_class_label: class {} is not in -3..3", cls)};
}

std::string lisa_label(Language language, std::string_view code) {
    const embedded::Row* r = vocabulary().find("lisa." + key_form(code));
    if (r && code.find('_') == std::string_view::npos) return cell(*r, language);
    throw std::out_of_range{fmt::format("lisa_label: unknown LISA cluster code '{}'", code)};
}

const std::vector<std::string>& lisa_codes() {
    return vocabulary().lisa;
}

std::string ehs_label(Language language, std::string_view code) {
    const embedded::Row* r = vocabulary().find("ehs." + key_form(code));
    if (r && code.find('_') == std::string_view::npos) return cell(*r, language);
    throw std::out_of_range{fmt::format("ehs_label: unknown pattern '{}'", code)};
}

const std::vector<std::string>& ehs_codes() {
    return vocabulary().ehs;
}

std::string field_alias(Language language, std::string_view layer, std::string_view field) {
    // The crime clock's hour columns h00 … h23.
    if (layer == "clock" && field.size() == 3 && field[0] == 'h' &&
        std::isdigit(static_cast<unsigned char>(field[1])) &&
        std::isdigit(static_cast<unsigned char>(field[2]))) {
        const std::string h{field.substr(1)};
        // Exactly 00:00:00 has its own column (midnight), so h00 starts a second later.
        return field == "h00" ? std::string{"00:00:01–00:59"} : fmt::format("{}:00–{}:59", h, h);
    }
    const Vocabulary& v = vocabulary();
    // The layer's own alias first (facilities_police: field.facilities_{kind}.<field>), then
    // the one every layer shares, then the name patterns.
    if (auto own = family_key("field.", layer, fmt::format(".{}", field), v.field_layers))
        return cell(*v.find(own->first), language);
    if (const embedded::Row* r = v.find(fmt::format("field.{}", field))) return cell(*r, language);
    for (const Pattern& p : v.field_names)
        if (auto middle = p.name.match(field)) {
            // An ICCS code is followed by its name; a kind or pattern stays as written.
            const std::string value =
                p.name.name == "code" ? category_text(language, *middle) : *middle;
            return fill(cell(*v.find(p.key), language), {{p.name.name, value}}, p.key, false);
        }
    return std::string{field};
}

std::string text(Language language, std::string_view key) {
    if (const embedded::Row* r = vocabulary().find(std::string{key})) return cell(*r, language);
    throw std::out_of_range{fmt::format("text: no text for key '{}'", key)};
}

std::vector<std::string> text_keys() {
    return vocabulary().text_keys;
}

bool has_text(std::string_view key) {
    return vocabulary().find(std::string{key}) != nullptr;
}

std::vector<std::string> keys_with_prefix(std::string_view prefix) {
    std::vector<std::string> out;
    for (const std::string& k : vocabulary().keys)
        if (starts_with(k, prefix)) out.push_back(k);
    return out;
}

std::string fill_placeholders(std::string_view text,
                              const std::map<std::string, std::string>& values,
                              std::string_view context) {
    return fill(text, values, context, false);
}

std::string layer_title(Language language, std::string_view layer, std::string_view city) {
    const auto key = family_key("layer.", layer, ".title", vocabulary().layers);
    if (!key) throw std::out_of_range{fmt::format("layer_title: no title for layer '{}'", layer)};
    auto values = key->second;
    values.emplace("city", city);
    return fill(cell(*vocabulary().find(key->first), language), values,
                fmt::format("layer_title: layer '{}'", layer), false);
}

std::string layer_description(Language language, std::string_view layer,
                              const std::map<std::string, std::string>& values) {
    const auto key = family_key("layer.", layer, ".description", vocabulary().layers);
    if (!key)
        throw std::out_of_range{
            fmt::format("layer_description: no description for layer '{}'", layer)};
    auto all = values;
    all.insert(key->second.begin(), key->second.end());
    return fill(cell(*vocabulary().find(key->first), language), all,
                fmt::format("layer_description: layer '{}'", layer), false);
}

std::string metric_description(Language language, std::string_view metric) {
    const auto [key, bound] = metric_key(metric);
    return fill(cell(*vocabulary().find(key), language), bound, key, true);
}

std::string metric_description(Language language, std::string_view metric,
                               const std::map<std::string, std::string>& values) {
    auto [key, all] = metric_key(metric);
    for (const auto& [name, value] : values)
        all[name] = value; // given values win
    return fill(cell(*vocabulary().find(key), language), all,
                fmt::format("metric_description: metric '{}'", metric), false);
}

std::string format_number(Language language, double value, int max_decimals) {
    if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf";
    std::string s = fmt::format("{:.{}f}", value, std::max(0, max_decimals));
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    const bool negative = s.front() == '-';
    const std::size_t start = negative ? 1 : 0;
    const std::size_t point = std::min(s.find('.'), s.size());
    std::string integer = s.substr(start, point - start);
    std::string decimals = point < s.size() ? s.substr(point + 1) : "";
    const char* group = language == Language::en ? "," : language == Language::pt ? "." : "\u00a0";
    if (integer.size() > 4) { // from 10,000: four-digit numbers stay whole, as es and fr write
        std::string grouped;
        for (std::size_t i = 0; i < integer.size(); ++i) {
            if (i > 0 && (integer.size() - i) % 3 == 0) grouped += group;
            grouped += integer[i];
        }
        integer = std::move(grouped);
    }
    std::string out = negative ? "-" : "";
    out += integer;
    if (!decimals.empty()) out += (language == Language::en ? "." : ",") + decimals;
    return out;
}

} // namespace vigia::engine
