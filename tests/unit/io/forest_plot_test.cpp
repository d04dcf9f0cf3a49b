#include "io/forest_plot.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "tests/support/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

// The LeakSanitizer suppression for fontconfig (cairo's toy text API) is in map_render_test.cpp,
// which is linked into the same test program.

using namespace vigia;
using vigia::test::Image;
using vigia::test::read_png;
using vigia::test::Rgb;
using vigia::test::TempDir;

namespace {

bool dark(const Rgb& c) {
    return c.r < 128 && c.g < 128 && c.b < 128;
}
bool white(const Rgb& c) {
    return c.r > 240 && c.g > 240 && c.b > 240;
}
bool diamond_red(const Rgb& c) { // kDiamond (179, 38, 38), antialiased edges excluded
    return c.r > 140 && c.g < 110 && c.b < 110 && c.r - c.g > 80;
}
bool box_blue(const Rgb& c) { // kBox (46, 87, 133)
    return std::abs(c.r - 46) <= 25 && std::abs(c.g - 87) <= 25 && std::abs(c.b - 133) <= 25 &&
           c.b - c.r > 50;
}

std::string bytes_of(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

io::ForestRow row(std::string label, double est, double lo, double hi, double weight) {
    return {
        std::move(label), est, lo, hi, weight, fmt::format("{:.2f} [{:.2f}, {:.2f}]", est, lo, hi)};
}

/// Sites of a sports programme: 3 (or `n`) rows and a pooled estimate clear of 1.
io::ForestPlot sports(std::size_t n = 3) {
    io::ForestPlot p;
    p.title = "What works: sports";
    p.subtitle = "random effects (DerSimonian–Laird), k = " + std::to_string(n);
    p.axis_label = "Relative effect size (> 1: fewer incidents than expected)";
    p.left_note = "worse";
    p.right_note = "better";
    const io::ForestRow base[] = {row("Zapopan", 1.43, 1.10, 1.86, 4),
                                  row("site 3: Unidad deportiva", 0.92, 0.70, 1.21, 2),
                                  row("Ciudad de México", 1.18, 0.95, 1.47, 1)};
    for (std::size_t i = 0; i < n; ++i) {
        io::ForestRow r = base[i % 3];
        if (i >= 3) r.label += " (" + std::to_string(i + 1) + ")";
        p.rows.push_back(r);
    }
    p.pooled = row("Pooled", 1.25, 1.05, 1.60, 1);
    p.footer = "τ² = 0.012, I² = 31.0%, Q = 4.35 (p = 0.226)";
    return p;
}

} // namespace

TEST(ForestPlot, LogPositionIsLinearInTheLogOfTheRatio) {
    EXPECT_DOUBLE_EQ(io::forest_x(0.5, 0.5, 2, 100, 300), 100);
    EXPECT_DOUBLE_EQ(io::forest_x(2, 0.5, 2, 100, 300), 300);
    EXPECT_NEAR(io::forest_x(1, 0.5, 2, 100, 300), 200, 1e-9);
    EXPECT_NEAR(io::forest_x(std::sqrt(2.0), 0.5, 2, 100, 300), 250, 1e-9);
    EXPECT_NEAR(io::forest_x(4, 0.5, 2, 100, 300), 400, 1e-9); // beyond the ends: extrapolated
}

TEST(ForestPlot, AxisCoversEveryIntervalAndOneWithNiceTicks) {
    using V = std::vector<double>;
    io::ForestPlot p = sports(); // everything within 0.70–1.86
    const io::ForestAxis a = io::forest_axis(p);
    EXPECT_EQ(a.ticks, (V{0.67, 0.8, 1, 1.25, 1.5, 2}));
    EXPECT_EQ(a.lo, 0.67);
    EXPECT_EQ(a.hi, 2);

    p.rows = {row("narrow", 1.02, 0.97, 1.08, 1)}; // narrow: 0.8 and 1.25 either side of 1
    p.pooled = row("pooled", 1.02, 0.97, 1.08, 1);
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.8, 1, 1.25}));

    p.pooled = row("above one", 1.5, 1.2, 1.9, 1); // 1 stays inside when no interval holds it
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.8, 1, 1.25, 1.5, 2}));

    p.rows = {row("wide", 1.4, 0.3, 3.1, 1)}; // powers of 2
    p.pooled = row("pooled", 1.2, 0.9, 1.6, 1);
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.25, 0.5, 1, 2, 4}));

    p.rows = {row("wide, 1–2–5 shorter", 2.5, 0.2, 9, 1)}; // not 0.125 … 16 in powers of 2
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.2, 0.5, 1, 2, 5, 10}));

    p.rows = {row("1–2–5", 1.4, 0.15, 4.5, 1), row("small", 0.2, 0.06, 0.7, 1)};
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.05, 0.1, 0.2, 0.5, 1, 2, 5}));

    p.rows = {row("very wide", 1.4, 0.04, 12, 1)}; // 0.02 … 20 would be 10 ticks: decades
    EXPECT_EQ(io::forest_axis(p).ticks, (V{0.01, 0.1, 1, 10, 100}));

    p.rows = {row("huge", 1, 1e-7, 1e7, 1)}; // two decades a tick
    EXPECT_EQ(io::forest_axis(p).ticks, (V{1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6, 1e8}));

    p.rows = {row("extreme", 1, 1e-300, 1e300, 1)};
    const V t = io::forest_axis(p).ticks;
    ASSERT_FALSE(t.empty());
    EXPECT_LE(t.size(), 9u);
    EXPECT_LE(t.front(), 1e-300);
    EXPECT_GT(t.front(), 0);
    EXPECT_GE(t.back(), 1e300);
    EXPECT_TRUE(std::isfinite(t.back()));

    const io::ForestLayout l = io::forest_layout(sports());
    EXPECT_NEAR(l.x(l.axis.lo), l.plot_left, 1e-9);
    EXPECT_NEAR(l.x(l.axis.hi), l.plot_right, 1e-9);
    EXPECT_LT(l.plot_left, l.plot_right);
}

