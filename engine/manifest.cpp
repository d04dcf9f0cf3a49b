#include "engine/manifest.hpp"

#include "engine/iccs.hpp"
#include "io/gdal_util.hpp"
#include "io/text.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace vigia::engine {

namespace fs = std::filesystem;

namespace {

/// Reads one TOML table, remembering which keys were used so the rest can be reported.
class TableReader {
public:
    TableReader(const toml::table& t, std::string where, const fs::path& manifest)
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

    std::optional<std::string> string(const std::string& key, bool required = false) {
        const toml::node* n = get(key);
        if (!n) {
            if (required) fail(nullptr, fmt::format("missing required key '{}'", key));
            return std::nullopt;
        }
        if (!n->is_string()) fail(n, fmt::format("'{}' must be a string", key));
        return std::string{*n->value<std::string>()};
    }

    std::optional<bool> boolean(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_boolean()) fail(n, fmt::format("'{}' must be true or false", key));
        return *n->value<bool>();
    }

    std::optional<std::int64_t> integer(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_integer()) fail(n, fmt::format("'{}' must be a whole number", key));
        return *n->value<std::int64_t>();
    }

    std::optional<double> number(const std::string& key) {
        const toml::node* n = get(key);
        if (!n) return std::nullopt;
        if (!n->is_number()) fail(n, fmt::format("'{}' must be a number", key));
        return *n->value<double>();
    }

    const toml::table* table(const std::string& key, bool required = false) {
        const toml::node* n = get(key);
        if (!n) {
            if (required) fail(nullptr, fmt::format("missing required key '{}'", key));
            return nullptr;
        }
        if (!n->is_table()) fail(n, fmt::format("'{}' must be a table {{ ... }}", key));
        return n->as_table();
    }

    /// A path relative to the manifest's folder.
    std::optional<std::string> path(const std::string& key, bool required = false) {
        auto s = string(key, required);
        if (!s) return s;
        const fs::path p{*s};
        return (p.is_absolute() ? p : m_manifest.parent_path() / p).lexically_normal().string();
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
    const fs::path& manifest() const { return m_manifest; }

private:
    const toml::table& m_t;
    std::string m_where;
    const fs::path& m_manifest;
    std::set<std::string> m_used;
};

std::int64_t parse_date(TableReader& r, const toml::node* n, const std::string& key) {
    std::optional<std::string> text;
    if (n && n->is_string()) text = *n->value<std::string>();
    if (n && n->is_date()) {
        const auto d = *n->value<toml::date>();
        return io::days_from_civil(d.year, d.month, d.day) * 86400;
    }
    if (text) {
        if (auto t = io::parse_time(*text); t && text->size() == 10) return *t;
    }
    r.fail(n, fmt::format("period.{} must be a date \"yyyy-mm-dd\"", key));
}

