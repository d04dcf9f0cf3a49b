// The HTML reports (engine/report.hpp, docs/methods.md §20) opened in headless Chromium with
// the network off (tests/cli/browser.hpp): the demo's and the three-city batch's pages, a
// city's page in every language, the public page against the private one, and `vigia report`.

#include "tests/cli/browser.hpp"
#include "tests/cli/cli_helpers.hpp"

#include <regex>

namespace vigia::test::cli {
namespace {

/// The page budgets of the print (A4), stated in docs/methods.md §20.
constexpr int kCityPages = 10, kAlliancePages = 6;

const SharedRun& demo() {
    static const SharedRun r = shared_run("demo", {"demo"});
    return r;
}
const SharedRun& three() {
    static const SharedRun r =
        shared_run("three_cities", {"run", fixture("three_cities/alliance.toml").string()});
    return r;
}

/// city_stats of a GeoPackage, read with GDAL: (category, metric) → value (NaN for NULL).
std::map<std::pair<std::string, std::string>, double> city_stats(const fs::path& gpkg) {
    std::map<std::pair<std::string, std::string>, double> out;
    auto ds = open_read(gpkg);
    if (!ds) return out;
    OGRLayer* l = ds->GetLayerByName("city_stats");
    if (!l) {
        ADD_FAILURE() << gpkg << " has no city_stats";
        return out;
    }
    for (auto& f : *l)
        out[{f->GetFieldAsString("category"), f->GetFieldAsString("metric")}] =
            f->IsFieldSetAndNotNull(f->GetFieldIndex("value")) ? f->GetFieldAsDouble("value")
                                                               : std::nan("");
    return out;
}

/// The rows of a CSV file with quoted fields (RFC 4180), header first.
std::vector<std::vector<std::string>> read_csv_rows(const fs::path& path) {
    const std::string text = slurp(path);
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += text[++i];
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"')
            quoted = true;
        else if (c == ',')
            rows.back().push_back(std::exchange(field, {}));
        else if (c == '\n') {
            rows.back().push_back(std::exchange(field, {}));
            rows.emplace_back();
        } else if (c != '\r')
            field += c;
    }
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

/// Digits after the decimal separator of a shown number.
int shown_decimals(const std::string& text, const std::string& lang) {
    const char sep = lang == "en" ? '.' : ',';
    const auto at = text.find(sep);
    if (at == std::string::npos) return 0;
    int n = 0;
    for (std::size_t i = at + 1;
         i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
        ++n;
    return n;
}

/// What every page must be: nothing fetched, no console error, every image decoded with alt
/// text, every table with headers, no key or placeholder left untranslated, the language
/// declared, A4 within its page budget.
void expect_clean_page(const fs::path& page, const std::string& lang, int page_budget) {
    SCOPED_TRACE(page.string());
    ASSERT_TRUE(fs::exists(page));
    TempDir tmp;
    const BrowserPage b = open_in_browser(page, tmp / "page.pdf");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(b.lang, lang);
    for (const std::string& p : b.problems)
        ADD_FAILURE() << "the browser reported: " << p;
    EXPECT_GE(b.images.size(), 1u);
    for (const BrowserImage& i : b.images) {
        EXPECT_GT(i.width, 0) << i.src;
        EXPECT_FALSE(i.alt.empty()) << i.src;
        EXPECT_EQ(i.src.rfind("data:image/", 0), 0u) << "not inline: " << i.src;
    }
    EXPECT_GT(b.tables, 0);
    EXPECT_EQ(b.tables_without_th, 0);
    EXPECT_FALSE(b.text.empty());
    // An untranslated key (report.…, metric.…) or a placeholder left unfilled ({city}).
    static const std::regex key{R"((report|metric|field|layer|text)\.[a-z_]{3,})"};
    static const std::regex placeholder{R"(\{[a-z_0-9]+\})"};
    std::smatch m;
    EXPECT_FALSE(std::regex_search(b.text, m, key)) << "untranslated key: " << m.str();
    EXPECT_FALSE(std::regex_search(b.text, m, placeholder)) << "unfilled placeholder: " << m.str();
    // A4 portrait is 595.92 × 842.88 pt as Chromium writes it (210 × 297 mm).
    EXPECT_NEAR(b.pdf_width, 595.92, 1.0);
    EXPECT_NEAR(b.pdf_height, 842.88, 1.0);
    EXPECT_GE(b.pdf_pages, 1);
    EXPECT_LE(b.pdf_pages, page_budget);
}

/// Every headline number of a city page equals city_stats of `gpkg`, to the precision shown.
void expect_numbers_equal_stats(const fs::path& page, const fs::path& gpkg,
                                const std::string& lang) {
    SCOPED_TRACE(page.string());
    const BrowserPage b = open_in_browser(page);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const auto stats = city_stats(gpkg);
    ASSERT_FALSE(b.metrics.empty());
    std::set<std::string> seen;
    for (const BrowserMetric& m : b.metrics) {
        const auto it = stats.find({m.category, m.metric});
        ASSERT_NE(it, stats.end()) << m.category << " " << m.metric << " is not in city_stats";
        bool ok = false;
        const double shown = parse_shown(m.text, lang, ok);
        ASSERT_TRUE(ok) << "not a number: '" << m.text << "'";
        if (std::isnan(it->second)) {
            EXPECT_TRUE(std::isnan(shown)) << m.metric << " is NULL but shows " << m.text;
            continue;
        }
        const bool pct = m.text.find('%') != std::string::npos;
        const double tolerance =
            0.5 * std::pow(10.0, -shown_decimals(m.text, lang)) / (pct ? 100 : 1);
        EXPECT_NEAR(shown, it->second, tolerance * (1 + 1e-9))
            << m.category << " " << m.metric << " shows " << m.text;
        seen.insert(m.metric);
    }
    for (const char* headline :
         {"incidents", "incidents_per_km2", "area_share_50", "hotspot_areas", "hot_incident_share"})
        EXPECT_TRUE(seen.count(headline)) << headline << " is not on the page";
}

/// The counts a page shows that the public copy would suppress (1 … min_count − 1).
std::vector<std::string> small_counts(const fs::path& page, double min_count) {
    const BrowserPage b = open_in_browser(page);
    EXPECT_EQ(b.exit_code, 0) << b.err;
    std::vector<std::string> small;
    for (const BrowserCount& c : b.counts)
        if (c.value > 0 && c.value < min_count) small.push_back(c.text);
    for (const BrowserMetric& m : b.metrics) {
        if (m.metric != "incidents") continue;
        bool ok = false;
        const double v = parse_shown(m.text, b.lang, ok);
        if (ok && v > 0 && v < min_count) small.push_back(m.category + " " + m.text);
    }
    EXPECT_FALSE(b.counts.empty());
    return small;
}

TEST(Report, DemoPagesOpenCleanInChromiumAndPrintToA4WithinTheirBudget) {
    const fs::path out = demo().out;
    ASSERT_EQ(demo().result.exit_code, 0) << demo().result.err;
    expect_clean_page(out / "zapopan_report.html", "en", kCityPages);
    expect_clean_page(out / "cdmx_report.html", "en", kCityPages);
    expect_clean_page(out / "alliance_report.html", "en", kAlliancePages);
    expect_clean_page(out / "illustrative" / "ciudad-ilustrativa_report.html", "es", kCityPages);
    expect_clean_page(out / "illustrative" / "alliance_report.html", "es", kAlliancePages);
}

TEST(Report, ThreeCityPagesOpenCleanAndTheAllianceListsTheCityThatFailed) {
    const fs::path out = three().out;
    expect_clean_page(out / "villa-norte_report.html", "en", kCityPages);
    expect_clean_page(out / "porto-claro_report.html", "en", kCityPages);
    expect_clean_page(out / "alliance_report.html", "en", kAlliancePages);
    EXPECT_FALSE(fs::exists(out / "ville-haute_report.html"));
    const BrowserPage b = open_in_browser(out / "alliance_report.html");
    EXPECT_TRUE(Contains(b.text, "ville-haute the run failed: the reason is in the log"));
    // The failure's message (it may quote a record) stays in the run's log.
    EXPECT_TRUE(Contains(three().result.err, "habitants"));
    EXPECT_FALSE(Contains(b.text, "habitants"));
}

TEST(Report, APublicPageWithoutPublishShowsNoRecordNoWarningAndNoExactSpan) {
    // The three-city batch has no [publish]: Villa Norte's public page is made from
    // villa-norte.gpkg, whose rejected table, warnings and time span must not reach it.
    const fs::path out = three().out;
    const BrowserPage b = open_in_browser(out / "villa-norte_report.html");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    auto ds = open_read(out / "villa-norte.gpkg");
    ASSERT_TRUE(ds);
    OGRLayer* rejected = ds->GetLayerByName("rejected");
    ASSERT_NE(rejected, nullptr);
    std::size_t details = 0;
    for (auto& f : *rejected) {
        ++details;
        EXPECT_FALSE(Contains(b.text, f->GetFieldAsString("detail"))) << "a rejected record";
    }
    EXPECT_GT(details, 0u);
    const auto info = run_info(*ds);
    std::size_t warnings = 0;
    for (const auto& [k, v] : info)
        if (k.rfind("warning_", 0) == 0) {
            ++warnings;
            EXPECT_FALSE(Contains(b.text, v)) << "a warning: " << v;
        }
    EXPECT_GT(warnings, 0u);
    ASSERT_TRUE(info.count("time_span"));
    EXPECT_FALSE(Contains(b.text, info.at("time_span")));
    EXPECT_TRUE(Contains(b.text, "only in the private version"));
}

TEST(Report, APublishedCityWithoutItsPublicFileGetsNoPublicPage) {
    // Only zapopan.gpkg, written with [publish] min_count = 5: a public page from it would
    // show what its shareable copy hides, so there is none, and the message says why.
    TempDir tmp;
    fs::copy_file(demo().out / "zapopan.gpkg", tmp / "zapopan.gpkg");
    const RunResult r = run_vigia({"report", tmp.path().string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, (tmp / "zapopan_public.gpkg").string() + ": no such file"));
    EXPECT_TRUE(Contains(r.err, "min_count = 5"));
    EXPECT_FALSE(fs::exists(tmp / "zapopan_report.html"));
    // A foreign GeoPackage beside a city's files stops the rebuild before any page is written.
    TempDir two;
    for (const char* f : {"zapopan.gpkg", "zapopan_public.gpkg", "zapopan.png"})
        fs::copy_file(demo().out / f, two / f);
    const RunResult foreign_ok =
        run_program("ogr2ogr", {"-f", "GPKG", (two / "zz_other.gpkg").string(),
                                fixture("two_squares_32614.geojson").string()});
    ASSERT_EQ(foreign_ok.exit_code, 0) << foreign_ok.err;
    const RunResult f = run_vigia({"report", two.path().string()});
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_TRUE(Contains(f.err, "zz_other.gpkg"));
    EXPECT_TRUE(Contains(f.err, "move other GeoPackages out of"));
    EXPECT_FALSE(fs::exists(two / "zapopan_report.html"));
}

TEST(Report, TheAllianceTableEqualsAllianceGpkgAndItsIntervalsArePoissons) {
    const fs::path out = demo().out;
    const BrowserPage b = open_in_browser(out / "alliance_report.html");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    std::map<std::pair<std::string, std::string>, double> metrics;
    {
        auto ds = open_read(out / "alliance.gpkg");
        ASSERT_TRUE(ds);
        for (auto& f : *ds->GetLayerByName("metrics"))
            if (std::string{f->GetFieldAsString("category")} == "all")
                metrics[{f->GetFieldAsString("slug"), f->GetFieldAsString("metric")}] =
                    f->IsFieldSetAndNotNull(f->GetFieldIndex("value"))
                        ? f->GetFieldAsDouble("value")
                        : std::nan("");
    }
    std::size_t checked = 0;
    for (const BrowserMetric& m : b.metrics) {
        const auto it = metrics.find({m.category, m.metric});
        ASSERT_NE(it, metrics.end()) << m.category << " " << m.metric;
        bool ok = false;
        const double shown = parse_shown(m.text, "en", ok);
        ASSERT_TRUE(ok) << m.text;
        if (std::isnan(it->second)) {
            EXPECT_TRUE(std::isnan(shown)) << m.metric;
            continue;
        }
        const bool pct = m.text.find('%') != std::string::npos;
        EXPECT_NEAR(shown, it->second,
                    0.5 * std::pow(10.0, -shown_decimals(m.text, "en")) / (pct ? 100 : 1) *
                        (1 + 1e-9))
            << m.category << " " << m.metric;
        ++checked;
    }
    EXPECT_GE(checked, 12u);
}

TEST(Report, HeadlineNumbersEqualCityStatsReadBackWithGdal) {
    const fs::path out = demo().out;
    // The public pages are made from the public files: their numbers are those files'.
    expect_numbers_equal_stats(out / "zapopan_report.html", out / "zapopan_public.gpkg", "en");
    expect_numbers_equal_stats(out / "cdmx_report.html", out / "cdmx_public.gpkg", "en");
    expect_numbers_equal_stats(out / "illustrative" / "ciudad-ilustrativa_report.html",
                               out / "illustrative" / "ciudad-ilustrativa.gpkg", "es");
    expect_numbers_equal_stats(three().out / "porto-claro_report.html",
                               three().out / "porto-claro.gpkg", "en");
}

TEST(Report, ThePublicPageHoldsNoCountBelowMinCountAndThePrivateOneDoes) {
    // The demo publishes with min_count = 5; Zapopan rejected fewer than 5 points as outside
    // its boundary, which the private page shows and the public one must not.
    TempDir tmp;
    const fs::path dir = tmp / "demo";
    fs::create_directories(dir);
    for (const char* f : {"zapopan.gpkg", "zapopan_public.gpkg", "zapopan.png"})
        fs::copy_file(demo().out / f, dir / f);
    const RunResult r = run_vigia({"report", dir.string(), "--private"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(small_counts(dir / "zapopan_report.html", 5).empty())
        << joined(small_counts(dir / "zapopan_report.html", 5));
    // The check can fail: the private page has such counts.
    EXPECT_FALSE(small_counts(dir / "zapopan_report_private.html", 5).empty());
    EXPECT_TRUE(small_counts(demo().out / "cdmx_report.html", 5).empty());
    // The private page quotes rejected records; the public one says where they are.
    const BrowserPage priv = open_in_browser(dir / "zapopan_report_private.html");
    const BrowserPage pub = open_in_browser(dir / "zapopan_report.html");
    EXPECT_TRUE(Contains(priv.text, "a coordinate is exactly 0"));
    EXPECT_FALSE(Contains(pub.text, "a coordinate is exactly 0"));
    EXPECT_TRUE(Contains(pub.text, "only in the private version"));
}

TEST(Report, EveryLanguageGivesAPageInItsOwnWords) {
    // The illustrative programme city in each language (its manifest copied with another
    // `language`; the data stay where they are).
    const fs::path data = repo_data("demo/illustrative");
    const std::string manifest = slurp(data / "programme.toml");
    // The section headings of data/i18n/report.csv, by language.
    const auto rows = read_csv_rows(repo_data("i18n/report.csv"));
    std::map<std::string, std::set<std::string>> words;
    for (std::size_t r = 1; r < rows.size(); ++r)
        for (std::size_t c = 1; c < rows[0].size() && c < rows[r].size(); ++c)
            words[rows[0][c]].insert(rows[r][c]);
    std::map<std::string, std::vector<std::string>> h2;
    for (const std::string lang : {"en", "es", "pt", "fr"}) {
        SCOPED_TRACE(lang);
        TempDir tmp;
        std::string text = std::regex_replace(manifest, std::regex{"language = \"es\""},
                                              "language = \"" + lang + "\"");
        text = std::regex_replace(text, std::regex{"path = \""}, "path = \"" + data.string() + "/");
        const fs::path m = tmp.write("programme.toml", text);
        const RunResult r = run_vigia({"run", m.string(), "-o", (tmp / "out").string(), "--quiet"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const fs::path page = tmp / "out" / "ciudad-ilustrativa_report.html";
        expect_clean_page(page, lang, kCityPages);
        expect_numbers_equal_stats(page, tmp / "out" / "ciudad-ilustrativa.gpkg", lang);
        const BrowserPage b = open_in_browser(page);
        for (const std::string& h : b.headings)
            if (h.rfind("h2 ", 0) == 0) {
                h2[lang].push_back(h.substr(3));
                EXPECT_TRUE(words[lang].count(h.substr(3)))
                    << "not a " << lang << " heading: " << h;
            }
        EXPECT_GE(h2[lang].size(), 6u);
    }
    for (const std::string lang : {"es", "pt", "fr"})
        EXPECT_NE(h2[lang], h2["en"]) << lang << " headings are the English ones";
}

TEST(Report, RebuildingFromTheFilesGivesTheSamePagesAndKeepsThemWithoutOverwrite) {
    TempDir tmp;
    const fs::path dir = tmp / "demo";
    fs::copy(demo().out, dir, fs::copy_options::recursive);
    const std::string before = slurp(dir / "zapopan_report.html");
    const std::string alliance = slurp(dir / "alliance_report.html");
    RunResult r = run_vigia({"report", dir.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "zapopan_report.html"));
    EXPECT_TRUE(Contains(r.err, "alliance_report.html"));
    EXPECT_TRUE(Contains(r.err, "exists already; pass --overwrite to replace"));
    EXPECT_EQ(slurp(dir / "zapopan_report.html"), before);
    r = run_vigia({"report", dir.string(), "--overwrite"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(slurp(dir / "zapopan_report.html"), before) << "vigia report differs from vigia run";
    // The alliance page too, but for the list of failed cities, which only the run knows.
    const std::string rebuilt = slurp(dir / "alliance_report.html");
    const auto cut = [](const std::string& page) {
        return page.substr(0, page.find("<section id=\"missing\">"));
    };
    EXPECT_TRUE(cut(rebuilt) == cut(alliance));
    EXPECT_TRUE(Contains(rebuilt, "This page was rebuilt from the files (vigia report)"));
    EXPECT_TRUE(Contains(r.out, "cdmx_report.html"));
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
}

TEST(Report, AFolderWithoutCityFilesIsAnErrorNamingIt) {
    TempDir tmp;
    const RunResult r = run_vigia({"report", tmp.path().string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "holds no city GeoPackage"));
    EXPECT_TRUE(Contains(r.err, tmp.path().string()));
    EXPECT_TRUE(LeftNoOutput(tmp.path()));
}

} // namespace
} // namespace vigia::test::cli
