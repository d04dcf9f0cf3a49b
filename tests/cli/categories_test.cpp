// Statistics per harmonised (ICCS) category, and the shareable outputs of [publish], on the
// two-squares fixture (positions in small_city_test.cpp). Counted incidents by cell:
//   robo (→ 0401 robbery):     SW 2 (rows 1, 2), NW 1 (row 4), SE 1 (row 5)   = 4
//   lesiones (→ 02011 assault): SW 1 (row 3),    SE 1 (row 6)                 = 2
//   all:                        SW 3, SE 2, NW 1, NE 0                        = 6
#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

/// (category, metric) → value from city_stats or the alliance metrics table; NaN for NULL.
std::map<std::pair<std::string, std::string>, double> metrics_of(GDALDataset& ds,
                                                                 const std::string& layer) {
    std::map<std::pair<std::string, std::string>, double> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    for (auto& f : *l) {
        const int v = f->GetFieldIndex("value");
        out[{f->GetFieldAsString("category"), f->GetFieldAsString("metric")}] =
            f->IsFieldSetAndNotNull(v) ? f->GetFieldAsDouble(v) : std::nan("");
    }
    return out;
}

class PerCategory : public ::testing::Test {
protected:
    RunResult run(const std::string& analysis_extra, const std::string& tail = "") {
        const fs::path map = tmp.write("map.csv", "label,iccs\nrobo,0401\nlesiones,02011\n");
        const std::string manifest = square_500_analysis(analysis_extra) + tail +
                                     city("Cuadro", two_squares_boundary(), lonlat_points()) +
                                     "categories = " + toml_path(map) + "\n";
        const fs::path m = tmp.write("alliance.toml", manifest);
        return run_vigia({"run", m.string(), "-o", out().string(), "--quiet"});
    }
    fs::path out() const { return tmp / "out"; }
    TempDir tmp;
};

TEST_F(PerCategory, EachCategoryHasItsCountsHotSpotFieldsAndStatistics) {
    const RunResult r = run("categories = [\"0401\", \"02\"]\nlanguage = \"es\"");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(by_cell(*ds, "count_0401"),
              (std::map<CellKey, double>{
                  {kSouthWest, 2}, {kSouthEast, 1}, {kNorthWest, 1}, {kNorthEast, 0}}));
    EXPECT_EQ(by_cell(*ds, "count_02"),
              (std::map<CellKey, double>{
                  {kSouthWest, 1}, {kSouthEast, 1}, {kNorthWest, 0}, {kNorthEast, 0}}));
    EXPECT_EQ(by_name(*ds, "units", "name", "count_0401"),
              (std::map<std::string, double>{{"Oeste", 3}, {"Este", 1}}));
    for (const char* f : {"gi_z_0401", "gi_class_0401", "lisa_0401", "gi_z_02"})
        EXPECT_EQ(by_cell(*ds, f).size(), 4u) << f;

    const auto stats = metrics_of(*ds, "city_stats");
    EXPECT_EQ(stats.at({"all", "incidents"}), 6);
    EXPECT_EQ(stats.at({"0401", "incidents"}), 4);
    EXPECT_EQ(stats.at({"02", "incidents"}), 2);
    // The same statistics, on the category's own counts: 4 robberies over 1 km².
    EXPECT_EQ(stats.at({"0401", "incidents_per_km2"}), 4);
    EXPECT_EQ(stats.at({"0401", "area_km2"}), stats.at({"all", "area_km2"}));
    EXPECT_TRUE(stats.count({"0401", "moran_i"}));
    EXPECT_TRUE(stats.count({"0401", "gini"}));
    // Names in the manifest's language.
    OGRLayer* l = ds->GetLayerByName("city_stats");
    std::set<std::string> names;
    for (auto& f : *l)
        names.insert(f->GetFieldAsString("category_name"));
    EXPECT_TRUE(names.count("Robo")) << joined({names.begin(), names.end()});

    // The alliance table carries every category, with the city's own values.
    auto al = open_read(out() / "alliance.gpkg");
    ASSERT_TRUE(al);
    const auto alliance = metrics_of(*al, "metrics");
    for (const auto& [key, value] : stats) {
        ASSERT_TRUE(alliance.count(key)) << key.first << " " << key.second;
        if (std::isnan(value))
            EXPECT_TRUE(std::isnan(alliance.at(key)));
        else
            EXPECT_DOUBLE_EQ(alliance.at(key), value) << key.first << " " << key.second;
    }
}

