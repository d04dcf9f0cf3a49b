// `vigia info FILE` as a help to write the manifest (issue 10): per column the detected time
// format with its evidence and precision, times of day, the text encoding, decimal commas,
// coordinate pairs with their ranges and the CRS they suggest, WKT points, area keys; and
// `vigia info FILE --manifest`, whose draft is run as drafted (only the boundary filled in).

#include "tests/cli/cli_helpers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace vigia::test::cli {
namespace {

/// The seven incidents of points_lonlat.csv (longitude, latitude): the first six inside the two
/// squares, the seventh outside (tests/cli/small_city_test.cpp).
const std::vector<std::pair<std::string, std::string>> kLonLat{
    {"-99.1893747", "19.2644542"}, {"-99.1874725", "19.2653599"}, {"-99.1865229", "19.2671684"},
    {"-99.1884303", "19.2707814"}, {"-99.1846186", "19.2662666"}, {"-99.1817617", "19.2644620"},
    {"-99.1712975", "19.2680870"}};

std::string with_comma(std::string s) {
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

/// The line of `text` that holds `needle` (empty when none).
std::string line_with(const std::string& text, const std::string& needle) {
    const auto p = text.find(needle);
    if (p == std::string::npos) return {};
    const auto b = text.rfind('\n', p);
    const auto e = text.find('\n', p);
    return text.substr(b == std::string::npos ? 0 : b + 1,
                       e == std::string::npos ? std::string::npos : e - (b + 1));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto p = text.find(from);
    EXPECT_NE(p, std::string::npos) << "'" << from << "' not in:\n" << text;
    if (p != std::string::npos) text.replace(p, from.size(), to);
    return text;
}

/// "2016-01-13T23:57:00" of the time field of the incident from source row `row`.
std::string incident_time(GDALDataset& ds, long long row) {
    for (auto& f : *ds.GetLayerByName("incidents")) {
        if (f->GetFieldAsInteger64("source_row") != row) continue;
        int y, m, d, hh, mm, tz;
        float ss;
        if (!f->GetFieldAsDateTime(f->GetFieldIndex("time"), &y, &m, &d, &hh, &mm, &ss, &tz))
            return "no time";
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, hh, mm,
                           static_cast<int>(ss));
    }
    return "no row";
}

class InfoColumns : public ::testing::Test {
protected:
    /// `vigia info` on a file written to the temporary folder; must succeed silently.
    std::string info(const std::string& name, const std::string& text) {
        return info_of(tmp.write(name, text));
    }
    std::string info_of(const fs::path& file, bool manifest = false) {
        std::vector<std::string> args{"info", file.string()};
        if (manifest) args.push_back("--manifest");
        const RunResult r = run_vigia(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.err.empty()) << r.err;
        return r.out;
    }
    /// The drafted [[city]] block with the boundary filled in and an [analysis] table added,
    /// run as a user would run it.
    RunResult run_draft(const std::string& draft) {
        const std::string m =
            replaced(draft, "{ path = \"boundary.gpkg\" }", two_squares_boundary()) + "\n" +
            square_500_analysis("permutations = 0\n");
        return run_vigia({"run", tmp.write("alliance.toml", m).string(), "-o",
                          (tmp / "out").string(), "--quiet"});
    }
    GDALDatasetUniquePtr output(const std::string& slug) {
        return open_read(tmp / "out" / (slug + ".gpkg"));
    }
    TempDir tmp;
};

TEST_F(InfoColumns, SocrataDatesAreMonthFirstWithTheirEvidenceAndPrecision) {
    std::string text = "ID,Date,Primary Type,Latitude,Longitude\n";
    const char* dates[] = {"01/02/2016 11:57:00 PM", "01/13/2016 11:57:00 PM",
                           "02/03/2016 12:05:00 AM", "02/04/2016 09:30:00 AM",
                           "03/05/2016 01:00:00 PM", "03/06/2016 12:00:00 PM",
                           "03/07/2016 06:45:00 PM"};
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += fmt::format("{},{},{},{},{}\n", 100 + i, dates[i], i % 2 ? "THEFT" : "BATTERY",
                            kLonLat[i].second, kLonLat[i].first);
    const fs::path csv = tmp.write("chicago.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "Date: String (from 2016-01-02T23:57:00 to 2016-03-07T18:45:00)"));
    EXPECT_TRUE(Contains(out, "time: mm/dd/yyyy hh:mm:ss AM/PM; month first (row 2: "
                              "'01/13/2016 11:57:00 PM'); precision minute"));
    EXPECT_TRUE(Contains(out, "coordinates: x = 'Longitude' (-99.1893747 to -99.1712975), "
                              "y = 'Latitude' (19.2644542 to 19.2707814): degrees: EPSG:4326"));
    EXPECT_TRUE(Contains(out, "category candidates: 'Primary Type' (2 distinct values)"));
    EXPECT_TRUE(Contains(out, "text encoding: UTF-8 (detected)"));
    // A five-digit ID is no Excel date, and a latitude is no time.
    EXPECT_FALSE(Contains(line_with(out, "ID: String"), "from"));
    EXPECT_TRUE(Contains(out, "      numbers: 100 to 106\n"));
    EXPECT_FALSE(Contains(line_with(out, "Latitude: String"), "from"));

    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "[[city]]\nname = \"chicago\"\n"));
    EXPECT_TRUE(Contains(draft, "path = " + toml_path(csv) + ","));
    EXPECT_TRUE(Contains(draft, "x = \"Longitude\","));
    EXPECT_TRUE(Contains(draft, "y = \"Latitude\","));
    EXPECT_TRUE(Contains(draft, "crs = \"EPSG:4326\","));
    EXPECT_TRUE(Contains(draft, "time = \"Date\","));
    EXPECT_TRUE(Contains(draft, "category = \"Primary Type\""));
    EXPECT_FALSE(Contains(draft, "time_format"));
    EXPECT_FALSE(Contains(draft, "encoding"));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("chicago");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 6);
    EXPECT_EQ(incident_time(*ds, 2), "2016-01-13T23:57:00");
    EXPECT_EQ(incident_time(*ds, 3), "2016-02-03T00:05:00");
}

