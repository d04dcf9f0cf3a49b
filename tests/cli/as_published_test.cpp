// Inputs exactly as police forces and cities publish them (issue 10): Socrata exports, police.uk
// months, Latin-1 CSVs, Excel locales and sheets, extracts wider than the city, separate date
// and time columns, year/month/day/hour/minute columns, and records per area by code or name.
// Each test writes its fixture in the published form, counts independently what it holds
// (cell by cell, by the arithmetic of the 500 m squares), and reads the outputs back with GDAL.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigia::test::cli {
namespace {

/// One planted incident: UTM 14N position inside (or outside) the two-squares fixture, and
/// its civil time.
struct Plant {
    double x, y;
    int year, month, day, hour, minute;
};

/// Ten incidents in the 1 km square (cells: SW 4, SE 3, NW 2, NE 1) at varied times.
const std::vector<Plant> kPlants{
    {480100, 2130100, 2018, 12, 1, 0, 25},   {480200, 2130300, 2018, 12, 1, 13, 10},
    {480300, 2130200, 2018, 12, 2, 12, 0},   {480400, 2130400, 2018, 12, 13, 23, 59},
    {480600, 2130100, 2018, 12, 14, 7, 5},   {480700, 2130300, 2018, 12, 20, 9, 45},
    {480900, 2130400, 2018, 12, 24, 18, 30}, {480100, 2130600, 2018, 12, 25, 1, 1},
    {480300, 2130900, 2018, 12, 28, 15, 15}, {480700, 2130700, 2018, 12, 31, 22, 0},
};

/// The independent count: the 500 m cell of each planted point.
std::map<CellKey, double> expected_cells(const std::vector<Plant>& plants) {
    std::map<CellKey, double> out{
        {kSouthWest, 0}, {kSouthEast, 0}, {kNorthWest, 0}, {kNorthEast, 0}};
    for (const Plant& p : plants) {
        if (p.x < 480000 || p.x >= 481000 || p.y < 2130000 || p.y >= 2131000) continue;
        const long long cx = 480250 + 500 * static_cast<long long>((p.x - 480000) / 500);
        const long long cy = 2130250 + 500 * static_cast<long long>((p.y - 2130000) / 500);
        out[{cx, cy}] += 1;
    }
    return out;
}

std::string two(int v) {
    return (v < 10 ? "0" : "") + std::to_string(v);
}

/// "2018-12-01T00:25:00" of a DateTime field.
std::string iso_field(OGRFeature& f, const char* name) {
    int y, m, d, hh, mm, tz;
    float ss;
    if (!f.GetFieldAsDateTime(f.GetFieldIndex(name), &y, &m, &d, &hh, &mm, &ss, &tz)) return "";
    return std::to_string(y) + "-" + two(m) + "-" + two(d) + "T" + two(hh) + ":" + two(mm) + ":" +
           two(static_cast<int>(ss));
}

class AsPublished : public ::testing::Test {
protected:
    void SetUp() override { fs::create_directories(out()); }
    fs::path out() const { return tmp / "out"; }

