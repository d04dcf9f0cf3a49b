#include "io/incident_reader.hpp"

#include "analysis/error.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace vigia::io {

using analysis::RejectReason;

std::int64_t count_features(OGRLayer& layer) {
    return layer.GetFeatureCount(TRUE);
}

void apply_where(OGRLayer& layer, const std::string& path, const std::string& where) {
    if (where.empty()) return;
    GdalErrorScope errors;
    if (layer.SetAttributeFilter(where.empty() ? nullptr : where.c_str()) != OGRERR_NONE)
        throw InputError{fmt::format("{} layer '{}': invalid where = \"{}\": {}", path,
                                     layer.GetName(), where, errors.last_error())};
}

namespace {

/// Strict decimal parse of the whole text (surrounding blanks allowed).
std::optional<double> parse_number(const char* s) {
    while (*s == ' ' || *s == '\t')
        ++s;
    if (!*s) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s, &end);
    while (*end == ' ' || *end == '\t' || *end == '\r')
        ++end;
    if (*end || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
    return v;
}

bool blank(const char* s) {
    for (; *s; ++s)
        if (*s != ' ' && *s != '\t' && *s != '\r') return false;
    return true;
}

/// Reads the time of a feature: nullopt + reason when it cannot be used.
struct TimeField {
    int index = -1;
    bool native = false; // a GDAL Date/DateTime field
};

} // namespace

