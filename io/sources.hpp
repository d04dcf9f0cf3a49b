#pragma once
/// \file
/// What the manifest says about each input layer. Paths are already resolved.

#include <string>

namespace vigia::io {

/// A polygon layer: the boundary (one feature) or its sub-units (many).
struct PolygonSourceSpec {
    std::string path;
    std::string layer;      ///< empty: the only layer
    std::string crs;        ///< overrides (or supplies) the layer's CRS
    std::string name_field; ///< empty: names are the feature numbers
    std::string key_field;  ///< for joining counts tables; empty when not needed
};

/// Incident points: a point layer, or a table with x/y columns.
struct IncidentSourceSpec {
    std::string path;
    std::string layer;
    std::string crs;
    std::string x, y;     ///< coordinate fields; empty: use the layer's point geometry
    std::string time;     ///< optional time field
    std::string category; ///< optional category field
    std::string where;    ///< optional OGR SQL attribute filter
};

/// Incidents published as counts per area (any OGR table; CSV included).
struct CountsSourceSpec {
    std::string path;
    std::string layer;
    std::string key;      ///< the table's unit key field
    std::string count;    ///< the count field
    std::string category; ///< optional offence field
    std::string year;     ///< optional
    std::string month;    ///< optional (needs year)
    std::string where;    ///< optional OGR SQL attribute filter
};

} // namespace vigia::io
