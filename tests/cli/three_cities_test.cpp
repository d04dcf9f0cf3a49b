// A batch of three hand-made cities (tests/data/three_cities/alliance.toml), run once for the
// whole suite: offence categories mapped to ICCS codes, Marshall's empirical Bayes rates,
// hot-spot stability (PAI, RRI, hit rate, Jaccard), the alliance table against each city's own
// GeoPackage, and a failing city that does not stop the others. Every expected number below is
// worked by hand from the fixture; the arithmetic is in the comments.
//
// [analysis]: square 500 m cells, categories = ["0401" robbery, "0502" theft and the codes
// below it], everything else by default (first-ring weights, FDR, 999 permutations).
//
// Cells are written as (row, column) from the south-west, row 0 the southern one; the grids in
// the comments are drawn with north at the top. Every city is a 2 km × 2 km square aligned to
// multiples of 500 m, so it holds 16 whole cells of 0.25 km² (4 km² in all).
//
// 1. Villa Norte (slug villa-norte), EPSG:32614, x 490000–492000, y 2140000–2142000.
//    Sub-units (barrios.geojson, field nombre): Centro = x 490000–491000, y 2140000–2141000
//    (cells (0,0) (0,1) (1,0) (1,1)); Oriente = x 491000–492000, same y (cells (0,2) (0,3)
//    (1,2) (1,3)); Norte = the north half, y 2141000–2142000 (rows 2 and 3).
//    Incidents (incidentes.csv): 19 points in longitude/latitude, converted with PROJ from UTM
//    positions at least 150 m from every cell edge. Rows 1–9 (the first half of 2023) put one
//    incident in each cell of rows 0–2, columns 0–2 at (x0 + 150, y0 + 200); rows 10–18 (the second
//    half) one in each cell of rows 0–2, columns 1–3 at (x0 + 350, y0 + 320); row 19 is 600 m east
//    of the boundary (rejected, outside_boundary). Labels (categorias.csv):
//      robo a transeúnte → 0401            rows 1 2 5 9 10 11 14 18     = 8
//      robo de celular sin violencia → 050221   rows 3 8 13            = 3 ┐ 0502: 5
//      robo de vehículo sin violencia → 050211  rows 7 17              = 2 ┘
//      lesiones dolosas → 02011            rows 4 15                    = 2
//      riña (unmapped)                     rows 6 16                    = 2
//      daño en propiedad ajena (unmapped)  row 12                       = 1      total 18
//    Counts per cell (all | 0401 | 0502):
//      0 0 0 0 | 0 0 0 0 | 0 0 0 0
//      1 2 2 1 | 0 0 1 1 | 1 1 1 0
//      1 2 2 1 | 0 1 1 0 | 0 1 0 0
//      1 2 2 1 | 1 2 1 0 | 0 0 1 0
//    Per sub-unit: Centro 6 (0401: rows 1 2 5 10 = 4; 0502: row 13 = 1), Oriente 6 (0401: rows
//    11 14 = 2; 0502: row 3 = 1), Norte 6 (0401: rows 9 18 = 2; 0502: rows 7 8 17 = 3).
//    Population (poblacion.geojson, field poblacion): S-1 = Centro's square, 2000; S-2 =
//    Oriente's square, 4000; S-3 = x 490000–492000, y 2141000–2142500, 1200, a third of it
//    north of the boundary. Areal weighting: S-1 cells 2000 · 0.25/1 = 500 each, S-2 cells
//    4000 · 0.25/1 = 1000 each, S-3 cells 1200 · 0.25/3 = 100 each (400 residents outside are
//    not counted). Sub-units: Centro 2000, Oriente 4000, Norte 800; residents 6800.
//
// 2. Ville-Haute (slug ville-haute), EPSG:32618: fails. Its population layer
//    (ville_haute/population.geojson) has the field "population", the manifest asks for
//    "habitants". It comes second, so the batch must go on to the third city.
//
// 3. Porto Claro (slug porto-claro), EPSG:32723, x 600000–602000, y 7460000–7462000: counts per
//    sub-unit and month (ocorrencias.csv). Sub-units (bairros.geojson, key codigo, name nome):
//    PC-01 Centro (south-west 1 km square), PC-02 Leste (south-east), PC-03 Noroeste
//    (north-west), PC-04 Nordeste (north-east). Rows (unit, count, label, month of 2022):
//      PC-01 3 roubo a transeunte 1 | PC-01 2 furto de celular 2 | PC-01 2 lesão corporal dolosa 3
//      PC-01 1 perturbação do sossego 3 | PC-01 4 roubo a transeunte 4 | PC-01 2 furto de celular 5
//      PC-01 2 lesão corporal dolosa 6 | PC-02 2 roubo a transeunte 5 | PC-02 2 furto de veículo 6
//      PC-04 3 furto de celular 4 | PC-04 1 perturbação do sossego 6
//    Labels (categorias.csv): roubo a transeunte → 0401, furto de celular → 050221, furto de
//    veículo → 050211, lesão corporal dolosa → 02011; perturbação do sossego unmapped (1 + 1 = 2).
//    Per sub-unit: Centro 3+2+2+1+4+2+2 = 16 (0401: 7; 0502: 4), Leste 4 (0401: 2; 0502: 2),
//    Noroeste 0, Nordeste 4 (0502: 3); total 24 (0401: 9; 0502: 9). Each unit's count is shared
//    evenly by its four cells (areal weighting), e.g. Centro's cells 16/4 = 4, 0401: 7/4 = 1.75.
//    Population (populacao.geojson, field habitantes): setor 1 = x 600000–601500,
//    y 7460000–7461000, 6000 → 6000 · 0.25/1.5 = 1000 per cell; setor 2 = x 601500–602000,
//    same y, 1000 → 1000 · 0.25/0.5 = 500 per cell; setor 3 = the north half, 2400 → 300 per
//    cell. Sub-units: Centro 4 · 1000 = 4000, Leste 2 · 1000 + 2 · 500 = 3000, Noroeste 1200,
//    Nordeste 1200; residents 9400.

#include "tests/cli/cli_helpers.hpp"
#include "tests/support/csv.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <regex>
#include <set>
#include <tuple>

