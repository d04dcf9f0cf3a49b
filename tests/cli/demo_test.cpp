// `vigia demo`: the bundled alliance (Zapopan points, Mexico City quadrant counts), run once
// per suite (the fixture.demo CTest fixture) and read back with GDAL.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace vigia::test::cli {
namespace {

class Demo : public ::testing::Test {
protected:
    // The demo takes several seconds: the suite's fixture ran it once for every test.
    static void SetUpTestSuite() {
        s_shared = std::make_unique<SharedRun>(shared_run("demo", {"demo"}));
        s_run = &s_shared->result;
    }
    static void TearDownTestSuite() { s_shared.reset(); }
    void SetUp() override {
        ASSERT_EQ(s_run->exit_code, 0) << "stdout:\n" << s_run->out << "\nstderr:\n" << s_run->err;
    }

    static fs::path out_dir() { return s_shared->out; }
    static fs::path zapopan() { return out_dir() / "zapopan.gpkg"; }
    static fs::path cdmx() { return out_dir() / "cdmx.gpkg"; }

    static inline std::unique_ptr<SharedRun> s_shared;
    static inline const RunResult* s_run = nullptr;
};

/// Asserts that `fields` holds each of `required`.
void expect_fields(GDALDataset& ds, const std::string& layer,
                   const std::vector<std::string>& required) {
    const auto fields = field_names(ds, layer);
    for (const auto& f : required)
        EXPECT_TRUE(has(fields, f))
            << layer << " has no field " << f << "; fields: " << joined(fields);
}

/// Every file the demo writes, sorted: per city its GeoPackage, its shareable copy, its map
/// and (for point data) its density raster, its report page; the alliance files, map and page.
const std::vector<std::string> kDemoOutputs{"alliance.csv",
                                            "alliance.gpkg",
                                            "alliance.png",
                                            "alliance_report.html",
                                            "cdmx.gpkg",
                                            "cdmx.png",
                                            "cdmx_public.gpkg",
                                            "cdmx_report.html",
                                            "illustrative",
                                            "illustrative/alliance.csv",
                                            "illustrative/alliance.gpkg",
                                            "illustrative/alliance.png",
                                            "illustrative/alliance_report.html",
                                            "illustrative/ciudad-ilustrativa.gpkg",
                                            "illustrative/ciudad-ilustrativa.png",
                                            "illustrative/ciudad-ilustrativa_forest_deporte.png",
                                            "illustrative/ciudad-ilustrativa_kde.tif",
                                            "illustrative/ciudad-ilustrativa_report.html",
                                            "illustrative/forest_deporte.png",
                                            "zapopan.gpkg",
                                            "zapopan.png",
                                            "zapopan_kde.tif",
                                            "zapopan_public.gpkg",
                                            "zapopan_report.html"};

TEST_F(Demo, WritesOneGeoPackagePerCityAndNothingElse) {
    EXPECT_EQ(entries(out_dir()), kDemoOutputs);
    EXPECT_TRUE(Contains(s_run->out, "Demo outputs are in"));
    EXPECT_TRUE(Contains(s_run->out, "Zapopan (zapopan)"));
    EXPECT_TRUE(Contains(s_run->out, "(cdmx)"));
    EXPECT_TRUE(Contains(s_run->out, "ILLUSTRATIVE programme evaluation on a GENERATED city"));
}

TEST_F(Demo, EvaluatesTheIllustrativeProgrammeOnTheGeneratedCityLabelledSo) {
    // data/demo/illustrative: a planted 30% fall in five targets (20 → 14 a month) and a 10%
    // rise in their buffers; the outputs carry "datos generados" in the city's name.
    auto ds = open_read(out_dir() / "illustrative" / "ciudad-ilustrativa.gpkg");
    ASSERT_TRUE(ds);
    OGRLayer* e = ds->GetLayerByName("intervention_effects");
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(e->GetFeatureCount(), 6);
    OGRFeatureUniquePtr pooled{e->GetFeature(6)};
    EXPECT_STREQ(pooled->GetFieldAsString("level"), "city");
    EXPECT_STREQ(pooled->GetFieldAsString("name"), "Ciudad ilustrativa (datos generados)");
    EXPECT_LT(pooled->GetFieldAsDouble("res_ci_low"), 20.0 / 14);
    EXPECT_GT(pooled->GetFieldAsDouble("res_ci_high"), 20.0 / 14);
    EXPECT_GT(pooled->GetFieldAsDouble("res_ci_low"), 1.0);
    auto alliance = open_read(out_dir() / "illustrative" / "alliance.gpkg");
    ASSERT_TRUE(alliance);
    EXPECT_NE(alliance->GetLayerByName("what_works"), nullptr);
    // The real cities' alliance has no programme: nothing generated is mixed into it.
    auto real = open_read(out_dir() / "alliance.gpkg");
    EXPECT_EQ(real->GetLayerByName("what_works"), nullptr);
}

TEST_F(Demo, GivesEachCityTheDocumentedLayersAndFields) {
    for (const auto& [path, points] : {std::pair{zapopan(), true}, std::pair{cdmx(), false}}) {
        SCOPED_TRACE(path.string());
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        const auto layers = layer_names(*ds);
        for (const char* l : {"grid", "units", "boundary", "run_info", "rejected"})
            EXPECT_TRUE(has(layers, l)) << "no layer " << l << " in " << joined(layers);
        EXPECT_EQ(has(layers, "incidents"), points) << joined(layers);
        EXPECT_EQ(has(layers, "unit_counts"), !points) << joined(layers);

        expect_fields(*ds, "grid", {"cell_id", "count", "area_km2", "density_km2"});
        expect_fields(*ds, "units", {"unit_id", "name", "count", "area_km2", "density_km2"});
        if (points) expect_fields(*ds, "incidents", {"cell_id", "time", "category", "source_row"});
    }
}

TEST_F(Demo, ProjectsEachCityToTheUtmZoneOfItsBoundary) {
    for (const auto& [path, epsg] :
         {std::pair{zapopan(), "EPSG:32613"}, std::pair{cdmx(), "EPSG:32614"}}) {
        SCOPED_TRACE(path.string());
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        EXPECT_EQ(run_info(*ds)["crs"], epsg);
        EXPECT_EQ(run_info(*ds)["crs_requested"], "auto");
        for (const char* layer : {"grid", "units", "boundary"})
            EXPECT_EQ(epsg_of(*ds, layer), epsg) << layer;
    }
}

TEST_F(Demo, AccountsForEveryZapopanRecordExactlyOnce) {
    auto ds = open_read(zapopan());
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info_number(info, "records"), 4906);
    EXPECT_EQ(info_number(info, "rejected_zero_coordinates"), 20);
    const double accepted = info_number(info, "accepted");
    EXPECT_GT(accepted, 4800);
    EXPECT_EQ(sum_field(*ds, "grid", "count"), accepted);
    EXPECT_EQ(sum_field(*ds, "units", "count"), accepted); // one sub-unit: the municipality
    EXPECT_EQ(feature_count(*ds, "incidents"), static_cast<long long>(accepted));
    EXPECT_EQ(accepted + rejected_total(info), 4906);
    // Every rejected point has its row in the rejected table.
    EXPECT_EQ(feature_count(*ds, "rejected"), static_cast<long long>(rejected_total(info)));
}

