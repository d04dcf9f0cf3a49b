// The golden comparison tool (tests/golden/golden.cpp) finds every changed value and
// nothing else: identical runs compare equal, timings aside; one changed number, one changed
// run_info value, one changed pixel are each found.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

RunResult golden(const fs::path& a, const fs::path& b) {
    const std::string cmd = std::string{VIGIA_GOLDEN} + " '" + a.string() + "' '" + b.string() +
                            "' > '" + (a.parent_path() / "golden.txt").string() + "' 2>&1";
    RunResult r;
    const int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(a.parent_path() / "golden.txt");
    return r;
}

class Golden : public ::testing::Test {
protected:
    void SetUp() override {
        GDALAllRegister();
        const std::string m = square_500_analysis("permutations = 99\n") +
                              city("Cuadro", two_squares_boundary(), lonlat_points());
        const fs::path manifest = tmp.write("alliance.toml", m);
        for (const char* d : {"a", "b"})
            ASSERT_EQ(run_vigia({"run", manifest.string(), "-o", (tmp / d).string(), "--quiet"})
                          .exit_code,
                      0);
    }
    /// Sets one field of one feature of a layer in b's GeoPackage.
    void change(const std::string& layer, const std::string& field, double value) {
        GDALDatasetUniquePtr ds{GDALDataset::Open((tmp / "b" / "cuadro.gpkg").c_str(),
                                                  GDAL_OF_VECTOR | GDAL_OF_UPDATE)};
        ASSERT_TRUE(ds);
        OGRLayer* l = ds->GetLayerByName(layer.c_str());
        ASSERT_NE(l, nullptr);
        OGRFeatureUniquePtr f{l->GetFeature(1)};
        ASSERT_TRUE(f);
        f->SetField(field.c_str(), value);
        ASSERT_EQ(l->SetFeature(f.get()), OGRERR_NONE);
    }
    void change_info(const std::string& key, const std::string& value) {
        GDALDatasetUniquePtr ds{GDALDataset::Open((tmp / "b" / "cuadro.gpkg").c_str(),
                                                  GDAL_OF_VECTOR | GDAL_OF_UPDATE)};
        ASSERT_TRUE(ds);
        const std::string sql =
            "UPDATE run_info SET value = '" + value + "' WHERE key = '" + key + "'";
        ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    }
    TempDir tmp;
};

TEST_F(Golden, TwoRunsOfOneManifestAreIdenticalTimingsAside) {
    const RunResult r = golden(tmp / "a", tmp / "b");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_TRUE(Contains(r.out, " 0 differences"));
}

TEST_F(Golden, FindsOneChangedNumber) {
    change("grid", "gi_z", 1.2345);
    const RunResult r = golden(tmp / "a", tmp / "b");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(Contains(r.out, "cuadro.gpkg:grid row 1 gi_z"));
    EXPECT_TRUE(Contains(r.out, "1.2344999999999999") || Contains(r.out, "1.2345"));
    EXPECT_TRUE(Contains(r.out, " 1 differences"));
}

TEST_F(Golden, FindsAChangedParameterButNotAChangedTiming) {
    change_info("time_grid_s", "99.000");
    EXPECT_EQ(golden(tmp / "a", tmp / "b").exit_code, 0);
    change_info("seed", "54321");
    const RunResult r = golden(tmp / "a", tmp / "b");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(Contains(r.out, "run_info"));
}

TEST_F(Golden, FindsAChangedPixelAndAMissingFile) {
    {
        GDALDatasetUniquePtr ds{GDALDataset::Open((tmp / "b" / "cuadro_kde.tif").c_str(),
                                                  GDAL_OF_RASTER | GDAL_OF_UPDATE)};
        ASSERT_TRUE(ds);
        float v = 12345.f;
        ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 1, 1, &v, 1, 1, GDT_Float32, 0, 0),
                  CE_None);
    }
    fs::remove(tmp / "b" / "alliance.csv");
    const RunResult r = golden(tmp / "a", tmp / "b");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(Contains(r.out, "cuadro_kde.tif band 1: 1 pixels differ"));
    EXPECT_TRUE(Contains(r.out, "alliance.csv: only in the first folder"));
}

} // namespace
} // namespace vigia::test::cli
