#include "io/info.hpp"

#include "io/info_scan.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "io/layer_source.hpp"
#include "io/text.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigia::io {

namespace {

using namespace info_detail;

// Text.

std::string single_quoted(std::string_view s, std::size_t max = 40) {
    std::string v{s};
    if (v.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 character
        v = v.substr(0, cut) + "…";
    }
    return "'" + v + "'";
}

std::string examples(const Column& c) {
    std::string out;
    for (const auto& e : c.examples)
        out += (out.empty() ? "" : ", ") + single_quoted(e);
    return out;
}

std::string range_text(const Range& r) {
    return fmt::format("{} to {}", r.lo, r.hi);
}

std::string clock_text(std::int64_t s) {
    return format_iso(s).substr(11);
}

const char* kUtmText = "metres of a UTM zone (e.g. EPSG:326zz/327zz; the zone cannot be told "
                       "from the numbers alone)";

std::string units_text(Units u, bool certain) {
    switch (u) {
    case Units::degrees:
        return certain ? "degrees: EPSG:4326"
                       : "degrees? EPSG:4326 if these are longitude and "
                         "latitude";
    case Units::metres:
        return kUtmText;
    case Units::unknown:
        break;
    }
    return "not degrees nor UTM metres: give the CRS of the source";
}

std::string time_summary(const Findings& f) {
    if (!f.dates.empty()) {
        const Column* d = f.dates.front();
        if (d->date->column.format().precision == kSpanDay && !f.tods.empty())
            return fmt::format("'{}' (date) + '{}' (time of day)", d->name.text,
                               f.tods.front()->name.text);
        return fmt::format("'{}'", d->name.text);
    }
    if (f.year && f.month) {
        std::string out =
            fmt::format("year = '{}', month = '{}'", f.year->name.text, f.month->name.text);
        if (f.day) out += fmt::format(", day = '{}'", f.day->name.text);
        if (f.day && f.hour) out += fmt::format(", hour = '{}'", f.hour->name.text);
        if (f.day && f.hour && f.minute) out += fmt::format(", minute = '{}'", f.minute->name.text);
        return out;
    }
    return {};
}

std::string describe_column(const Column& c) {
    std::string out =
        fmt::format("    {}: {}", c.name.text, OGRFieldDefn::GetFieldTypeName(c.type));
    const bool native = c.type == OFTDate || c.type == OFTDateTime || c.type == OFTTime;
    if (c.is_date()) {
        const TimeTrack& t = *c.date;
        const std::int64_t failed = c.values - t.parsed[t.pick];
        out +=
            fmt::format(" (from {} to {}{})\n", format_iso(t.lo[t.pick]), format_iso(t.hi[t.pick]),
                        failed ? fmt::format("; {} values are not dates", failed) : "");
        out += fmt::format("      time: {}\n", t.column.format().describe());
        return out;
    }
    if (native && c.values == 0) return out + " (no values)\n";
    out += "\n";
    if (c.is_time_of_day()) {
        const TimeTrack& t = *c.tod;
        out += fmt::format("      time of day: {} ({} to {})\n", t.column.format().describe(),
                           clock_text(t.lo[t.pick]), clock_text(t.hi[t.pick]));
        return out;
    }
    if (c.conflicting())
        out += fmt::format("      time: cannot be read whole: {}; give {}\n",
                           c.date->error->message, c.date->error->suggestion);
    if (c.is_wkt()) {
        out += fmt::format("      WKT points: x {}, y {}\n", range_text(c.wx), range_text(c.wy));
        return out;
    }
    if (c.is_number()) {
        std::string sep;
        if (c.type == OFTString && c.fractions > 0)
            sep = c.commas > 0 ? fmt::format(" (decimal comma in {} values)", c.commas)
                               : " (decimal point)";
        out += fmt::format("      numbers: {}{}", range_text(c.range), sep);
        if (c.numbers < c.values)
            out += fmt::format("; {} values are not numbers", c.values - c.numbers);
        return out + "\n";
    }
    if (c.values > 0 && !native) {
        const std::string n =
            c.many ? fmt::format("over {}", kMaxDistinct) : fmt::format("{}", c.distinct.size());
        out += fmt::format("      values: {} distinct, e.g. {}\n", n, examples(c));
    }
    return out;
}

std::string describe_layer(const LayerScan& s) {
    const Findings f = analyse(s);
    std::string out = fmt::format("layer '{}'\n", s.name);
    out += fmt::format("  geometry: {}\n", OGRGeometryTypeToName(s.geom));
    out += fmt::format("  crs: {}\n", s.srs.empty() ? "none (give crs in the manifest)" : s.srs);
    out += fmt::format("  features: {}\n", s.features);
    if (s.has_extent)
        out += fmt::format("  extent: ({:.6f}, {:.6f}) - ({:.6f}, {:.6f})\n", s.extent.MinX,
                           s.extent.MinY, s.extent.MaxX, s.extent.MaxY);
    out += fmt::format("  text encoding: {}\n", s.encoding);
    out += fmt::format("  fields ({}):\n", s.columns.size());
    for (const Column& c : s.columns)
        out += describe_column(c);
    if (f.pair) {
        const Pair& p = *f.pair;
        out += fmt::format("  coordinates: x = '{}' ({}), y = '{}' ({}): {}\n", p.x->name.text,
                           range_text(p.x->range), p.y->name.text, range_text(p.y->range),
                           units_text(p.units, p.certain));
    }
    if (f.wkt)
        out += fmt::format("  coordinates: WKT points in '{}': {}\n", f.wkt->name.text,
                           units_text(f.wkt_units, f.wkt_units == Units::degrees));
    std::string commas;
    for (const Column& c : s.columns)
        if (c.commas > 0 && c.is_number()) commas += (commas.empty() ? "" : ", ") + c.name.text;
    if (!commas.empty()) out += fmt::format("  decimal separator: comma ({})\n", commas);
    if (const std::string t = time_summary(f); !t.empty()) out += fmt::format("  time: {}\n", t);
    const auto list = [](const std::vector<const Column*>& cols) {
        std::string r;
        for (const Column* c : cols)
            r += fmt::format("{}'{}' ({} distinct values)", r.empty() ? "" : ", ", c->name.text,
                             c->distinct.size());
        return r;
    };
    if (!f.categories.empty()) out += "  category candidates: " + list(f.categories) + "\n";
    if (!f.keys.empty()) out += "  area key candidates: " + list(f.keys) + "\n";
    return out;
}

std::vector<std::string> layer_names(GDALDataset& ds) {
    std::vector<std::string> names;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        names.emplace_back(ds.GetLayer(i)->GetName());
    return names;
}

// The draft manifest.

std::string toml_text(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            out += fmt::format("\\{}", c);
        else if (u < 0x20 || u == 0x7F)
            out += fmt::format("\\u{:04X}", u);
        else
            out += c;
    }
    return out + "\"";
}

