#include "io/gdal_util.hpp"

#include "analysis/error.hpp"
#include "io/connection.hpp"

#include <fmt/format.h>
#include <proj.h>

#include <cmath>
#include <mutex>

namespace vigia::io {

GdalErrorScope::GdalErrorScope() {
    CPLPushErrorHandlerEx(&GdalErrorScope::handle, this);
}
GdalErrorScope::~GdalErrorScope() {
    CPLPopErrorHandler();
}

void CPL_STDCALL GdalErrorScope::handle(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrorScope*>(CPLGetErrorHandlerUserData());
    if (cls >= CE_Failure && self) self->m_last = msg ? msg : "";
}

void register_gdal() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GDALDatasetUniquePtr open_vector(const std::string& path,
                                 const std::vector<std::string>& open_options) {
    register_gdal();
    GdalErrorScope errors;
    std::vector<const char*> opts;
    for (const auto& o : open_options)
        opts.push_back(o.c_str());
    opts.push_back(nullptr);
    // A connection string's password lives only in io/connection.cpp; `path` is redacted.
    const std::string real = is_postgres(path) ? connection_secret(path) : path;
    GDALDatasetUniquePtr ds{GDALDataset::Open(real.c_str(), GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR,
                                              nullptr, opts.data(), nullptr)};
    if (!ds) {
        const std::string why = errors.last_error().empty()
                                    ? "not a readable vector data set"
                                    : redact_connection(errors.last_error());
        throw InputError{fmt::format("{}: cannot open: {}", path, why)};
    }
    return ds;
}

OGRLayer& pick_layer(GDALDataset& ds, const std::string& path, const std::string& name) {
    std::string names;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        names += (i ? ", " : "") + std::string{ds.GetLayer(i)->GetName()};
    if (!name.empty()) {
        if (OGRLayer* l = ds.GetLayerByName(name.c_str())) return *l;
        throw InputError{fmt::format("{}: no layer '{}' (layers: {})", path, name, names)};
    }
    if (ds.GetLayerCount() == 0) throw InputError{fmt::format("{}: has no vector layer", path)};
    if (ds.GetLayerCount() > 1)
        throw InputError{fmt::format("{}: has {} layers ({}); say which with layer = \"...\"", path,
                                     ds.GetLayerCount(), names)};
    return *ds.GetLayer(0);
}

std::unique_ptr<OGRSpatialReference> make_srs(const std::string& text, const std::string& where) {
    GdalErrorScope errors;
    auto srs = std::make_unique<OGRSpatialReference>();
    if (srs->SetFromUserInput(text.c_str()) != OGRERR_NONE)
        throw InputError{fmt::format("{}: '{}' is not a CRS PROJ knows ({}); use e.g. EPSG:4326",
                                     where, text, errors.last_error())};
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::unique_ptr<OGRSpatialReference> layer_srs(OGRLayer& layer, const std::string& path,
                                               const std::string& override_text) {
    if (!override_text.empty())
        return make_srs(override_text, fmt::format("{} layer '{}': crs", path, layer.GetName()));
    const OGRSpatialReference* s = layer.GetSpatialRef();
    if (!s)
        throw InputError{fmt::format(
            "{} layer '{}': has no CRS; give it in the manifest, e.g. crs = \"EPSG:4326\" "
            "for longitude/latitude",
            path, layer.GetName())};
    auto srs = std::make_unique<OGRSpatialReference>(*s);
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string srs_label(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return fmt::format("{}:{}", auth, code);
    const char* name = srs.GetName();
    return name ? name : "unnamed CRS";
}

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to) {
    GdalErrorScope errors;
    TransformPtr ct{OGRCreateCoordinateTransformation(&from, &to)};
    if (!ct)
        throw InputError{fmt::format("crs: no transformation from {} to {}: {}", srs_label(from),
                                     srs_label(to), errors.last_error())};
    return ct;
}

void transform_points(OGRCoordinateTransformation& ct, std::vector<double>& x,
                      std::vector<double>& y, std::vector<std::uint8_t>& ok) {
    GdalErrorScope quiet; // failures are reported per point through `success`
    const std::size_t n = x.size();
    ok.assign(n, 1);
    constexpr std::size_t chunk = 1 << 16;
    std::vector<int> success(chunk);
    for (std::size_t b = 0; b < n; b += chunk) {
        const std::size_t m = std::min(chunk, n - b);
        ct.Transform(static_cast<int>(m), x.data() + b, y.data() + b, nullptr, nullptr,
                     success.data());
        for (std::size_t i = 0; i < m; ++i)
            if (!success[i] || !std::isfinite(x[b + i]) || !std::isfinite(y[b + i])) ok[b + i] = 0;
    }
}

std::vector<unsigned char> reproject(const std::vector<unsigned char>& wkb,
                                     const OGRSpatialReference& from,
                                     const OGRSpatialReference& to) {
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &raw, wkb.size()) != OGRERR_NONE)
        throw InputError{"reproject: invalid WKB"};
    OGRGeometryUniquePtr g{raw};
    TransformPtr ct = make_transform(from, to);
    GdalErrorScope errors;
    if (g->transform(ct.get()) != OGRERR_NONE)
        throw InputError{fmt::format("reproject: {} to {} failed: {}", srs_label(from),
                                     srs_label(to), errors.last_error())};
    std::vector<unsigned char> out(static_cast<std::size_t>(g->WkbSize()));
    g->exportToWkb(wkbNDR, out.data(), wkbVariantIso);
    return out;
}

std::string field_list(OGRLayer& layer) {
    std::string out;
    OGRFeatureDefn* d = layer.GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        out += (i ? ", " : "") + std::string{d->GetFieldDefn(i)->GetNameRef()};
    return out;
}

GDALDatasetUniquePtr open_gpkg_for_update(const std::filesystem::path& path) {
    register_gdal();
    GdalErrorScope errors;
    const char* drivers[] = {"GPKG", nullptr};
    GDALDatasetUniquePtr ds{GDALDataset::Open(
        path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR, drivers)};
    if (!ds)
        throw IoError{fmt::format("{}: cannot open the GeoPackage for update: {}", path.string(),
                                  errors.last_error())};
    return ds;
}

void close_checked(GDALDatasetUniquePtr& ds, const std::filesystem::path& path) {
    GdalErrorScope errors;
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() >= CE_Failure)
        throw IoError{fmt::format("{}: closing failed: {}", path.string(), errors.last_error())};
}

int require_field(OGRLayer& layer, const std::string& path, const std::string& name,
                  const std::string& role) {
    OGRFeatureDefn* d = layer.GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        if (name == d->GetFieldDefn(i)->GetNameRef()) return i;
    const int i = d->GetFieldIndex(name.c_str()); // case-insensitive
    if (i >= 0) return i;
    throw InputError{fmt::format("{} layer '{}': no field '{}' for {} (fields: {})", path,
                                 layer.GetName(), name, role, field_list(layer))};
}

std::string gdal_version() {
    return fmt::format("GDAL {}", GDALVersionInfo("RELEASE_NAME"));
}

std::string proj_version() {
    const PJ_INFO info = proj_info();
    return fmt::format("PROJ {}", info.version);
}

} // namespace vigia::io
