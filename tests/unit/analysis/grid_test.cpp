#include "analysis/grid.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;

namespace {

using vigia::test::wkb;

Boundary square_boundary(double x0, double y0, double size) {
    const std::string wkt = "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," +
                            std::to_string(x0 + size) + " " + std::to_string(y0) + "," +
                            std::to_string(x0 + size) + " " + std::to_string(y0 + size) + "," +
                            std::to_string(x0) + " " + std::to_string(y0 + size) + "," +
                            std::to_string(x0) + " " + std::to_string(y0) + "))";
    return make_boundary({wkb(wkt)});
}

double total_area(const Grid& g) {
    double s = 0;
    for (double a : g.area_km2)
        s += a;
    return s;
}

} // namespace

TEST(Lattice, SquareCellAreaIsEdgeSquared) {
    Lattice l{{GridShape::square, 100}, 0, 0, 1000, 1000};
    EXPECT_DOUBLE_EQ(l.cell_area(), 10000.0);
}

TEST(Lattice, HexCellSizeIsTheDistanceBetweenOppositeEdges) {
    const double s = 250;
    Lattice l{{GridShape::hex, s}, 0, 0, 1000, 1000};
    EXPECT_NEAR(l.cell_area(), std::sqrt(3.0) / 2.0 * s * s, 1e-9);
    const auto ring = l.ring(3, 3);
    ASSERT_EQ(ring.size(), 7u);
    // Opposite vertical edges lie s apart; the hexagon's area by the shoelace formula matches.
    double minx = 1e18, maxx = -1e18, shoelace = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        minx = std::min(minx, ring[i][0]);
        maxx = std::max(maxx, ring[i][0]);
        shoelace += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    }
    EXPECT_NEAR(maxx - minx, s, 1e-9);
    EXPECT_NEAR(shoelace / 2.0, l.cell_area(), 1e-6); // positive: counter-clockwise
}

TEST(Lattice, HexLocateFindsTheNearestCentre) {
    // A point belongs to the hexagon whose centre is nearest: check against brute force.
    Lattice l{{GridShape::hex, 100}, 0, 0, 2000, 2000};
    std::mt19937_64 rng{42};
    std::uniform_real_distribution<double> u{100, 1900};
    for (int k = 0; k < 20000; ++k) {
        const double x = u(rng), y = u(rng);
        const std::int64_t got = l.locate(x, y);
        ASSERT_GE(got, 0);
        double best = 1e18;
        std::int64_t want = -1;
        for (int row = 0; row < l.rows(); ++row)
            for (int col = 0; col < l.cols(); ++col) {
                const auto c = l.center(col, row);
                const double d = std::hypot(c[0] - x, c[1] - y);
                if (d < best) {
                    best = d;
                    want = std::int64_t{row} * l.cols() + col;
                }
            }
        ASSERT_EQ(got, want) << "point " << x << " " << y;
    }
}

TEST(Lattice, SquareLocateUsesHalfOpenCells) {
    Lattice l{{GridShape::square, 100}, 0, 0, 1000, 1000};
    EXPECT_EQ(l.locate(0, 0), 0);
    EXPECT_EQ(l.locate(99.999, 0), 0);
    EXPECT_EQ(l.locate(100, 0), 1);
    EXPECT_EQ(l.locate(0, 100), l.cols());
    EXPECT_EQ(l.locate(-0.001, 0), -1);
}

TEST(Lattice, RejectsANonPositiveCellSize) {
    EXPECT_THROW((Lattice{{GridShape::square, 0}, 0, 0, 10, 10}), vigia::InputError);
    EXPECT_THROW((Lattice{{GridShape::hex, -5}, 0, 0, 10, 10}), vigia::InputError);
}

TEST(Grid, AlignedSquareBoundaryGivesWholeCells) {
    const Boundary b = square_boundary(500000, 2000000, 1000);
    const Grid g = build_grid({GridShape::square, 500}, b);
    ASSERT_EQ(g.size(), 4u);
    for (std::size_t i = 0; i < g.size(); ++i) {
        EXPECT_NEAR(g.area_km2[i], 0.25, 1e-12);
        EXPECT_EQ(g.border[i], 0);
    }
    // Row-major from the south-west.
    EXPECT_NEAR(g.cx[0], 500250, 1e-9);
    EXPECT_NEAR(g.cy[0], 2000250, 1e-9);
    EXPECT_NEAR(g.cx[1], 500750, 1e-9);
    EXPECT_NEAR(g.cy[3], 2000750, 1e-9);
}

TEST(Grid, ShiftedBoundaryClipsCornerEdgeAndCentreCells) {
    // A 1000 m square offset by 250 m over 500 m cells: 4 corner cells of 250x250, 4 edge
    // cells of 250x500 and 1 whole centre cell.
    const Boundary b = square_boundary(250, 250, 1000);
    const Grid g = build_grid({GridShape::square, 500}, b);
    ASSERT_EQ(g.size(), 9u);
    std::vector<double> areas = g.area_km2;
    std::sort(areas.begin(), areas.end());
    for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(areas[i], 0.0625, 1e-12);
    for (int i = 4; i < 8; ++i)
        EXPECT_NEAR(areas[i], 0.125, 1e-12);
    EXPECT_NEAR(areas[8], 0.25, 1e-12);
    EXPECT_NEAR(total_area(g), 1.0, 1e-12);
}

TEST(Grid, CellAreasSumToTheBoundaryAreaForHexagonsOverAnIrregularPolygon) {
    const Boundary b =
        make_boundary({wkb("POLYGON((0 0,3000 200,4200 2500,2500 4100,800 3500,1500 1800,0 0))")});
    const Grid g = build_grid({GridShape::hex, 200}, b);
    EXPECT_NEAR(total_area(g), b.area_m2 * 1e-6, 1e-9);
    std::size_t border = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
        EXPECT_GT(g.area_km2[i], 0.0);
        EXPECT_LE(g.area_km2[i], g.lattice.cell_area() * 1e-6 * (1 + 1e-12));
        border += g.border[i];
    }
    EXPECT_GT(border, 0u);
}

TEST(Grid, CellsInAHoleAreDropped) {
    const Boundary b = make_boundary({wkb(
        "POLYGON((0 0,1000 0,1000 1000,0 1000,0 0),(250 250,750 250,750 750,250 750,250 250))")});
    const Grid g = build_grid({GridShape::square, 250}, b);
    EXPECT_EQ(g.size(), 12u); // 16 cells less the 4 of the hole
    EXPECT_NEAR(total_area(g), 0.75, 1e-12);
    EXPECT_EQ(g.cell_at(500, 500), -1);
}

TEST(Grid, CoversTellsInsideFromOutsideWithinABorderCell) {
    const Boundary b = make_boundary({wkb("POLYGON((0 0,1000 0,0 1000,0 0))")}); // triangle
    const Grid g = build_grid({GridShape::square, 1000}, b);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g.border[0], 1);
    EXPECT_NEAR(g.area_km2[0], 0.5, 1e-12);
    EXPECT_TRUE(g.covers(0, 100, 100));
    EXPECT_FALSE(g.covers(0, 900, 900));
}

TEST(Grid, TooManyCellsIsAClearError) {
    const Boundary b = square_boundary(0, 0, 100000);
    try {
        build_grid({GridShape::square, 1}, b, 1'000'000);
        FAIL() << "expected an error";
    } catch (const vigia::InputError& e) {
        EXPECT_NE(std::string{e.what()}.find("larger cell_size_m"), std::string::npos) << e.what();
    }
}
