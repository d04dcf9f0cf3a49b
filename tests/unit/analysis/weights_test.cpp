#include "analysis/weights.hpp"

#include "analysis/error.hpp"

#include "analysis/grid.hpp"
#include "tests/support/csv.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace vigia::analysis;
using vigia::test::wkb;

namespace {
Grid square_grid(double size, double cell, GridShape shape = GridShape::square) {
    const std::string s = std::to_string(size);
    return build_grid({shape, cell}, make_boundary({wkb("POLYGON((0 0," + s + " 0," + s + " " + s +
                                                        ",0 " + s + ",0 0))")}));
}
} // namespace

TEST(Weights, SquareRingHasEightNeighboursInsideAndThreeAtCorners) {
    const Grid g = square_grid(1000, 100);
    ASSERT_EQ(g.size(), 100u);
    const Weights w = grid_ring(g, false);
    EXPECT_EQ(w.cardinality(0), 3u);  // south-west corner
    EXPECT_EQ(w.cardinality(5), 5u);  // south edge
    EXPECT_EQ(w.cardinality(55), 8u); // inside
    const Weights self = grid_ring(g, true);
    EXPECT_EQ(self.cardinality(55), 9u);
    EXPECT_TRUE(self.self);
    EXPECT_EQ(without_self(self).index, w.index);
}

TEST(Weights, HexRingIsTheSixCellsOneCellSizeAway) {
    const Grid g = square_grid(3000, 200, GridShape::hex);
    const Weights w = grid_ring(g, false);
    std::size_t six = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
        for (auto k = w.start[i]; k < w.start[i + 1]; ++k) {
            const auto j = w.index[k];
            EXPECT_NEAR(std::hypot(g.cx[i] - g.cx[j], g.cy[i] - g.cy[j]), 200.0, 1e-6);
        }
        six += w.cardinality(i) == 6;
        EXPECT_LE(w.cardinality(i), 6u);
    }
    EXPECT_GT(six, g.size() / 2);
    // The ring equals a distance band of just over one cell between centres.
    const Weights band = distance_band(g.cx, g.cy, 201, false);
    EXPECT_EQ(w.index, band.index);
}

TEST(Weights, RowStandardisedRowsSumToOneAndIslandsStayEmpty) {
    const Weights w = from_lists({{1, 2}, {0}, {0}, {}}, false);
    const Weights r = row_standardised(w);
    EXPECT_EQ(r.weight, (std::vector<double>{0.5, 0.5, 1, 1}));
    EXPECT_EQ(w.islands(), (std::vector<std::int32_t>{3}));
    EXPECT_EQ(from_lists({{1}, {0}, {}}, true).islands(), (std::vector<std::int32_t>{2}));
    EXPECT_DOUBLE_EQ(w.mean_neighbours(), 1.0);
}

TEST(Weights, QueenContiguityMatchesSpdepOnVoronoiPolygons) {
    const vigia::test::Csv cells{vigia::test::reference("poly25_cells.csv")};
    Polygons p;
    for (std::size_t r = 0; r < cells.rows(); ++r) {
        p.wkb.push_back(wkb(cells.text(r, "wkt")));
        p.names.push_back(cells.text(r, "id"));
    }
    const Weights w = queen_contiguity(p, 1e-6, false);
    const Weights want = from_lists(
        vigia::test::neighbour_lists(vigia::test::reference("poly25_nb_queen.csv"), 25), false);
    EXPECT_EQ(w.start, want.start);
    EXPECT_EQ(w.index, want.index);
}

TEST(Weights, QueenContiguityToleratesASmallGap) {
    Polygons p;
    p.wkb = {wkb("POLYGON((0 0,10 0,10 10,0 10,0 0))"),
             wkb("POLYGON((10.5 0,20 0,20 10,10.5 10,10.5 0))"),
             wkb("POLYGON((30 0,40 0,40 10,30 10,30 0))")};
    p.names = {"a", "b", "c"};
    EXPECT_EQ(queen_contiguity(p, 1.0, false).index, (std::vector<std::int32_t>{1, 0}));
    EXPECT_TRUE(queen_contiguity(p, 0.0, false).index.empty());
}

TEST(Weights, BadParametersAreClearErrors) {
    EXPECT_THROW(distance_band({0, 1}, {0, 1}, 0, false), vigia::InputError);
    EXPECT_THROW(k_nearest({0, 1}, {0, 1}, 2, false), vigia::InputError);
}
