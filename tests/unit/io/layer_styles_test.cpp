#include "io/layer_styles.hpp"

#include "analysis/error.hpp"
#include "io/gpkg_writer.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace vigia;
using vigia::test::TempDir;

namespace {

/// A GeoPackage with a point layer "pts" and a table "tab".
std::filesystem::path small_gpkg(const TempDir& d) {
    const auto srs = io::make_srs("EPSG:32614", "test");
    const std::vector<double> x{500000, 500100}, y{2000000, 2000100};
    io::GpkgWriter w{d / "small.gpkg", false};
    io::LayerData pts;
    pts.name = "pts";
    pts.srs = srs.get();
    pts.geometry_type = wkbPoint;
    pts.x = &x;
    pts.y = &y;
    pts.columns.push_back({"n", std::vector<std::int64_t>{1, 2}});
    w.write(pts);
    io::LayerData tab;
    tab.name = "tab";
    tab.columns.push_back({"key", std::vector<std::string>{"a"}});
    w.write(tab);
    w.finish();
    return d / "small.gpkg";
}

io::LayerStyle style(std::string table, std::string name, bool is_default = true) {
    const bool spatial = table == "pts";
    return {table,
            spatial ? "geom" : "",
            name,
            "about " + name,
            "<qgis version=\"3.22.0\">" + name + "</qgis>",
            is_default};
}

struct Row {
    std::string catalog, schema, table, geometry, name, qml, sld, description, owner;
    int is_default = -1;
    bool ui_null = false, time_set = false;
};

/// The layer_styles rows, by style name.
std::map<std::string, Row> rows(const std::filesystem::path& path) {
    auto ds = test::open_read(path);
    OGRLayer* l = ds->GetLayerByName("layer_styles");
    std::map<std::string, Row> out;
    if (!l) return out;
    for (auto& f : *l) {
        Row r;
        r.catalog = f->GetFieldAsString("f_table_catalog");
        r.schema = f->GetFieldAsString("f_table_schema");
        r.table = f->GetFieldAsString("f_table_name");
        r.geometry = f->GetFieldAsString("f_geometry_column");
        r.name = f->GetFieldAsString("styleName");
        r.qml = f->GetFieldAsString("styleQML");
        r.sld = f->GetFieldAsString("styleSLD");
        r.description = f->GetFieldAsString("description");
        r.owner = f->GetFieldAsString("owner");
        r.is_default = f->GetFieldAsInteger("useAsDefault");
        r.ui_null = f->IsFieldNull(f->GetFieldIndex("ui"));
        r.time_set = f->IsFieldSetAndNotNull(f->GetFieldIndex("update_time"));
        out[r.table + "/" + r.name] = r;
    }
    return out;
}

std::string sql_text(GDALDataset& ds, const std::string& sql) {
    OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!r) return "<no result>";
    std::string out;
    if (auto f = OGRFeatureUniquePtr{r->GetNextFeature()}) out = f->GetFieldAsString(0);
    ds.ReleaseResultSet(r);
    return out;
}

template <typename F> std::string io_error(F&& f) {
    try {
        f();
    } catch (const IoError& e) {
        return e.what();
    }
    return "<no IoError>";
}

} // namespace

TEST(LayerStyles, RowsReadBackAsQgisWritesThem) {
    TempDir d;
    const auto path = small_gpkg(d);
    io::write_layer_styles(
        path, {style("pts", "Default"), style("pts", "Other", false), style("tab", "Default")});
    const auto r = rows(path);
    ASSERT_EQ(r.size(), 3u);
    const Row& p = r.at("pts/Default");
    EXPECT_EQ(p.catalog, "");
    EXPECT_EQ(p.schema, ""); // QGIS looks styles up with f_table_schema=''
    EXPECT_EQ(p.geometry, "geom");
    EXPECT_EQ(p.is_default, 1);
    EXPECT_EQ(p.qml, "<qgis version=\"3.22.0\">Default</qgis>");
    EXPECT_EQ(p.description, "about Default");
    EXPECT_EQ(p.owner, "");
    EXPECT_EQ(p.sld, "");
    EXPECT_TRUE(p.ui_null);
    EXPECT_TRUE(p.time_set);
    EXPECT_EQ(r.at("pts/Other").is_default, 0);
    EXPECT_EQ(r.at("tab/Default").geometry, "");
    EXPECT_EQ(r.at("tab/Default").is_default, 1);
}

TEST(LayerStyles, TheTableHasQgisSchemaAndIsAnAttributesTable) {
    TempDir d;
    const auto path = small_gpkg(d);
    io::write_layer_styles(path, {style("pts", "Default")});
    auto ds = test::open_read(path);
    EXPECT_EQ(sql_text(*ds, "SELECT data_type FROM gpkg_contents WHERE table_name = "
                            "'layer_styles'"),
              "attributes");
    // The CREATE TABLE QGIS 3.22 issues through GDAL (checked against a file QGIS saved a
    // style into).
    EXPECT_EQ(sql_text(*ds, "SELECT sql FROM sqlite_master WHERE name = 'layer_styles'"),
              "CREATE TABLE \"layer_styles\" ( \"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
              "\"f_table_catalog\" TEXT(256), \"f_table_schema\" TEXT(256), \"f_table_name\" "
              "TEXT(256), \"f_geometry_column\" TEXT(256), \"styleName\" TEXT(30), \"styleQML\" "
              "TEXT, \"styleSLD\" TEXT, \"useAsDefault\" BOOLEAN, \"description\" TEXT, "
              "\"owner\" TEXT(30), \"ui\" TEXT(30), \"update_time\" DATETIME DEFAULT "
              "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
}

TEST(LayerStyles, ASecondWriteReplacesTheSameNameAndMovesTheDefault) {
    TempDir d;
    const auto path = small_gpkg(d);
    io::write_layer_styles(path, {style("pts", "A"), style("pts", "B", false)});
    auto b = style("pts", "B");
    b.qml = "<qgis>new B</qgis>";
    io::write_layer_styles(path, {b});
    const auto r = rows(path);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.at("pts/A").is_default, 0);
    EXPECT_EQ(r.at("pts/B").is_default, 1);
    EXPECT_EQ(r.at("pts/B").qml, "<qgis>new B</qgis>");
}

TEST(LayerStyles, BadStylesAreRefusedNamingTheFileAndNothingIsWritten) {
    TempDir d;
    const auto path = small_gpkg(d);
    const std::string file = path.string();
    std::string e = io_error([&] { io::write_layer_styles(path, {style("nope", "A")}); });
    EXPECT_NE(e.find(file), std::string::npos) << e;
    EXPECT_NE(e.find("no layer 'nope'"), std::string::npos) << e;
    auto wrong = style("pts", "A");
    wrong.geometry_column = "geometry";
    e = io_error([&] { io::write_layer_styles(path, {wrong}); });
    EXPECT_NE(e.find("geometry column 'geom'"), std::string::npos) << e;
    e = io_error([&] { io::write_layer_styles(path, {style("pts", "A"), style("pts", "B")}); });
    EXPECT_NE(e.find("more than one default"), std::string::npos) << e;
    e = io_error([&] {
        io::write_layer_styles(path, {style("pts", "A", false), style("pts", "A", false)});
    });
    EXPECT_NE(e.find("two layer styles named 'A'"), std::string::npos) << e;
    EXPECT_TRUE(rows(path).empty());
    e = io_error([&] { io::write_layer_styles(d / "missing.gpkg", {style("pts", "A")}); });
    EXPECT_NE(e.find((d / "missing.gpkg").string()), std::string::npos) << e;
}
