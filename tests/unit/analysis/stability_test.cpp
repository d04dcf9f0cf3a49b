#include "analysis/stability.hpp"

#include <gtest/gtest.h>

#include <cmath>

using vigia::analysis::stability;

TEST(Stability, HandWorkedPaiRriAndJaccard) {
    // Four cells of 1 km²; train hot cells {0, 1}, test hot cells {1, 2}.
    // Train counts 10, 6, 2, 2 (N1 = 20; n1 = 16); test counts 8, 4, 4, 4 (N2 = 20; n2 = 12).
    const auto s = stability({10, 6, 2, 2}, {8, 4, 4, 4}, {1, 1, 1, 1}, {1, 1, 0, 0}, {0, 1, 1, 0});
    EXPECT_DOUBLE_EQ(s.hit_rate, 12.0 / 20);
    EXPECT_DOUBLE_EQ(s.area_share, 0.5);
    EXPECT_DOUBLE_EQ(s.pai, (12.0 / 20) / 0.5);         // Chainey et al. 2008
    EXPECT_DOUBLE_EQ(s.rri, (12.0 / 16) / (20.0 / 20)); // Levine 2008
    EXPECT_DOUBLE_EQ(s.jaccard, 1.0 / 3);
    EXPECT_EQ(s.hot_train, 2u);
    EXPECT_EQ(s.hot_test, 2u);
}

TEST(Stability, NoHotCellsLeaveTheIndicesUndefined) {
    const auto s = stability({1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0});
    EXPECT_TRUE(std::isnan(s.pai));
    EXPECT_TRUE(std::isnan(s.rri));
    EXPECT_TRUE(std::isnan(s.jaccard));
}