TEST_F(Demo, CountsEveryMexicoCityIncidentAndReportsThoseWithoutAQuadrant) {
    // The sheet's "Total general" is 124,666; 1,063 of them have no quadrant (the pivot
    // table's "(en blanco)" group): unknown unit, not counted in S-3.6.8.
    auto ds = open_read(cdmx());
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info_number(info, "records"), 124666);
    EXPECT_NEAR(info_number(info, "accepted"), 123603, 1e-3);
    EXPECT_EQ(info_number(info, "rejected_unknown_unit"), 1063);
    EXPECT_EQ(rejected_total(info), 1063);
    EXPECT_EQ(sum_field(*ds, "units", "count"), 123603);
    EXPECT_EQ(sum_field(*ds, "unit_counts", "count"), 123603);
    EXPECT_EQ(sum_field(*ds, "rejected", "incidents"), 1063);
    // Grid counts are areal-weighted estimates: equal in total up to rounding.
    EXPECT_NEAR(sum_field(*ds, "grid", "count"), info_number(info, "accepted"), 1e-3);
}

TEST_F(Demo, IndexesTheGridAndUnitsLayersSpatially) {
    for (const auto& path : {zapopan(), cdmx()}) {
        for (const std::string layer : {"grid", "units"}) {
            SCOPED_TRACE(path.string() + " " + layer);
            auto ds = open_read(path);
            ASSERT_TRUE(ds);
            OGRLayer* l = ds->GetLayerByName(layer.c_str());
            ASSERT_TRUE(l);
            // A GeoPackage spatial index is an SQLite R*Tree named rtree_<table>_<geometry>,
            // registered in gpkg_extensions, with one entry per feature.
            const std::string rtree = "rtree_" + layer + "_" + l->GetGeometryColumn();
            OGRLayer* found = ds->ExecuteSQL(
                ("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '" + rtree + "'")
                    .c_str(),
                nullptr, nullptr);
            ASSERT_TRUE(found);
            EXPECT_EQ(found->GetFeatureCount(TRUE), 1) << "no table " << rtree;
            ds->ReleaseResultSet(found);

            OGRLayer* ext = ds->ExecuteSQL(
                ("SELECT COUNT(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' "
                 "AND lower(table_name) = '" +
                 layer + "'")
                    .c_str(),
                nullptr, nullptr);
            ASSERT_TRUE(ext);
            {
                OGRFeatureUniquePtr f{ext->GetNextFeature()};
                ASSERT_TRUE(f);
                EXPECT_EQ(f->GetFieldAsInteger64(0), 1) << "not registered in gpkg_extensions";
            }
            ds->ReleaseResultSet(ext);

            OGRLayer* n =
                ds->ExecuteSQL(("SELECT COUNT(*) FROM " + rtree).c_str(), nullptr, nullptr);
            ASSERT_TRUE(n);
            {
                OGRFeatureUniquePtr f{n->GetNextFeature()};
                ASSERT_TRUE(f);
                EXPECT_EQ(f->GetFieldAsInteger64(0), l->GetFeatureCount(TRUE));
                EXPECT_GT(f->GetFieldAsInteger64(0), 0);
            }
            ds->ReleaseResultSet(n);
        }
    }
}

