// `vigia run` on hand-made fixtures whose results can be checked by hand: a 1 km square of two
// sub-units in EPSG:32614 with 500 m square cells, and seven incidents in lon/lat.
//
// points_lonlat.csv (source_row: UTM 14N position → cell, sub-unit; fecha; delito):
//   1: (480100, 2130100) → south-west, Oeste; 15/01/2019 13:45;    robo
//   2: (480300, 2130200) → south-west, Oeste; 2019-02-03T08:30:00; robo
//   3: (480400, 2130400) → south-west, Oeste; 28/02/2019 23:30;    lesiones
//   4: (480200, 2130800) → north-west, Oeste; 2019-03-10 22:05;    robo
//   5: (480600, 2130300) → south-east, Este;  01/03/2019 07:00;    robo
//   6: (480900, 2130100) → south-east, Este;  2019-01-31;          lesiones
//   7: (482000, 2130500) → outside the boundary;  20/01/2019;      robo
// So: SW 3, SE 2, NW 1, NE 0; Oeste 4, Este 2; one outside.

#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

namespace vigia::test::cli {
namespace {

class SmallCity : public ::testing::Test {
protected:
    /// Writes the manifest into the temporary folder and runs it into tmp/out.
    RunResult run(const std::string& manifest, std::vector<std::string> extra_args = {}) {
        m_manifest = tmp.write("alliance.toml", manifest);
        std::vector<std::string> args{"run", m_manifest.string(), "-o", out().string(), "--quiet"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        return run_vigia(args);
    }
    /// The points city with `extra_incidents` keys and `extra_analysis` settings.
    RunResult run_points(const std::string& extra_incidents = "",
                         const std::string& extra_analysis = "") {
        return run(square_500_analysis(extra_analysis) +
                   city("Cuadro", two_squares_boundary(), lonlat_points(extra_incidents)));
    }
    fs::path out() const { return tmp / "out"; }

    TempDir tmp;
    fs::path m_manifest;
};

/// source_row → time as "YYYY-MM-DDTHH:MM:SS" ("null" when unset).
std::map<long long, std::string> times_by_row(GDALDataset& ds) {
    std::map<long long, std::string> out;
    OGRLayer* l = ds.GetLayerByName("incidents");
    if (!l) {
        ADD_FAILURE() << "no incidents layer";
        return out;
    }
    const int ti = l->GetLayerDefn()->GetFieldIndex("time");
    if (ti < 0) {
        ADD_FAILURE() << "no time field";
        return out;
    }
    EXPECT_EQ(l->GetLayerDefn()->GetFieldDefn(ti)->GetType(), OFTDateTime);
    l->ResetReading();
    for (auto& f : *l) {
        const long long row = f->GetFieldAsInteger64("source_row");
        if (!f->IsFieldSetAndNotNull(ti)) {
            out[row] = "null";
            continue;
        }
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
        float s = 0;
        f->GetFieldAsDateTime(ti, &y, &mo, &d, &h, &mi, &s, &tz);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
                      static_cast<int>(s));
        out[row] = buf;
    }
    return out;
}

/// source_row → reason, from the rejected table.
std::map<long long, std::string> rejected_rows(GDALDataset& ds) {
    std::map<long long, std::string> out;
    OGRLayer* l = ds.GetLayerByName("rejected");
    if (!l) {
        ADD_FAILURE() << "no rejected layer";
        return out;
    }
    l->ResetReading();
    for (auto& f : *l)
        out[f->GetFieldAsInteger64("source_row")] = f->GetFieldAsString("reason");
    return out;
}

TEST_F(SmallCity, CountsEachPointInTheCellAndSubUnitThatHoldIt) {
    const RunResult r = run_points();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entries(out()),
              (std::vector<std::string>{"alliance.csv", "alliance.gpkg", "alliance.png",
                                        "alliance_report.html", "cuadro.gpkg", "cuadro.png",
                                        "cuadro_kde.tif", "cuadro_report.html"}));
    // Four cells, each the neighbour of every other: Gi* is undefined though the counts
    // differ, and the warning says why.
    EXPECT_TRUE(Contains(r.out, "every grid cell neighbours every other one"));
    EXPECT_FALSE(Contains(r.out, "same count"));
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);

