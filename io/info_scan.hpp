#pragma once
/// \file
/// `vigia info`: one pass over a layer, each column observed as a time, a number, a
/// coordinate, a key or a category (info_scan.cpp), and what the columns add up to. The
/// types are shared by the two halves of `info`: the scan here, the text and the draft
/// manifest in info.cpp.

#include "io/gdal_util.hpp"
#include "io/layer_source.hpp"
#include "io/text.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigia::io::info_detail {

/// After this many values, a column that fails a test for most of them stops being tried
/// with it (speed on large tables: a column must pass for 90 % of its values anyway).
constexpr std::int64_t kSettle = 1000;
/// Distinct values kept per column: a column with more is no area key or category.
constexpr std::size_t kMaxDistinct = 1000;
/// Dates outside these years are no incident dates (e.g. a code read as an Excel serial day).
const std::int64_t kEarliest = days_from_civil(1950, 1, 1) * 86400;
const std::int64_t kLatest = days_from_civil(2100, 1, 1) * 86400;

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// A field name as the hints below read it: lower-case ASCII, and its words (split at
/// anything but letters and digits; UTF-8 letters stay inside words, as in "año").
struct Name {
    std::string text, low;
    std::vector<std::string> words;

    explicit Name(std::string s = {}) : text{std::move(s)}, low{text} {
        for (char& c : low)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        std::string w;
        for (char c : low) {
            const auto u = static_cast<unsigned char>(c);
            if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80) {
                w += c;
            } else if (!w.empty()) {
                words.push_back(std::move(w));
                w.clear();
            }
        }
        if (!w.empty()) words.push_back(std::move(w));
    }
    bool word(std::initializer_list<std::string_view> l) const {
        for (const auto& w : words)
            if (std::find(l.begin(), l.end(), w) != l.end()) return true;
        return false;
    }
    bool word_starts(std::string_view prefix) const {
        for (const auto& w : words)
            if (w.rfind(prefix, 0) == 0) return true;
        return false;
    }
    bool contains(std::initializer_list<std::string_view> l) const {
        for (std::string_view p : l)
            if (low.find(p) != std::string::npos) return true;
        return false;
    }
};

inline bool hint_x(const Name& n) {
    return n.word({"x", "lng", "este", "east", "easting", "xcoord", "coordx", "utmx"}) ||
           n.word_starts("lon");
}
inline bool hint_y(const Name& n) {
    return n.word({"y", "norte", "north", "northing", "ycoord", "coordy", "utmy"}) ||
           n.word_starts("lat");
}
inline bool hint_hour(const Name& n) {
    return n.word({"hh", "hr"}) || n.contains({"hora", "hour"});
}
inline bool hint_clock(const Name& n) {
    return hint_hour(n) || n.contains({"time"});
}
inline bool hint_date(const Name& n) {
    return n.contains(
        {"fech", "date", "time", "hecho", "ocurr", "occur", "day", "dia", "día", "month", "mes"});
}
/// 2 for the offence itself (delito, crime, offence), 1 for a kind or class, else 0.
inline int hint_category(const Name& n) {
    if (n.contains({"delit", "crime", "crimen", "offen", "ofens", "infrac"})) return 2;
    if (n.contains({"tipo", "type", "categor", "clase", "modalidad", "conducta", "descrip"}))
        return 1;
    return 0;
}
inline bool hint_key(const Name& n) {
    return n.word({"cod", "cve", "key", "area", "área", "unit", "zona", "zone", "ward", "beat",
                   "upz", "lsoa"}) ||
           n.contains({"cuadrante", "colonia",   "barrio", "municip", "mpio",   "codigo",
                       "código",    "dane",      "canton", "cantón",  "comuna", "alcald",
                       "distrit",   "district",  "sector", "unidad",  "clave",  "precinct",
                       "neighbo",   "localidad", "region", "región",  "depart", "provinc",
                       "parroq",    "ubigeo",    "geocod"});
}
inline bool hint_count(const Name& n) {
    return n.word({"count",    "conteo",     "cantidad", "total",     "casos",      "numero",
                   "número",   "num",        "n",        "incidents", "incidentes", "value",
                   "valor",    "frecuencia", "freq",     "cuenta",    "delitos",    "crimes",
                   "victimas", "víctimas",   "sum",      "suma"});
}
/// Occurrence dates before report or update dates.
inline int date_name_score(const Name& n) {
    int s = 0;
    if (n.contains({"hecho", "ocurr", "occur", "incident", "event", "crime", "delito", "comis"}))
        s += 2;
    if (n.contains({"updat", "report", "registr", "creat", "modif", "cierre", "close", "denunc",
                    "ingres", "captur", "alta", "fin", "end", "load", "carga"}))
        s -= 2;
    return s;
}

