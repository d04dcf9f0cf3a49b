#include "io/raster.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>
#include <gdal_alg.h>

#include <cmath>
#include <limits>

namespace vigia::io {

namespace fs = std::filesystem;

void write_geotiff(const fs::path& path, const analysis::Raster& r, const OGRSpatialReference& srs,
                   const std::vector<Band>& bands) {
    register_gdal();
    GdalErrorScope errors;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!drv) throw IoError{"io: GDAL was built without the GeoTIFF driver"};
    const char* options[] = {"TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", nullptr};
    {
        GDALDatasetUniquePtr ds{drv->Create(path.c_str(), r.cols, r.rows,
                                            static_cast<int>(bands.size()), GDT_Float32,
                                            const_cast<char**>(options))};
        if (!ds)
            throw IoError{
                fmt::format("{}: cannot create (GTiff): {}", path.string(), errors.last_error())};
        double gt[6] = {r.x0, r.pixel, 0, r.y1, 0, -r.pixel};
        ds->SetGeoTransform(gt);
        ds->SetSpatialRef(&srs);
        std::vector<float> buf(r.values.size());
        for (std::size_t b = 0; b < bands.size(); ++b) {
            for (std::size_t i = 0; i < buf.size(); ++i)
                buf[i] = r.inside[i] ? static_cast<float>(r.values[i] * bands[b].scale)
                                     : std::numeric_limits<float>::quiet_NaN();
            GDALRasterBand* band = ds->GetRasterBand(static_cast<int>(b) + 1);
            band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
            band->SetDescription(bands[b].description.c_str());
            if (band->RasterIO(GF_Write, 0, 0, r.cols, r.rows, buf.data(), r.cols, r.rows,
                               GDT_Float32, 0, 0) != CE_None)
                throw IoError{fmt::format("{}: writing band {} failed: {}", path.string(), b + 1,
                                          errors.last_error())};
        }
        CPLErrorReset();
    } // GDALClose
    if (CPLGetLastErrorType() >= CE_Failure)
        throw IoError{fmt::format("{}: closing failed: {}", path.string(), errors.last_error())};
}

analysis::Wkb polygonize_at_least(const analysis::Raster& r, double threshold) {
    register_gdal();
    GdalErrorScope errors;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds{mem->Create("", r.cols, r.rows, 1, GDT_Byte, nullptr)};
    double gt[6] = {r.x0, r.pixel, 0, r.y1, 0, -r.pixel};
    ds->SetGeoTransform(gt);
    std::vector<std::uint8_t> mask(r.values.size());
    bool any = false;
    for (std::size_t i = 0; i < mask.size(); ++i) {
        mask[i] = r.inside[i] && r.values[i] >= threshold && r.values[i] > 0;
        any = any || mask[i];
    }
    if (!any) return {};
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (band->RasterIO(GF_Write, 0, 0, r.cols, r.rows, mask.data(), r.cols, r.rows, GDT_Byte, 0,
                       0) != CE_None)
        throw IoError{fmt::format("kde: polygonize: {}", errors.last_error())};
    GDALDriver* vmem = GetGDALDriverManager()->GetDriverByName("Memory");
    GDALDatasetUniquePtr vds{vmem->Create("", 0, 0, 0, GDT_Unknown, nullptr)};
    OGRLayer* layer = vds->CreateLayer("p", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn f{"v", OFTInteger};
    layer->CreateField(&f);
    // 4-connected regions: pixels meeting only at a corner become separate polygons, so the
    // multipolygon stays valid (no ring touching itself).
    if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None)
        throw IoError{fmt::format("kde: polygonize failed: {}", errors.last_error())};
    OGRMultiPolygon all;
    layer->ResetReading();
    for (auto& feat : *layer)
        if (OGRGeometry* g = feat->GetGeometryRef()) all.addGeometry(g);
    analysis::Wkb out(static_cast<std::size_t>(all.WkbSize()));
    all.exportToWkb(wkbNDR, out.data(), wkbVariantIso);
    return out;
}

} // namespace vigia::io
