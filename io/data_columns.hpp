#pragma once
/// \file
/// Field aliases in the GeoPackage schema extension's `gpkg_data_columns` table (OGC 12-128r18
/// §2.3.2): a readable name and title per column, for readers that take them from there.
/// (QGIS 3.22 on GDAL 3.6 reads its aliases from the layer's style; both are written.)

#include <filesystem>
#include <string>
#include <vector>

namespace vigia::io {

struct DataColumn {
    std::string table, column;
    std::string name;  ///< a short readable name; unique within the table
    std::string title; ///< the readable title (the same as `name` when there is no other)
    std::string description;
};

/// Creates `gpkg_data_columns` (and its gpkg_extensions row) in the existing GeoPackage
/// `gpkg` when absent and writes `columns`, replacing rows of the same table and column, in
/// one transaction. A name repeated within a table is made unique by adding the column name
/// in brackets. Throws IoError naming the file.
void write_data_columns(const std::filesystem::path& gpkg, const std::vector<DataColumn>& columns);

} // namespace vigia::io
