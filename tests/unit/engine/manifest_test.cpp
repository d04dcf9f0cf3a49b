#include "engine/manifest.hpp"
#include "io/gdal_util.hpp"

#include <gtest/gtest.h>

using namespace vigia::engine;

namespace {

const char* kGood = R"(
[analysis]
grid = "square"
cell_size_m = 100
crs = "EPSG:32614"
period = { start = "2019-01-01", end = "2019-12-31" }

[[city]]
name = "Ciudad de México"
boundary  = { path = "cdmx/alcaldias.geojson", name_field = "nomgeo" }
incidents = { path = "cdmx/incidents.csv", x = "longitud", y = "latitud",
              crs = "EPSG:4326", time = "fecha_hechos", category = "delito",
              where = "anio = 2019" }

[[city]]
name = "Cuadrantes"
slug = "cdmx_q"
boundary  = { path = "/abs/cuadrantes.shp" }
incidents = { counts = "cdmx/counts.csv", key = "cuadrante", unit_key = "Nomenclatu",
              count = "count", category = "delito", year = "year", month = "month" }
)";

/// The message of the ManifestError that parsing `text` raises ("" when none).
std::string error_of(const std::string& text) {
    try {
        parse_manifest(text, "/m/alliance.toml");
    } catch (const ManifestError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(Manifest, ReadsAnalysisAndBothIncidentForms) {
    const Manifest m = parse_manifest(kGood, "/data/alliance.toml");
    EXPECT_EQ(m.analysis.grid.shape, vigia::analysis::GridShape::square);
    EXPECT_EQ(m.analysis.grid.cell_size_m, 100);
    EXPECT_EQ(m.analysis.crs, "EPSG:32614");
    ASSERT_TRUE(m.analysis.period);
    EXPECT_EQ(m.analysis.period->second - m.analysis.period->first, 365 * 86400 - 1);
    EXPECT_EQ(m.analysis.period_text, "2019-01-01/2019-12-31");
    ASSERT_EQ(m.cities.size(), 2u);
    const CityConfig& a = m.cities[0];
    EXPECT_EQ(a.slug, "ciudad-de-mexico");
    EXPECT_EQ(a.boundary.path, "/data/cdmx/alcaldias.geojson");
    ASSERT_TRUE(a.incidents);
    EXPECT_EQ(a.incidents->x, "longitud");
    EXPECT_EQ(a.incidents->where, "anio = 2019");
    const CityConfig& b = m.cities[1];
    EXPECT_EQ(b.slug, "cdmx_q");
    EXPECT_EQ(b.boundary.path, "/abs/cuadrantes.shp");
    EXPECT_EQ(b.boundary.key_field, "Nomenclatu");
    ASSERT_TRUE(b.counts);
    EXPECT_EQ(b.counts->path, "/data/cdmx/counts.csv");
    EXPECT_EQ(b.counts->month, "month");
}

TEST(Manifest, DefaultsAreHex250AndAutoCrs) {
    const Manifest m = parse_manifest(R"([[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)",
                                      "/m.toml");
    EXPECT_EQ(m.analysis.grid.shape, vigia::analysis::GridShape::hex);
    EXPECT_EQ(m.analysis.grid.cell_size_m, 250);
    EXPECT_EQ(m.analysis.crs, "auto");
    EXPECT_FALSE(m.analysis.period);
}

TEST(Manifest, UnknownKeyIsNamedWithItsLine) {
    const std::string m = error_of(R"([analysis]
grid = "hex"
cel_size_m = 100
[[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)");
    EXPECT_NE(m.find("/m/alliance.toml:3:"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key 'cel_size_m'"), std::string::npos) << m;
    EXPECT_NE(m.find("cell_size_m"), std::string::npos) << m; // the allowed list helps
}

TEST(Manifest, UnknownKeyInsideAnInlineTable) {
    const std::string m = error_of(R"([[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg",
              tiem = "fecha" }
)");
    EXPECT_NE(m.find(":5:"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key 'tiem'"), std::string::npos) << m;
}

TEST(Manifest, MissingRequiredKeysAndWrongTypes) {
    EXPECT_NE(error_of("[[city]]\nname = \"A\"\nincidents = { path = \"i\" }\n")
                  .find("missing required key 'boundary'"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis]\ncell_size_m = \"100\"\n[[city]]\nname=\"A\"\n")
                  .find("'cell_size_m' must be a number"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis]\ncell_size_m = -1\n").find("greater than 0"), std::string::npos);
    EXPECT_NE(error_of("[analysis]\ngrid = \"tri\"\n").find("expected \"hex\" or \"square\""),
              std::string::npos);
    EXPECT_NE(error_of("[analysis]\n").find("no [[city]]"), std::string::npos);
    EXPECT_NE(error_of("[[city]]\nname = \"A\"\nboundary = { path = \"b\" }\n"
                       "incidents = { counts = \"c.csv\", key = \"k\", count = \"n\" }\n")
                  .find("missing required key 'unit_key'"),
              std::string::npos);
}

TEST(Manifest, BadPeriodAndTomlSyntaxAreReportedWithLines) {
    EXPECT_NE(error_of("[analysis]\nperiod = { start = \"2019-13-01\", end = \"2019-12-31\" }\n")
                  .find("period.start must be a date"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis]\nperiod = { start = \"2019-12-31\", end = \"2019-01-01\" }\n")
                  .find("before"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis\n").find("/m/alliance.toml:1:"), std::string::npos);
}

TEST(Manifest, AGeographicOrUnknownCrsIsAManifestErrorWithItsLine) {
    vigia::io::register_gdal();
    const std::string m = error_of("[analysis]\ngrid = \"hex\"\ncrs = \"EPSG:4326\"\n");
    EXPECT_NE(m.find(":3:"), std::string::npos) << m;
    EXPECT_NE(m.find("not a projected CRS in metres"), std::string::npos) << m;
    EXPECT_NE(error_of("[analysis]\ncrs = \"EPSG:999999\"\n").find(":2:"), std::string::npos);
}

TEST(Manifest, TrainAndTestPeriodsGoTogether) {
    const Manifest m = parse_manifest(R"([analysis]
train = { start = "2019-01-01", end = "2019-06-30" }
test = { start = "2019-07-01", end = "2019-12-31" }
[[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)",
                                      "/m.toml");
    ASSERT_TRUE(m.analysis.train && m.analysis.test);
    EXPECT_EQ(period_text(*m.analysis.train), "2019-01-01/2019-06-30");
    EXPECT_NE(error_of("[analysis]\ntrain = { start = \"2019-01-01\", end = \"2019-06-30\" }\n")
                  .find("give both train and test"),
              std::string::npos);
}

TEST(Manifest, DuplicateSlugsAreAnError) {
    const std::string m = error_of(R"([[city]]
name = "Medellín"
boundary = { path = "b" }
incidents = { path = "i" }
[[city]]
name = "Medellin"
boundary = { path = "b" }
incidents = { path = "i" }
)");
    EXPECT_NE(m.find("slug 'medellin'"), std::string::npos) << m;
}

TEST(Slugify, FoldsAccentsAndPunctuation) {
    EXPECT_EQ(slugify("Ciudad de México"), "ciudad-de-mexico");
    EXPECT_EQ(slugify("São Paulo"), "sao-paulo");
    EXPECT_EQ(slugify("  Bogotá, D.C. "), "bogota-d-c");
    EXPECT_EQ(slugify("Port-au-Prince"), "port-au-prince");
    EXPECT_EQ(slugify("Niterói"), "niteroi");
}

TEST(Manifest, CategoriesLanguageAndPublish) {
    const Manifest m = parse_manifest(R"([analysis]
categories = ["0401", "05"]
language = "pt"

[publish]
min_count = 5

[[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg", category = "delito" }
categories = "map.csv"
)",
                                      "/m/m.toml");
    EXPECT_EQ(m.analysis.categories, (std::vector<std::string>{"0401", "05"}));
    EXPECT_EQ(m.analysis.language, Language::pt);
    EXPECT_TRUE(m.publish.enabled);
    EXPECT_EQ(m.publish.min_count, 5);
    EXPECT_EQ(m.cities[0].categories, "/m/map.csv");

    const Manifest plain = parse_manifest(R"([[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)",
                                          "/m.toml");
    EXPECT_TRUE(plain.analysis.categories.empty());
    EXPECT_EQ(plain.analysis.language, Language::en);
    EXPECT_FALSE(plain.publish.enabled);
    EXPECT_EQ(plain.publish.min_count, 0);
}

TEST(Manifest, BadCategoriesLanguageAndPublishAreNamedWithTheirLines) {
    const std::string city = R"(
[[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
categories = "map.csv"
)";
    std::string e = error_of("[analysis]\ncategories = [\"0401\", \"9999\"]\n" + city);
    EXPECT_NE(e.find("alliance.toml:2"), std::string::npos) << e;
    EXPECT_NE(e.find("'9999' is not an ICCS code"), std::string::npos) << e;
    e = error_of("[analysis]\ncategories = \"0401\"\n" + city);
    EXPECT_NE(e.find("list of ICCS codes"), std::string::npos) << e;
    e = error_of("[analysis]\ncategories = [\"0401\", \"0401\"]\n" + city);
    EXPECT_NE(e.find("listed twice"), std::string::npos) << e;
    e = error_of("[analysis]\nlanguage = \"de\"\n" + city);
    EXPECT_NE(e.find("language = \"de\""), std::string::npos) << e;
    e = error_of("[publish]\nmin_count = -1\n" + city);
    EXPECT_NE(e.find("min_count"), std::string::npos) << e;
    e = error_of("[publish]\nthreshold = 5\n" + city);
    EXPECT_NE(e.find("unknown key 'threshold'"), std::string::npos) << e;
    // Statistics per category need every city's labels mapped.
    e = error_of(R"([analysis]
categories = ["0401"]

[[city]]
name = "Sin mapa"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)");
    EXPECT_NE(e.find("city 'Sin mapa'"), std::string::npos) << e;
    EXPECT_NE(e.find("categories = \"map.csv\""), std::string::npos) << e;
}

TEST(Manifest, TimeStepsWindowAndNearRepeat) {
    const std::string city = R"(
[[city]]
name = "A"
boundary = { path = "b.shp" }
incidents = { path = "i.gpkg" }
)";
    Manifest m = parse_manifest(city, "/m.toml");
    EXPECT_EQ(m.analysis.time.step, "month");
    EXPECT_EQ(m.analysis.time.window, 1);
    EXPECT_TRUE(m.analysis.time.drop_partial);
    EXPECT_TRUE(m.analysis.near_repeat.distance_bands_m.empty());
    EXPECT_EQ(m.analysis.near_repeat.permutations, 999u);
    m = parse_manifest(R"([analysis]
time_step = 14
time_window = 2
partial_steps = "keep"
near_repeat = { distance_bands_m = [100, 200, 400], time_bands_days = [7, 14], permutations = 99 }
)" + city,
                       "/m.toml");
    EXPECT_EQ(m.analysis.time.step, "days");
    EXPECT_EQ(m.analysis.time.step_days, 14);
    EXPECT_EQ(m.analysis.time.window, 2);
    EXPECT_FALSE(m.analysis.time.drop_partial);
    EXPECT_EQ(m.analysis.near_repeat.distance_bands_m, (std::vector<double>{100, 200, 400}));
    EXPECT_EQ(m.analysis.near_repeat.time_bands_days, (std::vector<double>{7, 14}));
    EXPECT_EQ(m.analysis.near_repeat.permutations, 99u);
    m = parse_manifest("[analysis]\ntime_step = \"week\"\n" + city, "/m.toml");
    EXPECT_EQ(m.analysis.time.step, "week");

    std::string e = error_of("[analysis]\ntime_step = \"fortnight\"\n" + city);
    EXPECT_NE(e.find("alliance.toml:2"), std::string::npos) << e;
    EXPECT_NE(e.find("time_step must be"), std::string::npos) << e;
    e = error_of("[analysis]\ntime_step = 0\n" + city);
    EXPECT_NE(e.find("between 1 and 3660"), std::string::npos) << e;
    e = error_of("[analysis]\npartial_steps = \"trim\"\n" + city);
    EXPECT_NE(e.find("partial_steps = \"trim\""), std::string::npos) << e;
    e = error_of("[analysis]\nnear_repeat = { distance_bands_m = [200, 100] }\n" + city);
    EXPECT_NE(e.find("increasing"), std::string::npos) << e;
    e = error_of("[analysis]\nnear_repeat = { bands = [1] }\n" + city);
    EXPECT_NE(e.find("unknown key 'bands'"), std::string::npos) << e;
}

namespace {
/// A one-city manifest with the given incidents table (its `boundary` fixed).
std::string with_incidents(const std::string& incidents) {
    return "[[city]]\nname = \"X\"\nboundary = { path = \"b.shp\", name_field = \"n\" }\n"
           "incidents = " +
           incidents + "\n";
}
} // namespace

TEST(Manifest, TimeTakesAFieldTwoFieldsOrParts) {
    auto m = parse_manifest(with_incidents(R"({ path = "a.csv", x = "x", y = "y",
        time = ["fecha", "hora"] })"),
                            "/m/a.toml");
    EXPECT_EQ(m.cities[0].incidents->time.fields, (std::vector<std::string>{"fecha", "hora"}));
    m = parse_manifest(with_incidents(R"({ path = "a.csv", x = "x", y = "y",
        time = { year = "YEAR", month = "MONTH", day = "DAY", hour = "HOUR", minute = "MINUTE" } })"),
                       "/m/a.toml");
    const auto& t = m.cities[0].incidents->time;
    EXPECT_TRUE(t.parts());
    EXPECT_EQ(t.minute, "MINUTE");
    EXPECT_EQ(t.describe(), "year = YEAR, month = MONTH, day = DAY, hour = HOUR, minute = MINUTE");
    m = parse_manifest(with_incidents(R"({ path = "a.csv", x = "x", y = "y", time = "f",
        time_format = "%m/%d/%Y %I:%M:%S %p", decimal = ",", encoding = "CP1252",
        max_outside_share = 0.2, max_rejected_share = 0.9 })"),
                       "/m/a.toml");
    const CityConfig& c = m.cities[0];
    EXPECT_EQ(c.incidents->time.format, "%m/%d/%Y %I:%M:%S %p");
    EXPECT_EQ(c.incidents->decimal, vigia::io::Decimal::comma);
    EXPECT_EQ(c.incidents->encoding, "CP1252");
    EXPECT_EQ(c.max_outside_share, 0.2);
    EXPECT_EQ(c.max_rejected_share, 0.9);
}

TEST(Manifest, RecordsPerAreaKeyMatchAndSql) {
    const auto m = parse_manifest(with_incidents(R"({ counts = "r.csv", key = "Canton",
        key_match = "name", time = ["Fecha", "Hora"] })"),
                                  "/m/a.toml");
    const auto& s = *m.cities[0].counts;
    EXPECT_EQ(s.key_match, vigia::io::KeyMatch::name);
    EXPECT_TRUE(s.count.empty());                        // one record per row
    EXPECT_TRUE(m.cities[0].boundary.key_field.empty()); // names matched against name_field
    const auto q = parse_manifest(with_incidents(R"({ counts = "r.csv", key = "mun",
        unit_key = "cod", key_match = "number", sql = "SELECT 1 AS mun FROM r" })"),
                                  "/m/a.toml");
    EXPECT_EQ(q.cities[0].counts->sql, "SELECT 1 AS mun FROM r");
}

TEST(Manifest, BadInputKeysAreNamedWithTheirLines) {
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", time = "f", time_format = "%d/%m" })"))
                  .find("time_format must contain the year"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", time = "f", time_format = "%Y %q" })"))
                  .find("%q is not supported"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", time_format = "%Y" })"))
                  .find("time_format needs time"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", time = ["a", "b", "c"] })"))
                  .find("names one field"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(
                           R"({ path = "a.csv", time = { year = "Y", hour = "H", month = "M" } })"))
                  .find("hour needs day"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", decimal = ";" })")).find("decimal"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", encoding = "KLINGON-8" })"))
                  .find("not an encoding iconv knows"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", layer = "l", sql = "SELECT 1" })"))
                  .find("give layer or sql, not both"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ path = "a.csv", max_outside_share = 2 })"))
                  .find("max_outside_share must be between 0 and 1"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ counts = "c.csv", key = "k", key_match = "fuzzy" })"))
                  .find("key_match = \"fuzzy\""),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ counts = "c.csv", key = "k" })")).find("unit_key"),
              std::string::npos);
    EXPECT_NE(error_of(with_incidents(R"({ counts = "c.csv", key = "k", unit_key = "u",
        year = "y", time = "t" })"))
                  .find("give time, or year and month, not both"),
              std::string::npos);
    // The line of the offending key is named.
    const std::string e =
        error_of("\n\n" + with_incidents("{ path = \"a.csv\",\n  decimal = \"x\" }"));
    EXPECT_NE(e.find("alliance.toml:7:"), std::string::npos) << e;
}