struct Range {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v) noexcept {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    bool within(double a, double b) const noexcept { return lo >= a && hi <= b; }
};

/// A time column seen in one pass: the detector decides the format at the end, while two
/// probes, already decided (day first / month first; hours / HHMM), parse every value as it
/// comes, so that the share parsed and the span are known for whichever the detector picks.
struct TimeTrack {
    TimeColumn column;
    TimeColumn probe[2];
    std::int64_t parsed[2] = {0, 0};
    std::int64_t lo[2] = {std::numeric_limits<std::int64_t>::max(),
                          std::numeric_limits<std::int64_t>::max()};
    std::int64_t hi[2] = {std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::min()};
    std::int64_t observed = 0;
    bool alive = true, hhmm = false, native = false;
    int order = -1; ///< the probe a value has shown to be right (dates), once one has
    bool numbers_are_times = false; ///< bare numbers count as hours or HHMM (time of day)
    std::optional<TimeColumnError> error;
    int pick = 0;

    static TimeColumn make_probe(TimeColumn::Role role, bool native, int k) {
        TimeColumn c{role};
        if (native)
            c.observe_native(2000, 1, 13, 0, 0, 1, role == TimeColumn::Role::date_time, true, 0);
        else if (role == TimeColumn::Role::date_time)
            c.observe(k ? "01/13/2000 00:00:01" : "13/01/2000 00:00:01", 0);
        else {
            c.observe("00:00:01", 0);
            if (k) c.observe("1430", 0);
        }
        c.decide();
        return c;
    }
    TimeTrack(TimeColumn::Role role, bool is_native)
        : column{role}, probe{make_probe(role, is_native, 0), make_probe(role, is_native, 1)},
          native{is_native} {}

    void tally(int k, const std::optional<TimeValue>& v) noexcept {
        if (!v) return;
        ++parsed[k];
        lo[k] = std::min(lo[k], v->seconds);
        hi[k] = std::max(hi[k], v->seconds);
    }
    void settle(bool dates) noexcept {
        if (observed < kSettle) return;
        if (2 * std::max(parsed[0], parsed[1]) < observed) alive = false;
        if (dates &&
            ((hi[0] < kEarliest && hi[1] < kEarliest) || (lo[0] >= kLatest && lo[1] >= kLatest)))
            alive = false;
    }
    void decide() {
        error = column.decide();
        if (column.role() == TimeColumn::Role::date_time)
            pick = column.format().order == DateOrder::month_first ? 1 : 0;
        else
            pick = hhmm ? 1 : 0;
        if (native) pick = 0;
    }
    bool first_shape(std::string_view prefix) const {
        const auto& s = column.format().shapes;
        return !s.empty() && s.front().rfind(prefix, 0) == 0;
    }
};

struct Column {
    int index = -1;
    OGRFieldType type = OFTString;
    std::string raw_name;
    Name name;
    std::int64_t values = 0; ///< non-empty
    std::vector<std::string> examples;
    std::int64_t numbers = 0, commas = 0, fractions = 0;
    Range range;
    bool numbers_alive = true;
    std::unordered_map<std::string, std::int64_t> distinct;
    bool many = false;
    std::int64_t wkt = 0;
    Range wx, wy;
    std::optional<TimeTrack> date, tod;

