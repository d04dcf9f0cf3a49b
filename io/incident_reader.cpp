#include "io/incident_reader.hpp"

#include "io/connection.hpp"

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
    // A database checks the filter only when it runs it (PostgreSQL folds unquoted names to
    // lower case: "GEOGRAFICO" needs its quotes there): run it once for its error.
    layer.ResetReading();
    OGRFeatureUniquePtr first{layer.GetNextFeature()};
    layer.ResetReading();
    if (!errors.last_error().empty())
        throw InputError{fmt::format("{} layer '{}': where = \"{}\" failed: {}", path,
                                     layer.GetName(), where,
                                     redact_connection(errors.last_error()))};
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

/// One reading of an incident layer, phase by phase: the layer's fields, the first pass over
/// every record (values as read), the decisions made from whole columns, the second pass
/// (each record accepted or rejected), the records a where filter removed, and the
/// projection.
class IncidentReading {
public:
    IncidentReading(const IncidentSourceSpec& spec, IncidentRead& out)
        : m_spec{spec}, m_out{out}, m_source{spec.location()}, m_layer{m_source.layer()},
          m_times{m_source, spec.time}, m_text{m_source, spec.encoding} {
        out.layer = m_source.name();
        m_where = m_source.where();
        out.srs = layer_srs(m_layer, spec.path, spec.crs);
        resolve_fields();
    }

    void collect(const ProgressFn& progress) {
        std::int64_t total = -1;
        if (!m_spec.where.empty()) {
            total = count_features(m_layer);
            apply_where(m_layer, m_spec.path, m_spec.where);
        }
        // The count is only for reserve() and progress: asked for only when the driver knows
        // it without a scan (a CSV would be read twice); after a where filter it is known.
        std::int64_t expected = m_layer.GetFeatureCount(FALSE);
        if (expected < 0 && total >= 0) expected = count_features(m_layer);
        const bool known = expected >= 0;
        expected = std::max<std::int64_t>(1, expected);
        m_filtered = total >= 0;
        m_cand.reserve(static_cast<std::size_t>(expected));
        std::int64_t passed = 0;
        m_layer.ResetReading();
        for (auto& f : m_layer) {
            ++passed;
            if (m_filtered) m_passed_fids.push_back(f->GetFID());
            if (progress && known && (passed & 0xFFFF) == 0)
                progress(0.8 * std::min(1.0, static_cast<double>(passed) /
                                                 static_cast<double>(expected)));
            read_record(*f);
        }
    }

    /// The formats, decided from every value; then every record accepted or rejected.
    void decide_and_accept(const std::optional<Period>& period) {
        m_times.decide();
        m_text.decide();
        for (const auto& w : m_times.warnings())
            m_out.warnings.push_back(w);
        if (!m_text.warning().empty()) m_out.warnings.push_back(m_text.warning());
        analysis::Incidents& inc = m_out.incidents;
        for (const std::string& l : m_labels.values())
            inc.categories.push_back(m_text.decode(l));
        inc.reserve(m_cand.size());
        std::uint32_t rejected_record = UINT32_MAX;
        for (const Candidate& c : m_cand) {
            if (m_times.enabled() && c.record == rejected_record) continue; // a multipoint's rest
            std::int64_t t = analysis::kNoTime;
            std::int32_t span = 0;
            if (m_times.enabled() && !time_of(c, period, t, span)) {
                rejected_record = c.record;
                continue;
            }
            accept(c, t, span);
        }
        std::vector<Candidate>().swap(m_cand);
    }

    /// Every record the filter removed is listed, not only counted: the layer read once more
    /// without the filter (records whose filter is NULL are removed too, and listed here).
    void list_filtered() {
        if (!m_filtered) return;
        std::sort(m_passed_fids.begin(), m_passed_fids.end());
        m_layer.SetAttributeFilter(nullptr);
        m_layer.ResetReading();
        for (auto& f : m_layer) {
            if (std::binary_search(m_passed_fids.begin(), m_passed_fids.end(), f->GetFID()))
                continue;
            m_out.rejects.add(RejectReason::filtered, f->GetFID(),
                              "excluded by where = \"" + m_spec.where + "\"");
        }
    }

