#include "analysis/clock.hpp"

#include "analysis/types.hpp"

#include <algorithm>

namespace vigia::analysis {

namespace {
constexpr std::int64_t kDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
} // namespace

int day_of_week(std::int64_t civil_seconds) noexcept {
    const std::int64_t days = floor_div(civil_seconds, kDay);
    // 1970-01-01 was a Thursday (ISO day 3 counting Monday as 0).
    return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

CrimeClock crime_clock(const std::vector<std::int64_t>& time, const std::vector<std::int32_t>& span,
                       const std::vector<std::int32_t>& unit, std::size_t units) {
    CrimeClock c;
    c.units = units;
    c.counts.assign((units + 1) * 7 * kSlots, 0.0);
    for (std::size_t i = 0; i < time.size(); ++i) {
        const std::int64_t t = time[i];
        if (t == kNoTime) {
            c.without_time += 1;
            continue;
        }
        const std::int64_t last = t + std::max<std::int32_t>(span.empty() ? 1 : span[i], 1) - 1;
        if (floor_div(t, kDay) != floor_div(last, kDay)) {
            c.without_day += 1; // a month, or a band across midnight: no day of the week
            continue;
        }
        c.with_time += 1;
        const std::int64_t second_of_day = t - floor_div(t, kDay) * kDay;
        std::size_t slot = static_cast<std::size_t>(second_of_day / 3600);
        if (floor_div(t, 3600) != floor_div(last, 3600)) {
            slot = kNoHour;
            c.without_hour += 1;
        } else if (second_of_day == 0 && last - t < 3599) {
            slot = kMidnight; // 00:00:00 to the minute or second: often a placeholder
            c.exact_midnight += 1;
        }
        const auto day = static_cast<std::size_t>(day_of_week(t));
        c.counts[day * kSlots + slot] += 1;
        if (unit[i] >= 0)
            c.counts[((static_cast<std::size_t>(unit[i]) + 1) * 7 + day) * kSlots + slot] += 1;
    }
    return c;
}

} // namespace vigia::analysis
