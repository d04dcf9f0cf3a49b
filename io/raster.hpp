#pragma once
/// \file
/// Raster output: GeoTIFF written atomically, and polygons from raster masks.

#include "analysis/kde.hpp"
#include "io/gdal_util.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vigia::io {

/// One Float32 band of a raster to write; pixels outside the boundary become NoData.
struct Band {
    std::string description;
    double scale = 1.0; ///< values are multiplied by this (e.g. 1 / years)
};

/// Writes `raster` as a tiled, compressed Float32 GeoTIFF with one band per entry of
/// `bands`, NoData = NaN outside the boundary, at `path` (the caller writes to a temporary
/// name and renames: see engine/city_writer.cpp). Throws IoError.
void write_geotiff(const std::filesystem::path& path, const analysis::Raster& raster,
                   const OGRSpatialReference& srs, const std::vector<Band>& bands);

/// The polygons (as one MultiPolygon WKB, 2-D) covering the pixels inside the boundary whose
/// value is at least `threshold` (GDAL Polygonize, 4-connected); empty when none.
analysis::Wkb polygonize_at_least(const analysis::Raster& raster, double threshold);

} // namespace vigia::io