TEST_F(InfoColumns, Latin1CsvIsCp1252AndShownInUtf8) {
    std::string text = "lon,lat,delito\n";
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += kLonLat[i].first + "," + kLonLat[i].second + "," +
                (i == 0 ? "ROBO" : "ROBO A TRANSE\xDANTE") + "\n";
    const fs::path csv = tmp.write("latin1.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "text encoding: CP1252 (detected: row 2 is not UTF-8)"));
    EXPECT_TRUE(Contains(out, "values: 2 distinct, e.g. 'ROBO', 'ROBO A TRANSEÚNTE'"));

    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "encoding = \"CP1252\""));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("latin1");
    ASSERT_TRUE(ds);
    std::map<std::string, double> labels;
    for (auto& f : *ds->GetLayerByName("incidents"))
        labels[f->GetFieldAsString("category")] += 1;
    EXPECT_EQ(labels, (std::map<std::string, double>{{"ROBO", 1}, {"ROBO A TRANSEÚNTE", 5}}));
}

TEST_F(InfoColumns, Latin1HeaderNamesAreDecoded) {
    const std::string out = info("anio.csv", "A\xD1O,delito\n2019,robo\n2019,robo\n");
    EXPECT_TRUE(Contains(out, "text encoding: CP1252 (detected: the header is not UTF-8)"));
    EXPECT_TRUE(Contains(out, "    AÑO: String\n"));
}

