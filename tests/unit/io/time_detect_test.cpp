#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace vigia::io;

namespace {

std::int64_t at(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return to_seconds(CivilTime{y, m, d, hh, mm, ss});
}

/// Observes every value, decides, and returns the column (the test parses with it).
TimeColumn column(const std::vector<std::string>& values,
                  TimeColumn::Role role = TimeColumn::Role::date_time, std::string format = {}) {
    TimeColumn c{role, std::move(format)};
    std::int64_t row = 1;
    for (const auto& v : values)
        c.observe(v, row++);
    EXPECT_FALSE(c.decide().has_value());
    return c;
}

} // namespace

TEST(TimeDetect, SocrataTwelveHourClocksAreMonthFirstWhenTheColumnSaysSo) {
    // San Francisco's year-first form with a 12-hour clock; 12:25 AM is 00:25.
    auto sf =
        column({"2018/12/01 12:25:00 AM", "2018/12/01 01:10:00 PM", "2018/12/02 12:00:00 PM"});
    EXPECT_EQ(sf.parse("2018/12/01 12:25:00 AM")->seconds, at(2018, 12, 1, 0, 25));
    EXPECT_EQ(sf.parse("2018/12/01 01:10:00 PM")->seconds, at(2018, 12, 1, 13, 10));
    EXPECT_EQ(sf.parse("2018/12/02 12:00:00 PM")->seconds, at(2018, 12, 2, 12, 0));
    EXPECT_EQ(sf.format().precision, kSpanMinute); // seconds always :00
    // Chicago: month first, decided by 01/13 (a second part above 12) in the column.
    auto chi = column({"01/03/2016 11:57:00 PM", "01/13/2016 02:05:00 AM"});
    EXPECT_EQ(chi.format().order, DateOrder::month_first);
    EXPECT_EQ(chi.parse("01/03/2016 11:57:00 PM")->seconds, at(2016, 1, 3, 23, 57));
    EXPECT_NE(chi.format().evidence.find("row 2"), std::string::npos);
}

TEST(TimeDetect, DayFirstByEvidenceAndByDefaultWithAWarning) {
    auto dmy = column({"01/02/2014", "25/02/2014"});
    EXPECT_EQ(dmy.format().order, DateOrder::day_first);
    EXPECT_EQ(dmy.parse("01/02/2014")->seconds, at(2014, 2, 1));
    EXPECT_TRUE(dmy.warnings().empty());
    auto none = column({"01/02/2014", "03/04/2014"});
    EXPECT_EQ(none.format().order, DateOrder::day_first);
    EXPECT_EQ(none.parse("03/04/2014")->seconds, at(2014, 4, 3));
    ASSERT_EQ(none.warnings().size(), 1u);
    EXPECT_NE(none.warnings()[0].find("time_format"), std::string::npos);
}

TEST(TimeDetect, ConflictingEvidenceIsAnErrorNamingBothRows) {
    TimeColumn c{TimeColumn::Role::date_time};
    c.observe("25/01/2016", 4);
    c.observe("01/02/2016", 5);
    c.observe("01/25/2016", 9);
    const auto err = c.decide();
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->message.find("row 4"), std::string::npos);
    EXPECT_NE(err->message.find("row 9"), std::string::npos);
    EXPECT_NE(err->suggestion.find("time_format"), std::string::npos);
}

TEST(TimeDetect, ColumbiaMidnightOnlyColumnIsDatesNotMidnights) {
    // Every time is 12:00:00 AM: the column holds dates; none is placed at midnight.
    auto c = column({"07/08/2018 12:00:00 AM", "07/21/2018 12:00:00 AM"});
    EXPECT_EQ(c.format().precision, kSpanDay);
    const auto v = c.parse("07/08/2018 12:00:00 AM");
    EXPECT_EQ(v->seconds, at(2018, 7, 8));
    EXPECT_EQ(v->span, kSpanDay);
}

TEST(TimeDetect, IsoWithZoneAndFractions) {
    auto c = column({"2014-01-31T08:30:15.250Z", "2014-01-31T08:30:16-05:00", "2014-02-01 10:00"});
    const auto z = c.parse("2014-01-31T08:30:15.250Z");
    EXPECT_EQ(z->seconds, at(2014, 1, 31, 8, 30, 15));
    EXPECT_TRUE(z->utc);
    const auto off = c.parse("2014-01-31T08:30:16-05:00");
    EXPECT_EQ(off->seconds, at(2014, 1, 31, 8, 30, 16)); // the local time as written
    EXPECT_FALSE(off->utc);
    EXPECT_EQ(c.format().precision, kSpanSecond);
    EXPECT_FALSE(c.parse("2014-01-31T08:30:15+25:00"));
}

