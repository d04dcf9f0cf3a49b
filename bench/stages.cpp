// Stage timings of the hot-spot analysis on a city-sized case (issue: 1,000,000 incidents
// with planted clusters on a ~1,500 km² boundary at 100 m cells, about 150,000 cells).
// Google Benchmark; run by bench/run_stages.sh, which also records peak memory.

#include "analysis/count.hpp"
#include "analysis/coverage.hpp"
#include "analysis/global_stats.hpp"
#include "analysis/grid.hpp"
#include "analysis/hotspots.hpp"
#include "analysis/kde.hpp"
#include "analysis/local_stats.hpp"
#include "analysis/scale.hpp"
#include "analysis/weights.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;

namespace {

/// The synthetic city, built once: an ellipse of 25 x 19 km (1,492 km²) in metres,
/// 1,000,000 incidents: 70 % uniform background, 30 % in 12 planted Gaussian clusters.
struct City {
    Boundary boundary;
    Grid grid;
    std::vector<double> x, y, counts;
    Weights w_self, w_row, w_binary;

    City() {
        std::string wkt = "POLYGON((";
        for (int k = 0; k <= 720; ++k) {
            const double a = 2 * M_PI * (k % 720) / 720.0;
            wkt += fmt::format("{}{} {}", k ? "," : "", 500000 + 25000 * std::cos(a),
                               2000000 + 19000 * std::sin(a));
        }
        wkt += "))";
        GeosContext c;
        GEOSWKTReader* r = GEOSWKTReader_create_r(c.get());
        GeomPtr g = own(c, GEOSWKTReader_read_r(c.get(), r, wkt.c_str()), "wkt");
        GEOSWKTReader_destroy_r(c.get(), r);
        boundary = make_boundary({to_wkb(c, g.get())});
        grid = build_grid({GridShape::square, 100}, boundary);
        std::mt19937_64 rng{20240611};
        std::uniform_real_distribution<double> ux{475000, 525000}, uy{1981000, 2019000};
        std::normal_distribution<double> nd{0, 250};
        std::vector<std::array<double, 2>> centres;
        for (int k = 0; k < 12; ++k)
            centres.push_back({490000 + 2000.0 * k, 1995000 + 900.0 * (k % 5)});
        while (x.size() < 1'000'000) {
            double px, py;
            if (x.size() % 10 < 7) {
                px = ux(rng);
                py = uy(rng);
            } else {
                const auto& ce = centres[x.size() % 12];
                px = ce[0] + nd(rng);
                py = ce[1] + nd(rng);
            }
            const auto cell = grid.cell_at(px, py);
            if (cell < 0 || !grid.covers(cell, px, py)) continue;
            x.push_back(px);
            y.push_back(py);
        }
        counts.assign(grid.size(), 0.0);
        for (std::size_t i = 0; i < x.size(); ++i)
            counts[grid.cell_at(x[i], y[i])] += 1;
        w_self = grid_ring(grid, true);
        w_binary = without_self(w_self);
        w_row = row_standardised(w_binary);
    }
};

const City& city() {
    static const City c;
    return c;
}

void report(benchmark::State& state) {
    state.counters["cells"] = static_cast<double>(city().grid.size());
    state.counters["incidents"] = static_cast<double>(city().x.size());
}

void BM_BuildGrid100m(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(build_grid({GridShape::square, 100}, city().boundary));
    report(state);
}

void BM_AnalyticLocalAndGlobal(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state) {
        auto z = gi_star_z(c.counts, c.w_self);
        std::vector<double> p(z.size());
        for (std::size_t i = 0; i < z.size(); ++i)
            p[i] = two_sided_p(z[i]);
        auto cls = confidence_classes(z, p, true);
        auto lm = local_moran(c.counts, c.w_row);
        auto mi = moran_i(c.counts, c.w_row);
        auto gg = general_g(c.counts, c.w_binary);
        auto conc = concentration(c.counts, c.grid.area_km2);
        benchmark::DoNotOptimize(cls);
        benchmark::DoNotOptimize(lm);
        benchmark::DoNotOptimize(mi);
        benchmark::DoNotOptimize(gg);
        benchmark::DoNotOptimize(conc);
    }
    report(state);
}

