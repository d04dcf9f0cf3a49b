#pragma once
/// \file
/// Writing a GeoPackage atomically: layers go to a temporary file beside the target, which
/// is renamed over it only when every layer is written and the file is closed cleanly.

#include "analysis/types.hpp"
#include "io/gdal_util.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace vigia::io {

/// Seconds since the epoch of local civil time (analysis::kNoTime → NULL).
struct TimeValues {
    std::vector<std::int64_t> seconds;
};

/// One attribute column, in feature order.
struct Column {
    std::string name;
    std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>,
                 TimeValues>
        values;
};

/// What a layer holds. Geometry is either WKB (one per feature), x/y points, or none.
struct LayerData {
    std::string name;
    std::string title; ///< gpkg_contents.identifier: the name QGIS shows (default: `name`)
    std::string description;
    const OGRSpatialReference* srs = nullptr; ///< null for a non-spatial table
    OGRwkbGeometryType geometry_type = wkbNone;
    const std::vector<analysis::Wkb>* wkb = nullptr;
    const std::vector<double>* x = nullptr; ///< point layers
    const std::vector<double>* y = nullptr;
    std::vector<Column> columns;
    std::size_t rows() const;
};

class GpkgWriter {
public:
    /// Fails with IoError when `path` exists and `overwrite` is false (the message names
    /// --overwrite), and when the temporary file cannot be created.
    GpkgWriter(std::filesystem::path path, bool overwrite);
    ~GpkgWriter(); ///< removes the temporary file unless finish() succeeded
    GpkgWriter(const GpkgWriter&) = delete;
    GpkgWriter& operator=(const GpkgWriter&) = delete;

    /// Writes a layer (with a spatial index when it has geometry) in one transaction.
    void write(const LayerData& layer);
    /// A dataset metadata item (GeoPackage gpkg_metadata, shown by QGIS and gdalinfo).
    void set_metadata(const std::string& key, const std::string& value);
    /// Closes the temporary file (GDAL builds the spatial indexes then) and checks for
    /// errors; it can then be opened and amended by path before finish().
    void close();
    /// Closes the file if still open, checks for errors and renames it over the target.
    void finish();
    /// What was written: each layer's name, geometry type and field names, in order.
    struct LayerInfo {
        std::string name;
        OGRwkbGeometryType geometry_type = wkbNone;
        std::vector<std::string> fields;
    };
    const std::vector<LayerInfo>& layers() const noexcept { return m_layers; }
    const std::filesystem::path& path() const noexcept { return m_path; }

    const std::filesystem::path& temporary_path() const noexcept { return m_tmp; }

private:
    std::filesystem::path m_path, m_tmp;
    GDALDatasetUniquePtr m_ds;
    bool m_overwrite;
    bool m_done = false;
    bool m_closed = false;
    std::vector<LayerInfo> m_layers;
    std::string m_old_cache; ///< this thread's OGR_SQLITE_CACHE before the writer set it
    bool m_had_cache = false;
};

/// Throws IoError when `path` exists and `overwrite` is false.
void check_can_write(const std::filesystem::path& path, bool overwrite);

} // namespace vigia::io