TEST(TimeDetect, MonthOnlyForms) {
    auto police_uk = column({"2016-02", "2016-03"});
    const auto v = police_uk.parse("2016-02");
    EXPECT_EQ(v->seconds, at(2016, 2, 1));
    EXPECT_EQ(v->span, 29 * kSpanDay); // a leap February
    EXPECT_EQ(precision_name(v->span), "month");
    auto mmyyyy = column({"02/2016"});
    EXPECT_EQ(mmyyyy.parse("02/2016")->seconds, at(2016, 2, 1));
    auto eurostat = column({"2016M02"});
    EXPECT_EQ(eurostat.parse("2016M02")->span, 29 * kSpanDay);
    auto compact = column({"201602"});
    EXPECT_EQ(compact.parse("201602")->seconds, at(2016, 2, 1));
    auto named = column({"ENERO 2016", "janeiro 2016"});
    EXPECT_EQ(named.parse("ENERO 2016")->seconds, at(2016, 1, 1));
    EXPECT_EQ(named.parse("janeiro 2016")->span, 31 * kSpanDay);
}

TEST(TimeDetect, DotsAndDashesAndTwoDigitYears) {
    auto c = column({"31.12.2019 23:59", "5-3-19"});
    EXPECT_EQ(c.parse("31.12.2019 23:59")->seconds, at(2019, 12, 31, 23, 59));
    EXPECT_EQ(c.parse("5-3-19")->seconds, at(2019, 3, 5));
    EXPECT_EQ(c.parse("5-3-19")->span, kSpanDay); // a date in a column that also has times
}

TEST(TimeDetect, LeapDaysAndImpossibleDates) {
    auto c = column({"29/02/2016"});
    EXPECT_TRUE(c.parse("29/02/2016"));
    EXPECT_FALSE(c.parse("29/02/2015"));
    EXPECT_FALSE(c.parse("31/04/2016"));
    EXPECT_FALSE(c.parse("2016-13-01"));
    EXPECT_FALSE(c.parse("2016-01-01 24:00"));
    EXPECT_FALSE(c.parse("2016-01-01 13:00 PM"));
    EXPECT_FALSE(c.parse("ayer"));
    EXPECT_FALSE(c.parse("2016")); // a year alone is not a date
}

TEST(TimeDetect, ExcelSerialsWithThe1900LeapYearBug) {
    EXPECT_EQ(excel_serial_seconds(1), at(1900, 1, 1));
    EXPECT_EQ(excel_serial_seconds(59), at(1900, 2, 28));
    EXPECT_FALSE(excel_serial_seconds(60)); // 1900-02-29 never was
    EXPECT_EQ(excel_serial_seconds(61), at(1900, 3, 1));
    EXPECT_EQ(excel_serial_seconds(42736), at(2017, 1, 1));
    EXPECT_EQ(excel_serial_seconds(42736.75), at(2017, 1, 1, 18));
    auto c = column({"42736", "42737.5"});
    EXPECT_EQ(c.parse("42737.5")->seconds, at(2017, 1, 2, 12));
    EXPECT_EQ(c.parse("42737.5")->span, kSpanHour);
    EXPECT_EQ(c.parse("42736")->span, kSpanDay);
}

TEST(TimeDetect, TimesOfDayInTheirPublishedForms) {
    using R = TimeColumn::Role;
    auto hhmm = column({"14:30", "9:05"}, R::time_of_day);
    EXPECT_EQ(hhmm.parse("9:05")->seconds, 9 * 3600 + 5 * 60);
    EXPECT_EQ(hhmm.format().precision, kSpanMinute);
    auto twelve = column({"02:30 p. m.", "12:15 a. m."}, R::time_of_day);
    EXPECT_EQ(twelve.parse("02:30 p. m.")->seconds, 14 * 3600 + 30 * 60);
    EXPECT_EQ(twelve.parse("12:15 a. m.")->seconds, 15 * 60);
    auto hours = column({"0", "13", "23"}, R::time_of_day);
    EXPECT_EQ(hours.parse("13")->seconds, 13 * 3600);
    EXPECT_EQ(hours.format().precision, kSpanHour);
    auto military = column({"1430", "5"}, R::time_of_day);
    EXPECT_EQ(military.parse("1430")->seconds, 14 * 3600 + 30 * 60);
    EXPECT_EQ(military.parse("5")->seconds, 5 * 60);
    auto epoch = column({"12/31/1899 02:30:00 AM"}, R::time_of_day);
    EXPECT_EQ(epoch.parse("12/31/1899 02:30:00 AM")->seconds, 2 * 3600 + 30 * 60);
    auto fraction = column({"0.5", "0.75"}, R::time_of_day);
    EXPECT_EQ(fraction.parse("0.75")->seconds, 18 * 3600);
}

