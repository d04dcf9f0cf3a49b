#include "analysis/clock.hpp"

#include "analysis/types.hpp"

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

CrimeClock crime_clock(const std::vector<std::int64_t>& time, const std::vector<std::int32_t>& unit,
                       std::size_t units) {
    CrimeClock c;
    c.units = units;
    c.counts.assign((units + 1) * 7 * kSlots, 0.0);
    for (std::size_t i = 0; i < time.size(); ++i) {
        const std::int64_t t = time[i];
        if (t == kNoTime) {
            c.without_time += 1;
            continue;
        }
        c.with_time += 1;
        const std::int64_t second_of_day = t - floor_div(t, kDay) * kDay;
        std::size_t slot = static_cast<std::size_t>(second_of_day / 3600);
        if (second_of_day == 0) {
            slot = kMidnight;
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