/// A strptime format for a value such as 13/01/2016 11:57 PM (day first), for a column whose
/// dates contradict each other; empty when the value has another form.
std::string strptime_of(std::string_view v) {
    std::string out;
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t b = i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9')
            ++i;
        return i - b;
    };
    const std::size_t w1 = digits();
    if (w1 == 0 || i >= v.size()) return {};
    const char sep = v[i++];
    const std::size_t w2 = digits();
    if (w2 == 0 || i >= v.size() || v[i++] != sep) return {};
    const std::size_t w3 = digits();
    if (w1 == 4)
        out = fmt::format("%Y{}%m{}%d", sep, sep);
    else if (w3 == 4 || w3 == 2)
        out = fmt::format("%d{}%m{}{}", sep, sep, w3 == 4 ? "%Y" : "%y");
    else
        return {};
    if (i == v.size()) return out;
    if (v[i] != ' ' && v[i] != 'T') return {};
    out += v[i++];
    std::string clock = "%H";
    if (!digits() || i >= v.size() || v[i++] != ':' || digits() != 2) return {};
    clock += ":%M";
    if (i < v.size() && v[i] == ':') {
        ++i;
        if (digits() != 2) return {};
        clock += ":%S";
    }
    const std::string_view rest = trim(v.substr(i));
    if (!rest.empty() && (rest[0] == 'A' || rest[0] == 'a' || rest[0] == 'P' || rest[0] == 'p')) {
        clock[1] = 'I';
        clock += " %p";
    } else if (!rest.empty()) {
        return {};
    }
    return out + clock;
}

struct Entry {
    std::string key, value, comment;
    bool active = true;
};

std::string inline_table(std::string_view name, const std::vector<Entry>& entries) {
    std::size_t last = 0;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].active) last = i;
    std::string out = fmt::format("{} = {{\n", name);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        // A commented entry keeps its comma too, so that uncommenting it is enough.
        std::string kv =
            fmt::format("{}{} = {}{}", e.active ? "" : "# ", e.key, e.value, i < last ? "," : "");
        if (!e.comment.empty()) kv = fmt::format("{:<36} # {}", kv, e.comment);
        out += "    " + kv + "\n";
    }
    return out + "}\n";
}

std::string distinct_comment(const Column& c) {
    return fmt::format("{} distinct values, e.g. {}", c.distinct.size(), examples(c));
}

