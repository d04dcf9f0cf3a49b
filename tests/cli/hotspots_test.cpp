// End-to-end: the hot-spot outputs of a run (fields on grid and units, hotspots, kde_areas,
// city_stats, the KDE raster) read back with GDAL, on a generated city with one planted cluster.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vigia::test::cli {
namespace {

constexpr double kX0 = 480000, kY0 = 2130000; // EPSG:32614, a 3 km square
constexpr double kClusterX = kX0 + 2200, kClusterY = kY0 + 900;

/// The city: a 3 km square in four sub-units, 600 uniform incidents and 120 planted within
/// ~100 m of (kClusterX, kClusterY), in projected coordinates, with dates over one year.
class Hotspots : public ::testing::Test {
protected:
    void SetUp() override {
        std::string b =
            R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32614"}},"features":[)";
        for (int q = 0; q < 4; ++q) {
            const double x = kX0 + (q % 2) * 1500, y = kY0 + (q / 2) * 1500;
            b += (q ? "," : "") + fmt_square(x, y, 1500, "Q" + std::to_string(q + 1));
        }
        b += "]}";
        m_boundary = tmp.write("barrios.geojson", b);
        std::mt19937_64 rng{99};
        std::uniform_real_distribution<double> u{1, 2999};
        std::normal_distribution<double> nd{0, 60};
        std::string csv = "x,y,fecha,delito\n";
        for (int i = 0; i < 600; ++i)
            csv += std::to_string(kX0 + u(rng)) + "," + std::to_string(kY0 + u(rng)) + "," +
                   std::to_string(1 + i % 28) + "/" + std::to_string(1 + i % 12) + "/2019,robo\n";
        for (int i = 0; i < 120; ++i)
            csv += std::to_string(kClusterX + nd(rng)) + "," + std::to_string(kClusterY + nd(rng)) +
                   ",15/06/2019,robo\n";
        m_points = tmp.write("incidentes.csv", csv);
    }

    static std::string fmt_square(double x, double y, double s, const std::string& name) {
        auto p = [](double a, double b) {
            return "[" + std::to_string(a) + "," + std::to_string(b) + "]";
        };
        return R"({"type":"Feature","properties":{"nombre":")" + name +
               R"("},"geometry":{"type":"Polygon","coordinates":[[)" + p(x, y) + "," + p(x + s, y) +
               "," + p(x + s, y + s) + "," + p(x, y + s) + "," + p(x, y) + "]]}}";
    }

    RunResult run(const std::string& analysis_extra, const fs::path& out,
                  const std::string& where = "", const std::vector<std::string>& flags = {}) {
        const std::string manifest =
            "[analysis]\ngrid = \"hex\"\ncell_size_m = 250\n" + analysis_extra + "\n" +
            city("Ciudad Prueba",
                 "{ path = " + toml_path(m_boundary) + ", name_field = \"nombre\" }",
                 "{ path = " + toml_path(m_points) +
                     ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"fecha\", category = "
                     "\"delito\"" +
                     where + " }",
                 "prueba");
        const fs::path m = tmp.write("alliance.toml", manifest);
        std::vector<std::string> args{"run",        m.string(), "-o",
                                      out.string(), "--quiet",  "--overwrite"};
        args.insert(args.end(), flags.begin(), flags.end());
        return run_vigia(args);
    }

    static std::vector<double> field(GDALDataset& ds, const std::string& layer,
                                     const std::string& name, double null_value = -999) {
        std::vector<double> out;
        OGRLayer* l = ds.GetLayerByName(layer.c_str());
        l->ResetReading();
        for (auto& f : *l) {
            const int i = f->GetFieldIndex(name.c_str());
            out.push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : null_value);
        }
        return out;
    }

    static std::map<std::string, double> stats(GDALDataset& ds) {
        std::map<std::string, double> out;
        OGRLayer* l = ds.GetLayerByName("city_stats");
        l->ResetReading();
        for (auto& f : *l)
            out[f->GetFieldAsString("metric")] = f->IsFieldSetAndNotNull(f->GetFieldIndex("value"))
                                                     ? f->GetFieldAsDouble("value")
                                                     : NAN;
        return out;
    }

    TempDir tmp;
    fs::path m_boundary, m_points;
};