    /// How the input was read, for run_info, and the keys that help, for failures.
    void describe() {
        IncidentRead& out = m_out;
        out.info.emplace_back("incidents_encoding", m_text.description());
        if (m_from_fields)
            out.info.emplace_back(
                "incidents_decimal",
                m_x_numeric && m_y_numeric ? "numeric fields"
                : m_commas && m_points
                    ? fmt::format("mixed: {} values with ',' and {} with '.'", m_commas, m_points)
                : m_commas ? "',' (decimal comma)"
                           : "'.'");
        for (const auto& kv : m_times.info())
            out.info.push_back(kv);
        out.time_suggestion = m_times.enabled() ? m_times.suggestion() : "";
        out.coordinate_suggestion =
            m_from_fields
                ? fmt::format("the coordinates must be numbers in {}, {}; give decimal = \",\" "
                              "for decimal commas, or the right x = \"...\", y = \"...\" "
                              "columns (fields: {})",
                              m_spec.x, m_spec.y, field_list(m_layer))
                : "check the geometry column (wkt = \"...\") or the layer";
        if (m_utc > 0)
            out.warnings.push_back(fmt::format(
                "{} times end in Z (UTC): they are kept as written, so hours and days are UTC, "
                "not local time",
                m_utc));
        if (m_coarse_outside > 0)
            out.warnings.push_back(fmt::format(
                "{} records are rejected as outside the period because their time (a month, or "
                "a band) straddles its start or end",
                m_coarse_outside));
    }

    const std::string& where() const noexcept { return m_where; }

private:
    void resolve_fields() {
        const IncidentSourceSpec& spec = m_spec;
        m_from_fields = !spec.x.empty() || !spec.y.empty();
        if (m_from_fields && (spec.x.empty() || spec.y.empty()))
            throw InputError{fmt::format("{}: give both x and y coordinate fields", m_where)};
        if (m_from_fields && !spec.wkt.empty())
            throw InputError{fmt::format("{}: give x and y, or wkt, not both", m_where)};
        if (!m_from_fields && spec.wkt.empty() && m_layer.GetGeomType() == wkbNone)
            throw InputError{fmt::format(
                "{}: has no geometry; name the coordinate columns, e.g. x = \"longitude\", "
                "y = \"latitude\", or a WKT column, wkt = \"geometry\" (fields: {})",
                m_where, field_list(m_layer))};
        m_xi = m_from_fields ? find_field(m_source, spec.x, "x") : -1;
        m_yi = m_from_fields ? find_field(m_source, spec.y, "y") : -1;
        m_wi = spec.wkt.empty() ? -1 : find_field(m_source, spec.wkt, "wkt");
        auto numeric = [&](int i) {
            if (i < 0) return false;
            const OGRFieldType t = m_layer.GetLayerDefn()->GetFieldDefn(i)->GetType();
            return t == OFTReal || t == OFTInteger || t == OFTInteger64;
        };
        m_x_numeric = numeric(m_xi);
        m_y_numeric = numeric(m_yi);
        m_ci = spec.category.empty() ? -1 : find_field(m_source, spec.category, "category");
        OGRFeatureDefn* d = m_layer.GetLayerDefn();
        for (int i = 0; i < d->GetFieldCount(); ++i)
            m_text.observe(d->GetFieldDefn(i)->GetNameRef(), 0);
    }

    void problem(Candidate& c, RejectReason r, std::string detail) {
        c.problem = static_cast<std::int32_t>(m_problems.size());
        m_problems.push_back({r, std::move(detail)});
    }

    /// A coordinate field: a number, or text read as a decimal (a comma allowed).
    bool coordinate(OGRFeature& f, int i, bool is_numeric, double& v, std::string& raw) {
        if (!f.IsFieldSetAndNotNull(i)) return false;
        if (is_numeric) {
            v = f.GetFieldAsDouble(i);
            return std::isfinite(v);
        }
        raw = f.GetFieldAsString(i); // copied: the next call reuses GDAL's buffer
        bool comma = false;
        const auto p = parse_decimal(raw, m_spec.decimal, &comma);
        if (!p) return false;
        (comma ? m_commas : m_points) += 1;
        v = *p;
        return true;
    }