TEST_F(Demo, RefusesToReplaceOutputsWithoutOverwrite) {
    // A copy of the suite's outputs, so that the other tests keep theirs.
    TempDir tmp;
    const fs::path dir = tmp / "demo";
    fs::create_directories(dir);
    for (const std::string& name : kDemoOutputs)
        if (fs::is_directory(out_dir() / name))
            fs::create_directories(dir / name);
        else
            fs::copy_file(out_dir() / name, dir / name);
    const std::string zapopan_before = slurp(dir / "zapopan.gpkg");
    const std::string cdmx_before = slurp(dir / "cdmx.gpkg");
    const auto zapopan_time = fs::last_write_time(dir / "zapopan.gpkg");
    const auto cdmx_time = fs::last_write_time(dir / "cdmx.gpkg");

    const RunResult again = run_vigia({"demo", "--quiet", "-o", dir.string()});
    EXPECT_EQ(again.exit_code, 1) << again.err;
    EXPECT_TRUE(Contains(again.err, "--overwrite"));
    EXPECT_TRUE(Contains(again.err, (dir / "zapopan.gpkg").string()));
    EXPECT_EQ(entries(dir), kDemoOutputs);
    EXPECT_EQ(fs::last_write_time(dir / "zapopan.gpkg"), zapopan_time);
    EXPECT_EQ(fs::last_write_time(dir / "cdmx.gpkg"), cdmx_time);
    EXPECT_TRUE(slurp(dir / "zapopan.gpkg") == zapopan_before) << "zapopan.gpkg changed";
    EXPECT_TRUE(slurp(dir / "cdmx.gpkg") == cdmx_before) << "cdmx.gpkg changed";

    // Replacing with --overwrite runs the whole demo again; SmallCity's
    // RefusesToReplaceAnExistingOutputWithoutOverwrite checks it on a small city.
}

} // namespace
} // namespace vigia::test::cli
