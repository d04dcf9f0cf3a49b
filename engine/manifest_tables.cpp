// Every manifest key, declared once per TOML table: type, range or choices, default, help
// and run_info echo (engine/manifest_table.hpp). engine/manifest.cpp reads a manifest with
// these tables; engine/manifest_keys.cpp documents and echoes them.

#include "analysis/error.hpp"
#include "engine/iccs.hpp"
#include "engine/manifest_table.hpp"
#include "io/gdal_util.hpp"
#include "io/text.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <algorithm>
#include <stdexcept>

namespace vigia::engine::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::int64_t parse_date(TableReader& r, const toml::node* n, const std::string& key) {
    if (n && n->is_date()) {
        const auto d = *n->value<toml::date>();
        return io::days_from_civil(d.year, d.month, d.day) * 86400;
    }
    if (n && n->is_string()) {
        const std::string text{*n->value<std::string>()};
        if (auto t = io::parse_time(text); t && text.size() == 10) return *t;
    }
    r.fail(n, fmt::format("period.{} must be a date \"yyyy-mm-dd\"", key));
}

/// `categories = ["0401", "0502"]`: ICCS codes known to vigia, each once.
void read_iccs_codes(TableReader& r, const toml::node& n, std::vector<std::string>& out) {
    const toml::array* arr = n.as_array();
    if (!arr) r.fail(&n, "categories must be a list of ICCS codes, e.g. [\"0401\", \"0501\"]");
    for (const toml::node& item : *arr) {
        const auto code = item.value<std::string>();
        if (!code) r.fail(&item, "categories must be a list of ICCS codes (strings)");
        if (!find_iccs(*code))
            r.fail(&item, fmt::format("categories: '{}' is not an ICCS code known to vigia "
                                      "(data/categories/iccs.csv lists them)",
                                      *code));
        if (std::find(out.begin(), out.end(), *code) != out.end())
            r.fail(&item, fmt::format("categories: '{}' is listed twice", *code));
        out.push_back(*code);
    }
}

const toml::table& table_of(TableReader& r, const toml::node& n, const std::string& key) {
    if (!n.is_table()) r.fail(&n, fmt::format("'{}' must be a table {{ ... }}", key));
    return *n.as_table();
}

/// `sql = "SELECT ..."`: GDAL's SQLite dialect on the file, instead of layer.
template <class P, class F> void sql_key(KeyTable<P>& t, F location, const std::string& echo = {}) {
    t.custom(
        "sql", "string", "", "",
        "instead of layer: a query in GDAL's SQLite dialect (as ogr2ogr -sql), or PostgreSQL's "
        "own for a PG: path, to derive a "
        "key or a coordinate",
        [location](TableReader& r, const toml::node& n, P& p) {
            if (!n.is_string()) r.fail(&n, "'sql' must be a string");
            const std::string s{*n.value<std::string>()};
            if (s.empty()) r.fail(&n, "sql is empty");
            auto [layer, sql] = location(p);
            if (!layer.empty()) r.fail(&n, "give layer or sql, not both");
            sql = s;
        });
    if (!echo.empty())
        t.echo_as(echo, [location](const P& p) -> std::optional<std::string> {
            auto [layer, sql] = location(const_cast<P&>(p));
            if (sql.empty()) return std::nullopt;
            return std::string{sql};
        });
}

/// `encoding = "CP1252"`: the text encoding, when detection would guess wrong.
template <class P, class F> void encoding_key(KeyTable<P>& t, F field) {
    t.custom("encoding", "string", "an encoding iconv knows", "detected (UTF-8, else CP1252)",
             "the text encoding of the layer, when it is not what Vigía detects",
             [field](TableReader& r, const toml::node& n, P& p) {
                 if (!n.is_string()) r.fail(&n, "'encoding' must be a string");
                 const std::string e{*n.value<std::string>()};
                 try {
                     io::Recoder check{e};
                 } catch (const std::invalid_argument&) {
                     r.fail(&n, fmt::format("encoding = \"{}\" is not an encoding iconv knows "
                                            "(e.g. \"CP1252\", \"ISO-8859-1\", \"UTF-8\")",
                                            e));
                 }
                 field(p) = e;
             });
}

