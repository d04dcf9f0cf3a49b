#include "io/map_render.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace vigia;
using vigia::test::Image;
using vigia::test::read_png;
using vigia::test::Rgb;
using vigia::test::TempDir;

// fontconfig, under cairo's toy text API, leaks about 1 KB once per process on Debian 12 (a
// ten-line cairo-only program does the same); without this, LeakSanitizer would fail this
// whole program in a VIGIA_SANITIZE build. Only consulted by sanitizer builds.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\n";
}

namespace {

using Ring = std::vector<std::pair<double, double>>;

void put_u32(analysis::Wkb& w, std::uint32_t v, bool little) {
    for (int i = 0; i < 4; ++i) {
        const int shift = little ? 8 * i : 8 * (3 - i);
        w.push_back(static_cast<unsigned char>(v >> shift));
    }
}

void put_f64(analysis::Wkb& w, double d, bool little) {
    std::uint64_t v;
    std::memcpy(&v, &d, 8);
    for (int i = 0; i < 8; ++i) {
        const int shift = little ? 8 * i : 8 * (7 - i);
        w.push_back(static_cast<unsigned char>(v >> shift));
    }
}

void put_polygon(analysis::Wkb& w, const std::vector<Ring>& rings, bool little) {
    w.push_back(little ? 1 : 0);
    put_u32(w, 3, little);
    put_u32(w, static_cast<std::uint32_t>(rings.size()), little);
    for (const auto& r : rings) {
        put_u32(w, static_cast<std::uint32_t>(r.size()), little);
        for (const auto& [x, y] : r) {
            put_f64(w, x, little);
            put_f64(w, y, little);
        }
    }
}

analysis::Wkb polygon(const std::vector<Ring>& rings, bool little = true) {
    analysis::Wkb w;
    put_polygon(w, rings, little);
    return w;
}

analysis::Wkb multipolygon(const std::vector<std::vector<Ring>>& parts, bool little) {
    analysis::Wkb w;
    w.push_back(little ? 1 : 0);
    put_u32(w, 6, little);
    put_u32(w, static_cast<std::uint32_t>(parts.size()), little);
    for (const auto& p : parts)
        put_polygon(w, p, !little); // parts in the other byte order
    return w;
}

/// A closed square ring, counter-clockwise (or clockwise).
Ring square(double cx, double cy, double side, bool ccw = true) {
    const double h = side / 2;
    Ring r{{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}};
    if (!ccw) std::reverse(r.begin(), r.end());
    r.push_back(r.front());
    return r;
}

bool near(const Rgb& c, int r, int g, int b, int tol = 12) {
    return std::abs(c.r - r) <= tol && std::abs(c.g - g) <= tol && std::abs(c.b - b) <= tol;
}

std::string text_of(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

constexpr double X0 = 500000, Y0 = 2000000;          // a UTM-like origin
const io::Rgba kRed = io::parse_colour("#d7191c");   // 215, 25, 28
const io::Rgba kBlue = io::parse_colour("#2c7bb6");  // 44, 123, 182
const io::Rgba kGreen = io::parse_colour("#1a9641"); // 26, 150, 65

/// A 1 km panel with a red 100 m square centred on (X0+250, Y0+650) and a blue point at
/// (X0+750, Y0+250).
io::MapPanel planted_panel() {
    io::MapPanel p;
    p.title = "Planted";
    p.extent = {X0, Y0, X0 + 1000, Y0 + 1000};
    io::PolygonLayer red;
    red.owned.push_back(polygon({square(X0 + 250, Y0 + 650, 100)}));
    red.fill = kRed;
    red.stroke_px = 0;
    p.polygons.push_back(std::move(red));
    io::PointLayer blue;
    blue.x = {X0 + 750};
    blue.y = {Y0 + 250};
    blue.fill = kBlue;
    blue.stroke_px = 0;
    blue.radius_px = 6;
    p.points.push_back(std::move(blue));
    return p;
}

} // namespace

TEST(MapRender, ParsesHexColours) {
    const io::Rgba c = io::parse_colour("#d7191c");
    EXPECT_DOUBLE_EQ(c.r, 215 / 255.0);
    EXPECT_DOUBLE_EQ(c.g, 25 / 255.0);
    EXPECT_DOUBLE_EQ(c.b, 28 / 255.0);
    EXPECT_DOUBLE_EQ(c.a, 1.0);
    EXPECT_DOUBLE_EQ(io::parse_colour("#D7191C80").a, 128 / 255.0);
    for (const char* bad : {"d7191c", "#d7191", "#d7191c8", "#zz191c", ""}) {
        try {
            io::parse_colour(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const InputError& e) {
            EXPECT_NE(std::string{e.what()}.find("#rrggbb"), std::string::npos) << e.what();
        }
    }
}

TEST(MapRender, ScaleBarLengthsAreOneTwoOrFiveTimesAPowerOfTen) {
    EXPECT_DOUBLE_EQ(io::nice_round_length(1000), 1000);
    EXPECT_DOUBLE_EQ(io::nice_round_length(999), 500);
    EXPECT_DOUBLE_EQ(io::nice_round_length(4999), 2000);
    EXPECT_DOUBLE_EQ(io::nice_round_length(7300), 5000);
    EXPECT_DOUBLE_EQ(io::nice_round_length(0.3), 0.2);
    EXPECT_DOUBLE_EQ(io::nice_round_length(19.99), 10);
    EXPECT_THROW(io::nice_round_length(0), InputError);
}

TEST(MapRender, PlantedSquareAndPointLandWhereTheTransformSays) {
    TempDir d;
    io::MapDoc doc;
    doc.width_px = 800;
    doc.title = "Ciudad de México";
    doc.subtitle = "2019";
    doc.source = "Fuente: SSC";
    doc.panels.push_back(planted_panel());
    io::render_png(doc, d / "map.png", false);

    const Image img = read_png(d / "map.png");
    EXPECT_EQ(img.width, 800);
    const io::PanelTransform t = io::panel_transform(doc, 0);
    EXPECT_GT(img.height, t.frame_y + t.frame_h); // the frame and something below it
    EXPECT_LT(img.height, 2 * 800);
    EXPECT_GE(t.frame_w, 1000 / t.metres_per_px); // the whole extent is visible
    EXPECT_GE(t.frame_h, 1000 / t.metres_per_px);

    const auto [rx, ry] = t.to_pixel(X0 + 250, Y0 + 650);
    EXPECT_TRUE(near(img.at(rx, ry), 215, 25, 28));
    // 100 m is about 100 / metres_per_px pixels: red 30 m inside the edge, white 30 m outside.
    const auto [ex, ey] = t.to_pixel(X0 + 250 + 20, Y0 + 650);
    EXPECT_TRUE(near(img.at(ex, ey), 215, 25, 28));
    const auto [ox, oy] = t.to_pixel(X0 + 250 + 80, Y0 + 650);
    EXPECT_TRUE(near(img.at(ox, oy), 255, 255, 255));
    const auto [wx, wy] = t.to_pixel(X0 + 500, Y0 + 450);
    EXPECT_TRUE(near(img.at(wx, wy), 255, 255, 255));
    const auto [bx, by] = t.to_pixel(X0 + 750, Y0 + 250);
    EXPECT_TRUE(near(img.at(bx, by), 44, 123, 182));
    EXPECT_TRUE(near(img.at(bx + 10, by), 255, 255, 255));         // radius 6 px
    EXPECT_EQ(d.listing(), (std::vector<std::string>{"map.png"})); // no temporary left
}

TEST(MapRender, PanelsOfDifferentExtentsShareOneScale) {
    TempDir d;
    io::MapDoc doc;
    doc.width_px = 1200;
    doc.legend.entries.push_back(io::LegendEntry::patch(kRed, "200 m"));
    io::MapPanel small, large;
    small.title = "Small";
    small.extent = {X0, Y0, X0 + 1000, Y0 + 1000};
    large.title = "Large";
    large.extent = {X0 + 10000, Y0, X0 + 14000, Y0 + 2000};
    for (io::MapPanel* p : {&small, &large}) {
        const double cx = (p->extent.minx + p->extent.maxx) / 2,
                     cy = (p->extent.miny + p->extent.maxy) / 2;
        io::PolygonLayer l;
        l.owned.push_back(polygon({square(cx, cy, 200)}));
        l.fill = kRed;
        l.stroke_px = 0;
        p->polygons.push_back(std::move(l));
    }
    doc.panels = {small, large};
    const io::PanelTransform a = io::panel_transform(doc, 0), b = io::panel_transform(doc, 1);
    EXPECT_DOUBLE_EQ(a.metres_per_px, b.metres_per_px);
    EXPECT_LE(4000 / b.metres_per_px, b.frame_w); // the largest extent fits its frame
    EXPECT_GT(4000 / b.metres_per_px, 0.9 * b.frame_w);
    EXPECT_DOUBLE_EQ(a.frame_w, b.frame_w);
    EXPECT_DOUBLE_EQ(a.frame_h, b.frame_h);
    EXPECT_TRUE(a.frame_x + a.frame_w <= b.frame_x || a.frame_y + a.frame_h <= b.frame_y)
        << "the frames overlap";

    io::render_png(doc, d / "alliance.png", false);
    const Image img = read_png(d / "alliance.png");
    ASSERT_EQ(img.width, 1200);
    auto red_run = [&](const io::PanelTransform& t, double cx, double cy) {
        const auto [px, py] = t.to_pixel(cx, cy);
        int run = 0;
        for (int x = static_cast<int>(t.frame_x); x < static_cast<int>(t.frame_x + t.frame_w); ++x)
            if (near(img.at(x, py), 215, 25, 28, 40)) ++run;
        EXPECT_TRUE(near(img.at(px, py), 215, 25, 28));
        return run;
    };
    const int run_a = red_run(a, X0 + 500, Y0 + 500), run_b = red_run(b, X0 + 12000, Y0 + 1000);
    EXPECT_NEAR(run_a, 200 / a.metres_per_px, 2);
    EXPECT_NEAR(run_a, run_b, 1); // the same 200 m, the same pixels
}

TEST(MapRender, AnExplicitScaleIsUsedAsGiven) {
    io::MapDoc doc;
    doc.width_px = 600;
    doc.metres_per_px = 2.5;
    doc.panels.push_back(planted_panel());
    const io::PanelTransform t = io::panel_transform(doc, 0);
    EXPECT_DOUBLE_EQ(t.metres_per_px, 2.5);
    const auto [x0, y0] = t.to_pixel(X0, Y0);
    const auto [x1, y1] = t.to_pixel(X0 + 100, Y0 + 100);
    EXPECT_DOUBLE_EQ(x1 - x0, 40);
    EXPECT_DOUBLE_EQ(y0 - y1, 40); // north is up
}

TEST(MapRender, SmallMultiplesFormAGridInsideTheImage) {
    io::MapDoc doc;
    doc.width_px = 1000;
    for (int i = 0; i < 5; ++i) {
        io::MapPanel p;
        p.title = "City " + std::to_string(i);
        p.extent = {0, 0, 1000.0 * (i + 1), 1000.0 * (i + 1)};
        doc.panels.push_back(p);
    }
    std::vector<io::PanelTransform> t;
    for (std::size_t i = 0; i < 5; ++i)
        t.push_back(io::panel_transform(doc, i));
    EXPECT_DOUBLE_EQ(t[4].frame_y, t[3].frame_y);
    EXPECT_GT(t[4].frame_y, t[0].frame_y); // more than one row
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_GE(t[i].frame_x, 0);
        EXPECT_LE(t[i].frame_x + t[i].frame_w, 1000);
        EXPECT_DOUBLE_EQ(t[i].metres_per_px, t[0].metres_per_px);
        for (std::size_t j = 0; j < i; ++j) {
            const bool apart = t[j].frame_x + t[j].frame_w <= t[i].frame_x ||
                               t[j].frame_y + t[j].frame_h <= t[i].frame_y;
            EXPECT_TRUE(apart) << "frames " << j << " and " << i << " overlap";
        }
    }
    doc.columns = 5;
    EXPECT_DOUBLE_EQ(io::panel_transform(doc, 4).frame_y, io::panel_transform(doc, 0).frame_y);
    EXPECT_THROW(io::panel_transform(doc, 5), std::out_of_range);
}

TEST(MapRender, HolesStayEmptyWhateverTheRingOrientation) {
    TempDir d;
    io::MapDoc doc;
    doc.width_px = 600;
    doc.scale_bar = doc.north_arrow = false;
    io::MapPanel p;
    p.extent = {X0, Y0, X0 + 1000, Y0 + 1000};
    io::PolygonLayer l;
    // A 600 m square with a 200 m hole, both rings counter-clockwise (the hole "wrong"), and
    // a big-endian MultiPolygon (little-endian parts) of two 100 m squares.
    l.owned.push_back(polygon({square(X0 + 400, Y0 + 500, 600), square(X0 + 400, Y0 + 500, 200)}));
    l.owned.push_back(multipolygon(
        {{square(X0 + 850, Y0 + 200, 100, false)}, {square(X0 + 850, Y0 + 800, 100)}}, false));
    l.fills = {kRed, kGreen};
    l.stroke_px = 0;
    p.polygons.push_back(std::move(l));
    doc.panels.push_back(std::move(p));
    io::render_png(doc, d / "holes.png", false);
    const Image img = read_png(d / "holes.png");
    const io::PanelTransform t = io::panel_transform(doc, 0);
    auto at = [&](double x, double y) {
        const auto [px, py] = t.to_pixel(X0 + x, Y0 + y);
        return img.at(px, py);
    };
    EXPECT_TRUE(near(at(400, 500), 255, 255, 255)); // inside the hole
    EXPECT_TRUE(near(at(400, 700), 215, 25, 28));   // on the ring
    EXPECT_TRUE(near(at(200, 500), 215, 25, 28));
    EXPECT_TRUE(near(at(850, 200), 26, 150, 65)); // both parts of the MultiPolygon
    EXPECT_TRUE(near(at(850, 800), 26, 150, 65));
    EXPECT_TRUE(near(at(850, 500), 255, 255, 255)); // between them
}

TEST(MapRender, AnExistingImageIsKeptWithoutOverwrite) {
    TempDir d;
    d.write("map.png", "precious");
    io::MapDoc doc;
    doc.width_px = 400;
    doc.panels.push_back(planted_panel());
    try {
        io::render_png(doc, d / "map.png", false);
        FAIL() << "expected an error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string{e.what()}.find("--overwrite"), std::string::npos) << e.what();
        EXPECT_NE(std::string{e.what()}.find("map.png"), std::string::npos) << e.what();
    }
    EXPECT_EQ(text_of(d / "map.png"), "precious");
    EXPECT_EQ(d.listing(), (std::vector<std::string>{"map.png"}));
    io::render_png(doc, d / "map.png", true);
    EXPECT_EQ(read_png(d / "map.png").width, 400);
    EXPECT_EQ(d.listing(), (std::vector<std::string>{"map.png"}));
}

TEST(MapRender, BadWkbIsAnInputErrorNamingPanelLayerAndFeature) {
    analysis::Wkb line{1};
    put_u32(line, 2, true); // LineString, 2 points
    put_u32(line, 2, true);
    for (double v : {X0, Y0, X0 + 10, Y0 + 10})
        put_f64(line, v, true);
    analysis::Wkb truncated = polygon({square(X0 + 500, Y0 + 500, 100)});
    truncated.resize(truncated.size() - 5);
    analysis::Wkb huge_count{1};
    put_u32(huge_count, 3, true);
    put_u32(huge_count, 0xFFFFFFFFu, true); // ring count far beyond the bytes present
    analysis::Wkb not_wkb{'P', 'O', 'L', 'Y', 'G', 'O', 'N'};
    analysis::Wkb trailing = polygon({square(X0 + 500, Y0 + 500, 100)});
    trailing.push_back(0);

    const std::vector<std::pair<analysis::Wkb, std::string>> cases{
        {line, "WKB type 2 (LineString) is not a Polygon or MultiPolygon"},
        {truncated, "truncated WKB"},
        {huge_count, "truncated WKB"},
        {not_wkb, "byte-order flag 80"},
        {trailing, "1 bytes left after the geometry"},
    };
    for (const auto& [bad, expected] : cases) {
        TempDir d;
        io::MapDoc doc;
        doc.width_px = 400;
        doc.panels.push_back(planted_panel());
        io::PolygonLayer l;
        l.name = "grid";
        l.owned = {polygon({square(X0 + 500, Y0 + 500, 100)}), bad};
        doc.panels[0].polygons.push_back(std::move(l));
        try {
            io::render_png(doc, d / "bad.png", false);
            ADD_FAILURE() << "accepted bad WKB: " << expected;
        } catch (const InputError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("bad.png: panel 1 ('Planted'), polygon layer 2 ('grid'), feature 2: "),
                      std::string::npos)
                << m;
            EXPECT_NE(m.find(expected), std::string::npos) << m;
        }
        EXPECT_TRUE(d.listing().empty()); // nothing written, no temporary left
    }
}