namespace vigia::test::cli {
namespace {

/// A 4 × 4 block of cell values as drawn in the comments: [0] is the northern row.
using Drawn = std::array<std::array<double, 4>, 4>;

/// The cells of a drawn block, keyed by their centres; `x0`, `y0` the city's south-west corner.
std::map<CellKey, double> cells(long long x0, long long y0, const Drawn& d) {
    std::map<CellKey, double> out;
    for (int i = 0; i < 4; ++i)
        for (int c = 0; c < 4; ++c)
            out[{x0 + 250 + 500 * c, y0 + 250 + 500 * (3 - i)}] = d[i][c];
    return out;
}

/// The centre of cell (row, column) of a city whose south-west corner is (x0, y0).
CellKey cell(long long x0, long long y0, int row, int column) {
    return {x0 + 250 + 500 * column, y0 + 250 + 500 * row};
}

constexpr long long kVillaX = 490000, kVillaY = 2140000;
constexpr long long kPortoX = 600000, kPortoY = 7460000;

/// Every expected cell is there with its value, to a relative 1e-9, and no other cell is.
void expect_cells_near(const std::map<CellKey, double>& actual,
                       const std::map<CellKey, double>& expected, const std::string& what) {
    EXPECT_EQ(actual.size(), expected.size()) << what;
    for (const auto& [key, value] : expected) {
        const auto it = actual.find(key);
        if (it == actual.end()) {
            ADD_FAILURE() << what << ": no cell centred on (" << key.first << ", " << key.second
                          << ")";
            continue;
        }
        EXPECT_NEAR(it->second, value, 1e-9 * std::max(1.0, std::abs(value)))
            << what << " at (" << key.first << ", " << key.second << ")";
    }
}

void expect_units_near(const std::map<std::string, double>& actual,
                       const std::map<std::string, double>& expected, const std::string& what) {
    EXPECT_EQ(actual.size(), expected.size()) << what;
    for (const auto& [name, value] : expected) {
        const auto it = actual.find(name);
        if (it == actual.end()) {
            ADD_FAILURE() << what << ": no unit " << name;
            continue;
        }
        EXPECT_NEAR(it->second, value, 1e-9 * std::max(1.0, std::abs(value)))
            << what << " of " << name;
    }
}

/// One row of city_stats or of the alliance's metrics table (value NaN for NULL).
struct MetricRow {
    std::string category, category_name, metric;
    double value;
    std::string unit, description;
};

/// Two values are the same number, or both NULL.
bool same_value(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

std::vector<MetricRow> metric_rows(GDALDataset& ds, const std::string& layer,
                                   const std::string& slug = "") {
    std::vector<MetricRow> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    l->ResetReading();
    for (auto& f : *l) {
        if (!slug.empty() && f->GetFieldAsString("slug") != slug) continue;
        const int v = f->GetFieldIndex("value");
        out.push_back({f->GetFieldAsString("category"), f->GetFieldAsString("category_name"),
                       f->GetFieldAsString("metric"),
                       f->IsFieldSetAndNotNull(v) ? f->GetFieldAsDouble(v) : std::nan(""),
                       f->GetFieldAsString("unit"), f->GetFieldAsString("description")});
    }
    return out;
}

/// (category, metric) → value of a city's city_stats (NaN for NULL).
std::map<std::pair<std::string, std::string>, double> stats_of(GDALDataset& ds) {
    std::map<std::pair<std::string, std::string>, double> out;
    for (const MetricRow& r : metric_rows(ds, "city_stats"))
        if (!out.emplace(std::pair{r.category, r.metric}, r.value).second)
            ADD_FAILURE() << "city_stats has two rows for " << r.category << " " << r.metric;
    return out;
}

/// A text field of every feature of a layer, keyed by an integer field.
std::map<long long, std::string> text_by_row(GDALDataset& ds, const std::string& layer,
                                             const std::string& key, const std::string& field) {
    std::map<long long, std::string> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    l->ResetReading();
    for (auto& f : *l)
        out[f->GetFieldAsInteger64(key.c_str())] = f->GetFieldAsString(field.c_str());
    return out;
}

class ThreeCities : public ::testing::Test {
protected:
    // One batch for the whole suite: the fixture.three_cities CTest fixture.
    static void SetUpTestSuite() {
        s_shared = std::make_unique<SharedRun>(
            shared_run("three_cities", {"run", fixture("three_cities/alliance.toml").string()}));
        s_run = &s_shared->result;
    }
    static void TearDownTestSuite() { s_shared.reset(); }
    void SetUp() override {
        ASSERT_TRUE(fs::exists(villa()) && fs::exists(porto()))
            << "exit code " << s_run->exit_code << "\nstdout:\n"
            << s_run->out << "\nstderr:\n"
            << s_run->err;
    }

    static fs::path out_dir() { return s_shared->out; }
    static fs::path villa() { return out_dir() / "villa-norte.gpkg"; }
    static fs::path porto() { return out_dir() / "porto-claro.gpkg"; }

    static inline std::unique_ptr<SharedRun> s_shared;
    static inline const RunResult* s_run = nullptr;
};

TEST_F(ThreeCities, AFailingCityIsReportedAndTheOthersFinish) {
    EXPECT_EQ(s_run->exit_code, 1) << s_run->err;
    // The error names the city, the file and the missing field.
    EXPECT_TRUE(Contains(s_run->err, "vigia: Ville-Haute (ville-haute): "));
    EXPECT_TRUE(Contains(s_run->err, (fs::path{"ville_haute"} / "population.geojson").string()));
    EXPECT_TRUE(Contains(s_run->err, "no field 'habitants'"));
    EXPECT_TRUE(Contains(s_run->err, "1 of 3 cities failed: ville-haute"));
    // The city after it ran.
    EXPECT_TRUE(Contains(s_run->out, "Villa Norte (villa-norte)"));
    EXPECT_TRUE(Contains(s_run->out, "Porto Claro (porto-claro)"));
    EXPECT_TRUE(Contains(s_run->out, "alliance: "));
    EXPECT_TRUE(Contains(s_run->out, "(2 cities)"));
    // Nothing of the failed city, and no hidden partial file: every entry belongs to a city
    // that finished or to the alliance.
    EXPECT_FALSE(fs::exists(out_dir() / "ville-haute.gpkg"));
    const auto files = entries(out_dir());
    for (const char* f : {"alliance.csv", "alliance.gpkg", "villa-norte.gpkg",
                          "villa-norte_kde.tif", "porto-claro.gpkg"})
        EXPECT_TRUE(has(files, f)) << f << " missing from " << joined(files);
    for (const std::string& f : files) {
        EXPECT_NE(f[0], '.') << "hidden file left behind: " << joined(files);
        EXPECT_EQ(f.find("ville-haute"), std::string::npos) << joined(files);
        EXPECT_EQ(f.find("partial"), std::string::npos) << joined(files);
        EXPECT_TRUE(f.rfind("alliance", 0) == 0 || f.rfind("villa-norte", 0) == 0 ||
                    f.rfind("porto-claro", 0) == 0)
            << "unexpected output " << f << " in " << joined(files);
    }
    // The alliance holds the two cities that finished, in manifest order.
    auto al = open_read(out_dir() / "alliance.gpkg");
    ASSERT_TRUE(al);
    std::vector<std::string> in_order;
    for (auto& f : *al->GetLayerByName("cities"))
        in_order.push_back(f->GetFieldAsString("slug"));
    EXPECT_EQ(in_order, (std::vector<std::string>{"villa-norte", "porto-claro"}));
    std::set<std::string> slugs;
    for (auto& f : *al->GetLayerByName("metrics"))
        slugs.insert(f->GetFieldAsString("slug"));
    EXPECT_EQ(slugs, (std::set<std::string>{"villa-norte", "porto-claro"}));
    const std::string csv = slurp(out_dir() / "alliance.csv");
    EXPECT_EQ(csv.find("ville-haute"), std::string::npos);
    EXPECT_EQ(csv.find("Ville-Haute"), std::string::npos);
    // Inputs are never written: the fixture folder holds its committed files only.
    EXPECT_EQ(entries(fixture("three_cities")),
              (std::vector<std::string>{
                  "alliance.toml", "porto_claro", "porto_claro/bairros.geojson",
                  "porto_claro/categorias.csv", "porto_claro/ocorrencias.csv",
                  "porto_claro/populacao.geojson", "villa_norte", "villa_norte/barrios.geojson",
                  "villa_norte/categorias.csv", "villa_norte/incidentes.csv",
                  "villa_norte/poblacion.geojson", "ville_haute", "ville_haute/categories.csv",
                  "ville_haute/incidents.csv", "ville_haute/population.geojson",
                  "ville_haute/quartiers.geojson"}));
}

TEST_F(ThreeCities, GivesEachIncidentTheIccsCodeOfItsLabel) {
    auto ds = open_read(villa());
    ASSERT_TRUE(ds);
    // Rows as listed at the top; "" for the unmapped labels; row 19 was outside the boundary.
    const std::vector<std::string> codes{"0401",   "0401",   "050221", "02011", "0401",   "",
                                         "050211", "050221", "0401",   "0401",  "0401",   "",
                                         "050221", "0401",   "02011",  "",      "050211", "0401"};
    std::map<long long, std::string> expected;
    for (std::size_t i = 0; i < codes.size(); ++i)
        expected[static_cast<long long>(i) + 1] = codes[i];
    EXPECT_EQ(text_by_row(*ds, "incidents", "source_row", "iccs"), expected);
    const auto labels = text_by_row(*ds, "incidents", "source_row", "category");
    EXPECT_EQ(labels.at(6), "riña");
    EXPECT_EQ(labels.at(12), "daño en propiedad ajena");
    EXPECT_EQ(labels.at(1), "robo a transeúnte");

    // Porto Claro: every counts row carries the code of its label.
    auto pc = open_read(porto());
    ASSERT_TRUE(pc);
    OGRLayer* rows = pc->GetLayerByName("unit_counts");
    ASSERT_TRUE(rows);
    std::set<std::pair<std::string, std::string>> pairs;
    for (auto& f : *rows)
        pairs.emplace(f->GetFieldAsString("category"), f->GetFieldAsString("iccs"));
    EXPECT_EQ(pairs,
              (std::set<std::pair<std::string, std::string>>{{"roubo a transeunte", "0401"},
                                                             {"furto de celular", "050221"},
                                                             {"furto de veículo", "050211"},
                                                             {"lesão corporal dolosa", "02011"},
                                                             {"perturbação do sossego", ""}}));
    EXPECT_EQ(rows->GetFeatureCount(TRUE), 11);
}

TEST_F(ThreeCities, ListsExactlyTheUnmappedLabelsWithTheirIncidents) {
    for (const auto& [path, expected] :
         {std::pair{villa(),
                    std::map<std::string, double>{{"riña", 2}, {"daño en propiedad ajena", 1}}},
          std::pair{porto(), std::map<std::string, double>{{"perturbação do sossego", 2}}}}) {
        SCOPED_TRACE(path.string());
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        EXPECT_EQ(by_name(*ds, "unmapped_categories", "label", "incidents"), expected);
        EXPECT_EQ(feature_count(*ds, "unmapped_categories"),
                  static_cast<long long>(expected.size()));
        EXPECT_EQ(info_number(run_info(*ds), "unmapped_categories"),
                  static_cast<double>(expected.size()));
    }
    // Still counted everywhere: 18 and 24 incidents in all.
    auto vn = open_read(villa());
    auto pc = open_read(porto());
    ASSERT_TRUE(vn && pc);
    EXPECT_EQ(sum_field(*vn, "grid", "count"), 18);
    EXPECT_EQ(sum_field(*pc, "units", "count"), 24);
    EXPECT_TRUE(Contains(s_run->out, "2 categories (3 incidents) are not in"));
    EXPECT_TRUE(Contains(s_run->out, "1 categories (2 incidents) are not in"));
}

TEST_F(ThreeCities, CountsEachCategoryInItsCellsAndSubUnits) {
    auto vn = open_read(villa());
    ASSERT_TRUE(vn);
    // The blocks drawn at the top.
    expect_cells_near(
        by_cell(*vn, "count"),
        cells(kVillaX, kVillaY, {{{0, 0, 0, 0}, {1, 2, 2, 1}, {1, 2, 2, 1}, {1, 2, 2, 1}}}),
        "villa-norte count");
    expect_cells_near(
        by_cell(*vn, "count_0401"),
        cells(kVillaX, kVillaY, {{{0, 0, 0, 0}, {0, 0, 1, 1}, {0, 1, 1, 0}, {1, 2, 1, 0}}}),
        "villa-norte count_0401");
    expect_cells_near(
        by_cell(*vn, "count_0502"),
        cells(kVillaX, kVillaY, {{{0, 0, 0, 0}, {1, 1, 1, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}}),
        "villa-norte count_0502");
    EXPECT_EQ(by_name(*vn, "units", "name", "count"),
              (std::map<std::string, double>{{"Centro", 6}, {"Oriente", 6}, {"Norte", 6}}));
    EXPECT_EQ(by_name(*vn, "units", "name", "count_0401"),
              (std::map<std::string, double>{{"Centro", 4}, {"Oriente", 2}, {"Norte", 2}}));
    EXPECT_EQ(by_name(*vn, "units", "name", "count_0502"),
              (std::map<std::string, double>{{"Centro", 1}, {"Oriente", 1}, {"Norte", 3}}));

    auto pc = open_read(porto());
    ASSERT_TRUE(pc);
    // Each unit's count shared by its four cells: Centro 16, 0401 7, 0502 4; Leste 4, 2, 2;
    // Noroeste 0; Nordeste 4, 0, 3.
    expect_cells_near(
        by_cell(*pc, "count"),
        cells(kPortoX, kPortoY, {{{0, 0, 1, 1}, {0, 0, 1, 1}, {4, 4, 1, 1}, {4, 4, 1, 1}}}),
        "porto-claro count");
    expect_cells_near(
        by_cell(*pc, "count_0401"),
        cells(kPortoX, kPortoY,
              {{{0, 0, 0, 0}, {0, 0, 0, 0}, {1.75, 1.75, 0.5, 0.5}, {1.75, 1.75, 0.5, 0.5}}}),
        "porto-claro count_0401");
    expect_cells_near(
        by_cell(*pc, "count_0502"),
        cells(kPortoX, kPortoY,
              {{{0, 0, 0.75, 0.75}, {0, 0, 0.75, 0.75}, {1, 1, 0.5, 0.5}, {1, 1, 0.5, 0.5}}}),
        "porto-claro count_0502");
    EXPECT_EQ(by_name(*pc, "units", "name", "count"),
              (std::map<std::string, double>{
                  {"Centro", 16}, {"Leste", 4}, {"Noroeste", 0}, {"Nordeste", 4}}));
    EXPECT_EQ(by_name(*pc, "units", "name", "count_0401"),
              (std::map<std::string, double>{
                  {"Centro", 7}, {"Leste", 2}, {"Noroeste", 0}, {"Nordeste", 0}}));
    EXPECT_EQ(by_name(*pc, "units", "name", "count_0502"),
              (std::map<std::string, double>{
                  {"Centro", 4}, {"Leste", 2}, {"Noroeste", 0}, {"Nordeste", 3}}));

    // city_stats: the same statistics for all incidents and for each category, with its name.
    for (const auto& [path, all, robbery, theft, residents] :
         {std::tuple{villa(), 18.0, 8.0, 5.0, 6800.0},
          std::tuple{porto(), 24.0, 9.0, 9.0, 9400.0}}) {
        SCOPED_TRACE(path.string());
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        const auto stats = stats_of(*ds);
        EXPECT_EQ(stats.at({"all", "incidents"}), all);
        EXPECT_EQ(stats.at({"0401", "incidents"}), robbery);
        EXPECT_EQ(stats.at({"0502", "incidents"}), theft);
        for (const std::string code : {"all", "0401", "0502"}) {
            SCOPED_TRACE(code);
            for (const char* m : {"incidents", "area_km2", "incidents_per_km2", "cells", "moran_i",
                                  "general_g", "gini", "hot_cells", "pai", "rri", "hit_rate",
                                  "hotspot_jaccard", "residents", "incidents_per_100k"})
                EXPECT_TRUE(stats.count({code, m})) << "no row " << m;
            EXPECT_EQ(stats.at({code, "area_km2"}), 4);
            EXPECT_EQ(stats.at({code, "cells"}), 16);
            EXPECT_NEAR(stats.at({code, "residents"}), residents, 1e-6);
        }
        // Per 100,000 residents: 18/6800, 8/6800, 5/6800 and 24/9400, 9/9400, 9/9400.
        EXPECT_NEAR(stats.at({"all", "incidents_per_100k"}), all / residents * 1e5, 1e-9);
        EXPECT_NEAR(stats.at({"0401", "incidents_per_100k"}), robbery / residents * 1e5, 1e-9);
        EXPECT_NEAR(stats.at({"0502", "incidents_per_100k"}), theft / residents * 1e5, 1e-9);
        std::map<std::string, std::set<std::string>> names;
        for (const MetricRow& r : metric_rows(*ds, "city_stats"))
            names[r.category].insert(r.category_name);
        EXPECT_EQ(names,
                  (std::map<std::string, std::set<std::string>>{
                      {"all", {"all offences"}}, {"0401", {"Robbery"}}, {"0502", {"Theft"}}}));
    }
}

// Residents by areal weighting and Marshall's global empirical Bayes rates (docs/methods.md
// §11, as analysis/rates.cpp and spdep::EBest): over the features with residents,
//   b = Σe/Σn,  s² = Σ n_i (e_i/n_i − b)² / Σn = (Σ e_i²/n_i − (Σe)²/Σn) / Σn,
//   n̄ = Σn / (number of features),  a = max(0, s² − b/n̄),
//   C_i = a / (a + b/n_i),  EB_i = b + C_i (e_i/n_i − b),  written per 100,000.
TEST_F(ThreeCities, SmoothsRatesWithMarshallsGlobalEmpiricalBayes) {
    auto vn = open_read(villa());
    ASSERT_TRUE(vn);
    expect_cells_near(by_cell(*vn, "population"),
                      cells(kVillaX, kVillaY,
                            {{{100, 100, 100, 100},
                              {100, 100, 100, 100},
                              {500, 500, 1000, 1000},
                              {500, 500, 1000, 1000}}}),
                      "villa-norte population");
    expect_units_near(by_name(*vn, "units", "name", "population"),
                      {{"Centro", 2000}, {"Oriente", 4000}, {"Norte", 800}},
                      "villa-norte population");
    // S-3's third north of the boundary: 1200 / 3 = 400 residents not counted.
    EXPECT_NEAR(info_number(run_info(*vn), "population_outside_boundary"), 400, 1e-6);
    // Raw rates e/n · 100,000: rows 0–1: 1/500, 2/500, 2/1000, 1/1000; row 2: 1/100, 2/100 …
    expect_cells_near(
        by_cell(*vn, "rate_100k"),
        cells(
            kVillaX, kVillaY,
            {{{0, 0, 0, 0}, {1000, 2000, 2000, 1000}, {200, 400, 200, 100}, {200, 400, 200, 100}}}),
        "villa-norte rate_100k");
    // Villa Norte, grid (16 cells, all with residents):
    //   Σe = 18, Σn = 4·500 + 4·1000 + 8·100 = 6800, b = 18/6800 = 9/3400 (264.70588 per 100k).
    //   Σ e²/n = (1+4+1+4)/500 + (4+1+4+1)/1000 + (1+4+4+1)/100 + 0 = 0.02 + 0.01 + 0.1 = 0.13;
    //   (Σe)²/Σn = 324/6800 = 81/1700; 0.13 − 81/1700 = (221 − 81)/1700 = 7/85;
    //   s² = (7/85)/6800 = 7/578000 = 35/2890000.
    //   n̄ = 6800/16 = 425, b/n̄ = 9/1445000 = 18/2890000, a = 17/2890000 = 1/170000.
    //   n = 500:  b/n = 9/1700000, a = 10/1700000 → C = 10/19.
    //     e = 1: EB = 9/3400 + (10/19)(6.8/3400 − 9/3400) = (171 − 22)/64600 = 149/64600
    //     e = 2: EB = 9/3400 + (10/19)(13.6/3400 − 9/3400) = (171 + 46)/64600 = 217/64600
    //   n = 1000: b/n = 9/3400000, a = 20/3400000 → C = 20/29.
    //     e = 1: (9·29 − 20·5.6)/98600 = 149/98600;  e = 2: (261 − 20·2.2)/98600 = 217/98600
    //   n = 100:  b/n = 9/340000, a = 2/340000 → C = 2/11.
    //     e = 1: (99 + 2·25)/37400 = 149/37400;  e = 2: (99 + 2·59)/37400 = 217/37400;
    //     e = 0: (99 − 2·9)/37400 = 81/37400.
    // (Checked with R: spdep::EBest(e, n)$estmm gives the same 16 values.)
    const double k = 1e5;
    expect_cells_near(
        by_cell(*vn, "rate_100k_eb"),
        cells(kVillaX, kVillaY,
              {{{81 * k / 37400, 81 * k / 37400, 81 * k / 37400, 81 * k / 37400},
                {149 * k / 37400, 217 * k / 37400, 217 * k / 37400, 149 * k / 37400},
                {149 * k / 64600, 217 * k / 64600, 217 * k / 98600, 149 * k / 98600},
                {149 * k / 64600, 217 * k / 64600, 217 * k / 98600, 149 * k / 98600}}}),
        "villa-norte rate_100k_eb");
    // Villa Norte, sub-units: e = 6, 6, 6; n = 2000 (Centro), 4000 (Oriente), 800 (Norte).
    //   b = 18/6800 = 9/3400. Σ e²/n = 36/2000 + 36/4000 + 36/800 = 0.018 + 0.009 + 0.045 = 0.072;
    //   0.072 − 81/1700 = (122.4 − 81)/1700 = 207/8500; s² = 207/(8500·6800) = 414/115600000.
    //   n̄ = 6800/3, b/n̄ = 27/23120000 = 135/115600000, a = 279/115600000.
    //   Centro  n = 2000: b/n = 153/115600000, C = 279/432 = 31/48,
    //           EB = 264.70588 + (31/48)(300 − 264.70588) = 287.5 (exactly: 23/8000)
    //   Oriente n = 4000: b/n = 76.5/115600000, C = 279/355.5 = 62/79,
    //           EB = 264.70588 + (62/79)(150 − 264.70588) = 174.68354 (69/39500)
    //   Norte   n = 800:  b/n = 382.5/115600000, C = 279/661.5 = 62/147,
    //           EB = 264.70588 + (62/147)(750 − 264.70588) = 469.38776 (23/4900)
    expect_units_near(by_name(*vn, "units", "name", "rate_100k"),
                      {{"Centro", 300}, {"Oriente", 150}, {"Norte", 750}}, "villa-norte rate");
    expect_units_near(
        by_name(*vn, "units", "name", "rate_100k_eb"),
        {{"Centro", 23 * k / 8000}, {"Oriente", 69 * k / 39500}, {"Norte", 23 * k / 4900}},
        "villa-norte rate_100k_eb");

    auto pc = open_read(porto());
    ASSERT_TRUE(pc);
    expect_cells_near(by_cell(*pc, "population"),
                      cells(kPortoX, kPortoY,
                            {{{300, 300, 300, 300},
                              {300, 300, 300, 300},
                              {1000, 1000, 1000, 500},
                              {1000, 1000, 1000, 500}}}),
                      "porto-claro population");
    expect_units_near(by_name(*pc, "units", "name", "population"),
                      {{"Centro", 4000}, {"Leste", 3000}, {"Noroeste", 1200}, {"Nordeste", 1200}},
                      "porto-claro population");
    // Porto Claro, grid: e (drawn above) 4 4 1 1 on n 1000 1000 1000 500 (rows 0–1), and
    //   0 0 1 1 on n = 300 (rows 2–3). Σe = 24, Σn = 6·1000 + 2·500 + 8·300 = 9400,
    //   b = 24/9400 = 3/1175 (255.31915 per 100k).
    //   Σ e²/n = 4·16/1000 + 2·1/1000 + 2·1/500 + 4·1/300 = 0.064 + 0.002 + 0.004 + 0.013333
    //          = 0.083333; (Σe)²/Σn = 576/9400 = 0.061277; s² = 0.022057/9400 = 2.3465e-6.
    //   n̄ = 9400/16 = 587.5, b/n̄ = (3/1175)/587.5 = 4.3459e-6 > s², so a = 0: no variance
    //   beyond Poisson noise, and every cell's EB rate is b itself, 255.31915 per 100k.
    expect_cells_near(by_cell(*pc, "rate_100k"),
                      cells(kPortoX, kPortoY,
                            {{{0, 0, 1e5 / 300, 1e5 / 300},
                              {0, 0, 1e5 / 300, 1e5 / 300},
                              {400, 400, 100, 200},
                              {400, 400, 100, 200}}}),
                      "porto-claro rate_100k");
    const double b = 3 * k / 1175;
    expect_cells_near(
        by_cell(*pc, "rate_100k_eb"),
        cells(kPortoX, kPortoY, {{{b, b, b, b}, {b, b, b, b}, {b, b, b, b}, {b, b, b, b}}}),
        "porto-claro rate_100k_eb");
    // Porto Claro, sub-units: e = 16, 4, 0, 4; n = 4000, 3000, 1200, 1200; b = 3/1175.
    //   Σ e²/n = 256/4000 + 16/3000 + 0 + 16/1200 = 31/375 = 1457/17625;
    //   (Σe)²/Σn = 576/9400 = 1080/17625; s² = (377/17625)/9400 = 377/165675000.
    //   n̄ = 2350, b/n̄ = 3/2761250 = 180/165675000, a = 197/165675000.
    //   Centro   n = 4000: b/n = 3/4700000 = 105.75/165675000, C = 197/302.75 = 788/1211,
    //            EB = 3/1175 + (788/1211)(16/4000 − 3/1175) → 423200/1211 = 349.46325 per 100k
    //   Leste    n = 3000: b/n = 141/165675000, C = 197/338,
    //            EB = 3/1175 + (197/338)(4/3000 − 3/1175) → 93400/507 = 184.22091
    //   Noroeste n = 1200: b/n = 352.5/165675000, C = 197/549.5 = 394/1099,
    //            EB = 3/1175 + (394/1099)(0 − 3/1175) → 180000/1099 = 163.78526
    //   Nordeste n = 1200: the same C, EB = 3/1175 + (394/1099)(4/1200 − 3/1175)
    //            → 934000/3297 = 283.28784
    // (spdep::EBest gives the same four values.)
    expect_units_near(
        by_name(*pc, "units", "name", "rate_100k"),
        {{"Centro", 400}, {"Leste", 4e5 / 3000}, {"Noroeste", 0}, {"Nordeste", 4e5 / 1200}},
        "porto-claro rate");
    expect_units_near(by_name(*pc, "units", "name", "rate_100k_eb"),
                      {{"Centro", 423200.0 / 1211},
                       {"Leste", 93400.0 / 507},
                       {"Noroeste", 180000.0 / 1099},
                       {"Nordeste", 934000.0 / 3297}},
                      "porto-claro rate_100k_eb");
}

// Getis–Ord Gi* with the first ring of cells and self (docs/methods.md §8):
//   z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1))), S² = Σx²/n − x̄², n = 16,
// so √((16 W − W²)/15) = √3.2 = 1.78885 (corner, W = 4), √4 = 2 (edge, W = 6),
// √4.2 = 2.04939 (inside, W = 9). p = erfc(|z|/√2); Benjamini–Hochberg over the 16 p-values:
// at level α a cell is significant when p ≤ the largest p_(k) with p_(k) ≤ k α/16.
// Hot = class ≥ 2 (significant at 0.05).
TEST_F(ThreeCities, FindsTheHotCellsOfTheWholePeriod) {
    // Villa Norte, all 18 incidents (rows 0–2: 1 2 2 1; row 3: 0): x̄ = 18/16 = 1.125,
    // Σx² = 30, S² = 1.875 − 1.265625 = 0.609375, S = 0.780625.
    //   (1,1): Σ = 1+2+2 three times = 15, z = (15 − 10.125)/(0.780625·2.04939) = 3.047, p = 0.0023
    //   (1,2): the same by symmetry.
    //   (0,1): Σ = 10, z = (10 − 6.75)/(0.780625·2) = 2.082, p = 0.037; (0,2) the same.
    //   (1,0): Σ = 9, z = (9 − 6.75)/1.56125 = 1.441, p = 0.15; (1,3) the same; the rest
    //   |z| ≤ 1.121 (e.g. (3,1): Σ = 5, z = (5 − 6.75)/1.56125 = −1.121), p ≥ 0.26.
    //   BH at 0.05: k = 2: 0.0023 ≤ 0.00625 yes; k = 3, 4: 0.037 > 0.0125; beyond, p ≥ 0.15
    //   > 0.05. At 0.01: 0.0023 > 0.00125 and > 0.000625: none. So (1,1) and (1,2) class 2.
    auto vn = open_read(villa());
    ASSERT_TRUE(vn);
    const Drawn villa_hot{{{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 2, 2, 0}, {0, 0, 0, 0}}};
    EXPECT_EQ(by_cell(*vn, "gi_class"), cells(kVillaX, kVillaY, villa_hot));
    EXPECT_NEAR(by_cell(*vn, "gi_z").at(cell(kVillaX, kVillaY, 1, 1)),
                4.875 / (std::sqrt(0.609375) * std::sqrt(4.2)), 1e-9);
    // Porto Claro, all 24 (Centro's cells 4, Leste's and Nordeste's 1, Noroeste's 0): x̄ = 1.5,
    // Σx² = 4·16 + 8·1 = 72, S² = 4.5 − 2.25 = 2.25, S = 1.5.
    //   (0,0): Σ = 16, z = (16 − 6)/(1.5·1.78885) = 3.727, p = 0.0002
    //   (0,1): Σ = 4·4 + 1 + 1 = 18, z = (18 − 9)/(1.5·2) = 3.000, p = 0.0027
    //   (1,0): Σ = 16, z = (16 − 9)/3 = 2.333, p = 0.0196; (3,1): Σ = 2, z = −2.333
    //   (3,0): Σ = 0, z = −6/2.68328 = −2.236, p = 0.0253; the rest |z| < 2.
    //   BH at 0.05: k = 2: 0.0027 ≤ 0.00625 yes; k = 3, 4: 0.0196 > 0.0125; k = 5: 0.0253 >
    //   0.0156; beyond, |z| ≤ 1.789 ((1,1): Σ = 19, z = (19 − 13.5)/(1.5·2.04939)), p ≥ 0.073
    //   > 0.05: none.
    //   At 0.01: k = 1: 0.0002 ≤ 0.000625 yes; k = 2: 0.0027 > 0.00125.
    //   So (0,0) class 3, (0,1) class 2: the hot cells.
    auto pc = open_read(porto());
    ASSERT_TRUE(pc);
    std::set<CellKey> hot;
    for (const auto& [key, cls] : by_cell(*pc, "gi_class"))
        if (cls >= 2) hot.insert(key);
    EXPECT_EQ(hot, (std::set<CellKey>{cell(kPortoX, kPortoY, 0, 0), cell(kPortoX, kPortoY, 0, 1)}));
    EXPECT_EQ(by_cell(*pc, "gi_class").at(cell(kPortoX, kPortoY, 0, 0)), 3);
    EXPECT_EQ(by_cell(*pc, "gi_class").at(cell(kPortoX, kPortoY, 0, 1)), 2);
    for (const auto& [path, hot_cells] : {std::pair{villa(), 2.0}, std::pair{porto(), 2.0}}) {
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        const auto stats = stats_of(*ds);
        EXPECT_EQ(stats.at({"all", "hot_cells"}), hot_cells) << path;
        EXPECT_EQ(stats.at({"all", "hotspot_areas"}), 1) << path; // the two cells touch
        // The hotspots layer holds the areas of all incidents (category "all") and of each
        // category: one area of all incidents, the two hot cells dissolved.
        OGRLayer* areas = ds->GetLayerByName("hotspots");
        ASSERT_TRUE(areas);
        const bool per_category = areas->GetLayerDefn()->GetFieldIndex("category") >= 0;
        std::vector<std::pair<double, double>> all_areas; // (cells, area_km2)
        for (auto& f : *areas)
            if (!per_category || std::string{f->GetFieldAsString("category")} == "all")
                all_areas.emplace_back(f->GetFieldAsDouble("cells"),
                                       f->GetFieldAsDouble("area_km2"));
        ASSERT_EQ(all_areas.size(), 1u) << path;
        EXPECT_EQ(all_areas[0].first, 2) << path;
        EXPECT_NEAR(all_areas[0].second, 0.5, 1e-9) << path;
    }
}

// Hot-spot stability (docs/methods.md §10): the hot cells (Gi* class ≥ 2, as above) of the
// train period against the incidents of the test period. n2 = test incidents in the train hot
// cells, N2 = all test incidents, a/A = their share of the area, n1 and N1 the same for train:
// hit rate = n2/N2, PAI = (n2/N2)/(a/A), RRI = (n2/n1)/(N2/N1), Jaccard = |H1 ∩ H2|/|H1 ∪ H2|.
TEST_F(ThreeCities, ScoresTheTrainHotSpotsOnTheTestPeriod) {
    // Villa Norte: the data run from 01/01/2023 (row 1) to 31/12/2023 (row 18), 364 days; the
    // test period starts at the midnight nearest the middle, 1 January + 182 days = 2 July.
    // Train (rows 1–9): one incident in each cell of rows 0–2, columns 0–2; x̄ = 9/16,
    // S² = 9/16 − 81/256 = 63/256, S = 0.496078.
    //   (1,1): Σ = 9, z = (9 − 81/16)/(0.496078·2.04939) = 3.9375/1.016658 = 3.873 (√15),
    //          p = 0.000108
    //   (0,1), (1,0): Σ = 6, z = (6 − 3.375)/(0.496078·2) = 2.646 (√7), p = 0.0082
    //   (0,0): Σ = 4, z = (4 − 2.25)/(0.496078·1.78885) = 1.972, p = 0.049
    //   (1,2), (2,1): Σ = 6, z = (6 − 5.0625)/1.016658 = 0.922; (0,2), (2,0): Σ = 4, z = 0.63;
    //   the others negative, the lowest (3,3): Σ = 1, z = (1 − 2.25)/0.887410 = −1.409, p = 0.16.
    //   BH at 0.05: k = 3: 0.0082 ≤ 0.009375 yes; k = 4: 0.049 > 0.0125; beyond, p ≥ 0.16.
    //   So H1 = {(1,1), (0,1), (1,0)}, 0.75 km² of 4: a/A = 3/16.
    // Test (rows 10–18): one in each cell of rows 0–2, columns 1–3: the mirror image, so
    //   H2 = {(1,2), (0,2), (1,3)}; H1 ∩ H2 = ∅: Jaccard = 0/6 = 0.
    // Test incidents in H1: (1,1) 1, (0,1) 1, (1,0) 0 → n2 = 2 of N2 = 9: hit rate = 2/9,
    // PAI = (2/9)/(3/16) = 32/27; n1 = 3 of N1 = 9: RRI = (2/3)/(9/9) = 2/3.
    auto vn = open_read(villa());
    ASSERT_TRUE(vn);
    const auto vinfo = run_info(*vn);
    EXPECT_EQ(vinfo.at("stability_train"), "2023-01-01/2023-07-01");
    EXPECT_EQ(vinfo.at("stability_test"), "2023-07-02/2023-12-31");
    const auto v = stats_of(*vn);
    EXPECT_NEAR(v.at({"all", "hit_rate"}), 2.0 / 9, 1e-12);
    EXPECT_NEAR(v.at({"all", "pai"}), 32.0 / 27, 1e-12);
    EXPECT_NEAR(v.at({"all", "rri"}), 2.0 / 3, 1e-12);
    EXPECT_EQ(v.at({"all", "hotspot_jaccard"}), 0);

    // Porto Claro: months January–June 2022, each stamped on its first day; from 1 January
    // to 1 June is 151 days, the middle 17 March 12:00, the nearest midnight 18 March: train
    // January–March, test April–June.
    // Train: Centro 3+2+2+1 = 8, 2 per cell; elsewhere 0. x̄ = 0.5, S² = 16/16 − 0.25 = 0.75,
    // S = 0.866025.
    //   (0,0): Σ = 8, z = (8 − 2)/(0.866025·1.78885) = 3.873, p = 0.000108
    //   (0,1), (1,0): Σ = 8, z = (8 − 3)/(0.866025·2) = 2.887, p = 0.0039
    //   (1,1): Σ = 8, z = (8 − 4.5)/(0.866025·2.04939) = 1.972, p = 0.049
    //   the rest |z| ≤ 1.732 (p ≥ 0.083).
    //   BH at 0.05: k = 3: 0.0039 ≤ 0.009375 yes; k = 4: 0.049 > 0.0125; beyond, p ≥ 0.083
    //   > 0.05: none.
    //   H1 = {(0,0), (0,1), (1,0)}, a/A = 3/16.
    // Test: Centro 4+2+2 = 8 (2 per cell), Leste 2+2 = 4 (1 per cell), Nordeste 3+1 = 4 (1 per
    // cell), Noroeste 0. x̄ = 16/16 = 1, Σx² = 4·4 + 8·1 = 24, S² = 1.5 − 1 = 0.5, S = 0.707107.
    //   (0,0): Σ = 8, z = (8 − 4)/(0.707107·1.78885) = 3.162 (√10), p = 0.00157
    //   (0,1): Σ = 2+2+2+2+1+1 = 10, z = (10 − 6)/(0.707107·2) = 2.828 (√8), p = 0.0047
    //   (1,0): Σ = 8, z = (8 − 6)/1.414214 = 1.414, p = 0.157; (1,1): Σ = 11, z = 1.380
    //   (3,0): Σ = 0, z = −√10; (3,1): Σ = 2, z = −√8 (cold, p as their mirrors); the
    //   rest |z| ≤ 1.414, p ≥ 0.157.
    //   BH at 0.05: k = 4: 0.0047 ≤ 0.0125 yes; k = 5: 0.157 > 0.0156; beyond, p ≥ 0.157 > 0.05.
    //   H2 = {(0,0), (0,1)}; H1 ∩ H2 = 2 cells, H1 ∪ H2 = 3: Jaccard = 2/3.
    // Test incidents in H1: 2 + 2 + 2 = 6 of N2 = 16: hit rate = 3/8, PAI = (3/8)/(3/16) = 2;
    // n1 = 6 of N1 = 8: RRI = (6/6)/(16/8) = 1/2.
    auto pc = open_read(porto());
    ASSERT_TRUE(pc);
    const auto pinfo = run_info(*pc);
    EXPECT_EQ(pinfo.at("stability_train"), "2022-01-01/2022-03-17");
    EXPECT_EQ(pinfo.at("stability_test"), "2022-03-18/2022-06-01");
    const auto p = stats_of(*pc);
    EXPECT_NEAR(p.at({"all", "hit_rate"}), 3.0 / 8, 1e-12);
    EXPECT_NEAR(p.at({"all", "pai"}), 2, 1e-12);
    EXPECT_NEAR(p.at({"all", "rri"}), 0.5, 1e-12);
    EXPECT_NEAR(p.at({"all", "hotspot_jaccard"}), 2.0 / 3, 1e-12);

    // Porto Claro, robbery (0401) alone. Train: Centro 3 (0.75 per cell): the same shape as
    // all incidents, H1 = {(0,0), (0,1), (1,0)}. Test: Centro 4 (1 per cell), Leste 2 (0.5 per
    // cell): x̄ = 6/16 = 0.375, Σx² = 4·1 + 4·0.25 = 5, S² = 0.3125 − 0.140625 = 0.171875,
    // S = 0.414578.
    //   (0,0): Σ = 4, z = (4 − 1.5)/(0.414578·1.78885) = 3.371, p = 0.00075
    //   (0,1): Σ = 4 + 1 = 5, z = (5 − 2.25)/(0.414578·2) = 3.317, p = 0.00091
    //   (3,1), (3,2): Σ = 0, z = −2.25/0.829156 = −2.714, p = 0.0067
    //   (1,0), (0,2): Σ = 4, z = (4 − 2.25)/0.829156 = 2.111, p = 0.035
    //   (3,0), (3,3): Σ = 0, z = −1.5/(0.414578·1.78885) = −2.023, p = 0.043
    //   (1,1): Σ = 5, z = (5 − 3.375)/(0.414578·2.04939) = 1.913, p = 0.056; the rest smaller.
    //   BH at 0.05: k = 4: 0.0067 ≤ 0.0125 yes; k = 5, 6: 0.035 > 0.01875; k = 7, 8: 0.043 >
    //   0.025; beyond, p ≥ 0.056 > 0.05: none.
    //   H2 = {(0,0), (0,1)}: Jaccard = 2/3.
    // Test robberies in H1: 1 + 1 + 1 = 3 of N2 = 6: hit rate = 1/2, PAI = (1/2)/(3/16) = 8/3;
    // n1 = 3 · 0.75 = 2.25 of N1 = 3: RRI = (3/2.25)/(6/3) = 2/3.
    EXPECT_NEAR(p.at({"0401", "hit_rate"}), 0.5, 1e-12);
    EXPECT_NEAR(p.at({"0401", "pai"}), 8.0 / 3, 1e-12);
    EXPECT_NEAR(p.at({"0401", "rri"}), 2.0 / 3, 1e-12);
    EXPECT_NEAR(p.at({"0401", "hotspot_jaccard"}), 2.0 / 3, 1e-12);
}

TEST_F(ThreeCities, AllianceMetricsEqualEachCitysOwnStatistics) {
    auto al = open_read(out_dir() / "alliance.gpkg");
    ASSERT_TRUE(al);
    const Csv csv{out_dir() / "alliance.csv"};
    EXPECT_TRUE(Contains(slurp(out_dir() / "alliance.csv"),
                         "city,slug,category,category_name,metric,value,unit\n"));
    std::size_t rows_seen = 0, nulls = 0;
    for (const auto& [name, slug, path] :
         {std::tuple{std::string{"Villa Norte"}, std::string{"villa-norte"}, villa()},
          std::tuple{std::string{"Porto Claro"}, std::string{"porto-claro"}, porto()}}) {
        SCOPED_TRACE(slug);
        auto ds = open_read(path);
        ASSERT_TRUE(ds);
        const std::vector<MetricRow> own = metric_rows(*ds, "city_stats");
        const std::vector<MetricRow> shared = metric_rows(*al, "metrics", slug);
        ASSERT_EQ(shared.size(), own.size());
        ASSERT_GT(own.size(), 60u); // all incidents and two categories
        const std::vector<std::size_t> lines = csv.where("slug", slug);
        ASSERT_EQ(lines.size(), own.size());
        for (std::size_t i = 0; i < own.size(); ++i) {
            const MetricRow& o = own[i];
            const MetricRow& s = shared[i];
            SCOPED_TRACE(o.category + " " + o.metric);
            EXPECT_EQ(s.category, o.category);
            EXPECT_EQ(s.category_name, o.category_name);
            EXPECT_EQ(s.metric, o.metric);
            EXPECT_TRUE(same_value(s.value, o.value)) << s.value << " vs " << o.value;
            EXPECT_EQ(s.unit, o.unit);
            EXPECT_EQ(s.description, o.description);
            // The CSV: the same row, the value written so that it reads back exactly; empty
            // for NULL.
            const std::size_t line = lines[i];
            EXPECT_EQ(csv.text(line, "city"), name);
            EXPECT_EQ(csv.text(line, "category"), o.category);
            EXPECT_EQ(csv.text(line, "category_name"), o.category_name);
            EXPECT_EQ(csv.text(line, "metric"), o.metric);
            EXPECT_EQ(csv.text(line, "unit"), o.unit);
            const std::string& text = csv.text(line, "value");
            if (std::isnan(o.value)) {
                EXPECT_EQ(text, "");
                ++nulls;
            } else {
                ASSERT_FALSE(text.empty());
                EXPECT_EQ(std::strtod(text.c_str(), nullptr), o.value) << text;
            }
            ++rows_seen;
        }
    }
    // Nothing else in the alliance, and the NULL ↔ empty rule was exercised.
    EXPECT_EQ(static_cast<std::size_t>(feature_count(*al, "metrics")), rows_seen);
    EXPECT_EQ(csv.rows(), rows_seen);
    EXPECT_GT(nulls, 0u);
}

TEST_F(ThreeCities, AllianceCitiesLayerHasOneFeaturePerFinishedCityWithItsMetrics) {
    auto al = open_read(out_dir() / "alliance.gpkg");
    ASSERT_TRUE(al);
    EXPECT_EQ(epsg_of(*al, "cities"), "EPSG:4326");
    OGRLayer* l = al->GetLayerByName("cities");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->GetFeatureCount(TRUE), 2);
    std::set<std::string> seen;
    for (auto& f : *l) {
        const std::string slug = f->GetFieldAsString("slug");
        seen.insert(slug);
        SCOPED_TRACE(slug);
        auto ds = open_read(out_dir() / (slug + ".gpkg"));
        ASSERT_TRUE(ds);
        EXPECT_EQ(f->GetFieldAsString("city"), run_info(*ds).at("city"));
        std::size_t compared = 0;
        for (const MetricRow& r : metric_rows(*ds, "city_stats")) {
            if (r.category != "all") continue;
            const int i = f->GetFieldIndex(r.metric.c_str());
            ASSERT_GE(i, 0) << "no field " << r.metric;
            const double v = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan("");
            EXPECT_TRUE(same_value(v, r.value)) << r.metric << ": " << v << " vs " << r.value;
            ++compared;
        }
        EXPECT_GT(compared, 30u);
        // The boundary, in longitude/latitude, around the city's hand-made square.
        const OGRGeometry* g = f->GetGeometryRef();
        ASSERT_TRUE(g);
        OGREnvelope e;
        g->getEnvelope(&e);
        if (slug == "villa-norte") {
            EXPECT_NEAR(e.MinX, -99.094, 0.01);
            EXPECT_NEAR(e.MinY, 19.354, 0.01);
        } else {
            EXPECT_NEAR(e.MinX, -44.03, 0.05);
            EXPECT_NEAR(e.MinY, -22.96, 0.05);
        }
    }
    EXPECT_EQ(seen, (std::set<std::string>{"villa-norte", "porto-claro"}));
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

/// The class bounds (lower, upper) of a graduated QGIS style of `table`, named `style`.
std::vector<std::pair<double, double>> style_ranges(const fs::path& gpkg, const std::string& table,
                                                    const std::string& style) {
    std::vector<std::pair<double, double>> out;
    auto ds = open_read(gpkg);
    OGRLayer* l = ds->GetLayerByName("layer_styles");
    if (!l) {
        ADD_FAILURE() << gpkg << " has no layer_styles";
        return out;
    }
    for (auto& f : *l) {
        if (std::string{f->GetFieldAsString("f_table_name")} != table ||
            std::string{f->GetFieldAsString("styleName")} != style)
            continue;
        const std::string qml = f->GetFieldAsString("styleQML");
        const std::regex range{"<range [^>]*lower=\"([^\"]+)\" upper=\"([^\"]+)\""};
        for (auto it = std::sregex_iterator(qml.begin(), qml.end(), range);
             it != std::sregex_iterator(); ++it)
            out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
    }
    return out;
}

TEST_F(ThreeCities, DensityAndRateClassesAreSharedByEveryCity) {
    for (const auto& [table, style, field] :
         {std::tuple{"grid", "Density per year", "density_km2_year"},
          std::tuple{"grid", "Rate (empirical Bayes)", "rate_100k_eb"},
          std::tuple{"units", "Density per year", "density_km2_year"}}) {
        const auto a = style_ranges(villa(), table, style);
        const auto b = style_ranges(porto(), table, style);
        ASSERT_GE(a.size(), 2u) << table << " " << style;
        EXPECT_EQ(a, b) << table << " " << style << ": one colour, one value in both cities";
        EXPECT_EQ(a.front().first, 0);
        for (std::size_t i = 1; i < a.size(); ++i)
            EXPECT_EQ(a[i].first, a[i - 1].second) << "contiguous classes";
        // Every city's values fall inside the classes.
        for (const fs::path& city : {villa(), porto()}) {
            auto ds = open_read(city);
            OGRLayer* l = ds->GetLayerByName(table);
            for (auto& f : *l) {
                const int i = f->GetFieldIndex(field);
                ASSERT_GE(i, 0) << field;
                if (f->IsFieldSetAndNotNull(i)) {
                    EXPECT_LE(f->GetFieldAsDouble(i), a.back().second) << city;
                }
            }
        }
    }
}

} // namespace
} // namespace vigia::test::cli