/// `time`: a field, [date, time of day], or { year, month, day, hour, minute }.
void read_time(TableReader& r, const toml::node& n, io::TimeSpec& t) {
    if (n.is_string()) {
        t.fields.push_back(*n.value<std::string>());
    } else if (const toml::array* a = n.as_array()) {
        for (const toml::node& item : *a) {
            if (!item.is_string()) r.fail(&item, "time = [...] must list field names (strings)");
            t.fields.push_back(*item.value<std::string>());
        }
        if (t.fields.empty() || t.fields.size() > 2)
            r.fail(&n, "time = [...] names one field (a date-time) or two (a date and a time of "
                       "day), e.g. [\"fecha\", \"hora\"]");
    } else if (const toml::table* tt = n.as_table()) {
        TableReader pr{*tt, r.where() + " time", r.manifest()};
        time_parts_keys().read(pr, t);
        if (!t.minute.empty() && t.hour.empty()) pr.fail(pr.get("minute"), "minute needs hour");
        if (!t.hour.empty() && t.day.empty()) pr.fail(pr.get("hour"), "hour needs day");
    } else {
        r.fail(&n, "time must be a field name, a list [date, time of day], or a table "
                   "{ year = ..., month = ..., day = ... }");
    }
    for (const auto& f : t.fields)
        if (f.empty()) r.fail(&n, "time names an empty field");
}

template <class P, class F> void time_keys(KeyTable<P>& t, F field) {
    t.custom(
        "time", "string, list or table", "", "",
        "a field (date or date-time), [\"date\", \"time of day\"], or { year, month, day, hour, "
        "minute }",
        [field](TableReader& r, const toml::node& n, P& p) { read_time(r, n, field(p)); });
    t.custom("time_format", "string", "strptime-like", "detected",
             "the format of the (first) time field, e.g. \"%m/%d/%Y %I:%M:%S %p\"",
             [field](TableReader& r, const toml::node& n, P& p) {
                 if (!n.is_string()) r.fail(&n, "'time_format' must be a string");
                 const std::string f{*n.value<std::string>()};
                 if (field(p).fields.empty())
                     r.fail(&n, "time_format needs time = \"field\" (or [date, time])");
                 if (const std::string why = io::check_strptime_format(f); !why.empty())
                     r.fail(&n, why);
                 field(p).format = f;
             });
}

} // namespace

io::Period read_date_range(TableReader& r, const toml::node& n, const std::string& key) {
    const toml::table& p = table_of(r, n, key);
    TableReader pr{p, fmt::format("[analysis] {}", key), r.manifest()};
    const toml::node* s = pr.get("start");
    const toml::node* e = pr.get("end");
    if (!s) pr.fail(nullptr, "missing required key 'start'");
    if (!e) pr.fail(nullptr, "missing required key 'end'");
    const std::int64_t start = parse_date(pr, s, "start");
    const std::int64_t end = parse_date(pr, e, "end") + 86399; // the whole last day
    if (end < start) pr.fail(e, fmt::format("{}.end is before {}.start", key, key));
    pr.finish({"start", "end"});
    return {start, end};
}

const KeyTable<io::TimeSpec>& time_parts_keys() {
    static const auto keys = [] {
        KeyTable<io::TimeSpec> k{"time = { ... }"};
        auto f = [](auto member) {
            return [member](auto& p) -> auto& {
                return p.*member;
            };
        };
        k.text("year", f(&io::TimeSpec::year), "the year field", true);
        k.text("month", f(&io::TimeSpec::month), "the month field (a number or a month name)",
               true);
        k.text("day", f(&io::TimeSpec::day), "the day field");
        k.text("hour", f(&io::TimeSpec::hour), "the hour field (needs day)");
        k.text("minute", f(&io::TimeSpec::minute), "the minute field (needs hour)");
        return k;
    }();
    return keys;
}

