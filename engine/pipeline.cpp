#include "engine/pipeline.hpp"

#include "analysis/count.hpp"
#include "analysis/error.hpp"
#include "analysis/grid.hpp"
#include "analysis/quality.hpp"
#include "analysis/rates.hpp"
#include "analysis/repair.hpp"
#include "analysis/utm.hpp"
#include "engine/city_output.hpp"
#include "engine/iccs.hpp"
#include "engine/intake.hpp"
#include "engine/maps.hpp"
#include "engine/time_stage.hpp"
#include "io/counts_reader.hpp"
#include "io/feature_reader.hpp"
#include "io/gpkg_writer.hpp"
#include "io/incident_reader.hpp"
#include "io/raster.hpp"
#include "io/time_parse.hpp"
#include "io/vector_reader.hpp"

#include <fmt/format.h>

#include <chrono>
#include <limits>
#include <map>
#include <numeric>
#include <unistd.h>

namespace vigia::engine {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// The city's local metric CRS: the manifest's, or the UTM zone of the boundary's centroid.
std::unique_ptr<OGRSpatialReference>
choose_crs(const AnalysisParams& a, const io::PolygonSource& boundary, std::string& label) {
    std::string text = a.crs;
    if (text == "auto") {
        const auto ll = boundary.centroid_lonlat();
        text = fmt::format("EPSG:{}", analysis::utm_epsg(ll[0], ll[1]));
    }
    auto srs = io::make_srs(text, "[analysis] crs");
    if (!srs->IsProjected() || srs->GetLinearUnits() != 1.0)
        throw ManifestError{fmt::format("[analysis] crs = \"{}\" is not a projected CRS in metres; "
                                        "use \"auto\" or e.g. \"EPSG:32614\"",
                                        a.crs)};
    label = io::srs_label(*srs);
    return srs;
}

/// Years covered: the manifest's period, else the data's own span (points: first to last
/// time; counts: first to last month, inclusive); 0 when unknown.
double years_covered(const AnalysisParams& a, const CityOutput& o) {
    constexpr double year_s = 365.2425 * 86400;
    constexpr std::int64_t day = 86400;
    if (a.period) return static_cast<double>(a.period->second - a.period->first + 1) / year_s;
    if (o.points && o.points->time_min != analysis::kNoTime) {
        // Whole days, from the first day to the end of the last time's interval (a month
        // record covers its month).
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

/// Maps the city's offence labels to ICCS codes; every unmapped label is kept with its count.
void map_categories(const CityConfig& city, CityOutput& out, std::vector<std::string>& warnings) {
    const auto map = io::read_category_map(city.categories);
    std::map<std::string, std::string> code(map.begin(), map.end());
    const std::vector<std::string>& labels =
        out.points ? out.points->incidents.categories : out.counts->counts.categories;
    std::vector<double> per_label(labels.size(), 0.0);
    double no_label = 0;
    if (out.points) {
        for (std::int32_t c : out.points->incidents.category)
            (c >= 0 ? per_label[c] : no_label) += 1;
    } else {
        const auto& ac = out.counts->counts;
        for (std::size_t r = 0; r < ac.size(); ++r)
            (ac.category[r] >= 0 ? per_label[ac.category[r]] : no_label) += ac.count[r];
    }
    out.iccs_of_category.clear();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto it = code.find(labels[i]);
        out.iccs_of_category.push_back(it == code.end() ? "" : it->second);
        if (it == code.end()) out.unmapped.emplace_back(labels[i], per_label[i]);
    }
    if (no_label > 0) out.unmapped.emplace_back("(no category)", no_label);
    std::stable_sort(out.unmapped.begin(), out.unmapped.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (!out.unmapped.empty()) {
        double total = 0;
        std::string list;
        for (std::size_t i = 0; i < out.unmapped.size(); ++i) {
            total += out.unmapped[i].second;
            if (i < 3)
                list += fmt::format("{}'{}' ({})", i ? ", " : "", out.unmapped[i].first,
                                    out.unmapped[i].second);
        }
        warnings.push_back(fmt::format("{} categories ({} incidents) are not in {}: {}{} (table "
                                       "unmapped_categories)",
                                       out.unmapped.size(), total, city.categories, list,
                                       out.unmapped.size() > 3 ? ", ..." : ""));
    }
}

/// Counts per cell in the train and test periods (hot-spot stability).
struct Periods {
    bool valid = false;
    io::Period train{}, test{};
    std::vector<double> train_counts, test_counts;
};

/// `keep` (null: all) selects the incidents (points) or count rows (counts) to take in.
Periods split_periods(const AnalysisParams& a, const CityOutput& o,
                      const std::vector<double>& unit_area,
                      const std::vector<std::uint8_t>* keep = nullptr) {
    Periods p;
    std::int64_t lo = analysis::kNoTime, hi = analysis::kNoTime;
    if (o.points) {
        lo = o.points->time_min;
        hi = o.points->time_max;
    } else if (o.counts && o.counts->time_min != analysis::kNoTime) {
        lo = o.counts->time_min;
        hi = o.counts->time_max;
    }
    if (lo == analysis::kNoTime || hi <= lo) return p;
    if (a.train) {
        p.train = *a.train;
        p.test = *a.test;
    } else {
        // Halves in whole days: the test period starts at the midnight nearest the middle
        // (at the first of the nearest month when some points are known only to the month).
        const std::int64_t day = 86400;
        std::int64_t first_test_day = (lo + (hi - lo) / 2 + day / 2) / day * day;
        const auto& spans = o.points ? o.points->incidents.time_span : std::vector<std::int32_t>{};
        if (std::any_of(spans.begin(), spans.end(), [](std::int32_t v) { return v > 86400; })) {
            const io::CivilTime m = io::from_seconds(first_test_day + 15 * day);
            first_test_day = io::to_seconds({m.year, m.month, 1, 0, 0, 0});
        }
        p.train = {lo, first_test_day - 1};
        p.test = {first_test_day, o.points ? std::max(hi, o.points->time_end - 1) : hi};
    }
    auto in = [](const io::Period& q, std::int64_t t) { return t >= q.first && t <= q.second; };
    const std::size_t n = o.grid.size();
    p.train_counts.assign(n, 0.0);
    p.test_counts.assign(n, 0.0);
    if (o.points) {
        const auto& time = o.points->incidents.time;
        const auto& span = o.points->incidents.time_span;
        for (std::size_t i = 0; i < time.size(); ++i) {
            const std::int32_t c = o.assignment->cell[i];
            if (c < 0 || time[i] == analysis::kNoTime || (keep && !(*keep)[i])) continue;
            if (io::in_period(p.train, time[i], span[i])) p.train_counts[c] += 1;
            if (io::in_period(p.test, time[i], span[i])) p.test_counts[c] += 1;
        }
    } else {
        const analysis::AreaCounts& ac = o.counts->counts;
        std::vector<double> train_units(o.units.size(), 0.0), test_units(o.units.size(), 0.0);
        for (std::size_t r = 0; r < ac.size(); ++r) {
            if (keep && !(*keep)[r]) continue;
            const std::int64_t t =
                io::to_seconds({ac.year[r], ac.month[r] ? ac.month[r] : 1, 1, 0, 0, 0});
            if (in(p.train, t)) train_units[ac.unit[r]] += ac.count[r];
            if (in(p.test, t)) test_units[ac.unit[r]] += ac.count[r];
        }
        p.train_counts = analysis::apportion_to_cells(o.overlaps, unit_area, train_units);
        p.test_counts = analysis::apportion_to_cells(o.overlaps, unit_area, test_units);
    }
    p.valid = true;
    return p;
}

/// The numbers cities are compared on, for all incidents and for each category: the hot-spot
/// stage's statistics, residents and rates, and (all incidents only) coverage shares.
std::vector<CityStat> comparable_metrics(const CityOutput& o) {
    std::vector<CityStat> m;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto add_rates = [&](const std::vector<CityStat>& stats, const std::vector<double>& cells,
                         const std::string& category) {
        const std::size_t first = m.size();
        m.insert(m.end(), stats.begin(), stats.end());
        const double incidents = std::accumulate(cells.begin(), cells.end(), 0.0);
        if (o.coverage && o.coverage->population) {
            const double residents = std::accumulate(o.coverage->population->cells.begin(),
                                                     o.coverage->population->cells.end(), 0.0);
            m.push_back({"residents", residents, "people",
                         "residents inside the boundary (areal weighting)"});
            m.push_back({"incidents_per_100k", residents > 0 ? incidents / residents * 1e5 : nan,
                         "per 100,000", "incidents per 100,000 residents over the period"});
            if (o.years > 0)
                m.push_back({"incidents_per_100k_per_year",
                             residents > 0 ? incidents / residents * 1e5 / o.years : nan,
                             "per 100,000 per year", "incidents per 100,000 residents per year"});
        }
        for (std::size_t i = first; i < m.size(); ++i)
            m[i].category = category;
    };
    add_rates(o.hotspots->stats, o.cell_counts, "all");
    if (o.time)
        for (CityStat s : o.time->stats) {
            s.category = "all";
            m.push_back(std::move(s));
        }
    if (o.clock) {
        const double n = o.clock->with_time + o.clock->without_time + o.clock->without_day;
        m.push_back({"time_missing_share", n > 0 ? o.clock->without_time / n : nan, "share",
                     "incidents without a time"});
        m.push_back({"time_midnight_share", n > 0 ? o.clock->exact_midnight / n : nan, "share",
                     "incidents at exactly 00:00:00 (often a date without a time of day)"});
        m.push_back({"time_no_hour_share", n > 0 ? o.clock->without_hour / n : nan, "share",
                     "incidents whose day is known but not their hour (a date alone, a band of "
                     "hours)"});
        m.push_back({"time_month_only_share", n > 0 ? o.clock->without_day / n : nan, "share",
                     "incidents known only to the month (left out of the crime clock, weekly "
                     "cubes and the near-repeat test)"});
    }
    if (o.coverage)
        for (const KindCoverage& k : o.coverage->kinds) {
            const std::string p = "coverage_" + k.config->kind + "_";
            m.push_back({p + "incident_share", k.incident_share, "share",
                         fmt::format("incidents within {} m of a '{}' facility", k.config->radius_m,
                                     k.config->kind)});
            m.push_back({p + "hotspot_incident_share", k.hot_incident_share, "share",
                         "hot-spot incidents within reach"});
            m.push_back(
                {p + "population_share", k.population_share, "share", "residents within reach"});
            m.push_back(
                {p + "dist_median_m", k.distance.median, "m", "median distance of incidents"});
        }
    for (const auto& c : o.by_category)
        add_rates(c.hotspots.stats, c.cell_counts, c.code);
    return m;
}

/// The hot-spot stage on the incidents of one harmonised category (its code and those below
/// it): the same grid, weights and parameters as for all incidents, without kernel density.
CityOutput::Category category_run(const Manifest& manifest, const CityOutput& o,
                                  const std::string& code, const std::vector<double>& unit_area,
                                  const HotspotInput& all) {
    CityOutput::Category c;
    c.code = code;
    c.name = iccs_name(code, manifest.analysis.language);
    auto within = [&](std::int32_t label) {
        return label >= 0 && iccs_within(o.iccs_of_category[label], code);
    };
    std::vector<std::uint8_t> keep;
    std::vector<double> x, y;
    if (o.points) {
        const analysis::Incidents& inc = o.points->incidents;
        keep.resize(inc.size());
        std::vector<std::int32_t> cells, units;
        for (std::size_t i = 0; i < inc.size(); ++i) {
            keep[i] = within(inc.category[i]);
            if (!keep[i]) continue;
            cells.push_back(o.assignment->cell[i]);
            units.push_back(o.assignment->unit[i]);
            x.push_back(inc.x[i]);
            y.push_back(inc.y[i]);
        }
        c.cell_counts = analysis::tally(cells, o.grid.size());
        c.unit_counts = analysis::tally(units, o.units.size());
    } else {
        const analysis::AreaCounts& ac = o.counts->counts;
        keep.resize(ac.size());
        c.unit_counts.assign(o.units.size(), 0.0);
        for (std::size_t r = 0; r < ac.size(); ++r) {
            keep[r] = within(ac.category[r]);
            if (keep[r]) c.unit_counts[ac.unit[r]] += ac.count[r];
        }
        c.cell_counts = analysis::apportion_to_cells(o.overlaps, unit_area, c.unit_counts);
    }
    HotspotInput in = all;
    in.cell_counts = &c.cell_counts;
    in.unit_counts = &c.unit_counts;
    in.kde = false;
    if (o.points) {
        in.x = &x;
        in.y = &y;
    }
    const Periods periods = split_periods(manifest.analysis, o, unit_area, &keep);
    in.train_counts = periods.valid ? &periods.train_counts : nullptr;
    in.test_counts = periods.valid ? &periods.test_counts : nullptr;
    c.hotspots = hotspot_stage(in, manifest.analysis);
    c.members = std::move(keep);
    return c;
}

} // namespace

std::vector<std::filesystem::path> city_paths(const Manifest& m, const CityConfig& city,
                                              const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> p{
        dir / (city.slug + ".gpkg"), dir / (city.slug + "_kde.tif"), dir / (city.slug + ".png")};
    if (m.publish.enabled) p.push_back(dir / (city.slug + "_public.gpkg"));
    return p;
}

CityResult run_city(const Manifest& manifest, const CityConfig& city, const RunOptions& options,
                    Progress& progress) {
    const auto t0 = Clock::now();
    CityOutput out;
    out.city = &city;
    out.manifest = &manifest;
    CityResult res;
    res.name = city.name;
    res.slug = city.slug;
    res.output = options.out_dir / (city.slug + ".gpkg");
    for (const auto& p : city_paths(manifest, city, options.out_dir))
        io::check_can_write(p, options.overwrite);
    const std::string tag = fmt::format("[{}]", city.slug);

    // Boundary, CRS, sub-units.
    auto t = Clock::now();
    const io::PolygonSource boundary{city.boundary};
    out.target = choose_crs(manifest.analysis, boundary, res.crs);
    out.units = boundary.project(*out.target);
    out.boundary_encoding = boundary.encoding();
    for (const auto& w : boundary.warnings())
        res.warnings.push_back(w);
    for (const auto& r : analysis::repair_polygons(out.units, city.boundary.path)) {
        res.warnings.push_back(fmt::format("boundary feature {} ('{}') was invalid ({}) and was "
                                           "repaired with GEOS MakeValid",
                                           r.index + 1, out.units.names[r.index], r.reason));
        out.repairs.push_back(r);
    }
    out.boundary = analysis::make_boundary(out.units.wkb);
    out.timings.emplace_back("read_boundary_s", since(t));

    t = Clock::now();
    progress.begin(fmt::format("{} grid", tag));
    out.grid = analysis::build_grid(manifest.analysis.grid, out.boundary);
    const analysis::UnitIndex units{out.units, out.grid};
    progress.end();
    out.timings.emplace_back("grid_s", since(t));

    if (city.incidents) {
        t = Clock::now();
        progress.begin(fmt::format("{} reading incidents", tag));
        io::IncidentRead read =
            io::read_incidents(*city.incidents, *out.target, manifest.analysis.period,
                               [&](double f) { progress.update(f); });
        progress.end();
        out.timings.emplace_back("read_incidents_s", since(t));

        t = Clock::now();
        for (const auto& w : read.warnings)
            res.warnings.push_back(w);
        analysis::Assignment a =
            analysis::assign_points(out.grid, units, read.incidents.x, read.incidents.y);
        if (auto w = check_outside(*city.incidents, read, out.grid, a, *out.target, city.name,
                                   city.max_outside_share))
            res.warnings.push_back(*w);
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
                             static_cast<double>(read.incidents.size()), city.name);
        }
        out.cell_counts = analysis::tally(a.cell, out.grid.size());
        out.unit_counts = analysis::tally(a.unit, out.units.size());
        out.timings.emplace_back("count_s", since(t));

        out.quality = analysis::check_quality(read.incidents);
        const auto& q = *out.quality;
        if (!q.piles.empty())
            res.warnings.push_back(fmt::format(
                "{} coordinates hold {} or more incidents each ({} incidents in all; the largest "
                "pile, {} at ({}, {}), suggests geocoding to a centroid or a station)",
                q.piles.size(), q.pile_threshold, q.incidents_in_piles, q.piles[0].count,
                q.piles[0].x, q.piles[0].y));
        if (q.duplicates > 0)
            res.warnings.push_back(fmt::format(
                "{} records repeat an earlier one's coordinates, time and category (kept; "
                "check for double entry)",
                q.duplicates));
        if (a.without_unit > 0)
            res.warnings.push_back(fmt::format(
                "{} incidents inside the boundary fall in no sub-unit (gaps between polygons)",
                a.without_unit));
        res.records = static_cast<double>(read.records);
        out.assignment = std::move(a);
        out.points = std::move(read);
    } else {
        t = Clock::now();
        io::CountsRead read = io::read_counts(*city.counts, boundary.keys(), boundary.names(),
                                              units.area_km2(), manifest.analysis.period);
        out.timings.emplace_back("read_counts_s", since(t));
        for (const auto& w : read.warnings)
            res.warnings.push_back(w);
        {
            const io::CountsSourceSpec& s = *city.counts;
            IntakeSource src;
            src.where = fmt::format("{} layer '{}'", s.path, read.layer);
            src.time_field = !s.time.empty() ? s.time.describe()
                                             : (s.month.empty() ? s.year : s.year + ", " + s.month);
            src.location_field = s.key;
            src.time_suggestion = read.time_suggestion;
            src.location_suggestion = read.key_suggestion;
            src.max_rejected_share = city.max_rejected_share;
            check_rejections(src, read.rejects, read.incidents,
                             read.incidents - read.rejects.total(), city.name);
        }
        t = Clock::now();
        out.unit_counts = analysis::tally(read.counts.unit, out.units.size(), read.counts.count);
        out.overlaps = analysis::cell_unit_overlaps(out.grid, out.units, units);
        out.cell_counts =
            analysis::apportion_to_cells(out.overlaps, units.area_km2(), out.unit_counts);
        out.timings.emplace_back("count_s", since(t));
        if (!read.shared_keys.empty())
            res.warnings.push_back(fmt::format(
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
            res.warnings.push_back(fmt::format("{} keys match no sub-unit: {}{}",
                                               read.unknown_keys.size(), list,
                                               read.unknown_keys.size() > 5 ? ", ..." : ""));
        }
        res.records = read.incidents;
        res.from_counts = true;
        out.counts = std::move(read);
    }
    out.unit_area_km2 = units.area_km2();
    if (out.points) {
        out.clock =
            analysis::crime_clock(out.points->incidents.time, out.points->incidents.time_span,
                                  out.assignment->unit, out.units.size());
        const analysis::CrimeClock& ck = *out.clock;
        if (ck.with_time > 0 && ck.exact_midnight / ck.with_time > 0.05)
            res.warnings.push_back(fmt::format(
                "{:.0f}% of incidents are at exactly 00:00:00: most likely dates without a time "
                "of day; the crime clock keeps them apart (column midnight)",
                100 * ck.exact_midnight / ck.with_time));
        if (ck.with_time > 0 && ck.without_hour / ck.with_time > 0.5)
            res.warnings.push_back(fmt::format(
                "{:.0f}% of incidents have a day but no hour (dates alone, or bands of hours): "
                "the crime clock counts them by day only (column no_hour)",
                100 * ck.without_hour / ck.with_time));
        if (ck.without_day > 0)
            res.warnings.push_back(fmt::format(
                "{} incidents are known only to the month: they count in every statistic but "
                "the crime clock, weekly cubes and the near-repeat test",
                ck.without_day));
    }
    if (!city.categories.empty()) map_categories(city, out, res.warnings);

    // Hot spots, global statistics and kernel density: one code path for every city.
    t = Clock::now();
    progress.begin(fmt::format("{} hot spots", tag));
    out.years = years_covered(manifest.analysis, out);
    const StageWeights weights = stage_weights(out.grid, out.units, manifest.analysis);
    HotspotInput hin;
    hin.weights = &weights;
    hin.grid = &out.grid;
    hin.units = &out.units;
    hin.boundary = &out.boundary;
    hin.cell_counts = &out.cell_counts;
    hin.unit_counts = &out.unit_counts;
    if (out.points) {
        hin.x = &out.points->incidents.x;
        hin.y = &out.points->incidents.y;
    }
    hin.years = out.years;
    const Periods periods = split_periods(manifest.analysis, out, units.area_km2());
    if (periods.valid) {
        hin.train_counts = &periods.train_counts;
        hin.test_counts = &periods.test_counts;
        hin.train_text = period_text(periods.train);
        hin.test_text = period_text(periods.test);
    }
    out.hotspots = hotspot_stage(hin, manifest.analysis);
    kde_areas(*out.hotspots, &io::polygonize_at_least);
    for (const auto& w : out.hotspots->warnings)
        res.warnings.push_back(w);
    progress.end();
    out.timings.emplace_back("hotspots_s", since(t));

    if (!manifest.analysis.categories.empty()) {
        t = Clock::now();
        progress.begin(fmt::format("{} hot spots per category", tag));
        for (std::size_t k = 0; k < manifest.analysis.categories.size(); ++k) {
            out.by_category.push_back(category_run(manifest, out, manifest.analysis.categories[k],
                                                   units.area_km2(), hin));
            for (const auto& w : out.by_category.back().hotspots.warnings)
                res.warnings.push_back(fmt::format("category {} ({}): {}",
                                                   out.by_category.back().code,
                                                   out.by_category.back().name, w));
            progress.update(static_cast<double>(k + 1) /
                            static_cast<double>(manifest.analysis.categories.size()));
        }
        progress.end();
        out.timings.emplace_back("categories_s", since(t));
    }

    // Time: the space-time cube, emerging hot spots and near repeats.
    {
        t = Clock::now();
        progress.begin(fmt::format("{} space-time", tag));
        TimeInput tin;
        tin.grid = &out.grid;
        tin.grid_weights = &weights.grid;
        if (out.points) {
            tin.cell = &out.assignment->cell;
            tin.time = &out.points->incidents.time;
            tin.x = &out.points->incidents.x;
            tin.y = &out.points->incidents.y;
            tin.time_span = &out.points->incidents.time_span;
            tin.first = out.points->time_min;
            tin.last = out.points->time_end - 1; // the end of the last time's interval
            for (const CityOutput::Category& c : out.by_category)
                tin.categories.emplace_back(c.code, &c.members);
        } else {
            tin.counts = &out.counts->counts;
            tin.monthly = out.counts->monthly;
            tin.overlaps = &out.overlaps;
            tin.unit_area_km2 = &out.unit_area_km2;
            if (out.counts->time_min != analysis::kNoTime) {
                tin.first = out.counts->time_min;
                tin.last = out.counts->time_end - 1; // the last month (or year) whole
            }
        }
        out.time = time_stage(tin, manifest.analysis);
        for (const auto& w : out.time->warnings)
            res.warnings.push_back(w);
        res.headline = out.time->headline;
        progress.end();
        out.timings.emplace_back("time_s", since(t));
    }

    if (!city.facilities.empty() || city.population) {
        t = Clock::now();
        progress.begin(fmt::format("{} coverage", tag));
        CoverageInput cin;
        cin.city = &city;
        cin.target = out.target.get();
        cin.grid = &out.grid;
        cin.units = &out.units;
        cin.boundary = &out.boundary;
        cin.cell_counts = &out.cell_counts;
        if (out.points) {
            cin.x = &out.points->incidents.x;
            cin.y = &out.points->incidents.y;
            cin.incident_cell = &out.assignment->cell;
            cin.incident_unit = &out.assignment->unit;
        }
        cin.gi_class = &out.hotspots->grid.gi_class;
        cin.hot_areas = &out.hotspots->areas;
        out.coverage = coverage_stage(cin);
        for (const auto& w : out.coverage->warnings)
            res.warnings.push_back(w);
        progress.end();
        out.timings.emplace_back("coverage_s", since(t));
    }

    const analysis::RejectLog& rejects = out.counts ? out.counts->rejects : out.points->rejects;
    for (std::size_t r = 0; r < analysis::kRejectReasonCount; ++r) {
        const auto reason = static_cast<analysis::RejectReason>(r);
        if (rejects.count(reason) > 0)
            res.rejected.emplace_back(to_string(reason), rejects.count(reason));
    }
    res.cells = out.grid.size();
    res.units = out.units.size();
    for (double c : out.cell_counts)
        res.accepted += c;

    out.metrics = comparable_metrics(out);
    t = Clock::now();
    progress.begin(fmt::format("{} writing {}", tag, res.output.string()));
    out.warnings = res.warnings;
    res.files = std::make_unique<CityFiles>(
        write_city(out, res.output,
                   manifest.publish.enabled ? options.out_dir / (city.slug + "_public.gpkg")
                                            : std::filesystem::path{},
                   options.overwrite, [&](double f) { progress.update(f); }));
    progress.end();
    {
        const Language language = *parse_language(manifest.analysis.language);
        res.files->png_final = options.out_dir / (city.slug + ".png");
        res.files->png_tmp = options.out_dir / fmt::format(".{}.partial-{}.png", city.slug,
                                                           static_cast<long>(getpid()));
        io::render_png(city_map(out, language), res.files->png_tmp, true);
        res.map = map_summary(out);
    }
    res.seconds = since(t0);
    res.metrics = out.metrics;
    // The values the batch's shared class breaks come from.
    if (out.years > 0) {
        res.grid_density_year = analysis::density(out.cell_counts, out.grid.area_km2);
        res.unit_density_year = analysis::density(out.unit_counts, out.unit_area_km2);
        for (double& v : res.grid_density_year)
            v /= out.years;
        for (double& v : res.unit_density_year)
            v /= out.years;
    }
    if (out.coverage && out.coverage->population) {
        const auto& pop = *out.coverage->population;
        res.grid_rate_eb = analysis::empirical_bayes_rates(out.cell_counts, pop.cells);
        res.unit_rate_eb = analysis::empirical_bayes_rates(out.unit_counts, pop.units);
        for (auto* v : {&res.grid_rate_eb, &res.unit_rate_eb})
            for (double& r : *v)
                r *= 1e5;
    }
    {
        auto wgs84 = io::make_srs("EPSG:4326", "alliance");
        res.boundary_lonlat = io::reproject(out.boundary.wkb, *out.target, *wgs84);
    }
    return res;
}

} // namespace vigia::engine
