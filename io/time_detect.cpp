#include "io/time_detect.hpp"

#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace vigia::io {

namespace {

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr bool is_alpha_byte(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

bool leap(int y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) noexcept {
    static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}
bool date_ok(int y, int m, int d) noexcept {
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}
std::int64_t date_seconds(int y, int m, int d) noexcept {
    return days_from_civil(y, m, d) * 86400;
}

/// Two-digit years as strptime's %y reads them: 69–99 are 1969–1999, 00–68 are 2000–2068.
int full_year(int y, int width) noexcept {
    if (width > 2) return y;
    return y >= 69 ? 1900 + y : 2000 + y;
}

/// A fixed-capacity text for shape signatures (no allocation per value).
struct Shape {
    std::array<char, 64> buf{};
    std::size_t n = 0;
    void add(std::string_view s) noexcept {
        for (char c : s)
            if (n < buf.size()) buf[n++] = c;
    }
    void add(char c) noexcept {
        if (n < buf.size()) buf[n++] = c;
    }
    std::string_view view() const noexcept { return {buf.data(), n}; }
};

struct Cursor {
    std::string_view s;
    std::size_t i = 0;
    bool done() const noexcept { return i >= s.size(); }
    char peek(std::size_t k = 0) const noexcept { return i + k < s.size() ? s[i + k] : '\0'; }
    /// Up to `max` digits; returns the width read (0: none).
    int digits(int max, long long& v) noexcept {
        int w = 0;
        v = 0;
        while (i < s.size() && w < max && is_digit(s[i])) {
            v = v * 10 + (s[i] - '0');
            ++i;
            ++w;
        }
        return w;
    }
    bool lit(char c) noexcept {
        if (peek() == c) {
            ++i;
            return true;
        }
        return false;
    }
    bool lit_ci(char c) noexcept {
        const char p = peek();
        if (p == c || (p >= 'A' && p <= 'Z' && p - 'A' + 'a' == c)) {
            ++i;
            return true;
        }
        return false;
    }
    int spaces() noexcept {
        int n = 0;
        while (i < s.size() && is_space(s[i])) {
            ++i;
            ++n;
        }
        return n;
    }
    std::string_view word() noexcept {
        const std::size_t b = i;
        while (i < s.size() && (is_alpha_byte(s[i]) || s[i] == '.'))
            ++i;
        return s.substr(b, i - b);
    }
};

/// a.m. / p.m. in their published spellings: AM, am, a.m., a. m., A.M.; 1 = AM, 2 = PM.
int meridiem(Cursor& c) noexcept {
    const std::size_t save = c.i;
    int m = 0;
    if (c.lit_ci('a'))
        m = 1;
    else if (c.lit_ci('p'))
        m = 2;
    else
        return 0;
    c.lit('.');
    c.spaces();
    if (!c.lit_ci('m')) {
        c.i = save;
        return 0;
    }
    c.lit('.');
    return m;
}

/// A time of day at the cursor: H[H]:MM[:SS[.fff]] [AM|PM]. Fills the shape.
struct Clock {
    int hh = 0, mm = 0, ss = 0;
    bool seconds = false, twelve = false;
};

bool read_clock(Cursor& c, Clock& k, Shape& shape) noexcept {
    long long h = 0, m = 0, s = 0;
    if (!c.digits(2, h) || !c.lit(':') || c.digits(2, m) != 2) return false;
    shape.add("hh:mm");
    if (c.lit(':')) {
        if (c.digits(2, s) != 2) return false;
        k.seconds = true;
        shape.add(":ss");
        if (c.peek() == '.' || c.peek() == ',') {
            ++c.i;
            long long frac = 0;
            if (!c.digits(9, frac)) return false;
            while (is_digit(c.peek()))
                ++c.i;
            shape.add(".f");
        }
    }
    const std::size_t before = c.i;
    c.spaces();
    const int mer = meridiem(c);
    if (!mer) c.i = before;
    if (mer) {
        if (h > 12) return false;
        if (h == 12) h = 0;
        if (mer == 2) h += 12;
        k.twelve = true;
        shape.add(" AM/PM");
    }
    if (h > 23 || m > 59 || s > 60) return false;
    k.hh = static_cast<int>(h);
    k.mm = static_cast<int>(m);
    k.ss = static_cast<int>(s == 60 ? 59 : s); // a leap second stays in its minute
    return true;
}

/// A trailing zone: Z, ±hh[:mm], ±hhmm, UTC, GMT. Returns false on a malformed zone.
bool read_zone(Cursor& c, bool& utc, Shape& shape) noexcept {
    const std::size_t before = c.i;
    c.spaces();
    if (c.done()) {
        c.i = before;
        return true;
    }
    if (c.lit('Z') || c.lit('z')) {
        utc = true;
        shape.add('Z');
        return true;
    }
    if (c.peek() == '+' || c.peek() == '-') {
        ++c.i;
        long long h = 0, m = 0;
        const int w = c.digits(4, h);
        if (w == 4) {
            m = h % 100;
            h /= 100;
        } else if (w == 2) {
            if (c.lit(':') && c.digits(2, m) != 2) return false;
        } else {
            return false;
        }
        if (h > 14 || m > 59) return false;
        shape.add("±hh:mm");
        return true;
    }
    const std::string_view w = c.word();
    if (w == "UTC" || w == "GMT" || w == "utc" || w == "gmt") {
        utc = true;
        shape.add(" UTC");
        return true;
    }
    c.i = before;
    return false;
}

/// A value of a date(-time) column, lexed: which family of form, its numbers, its clock.
struct Lexed {
    enum class Family : std::uint8_t {
        bad,
        ymd,        ///< year first: 2018-12-01, 2018/12/01, 2018.12.01
        ambiguous,  ///< a/b/year: day or month first, decided by the column
        named,      ///< a month name: 15-ene-2019, Jan 3 2016
        year_month, ///< 2016-02, 02/2016, 2016M02, 201602, ENERO 2016
        serial,     ///< an Excel serial day number
        time_only,  ///< a time of day without a date
    };
    Family family = Family::bad;
    int a = 0, b = 0, year = 0, month = 0, day = 0;
    bool has_clock = false, utc = false;
    Clock clock;
    double serial = 0;
    Shape shape;
};

/// The numbers of a date in one of the families; the clock and zone follow.
Lexed lex_date_time(std::string_view text) noexcept {
    Lexed x;
    Cursor c{trim(text)};
    if (c.done()) return x;
    using F = Lexed::Family;
    auto fail = [&] {
        x.family = F::bad;
        return x;
    };
    if (is_digit(c.peek())) {
        long long n1 = 0;
        const int w1 = c.digits(9, n1);
        const char s1 = c.peek();
        const bool fraction_follows =
            (s1 == '.' || s1 == ',') && w1 != 4 && w1 <= 7 && c.i + 1 < c.s.size() &&
            c.s.find_first_not_of("0123456789", c.i + 1) == std::string_view::npos;
        if (c.done() || fraction_follows) {
            // A bare number: yyyymmdd, yyyymm, or an Excel serial day (with a fraction).
            if (c.done() && w1 == 8) {
                x.family = F::ymd;
                x.year = static_cast<int>(n1 / 10000);
                x.month = static_cast<int>(n1 / 100 % 100);
                x.day = static_cast<int>(n1 % 100);
                x.shape.add("yyyymmdd");
                return date_ok(x.year, x.month, x.day) ? x : fail();
            }
            if (c.done() && w1 == 6) {
                x.family = F::year_month;
                x.year = static_cast<int>(n1 / 100);
                x.month = static_cast<int>(n1 % 100);
                x.shape.add("yyyymm");
                return x.month >= 1 && x.month <= 12 ? x : fail();
            }
            if (w1 == 4) return fail(); // a year alone is not a date
            std::string num{c.s};
            std::replace(num.begin(), num.end(), ',', '.');
            x.family = F::serial;
            x.serial = std::strtod(num.c_str(), nullptr);
            x.shape.add(c.done() ? "Excel serial day" : "Excel serial day.fraction");
            return x;
        }
        if (s1 == ':' && w1 <= 2) { // a time of day alone
            c.i = 0;
            if (!read_clock(c, x.clock, x.shape)) return fail();
            x.family = F::time_only;
            x.has_clock = true;
            return c.done() ? x : fail();
        }
        if ((s1 == 'M' || s1 == 'm') && w1 == 4) { // 2016M02
            ++c.i;
            long long mo = 0;
            if (!c.digits(2, mo) || !c.done() || mo < 1 || mo > 12) return fail();
            x.family = F::year_month;
            x.year = static_cast<int>(n1);
            x.month = static_cast<int>(mo);
            x.shape.add("yyyyMmm");
            return x;
        }
        char sep = '\0';
        if (s1 == '-' || s1 == '/' || s1 == '.') {
            sep = s1;
            ++c.i;
        } else if (is_space(s1)) {
            sep = ' ';
            c.spaces();
        } else {
            return fail();
        }
        if (is_alpha_byte(c.peek())) { // 15-ene-2019, 03 Jan 2016
            const int mo = month_from_name(c.word());
            if (!mo || w1 > 2) return fail();
            if (sep == ' ' ? !c.spaces() : !c.lit(sep)) return fail();
            long long y = 0;
            const int wy = c.digits(4, y);
            if (wy != 4 && wy != 2) return fail();
            x.family = F::named;
            x.day = static_cast<int>(n1);
            x.month = mo;
            x.year = full_year(static_cast<int>(y), wy);
            x.shape.add("dd");
            x.shape.add(sep);
            x.shape.add("mon");
            x.shape.add(sep);
            x.shape.add(wy == 4 ? "yyyy" : "yy");
        } else {
            if (sep == ' ') return fail();
            long long n2 = 0;
            const int w2 = c.digits(4, n2);
            if (!w2) return fail();
            if (!c.lit(sep)) { // two parts: a month
                if (w1 == 4 && w2 <= 2) {
                    x.year = static_cast<int>(n1);
                    x.month = static_cast<int>(n2);
                    x.shape.add("yyyy");
                    x.shape.add(sep);
                    x.shape.add("mm");
                } else if (w1 <= 2 && w2 == 4) {
                    x.month = static_cast<int>(n1);
                    x.year = static_cast<int>(n2);
                    x.shape.add("mm");
                    x.shape.add(sep);
                    x.shape.add("yyyy");
                } else {
                    return fail();
                }
                x.family = F::year_month;
                if (!c.done() || x.month < 1 || x.month > 12) return fail();
                return x;
            }
            long long n3 = 0;
            const int w3 = c.digits(4, n3);
            if (!w3) return fail();
            if (w1 == 4 && w2 <= 2 && w3 <= 2) {
                x.family = F::ymd;
                x.year = static_cast<int>(n1);
                x.month = static_cast<int>(n2);
                x.day = static_cast<int>(n3);
                x.shape.add("yyyy");
                x.shape.add(sep);
                x.shape.add("mm");
                x.shape.add(sep);
                x.shape.add("dd");
            } else if (w1 <= 2 && w2 <= 2 && (w3 == 4 || w3 == 2)) {
                x.family = F::ambiguous;
                x.a = static_cast<int>(n1);
                x.b = static_cast<int>(n2);
                x.year = full_year(static_cast<int>(n3), w3);
                x.shape.add('\x01');
                x.shape.add(sep);
                x.shape.add('\x02');
                x.shape.add(sep);
                x.shape.add(w3 == 4 ? "yyyy" : "yy");
            } else {
                return fail();
            }
        }
    } else if (is_alpha_byte(c.peek())) { // Jan 3, 2016 / ENERO 2016 / ene-2016
        const int mo = month_from_name(c.word());
        if (!mo) return fail();
        const bool dash = c.lit('-') || c.lit('/');
        if (!dash && !c.spaces()) return fail();
        long long n = 0;
        const int w = c.digits(4, n);
        if (w == 4 && (c.done() || !is_digit(c.peek()))) {
            const std::size_t save = c.i;
            c.spaces();
            if (c.done()) {
                x.family = F::year_month;
                x.month = mo;
                x.year = static_cast<int>(n);
                x.shape.add("month yyyy");
                return x;
            }
            c.i = save;
            return fail();
        }
        if (w < 1 || w > 2) return fail();
        c.lit(',');
        if (!c.spaces()) return fail();
        long long y = 0;
        if (c.digits(4, y) != 4) return fail();
        x.family = F::named;
        x.month = mo;
        x.day = static_cast<int>(n);
        x.year = static_cast<int>(y);
        x.shape.add("mon dd yyyy");
    } else {
        return fail();
    }
    // The clock: after T or blanks.
    if (c.done()) return x;
    const bool t = c.peek() == 'T' || c.peek() == 't';
    if (t)
        ++c.i;
    else if (!c.spaces())
        return fail();
    if (c.done()) return t ? fail() : x;
    x.shape.add(t ? 'T' : ' ');
    if (!read_clock(c, x.clock, x.shape)) return fail();
    x.has_clock = true;
    if (!read_zone(c, x.utc, x.shape) || !c.done()) return fail();
    return x;
}

/// A value of a time-of-day column.
struct LexedTod {
    enum class Kind : std::uint8_t { bad, clock, integer, fraction, band, epoch };
    Kind kind = Kind::bad;
    Clock clock;
    long long integer = 0;
    int width = 0;
    double fraction = 0;
    std::int32_t band = 0; ///< seconds in the band
    Shape shape;
};

LexedTod lex_time_of_day(std::string_view text) noexcept {
    LexedTod t;
    using K = LexedTod::Kind;
    text = trim(text);
    if (text.empty()) return t;
    // A band: two clocks joined by '-', 'a' or 'to' (00:00:00 - 02:59:59).
    for (std::string_view joiner : {" - ", "-", " a ", " to ", " – "}) {
        const std::size_t p = text.find(joiner);
        if (p == std::string_view::npos || p == 0) continue;
        Cursor c1{trim(text.substr(0, p))};
        Cursor c2{trim(text.substr(p + joiner.size()))};
        Clock k1, k2;
        Shape s1, s2;
        if (!read_clock(c1, k1, s1) || !c1.done() || !read_clock(c2, k2, s2) || !c2.done())
            continue;
        const int start = k1.hh * 3600 + k1.mm * 60 + k1.ss;
        int end = k2.hh * 3600 + k2.mm * 60 + k2.ss;
        // An inclusive end (02:59:59, or 02:59 without seconds) closes its second or minute.
        if (k2.seconds && k2.ss == 59)
            end += 1;
        else if (!k2.seconds && k2.mm == 59)
            end += 60;
        if (end <= start) end += 86400; // across midnight
        t.kind = K::band;
        t.clock = k1;
        t.band = end - start;
        t.shape.add(s1.view());
        t.shape.add(" - ");
        t.shape.add(s2.view());
        return t;
    }
    Cursor c{text};
    if (is_digit(c.peek())) {
        long long n = 0;
        const int w = c.digits(9, n);
        if (c.done()) {
            t.kind = K::integer;
            t.integer = n;
            t.width = w;
            t.shape.add(w <= 2 ? "hour" : "hhmm");
            return t;
        }
        if ((c.peek() == '.' || c.peek() == ',') && n == 0) {
            std::string num{text};
            std::replace(num.begin(), num.end(), ',', '.');
            char* end = nullptr;
            const double v = std::strtod(num.c_str(), &end);
            if (end && *end == '\0' && v >= 0 && v < 1) {
                t.kind = K::fraction;
                t.fraction = v;
                t.shape.add("Excel day fraction");
                return t;
            }
            return t;
        }
        if (c.peek() == ':') {
            c.i = 0;
            if (read_clock(c, t.clock, t.shape) && c.done()) t.kind = K::clock;
            return t;
        }
    }
    // A date-time on Excel's epoch day (12/31/1899 02:30:00 AM, 1899-12-30 02:30).
    const Lexed d = lex_date_time(text);
    if (d.has_clock) {
        const bool epoch =
            (d.family == Lexed::Family::ymd && d.year == 1899 && d.month == 12 &&
             (d.day == 30 || d.day == 31)) ||
            (d.family == Lexed::Family::ambiguous && d.year == 1899 &&
             ((d.a == 12 && (d.b == 30 || d.b == 31)) || (d.b == 12 && (d.a == 30 || d.a == 31))));
        if (epoch) {
            t.kind = K::epoch;
            t.clock = d.clock;
            t.shape.add("1899-12-31 (Excel's day 0) ");
            t.shape.add(d.shape.view().substr(d.shape.view().find_first_of(" T") + 1));
        }
    }
    return t;
}

std::string render_shape(std::string_view shape, DateOrder order) {
    std::string s{shape};
    const char* first = order == DateOrder::month_first ? "mm" : "dd";
    const char* second = order == DateOrder::month_first ? "dd" : "mm";
    std::string out;
    for (char c : s) {
        if (c == '\x01')
            out += first;
        else if (c == '\x02')
            out += second;
        else
            out += c;
    }
    return out;
}

std::int32_t month_span(int y, int m) noexcept {
    return days_in_month(y, m) * kSpanDay;
}

} // namespace

std::string precision_name(std::int32_t span) {
    switch (span) {
    case kSpanSecond:
        return "second";
    case kSpanMinute:
        return "minute";
    case kSpanHour:
        return "hour";
    case kSpanDay:
        return "day";
    default:
        break;
    }
    if (span >= 28 * kSpanDay && span <= 31 * kSpanDay) return "month";
    if (span >= 365 * kSpanDay && span <= 366 * kSpanDay) return "year";
    if (span % kSpanHour == 0) return fmt::format("{} h band", span / kSpanHour);
    if (span % kSpanMinute == 0) return fmt::format("{} min band", span / kSpanMinute);
    return fmt::format("{} s band", span);
}

int month_from_name(std::string_view word) noexcept {
    // Fold to lower-case ASCII: UTF-8 and Latin-1 accented vowels and ç, trailing dots.
    std::array<char, 16> buf{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const auto u = static_cast<unsigned char>(word[i]);
        char c = 0;
        if (u < 0x80) {
            c = static_cast<char>(u >= 'A' && u <= 'Z' ? u - 'A' + 'a' : u);
        } else {
            unsigned cp = u;
            if ((u & 0xE0) == 0xC0 && i + 1 < word.size()) { // a two-byte UTF-8 letter
                cp = ((u & 0x1Fu) << 6) | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu);
                ++i;
            }
            switch (cp | 0x20u) { // Latin-1 code points; | 0x20 folds the capitals
            case 0xE0:
            case 0xE1:
            case 0xE2:
            case 0xE3:
            case 0xE4:
                c = 'a';
                break;
            case 0xE7:
                c = 'c';
                break;
            case 0xE8:
            case 0xE9:
            case 0xEA:
            case 0xEB:
                c = 'e';
                break;
            case 0xEC:
            case 0xED:
            case 0xEE:
            case 0xEF:
                c = 'i';
                break;
            case 0xF2:
            case 0xF3:
            case 0xF4:
            case 0xF5:
            case 0xF6:
                c = 'o';
                break;
            case 0xF9:
            case 0xFA:
            case 0xFB:
            case 0xFC:
                c = 'u';
                break;
            default:
                return 0;
            }
        }
        if (n == buf.size()) return 0;
        buf[n++] = c;
    }
    while (n > 0 && buf[n - 1] == '.')
        --n;
    const std::string_view w{buf.data(), n};
    struct Name {
        const char* text;
        int month;
    };
    static constexpr Name names[] = {
        {"enero", 1},      {"ene", 1},       {"janeiro", 1},   {"jan", 1},       {"january", 1},
        {"janvier", 1},    {"janv", 1},      {"febrero", 2},   {"feb", 2},       {"fevereiro", 2},
        {"fev", 2},        {"february", 2},  {"fevrier", 2},   {"fevr", 2},      {"marzo", 3},
        {"mar", 3},        {"marco", 3},     {"march", 3},     {"mars", 3},      {"abril", 4},
        {"abr", 4},        {"april", 4},     {"apr", 4},       {"avril", 4},     {"avr", 4},
        {"mayo", 5},       {"may", 5},       {"maio", 5},      {"mai", 5},       {"junio", 6},
        {"jun", 6},        {"junho", 6},     {"june", 6},      {"juin", 6},      {"julio", 7},
        {"jul", 7},        {"julho", 7},     {"july", 7},      {"juillet", 7},   {"juil", 7},
        {"agosto", 8},     {"ago", 8},       {"august", 8},    {"aug", 8},       {"aout", 8},
        {"septiembre", 9}, {"setiembre", 9}, {"sep", 9},       {"set", 9},       {"sept", 9},
        {"setembro", 9},   {"september", 9}, {"septembre", 9}, {"octubre", 10},  {"oct", 10},
        {"outubro", 10},   {"out", 10},      {"october", 10},  {"octobre", 10},  {"noviembre", 11},
        {"nov", 11},       {"novembro", 11}, {"november", 11}, {"novembre", 11}, {"diciembre", 12},
        {"dic", 12},       {"dezembro", 12}, {"dez", 12},      {"december", 12}, {"dec", 12},
        {"decembre", 12}};
    for (const Name& nm : names)
        if (w == nm.text) return nm.month;
    return 0;
}

