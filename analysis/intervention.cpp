#include "analysis/intervention.hpp"

#include "analysis/geos.hpp"
#include "analysis/grid.hpp"
#include "analysis/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace vigia::analysis {

namespace {

GeomPtr clip_valid(const GeosContext& c, GeomPtr g) {
    Repair unused;
    return make_valid_polygonal(c, std::move(g), unused);
}

GeomPtr difference(const GeosContext& c, const GEOSGeometry* a, const GEOSGeometry* b,
                   std::string_view op) {
    return clip_valid(c, own(c, GEOSDifference_r(c.get(), a, b), op));
}

GeomPtr intersection(const GeosContext& c, const GEOSGeometry* a, const GEOSGeometry* b,
                     std::string_view op) {
    return clip_valid(c, own(c, GEOSIntersection_r(c.get(), a, b), op));
}

} // namespace

SiteAreas site_areas(const std::vector<Wkb>& sites, double radius_m, double buffer_m,
                     const Boundary& boundary, const std::vector<Wkb>& control) {
    GeosContext c;
    SiteAreas out;
    out.has_buffer = buffer_m > 0;
    out.default_control = control.empty();
    GeomPtr city = from_wkb(c, boundary.wkb);
    std::vector<GeomPtr> targets;
    std::vector<Wkb> target_wkb;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        try {
            GeomPtr g = from_wkb(c, sites[i]);
            const int type = GEOSGeomTypeId_r(c.get(), g.get());
            if (type == GEOS_POINT || type == GEOS_MULTIPOINT) {
                if (!(radius_m > 0))
                    throw std::invalid_argument{
                        "a point site needs radius_m > 0 (its target area)"};
                g = own(c, GEOSBuffer_r(c.get(), g.get(), radius_m, 32), "buffering a site");
            } else {
                Repair repair;
                g = make_valid_polygonal(c, std::move(g), repair);
                if (!repair.was_valid) out.repaired.emplace_back(i, repair.reason);
            }
            GeomPtr t = intersection(c, g.get(), city.get(), "clipping a site's target");
            out.target_km2.push_back(area(c, t.get()) * 1e-6);
            target_wkb.push_back(to_wkb(c, t.get()));
            targets.push_back(std::move(t));
        } catch (const std::exception& e) {
            throw SiteError{i, e.what()};
        }
    }
    for (std::size_t a = 0; a < targets.size(); ++a)
        for (std::size_t b = a + 1; b < targets.size(); ++b) {
            if (GEOSIntersects_r(c.get(), targets[a].get(), targets[b].get()) != 1) continue;
            GeomPtr both =
                intersection(c, targets[a].get(), targets[b].get(), "overlapping targets");
            const double km2 = area(c, both.get()) * 1e-6;
            if (km2 > 0) out.overlaps.push_back({a, b, km2});
        }
    GeomPtr all_targets = union_polygons(c, target_wkb);
    std::vector<Wkb> zones = target_wkb;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (!out.has_buffer) {
            out.buffer.push_back(to_wkb(c, union_polygons(c, {}).get()));
            out.buffer_km2.push_back(0);
            continue;
        }
        GeomPtr ring;
        try {
            GeomPtr grown =
                own(c, GEOSBuffer_r(c.get(), targets[i].get(), buffer_m, 32), "buffering a target");
            ring = difference(c, grown.get(), all_targets.get(), "a site's buffer");
            ring = intersection(c, ring.get(), city.get(), "clipping a site's buffer");
        } catch (const std::exception& e) {
            throw SiteError{i, e.what()};
        }
        out.buffer_km2.push_back(area(c, ring.get()) * 1e-6);
        out.buffer.push_back(to_wkb(c, ring.get()));
        zones.push_back(out.buffer.back());
    }
    out.target = std::move(target_wkb);
    GeomPtr base = control.empty() ? from_wkb(c, boundary.wkb)
                                   : intersection(c, union_polygons(c, control).get(), city.get(),
                                                  "clipping the control area");
    GeomPtr rest = difference(c, base.get(), union_polygons(c, zones).get(), "the control area");
    out.control_km2 = area(c, rest.get()) * 1e-6;
    out.control = to_wkb(c, rest.get());
    return out;
}

SiteIndex::SiteIndex(const SiteAreas& areas)
    : m_sites{areas.target.size()}, m_default_control{areas.default_control} {
    GeosContext c;
    std::vector<std::pair<BBox, std::size_t>> boxes;
    auto add = [&](const Wkb& w) {
        GeomPtr g = from_wkb(c, w);
        m_shapes.push_back(to_boost(c, g.get()));
        if (!m_shapes.back().empty())
            boxes.emplace_back(bg::return_envelope<BBox>(m_shapes.back()), m_shapes.size() - 1);
    };
    for (const Wkb& w : areas.target)
        add(w);
    for (const Wkb& w : areas.buffer)
        add(w);
    m_tree = decltype(m_tree)(boxes.begin(), boxes.end());
    if (!m_default_control) {
        GeomPtr g = from_wkb(c, areas.control);
        m_control = PolygonIndex{{to_boost(c, g.get())}};
    }
}