AnalysisParams read_analysis(const toml::table& t, const fs::path& manifest) {
    TableReader r{t, "[analysis]", manifest};
    AnalysisParams a;
    if (auto g = r.string("grid")) {
        if (*g == "hex")
            a.grid.shape = analysis::GridShape::hex;
        else if (*g == "square")
            a.grid.shape = analysis::GridShape::square;
        else
            r.fail(r.get("grid"), fmt::format("grid = \"{}\": expected \"hex\" or \"square\"", *g));
    }
    if (auto s = r.number("cell_size_m")) {
        if (!(*s > 0)) r.fail(r.get("cell_size_m"), "cell_size_m must be greater than 0");
        a.grid.cell_size_m = *s;
    }
    if (auto c = r.string("crs")) {
        a.crs = *c;
        if (a.crs != "auto") {
            // Checked here so that a bad CRS is a manifest error with its line, before any work.
            std::unique_ptr<OGRSpatialReference> srs;
            try {
                srs = io::make_srs(a.crs, "[analysis] crs");
            } catch (const InputError& e) {
                r.fail(r.get("crs"), e.what());
            }
            if (!srs->IsProjected() || srs->GetLinearUnits() != 1.0)
                r.fail(r.get("crs"),
                       fmt::format("crs = \"{}\" is not a projected CRS in metres; use "
                                   "\"auto\" or e.g. \"EPSG:32614\"",
                                   a.crs));
        }
    }
    // A { start, end } table of dates, both days included.
    auto date_range = [&](const char* key) -> std::optional<io::Period> {
        const toml::table* p = r.table(key);
        if (!p) return std::nullopt;
        TableReader pr{*p, fmt::format("[analysis] {}", key), manifest};
        const toml::node* s = pr.get("start");
        const toml::node* e = pr.get("end");
        if (!s) pr.fail(nullptr, "missing required key 'start'");
        if (!e) pr.fail(nullptr, "missing required key 'end'");
        const std::int64_t start = parse_date(pr, s, "start");
        const std::int64_t end = parse_date(pr, e, "end") + 86399; // the whole last day
        if (end < start) pr.fail(e, fmt::format("{}.end is before {}.start", key, key));
        pr.finish({"start", "end"});
        return io::Period{start, end};
    };
    a.period = date_range("period");
    if (a.period) a.period_text = period_text(*a.period);
    a.train = date_range("train");
    a.test = date_range("test");
    if (a.train.has_value() != a.test.has_value())
        r.fail(r.get(a.train ? "train" : "test"), "give both train and test periods, or neither");
    if (auto d = r.number("neighbourhood_m")) {
        if (!(*d > 0)) r.fail(r.get("neighbourhood_m"), "neighbourhood_m must be greater than 0");
        a.neighbourhood_m = *d;
    }
    if (auto p = r.integer("permutations")) {
        if (*p < 0 || *p > 99999)
            r.fail(r.get("permutations"), "permutations must be between 0 and 99999");
        a.permutations = static_cast<std::size_t>(*p);
    }
    if (auto sd = r.integer("seed")) {
        if (*sd < 0) r.fail(r.get("seed"), "seed must be a non-negative whole number");
        a.seed = static_cast<std::uint64_t>(*sd);
    }
    if (auto f = r.boolean("fdr")) a.fdr = *f;
    if (const toml::table* k = r.table("kde")) {
        TableReader kr{*k, "[analysis] kde", manifest};
        if (auto kernel = kr.string("kernel")) {
            if (*kernel == "quartic")
                a.kde.kernel = analysis::Kernel::quartic;
            else if (*kernel == "gaussian")
                a.kde.kernel = analysis::Kernel::gaussian;
            else
                kr.fail(
                    kr.get("kernel"),
                    fmt::format("kernel = \"{}\": expected \"quartic\" or \"gaussian\"", *kernel));
        }
        if (const toml::node* bw = kr.get("bandwidth_m")) {
            if (bw->is_string() && *bw->value<std::string>() == "auto")
                a.kde.bandwidth_m = 0;
            else if (bw->is_number() && *bw->value<double>() > 0)
                a.kde.bandwidth_m = *bw->value<double>();
            else
                kr.fail(bw, "bandwidth_m must be a number of metres greater than 0, or \"auto\"");
        }
        if (auto px = kr.number("pixel_m")) {
            if (!(*px > 0)) kr.fail(kr.get("pixel_m"), "pixel_m must be greater than 0");
            a.kde.pixel_m = *px;
        }
        kr.finish({"kernel", "bandwidth_m", "pixel_m"});
    }
    if (a.kde.bandwidth_m > 0 && a.kde.bandwidth_m < a.kde.pixel_m)
        r.fail(r.get("kde"), fmt::format("kde bandwidth_m = {} is smaller than its pixel_m = {}: "
                                         "most pixels would see no incident; use a bandwidth of "
                                         "at least one pixel",
                                         a.kde.bandwidth_m, a.kde.pixel_m));
    if (const toml::node* n = r.get("categories")) {
        const toml::array* arr = n->as_array();
        if (!arr) r.fail(n, "categories must be a list of ICCS codes, e.g. [\"0401\", \"0501\"]");
        for (const toml::node& item : *arr) {
            const auto code = item.value<std::string>();
            if (!code) r.fail(&item, "categories must be a list of ICCS codes (strings)");
            if (!find_iccs(*code))
                r.fail(&item, fmt::format("categories: '{}' is not an ICCS code known to vigia "
                                          "(data/categories/iccs.csv lists them)",
                                          *code));
            if (std::find(a.categories.begin(), a.categories.end(), *code) != a.categories.end())
                r.fail(&item, fmt::format("categories: '{}' is listed twice", *code));
            a.categories.push_back(*code);
        }
    }
    if (auto lang = r.string("language")) {
        if (*lang != "en" && *lang != "es" && *lang != "pt" && *lang != "fr")
            r.fail(
                r.get("language"),
                fmt::format("language = \"{}\": expected \"es\", \"pt\", \"en\" or \"fr\"", *lang));
        a.language = *lang;
    }
    if (const toml::node* n = r.get("time_step")) {
        if (auto days = n->value<std::int64_t>(); days && n->is_integer()) {
            if (*days < 1 || *days > 3660)
                r.fail(n, "time_step in days must be between 1 and 3660");
            a.time.step = "days";
            a.time.step_days = static_cast<int>(*days);
        } else if (auto s = n->value<std::string>();
                   s && (*s == "week" || *s == "month" || *s == "quarter" || *s == "year")) {
            a.time.step = *s;
        } else {
            r.fail(n, "time_step must be \"week\", \"month\", \"quarter\", \"year\" or a number "
                      "of days");
        }
    }
    if (auto w = r.integer("time_window")) {
        if (*w < 0 || *w > 120) r.fail(r.get("time_window"), "time_window must be 0 to 120 steps");
        a.time.window = static_cast<int>(*w);
    }
    if (auto p = r.string("partial_steps")) {
        if (*p != "drop" && *p != "keep")
            r.fail(r.get("partial_steps"),
                   fmt::format("partial_steps = \"{}\": expected \"drop\" or \"keep\"", *p));
        a.time.drop_partial = *p == "drop";
    }
    if (const toml::table* nr = r.table("near_repeat")) {
        TableReader nrr{*nr, "[analysis] near_repeat", manifest};
        auto bands = [&](const char* key, std::vector<double>& out) {
            const toml::node* n = nrr.get(key);
            if (!n) return;
            const toml::array* arr = n->as_array();
            if (!arr || arr->empty())
                nrr.fail(n, fmt::format("{} must be a list of increasing numbers", key));
            for (const toml::node& item : *arr) {
                const auto v = item.value<double>();
                if (!v || !(*v > 0) || (!out.empty() && *v <= out.back()))
                    nrr.fail(&item, fmt::format("{} must be a list of increasing numbers greater "
                                                "than 0",
                                                key));
                out.push_back(*v);
            }
        };
        bands("distance_bands_m", a.near_repeat.distance_bands_m);
        bands("time_bands_days", a.near_repeat.time_bands_days);
        if (auto p = nrr.integer("permutations")) {
            if (*p < 0 || *p > 99999)
                nrr.fail(nrr.get("permutations"), "permutations must be between 0 and 99999");
            a.near_repeat.permutations = static_cast<std::size_t>(*p);
        }
        nrr.finish({"distance_bands_m", "time_bands_days", "permutations"});
    }
    r.finish({"grid", "cell_size_m", "crs", "period", "train", "test", "neighbourhood_m",
              "permutations", "seed", "fdr", "kde", "categories", "language", "time_step",
              "time_window", "partial_steps", "near_repeat"});
    return a;
}

