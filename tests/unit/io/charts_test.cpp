#include "io/charts.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

// The LeakSanitizer suppression for fontconfig (cairo's toy text API) is in map_render_test.cpp,
// which is linked into the same test program.

using namespace vigia;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string plain(double v, int decimals) {
    return fmt::format("{:.{}f}", v, decimals);
}

io::LineChart monthly(std::vector<double> y) {
    io::LineChart c;
    c.x_label = "Month";
    c.y_label = "Incidents";
    io::ChartSeries s;
    s.label = "Robbery";
    s.colour = {0.2, 0.4, 0.6, 1};
    for (std::size_t i = 0; i < y.size(); ++i)
        s.x.push_back(static_cast<double>(i));
    s.y = std::move(y);
    c.series.push_back(s);
    c.format = plain;
    return c;
}

io::HeatMap week_by_hour() {
    io::HeatMap m;
    m.row_labels = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (int h = 0; h < 24; ++h)
        m.column_labels.push_back(std::to_string(h));
    for (int d = 0; d < 7; ++d)
        for (int h = 0; h < 24; ++h)
            m.values.push_back(static_cast<double>((d * 7 + h * 3) % 40));
    m.x_label = "Hour";
    m.y_label = "Day";
    m.legend_title = "Incidents";
    m.missing_label = "no data";
    m.format = plain;
    return m;
}

struct Size {
    double width = 0, height = 0;
    std::string width_unit, height_unit;
    std::string view_box;
};

