#pragma once
/// \file
/// Internal to the manifest reader: a TOML table read key by key with line numbers in every
/// message (TableReader), and a table of declared keys (KeyTable) that reads, checks, echoes
/// and documents them. The declarations themselves are in engine/manifest_tables.cpp.

#include "engine/manifest.hpp"
#include "engine/manifest_keys.hpp"

#include "engine/toml.hpp"
#include "io/connection.hpp"
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace vigia::engine::detail {

/// Reads one TOML table, remembering which keys were used so the rest can be reported.
class TableReader {
public:
    TableReader(const toml::table& t, std::string where, const std::filesystem::path& manifest)
        : m_t{t}, m_where{std::move(where)}, m_manifest{manifest} {}

    [[noreturn]] void fail(const toml::node* n, const std::string& what) const {
        const auto& src = n ? n->source() : m_t.source();
        throw ManifestError{fmt::format("{}:{}: {}{}", m_manifest.string(), src.begin.line,
                                        m_where.empty() ? "" : m_where + ": ", what)};
    }
    const toml::node* get(const std::string& key) {
        m_used.insert(key);
        return m_t.get(key);
    }
    /// Every key of the table must have been read.
    void finish(const std::vector<std::string>& allowed) const {
        for (const auto& [k, v] : m_t) {
            if (m_used.count(std::string{k.str()})) continue;
            std::string list;
            for (const auto& a : allowed)
                list += (list.empty() ? "" : ", ") + a;
            fail(&v, fmt::format("unknown key '{}' (allowed: {})", k.str(), list));
        }
    }
    const std::string& where() const { return m_where; }
    const std::filesystem::path& manifest() const { return m_manifest; }
    const toml::table& table() const { return m_t; }
    /// A path relative to the manifest's folder; a connection string (`PG:…`) as it is, its
    /// password kept apart (io/connection.hpp).
    std::string resolve(const std::string& s) const {
        if (io::is_postgres(s)) return io::remember_connection(s);
        const std::filesystem::path p{s};
        return (p.is_absolute() ? p : m_manifest.parent_path() / p).lexically_normal().string();
    }

private:
    const toml::table& m_t;
    std::string m_where;
    const std::filesystem::path& m_manifest;
    std::set<std::string> m_used;
};

/// "a", "a or b", "a, b or c".
inline std::string either(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i == 0 ? "" : i + 1 == v.size() ? " or " : ", ") + v[i];
    return s;
}

/// A TOML number as a finite double: an integer too large for a double exactly is rounded to
/// the nearest (toml++ gives none for it), and `inf` and `nan` are no number of metres or days.
inline std::optional<double> finite_number(const toml::node& n) {
    std::optional<double> v;
    if (n.is_integer())
        v = static_cast<double>(*n.value<std::int64_t>());
    else if (n.is_floating_point())
        v = n.value<double>();
    if (v && !std::isfinite(*v)) v.reset();
    return v;
}

inline std::string number_text(double v) {
    return fmt::format("{}", v);
}