const KeyTable<KdeParams>& kde_keys() {
    static const auto keys = [] {
        KeyTable<KdeParams> k{"[analysis] kde"};
        k.choice(
            "kernel", [](auto& p) -> auto& { return p.kernel; },
            std::vector<std::pair<std::string, analysis::Kernel>>{
                {"quartic", analysis::Kernel::quartic}, {"gaussian", analysis::Kernel::gaussian}},
            "the kernel", "\"quartic\"", "kde_kernel");
        k.custom(
            "bandwidth_m", "number or \"auto\"", "> 0", "500",
            "quartic: search radius; gaussian: sigma; \"auto\": ArcGIS's rule (spatial "
            "Silverman)",
            [](TableReader& r, const toml::node& n, KdeParams& p) {
                if (n.is_string() && *n.value<std::string>() == "auto")
                    p.bandwidth_m = 0;
                else if (const auto v = finite_number(n); v && *v > 0)
                    p.bandwidth_m = *v;
                else
                    r.fail(&n, "bandwidth_m must be a number of metres greater than 0, or "
                               "\"auto\"");
            },
            "kde_bandwidth_requested",
            [](const KdeParams& p) -> std::optional<std::string> {
                return p.bandwidth_m > 0 ? number_text(p.bandwidth_m) : "auto";
            });
        k.number(
            "pixel_m", [](auto& p) -> auto& { return p.pixel_m; }, 0, true, kInf,
            "raster pixel size, m", "50", "kde_pixel_m");
        return k;
    }();
    return keys;
}

const KeyTable<NearRepeatParams>& near_repeat_keys() {
    static const auto keys = [] {
        KeyTable<NearRepeatParams> k{"[analysis] near_repeat"};
        auto bands = [](const char* key, auto member) {
            return [key, member](TableReader& r, const toml::node& n, NearRepeatParams& p) {
                std::vector<double>& out = p.*member;
                const toml::array* arr = n.as_array();
                if (!arr || arr->empty())
                    r.fail(&n, fmt::format("{} must be a list of increasing numbers", key));
                for (const toml::node& item : *arr) {
                    const auto v = finite_number(item);
                    if (!v || !(*v > 0) || (!out.empty() && *v <= out.back()))
                        r.fail(&item, fmt::format("{} must be a list of increasing numbers "
                                                  "greater than 0",
                                                  key));
                    out.push_back(*v);
                }
            };
        };
        k.custom("distance_bands_m", "list of numbers", "increasing, > 0", "1 to 5 cell sizes",
                 "upper edges of the distance bands, m",
                 bands("distance_bands_m", &NearRepeatParams::distance_bands_m));
        k.custom("time_bands_days", "list of numbers", "increasing, > 0", "7, 14, 21, 28",
                 "upper edges of the time bands, days",
                 bands("time_bands_days", &NearRepeatParams::time_bands_days));
        k.integer(
            "permutations", [](auto& p) -> auto& { return p.permutations; }, 0, 99999,
            "Monte Carlo permutations of the Knox test", "999");
        return k;
    }();
    return keys;
}