std::optional<std::int64_t> excel_serial_seconds(double serial) noexcept {
    if (!std::isfinite(serial) || serial < 1 || serial >= 2958466) return std::nullopt;
    const double whole = std::floor(serial);
    const auto days = static_cast<std::int64_t>(whole);
    if (days == 60) return std::nullopt; // Excel's 1900-02-29, a day that never was
    // Serial 1 is 1900-01-01; after the phantom leap day the count is one ahead.
    const std::int64_t base =
        days < 60 ? days_from_civil(1899, 12, 31) : days_from_civil(1899, 12, 30);
    auto second = static_cast<std::int64_t>(std::llround((serial - whole) * 86400.0));
    return (base + days) * 86400 + second;
}

std::string TimeFormat::describe() const {
    if (shapes.empty()) return "no values";
    std::string out;
    for (std::size_t i = 0; i < shapes.size() && i < 4; ++i)
        out += (i ? ", " : "") + shapes[i];
    if (shapes.size() > 4) out += fmt::format(" and {} more forms", shapes.size() - 4);
    if (strptime) out += " (time_format)";
    if (order != DateOrder::unknown)
        out += order == DateOrder::day_first ? "; day first" : "; month first";
    if (!evidence.empty()) out += " (" + evidence + ")";
    if (precision > 0) out += "; precision " + precision_name(precision);
    return out;
}