/// The declared keys of one TOML table, read into a `P`.
template <class P> class KeyTable {
public:
    using Reader = std::function<void(TableReader&, const toml::node&, P&)>;
    using Echo = std::function<std::optional<std::string>(const P&)>;
    struct Key {
        std::string name, type, rule, fallback, help, echo_name;
        bool required = false;
        Reader read;
        Echo echo; ///< empty: not echoed
    };

    explicit KeyTable(std::string table) : m_table{std::move(table)} {}

    static Key make(std::string name, std::string type, std::string rule, std::string fallback,
                    std::string help, std::string echo, bool required = false) {
        Key k;
        k.name = std::move(name);
        k.type = std::move(type);
        k.rule = std::move(rule);
        k.fallback = std::move(fallback);
        k.help = std::move(help);
        k.echo_name = std::move(echo);
        k.required = required;
        return k;
    }

    KeyTable& add(Key k) {
        m_keys.push_back(std::move(k));
        return *this;
    }

    /// A string; `path`: resolved against the manifest's folder.
    template <class F>
    KeyTable& text(std::string name, F field, std::string help, bool required = false,
                   std::string echo = {}, bool path = false, std::string fallback = {}) {
        Key k = make(name, path ? "path" : "string", "", required ? "required" : fallback, help,
                     echo, required);
        k.read = [name, field, path](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_string()) r.fail(&n, fmt::format("'{}' must be a string", name));
            const std::string s{*n.value<std::string>()};
            field(p) = path ? r.resolve(s) : s;
        };
        if (!echo.empty())
            k.echo = [field](const P& p) -> std::optional<std::string> {
                return std::string{field(const_cast<P&>(p))};
            };
        return add(std::move(k));
    }

    /// A number; `lo` excluded when `open_lo`, `hi` included (infinite: no upper bound).
    template <class F>
    KeyTable& number(std::string name, F field, double lo, bool open_lo, double hi,
                     std::string help, std::string fallback, std::string echo = {}) {
        const bool bounded = hi < std::numeric_limits<double>::infinity();
        Key k = make(name, "number",
                     bounded ? fmt::format("{} {} … {}", open_lo ? ">" : "≥", lo, hi)
                             : fmt::format("{} {}", open_lo ? ">" : "≥", lo),
                     fallback, help, echo);
        k.read = [=](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_number()) r.fail(&n, fmt::format("'{}' must be a number", name));
            const std::optional<double> got = finite_number(n);
            if (!got) r.fail(&n, fmt::format("'{}' must be a finite number", name));
            const double v = *got;
            const bool ok = (open_lo ? v > lo : v >= lo) && v <= hi;
            if (!ok) {
                if (bounded)
                    r.fail(&n,
                           fmt::format("{} must be between {} and {} (got {})", name, lo, hi, v));
                r.fail(&n, fmt::format("{} = {} must be greater than {}{}", name, v, lo,
                                       open_lo ? "" : " or equal to it"));
            }
            field(p) = v;
        };
        if (!echo.empty())
            k.echo = [field](const P& p) -> std::optional<std::string> {
                return number_text(field(const_cast<P&>(p)));
            };
        return add(std::move(k));
    }

    /// A whole number between `lo` and `hi`.
    template <class F>
    KeyTable& integer(std::string name, F field, long long lo, long long hi, std::string help,
                      std::string fallback, std::string echo = {}) {
        Key k = make(name, "whole number", fmt::format("{} … {}", lo, hi), fallback, help, echo);
        k.read = [=](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_integer()) r.fail(&n, fmt::format("'{}' must be a whole number", name));
            const auto v = *n.value<std::int64_t>();
            if (v < lo || v > hi)
                r.fail(&n, fmt::format("{} must be between {} and {} (got {})", name, lo, hi, v));
            using T = std::remove_reference_t<decltype(field(p))>;
            field(p) = static_cast<T>(v);
        };
        if (!echo.empty())
            k.echo = [field](const P& p) -> std::optional<std::string> {
                return std::to_string(field(const_cast<P&>(p)));
            };
        return add(std::move(k));
    }

    template <class F>
    KeyTable& boolean(std::string name, F field, std::string help, std::string fallback,
                      std::string echo = {}, std::string echo_true = "true",
                      std::string echo_false = "false") {
        Key k = make(name, "true or false", "", fallback, help, echo);
        k.read = [name, field](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_boolean()) r.fail(&n, fmt::format("'{}' must be true or false", name));
            field(p) = *n.value<bool>();
        };
        if (!echo.empty())
            k.echo = [field, echo_true, echo_false](const P& p) -> std::optional<std::string> {
                return field(const_cast<P&>(p)) ? echo_true : echo_false;
            };
        return add(std::move(k));
    }

    /// One of named choices.
    template <class F, class E>
    KeyTable& choice(std::string name, F field, std::vector<std::pair<std::string, E>> choices,
                     std::string help, std::string fallback, std::string echo = {}) {
        std::vector<std::string> quoted;
        for (const auto& [s, e] : choices)
            quoted.push_back("\"" + s + "\"");
        Key k = make(name, "string", either(quoted), fallback, help, echo);
        k.read = [=](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_string()) r.fail(&n, fmt::format("'{}' must be a string", name));
            const std::string s{*n.value<std::string>()};
            for (const auto& [text, e] : choices)
                if (text == s) {
                    field(p) = e;
                    return;
                }
            r.fail(&n, fmt::format("{} = \"{}\": expected {}", name, s, either(quoted)));
        };
        if (!echo.empty())
            k.echo = [field, choices](const P& p) -> std::optional<std::string> {
                for (const auto& [text, e] : choices)
                    if (e == field(const_cast<P&>(p))) return text;
                return std::string{};
            };
        return add(std::move(k));
    }

    /// Anything else: its own reader and echo.
    KeyTable& custom(std::string name, std::string type, std::string rule, std::string fallback,
                     std::string help, Reader read, std::string echo = {}, Echo echo_fn = {},
                     bool required = false) {
        Key k = make(name, type, rule, required ? "required" : fallback, help, echo, required);
        k.read = std::move(read);
        k.echo = std::move(echo_fn);
        return add(std::move(k));
    }

    /// Makes the last key required.
    KeyTable& required() {
        m_keys.back().required = true;
        m_keys.back().fallback = "required";
        return *this;
    }

    /// Gives the last key a run_info echo of its own (a value formatted as run_info writes
    /// it; nullopt leaves the entry out).
    KeyTable& echo_as(std::string name, Echo fn) {
        m_keys.back().echo_name = std::move(name);
        m_keys.back().echo = std::move(fn);
        return *this;
    }

    /// Reads every declared key present (a missing required key is an error), then refuses
    /// any other key of the table.
    void read(TableReader& r, P& p) const {
        for (const Key& k : m_keys) {
            const toml::node* n = r.get(k.name);
            if (!n) {
                if (k.required) r.fail(nullptr, fmt::format("missing required key '{}'", k.name));
                continue;
            }
            k.read(r, *n, p);
        }
        r.finish(names());
    }

    std::vector<std::string> names() const {
        std::vector<std::string> v;
        for (const Key& k : m_keys)
            v.push_back(k.name);
        return v;
    }

    /// The run_info echoes of `p`, `prefix` before each name.
    void echo(const P& p, std::vector<std::pair<std::string, std::string>>& out,
              const std::string& prefix = {}) const {
        for (const Key& k : m_keys)
            if (k.echo)
                if (auto v = k.echo(p)) out.emplace_back(prefix + k.echo_name, *v);
    }

    void docs(std::vector<KeyDoc>& out) const {
        for (const Key& k : m_keys)
            out.push_back({m_table, k.name, k.type, k.rule, k.fallback, k.help, k.echo_name});
    }

    const std::string& table() const { return m_table; }

