#include "analysis/types.hpp"

namespace vigia::analysis {

void Incidents::reserve(std::size_t n) {
    x.reserve(n);
    y.reserve(n);
    time.reserve(n);
    time_span.reserve(n);
    category.reserve(n);
    row.reserve(n);
    source_x.reserve(n);
    source_y.reserve(n);
}

namespace {
template <typename T> void compact(std::vector<T>& v, const std::vector<std::uint8_t>& flags) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!flags[i]) v[out++] = std::move(v[i]);
    v.resize(out);
}
} // namespace

std::size_t Incidents::remove_if_flagged(const std::vector<std::uint8_t>& flags) {
    const std::size_t before = size();
    compact(x, flags);
    compact(y, flags);
    compact(time, flags);
    compact(time_span, flags);
    compact(category, flags);
    compact(row, flags);
    compact(source_x, flags);
    compact(source_y, flags);
    return before - size();
}

const char* to_string(RejectReason r) noexcept {
    switch (r) {
    case RejectReason::filtered:
        return "filtered";
    case RejectReason::bad_geometry_type:
        return "bad_geometry_type";
    case RejectReason::bad_coordinates:
        return "bad_coordinates";
    case RejectReason::zero_coordinates:
        return "zero_coordinates";
    case RejectReason::bad_time:
        return "bad_time";
    case RejectReason::missing_time:
        return "missing_time";
    case RejectReason::outside_period:
        return "outside_period";
    case RejectReason::outside_boundary:
        return "outside_boundary";
    case RejectReason::unknown_unit:
        return "unknown_unit";
    }
    return "unknown";
}

void RejectLog::add(RejectReason reason, std::int64_t row, std::string detail, double weight) {
    m_counts[static_cast<std::size_t>(reason)] += weight;
    m_rows.push_back({row, reason, std::move(detail), weight});
}

double RejectLog::total() const noexcept {
    double t = 0;
    for (double c : m_counts)
        t += c;
    return t;
}

} // namespace vigia::analysis
