// The alliance outputs of a batch: one row of metrics per city, in alliance.gpkg and
// alliance.csv; a city that fails is reported and the others still finish.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

TEST(Alliance, AFailingCityIsReportedAndTheOthersFinish) {
    TempDir tmp;
    const std::string manifest = square_500_analysis() +
                                 city("Cuadro", two_squares_boundary(), lonlat_points()) +
                                 city("Rota", two_squares_boundary(),
                                      "{ path = " + toml_path(tmp / "no_such.csv") +
                                          ", x = \"lon\", y = \"lat\", crs = \"EPSG:4326\" }");
    const fs::path m = tmp.write("alliance.toml", manifest);
    const RunResult r = run_vigia({"run", m.string(), "-o", (tmp / "out").string(), "--quiet"});
    EXPECT_EQ(r.exit_code, 1) << r.err; // some city failed
    EXPECT_TRUE(Contains(r.err, "Rota (rota)"));
    EXPECT_TRUE(Contains(r.err, "1 of 2 cities failed: rota"));
    EXPECT_TRUE(Contains(r.out, "alliance: "));
    EXPECT_TRUE(fs::exists(tmp / "out" / "cuadro.gpkg"));
    EXPECT_FALSE(fs::exists(tmp / "out" / "rota.gpkg"));
    auto ds = open_read(tmp / "out" / "alliance.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "cities"), 1);
    EXPECT_EQ(epsg_of(*ds, "cities"), "EPSG:4326");
    // The metrics table agrees with the city's own GeoPackage.
    auto city_ds = open_read(tmp / "out" / "cuadro.gpkg");
    OGRLayer* stats = city_ds->GetLayerByName("city_stats");
    std::map<std::string, double> own;
    for (auto& f : *stats)
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("value")))
            own[f->GetFieldAsString("metric")] = f->GetFieldAsDouble("value");
    OGRLayer* metrics = ds->GetLayerByName("metrics");
    std::size_t compared = 0;
    for (auto& f : *metrics) {
        const std::string name = f->GetFieldAsString("metric");
        if (!own.count(name) || !f->IsFieldSetAndNotNull(f->GetFieldIndex("value"))) continue;
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("value"), own.at(name)) << name;
        EXPECT_STREQ(f->GetFieldAsString("slug"), "cuadro");
        ++compared;
    }
    EXPECT_GE(compared, 20u);
    // The CSV holds the same long table.
    const std::string csv = slurp(tmp / "out" / "alliance.csv");
    EXPECT_TRUE(Contains(csv, "city,slug,category,category_name,metric,value,unit\n"));
    EXPECT_TRUE(Contains(csv, "Cuadro,cuadro,all,all offences,incidents,6,incidents\n"));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

RunResult run_with_map(const TempDir& tmp, const std::string& map_csv) {
    const fs::path map = tmp.write("mapa.csv", map_csv);
    std::string manifest =
        square_500_analysis() + city("Cuadro", two_squares_boundary(), lonlat_points());
    manifest += "categories = " + toml_path(map) + "\n";
    const fs::path m = tmp.write("alliance.toml", manifest);
    return run_vigia({"run", m.string(), "-o", (tmp / "out").string(), "--quiet"});
}

TEST(Categories, LabelsGetTheirIccsCodeAndUnmappedLabelsAreListedWithCounts) {
    TempDir tmp;
    const RunResult r = run_with_map(tmp, "label,iccs,note\nrobo,0401,robbery\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "1 categories (2 incidents) are not in")) << r.out;
    auto ds = open_read(tmp / "out" / "cuadro.gpkg");
    OGRLayer* inc = ds->GetLayerByName("incidents");
    std::size_t robo = 0, lesiones = 0;
    for (auto& f : *inc) {
        if (std::string{f->GetFieldAsString("category")} == "robo") {
            ++robo;
            EXPECT_STREQ(f->GetFieldAsString("iccs"), "0401");
        } else {
            ++lesiones;
            EXPECT_STREQ(f->GetFieldAsString("iccs"), "");
        }
    }
    EXPECT_EQ(lesiones, 2u);
    EXPECT_EQ(robo, 4u);
    OGRLayer* un = ds->GetLayerByName("unmapped_categories");
    ASSERT_NE(un, nullptr);
    ASSERT_EQ(un->GetFeatureCount(), 1);
    auto f = OGRFeatureUniquePtr{un->GetNextFeature()};
    EXPECT_STREQ(f->GetFieldAsString("label"), "lesiones");
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("incidents"), 2);
    EXPECT_EQ(run_info(*ds).at("unmapped_categories"), "1");
}

TEST(Categories, ALabelMappedTwiceIsAnError) {
    TempDir tmp;
    const RunResult r = run_with_map(tmp, "label,iccs\nrobo,0401\nrobo,0502\n");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "label 'robo' is mapped twice"));
    EXPECT_TRUE(LeftNoOutput(tmp / "out"));
}

} // namespace
} // namespace vigia::test::cli