TEST_F(InfoColumns, SemicolonFileShowsDecimalCommasAndTheLonLatPair) {
    const std::string out = info("excel_es.csv", "id;lon;lat;fecha\n"
                                                 "1;-103,34;20,67;01/12/2018\n"
                                                 "2;-103,35;20,68;25/12/2018\n"
                                                 "3;-103,36;20,69;31/12/2018\n");
    EXPECT_TRUE(Contains(out, "    lon: String\n      numbers: -103.36 to -103.34 (decimal "
                              "comma in 3 values)\n"));
    EXPECT_TRUE(Contains(out, "coordinates: x = 'lon' (-103.36 to -103.34), y = 'lat' (20.67 to "
                              "20.69): degrees: EPSG:4326"));
    EXPECT_TRUE(Contains(out, "decimal separator: comma (lon, lat)"));
    EXPECT_TRUE(Contains(out, "time: dd/mm/yyyy; day first (row 2: '25/12/2018'); precision day"));
}

TEST_F(InfoColumns, DraftWithDecimalCommasRuns) {
    std::string text = "id;lon;lat;fecha\n";
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += fmt::format("{};{};{};{:02}/12/2018\n", i + 1, with_comma(kLonLat[i].first),
                            with_comma(kLonLat[i].second), 20 + i);
    const std::string draft = info_of(tmp.write("comas.csv", text), true);
    EXPECT_TRUE(Contains(draft, "decimal = \",\","));
    EXPECT_TRUE(Contains(draft, "time = \"fecha\""));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("comas");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 6);
    EXPECT_EQ(incident_time(*ds, 1), "2018-12-20T00:00:00");
}

TEST_F(InfoColumns, PoliceUkMonthsHaveMonthPrecision) {
    std::string text = "Crime ID,Month,Longitude,Latitude,LSOA code,Crime type\n";
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += fmt::format("c{},2016-0{},{},{},E0100{},{}\n", i, 1 + i % 2, kLonLat[i].first,
                            kLonLat[i].second, i % 3, i % 2 ? "Burglary" : "Robbery");
    const fs::path csv = tmp.write("police_uk.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "Month: String (from 2016-01-01T00:00:00 to 2016-02-01T00:00:00)"));
    EXPECT_TRUE(Contains(out, "time: yyyy-mm; precision month"));
    EXPECT_TRUE(Contains(out, "area key candidates: 'LSOA code' (3 distinct values)"));

    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "time = \"Month\","));
    EXPECT_TRUE(Contains(draft, "category = \"Crime type\""));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("police-uk"); // the slug of the name "police_uk"
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 6);
}

TEST_F(InfoColumns, TimesOfDayClocksBandsAndHoursInAColumnNamedSo) {
    std::string text = "fecha,hora,franja,hh,cantidad,lon,lat\n";
    const char* bands[] = {"00:00:00 - 02:59:59", "03:00:00 - 05:59:59", "18:00:00 - 20:59:59"};
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += fmt::format("2018-12-{:02},{:02}:{:02},{},{},{},{},{}\n", i + 1, 8 + 2 * i, 5 * i,
                            bands[i % 3], 3 * i, 3 * i, kLonLat[i].first, kLonLat[i].second);
    const fs::path csv = tmp.write("horas.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "time of day: hh:mm; precision minute (08:00:00 to 20:30:00)"));
    EXPECT_TRUE(Contains(out, "time of day: hh:mm:ss - hh:mm:ss; precision 3 h band"));
    EXPECT_TRUE(Contains(out, "    hh: String\n      time of day: hour; precision hour (00:00:00 "
                              "to 18:00:00)\n"));
    // The same integers in a column not named for hours are numbers, not times.
    EXPECT_TRUE(Contains(out, "    cantidad: String\n      numbers: 0 to 18\n"));
    EXPECT_TRUE(Contains(out, "time: 'fecha' (date) + 'hora' (time of day)"));

    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "time = [\"fecha\", \"hora\"]"));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("horas");
    ASSERT_TRUE(ds);
    EXPECT_EQ(incident_time(*ds, 2), "2018-12-02T10:05:00");
}

