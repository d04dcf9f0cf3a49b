#pragma once
/// \file
/// Date-time parsing for police records and the civil-calendar arithmetic behind it.
/// Times are local civil times (no zone): see analysis::kNoTime.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigia::io {

struct CivilTime {
    int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) noexcept;
/// Seconds since 1970-01-01T00:00:00 of a civil time.
std::int64_t to_seconds(const CivilTime& t) noexcept;
/// The civil time of a seconds value.
CivilTime from_seconds(std::int64_t s) noexcept;
/// "YYYY-MM-DDTHH:MM:SS".
std::string format_iso(std::int64_t s);

/// Parses, in this order of attempts:
///  - ISO 8601: `yyyy-mm-dd`, `yyyy-mm-ddThh:mm[:ss[.fff]]` (a space may replace T); a
///    trailing `Z` or `±hh:mm` offset is accepted and ignored (the local time is kept);
///  - `yyyy/mm/dd[ hh:mm[:ss]]`;
///  - `dd/mm/yyyy[ hh:mm[:ss]]` (day first, the Latin American convention; `-` also
///    accepted as separator).
/// Returns nothing for text that is none of these or names an impossible date or time.
std::optional<std::int64_t> parse_time(std::string_view text) noexcept;

} // namespace vigia::io