TimeColumn::TimeColumn(Role role, std::string format)
    : m_role{role}, m_strptime{std::move(format)} {}

void TimeColumn::tally_shape(std::string_view shape) {
    for (auto& [s, n] : m_shape_counts)
        if (s == shape) {
            ++n;
            return;
        }
    if (m_shape_counts.size() < 32) m_shape_counts.emplace_back(std::string{shape}, 1);
}

void TimeColumn::note_time(int hh, int mm, int ss, bool) {
    m_any_time = true;
    std::int32_t g = 0;
    if (ss != 0)
        g = kSpanSecond;
    else if (mm != 0)
        g = kSpanMinute;
    else if (hh != 0)
        g = kSpanHour;
    if (g && (m_granularity == 0 || g < m_granularity)) m_granularity = g;
}

void TimeColumn::observe(std::string_view text, std::int64_t row) {
    if (!m_strptime.empty()) {
        if (auto v = parse_strptime(text, m_strptime)) {
            tally_shape(m_strptime);
            if (v->span < kSpanDay) {
                const std::int64_t sod = ((v->seconds % 86400) + 86400) % 86400;
                note_time(static_cast<int>(sod / 3600), static_cast<int>(sod % 3600 / 60),
                          static_cast<int>(sod % 60), true);
            } else if (v->span == kSpanDay) {
                m_any_date = true;
            } else {
                m_any_month_only = true;
            }
        }
        return;
    }
    if (m_role == Role::time_of_day) {
        const LexedTod t = lex_time_of_day(text);
        using K = LexedTod::Kind;
        switch (t.kind) {
        case K::bad:
            return;
        case K::band:
            m_any_band = true;
            m_band_span = std::max(m_band_span, t.band);
            break;
        case K::integer:
            if (t.width > 2 || t.integer > 23) m_hhmm = true; // 1430, not hours
            if (t.width <= 2 && t.integer <= 23)
                note_time(static_cast<int>(t.integer), 0, 0, false);
            else
                note_time(static_cast<int>(t.integer / 100), static_cast<int>(t.integer % 100), 0,
                          false);
            break;
        case K::fraction: {
            const auto s = static_cast<int>(std::lround(t.fraction * 86400));
            note_time(s / 3600, s % 3600 / 60, s % 60, true);
            break;
        }
        case K::clock:
        case K::epoch:
            note_time(t.clock.hh, t.clock.mm, t.clock.ss, t.clock.seconds);
            break;
        }
        tally_shape(t.shape.view());
        return;
    }
    const Lexed x = lex_date_time(text);
    using F = Lexed::Family;
    if (x.family == F::bad || x.family == F::time_only) return;
    if (x.family == F::ambiguous) {
        if (x.a > 12 && x.b <= 12 && m_first_row_day < 0) {
            m_first_row_day = row;
            m_first_text_day = std::string{trim(text)};
        } else if (x.b > 12 && x.a <= 12 && m_first_row_month < 0) {
            m_first_row_month = row;
            m_first_text_month = std::string{trim(text)};
        } else if (x.a <= 12 && x.b <= 12 && x.a != x.b) {
            ++m_ambiguous;
        }
    }
    if (x.family == F::year_month)
        m_any_month_only = true;
    else
        m_any_date = true;
    if (x.has_clock) note_time(x.clock.hh, x.clock.mm, x.clock.ss, x.clock.seconds);
    if (x.family == F::serial) {
        const double frac = x.serial - std::floor(x.serial);
        const auto s = static_cast<int>(std::lround(frac * 86400));
        if (frac > 0) note_time(s / 3600, s % 3600 / 60, s % 60, true);
    }
    tally_shape(x.shape.view());
}

