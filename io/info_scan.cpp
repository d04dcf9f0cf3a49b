#include "io/info_scan.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace vigia::io::info_detail {

namespace {
bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

/// Whether the two probes can read `v` differently: a date such as 03/04/2018 (day and month
/// in either order), or for a time of day a bare number (an hour, or HHMM).
bool probes_differ(std::string_view v, bool dates) noexcept {
    if (!dates) return std::all_of(v.begin(), v.end(), is_digit);
    const auto sep = [](char c) { return c == '/' || c == '-' || c == '.'; };
    return v.size() > 3 && is_digit(v[0]) && (sep(v[1]) || (is_digit(v[1]) && sep(v[2])));
}

void observe_time(TimeTrack& t, std::string_view v, std::int64_t row, bool dates) {
    t.column.observe(v, row);
    ++t.observed;
    if (!dates && !t.numbers_are_times && probes_differ(v, false)) {
        t.settle(dates); // a bare number is an hour only in a column named so
        return;
    }
    if (!probes_differ(v, dates)) {
        const auto r = t.probe[0].parse(v);
        t.tally(0, r);
        t.tally(1, r);
    } else if (t.order >= 0) {
        // Once a value tells the order, the other probe only reads what this one cannot.
        const auto r = t.probe[t.order].parse(v);
        if (r)
            t.tally(t.order, r);
        else
            t.tally(1 - t.order, t.probe[1 - t.order].parse(v));
    } else {
        const auto r0 = t.probe[0].parse(v), r1 = t.probe[1].parse(v);
        t.tally(0, r0);
        t.tally(1, r1);
        if (dates && r0.has_value() != r1.has_value()) t.order = r0 ? 0 : 1;
    }
    if (!dates && probes_differ(v, false) &&
        (v.size() > 2 || std::atoi(std::string{v}.c_str()) > 23))
        t.hhmm = true; // as the detector reads 1430 (and 45) as HHMM
    t.settle(dates);
}

bool starts_with_point(std::string_view v) noexcept {
    static constexpr std::string_view point = "point";
    if (v.size() <= point.size()) return false;
    for (std::size_t i = 0; i < point.size(); ++i)
        if ((static_cast<unsigned char>(v[i]) | 0x20) != point[i]) return false;
    return true;
}

void observe_text(Column& c, std::string_view v, std::int64_t row, TextPolicy& text,
                  std::string& key) {
    v = trim(v);
    if (v.empty()) return;
    ++c.values;
    text.observe(v, row);
    if (c.examples.size() < 3 && c.values <= kSettle &&
        std::find(c.examples.begin(), c.examples.end(), v) == c.examples.end())
        c.examples.emplace_back(v);
    if (!c.many) {
        key.assign(v);
        if (auto it = c.distinct.find(key); it != c.distinct.end())
            ++it->second;
        else if (c.distinct.size() < kMaxDistinct)
            c.distinct.emplace(key, 1);
        else {
            c.many = true;
            c.distinct = {};
        }
    }
    if (c.numbers_alive) {
        bool comma = false;
        if (const auto d = parse_decimal(v, Decimal::automatic, &comma)) {
            ++c.numbers;
            c.range.add(*d);
            if (comma) ++c.commas;
            if (*d != std::floor(*d)) ++c.fractions;
        } else if (c.values >= kSettle && 2 * c.numbers < c.values) {
            c.numbers_alive = false;
        }
    }
    if (starts_with_point(v)) {
        ++c.wkt;
        if (const std::size_t open = v.find('('); open != std::string_view::npos) {
            const std::string s{v.substr(open + 1)};
            char* end = nullptr;
            const double x = std::strtod(s.c_str(), &end);
            char* end2 = nullptr;
            const double y = std::strtod(end, &end2);
            if (end != s.c_str() && end2 != end) {
                c.wx.add(x);
                c.wy.add(y);
            }
        }
    }
    if (c.date && c.date->alive) observe_time(*c.date, v, row, true);
    if (c.tod && c.tod->alive) observe_time(*c.tod, v, row, false);
}

void observe_native(Column& c, OGRFeature& f, std::int64_t row) {
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
    float ss = 0;
    if (!f.GetFieldAsDateTime(c.index, &y, &m, &d, &hh, &mm, &ss, &tz)) return;
    ++c.values;
    const bool has_date = c.type != OFTTime, has_time = c.type != OFTDate;
    TimeTrack& t = c.date ? *c.date : *c.tod;
    const int s = static_cast<int>(ss);
    t.column.observe_native(y, m, d, hh, mm, s, has_date, has_time, row);
    ++t.observed;
    t.tally(0, t.probe[0].parse_native(y, m, d, hh, mm, s, has_date, has_time));
}

} // namespace

