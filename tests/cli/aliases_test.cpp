// Every field of every layer of real outputs — the demo's and the three-city batch's, read
// back with GDAL — has an alias other than its name in every language, and every layer a
// title (issue 11: these tests iterate what was written, not a hand-kept list).

#include "engine/labels.hpp"
#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

/// Vigía's layers of a GeoPackage: all but QGIS's own layer_styles table.
std::vector<std::string> vigia_layers(GDALDataset& ds) {
    std::vector<std::string> out;
    for (const std::string& l : layer_names(ds))
        if (l != "layer_styles") out.push_back(l);
    return out;
}

std::vector<fs::path> geopackages(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".gpkg") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

class WrittenOutputs : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_demo = std::make_unique<SharedRun>(shared_run("demo", {"demo"}));
        s_three = std::make_unique<SharedRun>(
            shared_run("three_cities", {"run", fixture("three_cities/alliance.toml").string()}));
    }
    static void TearDownTestSuite() {
        s_demo.reset();
        s_three.reset();
    }
    static std::vector<fs::path> files() {
        auto a = geopackages(s_demo->out), b = geopackages(s_three->out);
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }
    static inline std::unique_ptr<SharedRun> s_demo, s_three;
};

TEST_F(WrittenOutputs, EveryFieldHasAnAliasOtherThanItsNameInEveryLanguage) {
    const auto paths = files();
    ASSERT_GE(paths.size(), 6u);
    std::size_t fields = 0;
    for (const fs::path& p : paths) {
        auto ds = open_read(p);
        ASSERT_TRUE(ds) << p;
        for (const std::string& layer : vigia_layers(*ds))
            for (const std::string& field : field_names(*ds, layer)) {
                ++fields;
                for (engine::Language l : engine::all_languages()) {
                    const std::string alias = engine::field_alias(l, layer, field);
                    EXPECT_FALSE(alias.empty() || alias == field)
                        << p.filename() << " " << layer << "." << field << " has no alias in "
                        << engine::to_string(l);
                }
            }
    }
    EXPECT_GT(fields, 500u);
}

TEST_F(WrittenOutputs, EveryLayerHasATitleAndEveryFieldItsAliasInTheFile) {
    for (const fs::path& p : files()) {
        auto ds = open_read(p);
        ASSERT_TRUE(ds) << p;
        std::map<std::string, std::string> title;
        OGRLayer* c =
            ds->ExecuteSQL("SELECT table_name, identifier FROM gpkg_contents", nullptr, nullptr);
        ASSERT_NE(c, nullptr);
        for (auto& f : *c)
            title[f->GetFieldAsString(0)] = f->GetFieldAsString(1);
        ds->ReleaseResultSet(c);
        std::set<std::pair<std::string, std::string>> aliased;
        OGRLayer* dc = ds->ExecuteSQL("SELECT table_name, column_name, title FROM "
                                      "gpkg_data_columns",
                                      nullptr, nullptr);
        ASSERT_NE(dc, nullptr) << p << " has no gpkg_data_columns";
        for (auto& f : *dc)
            if (std::string{f->GetFieldAsString(2)} != f->GetFieldAsString(1))
                aliased.insert({f->GetFieldAsString(0), f->GetFieldAsString(1)});
        ds->ReleaseResultSet(dc);
        for (const std::string& layer : vigia_layers(*ds)) {
            EXPECT_TRUE(title.count(layer) && !title[layer].empty() && title[layer] != layer)
                << p.filename() << " " << layer << " has no title";
            for (const std::string& field : field_names(*ds, layer))
                EXPECT_TRUE(aliased.count({layer, field}))
                    << p.filename() << " " << layer << "." << field
                    << " has no alias in gpkg_data_columns";
        }
    }
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

/// gpkg_contents: table → (identifier, description).
std::map<std::string, std::pair<std::string, std::string>> contents(GDALDataset& ds) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    OGRLayer* c = ds.ExecuteSQL("SELECT table_name, identifier, description FROM gpkg_contents",
                                nullptr, nullptr);
    for (auto& f : *c)
        out[f->GetFieldAsString(0)] = {f->GetFieldAsString(1), f->GetFieldAsString(2)};
    ds.ReleaseResultSet(c);
    return out;
}

TEST(TranslatedOutputs, TitlesAndDescriptionsOfLayersAndMetricsFollowTheLanguage) {
    TempDir tmp;
    const std::string manifest = square_500_analysis("language = \"es\"\npermutations = 0\n") +
                                 city("Cuadro", two_squares_boundary(), lonlat_points());
    const RunResult r = run_vigia(
        {"run", tmp.write("m.toml", manifest).string(), "-o", (tmp / "out").string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    const auto c = contents(*ds);
    EXPECT_EQ(c.at("grid").first, "Cuadro: celdas de la cuadrícula");
    EXPECT_EQ(c.at("grid").second, "Celdas cuadradas de 500 m sobre Cuadro: incidentes por celda");
    EXPECT_EQ(c.at("run_info").first, "Cuadro: información de la ejecución");
    EXPECT_EQ(c.at("boundary").second, "Límite de Cuadro (unión de la capa de límites)");
    // Every layer's title and description is the Spanish text, never the English one.
    for (const auto& [layer, td] : c) {
        if (layer == "layer_styles") continue;
        EXPECT_EQ(td.first, engine::layer_title(engine::Language::es, layer, "Cuadro")) << layer;
        EXPECT_NE(td.first, engine::layer_title(engine::Language::en, layer, "Cuadro")) << layer;
        EXPECT_FALSE(td.second.empty()) << layer;
    }
    // city_stats: the descriptions and the category name are Spanish too.
    std::map<std::string, std::string> description;
    for (auto& f : *ds->GetLayerByName("city_stats")) {
        description[f->GetFieldAsString("metric")] = f->GetFieldAsString("description");
        EXPECT_STREQ(f->GetFieldAsString("category_name"), "todos los delitos");
    }
    EXPECT_EQ(description.at("area_km2"), "área del límite");
    EXPECT_EQ(description.at("incidents"), "incidentes contados en la cuadrícula");
    auto alliance = open_read(tmp / "out" / "alliance.gpkg");
    ASSERT_TRUE(alliance);
    EXPECT_EQ(contents(*alliance).at("metrics").first, "Alianza: indicadores comparables");
}

} // namespace
} // namespace vigia::test::cli