    const std::map<CellKey, double> counts = by_cell(*ds, "count");
    EXPECT_EQ(counts, (std::map<CellKey, double>{
                          {kSouthWest, 3}, {kSouthEast, 2}, {kNorthWest, 1}, {kNorthEast, 0}}));
    const std::map<CellKey, double> areas = by_cell(*ds, "area_km2");
    ASSERT_EQ(areas.size(), 4u);
    for (const auto& [cell, a] : areas)
        EXPECT_NEAR(a, 0.25, 1e-9);
    const std::map<CellKey, double> density = by_cell(*ds, "density_km2");
    EXPECT_NEAR(density.at(kSouthWest), 12, 1e-9);
    EXPECT_NEAR(density.at(kSouthEast), 8, 1e-9);
    EXPECT_NEAR(density.at(kNorthWest), 4, 1e-9);
    EXPECT_NEAR(density.at(kNorthEast), 0, 1e-9);

    EXPECT_EQ(by_name(*ds, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 4}, {"Este", 2}}));
    for (const auto& [name, a] : by_name(*ds, "units", "name", "area_km2"))
        EXPECT_NEAR(a, 0.5, 1e-9) << name;

    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("records"), "7");
    EXPECT_EQ(info.at("accepted"), "6");
    EXPECT_EQ(info.at("rejected_outside_boundary"), "1");
    EXPECT_EQ(info_number(info, "accepted") + rejected_total(info), 7);
    EXPECT_EQ(info.at("cells"), "4");
    EXPECT_EQ(rejected_rows(*ds), (std::map<long long, std::string>{{7, "outside_boundary"}}));
    EXPECT_TRUE(Contains(r.out, "6 of 7 incidents counted"));
}

TEST_F(SmallCity, NumbersCellsRowByRowFromTheSouthWest) {
    const RunResult r = run_points();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(by_cell(*ds, "cell_id"),
              (std::map<CellKey, double>{
                  {kSouthWest, 1}, {kSouthEast, 2}, {kNorthWest, 3}, {kNorthEast, 4}}));
    // Each accepted incident carries the id of the cell that counted it.
    std::map<long long, long long> cell_of_row;
    OGRLayer* l = ds->GetLayerByName("incidents");
    ASSERT_TRUE(l);
    for (auto& f : *l)
        cell_of_row[f->GetFieldAsInteger64("source_row")] = f->GetFieldAsInteger64("cell_id");
    EXPECT_EQ(cell_of_row,
              (std::map<long long, long long>{{1, 1}, {2, 1}, {3, 1}, {4, 3}, {5, 2}, {6, 2}}));
}

TEST_F(SmallCity, ChoosesTheUtmZoneOfTheBoundaryForItsCrs) {
    const RunResult r = run_points();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(run_info(*ds).at("crs"), "EPSG:32614");
    EXPECT_EQ(run_info(*ds).at("incidents_crs"), "EPSG:4326");
    for (const char* layer : {"grid", "units", "boundary", "incidents"})
        EXPECT_EQ(epsg_of(*ds, layer), "EPSG:32614") << layer;
    EXPECT_TRUE(Contains(r.out, "EPSG:32614"));
}

TEST_F(SmallCity, ParsesDayFirstAndIsoTimesIntoTheIncidentsTimeField) {
    const RunResult r = run_points();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(times_by_row(*ds), (std::map<long long, std::string>{
                                     {1, "2019-01-15T13:45:00"}, // 15/01/2019 13:45
                                     {2, "2019-02-03T08:30:00"}, // 2019-02-03T08:30:00
                                     {3, "2019-02-28T23:30:00"}, // 28/02/2019 23:30
                                     {4, "2019-03-10T22:05:00"}, // 2019-03-10 22:05
                                     {5, "2019-03-01T07:00:00"}, // 01/03/2019 07:00
                                     {6, "2019-01-31T00:00:00"}, // 2019-01-31
                                 }));
    std::map<long long, std::string> category;
    OGRLayer* l = ds->GetLayerByName("incidents");
    ASSERT_TRUE(l);
    for (auto& f : *l)
        category[f->GetFieldAsInteger64("source_row")] = f->GetFieldAsString("category");
    EXPECT_EQ(
        category,
        (std::map<long long, std::string>{
            {1, "robo"}, {2, "robo"}, {3, "lesiones"}, {4, "robo"}, {5, "robo"}, {6, "lesiones"}}));
}