    /// The values of one record as read: its time (kept by the time reader), its category,
    /// and one candidate per point (or the problem with its coordinates).
    void read_record(OGRFeature& f) {
        const std::int64_t row = f.GetFID();
        Candidate c;
        c.row = row;
        c.record = static_cast<std::uint32_t>(m_times.size());
        m_times.collect(f, row);
        if (m_ci >= 0 && f.IsFieldSetAndNotNull(m_ci)) {
            const char* label = f.GetFieldAsString(m_ci);
            if (*label) {
                c.category = m_labels.add(label);
                if (static_cast<std::size_t>(c.category) + 1 == m_labels.size())
                    m_text.observe(label, row);
            }
        }
        if (m_from_fields) {
            read_fields(f, c);
            m_cand.push_back(c);
            return;
        }
        OGRGeometryUniquePtr parsed;
        const OGRGeometry* g = nullptr;
        if (m_wi >= 0) {
            const std::string w = f.IsFieldSetAndNotNull(m_wi) ? f.GetFieldAsString(m_wi) : "";
            if (blank(w)) {
                problem(c, RejectReason::bad_coordinates, fmt::format("{} is empty", m_spec.wkt));
                m_cand.push_back(c);
                return;
            }
            if (parse_wkt_point(w, c.x, c.y)) {
                m_cand.push_back(c);
                return;
            }
            OGRGeometry* raw = nullptr;
            if (OGRGeometryFactory::createFromWkt(w.c_str(), nullptr, &raw) != OGRERR_NONE ||
                !raw) {
                problem(c, RejectReason::bad_coordinates,
                        fmt::format("{} = '{}' is not WKT", m_spec.wkt, w.substr(0, 80)));
                m_cand.push_back(c);
                return;
            }
            parsed.reset(raw);
            g = parsed.get();
        } else {
            g = f.GetGeometryRef();
        }
        read_geometry(g, c);
    }

    void read_fields(OGRFeature& f, Candidate& c) {
        std::string rx, ry;
        const bool okx = coordinate(f, m_xi, m_x_numeric, c.x, rx);
        const bool oky = coordinate(f, m_yi, m_y_numeric, c.y, ry);
        if (okx && oky) return;
        if (rx.empty() && !m_x_numeric)
            rx = f.IsFieldSetAndNotNull(m_xi) ? f.GetFieldAsString(m_xi) : "";
        if (ry.empty() && !m_y_numeric)
            ry = f.IsFieldSetAndNotNull(m_yi) ? f.GetFieldAsString(m_yi) : "";
        const bool empty = (!okx && blank(rx)) || (!oky && blank(ry));
        problem(c, RejectReason::bad_coordinates,
                fmt::format("{} = '{}', {} = '{}': {}", m_spec.x, okx ? fmt::format("{}", c.x) : rx,
                            m_spec.y, oky ? fmt::format("{}", c.y) : ry,
                            empty ? "empty" : "not a number"));
    }

    void read_geometry(const OGRGeometry* g, Candidate& c) {
        if (!g || g->IsEmpty()) {
            problem(c, RejectReason::bad_coordinates, "no geometry");
            m_cand.push_back(c);
            return;
        }
        const auto type = wkbFlatten(g->getGeometryType());
        if (type == wkbPoint) {
            const auto* p = g->toPoint();
            c.x = p->getX();
            c.y = p->getY();
            m_cand.push_back(c);
        } else if (type == wkbMultiPoint) {
            for (const OGRPoint* p : *g->toMultiPoint()) {
                Candidate part = c;
                part.x = p->getX();
                part.y = p->getY();
                m_cand.push_back(part);
            }
        } else {
            problem(c, RejectReason::bad_geometry_type,
                    fmt::format("a {}, expected a point", g->getGeometryName()));
            m_cand.push_back(c);
        }
    }

