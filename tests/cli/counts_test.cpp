// `vigia run` on incidents published as counts per area: counts_by_unit.csv joined to the two
// sub-units of two_squares_32614.geojson by their key field "clave".
//
// counts_by_unit.csv (row: clave, total, delito, anio, mes):
//   1: W-1, 6, robo,     2019, 1
//   2: W-1, 4, lesiones, 2019, 2
//   3: E-1, 3, robo,     2019, 1
//   4: E-1, 1, robo,     2019, 3
//   5: Z-9, 7, robo,     2019, 1   ← no sub-unit has this key
// So: Oeste 10, Este 4, unknown 7, 21 in all. Oeste covers the two west cells and Este the two
// east cells half each, so areal weighting gives 5 to each west cell and 2 to each east cell.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

class CountsPerArea : public ::testing::Test {
protected:
    RunResult run(const std::string& extra_analysis = "", const std::string& extra_counts = "") {
        const std::string incidents = "{ counts = " + toml_path(fixture("counts_by_unit.csv")) +
                                      ", key = \"clave\", unit_key = \"clave\", count = \"total\", "
                                      "category = \"delito\", year = \"anio\", month = \"mes\"" +
                                      extra_counts + " }";
        const fs::path manifest =
            tmp.write("alliance.toml", square_500_analysis(extra_analysis) +
                                           city("Conteos", two_squares_boundary(), incidents));
        return run_vigia({"run", manifest.string(), "-o", out().string(), "--quiet"});
    }
    fs::path out() const { return tmp / "out"; }
    fs::path gpkg() const { return out() / "conteos.gpkg"; }

    TempDir tmp;
};

TEST_F(CountsPerArea, JoinsCountsToSubUnitsByKeyAndSpreadsThemOverCellsByArea) {
    const RunResult r = run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entries(out()),
              (std::vector<std::string>{"alliance.csv", "alliance.gpkg", "alliance.png",
                                        "alliance_report.html", "conteos.gpkg", "conteos.png",
                                        "conteos_report.html"}));
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    const auto layers = layer_names(*ds);
    EXPECT_TRUE(has(layers, "unit_counts")) << joined(layers);
    EXPECT_FALSE(has(layers, "incidents")) << joined(layers);

    EXPECT_EQ(by_name(*ds, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 10}, {"Este", 4}}));
    EXPECT_EQ(by_name(*ds, "unit_counts", "unit", "count"),
              (std::map<std::string, double>{{"Oeste", 10}, {"Este", 4}}));
    EXPECT_EQ(feature_count(*ds, "unit_counts"), 4);

    const auto cells = by_cell(*ds, "count");
    ASSERT_EQ(cells.size(), 4u);
    EXPECT_NEAR(cells.at(kSouthWest), 5, 1e-9);
    EXPECT_NEAR(cells.at(kNorthWest), 5, 1e-9);
    EXPECT_NEAR(cells.at(kSouthEast), 2, 1e-9);
    EXPECT_NEAR(cells.at(kNorthEast), 2, 1e-9);

    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("input_form"), "counts per area");
    EXPECT_EQ(info.at("records"), "21");
    EXPECT_NEAR(info_number(info, "accepted"), 14, 1e-9);
    EXPECT_NEAR(info_number(info, "accepted") + rejected_total(info), 21, 1e-9);
}

TEST_F(CountsPerArea, RejectsTheCountOfAnUnknownKeyAndWarnsNamingIt) {
    const RunResult r = run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "warning:"));
    EXPECT_TRUE(Contains(r.out, "'Z-9' (7)"));
    EXPECT_TRUE(Contains(r.out, "unknown_unit: 7"));
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("rejected_unknown_unit"), "7");
    EXPECT_EQ(info.at("unknown_keys"), "1");
    EXPECT_TRUE(Contains(info.at("warning_1"), "'Z-9'"));
    OGRLayer* rejected = ds->GetLayerByName("rejected");
    ASSERT_TRUE(rejected);
    ASSERT_EQ(rejected->GetFeatureCount(TRUE), 1);
    OGRFeatureUniquePtr f{rejected->GetNextFeature()};
    ASSERT_TRUE(f);
    EXPECT_EQ(f->GetFieldAsInteger64("source_row"), 5);
    EXPECT_STREQ(f->GetFieldAsString("reason"), "unknown_unit");
    EXPECT_TRUE(Contains(f->GetFieldAsString("detail"), "Z-9"));
}

TEST_F(CountsPerArea, RejectsMonthsOutsideThePeriodAsOutsidePeriod) {
    const RunResult r = run("period = { start = \"2019-01-01\", end = \"2019-02-28\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("records"), "21");
    EXPECT_EQ(info.at("rejected_outside_period"), "1"); // row 4: E-1, March, 1 incident
    EXPECT_EQ(info.at("rejected_unknown_unit"), "7");
    EXPECT_NEAR(info_number(info, "accepted"), 13, 1e-9);
    EXPECT_EQ(by_name(*ds, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 10}, {"Este", 3}}));
}

TEST_F(CountsPerArea, CountsTheIncidentsOfFilteredRowsAsFiltered) {
    const RunResult r = run("", ", where = \"delito = 'robo'\"");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("records"), "21");
    EXPECT_EQ(info.at("rejected_filtered"), "4"); // row 2: W-1, lesiones, 4 incidents
    EXPECT_NEAR(info_number(info, "accepted"), 10, 1e-9);
    EXPECT_EQ(by_name(*ds, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 6}, {"Este", 4}}));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

TEST_F(CountsPerArea, AKeyNamingSeveralPolygonsSharesItsCountsByArea) {
    // Two polygons keyed "K1": a 1000 x 600 m part and a 1000 x 400 m part; 10 incidents.
    const fs::path boundary = tmp.write(
        "partes.geojson",
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32614"}},"features":[)"
        R"({"type":"Feature","properties":{"clave":"K1"},"geometry":{"type":"Polygon","coordinates":[[[480000,2130000],[481000,2130000],[481000,2130600],[480000,2130600],[480000,2130000]]]}},)"
        R"({"type":"Feature","properties":{"clave":"K1"},"geometry":{"type":"Polygon","coordinates":[[[480000,2130600],[481000,2130600],[481000,2131000],[480000,2131000],[480000,2130600]]]}}]})");
    const fs::path counts = tmp.write("conteos.csv", "clave,total\nK1,10\n");
    const fs::path manifest = tmp.write(
        "alliance.toml",
        square_500_analysis() +
            city("Partes", "{ path = " + toml_path(boundary) + ", name_field = \"clave\" }",
                 "{ counts = " + toml_path(counts) +
                     ", key = \"clave\", unit_key = \"clave\", count = \"total\" }"));
    const RunResult r = run_vigia({"run", manifest.string(), "-o", out().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "keys name several sub-unit polygons (e.g. 'K1', 2 polygons)"));
    auto ds = open_read(out() / "partes.gpkg");
    std::vector<double> counts_by_unit;
    OGRLayer* units = ds->GetLayerByName("units");
    for (auto& f : *units)
        counts_by_unit.push_back(f->GetFieldAsDouble("count"));
    ASSERT_EQ(counts_by_unit.size(), 2u);
    EXPECT_NEAR(counts_by_unit[0], 6, 1e-9);
    EXPECT_NEAR(counts_by_unit[1], 4, 1e-9);
}

} // namespace
} // namespace vigia::test::cli