TEST_F(SmallCity, ReportsRowsExcludedByTheWhereFilterAsFiltered) {
    const RunResult r = run_points(", where = \"delito = 'robo'\"");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("incidents_where"), "delito = 'robo'");
    EXPECT_EQ(info.at("records"), "7");
    EXPECT_EQ(info.at("rejected_filtered"), "2"); // rows 3 and 6, lesiones
    EXPECT_EQ(info.at("rejected_outside_boundary"), "1");
    EXPECT_EQ(info.at("accepted"), "4");
    EXPECT_EQ(info_number(info, "accepted") + rejected_total(info), 7);
    EXPECT_EQ(by_cell(*ds, "count"),
              (std::map<CellKey, double>{
                  {kSouthWest, 2}, {kSouthEast, 1}, {kNorthWest, 1}, {kNorthEast, 0}}));
    EXPECT_TRUE(Contains(r.out, "filtered: 2"));
}

TEST_F(SmallCity, RejectsIncidentsOutsideThePeriodKeepingTheWholeLastDay) {
    const RunResult r = run_points("", "period = { start = \"2019-01-01\", end = \"2019-02-28\" }");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("period"), "2019-01-01/2019-02-28");
    EXPECT_EQ(info.at("records"), "7");
    EXPECT_EQ(info.at("rejected_outside_period"), "2"); // rows 4 and 5, in March
    EXPECT_EQ(info.at("rejected_outside_boundary"), "1");
    EXPECT_EQ(info.at("accepted"), "4"); // row 3, 28/02/2019 23:30, is in
    EXPECT_EQ(info_number(info, "accepted") + rejected_total(info), 7);
    EXPECT_EQ(rejected_rows(*ds),
              (std::map<long long, std::string>{
                  {4, "outside_period"}, {5, "outside_period"}, {7, "outside_boundary"}}));
    EXPECT_EQ(by_cell(*ds, "count"),
              (std::map<CellKey, double>{
                  {kSouthWest, 3}, {kSouthEast, 1}, {kNorthWest, 0}, {kNorthEast, 0}}));
}

