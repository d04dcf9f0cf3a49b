#include "io/incident_reader.hpp"

#include "analysis/error.hpp"
#include "io/layer_source.hpp"
#include "io/time_parse.hpp"
#include "io/time_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vigia::io {

using analysis::RejectReason;

std::int64_t count_features(OGRLayer& layer) {
    return layer.GetFeatureCount(TRUE);
}

void apply_where(OGRLayer& layer, const std::string& path, const std::string& where) {
    if (where.empty()) return;
    GdalErrorScope errors;
    if (layer.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw InputError{fmt::format("{} layer '{}': invalid where = \"{}\": {}", path,
                                     layer.GetName(), where, errors.last_error())};
}

bool in_period(const Period& p, std::int64_t t, std::int32_t span) noexcept {
    return t >= p.first && t + std::max<std::int32_t>(span, 1) - 1 <= p.second;
}

namespace {

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

/// "POINT (x y)", "POINT Z (x y z)", "point(x y)": the fast path for a WKT column.
bool parse_wkt_point(std::string_view s, double& x, double& y) {
    auto skip = [&] {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
            s.remove_prefix(1);
    };
    skip();
    if (s.size() < 5 || strncasecmp(s.data(), "POINT", 5) != 0) return false;
    s.remove_prefix(5);
    skip();
    for (const char* dim : {"ZM", "Z", "M"})
        if (s.size() > std::strlen(dim) && strncasecmp(s.data(), dim, std::strlen(dim)) == 0 &&
            (s[std::strlen(dim)] == ' ' || s[std::strlen(dim)] == '(')) {
            s.remove_prefix(std::strlen(dim));
            skip();
            break;
        }
    if (s.empty() || s.front() != '(') return false;
    s.remove_prefix(1);
    const std::size_t close = s.find(')');
    if (close == std::string_view::npos) return false;
    std::string body{s.substr(0, close)};
    char* end = nullptr;
    x = std::strtod(body.c_str(), &end);
    if (end == body.c_str()) return false;
    char* end2 = nullptr;
    y = std::strtod(end, &end2);
    if (end2 == end) return false;
    std::string_view rest = s.substr(close + 1);
    return blank(rest) && std::isfinite(x) && std::isfinite(y);
}

/// One point of a record before its time is known: where it is, or why it cannot be used.
struct Candidate {
    double x = 0, y = 0;
    std::int64_t row = 0;
    std::uint32_t record = 0; ///< index into the time reader's records
    std::int32_t category = -1;
    std::int32_t problem = -1; ///< index into `problems`, or −1
};
struct Problem {
    RejectReason reason;
    std::string detail;
};

} // namespace

IncidentRead read_incidents(const IncidentSourceSpec& spec, const OGRSpatialReference& target,
                            const std::optional<Period>& period, const ProgressFn& progress) {
    IncidentRead out;
    OpenLayer source{spec.location()};
    OGRLayer& layer = source.layer();
    out.layer = source.name();
    const std::string where = source.where();
    out.srs = layer_srs(layer, spec.path, spec.crs);

    const bool from_fields = !spec.x.empty() || !spec.y.empty();
    if (from_fields && (spec.x.empty() || spec.y.empty()))
        throw InputError{fmt::format("{}: give both x and y coordinate fields", where)};
    if (from_fields && !spec.wkt.empty())
        throw InputError{fmt::format("{}: give x and y, or wkt, not both", where)};
    if (!from_fields && spec.wkt.empty() && layer.GetGeomType() == wkbNone)
        throw InputError{
            fmt::format("{}: has no geometry; name the coordinate columns, e.g. x = \"longitude\", "
                        "y = \"latitude\", or a WKT column, wkt = \"geometry\" (fields: {})",
                        where, field_list(layer))};
    const int xi = from_fields ? find_field(source, spec.x, "x") : -1;
    const int yi = from_fields ? find_field(source, spec.y, "y") : -1;
    const int wi = spec.wkt.empty() ? -1 : find_field(source, spec.wkt, "wkt");
    auto numeric = [&](int i) {
        if (i < 0) return false;
        const OGRFieldType t = layer.GetLayerDefn()->GetFieldDefn(i)->GetType();
        return t == OFTReal || t == OFTInteger || t == OFTInteger64;
    };
    const bool x_numeric = numeric(xi), y_numeric = numeric(yi);
    TimeReader times{source, spec.time};
    const int ci = spec.category.empty() ? -1 : find_field(source, spec.category, "category");
    TextPolicy text{source, spec.encoding};
    {
        OGRFeatureDefn* d = layer.GetLayerDefn();
        for (int i = 0; i < d->GetFieldCount(); ++i)
            text.observe(d->GetFieldDefn(i)->GetNameRef(), 0);
    }

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

    // Pass 1: every record's values as read. Times are decided from the whole column after it.
    std::vector<Candidate> cand;
    cand.reserve(static_cast<std::size_t>(expected));
    std::vector<Problem> problems;
    Interner labels;
    std::int64_t commas = 0, points = 0, passed = 0;
    std::vector<std::int64_t> passed_fids; // with a where filter: to list the others
    auto problem = [&](Candidate& c, RejectReason r, std::string detail) {
        c.problem = static_cast<std::int32_t>(problems.size());
        problems.push_back({r, std::move(detail)});
    };
    auto coordinate = [&](OGRFeature& f, int i, bool is_numeric, const std::string& name, double& v,
                          std::string& raw) {
        if (!f.IsFieldSetAndNotNull(i)) return false;
        if (is_numeric) {
            v = f.GetFieldAsDouble(i);
            return std::isfinite(v);
        }
        raw = f.GetFieldAsString(i); // copied: the next call reuses GDAL's buffer
        bool comma = false;
        const auto p = parse_decimal(raw, spec.decimal, &comma);
        if (!p) return false;
        (comma ? commas : points) += 1;
        v = *p;
        (void)name;
        return true;
    };
    layer.ResetReading();
    for (auto& f : layer) {
        ++passed;
        if (total >= 0) passed_fids.push_back(f->GetFID());
        const std::int64_t row = f->GetFID();
        if (progress && known && (passed & 0xFFFF) == 0)
            progress(0.8 *
                     std::min(1.0, static_cast<double>(passed) / static_cast<double>(expected)));
        const auto record = static_cast<std::uint32_t>(times.size());
        times.collect(*f, row);
        std::int32_t cat = -1;
        if (ci >= 0 && f->IsFieldSetAndNotNull(ci)) {
            const char* label = f->GetFieldAsString(ci);
            if (*label) {
                cat = labels.add(label);
                if (static_cast<std::size_t>(cat) + 1 == labels.size()) text.observe(label, row);
            }
        }
        Candidate c;
        c.row = row;
        c.record = record;
        c.category = cat;
        if (from_fields) {
            std::string rx, ry;
            const bool okx = coordinate(*f, xi, x_numeric, spec.x, c.x, rx);
            const bool oky = coordinate(*f, yi, y_numeric, spec.y, c.y, ry);
            if (!okx || !oky) {
                if (rx.empty() && !x_numeric)
                    rx = f->IsFieldSetAndNotNull(xi) ? f->GetFieldAsString(xi) : "";
                if (ry.empty() && !y_numeric)
                    ry = f->IsFieldSetAndNotNull(yi) ? f->GetFieldAsString(yi) : "";
                const bool empty = (!okx && blank(rx)) || (!oky && blank(ry));
                problem(c, RejectReason::bad_coordinates,
                        fmt::format("{} = '{}', {} = '{}': {}", spec.x,
                                    okx ? fmt::format("{}", c.x) : rx, spec.y,
                                    oky ? fmt::format("{}", c.y) : ry,
                                    empty ? "empty" : "not a number"));
            }
            cand.push_back(c);
            continue;
        }
        OGRGeometryUniquePtr parsed;
        const OGRGeometry* g = nullptr;
        if (wi >= 0) {
            const std::string w = f->IsFieldSetAndNotNull(wi) ? f->GetFieldAsString(wi) : "";
            if (blank(w)) {
                problem(c, RejectReason::bad_coordinates, fmt::format("{} is empty", spec.wkt));
                cand.push_back(c);
                continue;
            }
            if (parse_wkt_point(w, c.x, c.y)) {
                cand.push_back(c);
                continue;
            }
            OGRGeometry* raw = nullptr;
            if (OGRGeometryFactory::createFromWkt(w.c_str(), nullptr, &raw) != OGRERR_NONE ||
                !raw) {
                problem(c, RejectReason::bad_coordinates,
                        fmt::format("{} = '{}' is not WKT", spec.wkt, w.substr(0, 80)));
                cand.push_back(c);
                continue;
            }
            parsed.reset(raw);
            g = parsed.get();
        } else {
            g = f->GetGeometryRef();
        }
        if (!g || g->IsEmpty()) {
            problem(c, RejectReason::bad_coordinates, "no geometry");
            cand.push_back(c);
            continue;
        }
        const auto type = wkbFlatten(g->getGeometryType());
        if (type == wkbPoint) {
            const auto* p = g->toPoint();
            c.x = p->getX();
            c.y = p->getY();
            cand.push_back(c);
        } else if (type == wkbMultiPoint) {
            for (const OGRPoint* p : *g->toMultiPoint()) {
                Candidate part = c;
                part.x = p->getX();
                part.y = p->getY();
                cand.push_back(part);
            }
        } else {
            problem(c, RejectReason::bad_geometry_type,
                    fmt::format("a {}, expected a point", g->getGeometryName()));
            cand.push_back(c);
        }
    }

    // The formats, decided from every value.
    times.decide();
    text.decide();
    for (const auto& w : times.warnings())
        out.warnings.push_back(w);
    if (!text.warning().empty()) out.warnings.push_back(text.warning());
    analysis::Incidents& inc = out.incidents;
    for (const std::string& l : labels.values())
        inc.categories.push_back(text.decode(l));

    // Pass 2: each record's time, then its coordinates.
    analysis::RejectLog& rej = out.rejects;
    inc.reserve(cand.size());
    std::int64_t utc = 0, coarse_outside = 0;
    std::uint32_t rejected_record = UINT32_MAX;
    for (std::size_t k = 0; k < cand.size(); ++k) {
        const Candidate& c = cand[k];
        std::int64_t t = analysis::kNoTime;
        std::int32_t span = 0;
        if (times.enabled()) {
            if (c.record == rejected_record) continue; // a multipoint's other parts
            const TimeReader::Result r = times.get(c.record);
            if (r.status != TimeReader::Status::ok) {
                rejected_record = c.record;
                rej.add(r.status == TimeReader::Status::missing ? RejectReason::missing_time
                                                                : RejectReason::bad_time,
                        c.row, r.detail);
                continue;
            }
            t = r.value.seconds;
            span = r.value.span;
            utc += r.value.utc;
            if (period && !in_period(*period, t, span)) {
                rejected_record = c.record;
                const bool straddles = t + span - 1 >= period->first && t <= period->second;
                coarse_outside += straddles;
                rej.add(RejectReason::outside_period, c.row,
                        fmt::format("{} = {}{}", times.fields(), format_iso(t),
                                    straddles ? fmt::format(" ({} precision: it straddles the "
                                                            "period's edge)",
                                                            precision_name(span))
                                              : std::string{}));
                continue;
            }
        }
        if (c.problem >= 0) {
            const Problem& p = problems[static_cast<std::size_t>(c.problem)];
            rej.add(p.reason, c.row, p.detail);
            continue;
        }
        if (c.x == 0.0 || c.y == 0.0) {
            rej.add(RejectReason::zero_coordinates, c.row,
                    fmt::format("({}, {}): a coordinate is exactly 0, the mark of a failed "
                                "geocode (null island or a projection's origin)",
                                c.x, c.y));
            continue;
        }
        inc.x.push_back(c.x);
        inc.y.push_back(c.y);
        inc.source_x.push_back(c.x);
        inc.source_y.push_back(c.y);
        inc.time.push_back(t);
        inc.time_span.push_back(span);
        inc.category.push_back(c.category);
        inc.row.push_back(c.row);
    }
    std::vector<Candidate>().swap(cand);
    if (total >= 0) {
        // Every record the filter removed is listed, not only counted: read the layer once more
        // without the filter (records whose filter is NULL are removed too, and listed here).
        std::sort(passed_fids.begin(), passed_fids.end());
        layer.SetAttributeFilter(nullptr);
        layer.ResetReading();
        for (auto& f : layer) {
            if (std::binary_search(passed_fids.begin(), passed_fids.end(), f->GetFID())) continue;
            rej.add(RejectReason::filtered, f->GetFID(),
                    "excluded by where = \"" + spec.where + "\"");
        }
    }
    out.records =
        static_cast<std::int64_t>(inc.size()) + static_cast<std::int64_t>(rej.rows().size());
    if (out.records == 0)
        throw InputError{fmt::format("{}: has no incidents (the layer is empty)", where)};

    // How it was read.
    out.info.emplace_back("incidents_encoding", text.description());
    if (from_fields)
        out.info.emplace_back(
            "incidents_decimal",
            x_numeric && y_numeric ? "numeric fields"
            : commas && points
                ? fmt::format("mixed: {} values with ',' and {} with '.'", commas, points)
            : commas ? "',' (decimal comma)"
                     : "'.'");
    for (const auto& kv : times.info())
        out.info.push_back(kv);
    out.time_suggestion = times.enabled() ? times.suggestion() : "";
    out.coordinate_suggestion =
        from_fields
            ? fmt::format("the coordinates must be numbers in {}, {}; give decimal = \",\" for "
                          "decimal commas, or the right x = \"...\", y = \"...\" columns (fields: "
                          "{})",
                          spec.x, spec.y, field_list(layer))
            : "check the geometry column (wkt = \"...\") or the layer";
    if (utc > 0)
        out.warnings.push_back(fmt::format(
            "{} times end in Z (UTC): they are kept as written, so hours and days are UTC, "
            "not local time",
            utc));
    if (coarse_outside > 0)
        out.warnings.push_back(fmt::format(
            "{} records are rejected as outside the period because their time (a month, or a "
            "band) straddles its start or end",
            coarse_outside));

    // Project in bulk; points PROJ cannot transform are rejected, not lost.
    if (progress) progress(0.9);
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
    for (std::size_t i = 0; i < inc.size(); ++i) {
        const std::int64_t t = inc.time[i];
        if (t == analysis::kNoTime) continue;
        const std::int64_t e = t + inc.time_span[i];
        if (out.time_min == analysis::kNoTime || t < out.time_min) out.time_min = t;
        if (out.time_max == analysis::kNoTime || t > out.time_max) out.time_max = t;
        if (out.time_end == analysis::kNoTime || e > out.time_end) out.time_end = e;
    }
    if (progress) progress(1.0);
    return out;
}

} // namespace vigia::io
