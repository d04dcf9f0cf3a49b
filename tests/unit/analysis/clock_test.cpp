#include "analysis/clock.hpp"

#include "analysis/types.hpp"

#include <gtest/gtest.h>

using namespace vigia::analysis;

namespace {
// Civil seconds of 2024-01-01 00:00:00 (a Monday): 19723 days after 1970-01-01.
constexpr std::int64_t kMonday = 19723LL * 86400;
constexpr std::int64_t kHour = 3600, kDayS = 86400;
} // namespace

TEST(CrimeClock, DayOfWeekIsIso) {
    EXPECT_EQ(day_of_week(0), 3);                   // 1970-01-01, Thursday
    EXPECT_EQ(day_of_week(kMonday), 0);             // 2024-01-01, Monday
    EXPECT_EQ(day_of_week(kMonday + 6 * kDayS), 6); // Sunday
    EXPECT_EQ(day_of_week(-1), 2);                  // 1969-12-31 23:59:59, Wednesday
}

TEST(CrimeClock, CountsByDayAndHourWithMidnightAndMissingApart) {
    const std::vector<std::int64_t> t{
        kMonday + 13 * kHour + 45 * 60,   // Monday 13:45, unit 0
        kMonday + 13 * kHour,             // Monday 13:00, unit 1
        kMonday + 2 * kDayS + 1,          // Wednesday 00:00:01 → hour 0, unit 0
        kMonday + 2 * kDayS,              // Wednesday 00:00:00 exactly → midnight, unit 0
        kMonday + 6 * kDayS + 23 * kHour, // Sunday 23:00, no unit
        kNoTime,                          // no time, unit 1
    };
    const std::vector<std::int32_t> unit{0, 1, 0, 0, -1, 1};
    const CrimeClock c = crime_clock(t, {}, unit, 2); // no spans: known to the second
    EXPECT_EQ(c.with_time, 5);
    EXPECT_EQ(c.without_time, 1);
    EXPECT_EQ(c.exact_midnight, 1);
    // The city (row 0).
    EXPECT_EQ(c.at(0, 0, 13), 2);
    EXPECT_EQ(c.at(0, 2, 0), 1);
    EXPECT_EQ(c.at(0, 2, kMidnight), 1);
    EXPECT_EQ(c.at(0, 6, 23), 1);
    double total = 0;
    for (double v : c.counts)
        total += v;
    EXPECT_EQ(total, 5 + 4); // the city's 5, and 4 again in their units
    // Unit 0 (row 1) and unit 1 (row 2).
    EXPECT_EQ(c.at(1, 0, 13), 1);
    EXPECT_EQ(c.at(1, 2, 0), 1);
    EXPECT_EQ(c.at(1, 2, kMidnight), 1);
    EXPECT_EQ(c.at(2, 0, 13), 1);
    EXPECT_EQ(c.at(2, 6, 23), 0);
}

TEST(CrimeClock, PrecisionDecidesTheSlotAndNeverInventsAMidnight) {
    const std::int64_t month = 31 * kDayS;
    const std::vector<std::int64_t> t{
        kMonday,                        // a date alone: Monday, no hour
        kMonday + 14 * kHour,           // 14:00 to the hour → h14
        kMonday + 15 * kHour + 30 * 60, // 15:30 to the minute → h15
        kMonday,                        // 00:00 to the minute → midnight (a placeholder?)
        kMonday,                        // 00:00 to the hour → h00 (hour precision)
        kMonday + 21 * kHour,           // a 3-hour band 21:00–23:59 → Monday, no hour
        kMonday + 22 * kHour,           // a band across midnight → no day
        kMonday,                        // January 2024 as a month → no day
    };
    const std::vector<std::int32_t> span{
        86400, 3600, 60, 60, 3600, 3 * 3600, 4 * 3600, static_cast<std::int32_t>(month)};
    const std::vector<std::int32_t> unit(t.size(), 0);
    const CrimeClock c = crime_clock(t, span, unit, 1);
    EXPECT_EQ(c.with_time, 6);
    EXPECT_EQ(c.without_day, 2);
    EXPECT_EQ(c.without_hour, 2);
    EXPECT_EQ(c.exact_midnight, 1);
    EXPECT_EQ(c.at(0, 0, kNoHour), 2);
    EXPECT_EQ(c.at(0, 0, 14), 1);
    EXPECT_EQ(c.at(0, 0, 15), 1);
    EXPECT_EQ(c.at(0, 0, 0), 1);
    EXPECT_EQ(c.at(0, 0, kMidnight), 1);
    EXPECT_EQ(c.at(1, 0, kNoHour), 2);
}

#include "analysis/pair_count.hpp"

TEST(PairCount, ExactWhenEveryPointIsSampled) {
    // Four points on a line 100 m apart, radius 150 m: pairs (0,1), (1,2), (2,3) = 3; radius
    // 200 m adds (0,2), (1,3) = 5; negative coordinates too.
    const std::vector<double> x{-150, -50, 50, 150}, y{-7, -7, -7, -7};
    EXPECT_EQ(estimate_pairs_within(x, y, 150), 3u);
    EXPECT_EQ(estimate_pairs_within(x, y, 200), 5u);
    EXPECT_EQ(estimate_pairs_within(x, y, 10), 0u);
    EXPECT_EQ(estimate_pairs_within({1}, {1}, 10), 0u);
}