/// The root element's width, height (number and unit) and viewBox.
Size svg_size(const std::string& svg) {
    std::smatch m;
    const std::string root = svg.substr(0, svg.find('>', svg.find("<svg")) + 1);
    Size s;
    if (std::regex_search(root, m, std::regex{R"re(width="([0-9.]+)([a-z]*)")re"})) {
        s.width = std::stod(m[1]);
        s.width_unit = m[2];
    }
    if (std::regex_search(root, m, std::regex{R"re(height="([0-9.]+)([a-z]*)")re"})) {
        s.height = std::stod(m[1]);
        s.height_unit = m[2];
    }
    if (std::regex_search(root, m, std::regex{R"re(viewBox="([^"]*)")re"})) s.view_box = m[1];
    return s;
}

/// How cairo writes a colour channel in SVG: a percentage, "%f" with trailing zeros dropped.
std::string cairo_percent(double channel) {
    std::string s = fmt::format("{:f}", channel * 100);
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + "%";
}
std::string cairo_rgb(const io::Rgba& c) {
    return "rgb(" + cairo_percent(c.r) + "," + cairo_percent(c.g) + "," + cairo_percent(c.b) + ")";
}

/// The `d` attributes of the paths stroked in `colour`.
std::vector<std::string> stroked_paths(const std::string& svg, const io::Rgba& colour) {
    std::vector<std::string> out;
    const std::regex path{R"re(<path style="([^"]*)" d="([^"]*)")re"};
    const std::string stroke = "stroke:" + cairo_rgb(colour) + ";";
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator();
         ++it)
        if ((*it)[1].str().find(stroke) != std::string::npos) out.push_back((*it)[2]);
    return out;
}

std::size_t move_tos(const std::vector<std::string>& paths) {
    std::size_t n = 0;
    for (const auto& d : paths)
        for (std::size_t i = 0; i < d.size(); ++i)
            n += d[i] == 'M' && (i == 0 || d[i - 1] == ' ');
    return n;
}

/// One placed glyph (cairo writes text as <use> of glyph symbols, one <g> per string).
struct Glyph {
    double x = 0, y = 0;
    std::size_t run = 0; ///< which string (the <g> around it)
};

std::vector<Glyph> glyphs(const std::string& svg) {
    std::vector<Glyph> out;
    std::size_t run = 0;
    const std::regex tag{
        R"re(<g style="fill:|<use xlink:href="#[^"]*" x="([-0-9.]+)" y="([-0-9.]+)")re"};
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator();
         ++it) {
        if ((*it)[1].matched)
            out.push_back({std::stod((*it)[1]), std::stod((*it)[2]), run});
        else
            ++run;
    }
    return out;
}

template <class F> std::string thrown_message(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(nothing thrown)";
}

bool near(const io::Rgba& c, unsigned hex, double tol = 0.6 / 255) {
    return std::abs(c.r - ((hex >> 16) & 0xFF) / 255.0) <= tol &&
           std::abs(c.g - ((hex >> 8) & 0xFF) / 255.0) <= tol &&
           std::abs(c.b - (hex & 0xFF) / 255.0) <= tol;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The document.

TEST(ChartSvg, LineChartIsAsLargeAsAskedInCssPixels) {
    io::LineChart c = monthly({3, 5, 4, 8, 6, 7, 9, 4, 5, 6, 3, 2});
    c.width_px = 640;
    c.height_px = 300;
    const std::string svg = io::line_chart_svg(c);
    ASSERT_EQ(svg.rfind("<?xml", 0), 0u) << svg.substr(0, 100);
    const Size s = svg_size(svg);
    EXPECT_EQ(s.width, 640);
    EXPECT_EQ(s.height, 300);
    EXPECT_EQ(s.width_unit, "px");
    EXPECT_EQ(s.height_unit, "px");
    EXPECT_EQ(s.view_box, "0 0 640 300");
    EXPECT_NE(svg.find("version=\"1.1\""), std::string::npos);
    EXPECT_NE(svg.rfind("</svg>"), std::string::npos);
}

TEST(ChartSvg, HeatMapIsAsWideAsAskedAndGrowsWithItsRows) {
    io::HeatMap m = week_by_hour();
    m.width_px = 900;
    const Size s7 = svg_size(io::heat_map_svg(m));
    EXPECT_EQ(s7.width, 900);
    EXPECT_EQ(s7.width_unit, "px");
    EXPECT_GT(s7.height, 7 * 28);
    EXPECT_EQ(s7.view_box, fmt::format("0 0 900 {}", s7.height));

    m.row_labels.push_back("Holiday");
    for (int h = 0; h < 24; ++h)
        m.values.push_back(h);
    const Size s8 = svg_size(io::heat_map_svg(m));
    EXPECT_EQ(s8.height, s7.height + 28);
}

TEST(ChartSvg, SameInputGivesTheSameBytesWhateverWasDrawnBefore) {
    const io::LineChart c = monthly({3, 5, kNaN, 8, 6});
    const std::string a = io::line_chart_svg(c);
    const io::HeatMap m = week_by_hour();
    const std::string h1 = io::heat_map_svg(m);
    const std::string b = io::line_chart_svg(c); // cairo has made more surfaces in between
    EXPECT_EQ(a, b);
    EXPECT_EQ(h1, io::heat_map_svg(m));
}

TEST(ChartSvg, IdsAreOwnedByTheChartSoChartsCanShareAPage) {
    const std::string a = io::line_chart_svg(monthly({1, 2, 3}));
    const std::string b = io::line_chart_svg(monthly({3, 2, 1}));
    auto ids = [](const std::string& svg) {
        std::set<std::string> out;
        const std::regex id{R"re( id="([^"]+)")re"};
        for (auto it = std::sregex_iterator(svg.begin(), svg.end(), id);
             it != std::sregex_iterator(); ++it)
            out.insert((*it)[1]);
        return out;
    };
    const auto ia = ids(a), ib = ids(b);
    ASSERT_FALSE(ia.empty());
    for (const auto& id : ia)
        EXPECT_EQ(ib.count(id), 0u) << id << " is in both charts";
    // Every reference resolves inside its own document.
    const std::regex ref{R"re((?:href="#|url\(#)([^")]+))re"};
    std::size_t refs = 0;
    for (auto it = std::sregex_iterator(a.begin(), a.end(), ref); it != std::sregex_iterator();
         ++it, ++refs)
        EXPECT_EQ(ia.count((*it)[1]), 1u) << (*it)[1];
    EXPECT_GT(refs, 0u);
}

// ---------------------------------------------------------------------------------------------
// Line charts.

TEST(ChartLine, NanPointSplitsTheLine) {
    const io::Rgba colour{0.2, 0.4, 0.6, 1};
    const auto whole = stroked_paths(io::line_chart_svg(monthly({3, 5, 4, 8, 6, 7})), colour);
    const auto split = stroked_paths(io::line_chart_svg(monthly({3, 5, 4, kNaN, 6, 7})), colour);
    const auto twice =
        stroked_paths(io::line_chart_svg(monthly({3, kNaN, 4, 8, kNaN, 7, 7})), colour);
    ASSERT_FALSE(whole.empty());
    EXPECT_EQ(move_tos(whole), 1u);
    EXPECT_EQ(move_tos(split), 2u);
    EXPECT_EQ(move_tos(twice), 2u) << "the lone 3 at the start is a dot (a fill), not a line";
}

TEST(ChartLine, PercentTicksPassValueTimesHundredToTheFormatter) {
    io::LineChart c = monthly({0.1, 0.3, 0.5});
    c.series[0].x = {0, 0.5, 1};
    c.x_range = {0, 1};
    c.x_percent = true;
    std::vector<std::pair<double, int>> calls;
    c.format = [&](double v, int decimals) {
        calls.emplace_back(v, decimals);
        return plain(v, decimals);
    };
    const std::string svg = io::line_chart_svg(c);
    ASSERT_FALSE(svg.empty());
    auto called = [&](double v) {
        return std::any_of(calls.begin(), calls.end(),
                           [&](const auto& call) { return std::abs(call.first - v) < 1e-9; });
    };
    EXPECT_TRUE(called(0));
    EXPECT_TRUE(called(100)) << "x = 1 is shown as 100%";
    EXPECT_TRUE(called(40) || called(50));
    for (const auto& [v, d] : calls) {
        EXPECT_GE(d, 0);
        EXPECT_LE(d, 6);
    }
    // y is not a percentage: its ticks (0 … 0.5) arrive as they are; x never arrives as 0–1.
    EXPECT_TRUE(called(0.5));
    EXPECT_FALSE(called(1)) << "x = 1 passed without · 100";
}

TEST(ChartLine, YTicksAreNiceAndStartAtZeroForCounts) {
    io::LineChart c = monthly({23, 47, 31});
    std::vector<double> values;
    c.format = [&](double v, int decimals) {
        values.push_back(v);
        return plain(v, decimals);
    };
    io::line_chart_svg(c);
    ASSERT_FALSE(values.empty());
    EXPECT_EQ(*std::min_element(values.begin(), values.end()), 0) << "y_from_zero";
    const double top = *std::max_element(values.begin(), values.end());
    EXPECT_GE(top, 47) << "the top tick is at or above the data";
    EXPECT_LT(top, 47 * 1.5);
    for (const double v : values) // multiples of 1, 2, 2.5 or 5 × 10^k (here ≥ 1)
        EXPECT_EQ(std::fmod(v * 2, 1.0), 0.0) << v;
}

TEST(ChartLine, SeriesWithoutColourTakeOkabeItoInOrder) {
    io::LineChart dflt = monthly({1, 2, 3});
    dflt.series[0].colour.a = 0;
    dflt.series.push_back(dflt.series[0]);
    dflt.series[1].label = "Burglary";
    io::LineChart given = dflt;
    given.series[0].colour = io::series_colour(0);
    given.series[1].colour = io::series_colour(1);
    EXPECT_EQ(io::line_chart_svg(dflt), io::line_chart_svg(given));
    EXPECT_TRUE(near(io::series_colour(0), 0x0072B2));
    EXPECT_TRUE(near(io::series_colour(1), 0xD55E00));
    EXPECT_TRUE(near(io::series_colour(8), 0x0072B2)) << "cycles after 8";
    EXPECT_EQ(stroked_paths(io::line_chart_svg(dflt), io::series_colour(1)).size(), 2u)
        << "the line and its legend swatch";
}

TEST(ChartLine, SeriesWithoutAnyFinitePointDrawAxesOnly) {
    io::LineChart c = monthly({kNaN, kNaN, kNaN});
    std::string svg;
    ASSERT_NO_THROW(svg = io::line_chart_svg(c));
    EXPECT_EQ(svg_size(svg).width, 720);
    EXPECT_TRUE(stroked_paths(svg, c.series[0].colour).empty());
    c.series.clear();
    EXPECT_NO_THROW(io::line_chart_svg(c));
}

TEST(ChartLine, CategoricalLabelsAreThinnedAndNeverOverlap) {
    io::LineChart c = monthly(std::vector<double>(120, 5));
    c.x_label.clear();
    c.width_px = 360;
    for (int i = 0; i < 120; ++i) {
        c.x_ticks.push_back(i);
        c.x_tick_labels.push_back(fmt::format("{}-{:02}", 2015 + i / 12, i % 12 + 1));
    }
    const std::string svg = io::line_chart_svg(c);
    // The x tick labels are the strings whose baseline is lowest (no x title, no note).
    const auto all = glyphs(svg);
    ASSERT_FALSE(all.empty());
    double base = 0;
    for (const auto& g : all)
        base = std::max(base, g.y);
    std::map<std::size_t, std::pair<double, double>> runs; // first and last glyph x
    for (const auto& g : all)
        if (g.y == base) {
            auto [it, fresh] = runs.try_emplace(g.run, g.x, g.x);
            if (!fresh) it->second.second = g.x;
        }
    EXPECT_GT(runs.size(), 2u);
    EXPECT_LT(runs.size(), 20u) << "thinned";
    double previous_last = -1;
    for (const auto& [run, span] : runs) {
        EXPECT_GT(span.first, previous_last) << "label " << run << " overlaps the one before";
        previous_last = span.second;
        EXPECT_GE(span.first, 0);
        EXPECT_LT(span.second, c.width_px);
    }
}

TEST(ChartLine, LongTextsStayInsideTheDocument) {
    io::LineChart c = monthly({1, 4, 2});
    c.width_px = 240;
    c.height_px = 200;
    c.y_label = "A very long y axis title that cannot fit along a short axis at all, ever";
    c.x_label = "An equally long x axis title that needs shrinking and then an ellipsis";
    c.note = "Mann–Kendall τ = 0.42 (p = 0.013), Sen slope 1.7 incidents per month, n = 36";
    c.series.push_back(c.series[0]);
    c.series[1].label = "Another series with a long label for the legend";
    const std::string svg = io::line_chart_svg(c);
    for (const auto& g : glyphs(svg)) {
        EXPECT_GE(g.x, 0);
        EXPECT_LE(g.x, 240);
        EXPECT_GE(g.y, 0);
        EXPECT_LE(g.y, 200);
    }
}

TEST(ChartLine, InvalidInputThrowsWithContext) {
    auto expect = [](io::LineChart c, std::vector<std::string> parts) {
        const std::string m = thrown_message([&] { io::line_chart_svg(c); });
        for (const auto& p : parts)
            EXPECT_NE(m.find(p), std::string::npos) << "'" << p << "' not in: " << m;
    };
    io::LineChart c = monthly({1, 2, 3});
    {
        auto bad = c;
        bad.format = nullptr;
        expect(bad, {"line chart", "format"});
    }
    {
        auto bad = c;
        bad.series[0].y.pop_back();
        expect(bad, {"series 1", "'Robbery'", "x has 3", "y has 2"});
    }
    {
        auto bad = c;
        bad.width_px = 199;
        expect(bad, {"width_px 199", "200 to 4000"});
        bad.width_px = 720;
        bad.height_px = 4001;
        expect(bad, {"height_px 4001", "200 to 4000"});
    }
    {
        auto bad = c;
        bad.x_ticks = {0, 1, 2};
        bad.x_tick_labels = {"Jan", "Feb"};
        expect(bad, {"3 x_ticks", "2 x_tick_labels"});
    }
    {
        auto bad = c;
        bad.y_range = std::array<double, 2>{1, 1};
        expect(bad, {"y_range [1, 1]", "lo < hi"});
    }
    {
        auto bad = c;
        bad.series[0].width_px = 0;
        expect(bad, {"series 1", "width_px 0"});
    }
}

// ---------------------------------------------------------------------------------------------
// Heat maps.

TEST(ChartHeatColour, SequentialRunsFromViridisDarkToViridisYellow) {
    io::HeatMap m = week_by_hour();
    const auto [lo, hi] = std::minmax_element(m.values.begin(), m.values.end());
    EXPECT_TRUE(near(io::heat_colour(m, *lo), 0x440154));
    EXPECT_TRUE(near(io::heat_colour(m, *hi), 0xFDE725));
    EXPECT_TRUE(near(io::heat_colour(m, (*lo + *hi) / 2), 0x21918C)) << "the middle anchor";
    EXPECT_TRUE(near(io::heat_colour(m, *hi + 100), 0xFDE725)) << "clamped";
    const io::Rgba missing = io::heat_colour(m, kNaN);
    EXPECT_NEAR(missing.r, missing.g, 1e-12);
    EXPECT_NEAR(missing.g, missing.b, 1e-12);
    EXPECT_GT(missing.r, 0.8) << "light grey";
}

TEST(ChartHeatColour, DivergingIsWhiteAtTheCentreBlueBelowRedAbove) {
    io::HeatMap m = week_by_hour();
    m.scale = io::HeatMap::Scale::diverging;
    m.centre = 1;
    m.values = {0.5, 0.8, 1, 1.25, 2, kNaN};
    m.row_labels = {"0–200 m", "200–400 m"};
    m.column_labels = {"0–7 d", "7–14 d", "14–21 d"};
    const io::Rgba w = io::heat_colour(m, 1);
    EXPECT_TRUE(near(w, 0xFFFFFF));
    const io::Rgba below = io::heat_colour(m, 0.8), above = io::heat_colour(m, 1.25);
    EXPECT_GT(below.b, below.r);
    EXPECT_GT(above.r, above.b);
    // Log-symmetric: 0.5 and 2 are the two ends, 0.8 and 1.25 mirror each other.
    EXPECT_TRUE(near(io::heat_colour(m, 0.5), 0x053061));
    EXPECT_TRUE(near(io::heat_colour(m, 2), 0x67001F));
    // t = 0.4 and 0.6 on the bar are RdBu's classes either side of white: 2^∓0.2.
    EXPECT_TRUE(near(io::heat_colour(m, std::pow(2, -0.2)), 0xD1E5F0));
    EXPECT_TRUE(near(io::heat_colour(m, std::pow(2, 0.2)), 0xFDDBC7));
    EXPECT_TRUE(near(io::heat_colour(m, 0), 0x053061)) << "a ratio of 0 is the bluest";

    m.log_diverging = false;
    m.centre = 0;
    m.values = {-3, 0, 1};
    EXPECT_TRUE(near(io::heat_colour(m, 0), 0xFFFFFF));
    EXPECT_TRUE(near(io::heat_colour(m, -3), 0x053061));
    const io::Rgba one = io::heat_colour(m, 1);
    EXPECT_GT(one.r, one.b);
    EXPECT_LT(one.g, 0.95) << "1 of 3 is a third of the way to red, not white";

    m.log_diverging = true; // centre 0 cannot be a log centre
    const std::string msg = thrown_message([&] { io::heat_colour(m, 1); });
    EXPECT_NE(msg.find("centre 0"), std::string::npos) << msg;
}

TEST(ChartHeatSvg, CellsArePaintedInTheirHeatColours) {
    io::HeatMap m;
    m.row_labels = {"Mon"};
    m.column_labels = {"a", "b", "c"};
    m.values = {0, 5, 10};
    m.format = plain;
    const std::string svg = io::heat_map_svg(m);
    for (const double v : m.values) {
        const std::string fill = "fill:" + cairo_rgb(io::heat_colour(m, v)) + ";";
        EXPECT_NE(svg.find(fill), std::string::npos) << fill;
    }
}

TEST(ChartHeatSvg, CellTextIsBlackOnLightCellsAndWhiteOnDarkOnes) {
    io::HeatMap m;
    m.row_labels = {"Mon"};
    m.column_labels = {"a", "b"};
    m.values = {0, 10}; // viridis dark purple, yellow
    m.cell_text = {"0", "10"};
    m.format = plain;
    const std::string svg = io::heat_map_svg(m);
    EXPECT_NE(svg.find("<g style=\"fill:rgb(100%,100%,100%)"), std::string::npos);
    EXPECT_NE(svg.find("<g style=\"fill:rgb(0%,0%,0%)"), std::string::npos);
}

TEST(ChartHeatSvg, AllMissingMapDrawsEveryCellAsMissing) {
    io::HeatMap m = week_by_hour();
    std::fill(m.values.begin(), m.values.end(), kNaN);
    std::string svg;
    ASSERT_NO_THROW(svg = io::heat_map_svg(m));
    const std::string grey = "fill:" + cairo_rgb(io::heat_colour(m, kNaN)) + ";";
    EXPECT_NE(svg.find(grey), std::string::npos);
    EXPECT_NE(svg.find("clipPath"), std::string::npos) << "the hatch is clipped to the cells";
    // No cell in a scale colour: only the legend bar's gradient holds viridis.
    const std::string dark = "fill:" + cairo_rgb(io::heat_colour(m, 0)) + ";";
    EXPECT_EQ(svg.find(dark), std::string::npos);
}

TEST(ChartHeatSvg, LongRowLabelsGetTheRoomTheyNeedInsideTheDocument) {
    io::HeatMap m = week_by_hour();
    m.row_labels[0] = "Monday, the first working day of the week";
    m.legend_title = "Incidents per hour and weekday, 2019–2024";
    m.width_px = 480;
    const std::string svg = io::heat_map_svg(m);
    const Size s = svg_size(svg);
    const auto all = glyphs(svg);
    ASSERT_FALSE(all.empty());
    for (const auto& g : all) {
        EXPECT_GE(g.x, 0);
        EXPECT_LE(g.x, s.width);
        EXPECT_LE(g.y, s.height);
    }
    // The long label was not cut: its glyph run is the longest of the document.
    std::map<std::size_t, std::size_t> count;
    for (const auto& g : all)
        ++count[g.run];
    std::size_t longest = 0;
    for (const auto& [run, n] : count)
        longest = std::max(longest, n);
    EXPECT_GE(longest, m.row_labels[0].size());
}

TEST(ChartHeatSvg, ShortGridPutsTheLegendBelowAndTallerGridAtTheRight) {
    io::HeatMap m;
    m.row_labels = {"0–200 m", "200–400 m"};
    m.column_labels = {"0–7 d", "7–14 d", "14–21 d", "21–28 d"};
    m.values = {1.4, 1.1, 0.9, 1.0, 1.2, 1.0, kNaN, 0.7};
    m.scale = io::HeatMap::Scale::diverging;
    m.legend_title = "Knox ratio";
    m.missing_label = "too few pairs";
    m.format = plain;
    const Size below = svg_size(io::heat_map_svg(m));
    EXPECT_GT(below.height, 2 * 28 + 40) << "the bar and its ticks under the grid";
    m.cell_px = 60;
    const Size right = svg_size(io::heat_map_svg(m));
    EXPECT_EQ(right.width, 720);
    EXPECT_LE(right.height, 2 * 60 + 120);
}

TEST(ChartHeatSvg, InvalidInputThrowsWithContext) {
    auto expect = [](io::HeatMap m, std::vector<std::string> parts) {
        const std::string msg = thrown_message([&] { io::heat_map_svg(m); });
        for (const auto& p : parts)
            EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
    };
    const io::HeatMap m = week_by_hour();
    {
        auto bad = m;
        bad.format = nullptr;
        expect(bad, {"heat map", "format"});
    }
    {
        auto bad = m;
        bad.values.pop_back();
        expect(bad, {"7 rows × 24 columns", "need 168 values", "got 167"});
    }
    {
        auto bad = m;
        bad.cell_text = {"1", "2"};
        expect(bad, {"cell_text has 2", "0 or 168"});
    }
    {
        auto bad = m;
        bad.width_px = 5000;
        expect(bad, {"width_px 5000", "200 to 4000"});
    }
    {
        auto bad = m;
        bad.row_labels.clear();
        bad.values.clear();
        expect(bad, {"0 rows", "at least one"});
    }
    {
        auto bad = m;
        bad.cell_px = 400;
        bad.row_labels.resize(10, "day");
        bad.values.resize(10 * 24, 1);
        expect(bad, {"10 rows of 400 px", "at most 4000"});
    }
}