TEST(ForestPlot, ImageIsAsWideAsAskedAndGrowsWithTheRows) {
    TempDir dir;
    io::render_forest(sports(3), dir / "three.png");
    io::render_forest(sports(6), dir / "six.png");
    const Image three = read_png(dir / "three.png"), six = read_png(dir / "six.png");
    EXPECT_EQ(three.width, 1000);
    EXPECT_EQ(six.width, 1000);
    const io::ForestLayout l3 = io::forest_layout(sports(3)), l6 = io::forest_layout(sports(6));
    EXPECT_EQ(three.height, l3.height);
    EXPECT_EQ(six.height, l6.height);
    ASSERT_EQ(l3.row_y.size(), 3u);
    ASSERT_EQ(l6.row_y.size(), 6u);
    const double row_h = l3.row_y[1] - l3.row_y[0];
    EXPECT_GT(row_h, 20);                                   // readable rows at 1000 px
    EXPECT_NEAR(six.height - three.height, 3 * row_h, 1.0); // three more rows, nothing else
    EXPECT_GT(l3.pooled_y, l3.row_y.back());                // pooled last
    EXPECT_GT(l3.axis_y, l3.pooled_y);

    io::render_forest(sports(3), dir / "wide.png", 1600);
    EXPECT_EQ(read_png(dir / "wide.png").width, 1600);
}