/// Reads the layer once; every column's detectors see every value.
LayerScan scan_layer(const std::string& path, const std::string& layer_name) {
    OpenLayer source{LayerLocation{path, layer_name, {}, {}}};
    OGRLayer& layer = source.layer();
    LayerScan s;
    s.name = layer.GetName();
    s.geom = wkbFlatten(layer.GetGeomType());
    if (const OGRSpatialReference* srs = layer.GetSpatialRef()) s.srs = srs_label(*srs);
    TextPolicy text{source, ""};
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    using Role = TimeColumn::Role;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        Column c;
        c.index = i;
        c.type = defn->GetFieldDefn(i)->GetType();
        c.raw_name = defn->GetFieldDefn(i)->GetNameRef();
        text.observe(c.raw_name, 0);
        const Name guess{valid_utf8(c.raw_name) ? c.raw_name : cp1252_to_utf8(c.raw_name)};
        if (c.type == OFTString) {
            c.date.emplace(Role::date_time, false);
            c.tod.emplace(Role::time_of_day, false);
            c.tod->numbers_are_times = hint_clock(guess);
        } else if (c.type == OFTDate || c.type == OFTDateTime) {
            c.date.emplace(Role::date_time, true);
        } else if (c.type == OFTTime) {
            c.tod.emplace(Role::time_of_day, true);
        } else if ((c.type == OFTInteger || c.type == OFTInteger64) && hint_clock(guess)) {
            c.tod.emplace(Role::time_of_day, false);
            c.tod->numbers_are_times = true;
        }
        s.columns.push_back(std::move(c));
    }
    const bool fast_extent = s.geom != wkbNone && layer.TestCapability(OLCFastGetExtent);
    if (fast_extent) s.has_extent = layer.GetExtent(&s.extent, FALSE) == OGRERR_NONE;
    std::string key;
    char num[32];
    layer.ResetReading();
    for (auto& f : layer) {
        ++s.features;
        const std::int64_t row = f->GetFID();
        if (s.geom != wkbNone && !fast_extent)
            if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
                OGREnvelope e;
                g->getEnvelope(&e);
                if (s.has_extent)
                    s.extent.Merge(e);
                else
                    s.extent = e;
                s.has_extent = true;
            }
        for (Column& c : s.columns) {
            if (!f->IsFieldSetAndNotNull(c.index)) continue;
            switch (c.type) {
            case OFTString:
                observe_text(c, f->GetFieldAsString(c.index), row, text, key);
                break;
            case OFTInteger:
            case OFTInteger64: {
                const auto v = static_cast<long long>(f->GetFieldAsInteger64(c.index));
                const auto r = std::to_chars(num, num + sizeof num, v);
                observe_text(c, std::string_view(num, static_cast<std::size_t>(r.ptr - num)), row,
                             text, key);
                break;
            }
            case OFTReal: {
                const double v = f->GetFieldAsDouble(c.index);
                ++c.values;
                ++c.numbers;
                c.range.add(v);
                if (v != std::floor(v)) ++c.fractions;
                break;
            }
            case OFTDate:
            case OFTDateTime:
            case OFTTime:
                observe_native(c, *f, row);
                break;
            default:
                ++c.values;
                break;
            }
        }
    }
    text.decide();
    s.encoding = text.description();
    s.recoded = text.recoded();
    for (Column& c : s.columns) {
        c.name = Name{text.decode(c.raw_name)};
        for (auto& e : c.examples)
            e = text.decode(e);
        if (c.date) c.date->decide();
        if (c.tod) c.tod->decide();
    }
    return s;
}

Units units_of(const Range& x, const Range& y) {
    if (x.within(-180, 180) && y.within(-90, 90)) return Units::degrees;
    if (x.within(100000, 900000) && y.within(0, 10000000)) return Units::metres;
    return Units::unknown;
}

