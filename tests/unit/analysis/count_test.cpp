#include "analysis/count.hpp"

#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <numeric>

using namespace vigia::analysis;
using vigia::test::wkb;

namespace {

/// Two sub-units side by side: west [0,1000]x[0,1000] and east [1000,2000]x[0,1000].
Polygons two_units() {
    Polygons p;
    p.wkb = {wkb("POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))"),
             wkb("POLYGON((1000 0,2000 0,2000 1000,1000 1000,1000 0))")};
    p.names = {"west", "east"};
    return p;
}

} // namespace

TEST(Count, PointsLandInTheirCellsAndUnits) {
    const Polygons units = two_units();
    const Grid grid = build_grid({GridShape::square, 500}, make_boundary(units.wkb));
    ASSERT_EQ(grid.size(), 8u); // 4 columns x 2 rows
    const UnitIndex index{units, grid};
    // Cells (row-major from the south-west): 0..3 bottom row, 4..7 top row.
    const std::vector<double> x{100, 200, 600, 1100, 1900, 1900, 300};
    const std::vector<double> y{100, 300, 100, 900, 900, 600, 700};
    const Assignment a = assign_points(grid, index, x, y);
    EXPECT_EQ(a.cell, (std::vector<std::int32_t>{0, 0, 1, 6, 7, 7, 4}));
    EXPECT_EQ(a.unit, (std::vector<std::int32_t>{0, 0, 0, 1, 1, 1, 0}));
    EXPECT_EQ(a.outside, 0u);
    const auto cells = tally(a.cell, grid.size());
    EXPECT_EQ(cells, (std::vector<double>{2, 1, 0, 0, 1, 0, 1, 2}));
    const auto per_unit = tally(a.unit, units.size());
    EXPECT_EQ(per_unit, (std::vector<double>{4, 3}));
}

TEST(Count, PointsOutsideTheBoundaryAreCountedAsOutside) {
    Polygons tri;
    tri.wkb = {wkb("POLYGON((0 0,1000 0,0 1000,0 0))")};
    tri.names = {"t"};
    const Grid grid = build_grid({GridShape::square, 1000}, make_boundary(tri.wkb));
    const UnitIndex index{tri, grid};
    // In the border cell's square but beyond the hypotenuse; beyond the lattice; inside.
    const Assignment a = assign_points(grid, index, {900, 5000, 100}, {900, 5000, 100});
    EXPECT_EQ(a.cell, (std::vector<std::int32_t>{-1, -1, 0}));
    EXPECT_EQ(a.outside, 2u);
}

TEST(Count, CellsWhollyInsideAUnitNeedNoPointTest) {
    const Polygons units = two_units();
    const Grid grid = build_grid({GridShape::square, 250}, make_boundary(units.wkb));
    const UnitIndex index{units, grid};
    std::size_t whole = 0, mixed = 0;
    for (std::size_t c = 0; c < grid.size(); ++c) {
        const auto u = index.cell_unit()[c];
        if (u >= 0) {
            ++whole;
            EXPECT_EQ(u, grid.cx[c] < 1000 ? 0 : 1);
        } else {
            ++mixed;
        }
    }
    // Cells touching the shared edge x = 1000 or the outline are tested point by point.
    EXPECT_GT(whole, 0u);
    EXPECT_GT(mixed, 0u);
}

TEST(Count, ArealWeightingSpreadsUnitCountsByArea) {
    const Polygons units = two_units();
    // 750 m cells from x = 0: columns [0,750], [750,1500], [1500,2250] straddle the units.
    const Grid grid = build_grid({GridShape::square, 750}, make_boundary(units.wkb));
    const UnitIndex index{units, grid};
    const auto overlaps = cell_unit_overlaps(grid, units, index);
    const auto cells = apportion_to_cells(overlaps, index.area_km2(), {100, 40});
    EXPECT_NEAR(std::accumulate(cells.begin(), cells.end(), 0.0), 140.0, 1e-9);
    // The bottom-left cell [0,750]x[0,750] holds 0.5625 of the west unit's area.
    const std::int32_t c = grid.cell_at(10, 10);
    ASSERT_GE(c, 0);
    EXPECT_NEAR(cells[c], 100 * 0.5625, 1e-9);
    // The bottom-middle cell [750,1500]x[0,750]: 250x750 of west, 500x750 of east.
    const std::int32_t m = grid.cell_at(1000, 10);
    EXPECT_NEAR(cells[m], 100 * 0.1875 + 40 * 0.375, 1e-9);
}

TEST(Count, DensityIsCountPerSquareKilometre) {
    EXPECT_EQ(density({10, 0, 5}, {0.5, 0.25, 0.0}), (std::vector<double>{20, 0, 0}));
}
