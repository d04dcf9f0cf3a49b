#pragma once
/// \file
/// The crime clock: incidents by day of the week and hour of the day, for the city and for
/// each sub-unit, with the records whose time of day is missing or exactly midnight (mostly
/// a date without a time, a common data-quality problem) kept apart (docs/methods.md §17).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigia::analysis {

/// Hour slots of a day: 0–23 (00:00:01–00:59:59 is slot 0), kMidnight for exactly 00:00:00
/// given to the minute or second, and kNoHour for a record whose day is known but not its
/// hour (a date alone, a band of several hours): never placed at midnight.
inline constexpr std::size_t kMidnight = 24;
inline constexpr std::size_t kNoHour = 25;
inline constexpr std::size_t kSlots = 26;

struct CrimeClock {
    std::size_t units = 0;
    /// counts[(row * 7 + day) * kSlots + slot]: row 0 is the whole city, row u + 1 sub-unit u;
    /// day 0 is Monday (ISO 8601).
    std::vector<double> counts;
    double with_time = 0;      ///< incidents with a day of the week (counted above)
    double without_time = 0;   ///< incidents without a time (not counted above)
    double without_day = 0;    ///< known only to the month (or a band across days): not counted
    double exact_midnight = 0; ///< of with_time: at exactly 00:00:00
    double without_hour = 0;   ///< of with_time: the day known, not the hour (slot kNoHour)
    double at(std::size_t row, std::size_t day, std::size_t slot) const {
        return counts[(row * 7 + day) * kSlots + slot];
    }
};

/// ISO day of the week (0 Monday … 6 Sunday) of civil seconds since 1970-01-01.
int day_of_week(std::int64_t civil_seconds) noexcept;

/// The clock of incidents at civil times `time` (kNoTime: without a time), each known to
/// `span` seconds (its precision; empty: to the second), in sub-units `unit` (−1: in none;
/// counted for the city only). A time goes in its hour only when its whole interval lies in
/// that hour, in its day's kNoHour slot when it lies in one day, and nowhere otherwise.
CrimeClock crime_clock(const std::vector<std::int64_t>& time, const std::vector<std::int32_t>& span,
                       const std::vector<std::int32_t>& unit, std::size_t units);

} // namespace vigia::analysis