const KeyTable<AnalysisParams>& analysis_keys() {
    static const auto keys = [] {
        KeyTable<AnalysisParams> k{"[analysis]"};
        k.choice(
            "grid", [](auto& p) -> auto& { return p.grid.shape; },
            std::vector<std::pair<std::string, analysis::GridShape>>{
                {"hex", analysis::GridShape::hex}, {"square", analysis::GridShape::square}},
            "cell shape", "\"hex\"", "grid");
        k.number(
            "cell_size_m", [](auto& p) -> auto& { return p.grid.cell_size_m; }, 0, true, kInf,
            "square: edge; hex: distance between opposite edges, m", "250", "cell_size_m");
        k.custom(
            "crs", "string", "\"auto\" or a projected CRS in metres", "\"auto\"",
            "\"auto\" (UTM zone of the boundary's centroid) or e.g. \"EPSG:32618\"",
            [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                if (!n.is_string()) r.fail(&n, "'crs' must be a string");
                a.crs = *n.value<std::string>();
                if (a.crs == "auto") return;
                // Checked here so that a bad CRS is a manifest error with its line.
                std::unique_ptr<OGRSpatialReference> srs;
                try {
                    srs = io::make_srs(a.crs, "[analysis] crs");
                } catch (const InputError& e) {
                    r.fail(&n, e.what());
                }
                if (!srs->IsProjected() || srs->GetLinearUnits() != 1.0)
                    r.fail(&n, fmt::format("crs = \"{}\" is not a projected CRS in metres; use "
                                           "\"auto\" or e.g. \"EPSG:32614\"",
                                           a.crs));
            },
            "crs_requested",
            [](const AnalysisParams& a) -> std::optional<std::string> { return a.crs; });
        k.custom(
            "period", "{ start, end }", "dates, both included", "the data's own span",
            "the period analysed, e.g. { start = \"2019-01-01\", end = \"2019-12-31\" }",
            [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                a.period = read_date_range(r, n, "period");
                a.period_text = period_text(*a.period);
            },
            "period",
            [](const AnalysisParams& a) -> std::optional<std::string> {
                return a.period ? a.period_text : "none";
            });
        for (const char* key : {"train", "test"})
            k.custom(key, "{ start, end }", "dates; with the other", "the halves of the data",
                     std::string{"hot-spot stability: the "} + key + " period",
                     [key](TableReader& r, const toml::node& n, AnalysisParams& a) {
                         (std::string{key} == "train" ? a.train : a.test) =
                             read_date_range(r, n, key);
                     });
        k.number(
            "neighbourhood_m", [](auto& p) -> auto& { return p.neighbourhood_m; }, 0, true, kInf,
            "distance band of the local statistics instead of the first ring of cells",
            "first ring");
        k.echo_as("neighbourhood_m", [](const AnalysisParams& a) -> std::optional<std::string> {
            return a.neighbourhood_m > 0 ? number_text(a.neighbourhood_m) : "first ring (default)";
        });
        k.integer(
            "permutations", [](auto& p) -> auto& { return p.permutations; }, 0, 99999,
            "conditional permutations for the pseudo p-values (0: none)", "999", "permutations");
        k.integer(
            "seed", [](auto& p) -> auto& { return p.seed; }, 0,
            std::numeric_limits<std::int64_t>::max(), "their seed: same seed, same answer", "12345",
            "seed");
        k.boolean(
            "fdr", [](auto& p) -> auto& { return p.fdr; },
            "Benjamini-Hochberg correction of the Gi* classes (as ArcGIS)", "true", "fdr",
            "Benjamini-Hochberg at 0.10, 0.05, 0.01 (ArcGIS)", "none");
        k.custom("kde", "table", "kernel, bandwidth_m, pixel_m", "", "kernel density",
                 [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                     TableReader kr{table_of(r, n, "kde"), "[analysis] kde", r.manifest()};
                     kde_keys().read(kr, a.kde);
                 });
        k.custom(
            "categories", "list of ICCS codes", "codes of data/categories/iccs.csv", "none",
            "statistics per ICCS category too (each city needs a category map)",
            [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                read_iccs_codes(r, n, a.categories);
            },
            "categories",
            [](const AnalysisParams& a) -> std::optional<std::string> {
                std::string list;
                for (const auto& code : a.categories)
                    list += (list.empty() ? "" : ", ") + code;
                return list.empty() ? "none (all incidents only)" : list;
            });
        k.choice(
            "language", [](auto& p) -> auto& { return p.language; },
            std::vector<std::pair<std::string, Language>>{{"en", Language::en},
                                                          {"es", Language::es},
                                                          {"pt", Language::pt},
                                                          {"fr", Language::fr}},
            "labels, legends, aliases, maps", "\"en\"", "language");
        k.custom(
            "time_step", "string or days", "\"week\", \"month\", \"quarter\", \"year\", 1 … 3660",
            "\"month\"", "steps of the space-time cube",
            [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                if (auto days = n.value<std::int64_t>(); days && n.is_integer()) {
                    if (*days < 1 || *days > 3660)
                        r.fail(&n, "time_step in days must be between 1 and 3660");
                    a.time.step = "days";
                    a.time.step_days = static_cast<int>(*days);
                } else if (auto s = n.value<std::string>();
                           s &&
                           (*s == "week" || *s == "month" || *s == "quarter" || *s == "year")) {
                    a.time.step = *s;
                } else {
                    r.fail(&n, "time_step must be \"week\", \"month\", \"quarter\", \"year\" or "
                               "a number of days");
                }
            },
            "time_step",
            [](const AnalysisParams& a) -> std::optional<std::string> {
                return a.time.step == "days" ? fmt::format("{} days", a.time.step_days)
                                             : a.time.step;
            });
        k.integer(
            "time_window", [](auto& p) -> auto& { return p.time.window; }, 0, 120,
            "steps back in a bin's space-time neighbourhood", "1", "time_window");
        k.choice(
            "partial_steps", [](auto& p) -> auto& { return p.time.drop_partial; },
            std::vector<std::pair<std::string, bool>>{{"drop", true}, {"keep", false}},
            "an incomplete first or last step", "\"drop\"", "partial_steps");
        k.custom("near_repeat", "table", "distance_bands_m, time_bands_days, permutations", "",
                 "the Knox test", [](TableReader& r, const toml::node& n, AnalysisParams& a) {
                     TableReader nr{table_of(r, n, "near_repeat"), "[analysis] near_repeat",
                                    r.manifest()};
                     near_repeat_keys().read(nr, a.near_repeat);
                 });
        return k;
    }();
    return keys;
}