    /// The time of a candidate's record, or its rejection (missing, bad, outside the period).
    bool time_of(const Candidate& c, const std::optional<Period>& period, std::int64_t& t,
                 std::int32_t& span) {
        const TimeReader::Result r = m_times.get(c.record);
        if (r.status != TimeReader::Status::ok) {
            m_out.rejects.add(r.status == TimeReader::Status::missing ? RejectReason::missing_time
                                                                      : RejectReason::bad_time,
                              c.row, r.detail);
            return false;
        }
        t = r.value.seconds;
        span = r.value.span;
        m_utc += r.value.utc;
        if (period && !in_period(*period, t, span)) {
            const bool straddles = t + span - 1 >= period->first && t <= period->second;
            m_coarse_outside += straddles;
            m_out.rejects.add(RejectReason::outside_period, c.row,
                              fmt::format("{} = {}{}", m_times.fields(), format_iso(t),
                                          straddles ? fmt::format(" ({} precision: it straddles "
                                                                  "the period's edge)",
                                                                  precision_name(span))
                                                    : std::string{}));
            return false;
        }
        return true;
    }

    /// A candidate with a usable time: rejected for its coordinates, or accepted.
    void accept(const Candidate& c, std::int64_t t, std::int32_t span) {
        analysis::RejectLog& rej = m_out.rejects;
        if (c.problem >= 0) {
            const Problem& p = m_problems[static_cast<std::size_t>(c.problem)];
            rej.add(p.reason, c.row, p.detail);
            return;
        }
        if (c.x == 0.0 || c.y == 0.0) {
            rej.add(RejectReason::zero_coordinates, c.row,
                    fmt::format("({}, {}): a coordinate is exactly 0, the mark of a failed "
                                "geocode (null island or a projection's origin)",
                                c.x, c.y));
            return;
        }
        analysis::Incidents& inc = m_out.incidents;
        inc.x.push_back(c.x);
        inc.y.push_back(c.y);
        inc.source_x.push_back(c.x);
        inc.source_y.push_back(c.y);
        inc.time.push_back(t);
        inc.time_span.push_back(span);
        inc.category.push_back(c.category);
        inc.row.push_back(c.row);
    }

    const IncidentSourceSpec& m_spec;
    IncidentRead& m_out;
    OpenLayer m_source;
    OGRLayer& m_layer;
    std::string m_where;
    TimeReader m_times;
    TextPolicy m_text;
    bool m_from_fields = false, m_x_numeric = false, m_y_numeric = false, m_filtered = false;
    int m_xi = -1, m_yi = -1, m_wi = -1, m_ci = -1;
    std::vector<Candidate> m_cand;
    std::vector<Problem> m_problems;
    Interner m_labels;
    std::vector<std::int64_t> m_passed_fids; ///< with a where filter: to list the others
    std::int64_t m_commas = 0, m_points = 0, m_utc = 0, m_coarse_outside = 0;
};

/// Projects the accepted incidents in bulk; points PROJ cannot transform are rejected, not
/// lost; the span of the times that remain.
void project(IncidentRead& out, const OGRSpatialReference& target) {
    analysis::Incidents& inc = out.incidents;
    TransformPtr ct = make_transform(*out.srs, target);
    std::vector<std::uint8_t> ok;
    transform_points(*ct, inc.x, inc.y, ok);
    std::vector<std::uint8_t> drop(inc.size(), 0);
    for (std::size_t i = 0; i < inc.size(); ++i) {
        if (ok[i]) continue;
        drop[i] = 1;
        out.failed_x.push_back(inc.source_x[i]);
        out.failed_y.push_back(inc.source_y[i]);
        out.rejects.add(RejectReason::bad_coordinates, inc.row[i],
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
}

} // namespace

IncidentRead read_incidents(const IncidentSourceSpec& spec, const OGRSpatialReference& target,
                            const std::optional<Period>& period, const ProgressFn& progress) {
    IncidentRead out;
    {
        IncidentReading reading{spec, out};
        reading.collect(progress);
        reading.decide_and_accept(period);
        reading.list_filtered();
        out.records = static_cast<std::int64_t>(out.incidents.size()) +
                      static_cast<std::int64_t>(out.rejects.rows().size());
        if (out.records == 0)
            throw InputError{
                fmt::format("{}: has no incidents (the layer is empty)", reading.where())};
        reading.describe();
    }
    if (progress) progress(0.9);
    project(out, target);
    if (progress) progress(1.0);
    return out;
}

} // namespace vigia::io
