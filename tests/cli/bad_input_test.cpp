// Bad inputs: each gives a clear message on stderr, a documented exit code (1 bad input,
// 2 usage), and leaves nothing in the output folder, not even a hidden partial file.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

class BadInput : public ::testing::Test {
protected:
    // The output folder exists beforehand, so that a leftover partial file would show.
    void SetUp() override { fs::create_directories(out()); }

    RunResult run_manifest(const std::string& text) {
        m_manifest = tmp.write("alliance.toml", text);
        return run_vigia({"run", m_manifest.string(), "-o", out().string(), "--quiet"});
    }
    /// The two-squares boundary with the given incidents table.
    RunResult run_incidents(const std::string& incidents) {
        return run_manifest(square_500_analysis() +
                            city("Cuadro", two_squares_boundary(), incidents));
    }
    /// A CSV written into the temporary folder, as an incidents table with lon/lat columns.
    RunResult run_csv(const std::string& csv_text, const std::string& keys) {
        const fs::path csv = tmp.write("incidentes.csv", csv_text);
        return run_incidents("{ path = " + toml_path(csv) + ", " + keys + " }");
    }
    fs::path out() const { return tmp / "out"; }

    TempDir tmp;
    fs::path m_manifest;
};

TEST_F(BadInput, AMissingIncidentsFileFailsNamingThePath) {
    const fs::path missing = tmp / "no_such_file.csv";
    const RunResult r = run_incidents("{ path = " + toml_path(missing) +
                                      ", x = \"lon\", y = \"lat\", crs = \"EPSG:4326\" }");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, missing.string()));
    EXPECT_TRUE(Contains(r.err, "cannot open"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AMissingBoundaryFileFailsNamingThePath) {
    const fs::path missing = tmp / "no_such_boundary.geojson";
    const RunResult r =
        run_manifest(square_500_analysis() +
                     city("Cuadro", "{ path = " + toml_path(missing) + " }", lonlat_points()));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, missing.string()));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AMissingManifestFileFailsNamingThePath) {
    const fs::path missing = tmp / "no_such_alliance.toml";
    const RunResult r = run_vigia({"run", missing.string(), "-o", out().string(), "--quiet"});
    EXPECT_EQ(r.exit_code, 1) << r.err; // a missing file is bad input, not a usage error
    EXPECT_TRUE(Contains(r.err, missing.string()));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AnIncidentLayerWithoutCrsFailsSuggestingOne) {
    // A CSV carries no CRS, and the manifest gives none.
    const RunResult r = run_incidents("{ path = " + toml_path(fixture("points_lonlat.csv")) +
                                      ", x = \"lon\", y = \"lat\" }");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "points_lonlat.csv"));
    EXPECT_TRUE(Contains(r.err, "has no CRS"));
    EXPECT_TRUE(Contains(r.err, "crs = \"EPSG:4326\""));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, ABoundaryLayerWithoutCrsFailsSuggestingOne) {
    const fs::path boundary =
        tmp.write("limite.csv", "nombre,WKT\n"
                                "Cuadro,\"POLYGON ((480000 2130000,481000 2130000,481000 "
                                "2131000,480000 2131000,480000 2130000))\"\n");
    const RunResult r =
        run_manifest(square_500_analysis() +
                     city("Cuadro", "{ path = " + toml_path(boundary) + " }", lonlat_points()));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "limite.csv"));
    EXPECT_TRUE(Contains(r.err, "has no CRS"));
    EXPECT_TRUE(Contains(r.err, "crs = \"EPSG:4326\""));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, SwappedLongitudeAndLatitudeColumnsAreReported) {
    // The manifest names the latitude column as x and the longitude column as y: read that
    // way, every point has latitude ≈ -99°, which is no place on Earth.
    const RunResult r = run_incidents("{ path = " + toml_path(fixture("points_lonlat.csv")) +
                                      ", x = \"lat\", y = \"lon\", crs = \"EPSG:4326\" }");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "longitude and latitude look swapped"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, SwappedProjectedCoordinateColumnsAreReported) {
    // UTM coordinates whose easting and northing columns are swapped in the manifest.
    const RunResult r = run_csv("id,este,norte\n"
                                "1,480100,2130100\n"
                                "2,480300,2130200\n"
                                "3,480900,2130100\n",
                                "x = \"norte\", y = \"este\", crs = \"EPSG:32614\"");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "longitude and latitude look swapped"));
    EXPECT_TRUE(Contains(r.err, "try x = \"este\", y = \"norte\""));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, ANonNumericCoordinateIsRejectedAndListedWithFieldValueAndRow) {
    const RunResult r = run_csv("id,lon,lat\n"
                                "1,-99.1893747,19.2644542\n"
                                "2,-99.1874725,19.2653599\n"
                                "3,-99.1865229,abc\n"
                                "4,-99.1884303,19.2707814\n",
                                "x = \"lon\", y = \"lat\", crs = \"EPSG:4326\"");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    OGRLayer* rej = ds->GetLayerByName("rejected");
    ASSERT_NE(rej, nullptr);
    ASSERT_EQ(rej->GetFeatureCount(), 1);
    auto f = OGRFeatureUniquePtr{rej->GetNextFeature()};
    EXPECT_EQ(f->GetFieldAsInteger64("source_row"), 3);
    EXPECT_STREQ(f->GetFieldAsString("reason"), "bad_coordinates");
    EXPECT_TRUE(Contains(f->GetFieldAsString("detail"), "lat = 'abc'"));
    EXPECT_TRUE(Contains(f->GetFieldAsString("detail"), "not a number"));
}

