#pragma once
/// \file
/// Reading polygon layers (boundary and sub-units) and reprojecting them.

#include "analysis/types.hpp"
#include "io/gdal_util.hpp"
#include "io/sources.hpp"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace vigia::io {

/// A polygon layer read into memory in its own CRS; reprojected on demand.
class PolygonSource {
public:
    /// Reads every feature. Throws InputError for a missing file, layer or field, a layer
    /// without CRS (and no override), an empty layer, or a feature that is not a polygon.
    explicit PolygonSource(const PolygonSourceSpec& spec);

    const OGRSpatialReference& srs() const noexcept { return *m_srs; }
    const std::string& layer_name() const noexcept { return m_layer; }
    std::size_t size() const noexcept { return m_geoms.size(); }
    const std::vector<std::string>& names() const noexcept { return m_names; }
    const std::vector<std::string>& keys() const noexcept { return m_keys; }
    /// The text encoding read, and its warning when it was detected as Windows-1252.
    const std::string& encoding() const noexcept { return m_encoding; }
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }
    /// Longitude/latitude (WGS 84) of the centroid of all the polygons.
    std::array<double, 2> centroid_lonlat() const;
    /// The polygons in `target` as 2-D WKB, with their names.
    analysis::Polygons project(const OGRSpatialReference& target) const;

private:
    PolygonSourceSpec m_spec;
    std::string m_layer;
    std::unique_ptr<OGRSpatialReference> m_srs;
    std::vector<OGRGeometryUniquePtr> m_geoms;
    std::vector<std::string> m_names, m_keys;
    std::string m_encoding;
    std::vector<std::string> m_warnings;
};

} // namespace vigia::io