TEST_F(InfoColumns, ConflictingDayMonthEvidenceIsReportedAndDraftedWithATimeFormat) {
    const fs::path csv = tmp.write("conflicto.csv", "fecha,x,y\n"
                                                    "25/01/2016 10:00,480100,2130100\n"
                                                    "01/13/2016 11:00,480200,2130200\n"
                                                    "02/02/2016 09:00,480300,2130300\n");
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "time: cannot be read whole: conflicting dates: row 1 has "
                              "'25/01/2016 10:00' (day first) and row 2 has '01/13/2016 11:00' "
                              "(month first)"));
    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "time_format = \"%d/%m/%Y %H:%M\""));
}

TEST_F(InfoColumns, UtmMetresAndYearMonthDayHourMinuteColumns) {
    std::string text = "TYPE,YEAR,MONTH,DAY,HOUR,MINUTE,X,Y\n";
    for (int i = 0; i < 8; ++i)
        text += fmt::format("Theft,2018,12,{},{},{},{}.5,{}\n", 1 + i, 2 * i, 5 * i,
                            480100 + 100 * i, 2130100 + 100 * i);
    const fs::path csv = tmp.write("vancouver.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "coordinates: x = 'X' (480100.5 to 480800.5), y = 'Y' (2130100 to "
                              "2130800): metres of a UTM zone (e.g. EPSG:326zz/327zz; the zone "
                              "cannot be told from the numbers alone)"));
    EXPECT_TRUE(Contains(out, "time: year = 'YEAR', month = 'MONTH', day = 'DAY', hour = 'HOUR', "
                              "minute = 'MINUTE'"));

    const std::string draft = info_of(csv, true);
    // The zone is not known: the crs stays commented out, ready to be completed.
    EXPECT_TRUE(Contains(draft, "# crs = \"EPSG:326zz\","));
    EXPECT_TRUE(Contains(draft, "time = { year = \"YEAR\", month = \"MONTH\", day = \"DAY\", "
                                "hour = \"HOUR\", minute = \"MINUTE\" }"));
    const RunResult r =
        run_draft(replaced(draft, "# crs = \"EPSG:326zz\",", "crs = \"EPSG:32614\","));
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("vancouver");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 8);
    EXPECT_EQ(incident_time(*ds, 4), "2018-12-04T06:15:00");
}

TEST_F(InfoColumns, WktPointColumns) {
    std::string text = "id,geom,tipo\n";
    for (std::size_t i = 0; i < kLonLat.size(); ++i)
        text += fmt::format("{},POINT ({} {}),{}\n", i + 1, kLonLat[i].first, kLonLat[i].second,
                            i % 2 ? "robo" : "lesiones");
    const fs::path csv = tmp.write("puntos.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "WKT points: x -99.1893747 to -99.1712975, y 19.2644542 to "
                              "19.2707814"));
    EXPECT_TRUE(Contains(out, "coordinates: WKT points in 'geom': degrees: EPSG:4326"));
    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "wkt = \"geom\","));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("puntos");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 6);
}

