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
