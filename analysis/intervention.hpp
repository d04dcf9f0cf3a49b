#pragma once
/// \file
/// Where and when a prevention programme is evaluated (docs/methods.md §19): the target,
/// buffer and control areas of its sites, which incidents (or which share of each sub-unit's
/// counts) fall in each, the before and after windows in whole months, and each site's
/// statistics from its monthly series (analysis/evaluation.hpp).

#include "analysis/evaluation.hpp"
#include "analysis/spatial_index.hpp"
#include "analysis/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigia::analysis {

struct Boundary;

/// The areas of a programme's sites, in the city's CRS.
struct SiteAreas {
    std::vector<Wkb> target, buffer; ///< per site, MultiPolygon WKB inside the boundary
    std::vector<double> target_km2, buffer_km2;
    Wkb control; ///< the control area, MultiPolygon WKB
    double control_km2 = 0;
    /// Two sites whose targets overlap, with the overlap's area.
    struct Overlap {
        std::size_t a = 0, b = 0;
        double km2 = 0;
    };
    std::vector<Overlap> overlaps;
    bool has_buffer = false;     ///< buffer_m > 0
    bool default_control = true; ///< the city less targets and buffers (no control layer)
    /// Polygon sites that were not valid and were repaired (GEOS MakeValid): site, reason.
    std::vector<std::pair<std::size_t, std::string>> repaired;
};

/// A site whose geometry cannot be used: `site` is its index.
struct SiteError : std::invalid_argument {
    std::size_t site;
    SiteError(std::size_t s, const std::string& what) : std::invalid_argument{what}, site{s} {}
};

/// Targets: a point site grown by `radius_m`, a polygon site as it is; each clipped to the
/// boundary. Buffers (when `buffer_m` > 0): the target grown by `buffer_m`, less every site's
/// target, clipped. Control: the `control` polygons (the boundary when empty), clipped to the
/// boundary, less every target and buffer. An invalid polygon site is repaired (and listed).
/// Throws SiteError for a point site when `radius_m` is not positive and for a site GEOS
/// cannot process.
SiteAreas site_areas(const std::vector<Wkb>& sites, double radius_m, double buffer_m,
                     const Boundary& boundary, const std::vector<Wkb>& control);

/// Which areas hold a point: built once, then queried read-only from any thread.
class SiteIndex {
public:
    explicit SiteIndex(const SiteAreas& areas);
    /// Calls `target(site)` for each target holding (x, y) or, when no target holds it,
    /// `buffer(site)` for each buffer; returns whether the control holds it (no target or
    /// buffer does). A point on a target's edge is in the target, never also in the buffer
    /// around it; one on the edge two targets share is in both (as in an overlap).
    template <class T, class B> bool locate(double x, double y, T&& target, B&& buffer) const {
        const BPoint p{x, y};
        bool in_target = false, in_buffer = false;
        for (auto it = m_tree.qbegin(bgi::intersects(p)); it != m_tree.qend(); ++it) {
            const std::size_t i = it->second;
            if (!bg::covered_by(p, m_shapes[i])) continue;
            if (i < m_sites) {
                in_target = true;
                target(i);
            } else {
                in_buffer = true;
            }
        }
        if (in_target) return false;
        if (in_buffer) { // the buffers, once no target holds the point (a second, rare query)
            for (auto it = m_tree.qbegin(bgi::intersects(p)); it != m_tree.qend(); ++it)
                if (it->second >= m_sites && bg::covered_by(p, m_shapes[it->second]))
                    buffer(it->second - m_sites);
            return false;
        }
        // The default control is everything else in the city (incidents are inside it).
        return m_default_control || m_control.locate(x, y) >= 0;
    }

private:
    std::size_t m_sites = 0;
    std::vector<BMultiPolygon> m_shapes; ///< targets, then buffers
    bgi::rtree<std::pair<BBox, std::size_t>, bgi::quadratic<16>> m_tree;
    bool m_default_control = true;
    PolygonIndex m_control;
};

/// Areal weighting of sub-unit counts (counts input): the share of each unit's area in each
/// site's target and buffer and in the control, so that a unit's count is apportioned by area.
struct UnitShares {
    struct Share {
        std::int32_t unit = 0;
        double share = 0;
    };
    std::vector<std::vector<Share>> target, buffer; ///< [site] → units with a share > 0
    std::vector<double> control;                    ///< [unit]
};
UnitShares unit_shares(const SiteAreas& areas, const std::vector<Wkb>& units);

/// A month as a whole number: year · 12 + month − 1.
using Month = std::int32_t;
inline Month month_of(int year, int month) noexcept {
    return year * 12 + month - 1;
}

/// Monthly counts of a programme's areas over months `first` … `first + months − 1`.
struct SiteCounts {
    Month first = 0;
    std::size_t months = 0;
    std::vector<std::vector<double>> target, buffer; ///< [site][month]
    std::vector<double> control;                     ///< [month]
    SiteCounts(std::size_t sites, Month first_month, std::size_t n_months);
    /// Column of a month; -1 outside.
    std::ptrdiff_t column(Month m) const noexcept {
        return m < first || m >= first + static_cast<Month>(months)
                   ? -1
                   : static_cast<std::ptrdiff_t>(m - first);
    }
};

/// What a site's windows are asked for and what the data allow.
struct WindowRequest {
    Month start = 0;            ///< the month the site starts in
    bool start_partial = false; ///< it starts after the month's first day: the month is left out
    std::optional<Month> end;   ///< the last whole month the site ran (optional)
    int before = 0, after = 0;  ///< months asked for; 0: equal, as long as the data allow
    Month data_first = 0, data_last = 0; ///< the data's first and last whole months
};

struct Windows {
    Month before_first = 0, before_last = -1, after_first = 0, after_last = -1;
    std::string problem; ///< empty when the windows can be used
    int before_months() const noexcept { return before_last - before_first + 1; }
    int after_months() const noexcept { return after_last - after_first + 1; }
};

/// The before window ends with the month before the start; the after window begins with the
/// start month, or the next one when the start is partial, and stops at the end or with the
/// data. Asked for one length, the other is the same; asked for none, both are as long as the
/// shorter side allows. A window the data do not cover whole is a problem (named months).
Windows choose_windows(const WindowRequest& r);

/// "2014-06".
std::string month_text(Month m);

/// A site's counts and statistics over its windows.
struct SiteEvaluation {
    BeforeAfter target, buffer, control;
    EffectSize effect;
    std::optional<Displacement> displacement; ///< with a buffer
};

/// Sums the windows of the site's series, estimates the overdispersion factor from the
/// target's and the control's monthly series (overdispersion()), and computes RES and,
/// with a buffer, WDQ and the total net effect.
SiteEvaluation evaluate_site(const SiteCounts& counts, std::size_t site, const Windows& w,
                             bool has_buffer);

} // namespace vigia::analysis
