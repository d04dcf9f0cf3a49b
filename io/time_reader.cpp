#include "io/time_reader.hpp"

#include "analysis/error.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vigia::io {

namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// A whole number in text ("2016", "2016.0", " 7 "); nothing otherwise.
std::optional<int> whole(std::string_view s) {
    s = trim(s);
    if (s.empty() || s.size() > 12) return std::nullopt;
    if (const auto dot = s.find('.'); dot != std::string_view::npos) {
        if (s.substr(dot + 1).find_first_not_of('0') != std::string_view::npos) return std::nullopt;
        s = s.substr(0, dot);
    }
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return s.empty() ? std::nullopt : std::optional<int>{v};
}

bool leap(int y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) noexcept {
    static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

} // namespace

std::string TimeSpec::describe() const {
    if (parts()) {
        std::string s = "year = " + year;
        if (!month.empty()) s += ", month = " + month;
        if (!day.empty()) s += ", day = " + day;
        if (!hour.empty()) s += ", hour = " + hour;
        if (!minute.empty()) s += ", minute = " + minute;
        return s;
    }
    std::string s;
    for (std::size_t i = 0; i < fields.size(); ++i)
        s += (i ? " + " : "") + fields[i];
    return s;
}

TimeReader::TimeReader(OpenLayer& layer, const TimeSpec& spec)
    : m_spec{spec}, m_where{layer.where()} {
    if (spec.empty()) return;
    auto add = [&](const std::string& name, const std::string& role, TimeColumn::Role r,
                   const std::string& format) {
        Slot s;
        s.name = name;
        s.index = find_field(layer, name, role);
        const OGRFieldType t = layer.layer().GetLayerDefn()->GetFieldDefn(s.index)->GetType();
        s.native = t == OFTDate || t == OFTDateTime || t == OFTTime;
        s.native_date = t == OFTDate || t == OFTDateTime;
        s.native_time = t == OFTTime || t == OFTDateTime;
        s.column = TimeColumn{r, format};
        m_slots.push_back(std::move(s));
    };
    if (spec.parts()) {
        add(spec.year, "time year", TimeColumn::Role::date_time, "");
        if (spec.month.empty()) // a table of yearly counts
            m_slots.emplace_back();
        else
            add(spec.month, "time month", TimeColumn::Role::date_time, "");
        // Optional parts keep their place (an empty name: no such field).
        for (const std::string* p : {&spec.day, &spec.hour, &spec.minute}) {
            if (p->empty()) {
                m_slots.emplace_back();
                continue;
            }
            add(*p, "time", TimeColumn::Role::date_time, "");
        }
        return;
    }
    if (spec.fields.size() > 2)
        throw InputError{fmt::format("{}: time names {} fields; give one (a date-time) or two (a "
                                     "date and a time of day)",
                                     m_where, spec.fields.size())};
    add(spec.fields[0], "time", TimeColumn::Role::date_time, spec.format);
    if (spec.fields.size() == 2)
        add(spec.fields[1], "time of day", TimeColumn::Role::time_of_day, "");
}

void TimeReader::collect(OGRFeature& f, std::int64_t row) {
    ++m_rows;
    for (Slot& s : m_slots) {
        if (s.index < 0) continue;
        if (s.native) {
            NativeTime v;
            if (f.IsFieldSetAndNotNull(s.index)) {
                int y, m, d, hh, mm, tz;
                float ss;
                f.GetFieldAsDateTime(s.index, &y, &m, &d, &hh, &mm, &ss, &tz);
                v.y = static_cast<std::int16_t>(std::clamp(y, -32000, 32000));
                v.m = static_cast<std::int8_t>(m);
                v.d = static_cast<std::int8_t>(d);
                v.hh = static_cast<std::int8_t>(hh);
                v.mm = static_cast<std::int8_t>(mm);
                v.ss = static_cast<std::int8_t>(std::clamp(static_cast<int>(ss), 0, 60));
                v.flags = static_cast<std::uint8_t>(1 | (s.native_date ? 2 : 0) |
                                                    (s.native_time ? 4 : 0));
                s.column.observe_native(y, m, d, hh, mm, v.ss, s.native_date, s.native_time, row);
            }
            s.values.push_back(v);
            continue;
        }
        if (f.IsFieldSetAndNotNull(s.index)) {
            const char* text = f.GetFieldAsString(s.index);
            const std::string_view t = trim(text);
            s.arena.append(t.data(), t.size());
            if (!t.empty() && !m_spec.parts()) s.column.observe(t, row);
        }
        s.offset.push_back(static_cast<std::uint32_t>(s.arena.size()));
        if (s.arena.size() > std::numeric_limits<std::uint32_t>::max() - 4096)
            throw InputError{
                fmt::format("{}: field '{}' holds more than 4 GB of text", m_where, s.name)};
    }
}