void BM_ClarkEvans1M(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state)
        benchmark::DoNotOptimize(clark_evans(c.x, c.y, c.boundary.area_m2));
    report(state);
}

void BM_Permutations999BothStatistics(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state)
        benchmark::DoNotOptimize(permutation_p(c.counts, c.w_self, c.w_row, {999, 12345}));
    report(state);
}

void BM_Kde50mQuartic500m(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state) {
        Raster r = boundary_raster(c.boundary, 50);
        kernel_density(r, c.x, c.y, Kernel::quartic, 500);
        benchmark::DoNotOptimize(r.values.data());
    }
    report(state);
}

void BM_IncrementalAutocorrelation(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state)
        benchmark::DoNotOptimize(incremental_autocorrelation(c.grid, c.counts));
    report(state);
}

void BM_HotAreas(benchmark::State& state) {
    const City& c = city();
    auto z = gi_star_z(c.counts, c.w_self);
    std::vector<double> p(z.size());
    for (std::size_t i = 0; i < z.size(); ++i)
        p[i] = two_sided_p(z[i]);
    const auto cls = confidence_classes(z, p, true);
    for (auto _ : state)
        benchmark::DoNotOptimize(hot_areas(c.grid, c.w_binary, cls, c.counts, z));
    report(state);
}

/// 2,000 point facilities spread over the city (a fixed seed), radius 800 m.
const Facilities& facilities() {
    static const Facilities f = [] {
        Facilities out;
        std::mt19937_64 rng{7};
        std::uniform_real_distribution<double> ux{475000, 525000}, uy{1981000, 2019000};
        GeosContext c;
        while (out.size() < 2000) {
            const double x = ux(rng), y = uy(rng);
            const auto cell = city().grid.cell_at(x, y);
            if (cell < 0 || !city().grid.covers(cell, x, y)) continue;
            GeomPtr p = own(c, GEOSGeom_createPointFromXY_r(c.get(), x, y), "point");
            out.wkb.push_back(to_wkb(c, p.get()));
            out.names.push_back(std::to_string(out.size()));
        }
        return out;
    }();
    return f;
}

void BM_CoverageDistances1M(benchmark::State& state) {
    const City& c = city();
    const FacilityIndex index{facilities()};
    for (auto _ : state) {
        auto d = nearest_distances(index, c.x, c.y);
        benchmark::DoNotOptimize(summarise(std::move(d)));
    }
    report(state);
}

void BM_CoverageServiceAreaAndCells(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state) {
        const ServiceArea sa = service_area(facilities(), 800, c.boundary);
        benchmark::DoNotOptimize(covered_fraction(c.grid, sa.wkb));
    }
    report(state);
}

void BM_Suggest20Sites(benchmark::State& state) {
    const City& c = city();
    // Demand: every cell's incidents (as if none were covered), candidates: every cell centre.
    for (auto _ : state)
        benchmark::DoNotOptimize(
            greedy_max_cover(c.grid.cx, c.grid.cy, c.counts, c.grid.cx, c.grid.cy, 800, 20));
    report(state);
}

} // namespace

// Wall-clock time (the stages use both cores); 5 repetitions, medians reported.
#define STAGE(fn)                                                                                  \
    BENCHMARK(fn)                                                                                  \
        ->Unit(benchmark::kMillisecond)                                                            \
        ->UseRealTime()                                                                            \
        ->Iterations(1)                                                                            \
        ->Repetitions(5)                                                                           \
        ->ReportAggregatesOnly(true)
STAGE(BM_BuildGrid100m);
STAGE(BM_AnalyticLocalAndGlobal);
STAGE(BM_ClarkEvans1M);
STAGE(BM_Permutations999BothStatistics);
STAGE(BM_Kde50mQuartic500m);
STAGE(BM_IncrementalAutocorrelation);
STAGE(BM_HotAreas);
STAGE(BM_CoverageDistances1M);
STAGE(BM_CoverageServiceAreaAndCells);
STAGE(BM_Suggest20Sites);

BENCHMARK_MAIN();
