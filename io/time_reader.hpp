#pragma once
/// \file
/// Reading the time of every record of a layer as the manifest's TimeSpec names it: the
/// values are kept as read during the pass over the layer, the format of each column is then
/// decided from all of them (io/time_detect.hpp), and each record's time is parsed with it.

#include "io/layer_source.hpp"
#include "io/sources.hpp"
#include "io/time_detect.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vigia::io {

class TimeReader {
public:
    /// Resolves the fields of `spec` in `layer` (InputError naming a missing one). With an
    /// empty spec the reader is disabled and every record has no time.
    TimeReader(OpenLayer& layer, const TimeSpec& spec);

    bool enabled() const noexcept { return !m_slots.empty(); }
    /// Keeps the time values of one record (call once per record, in order).
    void collect(OGRFeature& f, std::int64_t row);
    /// Decides every column's format; InputError naming the file and field when a column
    /// cannot be read whole (conflicting day/month evidence).
    void decide();

    enum class Status : std::uint8_t { ok, missing, bad };
    struct Result {
        Status status = Status::missing;
        TimeValue value;
        std::string detail; ///< for a missing or bad value: "fecha = '31/02/2019'"
    };
    /// The time of record `i` (in collect() order).
    Result get(std::size_t i) const;
    std::size_t size() const noexcept { return m_rows; }

    /// For run_info: the fields and, per column, its detected format and precision.
    std::vector<std::pair<std::string, std::string>> info() const;
    const std::vector<std::string>& warnings() const noexcept { return m_warnings; }
    /// The field named in messages ("fecha", "fecha + hora").
    std::string fields() const { return m_spec.describe(); }
    /// The key that helps with unreadable values, for failure messages.
    std::string suggestion() const;

private:
    struct NativeTime {
        std::int16_t y = 0;
        std::int8_t m = 0, d = 0, hh = 0, mm = 0, ss = 0;
        std::uint8_t flags = 0; ///< 1: set, 2: has date, 4: has time
    };
    struct Slot {
        std::string name;
        int index = -1;
        bool native = false;
        bool native_date = false, native_time = false;
        TimeColumn column;
        std::string arena;
        std::vector<std::uint32_t> offset{0};
        std::vector<NativeTime> values;
        std::string_view text(std::size_t i) const {
            return std::string_view{arena}.substr(offset[i], offset[i + 1] - offset[i]);
        }
    };
    enum Part : std::size_t { year = 0, month, day, hour, minute };

    TimeSpec m_spec;
    std::string m_where;
    std::vector<Slot> m_slots;
    std::size_t m_rows = 0;
    std::vector<std::string> m_warnings;
    std::int64_t m_utc = 0;
    // parts: the finest non-zero part seen (minute, hour) decides the precision.
    bool m_parts_minutes = false, m_parts_hours = false;

    Result get_fields(std::size_t i) const;
    Result get_parts(std::size_t i) const;
    bool empty_at(const Slot& s, std::size_t i) const;
};

} // namespace vigia::io
