#pragma once
/// \file
/// What the manifest says about each input layer. Paths are already resolved.

#include "io/text.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vigia::io {

/// [start, end] in civil seconds (see analysis::kNoTime for the time base); inclusive.
using Period = std::pair<std::int64_t, std::int64_t>;

/// Where a layer comes from: `path` with `layer`, or `sql` (GDAL's SQLite dialect, as
/// `ogr2ogr -sql`) run on `path`; `encoding` overrides the detected text encoding.
struct LayerLocation {
    std::string path;
    std::string layer;
    std::string sql;
    std::string encoding;
};

/// Facility and population layers: points or polygons with an optional name and value.
struct FeatureSourceSpec {
    std::string path, layer, crs, where;
    std::string sql, encoding;
    std::string name_field;  ///< optional
    std::string value_field; ///< optional; must be numeric in every feature
};

/// A polygon layer: the boundary (one feature) or its sub-units (many).
struct PolygonSourceSpec {
    std::string path;
    std::string layer;      ///< empty: the only layer
    std::string sql;        ///< instead of layer: a query (GDAL's SQLite dialect)
    std::string encoding;   ///< overrides the detected text encoding
    std::string crs;        ///< overrides (or supplies) the layer's CRS
    std::string name_field; ///< empty: names are the feature numbers
    std::string key_field;  ///< for joining counts tables; empty when not needed
    LayerLocation location() const { return {path, layer, sql, encoding}; }
};

/// Where a record's time comes from (docs/methods.md §5):
///  - one field: a date or a date-time;
///  - two fields: a date and a time of day (`["fecha", "hora"]`);
///  - parts: year and month fields, optionally day, hour and minute.
struct TimeSpec {
    std::vector<std::string> fields;
    std::string year, month, day, hour, minute;
    std::string format; ///< time_format: a strptime-like format for the (first) field
    bool empty() const noexcept { return fields.empty() && year.empty(); }
    bool parts() const noexcept { return !year.empty(); }
    /// "fecha", "fecha + hora", "year = YEAR, month = MONTH, ...".
    std::string describe() const;
};

/// Incident points: a point layer, or a table with x/y (or WKT) columns.
struct IncidentSourceSpec {
    std::string path;
    std::string layer;
    std::string sql;
    std::string encoding;
    std::string crs;
    std::string x, y; ///< coordinate fields; empty: use the layer's point geometry
    std::string wkt;  ///< a text field holding POINT (x y); instead of x/y
    Decimal decimal = Decimal::automatic;
    TimeSpec time;        ///< optional
    std::string category; ///< optional category field
    std::string where;    ///< optional OGR SQL attribute filter
    LayerLocation location() const { return {path, layer, sql, encoding}; }
};

/// How a counts table's keys are matched to the sub-units' (docs/methods.md §3).
enum class KeyMatch : std::uint8_t {
    exact,  ///< the same text
    number, ///< the same whole number: 5001 = "05001"
    name,   ///< the same name, case, accents, blanks and punctuation folded; also the unit's name
};
const char* to_string(KeyMatch k) noexcept;

/// Incidents published per area: counts per unit key (with `count`), or one record per
/// incident (without it), optionally per offence and per year/month or time.
struct CountsSourceSpec {
    std::string path;
    std::string layer;
    std::string sql;
    std::string encoding;
    std::string key;      ///< the table's unit key field
    std::string count;    ///< the count field; empty: each row is one incident
    std::string category; ///< optional offence field
    std::string year;     ///< optional
    std::string month;    ///< optional (needs year); a number or a month name
    TimeSpec time;        ///< optional, instead of year/month
    KeyMatch key_match = KeyMatch::exact;
    std::string where; ///< optional OGR SQL attribute filter
    LayerLocation location() const { return {path, layer, sql, encoding}; }
};

} // namespace vigia::io