TEST(ForestPlot, DashedNullLineFallsAtOneAndDiamondCentreAtThePooledEstimate) {
    TempDir dir;
    const io::ForestPlot plot = sports(); // pooled 1.25 [1.05, 1.60]: asymmetric, clear of 1
    io::render_forest(plot, dir / "f.png");
    const Image img = read_png(dir / "f.png");
    const io::ForestLayout l = io::forest_layout(plot);
    ASSERT_EQ(img.height, l.height);

    // The null line: along the column holding x(1), dark dashes with white gaps from the first
    // row down to the axis; where it is alone (white 6 px either side), its darkness-weighted
    // centre is x(1).
    const double x1 = l.x(1);
    const int c = static_cast<int>(std::floor(x1));
    int alone = 0, gaps = 0;
    double weighted = 0, mass = 0;
    for (int y = static_cast<int>(l.row_y.front()); y < static_cast<int>(l.axis_y) - 1; ++y) {
        if (white(img.at(c, y))) ++gaps;
        if (!dark(img.at(c, y)) || !white(img.at(c - 6, y)) || !white(img.at(c + 6, y))) continue;
        ++alone;
        for (int x = c - 5; x <= c + 5; ++x) {
            const double ink = 255.0 - img.at(x, y).g;
            weighted += ink * (x + 0.5);
            mass += ink;
        }
    }
    EXPECT_GT(alone, 30) << "no dashed line at x = " << x1;
    EXPECT_GT(gaps, 10) << "the line at 1 is not dashed";
    ASSERT_GT(mass, 0);
    const double line_x = weighted / mass;
    EXPECT_NEAR(line_x, x1, 0.5);

    // The diamond: fit its upper-left and upper-right edges and meet them: the apex is the
    // estimate, the edges at the centre line the interval's ends. A row's edges are measured by
    // coverage (redness 0–1; the grey null line and blue boxes have none): from the middle of
    // its solid run, the left edge lies as far left as the red summed on that side.
    auto redness = [&](int x, int y) {
        const Rgb p = img.at(x, y);
        return std::clamp((p.r - p.g) / 141.0, 0.0, 1.0); // kDiamond: r − g = 141
    };
    const int cy = static_cast<int>(std::floor(l.pooled_y));
    int top = cy;
    while (top > 0) {
        bool any = false;
        for (int x = 0; x < img.width && !any; ++x)
            any = diamond_red(img.at(x, top - 1));
        if (!any) break;
        --top;
    }
    ASSERT_LT(top, cy - 5) << "no diamond above its centre line";
    struct Fit { // x = a + b·y, least squares
        double n = 0, sy = 0, sx = 0, syy = 0, sxy = 0;
        void add(double y, double x) { n += 1, sy += y, sx += x, syy += y * y, sxy += x * y; }
        double b() const { return (n * sxy - sx * sy) / (n * syy - sy * sy); }
        double a() const { return (sx - b() * sy) / n; }
        double at(double y) const { return a() + b() * y; }
    } left, right;
    for (int y = top + 2; y <= cy - 2; ++y) {
        int first = -1, last = -1;
        for (int x = 0; x < img.width; ++x)
            if (redness(x, y) > 0.99) {
                if (first < 0) first = x;
                last = x;
            }
        ASSERT_GE(first, 0) << "row " << y;
        const int split = (first + last) / 2;
        double before = 0, after = 0;
        for (int x = 0; x < img.width; ++x)
            (x < split ? before : after) += redness(x, y);
        left.add(y + 0.5, split - before);
        right.add(y + 0.5, split + after);
    }
    ASSERT_GE(left.n, 4);
    const double apex_y = (right.a() - left.a()) / (left.b() - right.b());
    const double apex_x = left.at(apex_y);
    EXPECT_NEAR(apex_x, l.x(plot.pooled.estimate), 1.0);
    EXPECT_NEAR(left.at(l.pooled_y), l.x(plot.pooled.ci_low), 1.0);
    EXPECT_NEAR(right.at(l.pooled_y), l.x(plot.pooled.ci_high), 1.0);
    // Not the middle of the interval: on a log axis 1.25 sits left of the middle of 1.05–1.60.
    EXPECT_LT(apex_x, (l.x(plot.pooled.ci_low) + l.x(plot.pooled.ci_high)) / 2 - 5);
    // And the scale is logarithmic as drawn, whatever the layout says: measured from the
    // measured null line, the estimate and the upper bound are in the ratio of their logs.
    EXPECT_NEAR((apex_x - line_x) / (right.at(l.pooled_y) - line_x),
                std::log(1.25) / std::log(1.60), 0.015);
}

