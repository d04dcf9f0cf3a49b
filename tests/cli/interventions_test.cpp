// End-to-end: evaluating a prevention programme (issue 13) on a generated city
// (programme_city.hpp) with a planted 30% fall in the five targets after the start and a 10%
// rise in their buffers, and the messages for bad programme inputs.

#include "tests/cli/cli_helpers.hpp"
#include "tests/cli/programme_city.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

/// The rows of a table as field → value text, in FID order.
std::vector<std::map<std::string, std::string>> rows(GDALDataset& ds, const std::string& name) {
    std::vector<std::map<std::string, std::string>> out;
    OGRLayer* l = ds.GetLayerByName(name.c_str());
    if (!l) return out;
    for (auto& f : *l) {
        std::map<std::string, std::string> row;
        for (int i = 0; i < f->GetFieldCount(); ++i)
            row[f->GetFieldDefnRef(i)->GetNameRef()] =
                f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL";
        out.push_back(std::move(row));
    }
    return out;
}

double num(const std::map<std::string, std::string>& row, const std::string& field) {
    return std::stod(row.at(field));
}

class Programme : public ::testing::Test {
protected:
    void SetUp() override { city.write(tmp.path()); }

    std::string manifest(const std::string& programme, const std::string& extra = {}) const {
        return "[analysis]\ngrid = \"square\"\ncell_size_m = 500\npermutations = 99\n"
               "near_repeat = { permutations = 0 }\n"
               "period = { start = \"2014-01-01\", end = \"2015-12-31\" }\n" +
               extra + "\n[[city]]\nname = \"Ciudad generada\"\nboundary = { path = " +
               toml_path(tmp / "boundary.geojson") +
               " }\nincidents = { path = " + toml_path(tmp / "incidents.csv") +
               ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"fecha\" }\n" + programme;
    }
    std::string programme(const std::string& extra = "radius_m = 300\nbuffer_m = 300") const {
        return "[[city.interventions]]\nkind = \"sports\"\npath = " +
               toml_path(tmp / "sites.geojson") +
               "\nname_field = \"nombre\"\nstart_field = \"inicio\"\n" + extra + "\n";
    }
    /// Runs the manifest; `err` holds stderr and the summary's warnings (stdout) together.
    RunResult run(const std::string& m, const std::string& out = "out") const {
        const fs::path path = tmp.write("alliance.toml", m);
        RunResult r = run_vigia({"run", path.string(), "-o", (tmp / out).string(), "--quiet"});
        r.err = r.out + r.err;
        return r;
    }

    ProgrammeCity city;
    TempDir tmp;
};