bool TimeReader::empty_at(const Slot& s, std::size_t i) const {
    if (s.index < 0) return true;
    if (s.native) return !(s.values[i].flags & 1);
    return s.offset[i] == s.offset[i + 1];
}

void TimeReader::decide() {
    if (!enabled()) return;
    if (m_spec.parts()) {
        // The precision of the parts: a minute field of zeros holds no minutes.
        const Slot& h = m_slots[hour];
        const Slot& mi = m_slots[minute];
        for (std::size_t i = 0; i < m_rows; ++i) {
            if (!empty_at(mi, i))
                if (auto v = whole(mi.text(i)); v && *v != 0) m_parts_minutes = true;
            if (!empty_at(h, i))
                if (auto v = whole(h.text(i)); v && *v != 0) m_parts_hours = true;
            if (m_parts_minutes && m_parts_hours) break;
        }
        return;
    }
    for (Slot& s : m_slots) {
        if (auto err = s.column.decide())
            throw InputError{fmt::format("{}: field '{}': {}; give {}", m_where, s.name,
                                         err->message, err->suggestion)};
        for (const std::string& w : s.column.warnings())
            m_warnings.push_back(fmt::format("{}: field '{}': {}", m_where, s.name, w));
    }
}

TimeReader::Result TimeReader::get(std::size_t i) const {
    if (!enabled()) return {};
    return m_spec.parts() ? get_parts(i) : get_fields(i);
}

TimeReader::Result TimeReader::get_fields(std::size_t i) const {
    Result r;
    const Slot& d = m_slots[0];
    auto detail = [&](const Slot& s) {
        if (s.native) {
            const NativeTime& v = s.values[i];
            return fmt::format("{} = {:04}-{:02}-{:02} {:02}:{:02}:{:02}", s.name, v.y, v.m, v.d,
                               v.hh, v.mm, v.ss);
        }
        return fmt::format("{} = '{}'", s.name, s.text(i));
    };
    if (empty_at(d, i)) {
        r.status = Status::missing;
        r.detail = d.name + " is empty";
        return r;
    }
    std::optional<TimeValue> date;
    if (d.native) {
        const NativeTime& v = d.values[i];
        date = d.column.parse_native(v.y, v.m, v.d, v.hh, v.mm, v.ss, v.flags & 2, v.flags & 4);
    } else {
        date = d.column.parse(d.text(i));
    }
    if (!date) {
        r.status = Status::bad;
        r.detail = detail(d);
        return r;
    }
    r.status = Status::ok;
    r.value = *date;
    if (m_slots.size() < 2) return r;
    const Slot& t = m_slots[1];
    if (date->span > kSpanDay || empty_at(t, i)) return r; // a month, or no time of day
    std::optional<TimeValue> tod;
    if (t.native) {
        const NativeTime& v = t.values[i];
        tod = t.column.parse_native(v.y, v.m, v.d, v.hh, v.mm, v.ss, v.flags & 2, v.flags & 4);
    } else {
        tod = t.column.parse(t.text(i));
    }
    if (!tod) {
        r.status = Status::bad;
        r.detail = detail(t);
        return r;
    }
    if (tod->span >= kSpanDay) { // a column of 00:00 only: the date alone is known
        r.value.seconds -= ((r.value.seconds % 86400) + 86400) % 86400;
        r.value.span = kSpanDay;
        return r;
    }
    r.value.seconds = r.value.seconds - ((r.value.seconds % 86400) + 86400) % 86400 + tod->seconds;
    r.value.span = tod->span;
    return r;
}