    bool parses(const TimeTrack& t) const {
        return t.alive && values > 0 && 10 * t.parsed[t.pick] >= 9 * values;
    }
    bool is_date() const {
        if (!date || date->error || !parses(*date)) return false;
        if (date->first_shape("Excel serial"))
            return hint_date(name) && date->lo[date->pick] >= kEarliest &&
                   date->hi[date->pick] < kLatest;
        return true;
    }
    bool is_time_of_day() const {
        if (!tod || tod->error || !parses(*tod) || is_date()) return false;
        if (tod->first_shape("hour")) return hint_hour(name);
        if (tod->first_shape("hhmm") || tod->first_shape("Excel day fraction"))
            return hint_clock(name);
        return true;
    }
    bool conflicting() const {
        // Values that contradict each other parse one way or the other.
        return date && date->error && values > 0 &&
               10 * (date->parsed[0] + date->parsed[1]) >= 9 * values;
    }
    bool is_number() const {
        if (numbers == 0 || is_date() || is_time_of_day()) return false;
        if (type == OFTString) return numbers_alive && 10 * numbers >= 9 * values;
        return type == OFTInteger || type == OFTInteger64 || type == OFTReal;
    }
    bool whole_numbers() const { return is_number() && fractions == 0; }
    /// Whole numbers, whatever else they look like (an hour column is also a time of day).
    bool integers() const {
        return numbers > 0 && fractions == 0 && (type != OFTString || 10 * numbers >= 9 * values);
    }
    bool fractional() const { return 2 * fractions >= numbers; }
    bool is_wkt() const { return values > 0 && 10 * wkt >= 9 * values; }
    bool few_distinct() const {
        // 2 to 1,000 values, each seen 1.5 times on average at least.
        return !many && distinct.size() >= 2 &&
               2 * values >= 3 * static_cast<std::int64_t>(distinct.size());
    }
    /// Share of the values holding a letter.
    double alpha_share() const {
        std::int64_t n = 0, total = 0;
        for (const auto& [v, k] : distinct) {
            total += k;
            if (std::any_of(v.begin(), v.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || u >= 0x80;
                }))
                n += k;
        }
        return total ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
    }
};

struct LayerScan {
    std::string name, srs;
    OGRwkbGeometryType geom = wkbNone;
    std::int64_t features = 0;
    bool has_extent = false;
    OGREnvelope extent;
    std::string encoding;
    bool recoded = false;
    std::vector<Column> columns;
};

// What the columns add up to: coordinates, time, keys and categories.

enum class Units : std::uint8_t { degrees, metres, unknown };

struct Pair {
    const Column* x = nullptr;
    const Column* y = nullptr;
    Units units = Units::unknown;
    double score = 0;
    bool certain = false; ///< degrees named as such: EPSG:4326 without doubt
};

struct Findings {
    std::optional<Pair> pair;
    const Column* wkt = nullptr;
    Units wkt_units = Units::unknown;
    bool points = false; ///< a point geometry layer
    std::vector<const Column*> dates, tods, conflicts, keys, categories;
    const Column* count = nullptr;
    const Column *year = nullptr, *month = nullptr, *day = nullptr, *hour = nullptr,
                 *minute = nullptr;
    bool decimal_comma = false;
};

/// Reads every feature of the layer (the only one when `layer_name` is empty) once.
LayerScan scan_layer(const std::string& path, const std::string& layer_name);
/// Units the ranges of an x and a y column suggest.
Units units_of(const Range& x, const Range& y);
/// The most likely x/y pair of columns, if any.
std::optional<Pair> best_pair(const std::vector<Column>& cols);
/// What the columns of a scanned layer add up to.
Findings analyse(const LayerScan& s);

} // namespace vigia::io::info_detail
