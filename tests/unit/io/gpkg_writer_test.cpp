#include "io/gpkg_writer.hpp"

#include "analysis/error.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

using namespace vigia;
using vigia::test::TempDir;

namespace {
io::LayerData points_layer(const OGRSpatialReference* srs, const std::vector<double>& x,
                           const std::vector<double>& y) {
    io::LayerData d;
    d.name = "pts";
    d.srs = srs;
    d.geometry_type = wkbPoint;
    d.x = &x;
    d.y = &y;
    d.columns.push_back({"n", std::vector<std::int64_t>{1, 2}});
    d.columns.push_back({"v", std::vector<double>{0.5, 1.5}});
    d.columns.push_back({"s", std::vector<std::string>{"a", "b"}});
    d.columns.push_back({"t", io::TimeValues{{86400, analysis::kNoTime}}});
    return d;
}
} // namespace

TEST(GpkgWriter, WritesLayersThatReadBack) {
    TempDir d;
    const auto srs = io::make_srs("EPSG:32614", "test");
    const std::vector<double> x{500000, 500100}, y{2000000, 2000100};
    {
        io::GpkgWriter w{d / "out.gpkg", false};
        w.write(points_layer(srs.get(), x, y));
        w.finish();
    }
    EXPECT_EQ(d.listing(), (std::vector<std::string>{"out.gpkg"}));
    auto ds = test::open_read(d / "out.gpkg");
    OGRLayer* l = ds->GetLayerByName("pts");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->GetFeatureCount(), 2);
    EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "32614");
    auto f = OGRFeatureUniquePtr{l->GetNextFeature()};
    EXPECT_EQ(f->GetFieldAsInteger64("n"), 1);
    EXPECT_EQ(f->GetFieldAsDouble("v"), 0.5);
    EXPECT_STREQ(f->GetFieldAsString("s"), "a");
    EXPECT_STREQ(f->GetFieldAsString("t"), "1970/01/02 00:00:00");
    EXPECT_EQ(f->GetGeometryRef()->toPoint()->getX(), 500000);
    f.reset(l->GetNextFeature());
    EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("t")));
    EXPECT_EQ(test::sum_field(*ds, "pts", "v"), 2.0);
}

TEST(GpkgWriter, AnUnfinishedWriterLeavesNothingBehind) {
    TempDir d;
    const auto srs = io::make_srs("EPSG:32614", "test");
    const std::vector<double> x{500000, 500100}, y{2000000, 2000100};
    {
        io::GpkgWriter w{d / "out.gpkg", false};
        w.write(points_layer(srs.get(), x, y));
        EXPECT_TRUE(std::filesystem::exists(w.temporary_path()));
    } // e.g. an exception before finish()
    EXPECT_TRUE(d.listing().empty());
}

TEST(GpkgWriter, AnExistingOutputIsKeptWithoutOverwrite) {
    TempDir d;
    d.write("out.gpkg", "precious");
    try {
        io::GpkgWriter w{d / "out.gpkg", false};
        FAIL() << "expected an error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string{e.what()}.find("--overwrite"), std::string::npos) << e.what();
    }
    EXPECT_EQ(d.listing(), (std::vector<std::string>{"out.gpkg"}));
    const auto srs = io::make_srs("EPSG:32614", "test");
    const std::vector<double> x{500000, 500100}, y{2000000, 2000100};
    io::GpkgWriter w{d / "out.gpkg", true};
    w.write(points_layer(srs.get(), x, y));
    w.finish();
    EXPECT_GT(std::filesystem::file_size(d / "out.gpkg"), 8u);
}