private:
    std::string m_table;
    std::vector<Key> m_keys;
};

/// The tables of a manifest (engine/manifest_tables.cpp).
struct PointsTable {
    io::IncidentSourceSpec spec;
    double max_outside_share = 1.0, max_rejected_share = 0.5;
};
struct CountsTable {
    io::CountsSourceSpec spec;
    std::string unit_key;
    double max_rejected_share = 0.5;
};
const KeyTable<AnalysisParams>& analysis_keys();
const KeyTable<KdeParams>& kde_keys();
const KeyTable<NearRepeatParams>& near_repeat_keys();
const KeyTable<PublishParams>& publish_keys();
const KeyTable<CityConfig>& city_keys();
const KeyTable<io::PolygonSourceSpec>& boundary_keys();
const KeyTable<PointsTable>& points_keys();
const KeyTable<CountsTable>& counts_keys();
const KeyTable<FacilityConfig>& facility_keys();
const KeyTable<io::FeatureSourceSpec>& population_keys();
const KeyTable<InterventionConfig>& intervention_keys();
const KeyTable<io::FeatureSourceSpec>& control_keys();
const KeyTable<io::TimeSpec>& time_parts_keys();

/// A { start, end } table of dates, both days included.
io::Period read_date_range(TableReader& r, const toml::node& n, const std::string& key);

} // namespace vigia::engine::detail