/// `sql = "SELECT ..."`: GDAL's SQLite dialect on the file, instead of layer (and where).
std::string sql_key(TableReader& r) {
    auto sql = r.string("sql");
    if (!sql) return {};
    if (sql->empty()) r.fail(r.get("sql"), "sql is empty");
    if (r.get("layer") && r.string("layer")) r.fail(r.get("sql"), "give layer or sql, not both");
    return *sql;
}

/// `encoding = "CP1252"`: the text encoding, when detection would guess wrong.
std::string encoding_key(TableReader& r) {
    auto e = r.string("encoding");
    if (!e) return {};
    try {
        io::Recoder check{*e};
    } catch (const std::invalid_argument&) {
        r.fail(r.get("encoding"), fmt::format("encoding = \"{}\" is not an encoding iconv knows "
                                              "(e.g. \"CP1252\", \"ISO-8859-1\", \"UTF-8\")",
                                              *e));
    }
    return *e;
}

/// `time`: a field, [date, time of day], or { year, month, day, hour, minute }; with
/// `time_format` for the (first) field.
io::TimeSpec time_key(TableReader& r) {
    io::TimeSpec t;
    const toml::node* n = r.get("time");
    if (n) {
        if (n->is_string()) {
            t.fields.push_back(*n->value<std::string>());
        } else if (const toml::array* a = n->as_array()) {
            for (const toml::node& item : *a) {
                if (!item.is_string())
                    r.fail(&item, "time = [...] must list field names (strings)");
                t.fields.push_back(*item.value<std::string>());
            }
            if (t.fields.empty() || t.fields.size() > 2)
                r.fail(n, "time = [...] names one field (a date-time) or two (a date and a time "
                          "of day), e.g. [\"fecha\", \"hora\"]");
        } else if (const toml::table* tt = n->as_table()) {
            TableReader pr{*tt, r.where() + " time", r.manifest()};
            t.year = *pr.string("year", true);
            t.month = *pr.string("month", true);
            t.day = pr.string("day").value_or("");
            t.hour = pr.string("hour").value_or("");
            t.minute = pr.string("minute").value_or("");
            if (!t.minute.empty() && t.hour.empty()) pr.fail(pr.get("minute"), "minute needs hour");
            if (!t.hour.empty() && t.day.empty()) pr.fail(pr.get("hour"), "hour needs day");
            pr.finish({"year", "month", "day", "hour", "minute"});
        } else {
            r.fail(n, "time must be a field name, a list [date, time of day], or a table "
                      "{ year = ..., month = ..., day = ... }");
        }
        for (const auto& f : t.fields)
            if (f.empty()) r.fail(n, "time names an empty field");
    }
    if (auto f = r.string("time_format")) {
        if (t.fields.empty())
            r.fail(r.get("time_format"), "time_format needs time = \"field\" (or [date, time])");
        if (const std::string why = io::check_strptime_format(*f); !why.empty())
            r.fail(r.get("time_format"), why);
        t.format = *f;
    }
    return t;
}

