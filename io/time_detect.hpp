#pragma once
/// \file
/// Time columns as police forces publish them: the format is decided from the whole column
/// (docs/methods.md §5), every value then parsed with it, and each parsed time keeps its
/// precision (the length of the interval it names: a month, a day, a band of hours, a
/// minute). Pure text processing: no GDAL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::io {

/// Seconds in the interval a time names (its precision); month spans vary with the month.
inline constexpr std::int32_t kSpanSecond = 1;
inline constexpr std::int32_t kSpanMinute = 60;
inline constexpr std::int32_t kSpanHour = 3600;
inline constexpr std::int32_t kSpanDay = 86400;

/// A parsed time: civil seconds since 1970-01-01 (the start of the interval) and the
/// interval's length in seconds.
struct TimeValue {
    std::int64_t seconds = 0;
    std::int32_t span = kSpanDay;
    bool utc = false; ///< the text ended in Z (UTC), not in the local time
};

/// "second", "minute", "hour", "day", "month", or "3 h band", "15 min band".
std::string precision_name(std::int32_t span);

/// The month number (1–12) of a month name or abbreviation in Spanish, Portuguese, English or
/// French ("ENERO", "janeiro", "Feb", "févr."), case and accents folded; 0 when none.
int month_from_name(std::string_view word) noexcept;

/// Date order of values such as 07/08/2018, decided for the whole column.
enum class DateOrder : std::uint8_t { unknown, day_first, month_first };

/// What a column holds, as decided by TimeColumn::decide(). `describe()` is the text shown in
/// run_info and by `vigia info`.
struct TimeFormat {
    /// The formats seen, most frequent first ("dd/mm/yyyy hh:mm:ss AM/PM", "yyyy-mm-dd", ...).
    std::vector<std::string> shapes;
    DateOrder order = DateOrder::unknown;
    std::string evidence;       ///< why day or month first ("row 14: 25/01/2016"), or empty
    std::int32_t precision = 0; ///< the finest span of the column's values (0: no value)
    bool strptime = false;      ///< given by time_format, not detected
    std::string describe() const;
};

/// Why a column cannot be read: conflicting evidence, a foreign form. The message names the
/// rows; the caller adds the file and field.
struct TimeColumnError {
    std::string message;
    std::string suggestion; ///< the manifest key that would help, e.g. time_format = "..."
};

/// One time column (a date-time, a date, or a time of day), observed value by value, then
/// decided once, then parsed value by value:
///
///     TimeColumn c{TimeColumn::Role::date_time};
///     for (row...) c.observe(text, row);
///     if (auto err = c.decide()) ...;
///     auto v = c.parse(text);
class TimeColumn {
public:
    enum class Role : std::uint8_t {
        date_time,   ///< a date, optionally with a time of day
        time_of_day, ///< HH:MM[:SS], 12-hour clocks, an hour, HHMM, a band, an Excel time
    };

    explicit TimeColumn(Role role = Role::date_time, std::string format = {});

    /// Looks at one non-empty value (row: for messages). Cheap: no allocation for the common
    /// forms.
    void observe(std::string_view text, std::int64_t row);
    /// A native date/time value (a GDAL Date/DateTime/Time field, an .xlsx date cell):
    /// `has_date`, `has_time` as the field type says.
    void observe_native(int y, int m, int d, int hh, int mm, int ss, bool has_date, bool has_time,
                        std::int64_t row);

    /// Decides the format from everything observed; an error for a column that cannot be
    /// read whole (conflicting day/month evidence).
    std::optional<TimeColumnError> decide();
    /// The decided format (after decide()).
    const TimeFormat& format() const noexcept { return m_format; }
    /// Warnings of the decision (a day-first default without evidence, mixed forms).
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }

    /// Parses one value with the decided format; nothing for a value of no known form, an
    /// impossible date, or (for the date role) a bare time of day. For the time-of-day role
    /// `seconds` is the second of the day and `span` its precision.
    std::optional<TimeValue> parse(std::string_view text) const;
    std::optional<TimeValue> parse_native(int y, int m, int d, int hh, int mm, int ss,
                                          bool has_date, bool has_time) const;

    Role role() const noexcept { return m_role; }

private:
    Role m_role;
    std::string m_strptime;
    // Evidence gathered by observe().
    std::int64_t m_first_row_day = -1, m_first_row_month = -1;
    std::string m_first_text_day, m_first_text_month;
    std::int64_t m_ambiguous = 0; ///< values whose day/month order is not evident
    std::vector<std::pair<std::string, std::int64_t>> m_shape_counts;
    std::int32_t m_granularity = 0; ///< finest non-zero time component seen (0: none yet)
    bool m_any_time = false, m_any_band = false, m_hhmm = false, m_any_month_only = false,
         m_any_date = false;
    std::int32_t m_band_span = 0;
    std::vector<std::string> m_warnings;
    TimeFormat m_format;
    bool m_decided = false;
    void tally_shape(std::string_view shape);
    void note_time(int hh, int mm, int ss, bool has_seconds);
};

/// Parses `text` with a strptime-like `format`: %Y %y %m %d %e %H %I %M %S %p %b %B %f %z %Z
/// %T %% and literal characters (a space matches any run of blanks). Month names in four
/// languages. Returns the time and the precision of the finest directive (%S: a second, %M:
/// a minute, %H: an hour, %d: a day, %m/%b: a month), or nothing.
std::optional<TimeValue> parse_strptime(std::string_view text, std::string_view format) noexcept;

/// Checks a time_format string: empty when valid, else why not.
std::string check_strptime_format(std::string_view format);

/// Civil seconds of an Excel serial day number (1900 date system, with Excel's nonexistent
/// 1900-02-29 as serial 60, which is refused). Nothing outside 1 … 2958465.
std::optional<std::int64_t> excel_serial_seconds(double serial) noexcept;

} // namespace vigia::io
