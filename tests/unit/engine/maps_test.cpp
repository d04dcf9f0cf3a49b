// The city map: a hot spot planted in the counts, found by the real Gi* stage, shows in the
// hot colour where it lies; the image is the requested width.
#include "engine/maps.hpp"

#include "analysis/geos.hpp"
#include "engine/hotspot_stage.hpp"
#include "engine/styles.hpp"
#include "io/gdal_util.hpp"
#include "tests/support/test_support.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>

namespace vigia::engine {
namespace {

analysis::Wkb square_wkb(double x0, double y0, double side) {
    analysis::GeosContext c;
    GEOSWKTReader* r = GEOSWKTReader_create_r(c.get());
    const std::string wkt = "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + ", " +
                            std::to_string(x0 + side) + " " + std::to_string(y0) + ", " +
                            std::to_string(x0 + side) + " " + std::to_string(y0 + side) + ", " +
                            std::to_string(x0) + " " + std::to_string(y0 + side) + ", " +
                            std::to_string(x0) + " " + std::to_string(y0) + "))";
    GEOSGeometry* g = GEOSWKTReader_read_r(c.get(), r, wkt.c_str());
    GEOSWKTReader_destroy_r(c.get(), r);
    analysis::GeomPtr owned = analysis::own(c, g, "square");
    return analysis::to_wkb(c, owned.get());
}

struct Rgb {
    int r, g, b;
};

Rgb pixel(GDALDataset& ds, double x, double y) {
    int v[3];
    for (int b = 0; b < 3; ++b) {
        unsigned char byte = 0;
        EXPECT_EQ(ds.GetRasterBand(b + 1)->RasterIO(GF_Read, static_cast<int>(x),
                                                    static_cast<int>(y), 1, 1, &byte, 1, 1,
                                                    GDT_Byte, 0, 0),
                  CE_None);
        v[b] = byte;
    }
    return {v[0], v[1], v[2]};
}

::testing::AssertionResult Near(const Rgb& c, Colour want, int tol = 10) {
    if (std::abs(c.r - want.r) <= tol && std::abs(c.g - want.g) <= tol &&
        std::abs(c.b - want.b) <= tol)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "pixel (" << c.r << ", " << c.g << ", " << c.b << ") is not " << to_hex(want);
}

TEST(CityMap, APlantedHotSpotShowsInTheHotColourAtItsPlace) {
    // A 5 km square city in UTM 14N with 250 m square cells (400 cells); 40 incidents in
    // the cell whose centre is (481375, 2133625) and 5 in each of its 8 neighbours, none
    // elsewhere: Gi* finds that block hot at 99 %.
    Manifest manifest;
    manifest.analysis.grid = {analysis::GridShape::square, 250};
    manifest.analysis.permutations = 0;
    manifest.analysis.period_text = "2024-01-01/2024-12-31";
    CityConfig city;
    city.name = "Cuadrada";
    city.slug = "cuadrada";
    CityContext o;
    o.manifest = &manifest;
    o.city = &city;
    o.target = io::make_srs("EPSG:32614", "test");
    o.units.wkb = {square_wkb(480000, 2130000, 5000)};
    o.units.names = {"Centro"};
    o.boundary = analysis::make_boundary(o.units.wkb);
    o.grid = analysis::build_grid(manifest.analysis.grid, o.boundary);
    ASSERT_EQ(o.grid.size(), 400u);
    const double hx = 481375, hy = 2133625;
    o.cell_counts.assign(o.grid.size(), 0.0);
    for (std::size_t c = 0; c < o.grid.size(); ++c) {
        const double dx = std::abs(o.grid.cx[c] - hx), dy = std::abs(o.grid.cy[c] - hy);
        if (dx < 1 && dy < 1)
            o.cell_counts[c] = 40;
        else if (dx < 300 && dy < 300)
            o.cell_counts[c] = 5;
    }
    o.unit_counts = {80};
    HotspotInput in;
    in.grid = &o.grid;
    in.units = &o.units;
    in.boundary = &o.boundary;
    in.cell_counts = &o.cell_counts;
    in.unit_counts = &o.unit_counts;
    o.hotspots = hotspot_stage(in, manifest.analysis);
    const std::int32_t hot = o.grid.cell_at(hx, hy);
    ASSERT_GE(hot, 0);
    ASSERT_EQ(o.hotspots->grid.gi_class[hot], 3);

    const io::MapDoc doc = city_map(o, Language::es);
    EXPECT_EQ(doc.title, "Cuadrada: Puntos calientes (Getis-Ord Gi*)");
    test::TempDir tmp;
    const auto png = tmp / "cuadrada.png";
    io::render_png(doc, png, false);
    io::register_gdal();
    GDALDatasetUniquePtr ds{GDALDataset::Open(png.c_str(), GDAL_OF_RASTER)};
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetRasterXSize(), 2000);
    EXPECT_GT(ds->GetRasterYSize(), 1500);

