#include "engine/coverage_stage.hpp"

#include "analysis/geos.hpp"
#include "analysis/repair.hpp"
#include "io/feature_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numeric>

namespace vigia::engine {

using namespace vigia::analysis;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double share(double part, double whole) {
    return whole > 0 ? part / whole : kNaN;
}

bool is_point(const Wkb& w) {
    return w.size() == 21 && w[0] == 1 && w[1] == 1;
} // NDR 2-D point

/// Repairs the polygons among `wkb` with GEOS MakeValid, as for the boundary, and says which.
void repair(std::vector<Wkb>& wkb, const std::vector<std::string>& names, const std::string& what,
            std::vector<std::string>& warnings) {
    Polygons polys;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < wkb.size(); ++i)
        if (!is_point(wkb[i])) {
            polys.wkb.push_back(wkb[i]);
            polys.names.push_back(names[i]);
            where.push_back(i);
        }
    if (polys.size() == 0) return;
    for (const RepairNote& n : repair_polygons(polys, what))
        warnings.push_back(
            fmt::format("{}: feature {} ('{}') was invalid ({}) and was repaired with "
                        "GEOS MakeValid",
                        what, where[n.index] + 1, polys.names[n.index], n.reason));
    for (std::size_t k = 0; k < where.size(); ++k)
        wkb[where[k]] = std::move(polys.wkb[k]);
}

Population read_population(const CoverageInput& in, std::vector<std::string>& warnings) {
    Population p;
    io::FeatureRead r =
        io::read_features(*in.city->population, *in.target, "population", false, true);
    repair(r.wkb, r.names, "population " + in.city->population->path, warnings);
    p.total = std::accumulate(r.values.begin(), r.values.end(), 0.0);
    for (std::size_t i = 0; i < r.values.size(); ++i)
        if (r.values[i] < 0)
            throw InputError{fmt::format("population: {} feature {}: field '{}' = {} is negative",
                                         in.city->population->path, i + 1,
                                         in.city->population->value_field, r.values[i])};
    p.report = apportion(r.wkb, r.values, in.grid->geometry, *in.boundary);
    p.cells = p.report.values;
    p.units = apportion(r.wkb, r.values, in.units->wkb, *in.boundary).values;
    return p;
}

/// What new sites should cover: the objective's weight not yet covered, as weighted points.
/// Incidents (point input) are demand points themselves, so that "covered" means the same
/// exact distance for existing and new sites; residents and counts-per-area incidents are
/// known per cell only and stand at the cell's centre.
struct Demand {
    std::vector<double> x, y, w;
    double total = 0, covered = 0;
};

Demand demand(const CoverageInput& in, const KindCoverage& k,
              const std::optional<Population>& pop) {
    const Grid& g = *in.grid;
    Demand d;
    const Objective o = k.config->objective;
    if (o != Objective::population && in.x) {
        for (std::size_t i = 0; i < in.x->size(); ++i) {
            const std::int32_t c = (*in.incident_cell)[i];
            if (o == Objective::hotspot && (*in.gi_class)[c] < 2) continue;
            d.total += 1;
            if (k.incident_distance[i] <= k.config->radius_m) {
                d.covered += 1;
                continue;
            }
            d.x.push_back((*in.x)[i]);
            d.y.push_back((*in.y)[i]);
            d.w.push_back(1.0);
        }
        return d;
    }
    for (std::size_t c = 0; c < g.size(); ++c) {
        double weight = 0;
        if (o == Objective::population) {
            weight = pop->cells[c];
        } else {
            if (o == Objective::hotspot && (*in.gi_class)[c] < 2) continue;
            weight = (*in.cell_counts)[c];
        }
        d.total += weight;
        d.covered += weight * k.cell_covered[c];
        d.x.push_back(g.cx[c]);
        d.y.push_back(g.cy[c]);
        d.w.push_back(weight * (1.0 - k.cell_covered[c]));
    }
    return d;
}

