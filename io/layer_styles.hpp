#pragma once
/// \file
/// Default layer styles inside a GeoPackage: the `layer_styles` table QGIS reads when it
/// opens a layer, so every layer draws as intended without a project file.

#include <filesystem>
#include <string>
#include <vector>

class GDALDataset;

namespace vigia::io {

/// One row of `layer_styles`: a QGIS style (QML document) for a layer or table.
struct LayerStyle {
    std::string table;           ///< the layer or table the style is for
    std::string geometry_column; ///< "geom" for layers with geometry, "" for tables
    std::string name;            ///< styleName (QGIS gives the column 30 characters)
    std::string description;
    std::string qml;            ///< the QGIS style document
    bool use_as_default = true; ///< QGIS applies it when the layer is opened
};

/// Writes `styles` into the `layer_styles` table of the existing GeoPackage `gpkg`, creating
/// the table when absent with the schema QGIS 3.22 gives it (QgsOgrProviderMetadata::
/// saveStyle: id, f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
/// styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time; an
/// `attributes` table in gpkg_contents). A row for the same table and style name replaces
/// the old one; a default style clears useAsDefault on the table's other rows (QGIS applies
/// the first default it finds). All rows are written in one transaction.
///
/// Throws IoError naming the file when it cannot be opened for update, when a style names a
/// table the file does not hold or a geometry column the table does not have (QGIS matches
/// both exactly), when two styles of the same table are defaults or share a name, and when
/// writing fails (nothing is then written).
void write_layer_styles(const std::filesystem::path& gpkg, const std::vector<LayerStyle>& styles);

/// The same on a GeoPackage dataset already open for update (e.g. by GpkgWriter, before it
/// is closed and renamed into place); `label` names it in messages.
void write_layer_styles(GDALDataset& ds, const std::string& label,
                        const std::vector<LayerStyle>& styles);

} // namespace vigia::io
