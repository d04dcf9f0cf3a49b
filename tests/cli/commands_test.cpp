// The command line itself: --version, usage errors (exit 2) and `vigia info`.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace vigia::test::cli {
namespace {

TEST(Version, PrintsTheVersionAndExitsZero) {
    const RunResult r = run_vigia({"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex{R"(^\d+\.\d+\.\d+)"})) << r.out;
    EXPECT_TRUE(Contains(r.out, "GDAL"));
    EXPECT_TRUE(Contains(r.out, "GEOS"));
    EXPECT_TRUE(Contains(r.out, "PROJ"));
}

TEST(Usage, RunWithoutAManifestIsAUsageError) {
    const RunResult r = run_vigia({"run"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "manifest"));
}

TEST(Usage, AnUnknownFlagIsAUsageError) {
    TempDir tmp;
    const fs::path manifest =
        tmp.write("alliance.toml",
                  square_500_analysis() + city("Cuadro", two_squares_boundary(), lonlat_points()));
    const RunResult r =
        run_vigia({"run", manifest.string(), "-o", (tmp / "out").string(), "--frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "--frobnicate"));
    EXPECT_TRUE(LeftNoOutput(tmp / "out"));
}

TEST(Usage, NoSubcommandIsAUsageError) {
    const RunResult r = run_vigia({});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "subcommand"));
}

TEST(Usage, InfoWithoutAFileIsAUsageError) {
    const RunResult r = run_vigia({"info"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, "file"));
}

TEST(Info, DescribesLayersGeometryCrsFeatureCountAndFields) {
    const fs::path file = fixture("two_squares_32614.geojson");
    const RunResult r = run_vigia({"info", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, file.string()));
    EXPECT_TRUE(Contains(r.out, "layer 'two_squares'"));
    EXPECT_TRUE(Contains(r.out, "geometry: Polygon"));
    EXPECT_TRUE(Contains(r.out, "crs: EPSG:32614"));
    EXPECT_TRUE(Contains(r.out, "features: 2"));
    EXPECT_TRUE(Contains(r.out, "fields (2):"));
    EXPECT_TRUE(Contains(r.out, "nombre: String"));
    EXPECT_TRUE(Contains(r.out, "clave: String"));
}

TEST(Info, SaysWhenATableHasNoCrs) {
    const RunResult r = run_vigia({"info", fixture("points_lonlat.csv").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "layer 'points_lonlat'"));
    EXPECT_TRUE(Contains(r.out, "crs: none"));
    EXPECT_TRUE(Contains(r.out, "features: 7"));
    for (const char* field : {"id", "lon", "lat", "fecha", "delito"})
        EXPECT_TRUE(Contains(r.out, std::string{"    "} + field + ": "));
}

TEST(Info, FailsOnAMissingFileNamingIt) {
    TempDir tmp;
    const fs::path missing = tmp / "nowhere.gpkg";
    const RunResult r = run_vigia({"info", missing.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, missing.string()));
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(fs::exists(missing));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {
TEST(InfoTimeSpan, TextDateColumnsShowTheirSpan) {
    const RunResult r = run_vigia({"info", fixture("points_lonlat.csv").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "fecha: String (from 2019-01-15T13:45:00 to 2019-03-10T22:05:00)"))
        << r.out;
    EXPECT_FALSE(Contains(r.out, "delito: String (from")) << r.out;
}
} // namespace
} // namespace vigia::test::cli