KindCoverage network(const CoverageInput& in, const FacilityConfig& cfg,
                     const std::optional<Population>& pop, std::vector<std::string>& warnings) {
    KindCoverage k;
    k.config = &cfg;
    const Grid& g = *in.grid;
    const io::FeatureRead r = io::read_features(
        cfg.source, *in.target, fmt::format("facilities '{}'", cfg.kind), true, true);
    k.facilities.wkb = r.wkb;
    k.facilities.names = r.names;
    repair(k.facilities.wkb, k.facilities.names,
           fmt::format("facilities '{}' {}", cfg.kind, cfg.source.path), warnings);
    k.polygons = r.polygons;
    const FacilityIndex index{k.facilities};
    const double radius = cfg.radius_m;

    // Which facilities lie in the city (those outside still serve residents near the edge).
    {
        GeosContext ctx;
        GeomPtr city = from_wkb(ctx, in.boundary->wkb);
        PreparedPtr prep = prepare(ctx, city.get());
        for (const Wkb& w : k.facilities.wkb) {
            GeomPtr f = from_wkb(ctx, w);
            k.inside.push_back(GEOSPreparedIntersects_r(ctx.get(), prep.get(), f.get()) == 1);
        }
    }

    k.area = service_area(k.facilities, radius, *in.boundary);
    k.cell_covered = covered_fraction(g, k.area.wkb);
    const std::vector<double>& counts = *in.cell_counts;
    const std::vector<std::int8_t>& cls = *in.gi_class;

    std::vector<double> centre_distance = nearest_distances(index, g.cx, g.cy);
    double hot_cells = 0, hot_cells_covered = 0, hot_area = 0, hot_area_covered = 0;
    for (std::size_t c = 0; c < g.size(); ++c) {
        if (cls[c] < 2) continue;
        hot_cells += 1;
        hot_cells_covered += centre_distance[c] <= radius;
        hot_area += g.area_km2[c];
        hot_area_covered += g.area_km2[c] * k.cell_covered[c];
    }
    k.hot_cell_share = share(hot_cells_covered, hot_cells);
    k.hot_area_share = share(hot_area_covered, hot_area);

    k.load_incidents.assign(k.facilities.size(), 0.0);
    k.load_hot_cells.assign(k.facilities.size(), 0.0);
    k.load_residents.assign(k.facilities.size(), 0.0);
    if (in.x) {
        const auto& x = *in.x;
        const auto& y = *in.y;
        k.incident_distance = nearest_distances(index, x, y);
        k.distance = summarise(k.incident_distance);
        double covered = 0, hot = 0, hot_covered = 0;
        std::vector<std::vector<double>> per_unit(in.units->size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            const bool near = k.incident_distance[i] <= radius;
            covered += near;
            const std::int32_t c = (*in.incident_cell)[i];
            if (cls[c] >= 2) {
                hot += 1;
                hot_covered += near;
            }
            const std::int32_t u = (*in.incident_unit)[i];
            if (u >= 0) per_unit[u].push_back(k.incident_distance[i]);
            if (near)
                for (std::int32_t f : index.within(x[i], y[i], radius))
                    k.load_incidents[f] += 1;
        }
        k.incident_share = share(covered, static_cast<double>(x.size()));
        k.hot_incident_share = share(hot_covered, hot);
        for (auto& d : per_unit)
            k.unit_distance.push_back(summarise(std::move(d)));
    } else {
        // Counts per area: incidents are known per cell only; each cell counts by the share of
        // its area inside the service area (documented).
        double total = 0, covered = 0, hot = 0, hot_covered = 0;
        for (std::size_t c = 0; c < g.size(); ++c) {
            total += counts[c];
            covered += counts[c] * k.cell_covered[c];
            if (cls[c] >= 2) {
                hot += counts[c];
                hot_covered += counts[c] * k.cell_covered[c];
            }
        }
        k.incident_share = share(covered, total);
        k.hot_incident_share = share(hot_covered, hot);
        k.distance = {kNaN, kNaN, kNaN};
        k.unit_distance.assign(in.units->size(), k.distance);
    }
    // Loads by cell centre: each facility's hot cells and residents within its radius.
    for (std::size_t c = 0; c < g.size(); ++c) {
        if (centre_distance[c] > radius) continue;
        for (std::int32_t f : index.within(g.cx[c], g.cy[c], radius)) {
            if (cls[c] >= 2) k.load_hot_cells[f] += 1;
            if (pop) k.load_residents[f] += pop->cells[c];
            if (!in.x) k.load_incidents[f] += counts[c];
        }
    }
    if (pop) {
        double covered = 0, total = 0;
        for (std::size_t c = 0; c < g.size(); ++c) {
            covered += pop->cells[c] * k.cell_covered[c];
            total += pop->cells[c];
        }
        k.population_share = share(covered, total);
    } else {
        k.population_share = kNaN;
    }

    if (cfg.suggest > 0) {
        const Demand dem = demand(in, k, pop);
        k.demand_total = dem.total;
        k.demand_covered = dem.covered;
        std::vector<double> cand_x, cand_y;
        if (!cfg.candidates.empty()) {
            io::FeatureSourceSpec spec;
            spec.path = cfg.candidates;
            const io::FeatureRead cands = io::read_features(
                spec, *in.target, fmt::format("facilities '{}' candidates", cfg.kind), true, false);
            GeosContext ctx;
            for (const Wkb& w : cands.wkb) {
                double px = 0, py = 0;
                GeomPtr p = from_wkb(ctx, w);
                GEOSGeomGetX_r(ctx.get(), p.get(), &px);
                GEOSGeomGetY_r(ctx.get(), p.get(), &py);
                cand_x.push_back(px);
                cand_y.push_back(py);
            }
        } else {
            for (std::size_t c = 0; c < g.size(); ++c)
                if (g.covers(static_cast<std::int32_t>(c), g.cx[c], g.cy[c])) {
                    cand_x.push_back(g.cx[c]);
                    cand_y.push_back(g.cy[c]);
                }
        }
        k.siting = greedy_max_cover(dem.x, dem.y, dem.w, cand_x, cand_y, radius, cfg.suggest);
        for (const Site& s : k.siting.sites) {
            k.site_x.push_back(cand_x[s.candidate]);
            k.site_y.push_back(cand_y[s.candidate]);
        }
    }
    return k;
}

} // namespace