/// time = ... (and time_format) for either form; parts as a table for incidents, as year and
/// month keys for counts.
void time_entries(const Findings& f, bool counts, std::vector<Entry>& out) {
    if (!f.dates.empty()) {
        const Column* d = f.dates.front();
        const TimeFormat& fmt_d = d->date->column.format();
        if (fmt_d.precision == kSpanDay && !f.tods.empty()) {
            const Column* t = f.tods.front();
            out.push_back(
                {"time", fmt::format("[{}, {}]", toml_text(d->name.text), toml_text(t->name.text)),
                 fmt::format("{}; time of day {}", fmt_d.describe(),
                             t->tod->column.format().describe())});
        } else {
            out.push_back({"time", toml_text(d->name.text), fmt_d.describe()});
        }
        return;
    }
    if (f.year && f.month) {
        if (counts) {
            out.push_back({"year", toml_text(f.year->name.text), ""});
            out.push_back({"month", toml_text(f.month->name.text), ""});
            return;
        }
        std::string t = fmt::format("{{ year = {}, month = {}", toml_text(f.year->name.text),
                                    toml_text(f.month->name.text));
        if (f.day) t += ", day = " + toml_text(f.day->name.text);
        if (f.day && f.hour) t += ", hour = " + toml_text(f.hour->name.text);
        if (f.day && f.hour && f.minute) t += ", minute = " + toml_text(f.minute->name.text);
        out.push_back({"time", t + " }", "year, month, ... columns"});
        return;
    }
    if (!f.conflicts.empty()) {
        const Column* c = f.conflicts.front();
        out.push_back({"time", toml_text(c->name.text), c->date->error->message});
        const std::string guess = c->examples.empty() ? "" : strptime_of(c->examples.front());
        out.push_back({"time_format", toml_text(guess.empty() ? "%d/%m/%Y" : guess),
                       "TODO: check against the values (%m before %d if months come first)"});
        return;
    }
    out.push_back({"time", "\"...\"", "no time column found", false});
}

bool polygonal(const LayerScan& s) {
    return s.geom == wkbPolygon || s.geom == wkbMultiPolygon;
}

std::string draft_header(const std::string& path, const LayerScan& s) {
    std::string stem = std::filesystem::path{path}.stem().string();
    if (stem.empty()) stem = s.name;
    return fmt::format("# Drafted by `vigia info --manifest` from {}, layer '{}'.\n"
                       "# Check every line, fill in the {}, and add an [analysis] table (README,\n"
                       "# \"Manifest\"). Paths are relative to the manifest's folder.\n"
                       "[[city]]\nname = {}\n",
                       path, s.name, polygonal(s) ? "incidents" : "boundary", toml_text(stem));
}

/// A polygon layer is the boundary (or its sub-units); the incidents are left to fill in.
std::string draft_boundary(const std::string& path, const LayerScan& s, bool several) {
    std::vector<Entry> e{{"path", toml_text(path),
                          fmt::format("{} polygon{}", s.features, s.features == 1 ? "" : "s")}};
    if (several) e.push_back({"layer", toml_text(s.name), ""});
    if (s.srs.empty()) {
        const Range x{s.extent.MinX, s.extent.MaxX}, y{s.extent.MinY, s.extent.MaxY};
        const bool degrees = s.has_extent && units_of(x, y) == Units::degrees;
        e.push_back({"crs", degrees ? "\"EPSG:4326\"" : "\"EPSG:xxxx\"",
                     degrees ? "TODO: the layer has no CRS; its extent fits degrees"
                             : "TODO: the layer has no CRS",
                     false});
    }
    for (const Column& c : s.columns)
        if (s.features > 1 && c.type == OFTString && !c.many &&
            static_cast<std::int64_t>(c.distinct.size()) == s.features && c.alpha_share() >= 0.5) {
            e.push_back({"name_field", toml_text(c.name.text),
                         "one name per polygon, e.g. " + examples(c)});
            break;
        }
    return draft_header(path, s) + inline_table("boundary", e) +
           "incidents = { path = \"incidents.csv\" }   # TODO: the incidents; `vigia info "
           "--manifest` on their file drafts this line\n";
}

