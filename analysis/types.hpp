#pragma once
/// \file
/// The in-memory types that io/ fills and analysis/ computes on. Coordinates are always in
/// the city's local metric CRS (metres) once they reach analysis/.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace vigia::analysis {

/// A geometry as ISO well-known binary, 2-D. The hand-over form between io/ (OGR) and
/// analysis/ (GEOS), so neither module sees the other's handles.
using Wkb = std::vector<unsigned char>;

/// Time stamps are seconds since 1970-01-01T00:00:00 of the *local civil time* the source
/// wrote (police records carry no zone); kNoTime marks an incident without a time.
inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

/// Incident points as a structure of arrays (one entry per accepted incident).
struct Incidents {
    std::vector<double> x, y;       ///< projected coordinates, metres
    std::vector<std::int64_t> time; ///< see kNoTime; the start of the time's interval
    /// Seconds in the interval each time names, its precision: 60 a minute, 3600 an hour (or
    /// 10800 a 3-hour band), 86400 a day, 28–31 days a month; 0 without a time.
    std::vector<std::int32_t> time_span;
    std::vector<std::int32_t> category;     ///< index into `categories`, -1 when none
    std::vector<std::string> categories;    ///< distinct category labels, in order of appearance
    std::vector<std::int64_t> row;          ///< 1-based source row (feature number) for messages
    std::vector<double> source_x, source_y; ///< coordinates as read, before reprojection

    std::size_t size() const noexcept { return x.size(); }
    void reserve(std::size_t n);
    /// Removes the incidents whose flag is set, keeping order; returns how many were removed.
    std::size_t remove_if_flagged(const std::vector<std::uint8_t>& flags);
};

/// Why an input record was not used. Every record read ends either accepted or here.
enum class RejectReason : std::uint8_t {
    filtered,          ///< excluded by the manifest's `where` filter
    bad_geometry_type, ///< not a point (lines, polygons)
    bad_coordinates,   ///< no geometry, empty x/y, or not transformable to the city CRS
    zero_coordinates,  ///< x or y exactly 0: a geocoding failure (null island, projection origin)
    bad_time,          ///< the time field could not be parsed
    missing_time,      ///< the time field is empty
    outside_period,    ///< time outside [analysis] period
    outside_boundary,  ///< the point lies outside the city boundary
    unknown_unit,      ///< counts table: key matches no sub-unit polygon
};
inline constexpr std::size_t kRejectReasonCount = 9;
const char* to_string(RejectReason r) noexcept;

/// One rejected record, for the `rejected` table and the on-screen examples.
struct Rejection {
    std::int64_t row;
    RejectReason reason;
    std::string detail;
    double weight = 1; ///< incidents the record carries (a count for counts tables)
};

/// Every rejected record, with counts per reason (weighted for counts tables).
class RejectLog {
public:
    void add(RejectReason reason, std::int64_t row, std::string detail, double weight = 1.0);
    double count(RejectReason r) const noexcept { return m_counts[static_cast<std::size_t>(r)]; }
    double total() const noexcept;
    const std::vector<Rejection>& rows() const noexcept { return m_rows; }

private:
    std::array<double, kRejectReasonCount> m_counts{};
    std::vector<Rejection> m_rows;
};

/// Polygons with names (the boundary's features, i.e. the sub-units).
struct Polygons {
    std::vector<Wkb> wkb;
    std::vector<std::string> names;
    std::size_t size() const noexcept { return wkb.size(); }
};

/// A record of a counts-per-area table after the join: unit index, category, year, month.
struct AreaCounts {
    std::vector<std::int32_t> unit;
    std::vector<std::int32_t> category;
    std::vector<std::int32_t> year, month; ///< 0 when the table has no such column
    std::vector<double> count;
    std::vector<std::string> categories;
    std::size_t size() const noexcept { return unit.size(); }
};

} // namespace vigia::analysis
