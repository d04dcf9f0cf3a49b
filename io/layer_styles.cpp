#include "io/layer_styles.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

namespace vigia::io {

namespace {

constexpr const char* kTable = "layer_styles";

/// A string literal for an SQLite WHERE clause.
std::string quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string{"''"} : std::string(1, c);
    return q + "'";
}

/// The checks that need no file: one name per table, at most one default per table.
void check_styles(const std::string& label, const std::vector<LayerStyle>& styles) {
    std::set<std::pair<std::string, std::string>> names;
    std::set<std::string> defaults;
    for (const LayerStyle& s : styles) {
        if (s.table.empty()) throw IoError{fmt::format("{}: a layer style names no table", label)};
        if (!names.emplace(s.table, s.name).second)
            throw IoError{fmt::format("{}: two layer styles named '{}' for table '{}'", label,
                                      s.name, s.table)};
        if (s.use_as_default && !defaults.insert(s.table).second)
            throw IoError{fmt::format(
                "{}: more than one default layer style for table '{}'; QGIS applies only one",
                label, s.table)};
    }
}

/// The table as QGIS creates it (QgsOgrProviderMetadata::saveStyle): the same GDAL calls,
/// so the same SQL. GDAL registers a table without geometry in gpkg_contents as
/// `attributes`, and turns the CURRENT_TIMESTAMP default into an ISO 8601 strftime().
OGRLayer* create_table(GDALDataset& ds, const std::string& label, const GdalErrorScope& errors) {
    const char* options[] = {"FID=id", nullptr};
    OGRLayer* layer = ds.CreateLayer(kTable, nullptr, wkbNone, const_cast<char**>(options));
    if (!layer)
        throw IoError{
            fmt::format("{}: cannot create table {}: {}", label, kTable, errors.last_error())};
    struct Spec {
        const char* name;
        OGRFieldType type;
        int width;
    };
    const Spec specs[] = {{"f_table_catalog", OFTString, 256},
                          {"f_table_schema", OFTString, 256},
                          {"f_table_name", OFTString, 256},
                          {"f_geometry_column", OFTString, 256},
                          {"styleName", OFTString, 30},
                          {"styleQML", OFTString, 0},
                          {"styleSLD", OFTString, 0},
                          {"useAsDefault", OFTInteger, 0},
                          {"description", OFTString, 0},
                          {"owner", OFTString, 30},
                          {"ui", OFTString, 30},
                          {"update_time", OFTDateTime, 0}};
    for (const Spec& s : specs) {
        OGRFieldDefn defn{s.name, s.type};
        if (s.width > 0) defn.SetWidth(s.width);
        if (s.type == OFTInteger) defn.SetSubType(OFSTBoolean);
        if (s.type == OFTDateTime) defn.SetDefault("CURRENT_TIMESTAMP");
        if (layer->CreateField(&defn, TRUE) != OGRERR_NONE)
            throw IoError{fmt::format("{}: cannot create column {}.{}: {}", label, kTable, s.name,
                                      errors.last_error())};
    }
    return layer;
}

/// Rolls the dataset's transaction back unless committed.
class Transaction {
public:
    Transaction(GDALDataset& ds, const std::string& label, const GdalErrorScope& errors)
        : m_ds{ds} {
        if (m_ds.StartTransaction() != OGRERR_NONE)
            throw IoError{
                fmt::format("{}: cannot start a transaction: {}", label, errors.last_error())};
    }
    ~Transaction() {
        if (!m_done) m_ds.RollbackTransaction();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    bool commit() {
        m_done = true;
        return m_ds.CommitTransaction() == OGRERR_NONE;
    }

private:
    GDALDataset& m_ds;
    bool m_done = false;
};

} // namespace

void write_layer_styles(GDALDataset& ds, const std::string& label,
                        const std::vector<LayerStyle>& styles) {
    check_styles(label, styles);
    GdalErrorScope errors;
    if (!ds.GetDriver() || std::string{ds.GetDriver()->GetDescription()} != "GPKG")
        throw IoError{fmt::format("{}: layer styles can only be written to a GeoPackage", label)};
    // QGIS finds a style by table name and geometry column, exactly: check both now.
    for (const LayerStyle& s : styles) {
        OGRLayer* target = ds.GetLayerByName(s.table.c_str());
        if (!target || s.table == kTable)
            throw IoError{fmt::format("{}: no layer '{}' to give a style to", label, s.table)};
        const std::string column = target->GetGeometryColumn();
        if (column != s.geometry_column)
            throw IoError{fmt::format(
                "{}: layer '{}' has geometry column '{}', but its style '{}' names '{}'", label,
                s.table, column, s.name, s.geometry_column)};
    }
    OGRLayer* table = ds.GetLayerByName(kTable);
    if (!table) table = create_table(ds, label, errors);
    OGRFeatureDefn* defn = table->GetLayerDefn();
    std::map<std::string, int> index;
    for (const char* name :
         {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
          "styleQML", "styleSLD", "useAsDefault", "description", "owner"}) {
        index[name] = defn->GetFieldIndex(name);
        if (index[name] < 0)
            throw IoError{fmt::format("{}: its {} table has no column {}", label, kTable, name)};
    }
    auto fail = [&](const std::string& what) {
        throw IoError{fmt::format("{}: {}: {}: {}", label, kTable, what, errors.last_error())};
    };

    Transaction txn{ds, label, errors};
    // Rows to replace (same table and name) and defaults to clear (same table).
    std::set<GIntBig> replaced;
    std::set<std::string> new_defaults;
    for (const LayerStyle& s : styles) {
        if (s.use_as_default) new_defaults.insert(s.table);
        const std::string where =
            fmt::format("f_table_name = {} AND styleName = {}", quoted(s.table), quoted(s.name));
        if (table->SetAttributeFilter(where.c_str()) != OGRERR_NONE) fail("cannot query");
        table->ResetReading();
        while (OGRFeatureUniquePtr f{table->GetNextFeature()})
            replaced.insert(f->GetFID());
    }
    std::vector<OGRFeatureUniquePtr> unset;
    for (const std::string& t : new_defaults) {
        const std::string where = fmt::format("f_table_name = {} AND useAsDefault = 1", quoted(t));
        if (table->SetAttributeFilter(where.c_str()) != OGRERR_NONE) fail("cannot query");
        table->ResetReading();
        while (OGRFeatureUniquePtr f{table->GetNextFeature()})
            if (!replaced.count(f->GetFID())) unset.push_back(std::move(f));
    }
    table->SetAttributeFilter(nullptr);
    table->ResetReading();
    for (GIntBig fid : replaced)
        if (table->DeleteFeature(fid) != OGRERR_NONE)
            fail(fmt::format("cannot delete the old style row {}", fid));
    for (OGRFeatureUniquePtr& f : unset) {
        f->SetField(index["useAsDefault"], 0);
        if (table->SetFeature(f.get()) != OGRERR_NONE)
            fail(fmt::format("cannot clear useAsDefault of row {}", f->GetFID()));
    }
    for (const LayerStyle& s : styles) {
        OGRFeatureUniquePtr f{OGRFeature::CreateFeature(defn)};
        // As QGIS writes them: empty catalog, schema and owner; ui left NULL; update_time
        // from the column's default.
        f->SetField(index["f_table_catalog"], "");
        f->SetField(index["f_table_schema"], "");
        f->SetField(index["f_table_name"], s.table.c_str());
        f->SetField(index["f_geometry_column"], s.geometry_column.c_str());
        f->SetField(index["styleName"], s.name.c_str());
        f->SetField(index["styleQML"], s.qml.c_str());
        f->SetField(index["styleSLD"], "");
        f->SetField(index["useAsDefault"], s.use_as_default ? 1 : 0);
        f->SetField(index["description"], s.description.c_str());
        f->SetField(index["owner"], "");
        if (table->CreateFeature(f.get()) != OGRERR_NONE)
            fail(fmt::format("cannot write the style '{}' of '{}'", s.name, s.table));
    }
    if (!txn.commit()) fail("commit failed");
}

void write_layer_styles(const std::filesystem::path& gpkg, const std::vector<LayerStyle>& styles) {
    const std::string label = gpkg.string();
    check_styles(label, styles);
    GDALDatasetUniquePtr ds = open_gpkg_for_update(gpkg);
    write_layer_styles(*ds, label, styles);
    close_checked(ds, gpkg);
}

} // namespace vigia::io