TEST_F(PerCategory, PublishSuppressesSmallCountsInTheShareableOutputsOnly) {
    const RunResult r = run("categories = [\"0401\", \"02\"]", "[publish]\nmin_count = 3\n\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto own = open_read(out() / "cuadro.gpkg");
    auto pub = open_read(out() / "cuadro_public.gpkg");
    ASSERT_TRUE(own && pub);
    // The city's own file keeps every count.
    EXPECT_EQ(by_cell(*own, "count")[kSouthEast], 2);
    // The shareable one: 1 and 2 suppressed with what derives from them; 0 and 3 shown.
    const auto count = by_cell(*pub, "count");
    EXPECT_EQ(count.at(kSouthWest), 3);
    EXPECT_TRUE(std::isnan(count.at(kSouthEast)));
    EXPECT_TRUE(std::isnan(count.at(kNorthWest)));
    EXPECT_EQ(count.at(kNorthEast), 0);
    const auto density = by_cell(*pub, "density_km2");
    EXPECT_EQ(density.at(kSouthWest), 12);
    EXPECT_TRUE(std::isnan(density.at(kSouthEast)));
    const auto robberies = by_cell(*pub, "count_0401");
    EXPECT_TRUE(std::isnan(robberies.at(kSouthWest))); // 2
    EXPECT_EQ(robberies.at(kNorthEast), 0);
    EXPECT_EQ(by_name(*pub, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 4}, {"Este", 0}})); // Este: 2, NULL
    // No incident point, no record row, no warning text.
    EXPECT_EQ(pub->GetLayerByName("incidents"), nullptr);
    EXPECT_EQ(pub->GetLayerByName("rejected"), nullptr);
    EXPECT_NE(own->GetLayerByName("incidents"), nullptr);
    EXPECT_NE(pub->GetLayerByName("grid"), nullptr);
    EXPECT_NE(pub->GetLayerByName("run_info"), nullptr);
    // The small category (02: 2 incidents) has no hot cells or areas in the public file: they
    // would place its incidents. The city's own file keeps them.
    const auto fields = [](GDALDataset& ds) {
        std::set<std::string> out;
        OGRFeatureDefn* defn = ds.GetLayerByName("grid")->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            out.insert(defn->GetFieldDefn(i)->GetNameRef());
        return out;
    };
    for (const char* f : {"gi_z_02", "gi_class_02", "lisa_02"}) {
        EXPECT_FALSE(fields(*pub).count(f)) << f;
        EXPECT_TRUE(fields(*own).count(f)) << f;
    }
    EXPECT_TRUE(fields(*pub).count("gi_class_0401"));
    for (auto& f : *pub->GetLayerByName("hotspots"))
        EXPECT_STRNE(f->GetFieldAsString("category"), "02");
    // Nor the exact time span of the records, in run_info or the metadata.
    const auto info = [](GDALDataset& ds) {
        std::map<std::string, std::string> out;
        for (auto& f : *ds.GetLayerByName("run_info"))
            out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
        return out;
    };
    EXPECT_FALSE(info(*pub).count("time_span"));
    EXPECT_TRUE(info(*own).count("time_span"));
    EXPECT_EQ(pub->GetMetadataItem("vigia_time_span"), nullptr);
    EXPECT_NE(own->GetMetadataItem("vigia_time_span"), nullptr);
    EXPECT_EQ(info(*pub).at("rejected_outside_boundary"), "fewer than 3"); // 1 in the data
    // A category with fewer incidents than the threshold: its statistics are withheld, in the
    // public city_stats and in the alliance files; the city's own table keeps them.
    const auto pub_stats = metrics_of(*pub, "city_stats");
    EXPECT_TRUE(std::isnan(pub_stats.at({"02", "incidents"})));
    EXPECT_TRUE(std::isnan(pub_stats.at({"02", "gini"})));
    EXPECT_EQ(pub_stats.at({"02", "area_km2"}), 1);
    EXPECT_EQ(pub_stats.at({"0401", "incidents"}), 4);
    EXPECT_EQ(metrics_of(*own, "city_stats").at({"02", "incidents"}), 2);
    auto al = open_read(out() / "alliance.gpkg");
    ASSERT_TRUE(al);
    EXPECT_TRUE(std::isnan(metrics_of(*al, "metrics").at({"02", "incidents"})));
    const std::string csv = slurp(out() / "alliance.csv");
    EXPECT_TRUE(
        Contains(csv, "Cuadro,cuadro,02,Acts causing harm or intending to cause harm to the person,"
                      "incidents,,incidents\n"));
    EXPECT_TRUE(Contains(csv, "Cuadro,cuadro,0401,Robbery,incidents,4,incidents\n"));
}

TEST_F(PerCategory, NoPublishTableNoPublicFile) {
    const RunResult r = run("");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(out() / "cuadro_public.gpkg"));
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    const auto stats = metrics_of(*ds, "city_stats");
    for (const auto& [key, value] : stats)
        EXPECT_EQ(key.first, "all") << key.second;
}

} // namespace
} // namespace vigia::test::cli
