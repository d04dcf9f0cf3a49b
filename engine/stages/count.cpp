// The count stage: incidents into cells and sub-units (points), or counts per sub-unit
// spread over the cells by area (counts input); the points outside the boundary, the
// data-quality checks, and whether the city's records got in at all (docs/methods.md §3–§4).

#include "analysis/count.hpp"
#include "analysis/quality.hpp"
#include "engine/intake.hpp"
#include "engine/stages/stages.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

namespace vigia::engine {

namespace {

/// Years covered: the manifest's period, else the data's own span (points: first day to the
/// end of the last time's interval; counts: first to last month, inclusive); 0 when unknown.
double years_covered(const AnalysisParams& a, const CityContext& o) {
    constexpr double year_s = 365.2425 * 86400;
    constexpr std::int64_t day = 86400;
    if (a.period) return static_cast<double>(a.period->second - a.period->first + 1) / year_s;
    if (o.points && o.points->time_min != analysis::kNoTime) {
        const std::int64_t first = o.points->time_min - ((o.points->time_min % day) + day) % day;
        const std::int64_t end = o.points->time_end;
        const std::int64_t last = end + ((day - (end % day)) % day + day) % day;
        if (o.points->time_max <= o.points->time_min && end - o.points->time_min <= day)
            return 0.0; // a single day: no rate per year
        return static_cast<double>(last - first) / year_s;
    }
    if (o.counts && o.counts->time_min != analysis::kNoTime)
        return static_cast<double>(o.counts->time_end - o.counts->time_min) / year_s;
    return 0.0;
}

std::vector<double> per_year(std::vector<double> v, double years) {
    for (double& x : v)
        x /= years;
    return v;
}

class CountStage final : public Stage {
public:
    std::string_view name() const noexcept override { return "count"; }
    std::vector<std::string_view> needs() const override { return {"read"}; }
    bool shows_progress() const noexcept override { return false; }

    void run(CityContext& ctx, Progress&) const override {
        if (ctx.points)
            count_points(ctx);
        else
            count_areas(ctx);
        ctx.years = years_covered(ctx.manifest->analysis, ctx);
    }

    void emit(const CityContext& ctx, LayerSink& sink) const override {
        sink.column("grid", {"count", ctx.cell_counts});
        sink.column("grid", {"density_km2", analysis::density(ctx.cell_counts, ctx.grid.area_km2)});
        if (ctx.years > 0)
            sink.column("grid", {"density_km2_year",
                                 per_year(analysis::density(ctx.cell_counts, ctx.grid.area_km2),
                                          ctx.years)});
        sink.column("units", {"count", ctx.unit_counts});
        sink.column("units",
                    {"density_km2", analysis::density(ctx.unit_counts, ctx.unit_area_km2)});
        if (ctx.years > 0)
            sink.column("units", {"density_km2_year",
                                  per_year(analysis::density(ctx.unit_counts, ctx.unit_area_km2),
                                           ctx.years)});
    }

private:
    static void count_points(CityContext& ctx) {
        const CityConfig& city = *ctx.city;
        io::IncidentRead& read = *ctx.points;
        analysis::Assignment a =
            analysis::assign_points(ctx.grid, *ctx.unit_index, read.incidents.x, read.incidents.y);
        if (auto w = check_outside(*city.incidents, read, ctx.grid, a, *ctx.target, city.name,
                                   city.max_outside_share))
            ctx.warnings.push_back(*w);
        std::vector<std::uint8_t> outside(a.cell.size(), 0);
        for (std::size_t i = 0; i < a.cell.size(); ++i) {
            if (a.cell[i] >= 0) continue;
            outside[i] = 1;
            read.rejects.add(
                analysis::RejectReason::outside_boundary, read.incidents.row[i],
                fmt::format("({}, {})", read.incidents.source_x[i], read.incidents.source_y[i]));
        }
        read.incidents.remove_if_flagged(outside);
        auto keep = [&](std::vector<std::int32_t>& v) {
            std::size_t o = 0;
            for (std::size_t i = 0; i < v.size(); ++i)
                if (!outside[i]) v[o++] = v[i];
            v.resize(o);
        };
        keep(a.cell);
        keep(a.unit);
        {
            const io::IncidentSourceSpec& s = *city.incidents;
            IntakeSource src;
            src.where = fmt::format("{} layer '{}'", s.path, read.layer);
            src.time_field = s.time.describe();
            src.location_field = !s.x.empty()     ? fmt::format("{}, {}", s.x, s.y)
                                 : !s.wkt.empty() ? s.wkt
                                                  : "the geometry";
            src.time_suggestion = read.time_suggestion;
            src.location_suggestion = read.coordinate_suggestion;
            src.max_rejected_share = city.max_rejected_share;
            check_rejections(src, read.rejects, static_cast<double>(read.records),
                             static_cast<double>(read.incidents.size()));
        }
        ctx.cell_counts = analysis::tally(a.cell, ctx.grid.size());
        ctx.unit_counts = analysis::tally(a.unit, ctx.units.size());

        ctx.quality = analysis::check_quality(read.incidents);
        const auto& q = *ctx.quality;
        if (!q.piles.empty())
            ctx.warnings.push_back(fmt::format(
                "{} coordinates hold {} or more incidents each ({} incidents in all; the largest "
                "pile, {} at ({}, {}), suggests geocoding to a centroid or a station)",
                q.piles.size(), q.pile_threshold, q.incidents_in_piles, q.piles[0].count,
                q.piles[0].x, q.piles[0].y));
        if (q.duplicates > 0)
            ctx.warnings.push_back(fmt::format(
                "{} records repeat an earlier one's coordinates, time and category (kept; "
                "check for double entry)",
                q.duplicates));
        if (a.without_unit > 0)
            ctx.warnings.push_back(fmt::format(
                "{} incidents inside the boundary fall in no sub-unit (gaps between polygons)",
                a.without_unit));
        ctx.assignment = std::move(a);
    }

    static void count_areas(CityContext& ctx) {
        const io::CountsRead& read = *ctx.counts;
        ctx.unit_counts = analysis::tally(read.counts.unit, ctx.units.size(), read.counts.count);
        ctx.overlaps = analysis::cell_unit_overlaps(ctx.grid, ctx.units, *ctx.unit_index);
        ctx.cell_counts =
            analysis::apportion_to_cells(ctx.overlaps, ctx.unit_area_km2, ctx.unit_counts);
        if (!read.shared_keys.empty())
            ctx.warnings.push_back(fmt::format(
                "{} keys name several sub-unit polygons (e.g. '{}', {} polygons): their counts are "
                "shared among them by area",
                read.shared_keys.size(), read.shared_keys[0].first, read.shared_keys[0].second));
        if (!read.unknown_keys.empty()) {
            std::string list;
            for (std::size_t i = 0; i < read.unknown_keys.size() && i < 5; ++i)
                list += fmt::format("{}{} ({})", i ? ", " : "",
                                    read.unknown_keys[i].first.empty()
                                        ? std::string{"an empty key"}
                                        : "'" + read.unknown_keys[i].first + "'",
                                    read.unknown_keys[i].second);
            ctx.warnings.push_back(fmt::format("{} keys match no sub-unit: {}{}",
                                               read.unknown_keys.size(), list,
                                               read.unknown_keys.size() > 5 ? ", ..." : ""));
        }
    }
};

} // namespace

const Stage& stages::count() {
    static const CountStage s;
    return s;
}

} // namespace vigia::engine
