#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <cctype>

namespace vigia::io {

std::int64_t days_from_civil(int y, int m, int d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy =
        (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t to_seconds(const CivilTime& t) noexcept {
    return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
           t.second;
}

CivilTime from_seconds(std::int64_t s) noexcept {
    std::int64_t days = s / 86400;
    std::int64_t rem = s % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    CivilTime t;
    t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    t.year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (t.month <= 2));
    t.hour = static_cast<int>(rem / 3600);
    t.minute = static_cast<int>(rem % 3600 / 60);
    t.second = static_cast<int>(rem % 60);
    return t;
}

std::string format_iso(std::int64_t s) {
    const CivilTime t = from_seconds(s);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year, t.month, t.day, t.hour,
                       t.minute, t.second);
}

namespace {

/// A tiny cursor over the text: reads fixed-width digit groups and literal characters.
struct Cursor {
    std::string_view s;
    std::size_t i = 0;
    bool done() const { return i == s.size(); }
    bool digits(int min_width, int max_width, int& out) {
        int n = 0, v = 0;
        while (i < s.size() && n < max_width && std::isdigit(static_cast<unsigned char>(s[i]))) {
            v = v * 10 + (s[i] - '0');
            ++i;
            ++n;
        }
        out = v;
        return n >= min_width;
    }
    bool lit(char c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    bool one_of(const char* cs) {
        for (const char* c = cs; *c; ++c)
            if (lit(*c)) return true;
        return false;
    }
};

bool days_ok(int y, int m, int d) {
    static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap ? 1 : 0);
}

/// Optional `[T| ]hh:mm[:ss[.fff]]` then optional zone designator; must consume all text.
bool time_part(Cursor& c, CivilTime& t) {
    if (c.done()) return true;
    if (!c.one_of("T ")) return false;
    while (c.lit(' ')) {
    }
    if (c.done()) return true;
    if (!c.digits(1, 2, t.hour) || !c.lit(':') || !c.digits(2, 2, t.minute)) return false;
    if (c.lit(':')) {
        if (!c.digits(2, 2, t.second)) return false;
        if (c.one_of(".,")) {
            int frac = 0;
            if (!c.digits(1, 9, frac)) return false;
        }
    }
    if (c.lit('Z')) {
    } else if (c.one_of("+-")) {
        int hh = 0, mm = 0;
        if (!c.digits(2, 2, hh)) return false;
        c.lit(':');
        c.digits(0, 2, mm);
    }
    return c.done() && t.hour <= 23 && t.minute <= 59 && t.second <= 60;
}

std::optional<std::int64_t> finish(Cursor& c, CivilTime& t) {
    if (!days_ok(t.year, t.month, t.day) || !time_part(c, t)) return std::nullopt;
    if (t.second == 60) t.second = 59; // leap second: keep it in its minute
    return to_seconds(t);
}

} // namespace

std::optional<std::int64_t> parse_time(std::string_view text) noexcept {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    {
        // yyyy-mm-dd or yyyy/mm/dd
        Cursor c{text};
        CivilTime t;
        if (c.digits(4, 4, t.year)) {
            const char sep = c.i < text.size() ? text[c.i] : '\0';
            if ((sep == '-' || sep == '/') && c.lit(sep) && c.digits(1, 2, t.month) && c.lit(sep) &&
                c.digits(1, 2, t.day))
                return finish(c, t);
            return std::nullopt;
        }
    }
    {
        // dd/mm/yyyy or dd-mm-yyyy
        Cursor c{text};
        CivilTime t;
        if (c.digits(1, 2, t.day)) {
            const char sep = c.i < text.size() ? text[c.i] : '\0';
            if ((sep == '/' || sep == '-') && c.lit(sep) && c.digits(1, 2, t.month) && c.lit(sep) &&
                c.digits(4, 4, t.year))
                return finish(c, t);
        }
    }
    return std::nullopt;
}

} // namespace vigia::io
