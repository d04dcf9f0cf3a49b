// Time end to end: a generated city of two years of incidents with a planted persistent hot
// spot, a planted emerging one and planted near repeats; the run must classify the first as
// persistent, the second as new, consecutive or intensifying (ArcGIS's names), and find the
// near repeats at the planted distance and time.
//
// The city: a 4 km square in EPSG:32614 (x 480000–484000, y 2130000–2134000), 250 m square
// cells (256), monthly steps over 2022–2023 (22 whole months: the first and last are not
// complete), the default first-ring weights and time window 1.
//   - background: 40 incidents a month anywhere;
//   - persistent: 8 more a month, every month, in the 750 m block centred on (481125, 2131125);
//   - emerging: 10 more a month in months 17–24 only (the last third), in the 750 m block
//     centred on (482875, 2132875);
//   - near repeats: a third of the background incidents is followed 1–5 days later by another
//     within 60 m (whole days, so the pair falls in the first time band, 0–7 days, and in the
//     first distance band, 1–250 m).
// A small linear congruential generator makes the data the same on every platform.
#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace vigia::test::cli {
namespace {

/// Numerical Recipes' 64-bit LCG: the same numbers everywhere.
struct Lcg {
    std::uint64_t s;
    double uniform() { // [0, 1)
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

std::string two_digits(int v) {
    return (v < 10 ? "0" : "") + std::to_string(v);
}

class Time : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<TempDir>();
        const TempDir& d = *s_dir;
        d.write("city.geojson",
                R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name":
"urn:ogc:def:crs:EPSG::32614"}}, "features": [{"type": "Feature", "properties": {"nombre":
"Centro"}, "geometry": {"type": "Polygon", "coordinates": [[[480000, 2130000], [484000, 2130000],
[484000, 2134000], [480000, 2134000], [480000, 2130000]]]}}]})");
        std::string csv = "x,y,fecha,delito\n";
        Lcg rng{20240601};
        auto add = [&](double x, double y, int year, int month, int day, int hour) {
            csv += std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(year) + "-" +
                   two_digits(month) + "-" + two_digits(day) + "T" + two_digits(hour) +
                   ":30:00,robo\n";
        };
        for (int m = 0; m < 24; ++m) {
            const int year = 2022 + m / 12, month = m % 12 + 1;
            auto day = [&] { return 1 + static_cast<int>(rng.uniform() * 23); }; // 1–23
            auto hour = [&] { return static_cast<int>(rng.uniform() * 24); };
            for (int i = 0; i < 40; ++i) {
                const double x = 480000 + rng.uniform() * 4000, y = 2130000 + rng.uniform() * 4000;
                const int dd = day();
                add(x, y, year, month, dd, hour());
                if (rng.uniform() < 1.0 / 3) { // a near repeat 1–5 days later, within 60 m
                    const double a = rng.uniform() * 6.283185307179586, r = rng.uniform() * 60;
                    add(std::clamp(x + r * std::cos(a), 480001.0, 483999.0),
                        std::clamp(y + r * std::sin(a), 2130001.0, 2133999.0), year, month,
                        dd + 1 + static_cast<int>(rng.uniform() * 5), hour());
                }
            }
            for (int i = 0; i < 8; ++i)
                add(480750 + rng.uniform() * 750, 2130750 + rng.uniform() * 750, year, month, day(),
                    hour());
            if (m >= 16)
                for (int i = 0; i < 10; ++i)
                    add(482500 + rng.uniform() * 750, 2132500 + rng.uniform() * 750, year, month,
                        day(), hour());
        }
        const fs::path incidents = d.write("incidentes.csv", csv);
        const std::string manifest =
            "[analysis]\ngrid = \"square\"\ncell_size_m = 250\npermutations = 99\n"
            "time_step = \"month\"\nnear_repeat = { permutations = 199 }\n\n"
            "[[city]]\nname = \"Generada\"\nboundary = { path = " +
            toml_path(d / "city.geojson") + " }\nincidents = { path = " + toml_path(incidents) +
            ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"fecha\", category = "
            "\"delito\" }\n";
        const fs::path m = d.write("alliance.toml", manifest);
        s_run = std::make_unique<RunResult>(
            run_vigia({"run", m.string(), "-o", (d / "out").string(), "--quiet"}));
    }
    static void TearDownTestSuite() {
        s_run.reset();
        s_dir.reset();
    }
    void SetUp() override { ASSERT_EQ(s_run->exit_code, 0) << s_run->err << s_run->out; }
    static fs::path gpkg() { return *s_dir / "out" / "generada.gpkg"; }

    static inline std::unique_ptr<TempDir> s_dir;
    static inline std::unique_ptr<RunResult> s_run;
};