TEST_F(SmallCity, RepairsASelfIntersectingSubUnitAndSaysSo) {
    // "Moño" is a bow-tie over the east half: A(480500,2130000) → B(481000,2131000) →
    // C(481000,2130000) → D(480500,2131000). MakeValid gives two triangles meeting at
    // (480750, 2130500), 0.125 km² each; of the points, only row 5 lies in one of them.
    const fs::path bowtie = tmp.write("bowtie.geojson", R"({
"type": "FeatureCollection",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::32614" } },
"features": [
{ "type": "Feature", "properties": { "nombre": "Oeste" }, "geometry": { "type": "Polygon",
  "coordinates": [[[480000,2130000],[480500,2130000],[480500,2131000],[480000,2131000],[480000,2130000]]] } },
{ "type": "Feature", "properties": { "nombre": "Moño" }, "geometry": { "type": "Polygon",
  "coordinates": [[[480500,2130000],[481000,2131000],[481000,2130000],[480500,2131000],[480500,2130000]]] } }
] })");
    const RunResult r =
        run(square_500_analysis() +
            city("Moño", "{ path = " + toml_path(bowtie) + ", name_field = \"nombre\" }",
                 lonlat_points(), "mono"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "warning: boundary feature 2 ('Moño') was invalid"));
    EXPECT_TRUE(Contains(r.out, "repaired with GEOS MakeValid"));

    auto ds = open_read(out() / "mono.gpkg");
    ASSERT_TRUE(ds);
    const auto info = run_info(*ds);
    EXPECT_EQ(info.at("boundary_repairs"), "1");
    EXPECT_TRUE(Contains(info.at("warning_1"), "MakeValid"));
    EXPECT_NEAR(info_number(info, "boundary_area_km2"), 0.75, 1e-9);

    EXPECT_EQ(by_name(*ds, "units", "name", "count"),
              (std::map<std::string, double>{{"Oeste", 4}, {"Moño", 1}}));
    const auto unit_area = by_name(*ds, "units", "name", "area_km2");
    EXPECT_NEAR(unit_area.at("Oeste"), 0.5, 1e-9);
    EXPECT_NEAR(unit_area.at("Moño"), 0.25, 1e-9);

    // The east cells are clipped to the two triangles (their extent is unchanged).
    const auto area = by_cell(*ds, "area_km2");
    ASSERT_EQ(area.size(), 4u);
    EXPECT_NEAR(area.at(kSouthWest), 0.25, 1e-9);
    EXPECT_NEAR(area.at(kNorthWest), 0.25, 1e-9);
    EXPECT_NEAR(area.at(kSouthEast), 0.125, 1e-9);
    EXPECT_NEAR(area.at(kNorthEast), 0.125, 1e-9);
    EXPECT_EQ(by_cell(*ds, "count"),
              (std::map<CellKey, double>{
                  {kSouthWest, 3}, {kSouthEast, 1}, {kNorthWest, 1}, {kNorthEast, 0}}));
    EXPECT_EQ(info.at("rejected_outside_boundary"), "2"); // rows 6 and 7
    EXPECT_EQ(info_number(info, "accepted") + rejected_total(info), 7);
}