TEST(TimeDetect, HourBandsKeepTheirStartAndWidth) {
    auto c = column({"00:00:00 - 02:59:59", "21:00:00 - 23:59:59"}, TimeColumn::Role::time_of_day);
    const auto v = c.parse("21:00:00 - 23:59:59");
    EXPECT_EQ(v->seconds, 21 * 3600);
    EXPECT_EQ(v->span, 3 * kSpanHour);
    EXPECT_EQ(precision_name(v->span), "3 h band");
    auto across = column({"22:00 - 01:59"}, TimeColumn::Role::time_of_day);
    EXPECT_EQ(across.parse("22:00 - 01:59")->span, 4 * kSpanHour);
}

TEST(TimeDetect, MidnightOnlyTimeOfDayColumnGivesNoTime) {
    auto c = column({"00:00", "00:00:00"}, TimeColumn::Role::time_of_day);
    EXPECT_EQ(c.parse("00:00")->span, kSpanDay); // the record keeps its date's precision
}

TEST(TimeDetect, MixedFormsAreReadEachByItsOwnRuleWithAWarning) {
    auto c = column({"2019-01-05", "2019-01-05 10:00", "05/01/2019", "25/01/2019"});
    EXPECT_EQ(c.parse("2019-01-05")->seconds, at(2019, 1, 5));
    EXPECT_EQ(c.parse("05/01/2019")->seconds, at(2019, 1, 5));
    EXPECT_EQ(c.parse("2019-01-05 10:00")->span, kSpanHour);
    ASSERT_FALSE(c.warnings().empty());
    EXPECT_NE(c.warnings().back().find("mixes"), std::string::npos);
}

TEST(TimeDetect, MonthNamesInFourLanguages) {
    EXPECT_EQ(month_from_name("ENERO"), 1);
    EXPECT_EQ(month_from_name("janeiro"), 1);
    EXPECT_EQ(month_from_name("Février"), 2);
    EXPECT_EQ(month_from_name("MARÇO"), 3);
    EXPECT_EQ(month_from_name("août"), 8);
    EXPECT_EQ(month_from_name("Sept."), 9);
    EXPECT_EQ(month_from_name("dez"), 12);
    EXPECT_EQ(month_from_name("setiembre"), 9);
    EXPECT_EQ(month_from_name("mar\xe7o"), 3); // Latin-1 bytes
    EXPECT_EQ(month_from_name("total"), 0);
    auto c = column({"15-ene-2019", "Jan 3, 2016"});
    EXPECT_EQ(c.parse("15-ene-2019")->seconds, at(2019, 1, 15));
    EXPECT_EQ(c.parse("Jan 3, 2016")->seconds, at(2016, 1, 3));
}

TEST(TimeDetect, StrptimeFormatOverridesDetection) {
    auto c = column({"2016-03-01 10:20", "2016-03-02 11:05"}, TimeColumn::Role::date_time,
                    "%Y-%d-%m %H:%M");
    EXPECT_EQ(c.parse("2016-03-01 10:20")->seconds, at(2016, 1, 3, 10, 20));
    EXPECT_EQ(parse_strptime("12/31/2016 11:05:00 PM", "%m/%d/%Y %I:%M:%S %p")->seconds,
              at(2016, 12, 31, 23, 5));
    EXPECT_EQ(parse_strptime("3 de marzo de 2020", "%d de %B de %Y")->seconds, at(2020, 3, 3));
    EXPECT_EQ(parse_strptime("3 de marzo de 2020", "%d de %B de %Y")->span, kSpanDay);
    EXPECT_FALSE(parse_strptime("2016-03-01", "%d/%m/%Y"));
    EXPECT_TRUE(check_strptime_format("%d/%m/%Y").empty());
    EXPECT_FALSE(check_strptime_format("%d/%m").empty());
    EXPECT_FALSE(check_strptime_format("%Y %q").empty());
}

TEST(TimeDetect, AStrptimeLiteralIsNeverMatchedPastTheEnd) {
    // Found by fuzz_time_parser: a NUL literal matched the end of the text, and the month name
    // after it was read past the end (std::out_of_range out of a noexcept function).
    using namespace std::string_view_literals;
    EXPECT_FALSE(parse_strptime("2016", "%Y\0%b"sv));
    EXPECT_FALSE(parse_strptime("2016", "%Y-%m"));
    EXPECT_FALSE(parse_strptime("2016-", "%Y-%m"));
    EXPECT_EQ(parse_strptime("2016-03", "%Y-%m")->span, 31 * kSpanDay);
}

TEST(TimeDetect, DescribeNamesFormOrderAndPrecision) {
    auto c = column({"01/13/2016 11:57:00 PM"});
    const std::string d = c.format().describe();
    EXPECT_NE(d.find("mm/dd/yyyy hh:mm:ss AM/PM"), std::string::npos) << d;
    EXPECT_NE(d.find("month first"), std::string::npos) << d;
    EXPECT_NE(d.find("precision minute"), std::string::npos) << d;
}