CoverageResults coverage_stage(const CoverageInput& in) {
    CoverageResults out;
    const CityConfig& city = *in.city;
    if (city.population) {
        out.population = read_population(in, out.warnings);
        const auto& rep = out.population->report;
        if (rep.overlap_km2 > 0.01)
            out.warnings.push_back(fmt::format(
                "population polygons overlap over {:.2f} km2: residents there are counted twice",
                rep.overlap_km2));
        if (rep.gap_km2 > 0.01)
            out.warnings.push_back(fmt::format(
                "population polygons leave {:.2f} km2 of the city uncovered (no residents there)",
                rep.gap_km2));
        if (rep.outside > 0.5)
            out.warnings.push_back(fmt::format("{:.0f} residents live in the parts of population "
                                               "polygons outside the boundary (not counted)",
                                               rep.outside));
    }
    for (const FacilityConfig& cfg : city.facilities)
        out.kinds.push_back(network(in, cfg, out.population, out.warnings));

    // Hot-spot areas outside every network.
    if (!out.kinds.empty() && in.hot_areas && !in.hot_areas->empty()) {
        GeosContext ctx;
        std::vector<Wkb> areas;
        for (const auto& k : out.kinds)
            areas.push_back(k.area.wkb);
        GeomPtr all = union_polygons(ctx, areas);
        const Grid& g = *in.grid;
        std::vector<std::uint8_t> incident_covered;
        if (in.x) {
            incident_covered.assign(in.x->size(), 0);
            for (const auto& k : out.kinds)
                for (std::size_t i = 0; i < in.x->size(); ++i)
                    if (k.incident_distance[i] <= k.config->radius_m) incident_covered[i] = 1;
        }
        const double total = std::accumulate(in.cell_counts->begin(), in.cell_counts->end(), 0.0);
        std::vector<std::int64_t> area_of(g.size(), -1);
        for (std::size_t a = 0; a < in.hot_areas->size(); ++a)
            for (std::int32_t c : (*in.hot_areas)[a].cells)
                area_of[c] = static_cast<std::int64_t>(a);
        std::vector<double> uncovered_incidents(in.hot_areas->size(), 0.0);
        if (in.x) {
            for (std::size_t i = 0; i < in.x->size(); ++i) {
                const auto a = area_of[(*in.incident_cell)[i]];
                if (a >= 0 && !incident_covered[i]) uncovered_incidents[a] += 1;
            }
        } else {
            const std::vector<double> any = covered_fraction(g, to_wkb(ctx, all.get()));
            for (std::size_t c = 0; c < g.size(); ++c)
                if (area_of[c] >= 0)
                    uncovered_incidents[area_of[c]] += (*in.cell_counts)[c] * (1 - any[c]);
        }
        for (std::size_t a = 0; a < in.hot_areas->size(); ++a) {
            GeomPtr hot = from_wkb(ctx, (*in.hot_areas)[a].geometry);
            GeomPtr rest =
                own(ctx, GEOSDifference_r(ctx.get(), hot.get(), all.get()), "uncovered hot spot");
            Repair unused;
            rest = make_valid_polygonal(ctx, std::move(rest), unused);
            const double km2 = area(ctx, rest.get()) * 1e-6;
            if (!(km2 > 1e-9)) continue;
            UncoveredHotspot u;
            u.hotspot_id = static_cast<std::int64_t>(a) + 1;
            u.geometry = to_wkb(ctx, rest.get());
            u.area_km2 = km2;
            u.incidents = uncovered_incidents[a];
            u.share = share(u.incidents, total);
            out.uncovered.push_back(std::move(u));
        }
        std::stable_sort(out.uncovered.begin(), out.uncovered.end(),
                         [](const UncoveredHotspot& l, const UncoveredHotspot& r) {
                             return l.incidents > r.incidents;
                         });
    }
    return out;
}

} // namespace vigia::engine
