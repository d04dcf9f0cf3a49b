#include "io/time_parse.hpp"

#include <gtest/gtest.h>

using namespace vigia::io;

namespace {
std::int64_t at(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return to_seconds(CivilTime{y, m, d, hh, mm, ss});
}
} // namespace

TEST(TimeParse, EpochArithmeticMatchesKnownDates) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(at(2014, 1, 1), 1388534400);
    EXPECT_EQ(at(1969, 12, 31, 23, 59, 59), -1);
    const CivilTime t = from_seconds(at(2016, 2, 29, 13, 5, 9));
    EXPECT_EQ(t.year, 2016);
    EXPECT_EQ(t.month, 2);
    EXPECT_EQ(t.day, 29);
    EXPECT_EQ(t.hour, 13);
    EXPECT_EQ(t.minute, 5);
    EXPECT_EQ(t.second, 9);
    EXPECT_EQ(format_iso(at(1965, 7, 4, 1, 2, 3)), "1965-07-04T01:02:03");
}

TEST(TimeParse, IsoDatesAndTimes) {
    EXPECT_EQ(parse_time("2014-01-31"), at(2014, 1, 31));
    EXPECT_EQ(parse_time("2014-01-31T08:30"), at(2014, 1, 31, 8, 30));
    EXPECT_EQ(parse_time("2014-01-31 08:30:15"), at(2014, 1, 31, 8, 30, 15));
    EXPECT_EQ(parse_time("2014-01-31T08:30:15.250Z"), at(2014, 1, 31, 8, 30, 15));
    EXPECT_EQ(parse_time("2014-01-31T08:30:15-05:00"), at(2014, 1, 31, 8, 30, 15));
    EXPECT_EQ(parse_time("  2014-1-5  "), at(2014, 1, 5));
}

TEST(TimeParse, SlashedYearFirst) {
    EXPECT_EQ(parse_time("2019/12/24"), at(2019, 12, 24));
    EXPECT_EQ(parse_time("2019/12/24 23:59:59"), at(2019, 12, 24, 23, 59, 59));
}

TEST(TimeParse, DayFirstAsInLatinAmerica) {
    EXPECT_EQ(parse_time("01/02/2014"), at(2014, 2, 1)); // 1 February, not 2 January
    EXPECT_EQ(parse_time("31/03/2014"), at(2014, 3, 31));
    EXPECT_EQ(parse_time("5/3/2014 7:05"), at(2014, 3, 5, 7, 5));
    EXPECT_EQ(parse_time("05-03-2014 07:05:09"), at(2014, 3, 5, 7, 5, 9));
}

TEST(TimeParse, RejectsImpossibleOrForeignText) {
    EXPECT_FALSE(parse_time(""));
    EXPECT_FALSE(parse_time("ayer"));
    EXPECT_FALSE(parse_time("31/02/2014")); // no 31 February
    EXPECT_FALSE(parse_time("29/02/2015")); // not a leap year
    EXPECT_FALSE(parse_time("12/31/2014")); // month-first is not accepted
    EXPECT_FALSE(parse_time("2014-13-01"));
    EXPECT_FALSE(parse_time("2014-01-01T25:00"));
    EXPECT_FALSE(parse_time("2014-01-01 garbage"));
    EXPECT_TRUE(parse_time("29/02/2016"));
}