IncidentRead read_incidents(const IncidentSourceSpec& spec, const OGRSpatialReference& target,
                            const std::optional<Period>& period, const ProgressFn& progress) {
    IncidentRead out;
    GDALDatasetUniquePtr ds = open_vector(spec.path);
    OGRLayer& layer = pick_layer(*ds, spec.path, spec.layer);
    out.layer = layer.GetName();
    const std::string where = fmt::format("{} layer '{}'", spec.path, out.layer);
    out.srs = layer_srs(layer, spec.path, spec.crs);

    const bool from_fields = !spec.x.empty() || !spec.y.empty();
    if (from_fields && (spec.x.empty() || spec.y.empty()))
        throw InputError{fmt::format("{}: give both x and y coordinate fields", where)};
    if (!from_fields && layer.GetGeomType() == wkbNone)
        throw InputError{
            fmt::format("{}: has no geometry; name the coordinate columns, e.g. x = \"longitude\", "
                        "y = \"latitude\" (fields: {})",
                        where, field_list(layer))};
    const int xi = from_fields ? require_field(layer, spec.path, spec.x, "x") : -1;
    const int yi = from_fields ? require_field(layer, spec.path, spec.y, "y") : -1;
    TimeField tf;
    if (!spec.time.empty()) {
        tf.index = require_field(layer, spec.path, spec.time, "time");
        const OGRFieldType t = layer.GetLayerDefn()->GetFieldDefn(tf.index)->GetType();
        tf.native = t == OFTDate || t == OFTDateTime;
    }
    const int ci =
        spec.category.empty() ? -1 : require_field(layer, spec.path, spec.category, "category");

    std::int64_t total = -1;
    if (!spec.where.empty()) {
        total = count_features(layer);
        apply_where(layer, spec.path, spec.where);
    }
    // The count is only for reserve() and progress: ask for it only when the driver knows it
    // without a scan (a CSV would be read twice); after a where filter it is known already.
    std::int64_t expected = layer.GetFeatureCount(FALSE);
    if (expected < 0 && total >= 0) expected = count_features(layer);
    const bool known = expected >= 0;
    expected = std::max<std::int64_t>(1, expected);

    analysis::Incidents& inc = out.incidents;
    analysis::RejectLog& rej = out.rejects;
    inc.reserve(static_cast<std::size_t>(expected));
    std::unordered_map<std::string, std::int32_t> category_index;
    std::int64_t seen = 0, passed = 0;
    std::vector<std::int64_t> passed_fids; // with a where filter: to list the others
    layer.ResetReading();
    for (auto& f : layer) {
        ++passed;
        if (total >= 0) passed_fids.push_back(f->GetFID());
        const std::int64_t row = f->GetFID();
        if (progress && known && (passed & 0xFFFF) == 0)
            progress(0.9 *
                     std::min(1.0, static_cast<double>(passed) / static_cast<double>(expected)));

        // Time and category first: they apply to every point of a multipoint.
        std::int64_t t = analysis::kNoTime;
        if (tf.index >= 0) {
            if (!f->IsFieldSetAndNotNull(tf.index) ||
                (!tf.native && blank(f->GetFieldAsString(tf.index)))) {
                ++seen;
                rej.add(RejectReason::missing_time, row, fmt::format("{} is empty", spec.time));
                continue;
            }
            if (tf.native) {
                int y, m, d, hh, mm, tz;
                float ss;
                f->GetFieldAsDateTime(tf.index, &y, &m, &d, &hh, &mm, &ss, &tz);
                t = to_seconds(CivilTime{y, m, d, hh, mm, static_cast<int>(ss)});
            } else if (auto p = parse_time(f->GetFieldAsString(tf.index))) {
                t = *p;
            } else {
                ++seen;
                rej.add(RejectReason::bad_time, row,
                        fmt::format("{} = '{}'", spec.time, f->GetFieldAsString(tf.index)));
                continue;
            }
            if (period && (t < period->first || t > period->second)) {
                ++seen;
                rej.add(RejectReason::outside_period, row,
                        fmt::format("{} = {}", spec.time, format_iso(t)));
                continue;
            }
        }
        std::int32_t cat = -1;
        if (ci >= 0 && f->IsFieldSetAndNotNull(ci)) {
            std::string label = f->GetFieldAsString(ci);
            if (!label.empty()) {
                auto [it, fresh] =
                    category_index.emplace(label, static_cast<std::int32_t>(inc.categories.size()));
                if (fresh) inc.categories.push_back(label);
                cat = it->second;
            }
        }
        auto accept = [&](double x, double y) {
            if (x == 0.0 || y == 0.0) {
                rej.add(RejectReason::zero_coordinates, row,
                        fmt::format("({}, {}): a coordinate is exactly 0, the mark of a failed "
                                    "geocode (null island or a projection's origin)",
                                    x, y));
                return;
            }
            inc.x.push_back(x);
            inc.y.push_back(y);
            inc.source_x.push_back(x);
            inc.source_y.push_back(y);
            inc.time.push_back(t);
            inc.category.push_back(cat);
            inc.row.push_back(row);
        };

        if (from_fields) {
            ++seen;
            const char* sx = f->IsFieldSetAndNotNull(xi) ? f->GetFieldAsString(xi) : "";
            const char* sy = f->IsFieldSetAndNotNull(yi) ? f->GetFieldAsString(yi) : "";
            if (blank(sx) || blank(sy)) {
                rej.add(RejectReason::bad_coordinates, row,
                        fmt::format("{} = '{}', {} = '{}': empty", spec.x, sx, spec.y, sy));
                continue;
            }
            const auto vx = parse_number(sx);
            const auto vy = parse_number(sy);
            if (!vx || !vy)
                throw InputError{fmt::format(
                    "{}: row {}: field '{}' = '{}' is not a number; coordinates must be decimal "
                    "numbers with a '.' decimal point",
                    where, row, vx ? spec.y : spec.x, vx ? sy : sx)};
            accept(*vx, *vy);
            continue;
        }
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            ++seen;
            rej.add(RejectReason::bad_coordinates, row, "no geometry");
            continue;
        }
        const auto type = wkbFlatten(g->getGeometryType());
        if (type == wkbPoint) {
            ++seen;
            const auto* p = g->toPoint();
            accept(p->getX(), p->getY());
        } else if (type == wkbMultiPoint) {
            for (const OGRPoint* p : *g->toMultiPoint()) {
                ++seen;
                accept(p->getX(), p->getY());
            }
        } else {
            ++seen;
            rej.add(RejectReason::bad_geometry_type, row,
                    fmt::format("a {}, expected a point", g->getGeometryName()));
        }
    }
    if (total >= 0) {
        // Every record the filter removed is listed, not only counted: read the layer once more
        // without the filter (records whose filter is NULL are removed too, and listed here).
        std::sort(passed_fids.begin(), passed_fids.end());
        layer.SetAttributeFilter(nullptr);
        layer.ResetReading();
        std::int64_t filtered = 0;
        for (auto& f : layer) {
            if (std::binary_search(passed_fids.begin(), passed_fids.end(), f->GetFID())) continue;
            ++filtered;
            rej.add(RejectReason::filtered, f->GetFID(),
                    "excluded by where = \"" + spec.where + "\"");
        }
        out.records = seen + filtered;
    } else {
        out.records = seen;
    }
    if (out.records == 0)
        throw InputError{fmt::format("{}: has no incidents (the layer is empty)", where)};

    // Project in bulk; points PROJ cannot transform are rejected, not lost.
    TransformPtr ct = make_transform(*out.srs, target);
    std::vector<std::uint8_t> ok;
    transform_points(*ct, inc.x, inc.y, ok);
    std::vector<std::uint8_t> drop(inc.size(), 0);
    for (std::size_t i = 0; i < inc.size(); ++i) {
        if (ok[i]) continue;
        drop[i] = 1;
        out.failed_x.push_back(inc.source_x[i]);
        out.failed_y.push_back(inc.source_y[i]);
        rej.add(RejectReason::bad_coordinates, inc.row[i],
                fmt::format("({}, {}) cannot be transformed from {} to {}", inc.source_x[i],
                            inc.source_y[i], srs_label(*out.srs), srs_label(target)));
    }
    inc.remove_if_flagged(drop);
    for (std::int64_t t : inc.time) {
        if (t == analysis::kNoTime) continue;
        if (out.time_min == analysis::kNoTime || t < out.time_min) out.time_min = t;
        if (out.time_max == analysis::kNoTime || t > out.time_max) out.time_max = t;
    }
    if (progress) progress(1.0);
    return out;
}

} // namespace vigia::io