TEST(ForestPlot, BoxAreaFollowsTheWeight) {
    TempDir dir;
    io::ForestPlot plot = sports(); // weights 4, 2, 1
    io::render_forest(plot, dir / "f.png");
    const Image img = read_png(dir / "f.png");
    const io::ForestLayout l = io::forest_layout(plot);
    const double row_h = l.row_y[1] - l.row_y[0];
    std::vector<double> area;
    for (const double cy : l.row_y) {
        double a = 0; // blueness (b − r, white and grey ink have none), in box pixels
        for (int y = static_cast<int>(cy - row_h / 2); y < static_cast<int>(cy + row_h / 2); ++y)
            for (int x = static_cast<int>(l.plot_left) - 15;
                 x < static_cast<int>(l.plot_right) + 15; ++x) {
                const Rgb p = img.at(x, y);
                a += std::max(0, p.b - p.r) / 87.0;
            }
        area.push_back(a);
    }
    ASSERT_EQ(area.size(), 3u);
    EXPECT_GT(area[2], 50); // visible
    EXPECT_NEAR(area[0] / area[2], 4, 0.2);
    EXPECT_NEAR(area[1] / area[2], 2, 0.1);
    // And each box sits at its estimate.
    for (std::size_t i = 0; i < 3; ++i) {
        const int y = static_cast<int>(std::floor(l.row_y[i]));
        const int x = static_cast<int>(std::floor(l.x(plot.rows[i].estimate)));
        EXPECT_TRUE(box_blue(img.at(x, y))) << "row " << i + 1;
    }
}

TEST(ForestPlot, LabelsAtTheLeftAndRightTextAtTheRightOfTheirRows) {
    TempDir dir;
    io::ForestPlot plot = sports();
    plot.rows[1].label.clear();
    plot.rows[1].right_text.clear();
    io::render_forest(plot, dir / "f.png");
    const Image img = read_png(dir / "f.png");
    const io::ForestLayout l = io::forest_layout(plot);
    const double row_h = l.row_y[1] - l.row_y[0];
    auto inked = [&](double cy, int x0, int x1) {
        int n = 0;
        for (int y = static_cast<int>(cy - row_h / 2) + 1; y < static_cast<int>(cy + row_h / 2);
             ++y)
            for (int x = x0; x < x1; ++x)
                n += dark(img.at(x, y));
        return n;
    };
    const int label_end = static_cast<int>(l.plot_left) - 12;
    const int text_start = static_cast<int>(l.plot_right) + 12;
    for (std::size_t i = 0; i < 3; ++i) {
        const bool has = i != 1;
        EXPECT_EQ(inked(l.row_y[i], 0, label_end) > 20, has) << "label of row " << i + 1;
        EXPECT_EQ(inked(l.row_y[i], text_start, img.width) > 20, has) << "right text of " << i + 1;
    }
    EXPECT_GT(inked(l.pooled_y, 0, label_end), 20);
    EXPECT_GT(inked(l.pooled_y, text_start, img.width), 20);
}

TEST(ForestPlot, SameInputGivesIdenticalBytes) {
    TempDir dir;
    io::render_forest(sports(), dir / "a.png");
    io::render_forest(sports(), dir / "b.png");
    const std::string a = bytes_of(dir / "a.png"), b = bytes_of(dir / "b.png");
    ASSERT_GT(a.size(), 1000u);
    EXPECT_EQ(a.substr(0, 8), "\x89PNG\r\n\x1a\n");
    EXPECT_TRUE(a == b) << "two renders of one plot differ";
    io::ForestPlot other = sports();
    other.rows[0].estimate = 1.5;
    io::render_forest(other, dir / "c.png");
    EXPECT_FALSE(bytes_of(dir / "c.png") == a);
}