UnitShares unit_shares(const SiteAreas& areas, const std::vector<Wkb>& units) {
    const std::size_t n = areas.target.size();
    UnitShares out;
    out.target.resize(n);
    out.buffer.resize(n);
    out.control.assign(units.size(), 0.0);
    // Each unit against every zone whose envelope meets its own: few zones, many units, so
    // the units are shared among the threads (one GEOS context each) and merged in order.
    struct Piece {
        std::vector<std::pair<std::size_t, double>> target, buffer; ///< (site, share)
        double control = 0;
    };
    std::vector<Piece> pieces(units.size());
    parallel_chunks(units.size(), [&](unsigned, std::size_t begin, std::size_t end) {
        GeosContext c;
        std::vector<GeomPtr> zones;
        for (const Wkb& w : areas.target)
            zones.push_back(from_wkb(c, w));
        for (const Wkb& w : areas.buffer)
            zones.push_back(from_wkb(c, w));
        GeomPtr control = from_wkb(c, areas.control);
        PreparedPtr control_prepared = prepare(c, control.get());
        for (std::size_t u = begin; u < end; ++u) {
            GeomPtr unit = from_wkb(c, units[u]);
            const double whole = area(c, unit.get());
            if (!(whole > 0)) continue;
            auto share = [&](const GEOSGeometry* zone) {
                if (GEOSIntersects_r(c.get(), zone, unit.get()) != 1) return 0.0;
                GeomPtr part = intersection(c, zone, unit.get(), "apportioning a sub-unit");
                return std::min(1.0, area(c, part.get()) / whole);
            };
            for (std::size_t z = 0; z < zones.size(); ++z) {
                const double s = share(zones[z].get());
                if (s <= 0) continue;
                (z < n ? pieces[u].target : pieces[u].buffer).emplace_back(z < n ? z : z - n, s);
            }
            if (GEOSPreparedContains_r(c.get(), control_prepared.get(), unit.get()) == 1)
                pieces[u].control = 1;
            else
                pieces[u].control = share(control.get());
        }
    });
    for (std::size_t u = 0; u < units.size(); ++u) {
        for (const auto& [site, s] : pieces[u].target)
            out.target[site].push_back({static_cast<std::int32_t>(u), s});
        for (const auto& [site, s] : pieces[u].buffer)
            out.buffer[site].push_back({static_cast<std::int32_t>(u), s});
        out.control[u] = pieces[u].control;
    }
    return out;
}

SiteCounts::SiteCounts(std::size_t sites, Month first_month, std::size_t n_months)
    : first{first_month}, months{n_months}, target(sites, std::vector<double>(n_months, 0.0)),
      buffer(sites, std::vector<double>(n_months, 0.0)), control(n_months, 0.0) {}

std::string month_text(Month m) {
    const int year = m >= 0 ? m / 12 : (m - 11) / 12;
    return fmt::format("{:04}-{:02}", year, m - year * 12 + 1);
}

Windows choose_windows(const WindowRequest& r) {
    Windows w;
    w.before_last = r.start - 1;
    w.after_first = r.start + (r.start_partial ? 1 : 0);
    Month limit = r.data_last;
    if (r.end) limit = std::min(limit, *r.end);
    const int can_before = std::max(0, w.before_last - r.data_first + 1);
    const int can_after = std::max(0, limit - w.after_first + 1);
    int before = r.before, after = r.after;
    if (before == 0 && after == 0) before = after = std::min(can_before, can_after);
    if (before == 0) before = after;
    if (after == 0) after = before;
    w.before_first = w.before_last - before + 1;
    w.after_last = w.after_first + after - 1;
    const std::string data = fmt::format("the data's whole months are {} … {}",
                                         month_text(r.data_first), month_text(r.data_last));
    if (can_before == 0)
        w.problem = fmt::format("no whole month of data before the start ({}; {})",
                                month_text(r.start), data);
    else if (can_after == 0)
        w.problem = r.end && *r.end < w.after_first
                        ? fmt::format("the site ended before a whole month after its start "
                                      "(start {}, last whole month {})",
                                      month_text(r.start), month_text(*r.end))
                        : fmt::format("no whole month of data after the start ({}; {})",
                                      month_text(r.start), data);
    else if (before > can_before)
        w.problem = fmt::format("the before window needs {} months ({} … {}), but {}", before,
                                month_text(w.before_first), month_text(w.before_last), data);
    else if (after > can_after)
        w.problem = fmt::format("the after window needs {} months ({} … {}), but {}{}", after,
                                month_text(w.after_first), month_text(w.after_last), data,
                                r.end && *r.end < r.data_last
                                    ? fmt::format(" and the site ran until {}", month_text(*r.end))
                                    : std::string{});
    return w;
}

SiteEvaluation evaluate_site(const SiteCounts& counts, std::size_t site, const Windows& w,
                             bool has_buffer) {
    SiteEvaluation e;
    std::vector<std::vector<double>> before(2), after(2);
    auto window = [&](const std::vector<double>& series, Month first, Month last,
                      std::vector<double>* months) {
        double sum = 0;
        for (Month m = first; m <= last; ++m) {
            const std::ptrdiff_t col = counts.column(m);
            const double v = col < 0 ? 0.0 : series[static_cast<std::size_t>(col)];
            sum += v;
            if (months) months->push_back(v);
        }
        return sum;
    };
    const auto& t = counts.target[site];
    const auto& b = counts.buffer[site];
    e.target = {window(t, w.before_first, w.before_last, &before[0]),
                window(t, w.after_first, w.after_last, &after[0])};
    e.control = {window(counts.control, w.before_first, w.before_last, &before[1]),
                 window(counts.control, w.after_first, w.after_last, &after[1])};
    e.buffer = {window(b, w.before_first, w.before_last, nullptr),
                window(b, w.after_first, w.after_last, nullptr)};
    e.effect = relative_effect_size(e.target, e.control, overdispersion(before, after));
    if (has_buffer) e.displacement = displacement(e.target, e.buffer, e.control);
    return e;
}

} // namespace vigia::analysis
