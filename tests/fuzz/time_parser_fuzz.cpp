/// \file
/// libFuzzer target: the time parsers and the text helpers (io/time_detect, io/time_parse,
/// io/text). The input is read as lines: each line is one value of a column. The same lines
/// are fed to a date-time column, a time-of-day column and, when the first line is a valid
/// time_format, a strptime column; every line is also parsed alone. A broken invariant traps.

#include "io/text.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using namespace vigia::io;

namespace {

/// Seconds since 1970 of 0001-01-01 and of 10000-01-01 (an Excel serial just below 2958466
/// rounds up to 10000-01-01T00:00:00).
const std::int64_t kFirstSecond = days_from_civil(1, 1, 1) * 86400;
const std::int64_t kLastSecond = days_from_civil(10000, 1, 1) * 86400;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

std::int64_t second_of_day(std::int64_t s) {
    return ((s % 86400) + 86400) % 86400;
}

/// A civil time that survives the round trip, with every field in range.
void check_civil(std::int64_t s) {
    const CivilTime t = from_seconds(s);
    check(to_seconds(t) == s);
    check(t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31);
    check(t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 &&
          t.second < 60);
    check(second_of_day(s) == t.hour * 3600 + t.minute * 60 + t.second);
}

/// A value of a date-time column (or of parse_strptime): a positive span, a date of years
/// 1–9999, and an interval of a day or longer starts at midnight.
void check_date_time(const TimeValue& v) {
    check(v.span > 0);
    check(v.seconds >= kFirstSecond && v.seconds <= kLastSecond);
    check_civil(v.seconds);
    if (v.span >= kSpanDay) check(second_of_day(v.seconds) == 0);
    check(!precision_name(v.span).empty());
}

/// A value of a time-of-day column: a second of the day and a span of at most a day.
void check_time_of_day(const TimeValue& v) {
    check(v.span > 0 && v.span <= kSpanDay);
    check(v.seconds >= 0 && v.seconds < 86400);
    check(!precision_name(v.span).empty());
}

void check_column(TimeColumn& c, const std::vector<std::string_view>& lines, bool time_of_day) {
    std::int64_t row = 1;
    for (std::string_view l : lines)
        if (!l.empty()) c.observe(l, row++);
    if (const auto err = c.decide()) {
        check(!err->message.empty());
        return;
    }
    const TimeFormat& f = c.format();
    check(f.precision >= 0);
    (void)f.describe();
    for (std::string_view l : lines)
        if (const auto v = c.parse(l)) time_of_day ? check_time_of_day(*v) : check_date_time(*v);
}

void check_text(std::string_view s) {
    const bool utf8 = valid_utf8(s);
    const std::size_t bad = first_invalid_utf8(s);
    check(utf8 == (bad == std::string_view::npos));
    if (!utf8) check(bad < s.size() && valid_utf8(s.substr(0, bad)));

    const std::string w = cp1252_to_utf8(s);
    check(valid_utf8(w));
    check(w.size() >= s.size());
    bool ascii = true;
    for (char ch : s)
        ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (ascii) check(w == s && utf8);
    static const Recoder as_utf8{"UTF-8"}, as_latin1{"ISO-8859-1"}, as_cp1252{"CP1252"};
    check(valid_utf8(as_utf8.to_utf8(s)));
    if (utf8) check(as_utf8.to_utf8(s) == s);
    check(valid_utf8(as_latin1.to_utf8(s)));
    check(as_cp1252.to_utf8(s) == w);

    const std::string folded = fold_name(s);
    if (utf8) {
        check(valid_utf8(folded));
        check(fold_name(folded) == folded); // a folded name is its own fold
        check(folded.empty() || (folded.front() != ' ' && folded.back() != ' '));
    }

    for (const Decimal d : {Decimal::automatic, Decimal::point, Decimal::comma}) {
        bool comma = false;
        if (const auto v = parse_decimal(s, d, &comma)) {
            check(std::isfinite(*v));
            if (d == Decimal::point) check(!comma);
            if (comma) check(s.find(',') != std::string_view::npos);
        }
    }
    if (const auto k = key_number(s)) (void)*k;

    const int m = month_from_name(s);
    check(m >= 0 && m <= 12);
}

void check_serial(double serial) {
    const auto s = excel_serial_seconds(serial);
    if (!s) return;
    check(std::isfinite(serial) && serial >= 1 && serial < 2958466);
    check(*s >= days_from_civil(1900, 1, 1) * 86400 && *s <= kLastSecond);
    check_civil(*s);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return -1; // a column of a few hundred values is plenty
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    std::vector<std::string_view> lines;
    for (std::size_t b = 0; b <= text.size() && lines.size() < 512;) {
        std::size_t e = text.find('\n', b);
        if (e == std::string_view::npos) e = text.size();
        lines.push_back(text.substr(b, e - b));
        b = e + 1;
    }

    // Whole columns, decided from every line.
    TimeColumn date_time{TimeColumn::Role::date_time};
    check_column(date_time, lines, false);
    TimeColumn time_of_day{TimeColumn::Role::time_of_day};
    check_column(time_of_day, lines, true);
    const std::string format{lines.front()};
    const bool format_ok = check_strptime_format(format).empty();
    if (format_ok) {
        TimeColumn formatted{TimeColumn::Role::date_time, format};
        std::vector<std::string_view> values(lines.begin() + 1, lines.end());
        check_column(formatted, values, false);
    }

    // Each line alone.
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view l = lines[i];
        if (i > 0)
            if (const auto v = parse_strptime(l, format)) check_date_time(*v);
        if (const auto t = parse_time(l)) {
            check(*t >= days_from_civil(0, 1, 1) * 86400 && *t < kLastSecond);
            check_civil(*t);
        }
        check_text(l);
        const std::string copy{l};
        char* end = nullptr;
        check_serial(std::strtod(copy.c_str(), &end));
    }
    check_text(text);

    // Raw bytes as an Excel serial.
    if (size >= sizeof(double)) {
        double d;
        std::memcpy(&d, data, sizeof d);
        check_serial(d);
    }
    return 0;
}
