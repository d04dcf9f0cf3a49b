// The Lorenz curve of the report (docs/methods.md §20), hand-worked.

#include "analysis/global_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigia::analysis {
namespace {

TEST(LorenzCurve, HandWorkedCountsAtTheCellsAndBetweenThem) {
    // Cells 0, 1, 3 (total 4), ascending. At a third of the cells: the empty one, 0; at two
    // thirds: 1/4; at the half: the empty cell and half of the one with 1, 0.5/4.
    const std::vector<double> counts{3, 0, 1};
    const std::vector<double> thirds = lorenz_curve(counts, 3);
    ASSERT_EQ(thirds.size(), 4u);
    EXPECT_DOUBLE_EQ(thirds[0], 0);
    EXPECT_DOUBLE_EQ(thirds[1], 0);
    EXPECT_DOUBLE_EQ(thirds[2], 0.25);
    EXPECT_DOUBLE_EQ(thirds[3], 1);
    const std::vector<double> sixths = lorenz_curve(counts, 6);
    const std::vector<double> expected{0, 0, 0, 0.125, 0.25, 0.625, 1};
    ASSERT_EQ(sixths.size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k)
        EXPECT_DOUBLE_EQ(sixths[k], expected[k]) << k;
}

TEST(LorenzCurve, TrapezoidsAtTheCellsGiveTheGini) {
    // At every cell's end the trapezoids are exact: G = 1 − 2∫L = 0.5 for 0, 1, 3.
    const std::vector<double> counts{0, 1, 3};
    const std::vector<double> l = lorenz_curve(counts, 3);
    double area = 0;
    for (std::size_t k = 1; k < l.size(); ++k)
        area += (l[k - 1] + l[k]) / 2 / 3;
    EXPECT_DOUBLE_EQ(gini(counts), 0.5);
    EXPECT_DOUBLE_EQ(1 - 2 * area, gini(counts));
    // With a hundred steps over 7 cells the curve is sampled between cells: close, not exact.
    const std::vector<double> seven{0, 0, 1, 2, 2, 5, 11};
    const std::vector<double> h = lorenz_curve(seven, 100);
    double a = 0;
    for (std::size_t k = 1; k < h.size(); ++k)
        a += (h[k - 1] + h[k]) / 2 / 100;
    EXPECT_NEAR(1 - 2 * a, gini(seven), 0.01);
}

TEST(LorenzCurve, NoIncidentOrNoStepGivesNoCurve) {
    EXPECT_TRUE(lorenz_curve({0, 0}, 10).empty());
    EXPECT_TRUE(lorenz_curve({1, 2}, 0).empty());
    EXPECT_TRUE(lorenz_curve({}, 10).empty());
}

} // namespace
} // namespace vigia::analysis
