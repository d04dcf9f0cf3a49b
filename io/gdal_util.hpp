#pragma once
/// \file
/// Small RAII helpers over GDAL/OGR: error capture per scope, opening vector sources with
/// messages that name the file, and CRS construction from user text.

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace vigia::io {

/// Collects the last CE_Failure message of the current thread while in scope.
class GdalErrorScope {
public:
    GdalErrorScope();
    ~GdalErrorScope();
    GdalErrorScope(const GdalErrorScope&) = delete;
    GdalErrorScope& operator=(const GdalErrorScope&) = delete;
    const std::string& last_error() const noexcept { return m_last; }

private:
    static void CPL_STDCALL handle(CPLErr cls, CPLErrorNum, const char* msg);
    std::string m_last;
};

/// Registers GDAL's drivers once (safe to call many times, from main or tests).
void register_gdal();

/// Opens a vector source read-only; throws InputError naming the path when it cannot.
/// An existing GeoPackage opened for update; IoError naming it when it cannot be.
GDALDatasetUniquePtr open_gpkg_for_update(const std::filesystem::path& path);
/// Closes a dataset opened for update; GDAL 3.6 reports a failed flush only through
/// CPLError, so that is checked (IoError naming `path`).
void close_checked(GDALDatasetUniquePtr& ds, const std::filesystem::path& path);

GDALDatasetUniquePtr open_vector(const std::string& path,
                                 const std::vector<std::string>& open_options = {});

/// The layer named `name`, or the only layer when `name` is empty. Throws InputError
/// listing the layers when the name is unknown or the choice is ambiguous.
OGRLayer& pick_layer(GDALDataset& ds, const std::string& path, const std::string& name);

/// A CRS from user text (EPSG:xxxx, WKT, PROJ string), with traditional GIS axis order
/// (x = easting/longitude). Throws InputError naming `where` when PROJ cannot read it.
std::unique_ptr<OGRSpatialReference> make_srs(const std::string& text, const std::string& where);

/// A copy of a layer's CRS, or the user's override; throws InputError when neither exists.
std::unique_ptr<OGRSpatialReference> layer_srs(OGRLayer& layer, const std::string& path,
                                               const std::string& override_text);

/// "EPSG:32613" when the CRS has an EPSG code, else its name.
std::string srs_label(const OGRSpatialReference& srs);

using TransformPtr = std::unique_ptr<OGRCoordinateTransformation>;
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

/// Transforms points in place, in bulk; `ok[i]` is cleared where PROJ failed.
void transform_points(OGRCoordinateTransformation& ct, std::vector<double>& x,
                      std::vector<double>& y, std::vector<std::uint8_t>& ok);

/// A WKB geometry reprojected between two CRSs (2-D WKB out). Throws InputError.
std::vector<unsigned char> reproject(const std::vector<unsigned char>& wkb,
                                     const OGRSpatialReference& from,
                                     const OGRSpatialReference& to);

/// Lower-case names of a layer's fields, comma separated (for "expected one of" messages).
std::string field_list(OGRLayer& layer);

/// Index of field `name` (exact, then case-insensitive), or throws InputError naming the
/// file, layer and the fields that exist.
int require_field(OGRLayer& layer, const std::string& path, const std::string& name,
                  const std::string& role);

/// GDAL, GEOS and PROJ versions, e.g. "GDAL 3.6.2".
std::string gdal_version();
std::string proj_version();

} // namespace vigia::io
