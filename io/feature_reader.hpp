#pragma once
/// \file
/// Reading facility and population layers: points or polygons with an optional name and an
/// optional numeric value, reprojected to the city's CRS.

#include "analysis/types.hpp"
#include "io/gdal_util.hpp"
#include "io/sources.hpp"

#include <string>
#include <vector>

namespace vigia::io {

struct FeatureRead {
    std::vector<analysis::Wkb> wkb; ///< 2-D, in the target CRS; multipoints split
    std::vector<std::string> names;
    std::vector<double> values; ///< empty without value_field
    /// With `text_fields`: each field's text per feature (texts[field][feature]), decoded.
    std::vector<std::vector<std::string>> texts;
    std::vector<std::int64_t> fids; ///< each feature's FID, for messages
    bool points = false, polygons = false;
    std::string layer;
};

/// A category map: a table with columns `label` and `iccs` (any OGR table; CSV). Throws
/// InputError for a missing file or column, an empty code, or a label given twice.
std::vector<std::pair<std::string, std::string>> read_category_map(const std::string& path);

/// Reads a layer of `role` ("facilities 'police'", "population"). Throws InputError for a
/// missing file, layer or field, a layer with no features (after `where`), a geometry that is
/// neither point nor polygon (or polygons where `allow_polygons` is false), and a value that
/// is empty or not a number (naming the field and the row). `text_fields` are read as text
/// too (a missing one is an InputError naming it; dates come as "yyyy/mm/dd").
FeatureRead read_features(const FeatureSourceSpec& spec, const OGRSpatialReference& target,
                          const std::string& role, bool allow_points, bool allow_polygons,
                          const std::vector<std::string>& text_fields = {});

} // namespace vigia::io