const KeyTable<PublishParams>& publish_keys() {
    static const auto keys = [] {
        KeyTable<PublishParams> k{"[publish]"};
        k.number(
            "min_count", [](auto& p) -> auto& { return p.min_count; }, 0, false, 1e6,
            "counts from 1 to min_count - 1 are suppressed in shareable outputs", "0",
            "publish_min_count");
        return k;
    }();
    return keys;
}

const KeyTable<io::PolygonSourceSpec>& boundary_keys() {
    static const auto keys = [] {
        KeyTable<io::PolygonSourceSpec> k{"boundary"};
        k.text(
            "path", [](auto& p) -> auto& { return p.path; },
            "any OGR polygon layer: the municipality or its sub-units", true, "boundary_path",
            true);
        k.text(
            "layer", [](auto& p) -> auto& { return p.layer; },
            "layer name, when the file has several; schema.table in a database (path = "
            "\"PG:...\")");
        sql_key(
            k, [](auto& p) { return std::tie(p.layer, p.sql); }, "boundary_sql");
        encoding_key(
            k, [](auto& p) -> auto& { return p.encoding; });
        k.text(
            "crs", [](auto& p) -> auto& { return p.crs; },
            "the layer's CRS when the file has none, or an override");
        k.text(
            "name_field", [](auto& p) -> auto& { return p.name_field; },
            "field naming the sub-units", false, {}, false, "the feature number");
        return k;
    }();
    return keys;
}

const KeyTable<PointsTable>& points_keys() {
    static const auto keys = [] {
        KeyTable<PointsTable> k{"incidents (points)"};
        k.text(
            "path", [](auto& p) -> auto& { return p.spec.path; },
            "any OGR point layer, or a table with coordinate columns", true, "incidents_path",
            true);
        k.text(
            "layer", [](auto& p) -> auto& { return p.spec.layer; },
            "layer name, when the file has several; schema.table in a database (path = "
            "\"PG:...\")");
        sql_key(
            k, [](auto& p) { return std::tie(p.spec.layer, p.spec.sql); }, "incidents_sql");
        encoding_key(
            k, [](auto& p) -> auto& { return p.spec.encoding; });
        k.text(
            "crs", [](auto& p) -> auto& { return p.spec.crs; },
            "the CRS of the coordinates when the file has none (a CSV never has one)");
        k.text(
            "x", [](auto& p) -> auto& { return p.spec.x; }, "the x (longitude) column of a table",
            false, "incidents_x");
        k.text(
            "y", [](auto& p) -> auto& { return p.spec.y; }, "the y (latitude) column of a table",
            false, "incidents_y");
        k.custom(
            "wkt", "string", "", "", "instead of x/y: a text column holding POINT (x y)",
            [](TableReader& r, const toml::node& n, PointsTable& p) {
                if (!n.is_string()) r.fail(&n, "'wkt' must be a string");
                p.spec.wkt = *n.value<std::string>();
            },
            "incidents_wkt",
            [](const PointsTable& p) -> std::optional<std::string> {
                if (p.spec.wkt.empty()) return std::nullopt;
                return p.spec.wkt;
            });
        k.choice(
            "decimal", [](auto& p) -> auto& { return p.spec.decimal; },
            std::vector<std::pair<std::string, io::Decimal>>{{".", io::Decimal::point},
                                                             {",", io::Decimal::comma}},
            "the only decimal separator of coordinates in text", "both");
        time_keys(
            k, [](auto& p) -> auto& { return p.spec.time; });
        k.echo_as("incidents_time", [](const PointsTable& p) -> std::optional<std::string> {
            return p.spec.time.describe();
        });
        k.text(
            "category", [](auto& p) -> auto& { return p.spec.category; }, "the offence field",
            false, "incidents_category");
        k.text(
            "where", [](auto& p) -> auto& { return p.spec.where; },
            "OGR SQL attribute filter; filtered records are listed", false, "incidents_where");
        k.number(
            "max_outside_share", [](auto& p) -> auto& { return p.max_outside_share; }, 0, false, 1,
            "fail when more of the points fall outside the boundary", "1", "max_outside_share");
        k.number(
            "max_rejected_share", [](auto& p) -> auto& { return p.max_rejected_share; }, 0, false,
            1, "fail when one reason (other than where, period, outside) rejects more", "0.5",
            "max_rejected_share");
        return k;
    }();
    return keys;
}