TEST(Manifest, NumbersAreFiniteAndLargeIntegersAreRead) {
    // Found by fuzz_manifest: `inf` was accepted as a neighbourhood, and an integer beyond
    // 2^53 (which toml++ gives no double for) dereferenced an empty optional.
    const std::string city = "\n[[city]]\nname = \"Z\"\nboundary = { path = \"b.shp\" }\n"
                             "incidents = { path = \"i.csv\", x = \"x\", y = \"y\" }\n";
    EXPECT_NE(error_of("[analysis]\nneighbourhood_m = inf\n" + city).find("finite number"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis]\ncell_size_m = nan\n" + city).find("finite number"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis.near_repeat]\ndistance_bands_m = [100, inf]\n" + city)
                  .find("increasing numbers"),
              std::string::npos);
    EXPECT_NE(error_of("[analysis.kde]\nbandwidth_m = inf\n" + city).find("bandwidth_m"),
              std::string::npos);
    const Manifest m =
        parse_manifest("[analysis]\ncell_size_m = 9007199254740993\n" + city, "/m/a.toml");
    EXPECT_EQ(m.analysis.grid.cell_size_m, 9007199254740992.0);
}

TEST(Manifest, ATableHeaderWithoutANameIsRefusedBeforeTomlppParsesIt) {
    // Found by fuzz_manifest: toml++ 3.3.0 assumes a header's name starts with a key
    // character (undefined behaviour in a release build, an assertion in a debug one).
    EXPECT_NE(
        error_of("[ = \"lat\", cty]]\nname = \"Z\"\n").find(":1: a table header needs a name"),
        std::string::npos);
    EXPECT_NE(error_of("# c\n[analysis]\ngrid = \"hex\"\n[[ ]]\n").find(":4: a table header"),
              std::string::npos);
    EXPECT_NE(error_of("[\u00b7k\"_\"]\n").find(":1: a table header needs a name"),
              std::string::npos); // found by fuzz_manifest too
    // Brackets inside values, strings and comments are not headers.
    const std::string ok = "[analysis]\ncategories = [\n  \"0401\",\n]\n# [ = not a header\n"
                           "language = \"\"\"\n[ = \"\"\"\n";
    EXPECT_EQ(error_of(ok).find("table header"), std::string::npos) << error_of(ok);
}

TEST(Manifest, AToml3CheckThatFailsIsAManifestErrorWithItsLineInEveryBuild) {
    // Found by fuzz_manifest: `T` followed by no digit makes toml++ 3.3.0's parse_time fail its
    // TOML_ASSERT_ASSUME (an assertion in a debug build, undefined behaviour in a release one).
    // engine/toml.hpp keeps every such check a check, and the reader names the line.
    const std::string e = error_of("[analysis]\n# a comment\nseed = 1979-05-27T/7:32:00Z\n");
    EXPECT_NE(e.find("/m/alliance.toml:3: not valid TOML"), std::string::npos) << e;
    EXPECT_NE(e.find("is_decimal_digit"), std::string::npos) << e;
    // An ordinary syntax error is still toml++'s own message.
    EXPECT_EQ(error_of("[analysis]\nseed = 1979-05-27T7:32:00Zx\n").find("own check"),
              std::string::npos);
}
