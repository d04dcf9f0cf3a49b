#pragma once
/// \file
/// Reading back what Vigía wrote: a city GeoPackage's tables as columns, for `vigia merge`
/// (engine/merge.cpp), which builds the alliance outputs from files computed elsewhere.

#include "analysis/types.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_writer.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vigia::io {

/// One table of a written GeoPackage, read whole: the asked columns (NULL → NaN for numbers,
/// "" for text) and, when it has one, each feature's geometry as WKB, in feature order.
struct TableColumns {
    bool exists = false;
    std::map<std::string, std::vector<double>> numbers;
    std::map<std::string, std::vector<std::string>> texts;
    std::vector<analysis::Wkb> geometry;
    std::unique_ptr<OGRSpatialReference> srs; ///< the geometry's CRS (null without geometry)
    std::size_t rows = 0;
};

/// Reads `layer` of `gpkg`. An asked column the table lacks is left out of the maps (absent,
/// not an error: a city without population has no rates). Throws IoError when the file cannot
/// be opened.
TableColumns read_table(const std::filesystem::path& gpkg, const std::string& layer,
                        const std::vector<std::string>& numbers,
                        const std::vector<std::string>& texts, bool geometry);

/// The run_info table (key → value, in order). Throws InputError when the file has none: it
/// was not written by vigia run.
std::vector<std::pair<std::string, std::string>> read_run_info(const std::filesystem::path& gpkg);

/// The layers of a written GeoPackage as the writer lists them (name, geometry type, fields),
/// in gpkg_contents order, leaving out QGIS's layer_styles table.
std::vector<GpkgWriter::LayerInfo> written_layers(const std::filesystem::path& gpkg);

} // namespace vigia::io