TEST_F(InfoColumns, CountsPerAreaDraftTheCountsForm) {
    std::string text = "cuadrante,delito,total,anio,mes\n";
    for (const char* key : {"W-1", "E-1"})
        for (const char* offence : {"robo", "lesiones"})
            for (int month = 1; month <= 2; ++month)
                text += fmt::format("{},{},{},2019,{}\n", key, offence,
                                    key[0] == 'W' ? month + 1 : month, month);
    const fs::path csv = tmp.write("conteos.csv", text);
    const std::string out = info_of(csv);
    EXPECT_TRUE(Contains(out, "area key candidates: 'cuadrante' (2 distinct values)"));
    EXPECT_TRUE(Contains(out, "time: year = 'anio', month = 'mes'"));

    const std::string draft = info_of(csv, true);
    EXPECT_TRUE(Contains(draft, "counts = " + toml_path(csv) + ","));
    EXPECT_TRUE(Contains(draft, "key = \"cuadrante\","));
    EXPECT_TRUE(Contains(draft, "unit_key = \"BOUNDARY_KEY_FIELD\","));
    EXPECT_TRUE(Contains(draft, "count = \"total\","));
    EXPECT_TRUE(Contains(draft, "year = \"anio\","));
    EXPECT_TRUE(Contains(draft, "month = \"mes\","));
    EXPECT_TRUE(Contains(draft, "category = \"delito\""));
    const RunResult r = run_draft(replaced(draft, "BOUNDARY_KEY_FIELD", "clave"));
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("conteos");
    ASSERT_TRUE(ds);
    const auto units = by_name(*ds, "units", "name", "count");
    EXPECT_EQ(units.at("Oeste"), 10); // W-1: (2 + 3) per offence
    EXPECT_EQ(units.at("Este"), 6);   // E-1: (1 + 2) per offence
}

TEST_F(InfoColumns, PointLayerOfSeveralWithNativeDates) {
    const fs::path gpkg = tmp / "ciudad.gpkg";
    {
        GDALAllRegister();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        ASSERT_NE(drv, nullptr);
        GDALDatasetUniquePtr ds{drv->Create(gpkg.c_str(), 0, 0, 0, GDT_Unknown, nullptr)};
        ASSERT_TRUE(ds);
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGRLayer* empty = ds->CreateLayer("colonias", &wgs84, wkbPolygon, nullptr);
        ASSERT_NE(empty, nullptr);
        OGRLayer* l = ds->CreateLayer("hechos", &wgs84, wkbPoint, nullptr);
        ASSERT_NE(l, nullptr);
        OGRFieldDefn fecha{"fecha", OFTDateTime}, delito{"delito", OFTString};
        l->CreateField(&fecha);
        l->CreateField(&delito);
        for (std::size_t i = 0; i < kLonLat.size(); ++i) {
            OGRFeatureUniquePtr f{OGRFeature::CreateFeature(l->GetLayerDefn())};
            f->SetField("fecha", 2019, 3, static_cast<int>(1 + i), 10, 30, 0.0f, 0);
            f->SetField("delito", i % 2 ? "robo" : "lesiones");
            OGRPoint p{std::stod(kLonLat[i].first), std::stod(kLonLat[i].second)};
            f->SetGeometry(&p);
            ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
        }
    }
    const std::string out = info_of(gpkg);
    EXPECT_TRUE(Contains(out, "layer 'colonias'"));
    EXPECT_TRUE(Contains(out, "fecha: DateTime (from 2019-03-01T10:30:00 to 2019-03-07T10:30:00)"));
    EXPECT_TRUE(Contains(out, "time: date-time field; precision minute"));

    const std::string draft = info_of(gpkg, true);
    EXPECT_TRUE(Contains(draft, "layer = \"hechos\","));
    EXPECT_FALSE(Contains(draft, "x = "));
    EXPECT_FALSE(Contains(draft, "crs = ")); // the layer has its CRS
    EXPECT_TRUE(Contains(draft, "time = \"fecha\","));
    const RunResult r = run_draft(draft);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\n" << draft;
    auto ds = output("ciudad");
    ASSERT_TRUE(ds);
    EXPECT_EQ(feature_count(*ds, "incidents"), 6);
}

TEST_F(InfoColumns, PolygonLayerDraftsTheBoundary) {
    const std::string draft = info_of(fixture("two_squares_32614.geojson"), true);
    EXPECT_TRUE(Contains(draft, "boundary = {\n    path = " +
                                    toml_path(fixture("two_squares_32614.geojson")) + ","));
    EXPECT_TRUE(Contains(draft, "name_field = \"nombre\""));
    EXPECT_TRUE(Contains(draft, "incidents = { path = \"incidents.csv\" }"));
}

} // namespace
} // namespace vigia::test::cli