const KeyTable<CountsTable>& counts_keys() {
    static const auto keys = [] {
        KeyTable<CountsTable> k{"incidents (counts or records per area)"};
        k.text(
            "counts", [](auto& p) -> auto& { return p.spec.path; },
            "instead of path: a table of counts, or of records, per area", true, "counts_path",
            true);
        k.text(
            "layer", [](auto& p) -> auto& { return p.spec.layer; },
            "layer name, when the file has several; schema.table in a database (path = "
            "\"PG:...\")");
        sql_key(
            k, [](auto& p) { return std::tie(p.spec.layer, p.spec.sql); }, "counts_sql");
        encoding_key(
            k, [](auto& p) -> auto& { return p.spec.encoding; });
        k.text(
            "key", [](auto& p) -> auto& { return p.spec.key; }, "the table's area key", true,
            "counts_key");
        k.choice(
            "key_match", [](auto& p) -> auto& { return p.spec.key_match; },
            std::vector<std::pair<std::string, io::KeyMatch>>{{"exact", io::KeyMatch::exact},
                                                              {"number", io::KeyMatch::number},
                                                              {"name", io::KeyMatch::name}},
            "how keys match: 5001 = \"05001\" (number), case, accents and punctuation folded "
            "(name)",
            "\"exact\"");
        k.text(
            "unit_key", [](auto& p) -> auto& { return p.unit_key; },
            "the boundary field the key matches (with key_match = \"name\": the name_field)", false,
            "counts_unit_key");
        k.custom(
            "count", "string", "", "each row is one incident", "the count field",
            [](TableReader& r, const toml::node& n, CountsTable& p) {
                if (!n.is_string()) r.fail(&n, "'count' must be a string");
                p.spec.count = *n.value<std::string>();
            },
            "counts_count",
            [](const CountsTable& p) -> std::optional<std::string> {
                return p.spec.count.empty() ? "none: one record per row" : p.spec.count;
            });
        k.text(
            "category", [](auto& p) -> auto& { return p.spec.category; }, "the offence field",
            false, "counts_category");
        k.text(
            "year", [](auto& p) -> auto& { return p.spec.year; }, "the year field", false,
            "counts_year");
        k.text(
            "month", [](auto& p) -> auto& { return p.spec.month; },
            "the month field (a number or a month name; needs year)", false, "counts_month");
        time_keys(
            k, [](auto& p) -> auto& { return p.spec.time; });
        k.echo_as("counts_time", [](const CountsTable& p) -> std::optional<std::string> {
            if (p.spec.time.empty()) return std::nullopt;
            return p.spec.time.describe();
        });
        k.text(
            "where", [](auto& p) -> auto& { return p.spec.where; },
            "OGR SQL attribute filter; filtered rows are listed", false, "counts_where");
        k.number(
            "max_rejected_share", [](auto& p) -> auto& { return p.max_rejected_share; }, 0, false,
            1, "fail when one reason (other than where, period) rejects more", "0.5",
            "max_rejected_share");
        return k;
    }();
    return keys;
}