TEST_F(Hotspots, GridAndUnitsCarryTheLocalStatistics) {
    const RunResult r = run("", tmp / "out");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    for (const char* layer : {"grid", "units"})
        for (const char* f : {"gi_z", "gi_p", "gi_p_sim", "gi_class", "lisa_i", "lisa_z",
                              "lisa_p_sim", "lisa_cluster"})
            EXPECT_TRUE(has(field_names(*ds, layer), f)) << layer << "." << f;
    // The planted cluster's cell is a 99 % hot spot with a small pseudo p.
    OGRLayer* grid = ds->GetLayerByName("grid");
    OGRPoint at{kClusterX, kClusterY};
    grid->SetSpatialFilter(&at);
    auto f = OGRFeatureUniquePtr{grid->GetNextFeature()};
    ASSERT_TRUE(f);
    EXPECT_EQ(f->GetFieldAsInteger("gi_class"), 3);
    EXPECT_GT(f->GetFieldAsDouble("gi_z"), 3);
    EXPECT_LE(f->GetFieldAsDouble("gi_p_sim"), 0.01);
    EXPECT_STREQ(f->GetFieldAsString("lisa_cluster"), "HH");
    grid->SetSpatialFilter(nullptr);
    for (double c : field(*ds, "grid", "gi_class")) {
        EXPECT_GE(c, -3);
        EXPECT_LE(c, 3);
    }
}

TEST_F(Hotspots, HotspotAreasKdeAndCityStatsAreWritten) {
    const RunResult r = run("", tmp / "out");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    // The largest hot area holds the planted cluster and most of its incidents.
    OGRLayer* hot = ds->GetLayerByName("hotspots");
    ASSERT_NE(hot, nullptr);
    ASSERT_GE(hot->GetFeatureCount(), 1);
    auto first = OGRFeatureUniquePtr{hot->GetNextFeature()};
    OGRPoint at{kClusterX, kClusterY};
    EXPECT_TRUE(first->GetGeometryRef()->Intersects(&at));
    EXPECT_GE(first->GetFieldAsDouble("count"), 100);
    EXPECT_NEAR(first->GetFieldAsDouble("share"), first->GetFieldAsDouble("count") / 720.0, 1e-9);
    // kde_areas: 50 % ⊂ 75 % ⊂ 90 %, growing areas.
    OGRLayer* kde = ds->GetLayerByName("kde_areas");
    ASSERT_NE(kde, nullptr);
    EXPECT_EQ(kde->GetFeatureCount(), 3);
    const auto area = field(*ds, "kde_areas", "area_km2");
    EXPECT_LT(area[0], area[1]);
    EXPECT_LT(area[1], area[2]);
    // city_stats: the totals and statistics a comparison needs.
    const auto s = stats(*ds);
    EXPECT_DOUBLE_EQ(s.at("incidents"), 720);
    EXPECT_NEAR(s.at("area_km2"), 9.0, 1e-9);
    EXPECT_GT(s.at("moran_i_z"), 3);
    EXPECT_LT(s.at("nni_r"), 1); // clustered
    EXPECT_GT(s.at("gini"), 0);
    EXPECT_GE(s.at("hot_cells"), 1);
    EXPECT_DOUBLE_EQ(s.at("hotspot_areas"), static_cast<double>(hot->GetFeatureCount()));
    EXPECT_DOUBLE_EQ(s.at("kde_bandwidth_m"), 500);
    EXPECT_GT(s.at("data_scale_m"), 0);
    // The raster beside the GeoPackage, in the city's CRS, per km² and per km² per year.
    GDALDatasetUniquePtr tif{
        GDALDataset::Open((tmp / "out" / "prueba_kde.tif").c_str(), GDAL_OF_RASTER)};
    ASSERT_TRUE(tif);
    EXPECT_EQ(tif->GetRasterCount(), 2);
    EXPECT_STREQ(tif->GetSpatialRef()->GetAuthorityCode(nullptr), "32614");
    EXPECT_EQ(tif->GetRasterXSize(), 60); // 3 km at 50 m
    double minmax[2];
    tif->GetRasterBand(1)->ComputeRasterMinMax(FALSE, minmax);
    EXPECT_GT(minmax[1], 100); // 120 incidents within ~100 m: well over 100 per km²
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("permutations"), "999");
    EXPECT_EQ(info.at("seed"), "12345");
    EXPECT_EQ(info.at("kde_raster"), "prueba_kde.tif");
    // The same parameters in the GeoPackage's metadata, and titles QGIS shows.
    ASSERT_NE(ds->GetMetadataItem("vigia_seed"), nullptr);
    EXPECT_STREQ(ds->GetMetadataItem("vigia_seed"), "12345");
    OGRLayer* titles = ds->ExecuteSQL(
        "SELECT identifier FROM gpkg_contents WHERE table_name = 'grid'", nullptr, nullptr);
    ASSERT_NE(titles, nullptr);
    auto t = OGRFeatureUniquePtr{titles->GetNextFeature()};
    EXPECT_STREQ(t->GetFieldAsString(0), "Ciudad Prueba: grid cells");
    ds->ReleaseResultSet(titles);
}