TEST_F(BadInput, MostCoordinatesUnreadableFailsNamingFieldReasonRowsAndTheKeyThatHelps) {
    // A Spanish-locale export read with decimal = ".": three of four rows cannot be read.
    const RunResult r = run_csv("id;lon;lat\n"
                                "1;-99,1893747;19,2644542\n"
                                "2;-99,1874725;19,2653599\n"
                                "3;-99,1865229;19,2656\n"
                                "4;-99.1884303;19.2707814\n",
                                "x = \"lon\", y = \"lat\", crs = \"EPSG:4326\", decimal = \".\"");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "incidentes.csv"));
    EXPECT_TRUE(Contains(r.err, "bad_coordinates"));
    EXPECT_TRUE(Contains(r.err, "field 'lon, lat'"));
    EXPECT_TRUE(Contains(r.err, "row 1: lon = '-99,1893747'"));
    EXPECT_TRUE(Contains(r.err, "row 3:"));
    EXPECT_TRUE(Contains(r.err, "decimal = \",\""));
    EXPECT_TRUE(Contains(r.err, "max_rejected_share"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AnEmptyIncidentLayerFailsSayingItHasNoIncidents) {
    const RunResult r =
        run_csv("id,lon,lat,fecha\n", "x = \"lon\", y = \"lat\", crs = \"EPSG:4326\"");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "incidentes.csv"));
    EXPECT_TRUE(Contains(r.err, "has no incidents"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AnUnknownManifestKeyIsAUsageErrorNamingKeyAndLine) {
    const std::string text = square_500_analysis() +
                             "[[city]]\n"
                             "name = \"Cuadro\"\n"
                             "boundary = " +
                             two_squares_boundary() +
                             "\n"
                             "incidents = { path = " +
                             toml_path(fixture("points_lonlat.csv")) +
                             ",\n"
                             "              x = \"lon\", y = \"lat\", crs = \"EPSG:4326\",\n"
                             "              time_field = \"fecha\" }\n";
    const int line = line_of(text, "time_field");
    ASSERT_GT(line, 1);
    const RunResult r = run_manifest(text);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "'time_field'"));
    EXPECT_TRUE(Contains(r.err, m_manifest.string() + ":" + std::to_string(line) + ":"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(BadInput, AnUnknownAnalysisKeyIsAUsageErrorNamingKeyAndLine) {
    const std::string text =
        "# a misspelt cell size\n[analysis]\ngrid = \"square\"\ncel_size_m = 500\n\n" +
        city("Cuadro", two_squares_boundary(), lonlat_points());
    const RunResult r = run_manifest(text);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "'cel_size_m'"));
    EXPECT_TRUE(Contains(r.err, m_manifest.string() + ":4:"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

} // namespace
} // namespace vigia::test::cli