TEST_F(Programme, APlantedFallAndDisplacementAreFoundSiteBySiteAndPooled) {
    const RunResult r = run(manifest(programme()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "ciudad-generada.gpkg");
    ASSERT_TRUE(ds);
    const auto effects = rows(*ds, "intervention_effects");
    ASSERT_EQ(effects.size(), 6u); // five sites and the city's pool
    // The planted ratio: RES = (a·d)/(b·c) with the means, (40 · 400)/(28 · 400).
    const double planted = city.target_before / city.target_after;
    for (int s = 0; s < ProgrammeCity::kSites; ++s) {
        const auto& e = effects[static_cast<std::size_t>(s)];
        SCOPED_TRACE("site " + std::to_string(s + 1));
        EXPECT_EQ(e.at("level"), "site");
        EXPECT_EQ(e.at("status"), "ok");
        EXPECT_EQ(e.at("before_from"), "2014-01");
        EXPECT_EQ(e.at("before_to"), "2014-12");
        EXPECT_EQ(e.at("after_from"), "2015-01");
        EXPECT_EQ(e.at("after_to"), "2015-12");
        EXPECT_EQ(e.at("estimate"), "incidents");
        // Every drawn incident is counted in its own area: the counts are exact.
        EXPECT_EQ(num(e, "target_before"), city.drawn.target[s][0]);
        EXPECT_EQ(num(e, "target_after"), city.drawn.target[s][1]);
        EXPECT_EQ(num(e, "buffer_before"), city.drawn.buffer[s][0]);
        EXPECT_EQ(num(e, "buffer_after"), city.drawn.buffer[s][1]);
        EXPECT_EQ(num(e, "control_before"), city.drawn.control[0]);
        EXPECT_EQ(num(e, "control_after"), city.drawn.control[1]);
        const double a = city.drawn.target[s][0], b = city.drawn.target[s][1];
        const double c = city.drawn.control[0], d = city.drawn.control[1];
        EXPECT_NEAR(num(e, "res"), a * d / (b * c), 1e-9);
        EXPECT_LT(num(e, "res_ci_low"), planted);
        EXPECT_GT(num(e, "res_ci_high"), planted);
        EXPECT_GE(num(e, "dispersion"), 1.0);
        // Displacement: the buffers rose while the targets fell, so WDQ < 0.
        EXPECT_LT(num(e, "wdq"), 0);
        EXPECT_NE(e.at("reading").find("displacement"), std::string::npos) << e.at("reading");
        const double ab = a, aa = b, bb = city.drawn.buffer[s][0], ba = city.drawn.buffer[s][1];
        EXPECT_NEAR(num(e, "total_net_effect"), (ab * d / c - aa) + (bb * d / c - ba), 1e-6);
    }
    const auto& pooled = effects[5];
    EXPECT_EQ(pooled.at("level"), "city");
    EXPECT_EQ(pooled.at("k_sites"), "5");
    EXPECT_LT(num(pooled, "res_ci_low"), planted);
    EXPECT_GT(num(pooled, "res_ci_high"), planted);
    EXPECT_GT(num(pooled, "res_ci_low"), 1.0); // the fall is found, not only allowed

    // The series: 24 months per site, summing to the window counts.
    const auto series = rows(*ds, "intervention_series");
    ASSERT_EQ(series.size(), 24u * ProgrammeCity::kSites);
    double target_before = 0, control_after = 0;
    for (const auto& m : series)
        if (m.at("site_id") == "1") {
            if (m.at("window") == "before") target_before += num(m, "target");
            if (m.at("window") == "after") control_after += num(m, "control");
        }
    EXPECT_EQ(target_before, city.drawn.target[0][0]);
    EXPECT_EQ(control_after, city.drawn.control[1]);

    // The areas: a target and a buffer per site; a disc of 300 m is 0.2827 km².
    const auto areas = rows(*ds, "interventions");
    ASSERT_EQ(areas.size(), 10u);
    EXPECT_EQ(areas[0].at("zone"), "target");
    EXPECT_NEAR(num(areas[0], "area_km2"), M_PI * 0.09, 0.001);
    EXPECT_EQ(areas[1].at("zone"), "buffer");
    EXPECT_NEAR(num(areas[1], "area_km2"), M_PI * (0.36 - 0.09), 0.002);
    // The city's forest plot: a PNG of its five sites and their pool.
    const fs::path forest = tmp / "out" / "ciudad-generada_forest_sports.png";
    GDALDatasetUniquePtr png{GDALDataset::Open(forest.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY,
                                               nullptr, nullptr, nullptr)};
    ASSERT_TRUE(png) << forest;
    EXPECT_EQ(png->GetRasterXSize(), 1000);
    // Every parameter is recorded.
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("interventions_sports_radius_m"), "300");
    EXPECT_EQ(info.at("interventions_sports_buffer_m"), "300");
}