TimeReader::Result TimeReader::get_parts(std::size_t i) const {
    Result r;
    const Slot& ys = m_slots[year];
    const Slot& ms = m_slots[month];
    const bool yearly = ms.index < 0;
    if (empty_at(ys, i) || (!yearly && empty_at(ms, i))) {
        r.status = Status::missing;
        r.detail = fmt::format("{} is empty", empty_at(ys, i) ? ys.name : ms.name);
        return r;
    }
    auto bad = [&](const Slot& s) {
        r.status = Status::bad;
        r.detail = fmt::format("{} = '{}'", s.name, s.text(i));
        return r;
    };
    const auto y = whole(ys.text(i));
    if (!y || *y < 1 || *y > 9999) return bad(ys);
    if (yearly) {
        r.status = Status::ok;
        r.value.seconds = days_from_civil(*y, 1, 1) * 86400;
        r.value.span = (leap(*y) ? 366 : 365) * kSpanDay;
        return r;
    }
    int m = 0;
    if (auto v = whole(ms.text(i)))
        m = *v;
    else
        m = month_from_name(trim(ms.text(i)));
    if (m < 1 || m > 12) return bad(ms);
    r.status = Status::ok;
    r.value.seconds = days_from_civil(*y, m, 1) * 86400;
    r.value.span = days_in_month(*y, m) * kSpanDay;
    const Slot& ds = m_slots[day];
    if (empty_at(ds, i)) return r;
    const auto d = whole(ds.text(i));
    if (!d || *d < 1 || *d > days_in_month(*y, m)) return bad(ds);
    r.value.seconds = days_from_civil(*y, m, *d) * 86400;
    r.value.span = kSpanDay;
    const Slot& hs = m_slots[hour];
    if (empty_at(hs, i) || (!m_parts_hours && !m_parts_minutes)) return r;
    const auto h = whole(hs.text(i));
    if (!h || *h > 23) return bad(hs);
    r.value.seconds += *h * 3600;
    r.value.span = kSpanHour;
    const Slot& mins = m_slots[minute];
    if (empty_at(mins, i) || !m_parts_minutes) return r;
    const auto mi = whole(mins.text(i));
    if (!mi || *mi > 59) return bad(mins);
    r.value.seconds += *mi * 60;
    r.value.span = kSpanMinute;
    return r;
}

std::vector<std::pair<std::string, std::string>> TimeReader::info() const {
    std::vector<std::pair<std::string, std::string>> kv;
    if (!enabled()) return kv;
    if (m_spec.parts()) {
        kv.emplace_back("time_format", fmt::format("parts ({}); precision {}", m_spec.describe(),
                                                   m_parts_minutes         ? "minute"
                                                   : m_parts_hours         ? "hour"
                                                   : !m_spec.day.empty()   ? "day"
                                                   : !m_spec.month.empty() ? "month"
                                                                           : "year"));
        return kv;
    }
    kv.emplace_back("time_format", m_slots[0].column.format().describe());
    if (m_slots.size() > 1)
        kv.emplace_back("time_of_day_format", m_slots[1].column.format().describe());
    return kv;
}

std::string TimeReader::suggestion() const {
    if (m_spec.parts())
        return "check the year, month and day fields (month may be a number or a name)";
    const TimeFormat& f = m_slots[0].column.format();
    return fmt::format("the values were read as {}; give time_format = \"...\" (strptime-like, "
                       "e.g. \"%d/%m/%Y %H:%M\") to read them another way",
                       f.shapes.empty() ? std::string{"no known date form"} : f.describe());
}

} // namespace vigia::io