/// A text field of the grid cell containing (x, y).
std::string cell_text(GDALDataset& ds, double x, double y, const char* field) {
    OGRLayer* l = ds.GetLayerByName("grid");
    OGRPoint p{x, y};
    l->SetSpatialFilter(&p);
    l->ResetReading();
    std::string out;
    for (auto& f : *l)
        out = f->GetFieldAsString(field);
    l->SetSpatialFilter(nullptr);
    return out;
}

TEST_F(Time, APersistentHotSpotIsPersistentAndAnEmergingOneIsNew) {
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    EXPECT_EQ(cell_text(*ds, 481125, 2131125, "ehs_category"), "persistent hot spot");
    const std::string emerging = cell_text(*ds, 482875, 2132875, "ehs_category");
    EXPECT_TRUE(emerging == "new hot spot" || emerging == "consecutive hot spot" ||
                emerging == "intensifying hot spot")
        << emerging;
    // The planted emerging block was hot only in its last third.
    const std::string hot_steps = cell_text(*ds, 482875, 2132875, "ehs_hot_steps");
    EXPECT_LE(std::stoi(hot_steps), 9) << hot_steps;
    // The cells with a pattern are their own layer; city_stats counts them per pattern.
    std::set<std::string> patterns;
    OGRLayer* l = ds->GetLayerByName("emerging_hotspots");
    ASSERT_NE(l, nullptr);
    for (auto& f : *l)
        patterns.insert(f->GetFieldAsString("ehs_category"));
    EXPECT_TRUE(patterns.count("persistent hot spot"));
    EXPECT_FALSE(patterns.count("no pattern"));
    std::map<std::string, double> stats;
    for (auto& f : *ds->GetLayerByName("city_stats"))
        stats[f->GetFieldAsString("metric")] = f->GetFieldAsDouble("value");
    // The data start after 1 January 2022 and end before 31 December 2023: the first and
    // last months are incomplete and left out (partial_steps = "drop", the default).
    EXPECT_EQ(stats.at("ehs_time_steps"), 22);
    EXPECT_TRUE(Contains(s_run->out, "fall in incomplete time steps left out"));
    EXPECT_GE(stats.at("ehs_persistent_hot_spot_cells"), 1);
    double cells = 0;
    for (const auto& [k, v] : stats)
        if (k.rfind("ehs_", 0) == 0 && k.size() > 6 && k.substr(k.size() - 6) == "_cells")
            cells += v;
    EXPECT_EQ(cells, 256); // every cell has exactly one pattern (or none)
}

TEST_F(Time, NearRepeatsAreFoundAtThePlantedDistanceAndTime) {
    auto ds = open_read(gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* l = ds->GetLayerByName("near_repeat");
    ASSERT_NE(l, nullptr);
    // (space band, time band) → (ratio, p), all incidents.
    std::map<std::pair<long long, long long>, std::pair<double, double>> cells;
    for (auto& f : *l)
        if (std::string{f->GetFieldAsString("category")} == "all")
            cells[{f->GetFieldAsInteger64("space_band"), f->GetFieldAsInteger64("time_band")}] = {
                f->GetFieldAsDouble("ratio"), f->GetFieldAsDouble("p")};
    ASSERT_TRUE(cells.count({0, 0}));
    const auto [ratio, p] = cells.at({0, 0}); // 1–250 m, 0–7 days: the planted repeats
    EXPECT_GT(ratio, 1.5);
    EXPECT_LE(p, 0.01);
    // Far in space, beyond the time bands: as expected under random times.
    const auto far = cells.at({4, 4});
    EXPECT_NEAR(far.first, 1.0, 0.25);
    EXPECT_TRUE(Contains(s_run->out, "near repeat: within 250 m and 7 days")) << s_run->out;
}

} // namespace
} // namespace vigia::test::cli
