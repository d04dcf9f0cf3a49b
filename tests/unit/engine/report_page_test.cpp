// The report pages' building blocks (engine/report_page.hpp): Garwood's Poisson interval
// against R's poisson.test (values recomputed with mpmath 1.3 at 30 digits: the inverse of
// the regularised incomplete gamma), numbers and percentages in each language, escaping and
// base64.

#include "engine/report_page.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigia::engine::report {
namespace {

TEST(ReportPoisson, GarwoodIntervalsAgreeWithRsPoissonTest) {
    struct Case {
        double n, lo, hi;
    };
    for (const Case& c :
         {Case{0, 0, 3.68887945411393541}, Case{1, 0.0253178079842898768, 5.57164339093889755},
          Case{10, 4.79538869613243368, 18.3903560420177770},
          Case{4883, 4746.99032325510531, 5021.91797835903624}}) {
        const auto [lo, hi] = poisson_interval(c.n);
        EXPECT_NEAR(lo, c.lo, 1e-9 * std::max(1.0, c.lo)) << c.n;
        EXPECT_NEAR(hi, c.hi, 1e-9 * c.hi) << c.n;
    }
    EXPECT_TRUE(std::isnan(poisson_interval(-1).first));
    EXPECT_TRUE(std::isnan(poisson_interval(std::nan("")).second));
}

TEST(ReportNumbers, NumbersAndPercentagesAreWrittenAsEachLanguageWritesThem) {
    EXPECT_EQ(number(Language::en, 123603, 0), "123,603");
    EXPECT_EQ(number(Language::pt, 123603, 0), "123.603");
    EXPECT_EQ(number(Language::es, 123603, 0), "123\u00a0603");
    EXPECT_EQ(number(Language::fr, 1406.83, 1), "1406,8");
    EXPECT_EQ(number(Language::en, -0.04, 1), "0"); // no "-0"
    EXPECT_EQ(number(Language::en, std::nan(""), 1), "—");
    EXPECT_EQ(percent(Language::en, 0.1906, 1), "19.1%");
    EXPECT_EQ(percent(Language::es, 0.1906, 1), "19,1\u00a0%");
    EXPECT_EQ(percent(Language::fr, 1, 1), "100\u00a0%");
}

TEST(ReportHtml, EscapingAndBase64) {
    EXPECT_EQ(escape(R"(<a href="x">'&'</a>)"),
              "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy"); // RFC 4648 §10
    EXPECT_EQ(base64(std::string("\xff\x00\x10", 3)), "/wAQ");
}

TEST(ReportHtml, AHeadlineValueCarriesWhatTheBrowserTestsReadBack) {
    EXPECT_EQ(
        metric_value(Language::en, "all", "incidents", 4883, 0, false, true),
        R"(<span class="value" data-metric="incidents" data-category="all" data-decimals="0" data-count="4883">4883</span>)");
    EXPECT_EQ(metric_value(Language::es, "0401", "area_share_50", 0.0192, 1, true, false),
              "<span class=\"value\" data-metric=\"area_share_50\" data-category=\"0401\" "
              "data-decimals=\"1\" data-percent>1,9\u00a0%</span>");
    EXPECT_EQ(count(Language::en, std::nan(""), "suppressed"),
              R"(<span class="suppressed">suppressed</span>)");
}

} // namespace
} // namespace vigia::engine::report