    RunResult run_city(const std::string& incidents, const std::string& boundary = "",
                       const std::string& analysis_extra = "") {
        const std::string m =
            square_500_analysis("permutations = 0\n" + analysis_extra) +
            city("Cuadro", boundary.empty() ? two_squares_boundary() : boundary, incidents);
        return run_vigia({"run", tmp.write("alliance.toml", m).string(), "-o", out().string(),
                          "--quiet", "--overwrite"});
    }
    std::string csv(const std::string& name, const std::string& text) {
        return toml_path(tmp.write(name, text));
    }
    /// The incidents layer's times in source-row order.
    std::vector<std::string> times() {
        auto ds = open_read(out() / "cuadro.gpkg");
        std::map<long long, std::string> t;
        for (auto& f : *ds->GetLayerByName("incidents"))
            t[f->GetFieldAsInteger64("source_row")] = iso_field(*f, "time");
        std::vector<std::string> v;
        for (auto& [row, s] : t)
            v.push_back(s);
        return v;
    }
    std::vector<std::string> precisions() {
        auto ds = open_read(out() / "cuadro.gpkg");
        std::map<long long, std::string> t;
        for (auto& f : *ds->GetLayerByName("incidents"))
            t[f->GetFieldAsInteger64("source_row")] = f->GetFieldAsString("time_precision");
        std::vector<std::string> v;
        for (auto& [row, s] : t)
            v.push_back(s);
        return v;
    }
    void expect_counts(const std::vector<Plant>& plants) {
        auto ds = open_read(out() / "cuadro.gpkg");
        ASSERT_TRUE(ds);
        EXPECT_EQ(by_cell(*ds, "count"), expected_cells(plants));
    }
    std::map<std::string, std::string> info() {
        auto ds = open_read(out() / "cuadro.gpkg");
        return run_info(*ds);
    }
    TempDir tmp;
};

TEST_F(AsPublished, SanFranciscoSocrataYearFirstWithTwelveHourClock) {
    std::string text = "Incident Datetime,Point X,Point Y\n";
    for (const Plant& p : kPlants) {
        const int h12 = p.hour % 12 == 0 ? 12 : p.hour % 12;
        text += std::to_string(p.year) + "/" + two(p.month) + "/" + two(p.day) + " " + two(h12) +
                ":" + two(p.minute) + ":00 " + (p.hour < 12 ? "AM" : "PM") + "," +
                std::to_string(p.x) + "," + std::to_string(p.y) + "\n";
    }
    const RunResult r = run_city("{ path = " + csv("sf.csv", text) +
                                 ", x = \"Point X\", y = \"Point Y\", crs = \"EPSG:32614\", "
                                 "time = \"Incident Datetime\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    const auto t = times();
    ASSERT_EQ(t.size(), kPlants.size());
    EXPECT_EQ(t[0], "2018-12-01T00:25:00"); // 12:25 AM
    EXPECT_EQ(t[1], "2018-12-01T13:10:00"); // 01:10 PM
    EXPECT_EQ(t[2], "2018-12-02T12:00:00"); // 12:00 PM
    EXPECT_EQ(precisions()[0], "minute");
    EXPECT_TRUE(Contains(info().at("time_format"), "yyyy/mm/dd hh:mm:ss AM/PM"));
}

TEST_F(AsPublished, ChicagoMonthFirstDecidedByTheColumn) {
    std::string text = "ID,Date,X Coordinate,Y Coordinate\n";
    int id = 1;
    for (const Plant& p : kPlants) {
        const int h12 = p.hour % 12 == 0 ? 12 : p.hour % 12;
        text += std::to_string(id++) + "," + two(p.month) + "/" + two(p.day) + "/" +
                std::to_string(p.year) + " " + two(h12) + ":" + two(p.minute) + ":00 " +
                (p.hour < 12 ? "AM" : "PM") + "," + std::to_string(p.x) + "," +
                std::to_string(p.y) + "\n";
    }
    const RunResult r = run_city("{ path = " + csv("chicago.csv", text) +
                                 ", x = \"X Coordinate\", y = \"Y Coordinate\", crs = "
                                 "\"EPSG:32614\", time = \"Date\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    const auto t = times();
    EXPECT_EQ(t[3], "2018-12-13T23:59:00"); // 12/13/2018 11:59 PM: 13 is the day
    EXPECT_EQ(t[4], "2018-12-14T07:05:00");
    EXPECT_TRUE(Contains(info().at("time_format"), "month first"));
    EXPECT_TRUE(Contains(info().at("time_format"), "12/13/2018"));
}

TEST_F(AsPublished, ColombiaMidnightOnlyTimesAreDatesNotMidnights) {
    std::string text = "FECHA HECHO,LONGITUD,LATITUD\n";
    for (const Plant& p : kPlants)
        text += two(p.month) + "/" + two(p.day) + "/" + std::to_string(p.year) + " 12:00:00 AM," +
                std::to_string(p.x) + "," + std::to_string(p.y) + "\n";
    const RunResult r = run_city(
        "{ path = " + csv("colombia.csv", text) +
        ", x = \"LONGITUD\", y = \"LATITUD\", crs = \"EPSG:32614\", time = \"FECHA HECHO\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    EXPECT_EQ(precisions()[0], "day");
    auto ds = open_read(out() / "cuadro.gpkg");
    // The clock: every incident is on its day, none at midnight.
    double midnight = 0, no_hour = 0;
    for (auto& f : *ds->GetLayerByName("clock"))
        if (f->GetFieldAsInteger64("unit_id") == 0) {
            midnight += f->GetFieldAsDouble("midnight");
            no_hour += f->GetFieldAsDouble("no_hour");
        }
    EXPECT_EQ(midnight, 0);
    EXPECT_EQ(no_hour, 10);
}

TEST_F(AsPublished, PoliceUkMonthsCountEverywhereButTheClock) {
    std::string text = "Crime ID,Month,Longitude,Latitude\n";
    int id = 1;
    for (const Plant& p : kPlants)
        text += "c" + std::to_string(id++) + "," + std::to_string(p.year) + "-" + two(p.month) +
                "," + std::to_string(p.x) + "," + std::to_string(p.y) + "\n";
    const RunResult r =
        run_city("{ path = " + csv("police_uk.csv", text) +
                 ", x = \"Longitude\", y = \"Latitude\", crs = \"EPSG:32614\", time = \"Month\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    EXPECT_EQ(precisions()[0], "month");
    EXPECT_EQ(times()[0], "2018-12-01T00:00:00"); // the month's start, with month precision
    auto ds = open_read(out() / "cuadro.gpkg");
    double in_clock = 0;
    for (auto& f : *ds->GetLayerByName("clock"))
        in_clock += f->GetFieldAsDouble("total");
    EXPECT_EQ(in_clock, 0); // no day of the week is known
    std::map<std::string, double> m;
    for (auto& f : *ds->GetLayerByName("city_stats"))
        if (std::string{f->GetFieldAsString("category")} == "all")
            m[f->GetFieldAsString("metric")] = f->GetFieldAsDouble("value");
    EXPECT_EQ(m.at("time_month_only_share"), 1.0);
    // A whole month: 31 days of December, in the rate per year.
    EXPECT_NEAR(std::stod(info().at("years_covered")), 31 / 365.2425, 1e-9);
    EXPECT_TRUE(Contains(r.out, "known only to the month"));
}

TEST_F(AsPublished, Latin1CsvIsReadAsWindows1252AndWrittenAsUtf8) {
    std::string text = "lon,lat,delito\n";
    for (const Plant& p : kPlants)
        text += std::to_string(p.x) + "," + std::to_string(p.y) + ",ROBO A TRANSE\xDANTE\n";
    const fs::path map = tmp.write("map.csv", "label,iccs\nROBO A TRANSEÚNTE,0401\n");
    const std::string manifest =
        square_500_analysis("permutations = 0\n") +
        "[[city]]\nname = \"Cuadro\"\nboundary = " + two_squares_boundary() +
        "\nincidents = { path = " + csv("latin1.csv", text) +
        ", x = \"lon\", y = \"lat\", crs = \"EPSG:32614\", category = \"delito\" }\n"
        "categories = " +
        toml_path(map) + "\n";
    const RunResult r = run_vigia(
        {"run", tmp.write("alliance.toml", manifest).string(), "-o", out().string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "Windows-1252"));
    auto ds = open_read(out() / "cuadro.gpkg");
    for (auto& f : *ds->GetLayerByName("incidents")) {
        EXPECT_STREQ(f->GetFieldAsString("category"), "ROBO A TRANSEÚNTE");
        EXPECT_STREQ(f->GetFieldAsString("iccs"), "0401"); // the UTF-8 map matches
    }
    EXPECT_TRUE(Contains(run_info(*ds).at("incidents_encoding"), "CP1252"));
    EXPECT_EQ(feature_count(*ds, "unmapped_categories"), 0);
}

TEST_F(AsPublished, SemicolonFileWithDecimalCommas) {
    // Excel in a Spanish locale: ';' between fields, ',' in the numbers, degrees.
    const RunResult r =
        run_city("{ path = " +
                 csv("excel_es.csv", "\xEF\xBB\xBFid;lon;lat;fecha\n" // with Excel's UTF-8 BOM
                                     "1;-99,1879488;19,2658113;01/12/2018\n"
                                     "2;-99,1831907;19,2658162;25/12/2018\n"
                                     "3;-99,1879540;19,2703300;31/12/2018\n") +
                 ", x = \"lon\", y = \"lat\", crs = \"EPSG:4326\", time = \"fecha\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    EXPECT_EQ(by_cell(*ds, "count"),
              (std::map<CellKey, double>{
                  {kSouthWest, 1}, {kSouthEast, 1}, {kNorthWest, 1}, {kNorthEast, 0}}));
    EXPECT_TRUE(Contains(run_info(*ds).at("incidents_decimal"), "decimal comma"));
}

TEST_F(AsPublished, XlsxSheetWithNumericCoordinatesAndDateCells) {
    // A sheet as a spreadsheet writes it: Real longitude/latitude cells, Date cells.
    const fs::path xlsx = tmp / "delitos.xlsx";
    {
        GDALAllRegister();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
        ASSERT_NE(drv, nullptr);
        GDALDatasetUniquePtr ds{drv->Create(xlsx.c_str(), 0, 0, 0, GDT_Unknown, nullptr)};
        ASSERT_TRUE(ds);
        OGRLayer* l = ds->CreateLayer("hechos", nullptr, wkbNone, nullptr);
        OGRFieldDefn lon{"lon", OFTReal}, lat{"lat", OFTReal}, fecha{"fecha", OFTDate};
        l->CreateField(&lon);
        l->CreateField(&lat);
        l->CreateField(&fecha);
        const double pts[][2] = {{-99.1879488, 19.2658113},
                                 {-99.1831907, 19.2658162},
                                 {-99.1831957, 19.2703348},
                                 {-99.1831957, 19.2703348}};
        for (int i = 0; i < 4; ++i) {
            OGRFeatureUniquePtr f{OGRFeature::CreateFeature(l->GetLayerDefn())};
            f->SetField("lon", pts[i][0]);
            f->SetField("lat", pts[i][1]);
            f->SetField("fecha", 2018, 12, 10 + i, 0, 0, 0.0f, 0);
            ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
        }
    }
    const RunResult r =
        run_city("{ path = " + toml_path(xlsx) +
                 ", x = \"lon\", y = \"lat\", crs = \"EPSG:4326\", time = \"fecha\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    EXPECT_EQ(by_cell(*ds, "count"),
              (std::map<CellKey, double>{
                  {kSouthWest, 1}, {kSouthEast, 1}, {kNorthWest, 0}, {kNorthEast, 2}}));
    EXPECT_EQ(times()[0], "2018-12-10T00:00:00");
    EXPECT_EQ(precisions()[0], "day");
}

TEST_F(AsPublished, AForceWideExtractIsAcceptedWithTheShareOutside) {
    // Three in four points lie elsewhere in the same CRS (a force's area, not the city's).
    std::string text = "x,y\n";
    std::vector<Plant> all = kPlants;
    for (int i = 0; i < 30; ++i)
        all.push_back({470000.0 + 100 * i, 2120000.0 + 50 * i, 2018, 12, 1, 0, 0});
    for (const Plant& p : all)
        text += std::to_string(p.x) + "," + std::to_string(p.y) + "\n";
    const std::string spec =
        "{ path = " + csv("force.csv", text) + ", x = \"x\", y = \"y\", crs = \"EPSG:32614\"";
    const RunResult r = run_city(spec + " }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "75% of the incidents (30 of 40) fall outside the boundary"));
    expect_counts(all);
    EXPECT_EQ(info_number(info(), "rejected_outside_boundary"), 30);
    // Tightened, the same extract fails, naming the key.
    const RunResult tight = run_city(spec + ", max_outside_share = 0.5 }");
    EXPECT_EQ(tight.exit_code, 1);
    EXPECT_TRUE(Contains(tight.err, "max_outside_share = 0.5"));
}

TEST_F(AsPublished, AWrongCrsStillFailsWhenNothingFallsInside) {
    std::string text = "x,y\n";
    for (const Plant& p : kPlants)
        text += std::to_string(p.x) + "," + std::to_string(p.y) + "\n";
    const RunResult r = run_city("{ path = " + csv("wrong.csv", text) +
                                 ", x = \"x\", y = \"y\", crs = \"EPSG:32613\" }");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "none falls inside"));
    EXPECT_TRUE(Contains(r.err, "they do not overlap"));
    EXPECT_TRUE(Contains(r.err, "EPSG:32613"));
    EXPECT_FALSE(fs::exists(out() / "cuadro.gpkg"));
}

TEST_F(AsPublished, SeparateDateAndTimeOfDayColumns) {
    // CDMX-style fecha_hechos + hora_hechos; one record without its hour keeps its date.
    std::string text = "fecha_hechos,hora_hechos,x,y\n";
    for (std::size_t i = 0; i < kPlants.size(); ++i) {
        const Plant& p = kPlants[i];
        text += two(p.day) + "/" + two(p.month) + "/" + std::to_string(p.year) + "," +
                (i == 5 ? "" : two(p.hour) + ":" + two(p.minute)) + "," + std::to_string(p.x) +
                "," + std::to_string(p.y) + "\n";
    }
    const RunResult r = run_city("{ path = " + csv("cdmx.csv", text) +
                                 ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", "
                                 "time = [\"fecha_hechos\", \"hora_hechos\"] }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    const auto t = times();
    EXPECT_EQ(t[0], "2018-12-01T00:25:00");
    EXPECT_EQ(t[3], "2018-12-13T23:59:00");
    EXPECT_EQ(t[5], "2018-12-20T00:00:00"); // no hour: the date, with day precision
    const auto p = precisions();
    EXPECT_EQ(p[0], "minute");
    EXPECT_EQ(p[5], "day");
    EXPECT_TRUE(Contains(info().at("time_of_day_format"), "hh:mm"));
}

TEST_F(AsPublished, VancouverYearMonthDayHourMinuteColumns) {
    std::string text = "TYPE,YEAR,MONTH,DAY,HOUR,MINUTE,X,Y\n";
    for (const Plant& p : kPlants)
        text += "Theft," + std::to_string(p.year) + "," + std::to_string(p.month) + "," +
                std::to_string(p.day) + "," + std::to_string(p.hour) + "," +
                std::to_string(p.minute) + "," + std::to_string(p.x) + "," + std::to_string(p.y) +
                "\n";
    const RunResult r =
        run_city("{ path = " + csv("vancouver.csv", text) +
                 ", x = \"X\", y = \"Y\", crs = \"EPSG:32614\", time = { year = \"YEAR\", month = "
                 "\"MONTH\", day = \"DAY\", hour = \"HOUR\", minute = \"MINUTE\" } }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
    const auto t = times();
    EXPECT_EQ(t[6], "2018-12-24T18:30:00");
    EXPECT_EQ(precisions()[6], "minute");
}

/// A boundary of two sub-units with numeric codes and accented names (the squares again).
std::string coded_boundary(const TempDir& tmp) {
    const fs::path p = tmp.write(
        "municipios.geojson",
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32614"}},
"features":[
{"type":"Feature","properties":{"codigo":"05001","nombre":"San José"},"geometry":{"type":"Polygon","coordinates":[[[480000,2130000],[480500,2130000],[480500,2131000],[480000,2131000],[480000,2130000]]]}},
{"type":"Feature","properties":{"codigo":"05002","nombre":"Escazú"},"geometry":{"type":"Polygon","coordinates":[[[480500,2130000],[481000,2130000],[481000,2131000],[480500,2131000],[480500,2130000]]]}}]})");
    return "{ path = " + toml_path(p) + ", name_field = \"nombre\" }";
}

TEST_F(AsPublished, RecordsPerMunicipalityCodeWithoutCountsMatchByNumber) {
    // Colombia's Policía Nacional: one row per incident with its DANE code as a number (the
    // leading zero lost), and a trailing TOTAL row.
    const RunResult r = run_city(
        "{ counts = " +
            csv("policia.csv",
                "CODIGO DANE,FECHA,DELITO\n"
                "5001,01/12/2018,hurto\n5001,02/12/2018,hurto\n5001,03/12/2018,hurto\n"
                "5002,15/12/2018,lesiones\n5002,16/12/2018,hurto\n"
                "TOTAL,,\n") +
            ", key = \"CODIGO DANE\", unit_key = \"codigo\", key_match = \"number\", time = "
            "\"FECHA\", category = \"DELITO\" }",
        coded_boundary(tmp));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    const auto units = by_name(*ds, "units", "name", "count");
    EXPECT_EQ(units.at("San José"), 3);
    EXPECT_EQ(units.at("Escazú"), 2);
    const auto i = run_info(*ds);
    EXPECT_EQ(info_number(i, "records"), 6);
    // The TOTAL row has no date: it is rejected and listed, not counted.
    EXPECT_EQ(info_number(i, "rejected_missing_time"), 1);
    EXPECT_EQ(feature_count(*ds, "rejected"), 1);
}

TEST_F(AsPublished, RecordsPerCantonNameMatchFoldingCaseAndAccents) {
    // Costa Rica's OIJ: one row per incident, the canton's name in capitals without accents,
    // an Excel serial date and a 3-hour band.
    const RunResult r =
        run_city("{ counts = " +
                     csv("oij.csv", "Delito,Fecha,Hora,Canton\n"
                                    "ASALTO,43435,00:00:00 - 02:59:59,SAN JOSE\n"
                                    "ASALTO,43436,03:00:00 - 05:59:59,SAN JOSE\n"
                                    "HURTO,43440,18:00:00 - 20:59:59,ESCAZU\n"
                                    "HURTO,43441,18:00:00 - 20:59:59,ESCAZÚ\n"
                                    "ROBO,43442,21:00:00 - 23:59:59,  san  josé \n"
                                    "ROBO,43443,21:00:00 - 23:59:59,TOTAL\n") +
                     ", key = \"Canton\", key_match = \"name\", time = [\"Fecha\", \"Hora\"], "
                     "category = \"Delito\" }",
                 coded_boundary(tmp));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    const auto units = by_name(*ds, "units", "name", "count");
    EXPECT_EQ(units.at("San José"), 3);
    EXPECT_EQ(units.at("Escazú"), 2);
    const auto i = run_info(*ds);
    EXPECT_EQ(info_number(i, "rejected_unknown_unit"), 1); // TOTAL, listed like any key
    // 43435 is 2018-12-01: every row falls in December 2018.
    std::map<std::string, double> month;
    for (auto& f : *ds->GetLayerByName("unit_counts"))
        month[std::to_string(f->GetFieldAsInteger("year")) + "-" +
              two(f->GetFieldAsInteger("month"))] += f->GetFieldAsDouble("count");
    EXPECT_EQ(month, (std::map<std::string, double>{{"2018-12", 5}}));
}

TEST_F(AsPublished, CountsWithMonthNamesInTheirLanguages) {
    // A ministry's monthly counts with the month written out (es, pt, en).
    const RunResult r = run_city(
        "{ counts = " +
            csv("meses.csv", "codigo,anio,mes,total\n"
                             "05001,2018,ENERO,4\n05001,2018,Febrero,2\n05002,2018,março,3\n"
                             "05002,2018,April,1\n05002,2018,Brumario,9\n") +
            ", key = \"codigo\", unit_key = \"codigo\", count = \"total\", year = \"anio\", "
            "month = \"mes\" }",
        coded_boundary(tmp));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    std::map<std::string, double> month;
    for (auto& f : *ds->GetLayerByName("unit_counts"))
        month[two(f->GetFieldAsInteger("month"))] += f->GetFieldAsDouble("count");
    EXPECT_EQ(month, (std::map<std::string, double>{{"01", 4}, {"02", 2}, {"03", 3}, {"04", 1}}));
    const auto i = run_info(*ds);
    EXPECT_EQ(info_number(i, "rejected_bad_time"), 9); // Brumario is no month: its 9 listed
}

TEST_F(AsPublished, SqlDerivesTheKeyFromAnEightDigitCode) {
    // A DANE code 05001000 (municipality 05001, then a 3-digit populated place).
    const RunResult r = run_city(
        "{ counts = " + csv("dane.csv", "cod,n\n05001000,4\n05001001,1\n05002000,2\n") +
            ", sql = \"SELECT CAST(cod AS INTEGER) / 1000 AS mun, CAST(n AS INTEGER) AS n FROM "
            "dane\", key = \"mun\", unit_key = \"codigo\", key_match = \"number\", count = \"n\" }",
        coded_boundary(tmp));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    const auto units = by_name(*ds, "units", "name", "count");
    EXPECT_EQ(units.at("San José"), 5);
    EXPECT_EQ(units.at("Escazú"), 2);
}

TEST_F(AsPublished, KeysThatMatchNothingFailSuggestingKeyMatch) {
    const RunResult r =
        run_city("{ counts = " + csv("codes.csv", "cod,n\n5001,4\n5002,2\n5001,1\n") +
                     ", key = \"cod\", unit_key = \"codigo\", count = \"n\" }",
                 coded_boundary(tmp));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "codes.csv"));
    EXPECT_TRUE(Contains(r.err, "unknown_unit"));
    EXPECT_TRUE(Contains(r.err, "field 'cod'"));
    EXPECT_TRUE(Contains(r.err, "cod = '5001'"));
    EXPECT_TRUE(Contains(r.err, "key_match = \"number\""));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(AsPublished, UnreadableTimesFailNamingFieldRowsAndTimeFormat) {
    std::string text = "when,x,y\n";
    for (const Plant& p : kPlants)
        text += "el " + std::to_string(p.day) + " de diciembre de 2018," + std::to_string(p.x) +
                "," + std::to_string(p.y) + "\n";
    const RunResult r = run_city("{ path = " + csv("texto.csv", text) +
                                 ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"when\" }");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "texto.csv"));
    EXPECT_TRUE(Contains(r.err, "no incident is counted"));
    EXPECT_TRUE(Contains(r.err, "bad_time in field 'when'"));
    EXPECT_TRUE(Contains(r.err, "row 1: when = 'el 1 de diciembre de 2018'"));
    EXPECT_TRUE(Contains(r.err, "row 3:"));
    EXPECT_TRUE(Contains(r.err, "time_format"));
    EXPECT_TRUE(LeftNoOutput(out()));
    // With time_format the same file gets in, to the day.
    const RunResult ok = run_city("{ path = " + csv("texto.csv", text) +
                                  ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"when\", "
                                  "time_format = \"el %d de %B de %Y\" }");
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    expect_counts(kPlants);
    EXPECT_EQ(times()[9], "2018-12-31T00:00:00");
    EXPECT_EQ(precisions()[9], "day");
    // A format without the year is a manifest error, with its line.
    const RunResult no_year = run_city("{ path = " + csv("texto.csv", text) +
                                       ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = "
                                       "\"when\", time_format = \"el %d de %B\" }");
    EXPECT_EQ(no_year.exit_code, 2);
    EXPECT_TRUE(Contains(no_year.err, "time_format must contain the year"));
}

TEST_F(AsPublished, ConflictingDayAndMonthOrderFailsNamingTwoRows) {
    const RunResult r = run_city(
        "{ path = " +
        csv("mixed.csv", "fecha,x,y\n25/12/2018,480100,2130100\n12/25/2018,480200,2130200\n") +
        ", x = \"x\", y = \"y\", crs = \"EPSG:32614\", time = \"fecha\" }");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "mixed.csv"));
    EXPECT_TRUE(Contains(r.err, "field 'fecha'"));
    EXPECT_TRUE(Contains(r.err, "row 1"));
    EXPECT_TRUE(Contains(r.err, "row 2"));
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(AsPublished, AWktPointColumnIsTheGeometry) {
    std::string text = "id;geom\n";
    int id = 1;
    for (const Plant& p : kPlants)
        text += std::to_string(id++) + ";POINT (" + std::to_string(p.x) + " " +
                std::to_string(p.y) + ")\n";
    const RunResult r =
        run_city("{ path = " + csv("wkt.csv", text) + ", wkt = \"geom\", crs = \"EPSG:32614\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_counts(kPlants);
}

TEST_F(AsPublished, StalePartialFilesOfAKilledRunAreRemoved) {
    // A run killed mid-write leaves hidden partial files named after its (now dead) process.
    const fs::path stale = out() / ".cuadro.partial-999999999.gpkg";
    const fs::path journal = out() / ".cuadro.partial-999999999.gpkg-journal";
    const fs::path other = out() / "notes.txt"; // not ours: kept
    tmp.write("out/.cuadro.partial-999999999.gpkg", "x");
    tmp.write("out/.cuadro.partial-999999999.gpkg-journal", "x");
    tmp.write("out/notes.txt", "mine");
    std::string text = "x,y\n480100,2130100\n";
    const RunResult r = run_city("{ path = " + csv("one.csv", text) +
                                 ", x = \"x\", y = \"y\", crs = \"EPSG:32614\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_FALSE(fs::exists(journal));
    EXPECT_TRUE(fs::exists(other));
    EXPECT_TRUE(Contains(r.out, "removed 2 partial files"));
}

} // namespace
} // namespace vigia::test::cli
