#include "engine/manifest_keys.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace vigia::engine;

namespace {
std::string readme() {
    std::ifstream in{std::string{VIGIA_SOURCE_DIR} + "/README.md"};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

TEST(ManifestKeys, TheReadmeKeyReferenceIsTheDeclarations) {
    const std::string text = readme();
    const std::string begin = "<!-- BEGIN manifest keys -->\n", end = "<!-- END manifest keys -->";
    const auto b = text.find(begin), e = text.find(end);
    ASSERT_NE(b, std::string::npos);
    ASSERT_NE(e, std::string::npos);
    const std::string section = text.substr(b + begin.size(), e - b - begin.size());
    EXPECT_EQ(section, manifest_keys_markdown())
        << "README.md's key reference differs from the declarations: replace it with the "
           "output of `vigia keys`";
}

TEST(ManifestKeys, EveryKeyHasHelpAndIsDeclaredOncePerTable) {
    std::set<std::pair<std::string, std::string>> seen;
    for (const KeyDoc& k : manifest_key_docs()) {
        EXPECT_FALSE(k.help.empty()) << k.table << " " << k.key;
        EXPECT_FALSE(k.type.empty()) << k.table << " " << k.key;
        EXPECT_TRUE(seen.insert({k.table, k.key}).second) << k.table << " " << k.key << " twice";
    }
    EXPECT_GT(seen.size(), 60u);
}

TEST(ManifestKeys, TheEchoesRecordTheManifestsParameters) {
    const Manifest m = parse_manifest(R"([analysis]
cell_size_m = 125
neighbourhood_m = 600
[publish]
min_count = 3
[[city]]
name = "X"
boundary = { path = "b.shp" }
incidents = { path = "a.csv", x = "lon", y = "lat", time = ["f", "h"], max_outside_share = 0.3 }
)",
                                      "/m/a.toml");
    std::map<std::string, std::string> echo;
    for (const auto& [k, v] : manifest_echo(m, m.cities[0]))
        echo[k] = v;
    EXPECT_EQ(echo.at("cell_size_m"), "125");
    EXPECT_EQ(echo.at("neighbourhood_m"), "600");
    EXPECT_EQ(echo.at("grid"), "hex");
    EXPECT_EQ(echo.at("publish_min_count"), "3");
    EXPECT_EQ(echo.at("incidents_path"), "/m/a.csv");
    EXPECT_EQ(echo.at("incidents_time"), "f + h");
    EXPECT_EQ(echo.at("max_outside_share"), "0.3");
    EXPECT_EQ(echo.at("fdr"), "Benjamini-Hochberg at 0.10, 0.05, 0.01 (ArcGIS)");
    EXPECT_EQ(echo.count("incidents_sql"), 0u); // not given: not echoed
}
