#include "analysis/quality.hpp"

#include <gtest/gtest.h>

using namespace vigia::analysis;

namespace {
Incidents make(const std::vector<std::array<double, 2>>& xy, std::int64_t time = 0) {
    Incidents inc;
    for (std::size_t i = 0; i < xy.size(); ++i) {
        inc.x.push_back(xy[i][0]);
        inc.y.push_back(xy[i][1]);
        inc.source_x.push_back(xy[i][0]);
        inc.source_y.push_back(xy[i][1]);
        inc.time.push_back(time);
        inc.category.push_back(-1);
        inc.row.push_back(static_cast<std::int64_t>(i) + 1);
    }
    return inc;
}
} // namespace

TEST(Quality, PileThresholdIsTenOrATenthOfAPercent) {
    EXPECT_EQ(pile_threshold(100), 10u);
    EXPECT_EQ(pile_threshold(1'000'000), 1000u);
    EXPECT_EQ(pile_threshold(10'001), 11u);
}

TEST(Quality, FindsAPileOnOneCoordinate) {
    std::vector<std::array<double, 2>> xy(12, {5.0, 6.0});
    for (int i = 0; i < 30; ++i)
        xy.push_back({double(i), 100.0});
    Incidents inc = make(xy);
    inc.time[3] = 99; // not a duplicate: other time
    const QualityReport q = check_quality(inc);
    ASSERT_EQ(q.piles.size(), 1u);
    EXPECT_EQ(q.piles[0].count, 12u);
    EXPECT_EQ(q.piles[0].x, 5.0);
    EXPECT_EQ(q.incidents_in_piles, 12u);
    EXPECT_EQ(q.largest_stack, 12u);
    EXPECT_EQ(q.duplicates, 10u); // 11 identical records repeat the first
}

TEST(Quality, DistinctTimesOrCategoriesAreNotDuplicates) {
    Incidents inc = make({{1, 1}, {1, 1}, {1, 1}});
    inc.time = {1, 2, 2};
    inc.category = {0, 0, 1};
    EXPECT_EQ(check_quality(inc).duplicates, 0u);
    EXPECT_TRUE(check_quality(inc).piles.empty());
}