std::string draft_layer(const std::string& path, const LayerScan& s, bool several) {
    if (polygonal(s)) return draft_boundary(path, s, several);
    const Findings f = analyse(s);
    std::vector<Entry> e;
    const bool coordinates = f.pair || f.wkt || f.points;
    const bool counts = !coordinates && !f.keys.empty();
    e.push_back({counts ? "counts" : "path", toml_text(path), ""});
    if (several) e.push_back({"layer", toml_text(s.name), ""});
    if (counts) {
        const Column* k = f.keys.front();
        e.push_back({"key", toml_text(k->name.text), distinct_comment(*k)});
        e.push_back({"unit_key", "\"BOUNDARY_KEY_FIELD\"",
                     "TODO: the boundary's field holding the same keys"});
        const bool numeric = std::all_of(k->distinct.begin(), k->distinct.end(),
                                         [](const auto& kv) { return key_number(kv.first); });
        if (numeric)
            e.push_back({"key_match", "\"number\"", "if the codes differ by leading zeros", false});
        else
            e.push_back({"key_match", "\"name\"", "to fold case, accents and punctuation", false});
        if (f.count)
            e.push_back({"count", toml_text(f.count->name.text),
                         fmt::format("counts {}", range_text(f.count->range))});
        else
            e.push_back({"count", "\"...\"", "none found: each row is one incident", false});
    } else if (f.points) {
        if (s.srs.empty()) {
            const Range x{s.extent.MinX, s.extent.MaxX}, y{s.extent.MinY, s.extent.MaxY};
            const Units u = s.has_extent ? units_of(x, y) : Units::unknown;
            e.push_back({"crs", u == Units::degrees ? "\"EPSG:4326\"" : "\"EPSG:xxxx\"",
                         u == Units::degrees
                             ? "the layer has no CRS; its extent fits degrees"
                             : "TODO: the layer has no CRS; " + units_text(u, false),
                         u == Units::degrees});
        }
    } else if (f.pair) {
        const Pair& p = *f.pair;
        e.push_back({"x", toml_text(p.x->name.text), range_text(p.x->range)});
        e.push_back({"y", toml_text(p.y->name.text), range_text(p.y->range)});
        if (p.units == Units::degrees)
            e.push_back({"crs", "\"EPSG:4326\"",
                         p.certain ? "longitude and latitude in degrees"
                                   : "TODO: the values fit degrees; check the column names",
                         p.certain});
        else
            e.push_back({"crs", "\"EPSG:326zz\"", kUtmText, false});
        if (f.decimal_comma) e.push_back({"decimal", "\",\"", "decimal commas seen"});
    } else if (f.wkt) {
        e.push_back({"wkt", toml_text(f.wkt->name.text),
                     fmt::format("x {}, y {}", range_text(f.wkt->wx), range_text(f.wkt->wy))});
        if (f.wkt_units == Units::degrees)
            e.push_back({"crs", "\"EPSG:4326\"", "longitude and latitude in degrees"});
        else
            e.push_back({"crs", "\"EPSG:xxxx\"", units_text(f.wkt_units, false), false});
    } else {
        e.push_back({"x", "\"...\"", "TODO: no coordinate columns found (x and y, or wkt)", false});
        e.push_back({"y", "\"...\"", "", false});
    }
    time_entries(f, counts, e);
    const Column* category = nullptr;
    for (const Column* c : f.categories)
        if (!counts || c != f.keys.front()) {
            category = c;
            break;
        }
    if (category)
        e.push_back({"category", toml_text(category->name.text), distinct_comment(*category)});
    if (s.recoded) e.push_back({"encoding", "\"CP1252\"", s.encoding});
    std::string out = draft_header(path, s);
    out += "boundary = { path = \"boundary.gpkg\" }   # TODO: the city's limits or its sub-units "
           "(any polygon layer); name_field = \"...\" names them\n";
    out += inline_table("incidents", e);
    return out;
}

} // namespace

std::string describe(const std::string& path) {
    GDALDatasetUniquePtr ds = open_vector(path);
    std::string out = fmt::format("{} ({})\n", path, ds->GetDriver()->GetDescription());
    const std::vector<std::string> names = layer_names(*ds);
    ds.reset();
    for (const std::string& name : names)
        out += describe_layer(scan_layer(path, name));
    return out;
}

std::string draft_manifest(const std::string& path) {
    GDALDatasetUniquePtr ds = open_vector(path);
    const std::vector<std::string> names = layer_names(*ds);
    ds.reset();
    if (names.empty()) throw InputError{fmt::format("{}: has no vector layer", path)};
    // The layer that reads best as incidents: points, then a table with coordinates, then
    // one with area keys; the largest among equals.
    std::optional<LayerScan> best;
    int best_rank = -1;
    for (const std::string& name : names) {
        LayerScan s = scan_layer(path, name);
        const Findings f = analyse(s);
        const int rank = f.points            ? 3
                         : polygonal(s)      ? 0
                         : (f.pair || f.wkt) ? 2
                         : !f.keys.empty()   ? 1
                                             : 0;
        if (rank > best_rank || (rank == best_rank && s.features > best->features)) {
            best_rank = rank;
            best = std::move(s);
        }
    }
    return draft_layer(path, *best, names.size() > 1);
}

} // namespace vigia::io
