// End-to-end: facility coverage and population on a hand-worked city (the two-squares
// fixture, 1 km x 1 km in EPSG:32614), and the messages for bad coverage inputs.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

constexpr double kX0 = 480000, kY0 = 2130000;

class CoverageRun : public ::testing::Test {
protected:
    void SetUp() override {
        // Four incidents at known distances from one facility at (250, 250): 212.1 m, exactly
        // 300 m (on the radius: covered), 636.4 m and 660.3 m.
        m_points = tmp.write("incidentes.csv", "x,y\n" + xy(100, 100) + "\n" + xy(250, 550) + "\n" +
                                                   xy(700, 700) + "\n" + xy(900, 100) + "\n");
        m_facilities = tmp.write(
            "postes.geojson",
            geojson(
                R"({"type":"Feature","properties":{"nombre":"Poste 1","tipo":"A"},"geometry":{"type":"Point","coordinates":)" +
                coord(250, 250) + "}}"));
        m_population = tmp.write(
            "manzanas.geojson",
            geojson(
                R"({"type":"Feature","properties":{"pob":1000,"texto":"mil"},"geometry":{"type":"Polygon","coordinates":[[)" +
                coord(0, 0) + "," + coord(1000, 0) + "," + coord(1000, 1000) + "," +
                coord(0, 1000) + "," + coord(0, 0) + "]]}}"));
    }
    static std::string xy(double x, double y) {
        return std::to_string(kX0 + x) + "," + std::to_string(kY0 + y);
    }
    static std::string coord(double x, double y) { return "[" + xy(x, y) + "]"; }
    static std::string geojson(const std::string& features) {
        return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32614"}},"features":[)" +
               features + "]}";
    }

    RunResult run(const std::string& facilities, const std::string& population) {
        std::string m = square_500_analysis() +
                        "[[city]]\nname = \"Cuadro\"\nboundary = " + two_squares_boundary() +
                        "\nincidents = { path = " + toml_path(m_points) +
                        ", x = \"x\", y = \"y\", crs = \"EPSG:32614\" }\n" + population + "\n" +
                        facilities;
        const fs::path manifest = tmp.write("alliance.toml", m);
        return run_vigia({"run", manifest.string(), "-o", out().string(), "--quiet"});
    }
    std::string facility(const std::string& extra) const {
        return "[[city.facilities]]\nkind = \"police\"\npath = " + toml_path(m_facilities) +
               "\nname_field = \"nombre\"\n" + extra + "\n";
    }
    std::string population(const std::string& field = "pob") const {
        return "population = { path = " + toml_path(m_population) + ", field = \"" + field + "\" }";
    }
    fs::path out() const { return tmp / "out"; }

    TempDir tmp;
    fs::path m_points, m_facilities, m_population;
};

TEST_F(CoverageRun, SharesDistancesLoadsAndPopulationMatchTheHandWorkedCase) {
    const RunResult r = run(facility("radius_m = 300"), population());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    OGRLayer* cov = ds->GetLayerByName("coverage");
    ASSERT_NE(cov, nullptr);
    auto row = OGRFeatureUniquePtr{cov->GetNextFeature()};
    EXPECT_STREQ(row->GetFieldAsString("kind"), "police");
    EXPECT_DOUBLE_EQ(row->GetFieldAsDouble("incident_share"), 0.5); // 212 m and exactly 300 m
    const double d1 = std::hypot(150, 150), d3 = std::hypot(450, 450), d4 = std::hypot(650, 150);
    EXPECT_NEAR(row->GetFieldAsDouble("dist_mean_m"), (d1 + 300 + d3 + d4) / 4, 1e-6);
    EXPECT_NEAR(row->GetFieldAsDouble("dist_median_m"), (300 + d3) / 2, 1e-6);
    // The disc of 300 m around (250, 250) loses two segments beyond x = 0 and y = 0:
    // π r² − 2 (r² acos(250/300) − 250 √(300² − 250²)) = 260,235 m² of the 1 km² square.
    const double seg = 90000 * std::acos(250.0 / 300) - 250 * std::sqrt(90000.0 - 62500);
    const double inside = M_PI * 90000 - 2 * seg;
    EXPECT_NEAR(row->GetFieldAsDouble("service_area_km2"), inside * 1e-6, 2e-3 * inside * 1e-6);
    EXPECT_NEAR(row->GetFieldAsDouble("population_share"), inside / 1e6, 2e-3);
    // Incidents carry their distance; the facility its load; cells and units their residents.
    const auto dist = by_cell(*ds, "count"); // every cell exists
    EXPECT_EQ(dist.size(), 4u);
    EXPECT_NEAR(sum_field(*ds, "incidents", "dist_police"), d1 + 300 + d3 + d4, 1e-6);
    EXPECT_DOUBLE_EQ(sum_field(*ds, "facilities_police", "incidents"), 2);
    EXPECT_NEAR(sum_field(*ds, "grid", "population"), 1000, 1e-6);
    EXPECT_NEAR(sum_field(*ds, "units", "population"), 1000, 1e-6);
    const auto rate = by_cell(*ds, "rate_100k");
    EXPECT_NEAR(rate.at(kSouthWest), 1.0 / 250 * 1e5, 1e-6); // 1 incident, 250 residents
    // Empirical Bayes: one incident and 250 residents in every cell, so no extra variation
    // (a = 0) and every cell gets the city's rate, 4/1000 (the formula itself is checked
    // against spdep in tests/unit/analysis/rates_test.cpp).
    const auto eb = by_cell(*ds, "rate_100k_eb");
    EXPECT_NEAR(eb.at(kSouthWest), 400, 1e-9);
    EXPECT_NEAR(eb.at(kNorthEast), 400, 1e-9);
    EXPECT_EQ(feature_count(*ds, "coverage_police"), 1);
    EXPECT_TRUE(has(field_names(*ds, "units"), "police_dist_median"));
}

