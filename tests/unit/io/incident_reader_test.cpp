#include "io/incident_reader.hpp"

#include "analysis/error.hpp"
#include "io/time_parse.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

using namespace vigia;
using vigia::test::TempDir;

namespace {

std::unique_ptr<OGRSpatialReference> utm14() {
    return io::make_srs("EPSG:32614", "test");
}

io::IncidentSourceSpec csv_spec(const std::filesystem::path& p) {
    io::IncidentSourceSpec s;
    s.path = p.string();
    s.x = "lon";
    s.y = "lat";
    s.crs = "EPSG:4326";
    s.time.fields = {"fecha"};
    s.category = "delito";
    return s;
}

} // namespace

TEST(IncidentReader, ReadsLonLatColumnsAndProjects) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat,fecha,delito\n"
                                    "-99.13,19.43,01/02/2014,robo\n"
                                    "-99.14,19.44,2014-02-03 10:00,lesiones\n");
    const auto r = io::read_incidents(csv_spec(p), *utm14(), std::nullopt);
    ASSERT_EQ(r.incidents.size(), 2u);
    EXPECT_EQ(r.records, 2);
    // Mexico City in UTM 14N: roughly 486 km east, 2148 km north.
    EXPECT_NEAR(r.incidents.x[0], 486300, 1000);
    EXPECT_NEAR(r.incidents.y[0], 2148300, 1000);
    EXPECT_EQ(r.incidents.source_x[0], -99.13);
    EXPECT_EQ(r.incidents.time[0], io::to_seconds({2014, 2, 1, 0, 0, 0}));
    EXPECT_EQ(r.incidents.time[1], io::to_seconds({2014, 2, 3, 10, 0, 0}));
    EXPECT_EQ(r.incidents.categories, (std::vector<std::string>{"robo", "lesiones"}));
    EXPECT_EQ(r.incidents.row, (std::vector<std::int64_t>{1, 2}));
}

TEST(IncidentReader, EveryRejectedRowIsCountedWithItsReason) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat,fecha,delito\n"
                                    "-99.13,19.43,01/02/2014,robo\n"
                                    ",,01/02/2014,robo\n"
                                    "-99.13,0,01/02/2014,robo\n"
                                    "-99.13,19.43,,robo\n"
                                    "-99.13,19.43,ayer,robo\n"
                                    "-99.13,19.43,01/02/2015,robo\n");
    io::Period period{io::to_seconds({2014, 1, 1, 0, 0, 0}),
                      io::to_seconds({2014, 12, 31, 23, 59, 59})};
    const auto r = io::read_incidents(csv_spec(p), *utm14(), period);
    using analysis::RejectReason;
    EXPECT_EQ(r.incidents.size(), 1u);
    EXPECT_EQ(r.records, 6);
    EXPECT_EQ(r.rejects.count(RejectReason::bad_coordinates), 1);
    EXPECT_EQ(r.rejects.count(RejectReason::zero_coordinates), 1);
    EXPECT_EQ(r.rejects.count(RejectReason::missing_time), 1);
    EXPECT_EQ(r.rejects.count(RejectReason::bad_time), 1);
    EXPECT_EQ(r.rejects.count(RejectReason::outside_period), 1);
    ASSERT_EQ(r.rejects.rows().size(), 5u);
    EXPECT_EQ(r.rejects.rows()[3].row, 5); // the 'ayer' row
    EXPECT_NE(r.rejects.rows()[3].detail.find("ayer"), std::string::npos);
}

TEST(IncidentReader, NonNumericCoordinateRejectsItsRowNamingFieldAndValue) {
    TempDir d;
    const auto p = d.write(
        "a.csv", "lon,lat,fecha,delito\n-99.13,19.43,01/02/2014,a\n-99.1,abc,01/02/2014,b\n");
    const auto r = io::read_incidents(csv_spec(p), *utm14(), std::nullopt);
    EXPECT_EQ(r.incidents.size(), 1u);
    EXPECT_EQ(r.records, 2);
    ASSERT_EQ(r.rejects.rows().size(), 1u);
    EXPECT_EQ(r.rejects.rows()[0].row, 2);
    EXPECT_EQ(r.rejects.rows()[0].reason, analysis::RejectReason::bad_coordinates);
    EXPECT_NE(r.rejects.rows()[0].detail.find("lat = 'abc'"), std::string::npos)
        << r.rejects.rows()[0].detail;
}

