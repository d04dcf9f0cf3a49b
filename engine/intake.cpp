#include "engine/intake.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "io/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

namespace vigia::engine {

using analysis::RejectReason;

namespace {

/// The analyst's own selection: not a sign that the data were misread.
bool selection(RejectReason r) {
    return r == RejectReason::filtered || r == RejectReason::outside_period ||
           r == RejectReason::outside_boundary;
}

std::string examples(const analysis::RejectLog& rejects, RejectReason reason) {
    std::string out;
    int n = 0;
    for (const analysis::Rejection& r : rejects.rows()) {
        if (r.reason != reason) continue;
        out += fmt::format("{}row {}: {}", n ? "; " : "", r.row,
                           io::valid_utf8(r.detail) ? r.detail : io::cp1252_to_utf8(r.detail));
        if (++n == 3) break;
    }
    return out;
}

std::string field_of(const IntakeSource& s, RejectReason r) {
    switch (r) {
    case RejectReason::bad_time:
    case RejectReason::missing_time:
    case RejectReason::outside_period:
        return s.time_field.empty() ? "time" : s.time_field;
    case RejectReason::filtered:
        return "where";
    default:
        return s.location_field;
    }
}

std::string advice(const IntakeSource& s, RejectReason r) {
    switch (r) {
    case RejectReason::bad_time:
        return s.time_suggestion;
    case RejectReason::missing_time:
        return fmt::format("the field is empty in these records; check that time names the "
                           "right field ({})",
                           s.time_field);
    case RejectReason::bad_coordinates:
    case RejectReason::bad_geometry_type:
    case RejectReason::unknown_unit:
        return s.location_suggestion;
    case RejectReason::zero_coordinates:
        return "these records were never geocoded (a coordinate is 0); check the x and y "
               "columns";
    case RejectReason::outside_period:
        return "check [analysis] period against the span of the data (vigia info shows it)";
    case RejectReason::filtered:
        return "check the where filter";
    case RejectReason::outside_boundary:
        return "check the boundary and the incidents' CRS";
    }
    return {};
}

} // namespace

void check_rejections(const IntakeSource& source, const analysis::RejectLog& rejects,
                      double records, double accepted) {
    if (records <= 0) return;
    auto fail = [&](RejectReason reason, const std::string& head) {
        const double n = rejects.count(reason);
        throw InputError{fmt::format(
            "{}: {}; {:g} of {:g} records ({:.0f}%) are rejected as {} in field '{}', e.g. {}; "
            "{}{}",
            source.where, head, n, records, 100.0 * n / records, to_string(reason),
            field_of(source, reason), examples(rejects, reason), advice(source, reason),
            selection(reason) ? ""
                              : fmt::format(" (max_rejected_share = {} relaxes this check)",
                                            source.max_rejected_share))};
    };
    RejectReason worst = RejectReason::filtered;
    double worst_n = -1;
    for (std::size_t k = 0; k < analysis::kRejectReasonCount; ++k) {
        const auto r = static_cast<RejectReason>(k);
        if (rejects.count(r) > worst_n) {
            worst_n = rejects.count(r);
            worst = r;
        }
    }
    if (accepted <= 0) fail(worst, "no incident is counted");
    for (std::size_t k = 0; k < analysis::kRejectReasonCount; ++k) {
        const auto r = static_cast<RejectReason>(k);
        if (selection(r)) continue;
        if (rejects.count(r) > source.max_rejected_share * records)
            fail(r, fmt::format("more than {:g}% of the records are lost to one reason",
                                100 * source.max_rejected_share));
    }
}

std::optional<std::string> check_outside(const io::IncidentSourceSpec& spec,
                                         const io::IncidentRead& read, const analysis::Grid& grid,
                                         const analysis::Assignment& a,
                                         const OGRSpatialReference& target, const std::string& city,
                                         double max_outside_share) {
    const std::size_t failed = read.failed_x.size();
    const std::size_t n = a.cell.size() + failed;
    const std::size_t outside = a.outside + failed;
    if (n == 0 || outside == 0) return std::nullopt;
    const std::size_t inside = n - outside;
    const double share = static_cast<double>(outside) / static_cast<double>(n);
    const std::string head =
        fmt::format("{} layer '{}': {} of {} incidents ({:.0f}%) fall outside the boundary of {}{}",
                    spec.path, read.layer, outside, n, 100.0 * share, city,
                    failed ? fmt::format(" ({} cannot even be placed in its CRS)", failed) : "");
    if (outside * 2 > n) {
        // Swap every point's source coordinates and see where they land.
        std::vector<double> sx = read.incidents.source_y, sy = read.incidents.source_x;
        sx.insert(sx.end(), read.failed_y.begin(), read.failed_y.end());
        sy.insert(sy.end(), read.failed_x.begin(), read.failed_x.end());
        std::size_t inside_swapped = 0;
        auto ct = io::make_transform(*read.srs, target);
        std::vector<std::uint8_t> ok;
        io::transform_points(*ct, sx, sy, ok);
        for (std::size_t i = 0; i < n; ++i) {
            if (!ok[i]) continue;
            const std::int32_t c = grid.cell_at(sx[i], sy[i]);
            if (c >= 0 && grid.covers(c, sx[i], sy[i])) ++inside_swapped;
        }
        if (inside_swapped * 2 > n && inside_swapped > inside)
            throw InputError{fmt::format(
                "{}; with x and y swapped {} would fall inside: longitude and latitude look "
                "swapped (try x = \"{}\", y = \"{}\")",
                head, inside_swapped, spec.y.empty() ? "y" : spec.y,
                spec.x.empty() ? "x" : spec.x)};
    }
    if (inside == 0) {
        // Where the points are, against where the city is: a wrong CRS shows as distance.
        double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
        for (std::size_t i = 0; i < read.incidents.size(); ++i) {
            x0 = std::min(x0, read.incidents.x[i]);
            x1 = std::max(x1, read.incidents.x[i]);
            y0 = std::min(y0, read.incidents.y[i]);
            y1 = std::max(y1, read.incidents.y[i]);
        }
        std::array<double, 4> e{0, 0, 0, 0}; // the grid's cell centres: min x, min y, max x, max y
        if (!grid.cx.empty()) {
            e = {*std::min_element(grid.cx.begin(), grid.cx.end()),
                 *std::min_element(grid.cy.begin(), grid.cy.end()),
                 *std::max_element(grid.cx.begin(), grid.cx.end()),
                 *std::max_element(grid.cy.begin(), grid.cy.end())};
        }
        const bool overlap =
            !read.incidents.x.empty() && x0 <= e[2] && x1 >= e[0] && y0 <= e[3] && y1 >= e[1];
        throw InputError{fmt::format(
            "{}; none falls inside{}: check the incidents' CRS ({}{}) and the boundary", head,
            read.incidents.x.empty()
                ? std::string{}
                : fmt::format(" (the points span x {:.0f} to {:.0f}, y {:.0f} to {:.0f} in {}; "
                              "the boundary x {:.0f} to {:.0f}, y {:.0f} to {:.0f}{})",
                              x0, x1, y0, y1, io::srs_label(target), e[0], e[2], e[1], e[3],
                              overlap ? "" : ": they do not overlap"),
            io::srs_label(*read.srs),
            spec.crs.empty() ? ", from the file" : ", from the manifest")};
    }
    if (share > max_outside_share)
        throw InputError{fmt::format(
            "{}, more than max_outside_share = {}; narrow the records with where = \"...\", or "
            "raise max_outside_share",
            head, max_outside_share)};
    if (share <= 0.05) return std::nullopt;
    return fmt::format("{:.0f}% of the incidents ({} of {}) fall outside the boundary of {} and "
                       "are not counted (an extract wider than the city?); they are listed in "
                       "rejected as outside_boundary",
                       100.0 * share, outside, n, city);
}

} // namespace vigia::engine