TEST_F(SmallCity, RunsOnlyTheCityNamedByCity) {
    const std::string manifest =
        square_500_analysis() + city("Puntos", two_squares_boundary(), lonlat_points()) +
        city("Otra ciudad", two_squares_boundary(), lonlat_points(), "otra");
    const RunResult r = run(manifest, {"--city", "otra"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entries(out()),
              (std::vector<std::string>{"alliance.csv", "alliance.gpkg", "alliance.png",
                                        "alliance_report.html", "otra.gpkg", "otra.png",
                                        "otra_kde.tif", "otra_report.html"}));
    EXPECT_TRUE(Contains(r.out, "Otra ciudad (otra)"));
    EXPECT_EQ(r.out.find("Puntos"), std::string::npos) << r.out;
    auto ds = open_read(out() / "otra.gpkg");
    ASSERT_TRUE(ds);
    EXPECT_EQ(run_info(*ds).at("slug"), "otra");
    EXPECT_EQ(sum_field(*ds, "grid", "count"), 6);
}

TEST_F(SmallCity, RefusesAnUnknownCitySlugAsAUsageError) {
    const std::string manifest =
        square_500_analysis() + city("Puntos", two_squares_boundary(), lonlat_points());
    const RunResult r = run(manifest, {"--city", "atlantida"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "atlantida"));
    EXPECT_TRUE(Contains(r.err, "puntos")); // the cities it knows
    EXPECT_TRUE(LeftNoOutput(out()));
}

TEST_F(SmallCity, RefusesToReplaceAnExistingOutputWithoutOverwrite) {
    ASSERT_EQ(run_points().exit_code, 0);
    const fs::path gpkg = out() / "cuadro.gpkg";
    const std::string before = slurp(gpkg);
    const auto time = fs::last_write_time(gpkg);

    const RunResult again = run_points();
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_TRUE(Contains(again.err, gpkg.string()));
    EXPECT_TRUE(Contains(again.err, "--overwrite"));
    EXPECT_EQ(entries(out()),
              (std::vector<std::string>{"alliance.csv", "alliance.gpkg", "alliance.png",
                                        "alliance_report.html", "cuadro.gpkg", "cuadro.png",
                                        "cuadro_kde.tif", "cuadro_report.html"}));
    EXPECT_EQ(fs::last_write_time(gpkg), time);
    EXPECT_TRUE(slurp(gpkg) == before) << "the first output changed";

    const RunResult forced = run(slurp(m_manifest), {"--overwrite"});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(entries(out()),
              (std::vector<std::string>{"alliance.csv", "alliance.gpkg", "alliance.png",
                                        "alliance_report.html", "cuadro.gpkg", "cuadro.png",
                                        "cuadro_kde.tif", "cuadro_report.html"}));
    EXPECT_NE(fs::last_write_time(gpkg), time);
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

TEST_F(SmallCity, TheCrimeClockCountsByDayAndHourWithDatesAloneApart) {
    // The six counted incidents (see the top of this file) by ISO day and hour:
    //   1 Tue 15/01 13:45 Oeste   2 Sun 03/02 08:30 Oeste   3 Thu 28/02 23:30 Oeste
    //   4 Sun 10/03 22:05 Oeste   5 Fri 01/03 07:00 Este    6 Thu 31/01 (date only) Este
    // The date alone is known to the day: it counts on its Thursday, in no hour (no_hour),
    // and is not placed at midnight.
    ASSERT_EQ(run_points().exit_code, 0);
    auto ds = open_read(out() / "cuadro.gpkg");
    ASSERT_TRUE(ds);
    // (unit_id, day) → the non-zero columns of that row.
    std::map<std::pair<long long, long long>, std::map<std::string, double>> rows;
    OGRLayer* l = ds->GetLayerByName("clock");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->GetFeatureCount(), 3 * 7); // the city and two sub-units, 7 days each
    for (auto& f : *l)
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            const std::string name = f->GetFieldDefnRef(i)->GetNameRef();
            if ((name[0] == 'h' || name == "midnight" || name == "no_hour") &&
                f->GetFieldAsDouble(i) != 0)
                rows[{f->GetFieldAsInteger64("unit_id"), f->GetFieldAsInteger64("day")}][name] =
                    f->GetFieldAsDouble(i);
        }
    using Row = std::map<std::string, double>;
    auto row = [&](long long unit, long long day) { return rows[std::make_pair(unit, day)]; };
    EXPECT_EQ(row(0, 2), (Row{{"h13", 1}}));
    EXPECT_EQ(row(0, 7), (Row{{"h08", 1}, {"h22", 1}}));
    EXPECT_EQ(row(0, 4), (Row{{"h23", 1}, {"no_hour", 1}}));
    EXPECT_EQ(row(0, 5), (Row{{"h07", 1}}));
    EXPECT_EQ(row(1, 4), (Row{{"h23", 1}}));     // Oeste
    EXPECT_EQ(row(2, 4), (Row{{"no_hour", 1}})); // Este
    EXPECT_EQ(row(2, 5), (Row{{"h07", 1}}));
    EXPECT_EQ(rows.size(), 4u + 3u + 2u); // no other row has an incident
    OGRLayer* stats = ds->GetLayerByName("city_stats");
    std::map<std::string, double> m;
    for (auto& f : *stats)
        if (std::string{f->GetFieldAsString("category")} == "all")
            m[f->GetFieldAsString("metric")] = f->GetFieldAsDouble("value");
    EXPECT_EQ(m.at("time_midnight_share"), 0);
    EXPECT_DOUBLE_EQ(m.at("time_no_hour_share"), 1.0 / 6);
    EXPECT_EQ(m.at("time_missing_share"), 0);
    EXPECT_EQ(m.at("time_month_only_share"), 0);
}

} // namespace
} // namespace vigia::test::cli

namespace vigia::test::cli {
namespace {

TEST_F(SmallCity, ACityThatCannotBePutInPlaceLeavesNoneOfItsFiles) {
    // A folder where the map should go: found before any of the city's files is renamed.
    fs::create_directories(out() / "cuadro.png" / "x");
    const RunResult r =
        run(square_500_analysis() + city("Cuadro", two_squares_boundary(), lonlat_points()),
            {"--overwrite"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "cuadro.png: is a folder"));
    EXPECT_EQ(entries(out()), (std::vector<std::string>{"cuadro.png", "cuadro.png/x"}));
}

} // namespace
} // namespace vigia::test::cli