TEST(IncidentReader, MissingFieldListsTheFieldsThatExist) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat,fecha,delito\n-99.13,19.43,01/02/2014,a\n");
    auto spec = csv_spec(p);
    spec.time.fields = {"fecha_hechos"};
    try {
        io::read_incidents(spec, *utm14(), std::nullopt);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("no field 'fecha_hechos'"), std::string::npos) << m;
        EXPECT_NE(m.find("lon, lat, fecha, delito"), std::string::npos) << m;
    }
}

TEST(IncidentReader, WhereFilterCountsTheFilteredRecords) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat,fecha,delito\n"
                                    "-99.13,19.43,01/02/2014,robo\n"
                                    "-99.13,19.43,01/02/2014,lesiones\n"
                                    "-99.13,19.43,01/02/2014,robo\n");
    auto spec = csv_spec(p);
    spec.where = "delito = 'robo'";
    const auto r = io::read_incidents(spec, *utm14(), std::nullopt);
    EXPECT_EQ(r.incidents.size(), 2u);
    EXPECT_EQ(r.records, 3);
    EXPECT_EQ(r.rejects.count(analysis::RejectReason::filtered), 1);
    ASSERT_EQ(r.rejects.rows().size(), 1u); // listed, not only counted
    EXPECT_EQ(r.rejects.rows()[0].row, 2);
    spec.where = "delito = ";
    EXPECT_THROW(io::read_incidents(spec, *utm14(), std::nullopt), InputError);
}

TEST(IncidentReader, GeoJsonMultipointsAreSplitAndLinesRejected) {
    TempDir d;
    const auto p = d.write("a.geojson",
                           R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"t":"2014-01-01"},"geometry":{"type":"Point","coordinates":[-99.13,19.43]}},
 {"type":"Feature","properties":{"t":"2014-01-02"},"geometry":{"type":"MultiPoint","coordinates":[[-99.13,19.43],[-99.12,19.42]]}},
 {"type":"Feature","properties":{"t":"2014-01-03"},"geometry":{"type":"LineString","coordinates":[[-99.13,19.43],[-99.12,19.42]]}},
 {"type":"Feature","properties":{"t":"2014-01-04"},"geometry":null}]})");
    io::IncidentSourceSpec s;
    s.path = p.string();
    s.time.fields = {"t"};
    const auto r = io::read_incidents(s, *utm14(), std::nullopt);
    EXPECT_EQ(r.incidents.size(), 3u);
    EXPECT_EQ(r.records, 5);
    EXPECT_EQ(r.rejects.count(analysis::RejectReason::bad_geometry_type), 1);
    EXPECT_EQ(r.rejects.count(analysis::RejectReason::bad_coordinates), 1);
    EXPECT_EQ(r.incidents.time[2], io::to_seconds({2014, 1, 2, 0, 0, 0}));
}

TEST(IncidentReader, ALayerWithoutCrsNeedsOneInTheManifest) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat\n-99.13,19.43\n");
    io::IncidentSourceSpec s;
    s.path = p.string();
    s.x = "lon";
    s.y = "lat";
    try {
        io::read_incidents(s, *utm14(), std::nullopt);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string{e.what()}.find("has no CRS"), std::string::npos) << e.what();
    }
}

TEST(IncidentReader, AnEmptyLayerIsAnError) {
    TempDir d;
    const auto p = d.write("a.csv", "lon,lat,fecha,delito\n");
    try {
        io::read_incidents(csv_spec(p), *utm14(), std::nullopt);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string{e.what()}.find("has no incidents"), std::string::npos) << e.what();
    }
}