TEST_F(Hotspots, TheSameSeedGivesTheSameAnswerAndAnotherSeedAnother) {
    ASSERT_EQ(run("seed = 7", tmp / "a").exit_code, 0);
    ASSERT_EQ(run("seed = 7", tmp / "b").exit_code, 0);
    ASSERT_EQ(run("seed = 8", tmp / "c").exit_code, 0);
    auto a = open_read(tmp / "a" / "prueba.gpkg");
    auto b = open_read(tmp / "b" / "prueba.gpkg");
    auto c = open_read(tmp / "c" / "prueba.gpkg");
    EXPECT_EQ(field(*a, "grid", "gi_p_sim"), field(*b, "grid", "gi_p_sim"));
    EXPECT_EQ(field(*a, "units", "lisa_p_sim"), field(*b, "units", "lisa_p_sim"));
    EXPECT_NE(field(*a, "grid", "gi_p_sim"), field(*c, "grid", "gi_p_sim"));
    EXPECT_EQ(run_info(*a).at("seed"), "7");
}

TEST_F(Hotspots, ZeroPermutationsLeavesPseudoPEmpty) {
    ASSERT_EQ(run("permutations = 0", tmp / "out").exit_code, 0);
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    for (double p : field(*ds, "grid", "gi_p_sim"))
        EXPECT_EQ(p, -999); // NULL
    EXPECT_EQ(run_info(*ds).at("lisa_cluster_p"), "analytic p <= 0.05");
}

TEST_F(Hotspots, ARunThatCountsNoIncidentFailsNamingTheFilterAndWritesNothing) {
    // A where that keeps nothing: an all-zero grid would be a run that counts nothing.
    const RunResult r = run("", tmp / "out", ", where = \"delito = 'nada'\"");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "no incident is counted"));
    EXPECT_TRUE(Contains(r.err, "filtered"));
    EXPECT_TRUE(Contains(r.err, "delito = 'nada'"));
    EXPECT_FALSE(fs::exists(tmp / "out" / "prueba.gpkg"));
}

TEST_F(Hotspots, ABandwidthBelowThePixelIsAManifestError) {
    const RunResult r = run("kde = { bandwidth_m = 10 }", tmp / "out");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "bandwidth_m = 10 is smaller than its pixel_m = 50"));
    EXPECT_TRUE(LeftNoOutput(tmp / "out"));
}

TEST_F(Hotspots, AFixedNeighbourhoodInMetresReplacesTheFirstRing) {
    ASSERT_EQ(run("neighbourhood_m = 600", tmp / "out").exit_code, 0);
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("neighbourhood_m"), "600");
    EXPECT_TRUE(Contains(info.at("gi_weights_grid"), "distance band 600 m + self"));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {
TEST_F(Hotspots, TheCommandLineOverridesNeighbourhoodPermutationsAndSeed) {
    ASSERT_EQ(run("", tmp / "out", "",
                  {"--neighbourhood-m", "400", "--permutations", "99", "--seed", "3"})
                  .exit_code,
              0);
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("neighbourhood_m"), "400");
    EXPECT_EQ(info.at("permutations"), "99");
    EXPECT_EQ(info.at("seed"), "3");
    for (double p : field(*ds, "grid", "gi_p_sim"))
        EXPECT_GE(p, 0.01); // 1/(99 + 1) at least
}
} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {
TEST_F(Hotspots, ASingleIncidentGivesDefinedStatisticsAndEmptyPointPatternValues) {
    m_points = tmp.write("uno.csv", "x,y,fecha,delito\n" + std::to_string(kClusterX) + "," +
                                        std::to_string(kClusterY) + ",01/01/2019,robo\n");
    const RunResult r = run("", tmp / "out");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    const auto s = stats(*ds);
    EXPECT_DOUBLE_EQ(s.at("incidents"), 1);
    EXPECT_TRUE(std::isnan(s.at("nni_r"))); // NULL: no nearest neighbour for one point
    std::size_t defined = 0;
    for (double z : field(*ds, "grid", "gi_z"))
        defined += z != -999;
    EXPECT_EQ(defined, static_cast<std::size_t>(feature_count(*ds, "grid")));
}
} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {
TEST_F(Hotspots, StabilityComparesTheTrainAndTestPeriodsHotSpots) {
    const RunResult r = run("train = { start = \"2019-01-01\", end = \"2019-06-30\" }\n"
                            "test = { start = \"2019-07-01\", end = \"2019-12-31\" }",
                            tmp / "out");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "prueba.gpkg");
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("stability_train"), "2019-01-01/2019-06-30");
    EXPECT_EQ(info.at("stability_test"), "2019-07-01/2019-12-31");
    const auto s = stats(*ds);
    // The planted cluster (15 June) makes train hot cells; the test period has only the
    // uniform background there, so the hot cells hold few test incidents: a hit rate well
    // below one, and a PAI equal to hit rate / area share.
    EXPECT_GT(s.at("hit_rate"), 0);
    EXPECT_LT(s.at("hit_rate"), 0.5);
    EXPECT_GT(s.at("pai"), 0);
    EXPECT_TRUE(s.count("rri") && s.count("hotspot_jaccard"));
}
} // namespace
} // namespace vigia::test::cli