FacilityConfig read_facility(const toml::table& t, const CityConfig& city,
                             const fs::path& manifest) {
    FacilityConfig f;
    TableReader r{t, fmt::format("city '{}' [[city.facilities]]", city.name), manifest};
    f.kind = *r.string("kind", true);
    if (f.kind.empty() ||
        f.kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        r.fail(r.get("kind"), fmt::format("kind = \"{}\": use lower-case letters, digits and '_' "
                                          "(it names the output layers)",
                                          f.kind));
    for (const FacilityConfig& other : city.facilities)
        if (other.kind == f.kind)
            r.fail(r.get("kind"), fmt::format("two facility networks have kind '{}'", f.kind));
    TableReader named{t, fmt::format("city '{}' facilities '{}'", city.name, f.kind), manifest};
    f.source.path = *named.path("path", true);
    f.source.layer = named.string("layer").value_or("");
    f.source.sql = sql_key(named);
    f.source.encoding = encoding_key(named);
    f.source.crs = named.string("crs").value_or("");
    f.source.where = named.string("where").value_or("");
    f.source.name_field = named.string("name_field").value_or("");
    named.get("kind");
    const auto radius = named.number("radius_m");
    if (!radius)
        named.fail(nullptr,
                   "missing required key 'radius_m' (the reach of one facility, in metres)");
    if (!(*radius > 0))
        named.fail(named.get("radius_m"),
                   fmt::format("radius_m = {} must be greater than 0", *radius));
    f.radius_m = *radius;
    if (auto k = named.integer("suggest")) {
        if (*k < 0 || *k > 1000)
            named.fail(named.get("suggest"), "suggest must be between 0 and 1000");
        f.suggest = static_cast<std::size_t>(*k);
    }
    if (auto o = named.string("objective")) {
        if (*o == "incidents")
            f.objective = Objective::incidents;
        else if (*o == "hotspot")
            f.objective = Objective::hotspot;
        else if (*o == "population")
            f.objective = Objective::population;
        else
            named.fail(named.get("objective"),
                       fmt::format("objective = \"{}\": expected \"incidents\", "
                                   "\"hotspot\" or \"population\"",
                                   *o));
    }
    f.candidates = named.path("candidates").value_or("");
    named.finish({"kind", "path", "layer", "sql", "encoding", "crs", "where", "name_field",
                  "radius_m", "suggest", "objective", "candidates"});
    return f;
}

CityConfig read_city(const toml::table& t, std::size_t index, const fs::path& manifest) {
    CityConfig c;
    TableReader r{t, fmt::format("[[city]] #{}", index + 1), manifest};
    c.name = *r.string("name", true);
    if (auto s = r.string("slug")) {
        if (s->empty() ||
            s->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
            r.fail(r.get("slug"), fmt::format("slug = \"{}\": use lower-case letters, digits, "
                                              "'-' and '_'",
                                              *s));
        c.slug = *s;
    } else {
        c.slug = slugify(c.name);
        if (c.slug.empty())
            r.fail(nullptr, "cannot derive a slug from the name; give slug = \"...\"");
    }

    const toml::table* b = r.table("boundary", true);
    TableReader br{*b, fmt::format("city '{}' boundary", c.name), manifest};
    c.boundary.path = *br.path("path", true);
    c.boundary.layer = br.string("layer").value_or("");
    c.boundary.sql = sql_key(br);
    c.boundary.encoding = encoding_key(br);
    c.boundary.crs = br.string("crs").value_or("");
    c.boundary.name_field = br.string("name_field").value_or("");
    br.finish({"path", "layer", "sql", "encoding", "crs", "name_field"});

    const toml::table* in = r.table("incidents", true);
    TableReader ir{*in, fmt::format("city '{}' incidents", c.name), manifest};
    if (auto share = ir.number("max_rejected_share")) {
        if (!(*share >= 0 && *share <= 1))
            ir.fail(ir.get("max_rejected_share"), "max_rejected_share must be between 0 and 1");
        c.max_rejected_share = *share;
    }
    if (in->contains("counts")) {
        io::CountsSourceSpec s;
        s.path = *ir.path("counts", true);
        s.layer = ir.string("layer").value_or("");
        s.sql = sql_key(ir);
        s.encoding = encoding_key(ir);
        s.key = *ir.string("key", true);
        if (auto km = ir.string("key_match")) {
            if (*km == "exact")
                s.key_match = io::KeyMatch::exact;
            else if (*km == "number")
                s.key_match = io::KeyMatch::number;
            else if (*km == "name")
                s.key_match = io::KeyMatch::name;
            else
                ir.fail(ir.get("key_match"),
                        fmt::format("key_match = \"{}\": expected \"exact\", \"number\" (5001 = "
                                    "05001) or \"name\" (case, accents and punctuation folded)",
                                    *km));
        }
        const auto unit_key = ir.string("unit_key", s.key_match != io::KeyMatch::name);
        c.boundary.key_field = unit_key.value_or("");
        if (c.boundary.key_field.empty() && c.boundary.name_field.empty())
            ir.fail(nullptr, "key_match = \"name\" without unit_key matches the boundary's "
                             "name_field: give one of them");
        s.count = ir.string("count").value_or("");
        s.category = ir.string("category").value_or("");
        s.year = ir.string("year").value_or("");
        s.month = ir.string("month").value_or("");
        s.time = time_key(ir);
        if (!s.time.empty() && (!s.year.empty() || !s.month.empty()))
            ir.fail(ir.get("time"), "give time, or year and month, not both");
        s.where = ir.string("where").value_or("");
        ir.finish({"counts", "layer", "sql", "encoding", "key", "key_match", "unit_key", "count",
                   "category", "year", "month", "time", "time_format", "where",
                   "max_rejected_share"});
        c.counts = s;
    } else {
        io::IncidentSourceSpec s;
        s.path = *ir.path("path", true);
        s.layer = ir.string("layer").value_or("");
        s.sql = sql_key(ir);
        s.encoding = encoding_key(ir);
        s.crs = ir.string("crs").value_or("");
        s.x = ir.string("x").value_or("");
        s.y = ir.string("y").value_or("");
        s.wkt = ir.string("wkt").value_or("");
        if (auto d = ir.string("decimal")) {
            if (*d == ".")
                s.decimal = io::Decimal::point;
            else if (*d == ",")
                s.decimal = io::Decimal::comma;
            else
                ir.fail(ir.get("decimal"),
                        fmt::format("decimal = \"{}\": expected \".\" or \",\"", *d));
        }
        s.time = time_key(ir);
        s.category = ir.string("category").value_or("");
        s.where = ir.string("where").value_or("");
        if (auto share = ir.number("max_outside_share")) {
            if (!(*share >= 0 && *share <= 1))
                ir.fail(ir.get("max_outside_share"), "max_outside_share must be between 0 and 1");
            c.max_outside_share = *share;
        }
        ir.finish({"path", "layer", "sql", "encoding", "crs", "x", "y", "wkt", "decimal", "time",
                   "time_format", "category", "where", "max_outside_share", "max_rejected_share"});
        if (s.x.empty() != s.y.empty())
            ir.fail(nullptr, "give both x and y (the coordinate columns), or neither");
        if (!s.x.empty() && !s.wkt.empty())
            ir.fail(ir.get("wkt"), "give x and y, or wkt, not both");
        c.incidents = s;
    }
    if (const toml::node* f = r.get("facilities")) {
        if (!f->is_array_of_tables())
            r.fail(f, "'facilities' must be written as [[city.facilities]] tables");
        for (const toml::node& item : *f->as_array())
            c.facilities.push_back(read_facility(*item.as_table(), c, manifest));
    }
    if (const toml::table* p = r.table("population")) {
        TableReader pr{*p, fmt::format("city '{}' population", c.name), manifest};
        io::FeatureSourceSpec s;
        s.path = *pr.path("path", true);
        s.layer = pr.string("layer").value_or("");
        s.sql = sql_key(pr);
        s.encoding = encoding_key(pr);
        s.crs = pr.string("crs").value_or("");
        s.where = pr.string("where").value_or("");
        s.value_field = *pr.string("field", true);
        pr.finish({"path", "layer", "sql", "encoding", "crs", "where", "field"});
        c.population = s;
    }
    for (const FacilityConfig& fc : c.facilities)
        if (fc.objective == Objective::population && !c.population)
            r.fail(nullptr, fmt::format("facilities '{}': objective = \"population\" needs a "
                                        "[city.population] layer",
                                        fc.kind));
    c.categories = r.path("categories").value_or("");
    r.finish({"name", "slug", "boundary", "incidents", "facilities", "population", "categories"});
    return c;
}

} // namespace

Manifest parse_manifest(std::string_view text, const fs::path& path) {
    toml::table root;
    try {
        root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw ManifestError{
            fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description())};
    }
    Manifest m;
    m.path = path;
    TableReader r{root, "", path};
    if (const toml::table* a = r.table("analysis")) m.analysis = read_analysis(*a, path);
    if (const toml::table* p = r.table("publish")) {
        TableReader pr{*p, "[publish]", path};
        m.publish.enabled = true;
        if (auto mc = pr.number("min_count")) {
            if (!(*mc >= 0) || *mc > 1e6)
                pr.fail(pr.get("min_count"), "min_count must be a count between 0 and 1000000");
            m.publish.min_count = *mc;
        }
        pr.finish({"min_count"});
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