    Colour hot_colour{}, neutral{};
    for (const QmlCategory& c : gi_categories(Language::es, Stroke{})) {
        if (c.value == "3") hot_colour = std::get<Fill>(c.symbol).colour;
        if (c.value == "0") neutral = std::get<Fill>(c.symbol).colour;
    }
    const io::PanelTransform t = io::panel_transform(doc, 0);
    const auto [px, py] = t.to_pixel(hx, hy);
    EXPECT_TRUE(Near(pixel(*ds, px, py), hot_colour)) << "at the planted hot spot";
    // Far from it (the opposite corner of the city): not significant.
    const auto [qx, qy] = t.to_pixel(480375, 2130375);
    EXPECT_TRUE(Near(pixel(*ds, qx, qy), neutral)) << "far from the hot spot";
}

analysis::Wkb point_wkb(double x, double y) {
    analysis::GeosContext c;
    GEOSGeometry* g = GEOSGeom_createPointFromXY_r(c.get(), x, y);
    analysis::GeomPtr owned = analysis::own(c, g, "point");
    return analysis::to_wkb(c, owned.get());
}

TEST(CityMap, FacilityNetworksGetTheMarkersOfTheirQgisStyles) {
    // Two networks in manifest order sports, schools: sorted, schools is the first kind (the
    // first marker, a circle) and sports the second (a square), in the map as in QGIS.
    Manifest manifest;
    manifest.analysis.grid = {analysis::GridShape::square, 1000};
    CityConfig city;
    city.name = "Dos Redes";
    city.facilities.resize(2);
    city.facilities[0].kind = "sports";
    city.facilities[1].kind = "schools";
    CityContext o;
    o.manifest = &manifest;
    o.city = &city;
    o.target = io::make_srs("EPSG:32614", "test");
    o.units.wkb = {square_wkb(480000, 2130000, 5000)};
    o.units.names = {"Centro"};
    o.boundary = analysis::make_boundary(o.units.wkb);
    o.grid = analysis::build_grid(manifest.analysis.grid, o.boundary);
    o.coverage.emplace();
    for (const FacilityConfig& f : city.facilities) {
        KindCoverage k;
        k.config = &f;
        k.facilities.wkb = {point_wkb(481000, 2131000), point_wkb(483000, 2133000)};
        if (f.kind == "sports") {
            k.site_x = {482000};
            k.site_y = {2132000};
        }
        o.coverage->kinds.push_back(std::move(k));
    }
    const io::MapDoc doc = city_map(o, Language::en);
    ASSERT_EQ(doc.panels.size(), 1u);
    const auto& points = doc.panels[0].points; // sports, its suggested sites, schools
    ASSERT_EQ(points.size(), 3u);
    const std::vector<std::string> kinds{"sports", "schools"};
    auto rgba = [](Colour c) { return std::vector<double>{c.r / 255.0, c.g / 255.0, c.b / 255.0}; };
    auto fill = [](const io::PointLayer& p) {
        return std::vector<double>{p.fill.r, p.fill.g, p.fill.b};
    };
    EXPECT_EQ(network_marker(kinds, "sports").shape, MarkerShape::square);
    EXPECT_EQ(points[0].shape, io::PointShape::square);
    EXPECT_EQ(fill(points[0]), rgba(network_marker(kinds, "sports").colour));
    EXPECT_EQ(points[0].radius_px, network_marker(kinds, "sports").radius_px);
    EXPECT_EQ(points[1].shape, io::PointShape::star);
    EXPECT_EQ(points[1].radius_px, network_marker(kinds, "sports", "suggested").radius_px);
    EXPECT_EQ(network_marker(kinds, "schools").shape, MarkerShape::circle);
    EXPECT_EQ(points[2].shape, io::PointShape::circle);
    EXPECT_EQ(fill(points[2]), rgba(network_colour(kinds, "schools")));
    // The legend shows the same symbols.
    std::size_t legend_points = 0;
    for (const io::LegendEntry& e : doc.legend.entries)
        if (e.kind == io::LegendKind::point) {
            EXPECT_EQ(e.shape, points[legend_points].shape) << e.label;
            ++legend_points;
        }
    EXPECT_EQ(legend_points, 3u);
    test::TempDir tmp;
    EXPECT_NO_THROW(io::render_png(doc, tmp / "dos.png", false));
}

TEST(CityMap, EveryMarkerShapeDraws) {
    // The five facility shapes of markers.csv and the star, each on the map.
    io::MapDoc doc;
    doc.width_px = 400;
    io::MapPanel p;
    p.extent = {0, 0, 600, 100};
    for (io::PointShape s :
         {io::PointShape::circle, io::PointShape::square, io::PointShape::triangle,
          io::PointShape::diamond, io::PointShape::pentagon, io::PointShape::star}) {
        io::PointLayer l;
        l.x = {50.0 + 100.0 * static_cast<double>(p.points.size())};
        l.y = {50};
        l.shape = s;
        l.radius_px = 8;
        l.fill = {0, 0, 0, 1};
        p.points.push_back(std::move(l));
    }
    doc.panels.push_back(std::move(p));
    test::TempDir tmp;
    const auto png = tmp / "shapes.png";
    io::render_png(doc, png, false);
    io::register_gdal();
    GDALDatasetUniquePtr ds{GDALDataset::Open(png.c_str(), GDAL_OF_RASTER)};
    ASSERT_TRUE(ds);
    const io::PanelTransform t = io::panel_transform(doc, 0);
    for (std::size_t i = 0; i < 6; ++i) {
        const auto [x, y] = t.to_pixel(50.0 + 100.0 * static_cast<double>(i), 50);
        EXPECT_TRUE(Near(pixel(*ds, x, y), Colour{0, 0, 0, 255})) << "shape " << i;
    }
}

} // namespace
} // namespace vigia::engine