TEST(MapRender, AMismatchedFillListIsAnError) {
    TempDir d;
    io::MapDoc doc;
    doc.width_px = 400;
    doc.panels.push_back(planted_panel());
    doc.panels[0].polygons[0].fills = {kRed, kBlue};
    try {
        io::render_png(doc, d / "m.png", false);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string{e.what()}.find("2 fill colours for 1 features"), std::string::npos)
            << e.what();
    }
}

TEST(MapRender, AnInvalidDocumentIsRejectedBeforeDrawing) {
    io::MapDoc doc;
    EXPECT_THROW(io::panel_transform(doc, 0), InputError); // no panels
    doc.panels.push_back(planted_panel());
    doc.panels[0].extent = {X0, Y0, X0, Y0 + 10};
    try {
        io::panel_transform(doc, 0);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string{e.what()}.find("panel 1 ('Planted'): extent"), std::string::npos)
            << e.what();
    }
    doc.panels[0] = planted_panel();
    doc.width_px = 50;
    EXPECT_THROW(io::panel_transform(doc, 0), InputError);
}

TEST(MapRender, TitlesLegendAndLabelsAreDrawnOutsideAndInsideThePanels) {
    TempDir d;
    io::MapDoc doc;
    doc.width_px = 900;
    doc.title = "São Paulo — Ciudad de México — Saint-Étienne";
    doc.subtitle = "Enero–marzo 2014";
    doc.source = "Fuente: datos abiertos \xff (invalid UTF-8 is replaced, not fatal)";
    doc.legend.title = "Clases";
    doc.legend.entries = {io::LegendEntry::patch(kGreen, "Frío"),
                          io::LegendEntry::point(kBlue, io::PointShape::star, "Policía"),
                          io::LegendEntry::line(kRed, 3, "Límite")};
    io::MapPanel p = planted_panel();
    p.labels.push_back({X0 + 500, Y0 + 850, "Coyoacán"});
    doc.panels.push_back(p);
    io::render_png(doc, d / "m.png", false);
    const Image img = read_png(d / "m.png");
    const io::PanelTransform t = io::panel_transform(doc, 0);

    auto count = [&](int y0, int y1, int x0, int x1, auto pred) {
        int n = 0;
        for (int y = std::max(y0, 0); y < std::min(y1, img.height); ++y)
            for (int x = std::max(x0, 0); x < std::min(x1, img.width); ++x)
                if (pred(img.at(x, y))) ++n;
        return n;
    };
    auto dark = [](const Rgb& c) { return c.r < 80 && c.g < 80 && c.b < 80; };
    const int frame_top = static_cast<int>(t.frame_y),
              frame_bottom = static_cast<int>(t.frame_y + t.frame_h);
    EXPECT_GT(count(0, frame_top - 40, 0, img.width, dark), 200); // title text
    // The legend's green patch, the star and the red line are all below the frame.
    EXPECT_GT(count(frame_bottom, img.height, 0, img.width,
                    [](const Rgb& c) { return near(c, 26, 150, 65); }),
              100);
    EXPECT_GT(count(frame_bottom, img.height, 0, img.width,
                    [](const Rgb& c) { return near(c, 44, 123, 182); }),
              20);
    EXPECT_GT(count(frame_bottom, img.height, 0, img.width,
                    [](const Rgb& c) { return near(c, 215, 25, 28); }),
              20);
    // The label: dark letters around its anchor, inside the frame.
    const auto [lx, ly] = t.to_pixel(X0 + 500, Y0 + 850);
    const int lxi = static_cast<int>(lx), lyi = static_cast<int>(ly);
    EXPECT_GT(count(lyi - 10, lyi + 10, lxi - 50, lxi + 50, dark), 30);
    // The scale bar (black and white segments) sits in the frame's bottom-left corner.
    EXPECT_GT(count(frame_bottom - 80, frame_bottom, static_cast<int>(t.frame_x),
                    static_cast<int>(t.frame_x + t.frame_w / 3), dark),
              100);
}