TEST(ForestPlot, BadRowsAreRejectedNamingTheirLabel) {
    TempDir dir;
    auto message = [&](const io::ForestPlot& p) -> std::string {
        try {
            io::render_forest(p, dir / "bad.png");
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        ADD_FAILURE() << "no std::invalid_argument";
        return {};
    };
    io::ForestPlot p = sports();
    p.rows[0].estimate = 0;
    std::string m = message(p);
    EXPECT_NE(m.find("'Zapopan'"), std::string::npos) << m;
    EXPECT_NE(m.find("estimate = 0"), std::string::npos) << m;
    EXPECT_THROW(io::forest_axis(p), std::invalid_argument);
    EXPECT_THROW(io::forest_layout(p), std::invalid_argument);

    p = sports();
    p.rows[1].ci_low = 1.3; // above its ci_high 1.21
    m = message(p);
    EXPECT_NE(m.find("row 2 ('site 3: Unidad deportiva')"), std::string::npos) << m;
    EXPECT_NE(m.find("ci_low 1.3 > ci_high 1.21"), std::string::npos) << m;

    p = sports();
    p.rows[2].weight = std::nan("");
    m = message(p);
    EXPECT_NE(m.find("'Ciudad de México'"), std::string::npos) << m;
    EXPECT_NE(m.find("weight"), std::string::npos) << m;

    p = sports();
    p.pooled.ci_high = -1;
    m = message(p);
    EXPECT_NE(m.find("pooled row ('Pooled')"), std::string::npos) << m;

    p = sports();
    p.rows[0].ci_high = std::numeric_limits<double>::infinity();
    EXPECT_THROW(io::render_forest(p, dir / "bad.png"), std::invalid_argument);
    EXPECT_THROW(io::render_forest(sports(), dir / "bad.png", 100), std::invalid_argument);
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.png"));
}

TEST(ForestPlot, WritingIntoAMissingFolderIsAnIoError) {
    TempDir dir;
    const auto path = dir / "missing" / "f.png";
    try {
        io::render_forest(sports(), path);
        FAIL() << "no IoError";
    } catch (const IoError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(path.string()), std::string::npos) << m;
        EXPECT_NE(m.find("No such file or directory"), std::string::npos) << m;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "missing")); // not created behind the caller
}

TEST(ForestPlot, TextThatIsNotUtf8OrTooLongStillDraws) {
    TempDir dir;
    io::ForestPlot p = sports();
    p.rows[0].label = "Bogot\xE1"; // Latin-1: would put cairo into an error state
    p.rows[1].label = std::string(300, 'x') + " very long site name";
    p.title = "tab\there";
    EXPECT_NO_THROW(io::render_forest(p, dir / "f.png"));
    const Image img = read_png(dir / "f.png");
    EXPECT_EQ(img.width, 1000);
}

TEST(ForestPlot, AHugeIntervalWidensTheAxisRatherThanRunningOffIt) {
    TempDir dir;
    io::ForestPlot p = sports();
    p.rows[1] = row("tiny site", 2, 0.001, 4000, 0.1);
    io::render_forest(p, dir / "f.png");
    const Image img = read_png(dir / "f.png");
    const io::ForestLayout l = io::forest_layout(p);
    EXPECT_LE(l.axis.lo, 0.001);
    EXPECT_GE(l.axis.hi, 4000);
    const int y = static_cast<int>(std::floor(l.row_y[1]));
    // The interval line reaches both of its ends, inside the axis, and stops there.
    EXPECT_TRUE(dark(img.at(static_cast<int>(l.x(0.001)) + 1, y)));
    EXPECT_TRUE(dark(img.at(static_cast<int>(l.x(4000)) - 2, y)));
    EXPECT_TRUE(white(img.at(static_cast<int>(l.x(0.001)) - 3, y)));
    EXPECT_TRUE(white(img.at(static_cast<int>(l.x(4000)) + 3, y)));
    EXPECT_GE(l.x(0.001), l.plot_left - 1e-9);
    EXPECT_LE(l.x(4000), l.plot_right + 1e-9);
}