void TimeColumn::observe_native(int, int, int, int hh, int mm, int ss, bool has_date, bool has_time,
                                std::int64_t) {
    if (has_date) m_any_date = true;
    if (has_time) note_time(hh, mm, ss, true);
    tally_shape(has_date && has_time ? "date-time field" : has_date ? "date field" : "time field");
}

std::optional<TimeColumnError> TimeColumn::decide() {
    m_decided = true;
    std::stable_sort(m_shape_counts.begin(), m_shape_counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    TimeFormat& f = m_format;
    f.strptime = !m_strptime.empty();
    if (m_first_row_day >= 0 && m_first_row_month >= 0)
        return TimeColumnError{
            fmt::format("conflicting dates: row {} has '{}' (day first) and row {} has '{}' "
                        "(month first)",
                        m_first_row_day, m_first_text_day, m_first_row_month, m_first_text_month),
            "time_format = \"%d/%m/%Y\" (or \"%m/%d/%Y\") to read every value one way"};
    bool any_ambiguous_shape = false;
    for (const auto& [s, n] : m_shape_counts)
        if (s.find('\x01') != std::string::npos) any_ambiguous_shape = true;
    if (m_first_row_day >= 0) {
        f.order = DateOrder::day_first;
        f.evidence = fmt::format("row {}: '{}'", m_first_row_day, m_first_text_day);
    } else if (m_first_row_month >= 0) {
        f.order = DateOrder::month_first;
        f.evidence = fmt::format("row {}: '{}'", m_first_row_month, m_first_text_month);
    } else if (any_ambiguous_shape) {
        f.order = DateOrder::day_first;
        if (m_ambiguous > 0) {
            f.evidence = "no value tells day from month";
            m_warnings.push_back(fmt::format(
                "no value tells the day from the month ({} values such as 03/04 could be either): "
                "read day first; give time_format = \"%m/%d/%Y\" if months come first",
                m_ambiguous));
        }
    }
    for (const auto& [s, n] : m_shape_counts)
        f.shapes.push_back(render_shape(s, f.order) +
                           (m_shape_counts.size() > 1 ? fmt::format(" ({})", n) : ""));
    if (m_shape_counts.size() > 1)
        m_warnings.push_back(
            fmt::format("the column mixes {} forms: {}", m_shape_counts.size(), f.describe()));
    // The column's precision: its finest time component; a column whose times are all
    // 00:00:00 holds dates (never invent a midnight).
    if (m_role == Role::time_of_day) {
        f.precision = m_any_band ? std::max(m_band_span, m_granularity) : m_granularity;
    } else if (m_any_time && m_granularity > 0) {
        f.precision = m_granularity;
    } else if (m_any_date) {
        f.precision = kSpanDay;
    } else if (m_any_month_only) {
        f.precision = 31 * kSpanDay;
    }
    return std::nullopt;
}

std::optional<TimeValue> TimeColumn::parse(std::string_view text) const {
    if (!m_strptime.empty()) {
        auto v = parse_strptime(text, m_strptime);
        if (!v) return v;
        if (v->span < kSpanDay) {
            if (m_granularity == 0) {
                v->seconds -= ((v->seconds % 86400) + 86400) % 86400;
                v->span = kSpanDay;
            } else {
                v->span = std::max(v->span, m_granularity);
            }
        }
        return v;
    }
    if (m_role == Role::time_of_day) {
        const LexedTod t = lex_time_of_day(text);
        using K = LexedTod::Kind;
        TimeValue v;
        v.span = m_granularity > 0 ? m_granularity : kSpanDay;
        switch (t.kind) {
        case K::bad:
            return std::nullopt;
        case K::band:
            v.seconds = t.clock.hh * 3600 + t.clock.mm * 60 + t.clock.ss;
            v.span = t.band;
            return v;
        case K::integer:
            if (m_hhmm || t.width > 2) { // HHMM
                const long long hh = t.integer / 100, mm = t.integer % 100;
                if (hh > 23 || mm > 59) return std::nullopt;
                v.seconds = hh * 3600 + mm * 60;
            } else {
                if (t.integer > 23) return std::nullopt;
                v.seconds = t.integer * 3600;
            }
            return v;
        case K::fraction:
            v.seconds = std::min<std::int64_t>(86399, std::llround(t.fraction * 86400));
            return v;
        case K::clock:
        case K::epoch:
            v.seconds = t.clock.hh * 3600 + t.clock.mm * 60 + t.clock.ss;
            return v;
        }
        return std::nullopt;
    }
    const Lexed x = lex_date_time(text);
    using F = Lexed::Family;
    TimeValue v;
    v.utc = x.utc;
    int y = x.year, m = x.month, d = x.day;
    switch (x.family) {
    case F::bad:
    case F::time_only:
        return std::nullopt;
    case F::ambiguous:
        if (m_format.order == DateOrder::month_first) {
            m = x.a;
            d = x.b;
        } else {
            d = x.a;
            m = x.b;
        }
        break;
    case F::year_month:
        if (y < 1 || y > 9999 || m < 1 || m > 12) return std::nullopt;
        v.seconds = date_seconds(y, m, 1);
        v.span = month_span(y, m);
        return v;
    case F::serial: {
        const auto s = excel_serial_seconds(x.serial);
        if (!s) return std::nullopt;
        v.seconds = *s;
        const bool fraction = x.serial != std::floor(x.serial);
        v.span = fraction && m_granularity > 0 ? m_granularity : kSpanDay;
        if (v.span == kSpanDay) v.seconds -= ((v.seconds % 86400) + 86400) % 86400;
        return v;
    }
    case F::ymd:
    case F::named:
        break;
    }
    if (!date_ok(y, m, d)) return std::nullopt;
    v.seconds = date_seconds(y, m, d);
    if (x.has_clock && m_granularity > 0) {
        v.seconds += x.clock.hh * 3600 + x.clock.mm * 60 + x.clock.ss;
        v.span = m_granularity;
    } else {
        v.span = kSpanDay;
    }
    return v;
}

std::optional<TimeValue> TimeColumn::parse_native(int y, int m, int d, int hh, int mm, int ss,
                                                  bool has_date, bool has_time) const {
    TimeValue v;
    if (m_role == Role::time_of_day) {
        // A date-time cell in a time-of-day column: only its clock counts.
        if (!has_time) return std::nullopt;
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
        v.seconds = hh * 3600 + mm * 60 + std::min(ss, 59);
        v.span = m_granularity > 0 ? m_granularity : kSpanDay;
        return v;
    }
    if (!has_date || !date_ok(y, m, d)) return std::nullopt;
    v.seconds = date_seconds(y, m, d);
    v.span = kSpanDay;
    if (has_time && m_granularity > 0) {
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
        v.seconds += hh * 3600 + mm * 60 + std::min(ss, 59);
        v.span = m_granularity;
    }
    return v;
}

std::optional<TimeValue> parse_strptime(std::string_view text, std::string_view format) noexcept {
    Cursor c{trim(text)};
    int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, mer = 0;
    bool have_year = false, have_month = false, have_day = false, have_hour = false,
         have_minute = false, have_second = false, utc = false, twelve = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char f = format[i];
        if (is_space(f)) {
            c.spaces();
            continue;
        }
        if (f != '%') {
            // A literal, matched without case; never past the end (a NUL in the format is a
            // literal that peek() would otherwise "find" there).
            if (c.done()) return std::nullopt;
            if (c.peek() != f && !(f >= 'A' && f <= 'Z' && c.peek() == f - 'A' + 'a') &&
                !(f >= 'a' && f <= 'z' && c.peek() == f - 'a' + 'A'))
                return std::nullopt;
            ++c.i;
            continue;
        }
        if (++i == format.size()) return std::nullopt;
        long long v = 0;
        switch (format[i]) {
        case 'Y':
            if (c.digits(4, v) < 1) return std::nullopt;
            year = static_cast<int>(v);
            have_year = true;
            break;
        case 'y': {
            const int w = c.digits(2, v);
            if (w < 1) return std::nullopt;
            year = full_year(static_cast<int>(v), 2);
            have_year = true;
            break;
        }
        case 'm':
            if (c.digits(2, v) < 1) return std::nullopt;
            month = static_cast<int>(v);
            have_month = true;
            break;
        case 'e':
            c.spaces();
            [[fallthrough]];
        case 'd':
            if (c.digits(2, v) < 1) return std::nullopt;
            day = static_cast<int>(v);
            have_day = true;
            break;
        case 'H':
            if (c.digits(2, v) < 1) return std::nullopt;
            hour = static_cast<int>(v);
            have_hour = true;
            break;
        case 'I':
            if (c.digits(2, v) < 1) return std::nullopt;
            hour = static_cast<int>(v);
            have_hour = true;
            twelve = true;
            break;
        case 'M':
            if (c.digits(2, v) < 1) return std::nullopt;
            minute = static_cast<int>(v);
            have_minute = true;
            break;
        case 'S':
            if (c.digits(2, v) < 1) return std::nullopt;
            second = static_cast<int>(v);
            have_second = true;
            break;
        case 'T':
            if (c.digits(2, v) < 1 || !c.lit(':')) return std::nullopt;
            hour = static_cast<int>(v);
            if (c.digits(2, v) < 1 || !c.lit(':')) return std::nullopt;
            minute = static_cast<int>(v);
            if (c.digits(2, v) < 1) return std::nullopt;
            second = static_cast<int>(v);
            have_hour = have_minute = have_second = true;
            break;
        case 'p':
            mer = meridiem(c);
            if (!mer) return std::nullopt;
            break;
        case 'b':
        case 'B':
        case 'h': {
            const std::size_t b = c.i;
            while (!c.done() && is_alpha_byte(c.peek()))
                ++c.i;
            if (c.peek() == '.') ++c.i;
            month = month_from_name(c.s.substr(b, c.i - b));
            if (!month) return std::nullopt;
            have_month = true;
            break;
        }
        case 'f':
            if (c.digits(9, v) < 1) return std::nullopt;
            while (is_digit(c.peek()))
                ++c.i;
            break;
        case 'z': {
            Shape ignored;
            if (!read_zone(c, utc, ignored)) return std::nullopt;
            break;
        }
        case 'Z':
            while (!c.done() && is_alpha_byte(c.peek()))
                ++c.i;
            break;
        case '%':
            if (!c.lit('%')) return std::nullopt;
            break;
        default:
            return std::nullopt;
        }
    }
    c.spaces();
    if (!c.done() || !have_year) return std::nullopt;
    if (twelve || mer) {
        if (hour < 1 || hour > 12) {
            if (!(hour == 0 && mer == 1)) return std::nullopt;
        }
        if (hour == 12) hour = 0;
        if (mer == 2) hour += 12;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (!date_ok(year, month, day)) return std::nullopt;
    TimeValue out;
    out.utc = utc;
    out.seconds = date_seconds(year, month, day) + hour * 3600 + minute * 60 + std::min(second, 59);
    if (have_second)
        out.span = kSpanSecond;
    else if (have_minute)
        out.span = kSpanMinute;
    else if (have_hour)
        out.span = kSpanHour;
    else if (have_day)
        out.span = kSpanDay;
    else if (have_month)
        out.span = month_span(year, month);
    else
        out.span = (leap(year) ? 366 : 365) * kSpanDay;
    return out;
}

std::string check_strptime_format(std::string_view format) {
    if (format.empty()) return "time_format is empty";
    bool year = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') continue;
        if (++i == format.size()) return "time_format ends in a lone '%'";
        const char d = format[i];
        if (d == 'Y' || d == 'y') year = true;
        if (std::strchr("YymdeHIMSTpbBhfzZ%", d) == nullptr)
            return fmt::format("time_format: %{} is not supported (use %Y %y %m %d %e %H %I %M %S "
                               "%T %p %b %B %f %z %Z %%)",
                               d);
    }
    if (!year) return "time_format must contain the year (%Y or %y)";
    return {};
}

} // namespace vigia::io