TEST_F(Programme, WithoutAPlantedEffectTheIntervalCoversOne) {
    ProgrammeCity null;
    null.target_after = null.target_before;
    null.buffer_after = null.buffer_before;
    null.seed = 7;
    null.write(tmp.path());
    const RunResult r = run(manifest(programme()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "ciudad-generada.gpkg");
    const auto effects = rows(*ds, "intervention_effects");
    ASSERT_EQ(effects.size(), 6u);
    EXPECT_LT(num(effects[5], "res_ci_low"), 1.0);
    EXPECT_GT(num(effects[5], "res_ci_high"), 1.0);
}

TEST_F(Programme, ASiteWithoutAStartIsListedWithItsReasonAndTheOthersEvaluated) {
    ProgrammeCity::write_sites(tmp / "sites.geojson",
                               {"2015-01-01", "", "2015-01-01", "no sé", "2015-01-15"});
    const RunResult r = run(manifest(programme()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("site 2 ('Unidad 2', fid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no start date: field 'inicio' is empty"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'no sé' is not a date"), std::string::npos) << r.err;
    auto ds = open_read(tmp / "out" / "ciudad-generada.gpkg");
    const auto effects = rows(*ds, "intervention_effects");
    ASSERT_EQ(effects.size(), 6u); // nothing dropped: every site has its row
    EXPECT_EQ(effects[1].at("status"), "no start date: field 'inicio' is empty");
    EXPECT_EQ(effects[1].at("res"), "NULL");
    EXPECT_EQ(effects[5].at("k_sites"), "3");
    // A start on the 15th leaves its month out, and says so; the windows are equal.
    EXPECT_EQ(effects[4].at("after_from"), "2015-02");
    EXPECT_EQ(effects[4].at("left_out"), "2015-01 (the site started on 2015-01-15)");
    EXPECT_EQ(effects[4].at("months_before"), "11");
    EXPECT_EQ(effects[4].at("before_from"), "2014-02");
    EXPECT_EQ(effects[4].at("months_after"), "11");
}

TEST_F(Programme, NoUsableSiteAWindowTheDataDoNotCoverAndAnEmptyControlFailWithTheSite) {
    ProgrammeCity::write_sites(tmp / "sites.geojson", {"", "", "", "", ""});
    RunResult r = run(manifest(programme()));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("interventions 'sports': no site of"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("site 5 ('Unidad 5', fid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("start_field = \"inicio\""), std::string::npos) << r.err;

    city.write(tmp.path());
    r = run(manifest(programme("radius_m = 300\nbuffer_m = 300\nbefore = { months = 18 }")),
            "out2");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("window not covered: the before window needs 18 months (2013-07 … "
                         "2014-12), but the data's whole months are 2014-01 … 2015-12"),
              std::string::npos)
        << r.err;

    r = run(manifest(programme("radius_m = 300\nbuffer_m = 5000")), "out3");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("the control area is empty: the targets and buffers cover the whole "
                         "city"),
              std::string::npos)
        << r.err;

    r = run(manifest(programme("buffer_m = 300")), "out4");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("holds point sites: give radius_m"), std::string::npos) << r.err;
}

TEST_F(Programme, OverlappingTargetsAreCountedInBothAndNamed) {
    ProgrammeCity::write_sites(tmp / "sites.geojson", {"2015-01-01", "2015-01-01"},
                               {{1500, 1500}, {1900, 1500}});
    const RunResult r = run(manifest(programme()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("the targets of site 1 ('Unidad 1', fid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("overlap"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("counts in both targets"), std::string::npos) << r.err;
}

TEST_F(Programme, ThePublicCopySuppressesSmallCountsAndTheRatiosFromThem) {
    ProgrammeCity small;
    small.target_before = 0.3; // a handful of incidents in a year
    small.target_after = 0.2;
    small.write(tmp.path());
    const RunResult r = run(manifest(programme(), "[publish]\nmin_count = 5\n"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto full = open_read(tmp / "out" / "ciudad-generada.gpkg");
    auto pub = open_read(tmp / "out" / "ciudad-generada_public.gpkg");
    const auto e = rows(*full, "intervention_effects");
    const auto p = rows(*pub, "intervention_effects");
    ASSERT_EQ(e.size(), p.size());
    int suppressed = 0;
    for (std::size_t i = 0; i + 1 < e.size(); ++i) {
        const double a = num(e[i], "target_before"), b = num(e[i], "target_after");
        const bool small_count = (a > 0 && a < 5) || (b > 0 && b < 5);
        if (!small_count) continue;
        ++suppressed;
        EXPECT_EQ(p[i].at("res"), "NULL");
        EXPECT_EQ(p[i].at("res_ci_low"), "NULL");
        EXPECT_EQ(p[i].at("wdq"), "NULL");
        EXPECT_NE(e[i].at("res"), "NULL");
    }
    EXPECT_GT(suppressed, 0);
    // The control's large counts stay.
    EXPECT_EQ(p[0].at("control_before"), e[0].at("control_before"));
    // A suppressed site's reading goes with its ratios, and the city's pool is not shared
    // (with it and the other sites, the suppressed one could be worked back).
    for (std::size_t i = 0; i + 1 < e.size(); ++i)
        if (p[i].at("res") == "NULL") {
            EXPECT_EQ(p[i].at("reading"), "");
        }
    EXPECT_NE(e.back().at("res"), "NULL");
    EXPECT_EQ(p.back().at("res"), "NULL");
    EXPECT_EQ(p.back().at("log_res"), "NULL");
    EXPECT_EQ(p.back().at("status"), "not shared: a site's counts are below min_count");
    // The alliance (shareable) lists the city with why, pools nothing and draws no plot.
    auto alliance = open_read(tmp / "out" / "alliance.gpkg");
    const auto ww = rows(*alliance, "what_works");
    ASSERT_EQ(ww.size(), 2u);
    EXPECT_EQ(ww[0].at("res"), "NULL");
    EXPECT_EQ(ww[0].at("note"), "not shared: a site's counts are below [publish] min_count");
    EXPECT_EQ(ww[1].at("note"), "no city's pool can be shared");
    EXPECT_FALSE(fs::exists(tmp / "out" / "forest_sports.png"));
    // A merge of the public copy says the same.
    fs::create_directories(tmp / "received");
    fs::copy_file(tmp / "out" / "ciudad-generada_public.gpkg",
                  tmp / "received" / "ciudad-generada_public.gpkg");
    const RunResult m =
        run_vigia({"merge", (tmp / "received").string(), "-o", (tmp / "merged").string()});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    auto merged = open_read(tmp / "merged" / "alliance.gpkg");
    EXPECT_EQ(rows(*merged, "what_works"), ww);
}

TEST_F(Programme, WithoutAPeriodTheWindowsComeFromTheCountedIncidentsOnly) {
    // A record far outside the city, dated 2010, is not counted (outside the boundary) and
    // must not make 2010–2013 look like months with data.
    {
        std::ofstream csv{tmp / "incidents.csv", std::ios::app};
        csv << std::to_string(ProgrammeCity::kX0 - 50000) << ',' << ProgrammeCity::kY0
            << ",2010-05-05 12:00:00\n";
    }
    std::string m = manifest(programme());
    const std::string period = "period = { start = \"2014-01-01\", end = \"2015-12-31\" }\n";
    m.erase(m.find(period), period.size());
    const RunResult r = run(m);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "ciudad-generada.gpkg");
    const auto e = rows(*ds, "intervention_effects");
    EXPECT_EQ(e[0].at("before_from").substr(0, 5), "2014-") << e[0].at("before_from");
    EXPECT_LE(num(e[0], "months_before"), 12);
    EXPECT_EQ(e[0].at("months_before"), e[0].at("months_after"));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

std::string slurp_bytes(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ProgrammeAlliance, TheBatchAndAMergeOfTheCityFilesPoolTheSameWhatWorks) {
    TempDir tmp;
    // Two cities: a 30% fall, and a 10% fall.
    ProgrammeCity a, b;
    b.seed = 99;
    b.target_after = 36;
    fs::create_directories(tmp / "a");
    fs::create_directories(tmp / "b");
    a.write(tmp / "a");
    b.write(tmp / "b");
    std::string m = "[analysis]\ngrid = \"square\"\ncell_size_m = 500\npermutations = 9\n"
                    "near_repeat = { permutations = 0 }\n"
                    "period = { start = \"2014-01-01\", end = \"2015-12-31\" }\n";
    for (const char* c : {"a", "b"}) {
        const fs::path d = tmp / c;
        m += std::string{"\n[[city]]\nname = \"Ciudad "} + c +
             "\"\nboundary = { path = " + toml_path(d / "boundary.geojson") +
             " }\nincidents = { path = " + toml_path(d / "incidents.csv") +
             ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"fecha\" }\n"
             "[[city.interventions]]\nkind = \"sports\"\npath = " +
             toml_path(d / "sites.geojson") +
             "\nname_field = \"nombre\"\nstart_field = \"inicio\"\nradius_m = 300\n"
             "buffer_m = 300\n";
    }
    const fs::path manifest = tmp.write("alliance.toml", m);
    RunResult r = run_vigia({"run", manifest.string(), "-o", (tmp / "batch").string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* c : {"a", "b"}) {
        r = run_vigia({"run", manifest.string(), "--city", std::string{"ciudad-"} + c, "-o",
                       (tmp / "city" / c).string(), "--quiet"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    r = run_vigia({"merge", (tmp / "city" / "a").string(), (tmp / "city" / "b").string(), "-o",
                   (tmp / "merged").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    auto batch = open_read(tmp / "batch" / "alliance.gpkg");
    auto merged = open_read(tmp / "merged" / "alliance.gpkg");
    const auto rb = rows(*batch, "what_works"), rm = rows(*merged, "what_works");
    ASSERT_EQ(rb.size(), 3u); // two cities and the alliance
    EXPECT_EQ(rb, rm);        // every value, to the last digit
    EXPECT_EQ(rb[2].at("level"), "alliance");
    EXPECT_EQ(rb[2].at("k_cities"), "2");
    EXPECT_EQ(rb[2].at("k_sites"), "10");
    // The alliance's pool is DerSimonian–Laird over the two cities' ln RES and their errors.
    const double y1 = num(rb[0], "log_res"), y2 = num(rb[1], "log_res");
    const double v1 = std::pow(num(rb[0], "log_res_se"), 2),
                 v2 = std::pow(num(rb[1], "log_res_se"), 2);
    const double w1 = 1 / v1, w2 = 1 / v2, fixed = (w1 * y1 + w2 * y2) / (w1 + w2);
    const double q = w1 * (y1 - fixed) * (y1 - fixed) + w2 * (y2 - fixed) * (y2 - fixed);
    const double tau2 = std::max(0.0, (q - 1) / (w1 + w2 - (w1 * w1 + w2 * w2) / (w1 + w2)));
    const double u1 = 1 / (v1 + tau2), u2 = 1 / (v2 + tau2);
    EXPECT_NEAR(num(rb[2], "q"), q, 1e-12);
    EXPECT_NEAR(num(rb[2], "tau2"), tau2, 1e-12);
    EXPECT_NEAR(num(rb[2], "log_res"), (u1 * y1 + u2 * y2) / (u1 + u2), 1e-12);
    // The cities' rows are their own files' pools.
    auto city_a = open_read(tmp / "batch" / "ciudad-a.gpkg");
    const auto ea = rows(*city_a, "intervention_effects");
    EXPECT_EQ(ea.back().at("level"), "city");
    EXPECT_EQ(ea.back().at("log_res"), rb[0].at("log_res"));
    // The forest plot, the same picture both ways.
    ASSERT_TRUE(fs::exists(tmp / "batch" / "forest_sports.png"));
    EXPECT_EQ(slurp_bytes(tmp / "batch" / "forest_sports.png"),
              slurp_bytes(tmp / "merged" / "forest_sports.png"));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

TEST(ProgrammeCounts, CountsPerSubUnitAreApportionedByAreaAndSaidToBeAnEstimate) {
    // The two-squares fixture: "Oeste" (W-1, x 0–500 m) and "Este" (E-1, x 500–1000 m). The
    // site is the western half of Oeste (x 0–250 m), so the target holds half of W-1's counts
    // and the control the other half plus all of E-1's. Start 2019-03-01: before = January
    // and February, after = March and April.
    //   target  a = ½(10 + 20) = 15,      b = ½(4 + 6) = 5
    //   control c = ½·30 + (30 + 30) = 75, d = ½·10 + (40 + 20) = 65
    //   RES = a·d / (b·c) = 15·65 / (5·75) = 2.6
    TempDir tmp;
    const fs::path counts = tmp.write("conteos.csv", "clave,total,anio,mes\n"
                                                     "W-1,10,2019,1\nW-1,20,2019,2\n"
                                                     "W-1,4,2019,3\nW-1,6,2019,4\n"
                                                     "E-1,30,2019,1\nE-1,30,2019,2\n"
                                                     "E-1,40,2019,3\nE-1,20,2019,4\n");
    const std::string x0 = "480000", x1 = "480250", y0 = "2130000", y1 = "2131000";
    const fs::path site =
        tmp.write("programa.geojson",
                  ProgrammeCity::header() +
                      R"({"type":"Feature","properties":{"nombre":"Parque","inicio":"2019-03-01"},)"
                      R"("geometry":{"type":"Polygon","coordinates":[[[)" +
                      x0 + "," + y0 + "],[" + x1 + "," + y0 + "],[" + x1 + "," + y1 + "],[" + x0 +
                      "," + y1 + "],[" + x0 + "," + y0 + "]]]}}]}");
    const std::string incidents = "{ counts = " + toml_path(counts) +
                                  ", key = \"clave\", unit_key = \"clave\", count = \"total\", "
                                  "year = \"anio\", month = \"mes\" }";
    const fs::path manifest =
        tmp.write("alliance.toml",
                  square_500_analysis("near_repeat = { permutations = 0 }") +
                      "[[city]]\nname = \"Conteos\"\n" + "boundary = " + two_squares_boundary() +
                      "\nincidents = " + incidents +
                      "\n[[city.interventions]]\nkind = \"parks\"\npath = " + toml_path(site) +
                      "\nname_field = \"nombre\"\nstart_field = \"inicio\"\n");
    const RunResult r =
        run_vigia({"run", manifest.string(), "-o", (tmp / "out").string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(tmp / "out" / "conteos.gpkg");
    const auto e = rows(*ds, "intervention_effects");
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].at("estimate"), "areal weighting");
    EXPECT_EQ(e[0].at("before_from"), "2019-01");
    EXPECT_EQ(e[0].at("after_to"), "2019-04");
    EXPECT_NEAR(num(e[0], "target_before"), 15, 1e-9);
    EXPECT_NEAR(num(e[0], "target_after"), 5, 1e-9);
    EXPECT_NEAR(num(e[0], "control_before"), 75, 1e-9);
    EXPECT_NEAR(num(e[0], "control_after"), 65, 1e-9);
    EXPECT_NEAR(num(e[0], "res"), 2.6, 1e-9);
    EXPECT_EQ(e[0].at("wdq"), "NULL"); // no buffer
    EXPECT_NE(e[0].at("reading").find("no buffer"), std::string::npos);
}

} // namespace
} // namespace vigia::test::cli