TEST_F(CoverageRun, SuggestsTheSiteThatCoversTheMostUncoveredIncidents) {
    const RunResult r = run(facility("radius_m = 300\nsuggest = 1"), "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    OGRLayer* s = ds->GetLayerByName("suggested_police");
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->GetFeatureCount(), 1);
    auto f = OGRFeatureUniquePtr{s->GetNextFeature()};
    // Two uncovered incidents, in the two eastern cells' centres' reach (500 m apart): a site
    // reaches one of them; the gain is 1 and coverage rises to 3 of 4.
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("gain"), 1);
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("coverage_share"), 0.75);
}

TEST_F(CoverageRun, AMissingRadiusIsAManifestError) {
    const RunResult r = run(facility(""), "");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "missing required key 'radius_m'"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(CoverageRun, ANonPositiveRadiusIsAManifestError) {
    const RunResult r = run(facility("radius_m = 0"), "");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "radius_m = 0 must be greater than 0"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(CoverageRun, AFacilityLayerWithNoFeaturesIsAnError) {
    const RunResult r = run(facility("radius_m = 300\nwhere = \"tipo = 'Z'\""), "");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "facilities 'police'"));
    EXPECT_TRUE(Contains(r.err, "has no features"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(CoverageRun, AMissingOrNonNumericPopulationFieldIsAnError) {
    RunResult r = run("", population("habitantes"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "no field 'habitantes'"));
    EXPECT_TRUE(LeftNoOutput(out()));
    r = run("", population("texto"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "field 'texto' = 'mil' is not a number"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

TEST_F(CoverageRun, SuggestionsCanComeFromACandidatesLayer) {
    // Two candidate sites: one reaches the incident at (700, 700), the other reaches nothing.
    const fs::path cands = tmp.write(
        "sitios.geojson",
        geojson(
            R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":)" +
            coord(2000, 2000) +
            R"(}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":)" +
            coord(750, 750) + "}}"));
    const RunResult r =
        run(facility("radius_m = 300\nsuggest = 2\ncandidates = " + toml_path(cands)), "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    OGRLayer* s = ds->GetLayerByName("suggested_police");
    ASSERT_EQ(s->GetFeatureCount(), 1); // the far candidate gains nothing and is not proposed
    auto f = OGRFeatureUniquePtr{s->GetNextFeature()};
    EXPECT_NEAR(f->GetGeometryRef()->toPoint()->getX(), kX0 + 750, 1e-6);
    EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("gain"), 1);
}

TEST_F(CoverageRun, OverlappingPopulationPolygonsAreReported) {
    m_population = tmp.write(
        "manzanas.geojson",
        geojson(
            R"({"type":"Feature","properties":{"pob":100},"geometry":{"type":"Polygon","coordinates":[[)" +
            coord(0, 0) + "," + coord(600, 0) + "," + coord(600, 1000) + "," + coord(0, 1000) +
            "," + coord(0, 0) +
            R"(]]}},{"type":"Feature","properties":{"pob":100},"geometry":{"type":"Polygon","coordinates":[[)" +
            coord(400, 0) + "," + coord(900, 0) + "," + coord(900, 1000) + "," + coord(400, 1000) +
            "," + coord(400, 0) + "]]}}"));
    const RunResult r = run("", population());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "population polygons overlap over 0.20 km2"));
    EXPECT_TRUE(Contains(r.out, "leave 0.10 km2 of the city uncovered"));
    auto ds = open_read(out() / "cuadro.gpkg");
    EXPECT_NEAR(sum_field(*ds, "grid", "population"), 200, 1e-6);
    const auto info = run_info(*ds);
    EXPECT_NEAR(std::stod(info.at("population_overlap_km2")), 0.2, 1e-9);
    EXPECT_NEAR(std::stod(info.at("population_gap_km2")), 0.1, 1e-9);
}

} // namespace
} // namespace vigia::test::cli