namespace {

/// `kind = "police"`: lower-case letters, digits and '_', since it names outputs (`what`).
template <class P> void kind_key(KeyTable<P>& k, std::string help, std::string what) {
    k.custom(
        "kind", "string", "lower-case letters, digits, '_'", "required", std::move(help),
        [what](TableReader& r, const toml::node& n, P& f) {
            if (!n.is_string()) r.fail(&n, "'kind' must be a string");
            f.kind = *n.value<std::string>();
            if (f.kind.empty() || f.kind.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
                r.fail(&n, fmt::format("kind = \"{}\": use lower-case letters, digits and '_' "
                                       "(it names {})",
                                       f.kind, what));
        },
        {}, {}, true);
}

/// The keys that locate a layer of features in `source(p)`: path (required), layer, sql,
/// encoding, crs, where and name_field.
template <class P, class S>
void feature_layer_keys(KeyTable<P>& k, S source, std::string path_help, std::string name_help) {
    k.text(
        "path", [source](auto& p) -> auto& { return source(p).path; }, std::move(path_help), true,
        "path", true);
    k.text(
        "layer", [source](auto& p) -> auto& { return source(p).layer; },
        "layer name, when the file has several; schema.table in a database (path = \"PG:...\")");
    sql_key(k, [source](auto& p) { return std::tie(source(p).layer, source(p).sql); });
    encoding_key(
        k, [source](auto& p) -> auto& { return source(p).encoding; });
    k.text(
        "crs", [source](auto& p) -> auto& { return source(p).crs; },
        "the layer's CRS when the file has none");
    k.text(
        "where", [source](auto& p) -> auto& { return source(p).where; }, "OGR SQL attribute filter",
        false, "where");
    k.text(
        "name_field", [source](auto& p) -> auto& { return source(p).name_field; },
        std::move(name_help));
}

} // namespace

const KeyTable<FacilityConfig>& facility_keys() {
    static const auto keys = [] {
        KeyTable<FacilityConfig> k{"[[city.facilities]]"};
        kind_key(k, "names the layers: coverage_<kind>, facilities_<kind>, ...",
                 "the output layers");
        feature_layer_keys(
            k, [](auto& p) -> auto& { return p.source; },
            "points, or polygons (parks: distance to the edge)", "field naming the facilities");
        k.number(
            "radius_m", [](auto& p) -> auto& { return p.radius_m; }, 0, true, kInf,
            "reach of one facility, m", "required", "radius_m");
        k.required();
        k.integer(
            "suggest", [](auto& p) -> auto& { return p.suggest; }, 0, 1000,
            "new sites to propose (maximal covering)", "0");
        k.choice(
            "objective", [](auto& p) -> auto& { return p.objective; },
            std::vector<std::pair<std::string, Objective>>{{"incidents", Objective::incidents},
                                                           {"hotspot", Objective::hotspot},
                                                           {"population", Objective::population}},
            "what new sites should cover", "\"incidents\"");
        k.text(
            "candidates", [](auto& p) -> auto& { return p.candidates; },
            "candidate points for new sites", false, {}, true, "grid cell centres");
        return k;
    }();
    return keys;
}

namespace {

/// `before = { months = 12 }`: whole months of a window.
void read_window(TableReader& r, const toml::node& n, const std::string& key, int& months) {
    const toml::table& t = table_of(r, n, key);
    TableReader wr{t, r.where() + " " + key, r.manifest()};
    const toml::node* m = wr.get("months");
    if (!m) wr.fail(&n, fmt::format("{} needs months, e.g. {} = {{ months = 12 }}", key, key));
    if (!m->is_integer()) wr.fail(m, fmt::format("{}.months must be a whole number", key));
    const auto v = *m->value<std::int64_t>();
    if (v < 1 || v > 600)
        wr.fail(m, fmt::format("{}.months must be between 1 and 600 (got {})", key, v));
    months = static_cast<int>(v);
    wr.finish({"months"});
}

} // namespace

const KeyTable<InterventionConfig>& intervention_keys() {
    static const auto keys = [] {
        KeyTable<InterventionConfig> k{"[[city.interventions]]"};
        kind_key(k, "names the programme; sites of one kind are pooled across cities",
                 "the forest plot");
        feature_layer_keys(
            k, [](auto& p) -> auto& { return p.source; },
            "the sites: points (a radius around each) or polygons", "field naming the sites");
        k.text(
            "start_field", [](auto& p) -> auto& { return p.start_field; },
            "field holding each site's start date (or give start)", false, "start_field");
        k.custom(
            "start", "date", "yyyy-mm-dd", "none", "one start date for every site",
            [](TableReader& r, const toml::node& n, InterventionConfig& f) {
                if (n.is_date()) {
                    const auto d = *n.value<toml::date>();
                    f.start = io::days_from_civil(d.year, d.month, d.day) * 86400;
                    return;
                }
                if (n.is_string()) {
                    const std::string text{*n.value<std::string>()};
                    if (auto t = io::parse_time(text); t && text.size() == 10) {
                        f.start = *t;
                        return;
                    }
                }
                r.fail(&n, "start must be a date \"yyyy-mm-dd\"");
            },
            "start",
            [](const InterventionConfig& f) -> std::optional<std::string> {
                if (!f.start) return std::nullopt;
                return io::format_iso(*f.start).substr(0, 10);
            });
        k.text(
            "end_field", [](auto& p) -> auto& { return p.end_field; },
            "field holding each site's end date: the after window stops there", false, "end_field");
        k.number(
            "radius_m", [](auto& p) -> auto& { return p.radius_m; }, 0, true, kInf,
            "target area around a point site, m (required for points)", "none", "radius_m");
        k.number(
            "buffer_m", [](auto& p) -> auto& { return p.buffer_m; }, 0, false, kInf,
            "catchment ring beyond the target where crime may move, m (0: none, no WDQ)", "0",
            "buffer_m");
        k.custom(
            "control", "table", "", "the city less targets and buffers",
            "control area polygons { path, layer, ... } (below)",
            [](TableReader& r, const toml::node& n, InterventionConfig& f) {
                TableReader cr{table_of(r, n, "control"), r.where() + " control", r.manifest()};
                io::FeatureSourceSpec s;
                control_keys().read(cr, s);
                f.control = s;
            });
        k.custom(
            "before", "{ months }", "1 … 600", "as long as after",
            "whole months before the start month",
            [](TableReader& r, const toml::node& n, InterventionConfig& f) {
                read_window(r, n, "before", f.before_months);
            },
            "before_months",
            [](const InterventionConfig& f) -> std::optional<std::string> {
                return f.before_months > 0 ? std::to_string(f.before_months) : "equal";
            });
        k.custom(
            "after", "{ months }", "1 … 600", "as long as the data allow",
            "whole months from the start month on",
            [](TableReader& r, const toml::node& n, InterventionConfig& f) {
                read_window(r, n, "after", f.after_months);
            },
            "after_months",
            [](const InterventionConfig& f) -> std::optional<std::string> {
                return f.after_months > 0 ? std::to_string(f.after_months) : "equal";
            });
        k.custom(
            "categories", "list of ICCS codes", "codes of data/categories/iccs.csv",
            "all incidents", "the offences the programme aims at (needs a category map)",
            [](TableReader& r, const toml::node& n, InterventionConfig& f) {
                read_iccs_codes(r, n, f.categories);
            },
            "categories",
            [](const InterventionConfig& f) -> std::optional<std::string> {
                std::string list;
                for (const auto& code : f.categories)
                    list += (list.empty() ? "" : ", ") + code;
                return list.empty() ? "all" : list;
            });
        return k;
    }();
    return keys;
}

namespace {

/// The keys of a polygon layer read as it is: path (required, echoed as `path_echo`), layer,
/// sql, encoding, crs and where.
void polygon_layer_keys(KeyTable<io::FeatureSourceSpec>& k, std::string path_help,
                        std::string path_echo) {
    k.text(
        "path", [](auto& p) -> auto& { return p.path; }, std::move(path_help), true,
        std::move(path_echo), true);
    k.text(
        "layer", [](auto& p) -> auto& { return p.layer; },
        "layer name, when the file has several; schema.table in a database (path = \"PG:...\")");
    sql_key(k, [](auto& p) { return std::tie(p.layer, p.sql); });
    encoding_key(
        k, [](auto& p) -> auto& { return p.encoding; });
    k.text(
        "crs", [](auto& p) -> auto& { return p.crs; }, "the layer's CRS when it has none");
    k.text(
        "where", [](auto& p) -> auto& { return p.where; }, "OGR SQL attribute filter");
}

} // namespace

const KeyTable<io::FeatureSourceSpec>& control_keys() {
    static const auto keys = [] {
        KeyTable<io::FeatureSourceSpec> k{"[[city.interventions]] control"};
        polygon_layer_keys(k, "the control area's polygons", "path");
        return k;
    }();
    return keys;
}

const KeyTable<io::FeatureSourceSpec>& population_keys() {
    static const auto keys = [] {
        KeyTable<io::FeatureSourceSpec> k{"population"};
        polygon_layer_keys(k, "residents per polygon", "population_path");
        k.text(
            "field", [](auto& p) -> auto& { return p.value_field; }, "the residents field", true,
            "population_field");
        return k;
    }();
    return keys;
}

} // namespace vigia::engine::detail