std::optional<Pair> best_pair(const std::vector<Column>& cols) {
    std::optional<Pair> best;
    for (const Column& x : cols)
        for (const Column& y : cols) {
            if (&x == &y || !x.is_number() || !y.is_number()) continue;
            // A constant is no coordinate (unless the layer has a single record).
            if ((x.numbers > 1 && x.range.lo == x.range.hi) ||
                (y.numbers > 1 && y.range.lo == y.range.hi))
                continue;
            for (Units u : {Units::degrees, Units::metres}) {
                const bool deg = u == Units::degrees;
                const bool ok_x =
                    deg ? x.range.within(-180, 180) && (x.fractional() || hint_x(x.name))
                        : x.range.within(100000, 900000) && (x.fractional() || hint_x(x.name));
                const bool ok_y =
                    deg ? y.range.within(-90, 90) && (y.fractional() || hint_y(y.name))
                        : y.range.within(0, 10000000) &&
                              (hint_y(y.name) || (y.fractional() && y.range.lo >= 100000));
                if (!ok_x || !ok_y) continue;
                double s = (hint_x(x.name) ? 3 : 0) + (hint_y(y.name) ? 3 : 0) -
                           (hint_y(x.name) ? 4 : 0) - (hint_x(y.name) ? 4 : 0);
                if (deg)
                    s += 1 + (x.range.lo < -90 || x.range.hi > 90 ? 2 : 0);
                else if (y.range.hi > 900000)
                    s += 2;
                if (x.index < y.index) s += 0.25;
                if (s < 2 || (best && s <= best->score)) continue;
                best = Pair{&x, &y, u, s, deg && s >= 5};
            }
        }
    return best;
}

Findings analyse(const LayerScan& s) {
    Findings f;
    f.points = s.geom == wkbPoint || s.geom == wkbMultiPoint;
    if (s.geom != wkbPolygon && s.geom != wkbMultiPolygon) f.pair = best_pair(s.columns);
    if (f.pair) f.decimal_comma = f.pair->x->commas > 0 || f.pair->y->commas > 0;
    for (const Column& c : s.columns) {
        if (c.is_wkt() && !f.wkt) {
            f.wkt = &c;
            f.wkt_units = units_of(c.wx, c.wy);
        }
        if (c.is_date()) f.dates.push_back(&c);
        if (c.is_time_of_day()) f.tods.push_back(&c);
        if (c.conflicting()) f.conflicts.push_back(&c);
    }
    const auto precision = [](const Column* c) { return c->date->column.format().precision; };
    std::stable_sort(f.dates.begin(), f.dates.end(), [&](const Column* a, const Column* b) {
        const int sa = date_name_score(a->name), sb = date_name_score(b->name);
        if (sa != sb) return sa > sb;
        return precision(a) < precision(b);
    });
    std::stable_sort(f.tods.begin(), f.tods.end(), [](const Column* a, const Column* b) {
        return hint_hour(a->name) > hint_hour(b->name);
    });
    // Year, month, day, hour and minute columns (Vancouver, many open-data portals).
    const auto part = [&](std::initializer_list<std::string_view> words, double lo,
                          double hi) -> const Column* {
        for (const Column& c : s.columns)
            if (c.name.word(words) && c.integers() && c.range.within(lo, hi)) return &c;
        return nullptr;
    };
    f.year = part({"year", "yr", "ano", "anio", "año", "años"}, 1900, 2100);
    f.month = part({"month", "mes", "mo"}, 1, 12);
    if (!f.month)
        for (const Column& c : s.columns)
            if (c.name.word({"month", "mes"}) && !c.many && !c.distinct.empty() &&
                std::all_of(c.distinct.begin(), c.distinct.end(),
                            [](const auto& kv) { return month_from_name(kv.first) != 0; }))
                f.month = &c;
    f.day = part({"day", "dia", "día"}, 1, 31);
    f.hour = part({"hour", "hora", "hh", "hr"}, 0, 23);
    f.minute = part({"minute", "minuto", "min", "mi", "minutes", "minutos"}, 0, 59);
    for (const Column& c : s.columns)
        if (!f.count && c.whole_numbers() && c.range.lo >= 0 && hint_count(c.name)) f.count = &c;
    // Keys and categories: few distinct values, many repeats; not a time or a coordinate.
    const auto used = [&](const Column* c) {
        return c->is_date() || c->is_time_of_day() || c == f.count || c == f.year || c == f.month ||
               c == f.day || c == f.hour || c == f.minute || c == f.wkt ||
               (f.pair && (c == f.pair->x || c == f.pair->y));
    };
    for (const Column& c : s.columns) {
        if (used(&c) || !c.few_distinct()) continue;
        if (c.type == OFTString && c.distinct.size() <= 200 && c.alpha_share() >= 0.5 &&
            !hint_key(c.name))
            f.categories.push_back(&c);
        if ((c.type == OFTString || c.type == OFTInteger || c.type == OFTInteger64) &&
            hint_category(c.name) == 0)
            f.keys.push_back(&c);
    }
    std::stable_sort(f.categories.begin(), f.categories.end(), [](auto* a, auto* b) {
        return hint_category(a->name) > hint_category(b->name);
    });
    std::stable_sort(f.keys.begin(), f.keys.end(), [](auto* a, auto* b) {
        if (hint_key(a->name) != hint_key(b->name)) return hint_key(a->name);
        return a->distinct.size() > b->distinct.size();
    });
    return f;
}

} // namespace vigia::io::info_detail
