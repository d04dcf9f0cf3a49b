// The space-time cube, its Gi* and the Emerging Hot Spot categories on a city-sized case
// (issue 6: 1,000,000 incidents over 36 monthly steps on ~150,000 cells, under 10 s on 2
// cores, under 2 GiB). Google Benchmark; run with /usr/bin/time -v for the peak memory:
//   /usr/bin/time -v build/bin/vigia_bench_space_time

#include "analysis/space_time.hpp"
#include "analysis/geos.hpp"
#include "analysis/grid.hpp"
#include "analysis/weights.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>

using namespace vigia::analysis;

namespace {

constexpr std::int64_t k2019 = 1546300800;    // 2019-01-01, civil seconds
constexpr std::int64_t kEnd2021 = 1640995199; // 2021-12-31 23:59:59

/// A 36 x 36 km square (1,296 km²) under hexagons of 100 m: ~150,000 cells, first ring with
/// self. 1,000,000 incidents: 70 % uniform in space and time, 30 % in 12 Gaussian clusters
/// (sd 250 m), half of them active over the whole period, half only in its last year.
struct City {
    Boundary boundary;
    Grid grid;
    Weights w_self;
    TimeBins bins;
    std::vector<std::int32_t> cell;
    std::vector<std::int64_t> time;

    City() {
        GeosContext c;
        GEOSWKTReader* r = GEOSWKTReader_create_r(c.get());
        GeomPtr g = own(c,
                        GEOSWKTReader_read_r(c.get(), r,
                                             "POLYGON((500000 2000000,536000 2000000,536000 "
                                             "2036000,500000 2036000,500000 2000000))"),
                        "wkt");
        GEOSWKTReader_destroy_r(c.get(), r);
        boundary = make_boundary({to_wkb(c, g.get())});
        grid = build_grid({GridShape::hex, 100}, boundary);
        w_self = grid_ring(grid, true);
        bins = make_bins(k2019, kEnd2021, {StepUnit::month}, true);

        std::mt19937_64 rng{20240611};
        std::uniform_real_distribution<double> ux{500000, 536000}, uy{2000000, 2036000};
        std::uniform_int_distribution<std::int64_t> all{k2019, kEnd2021},
            last_year{1609459200 /* 2021-01-01 */, kEnd2021};
        std::normal_distribution<double> nd{0, 250};
        cell.reserve(1'000'000);
        time.reserve(1'000'000);
        while (cell.size() < 1'000'000) {
            const std::size_t i = cell.size();
            double x = 0, y = 0;
            std::int64_t t = 0;
            if (i % 10 < 7) {
                x = ux(rng);
                y = uy(rng);
                t = all(rng);
            } else {
                const auto k = static_cast<double>(i % 12);
                x = 503000 + 2700 * k + nd(rng);
                y = 2005000 + 2200 * k + nd(rng);
                t = i % 2 ? all(rng) : last_year(rng);
            }
            const std::int32_t id = grid.cell_at(x, y);
            if (id < 0) continue;
            cell.push_back(id);
            time.push_back(t);
        }
    }
};

const City& city() {
    static const City c;
    return c;
}

void report(benchmark::State& state) {
    state.counters["cells"] = static_cast<double>(city().grid.size());
    state.counters["steps"] = static_cast<double>(city().bins.steps());
    state.counters["incidents"] = static_cast<double>(city().cell.size());
}

void BM_BuildCube(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state)
        benchmark::DoNotOptimize(build_cube(c.cell, c.time, c.bins, c.grid.size()));
    report(state);
}

void BM_SpaceTimeGi(benchmark::State& state) {
    const City& c = city();
    const Cube cube = build_cube(c.cell, c.time, c.bins, c.grid.size());
    for (auto _ : state)
        benchmark::DoNotOptimize(space_time_gi(cube, c.w_self, 1));
    report(state);
}

void BM_EmergingHotSpots(benchmark::State& state) {
    const City& c = city();
    const Cube cube = build_cube(c.cell, c.time, c.bins, c.grid.size());
    const auto z = space_time_gi(cube, c.w_self, 1);
    for (auto _ : state)
        benchmark::DoNotOptimize(emerging_hot_spots(cube, z));
    report(state);
}

/// The figure: cube + Gi* + Mann–Kendall + categories.
void BM_CubeGiEmergingTotal(benchmark::State& state) {
    const City& c = city();
    for (auto _ : state) {
        const Cube cube = build_cube(c.cell, c.time, c.bins, c.grid.size());
        const auto z = space_time_gi(cube, c.w_self, 1);
        benchmark::DoNotOptimize(emerging_hot_spots(cube, z));
    }
    report(state);
}

} // namespace

// Wall-clock time (the stages use every core); 5 repetitions, medians reported.
#define STAGE(fn)                                                                                  \
    BENCHMARK(fn)                                                                                  \
        ->Unit(benchmark::kMillisecond)                                                            \
        ->UseRealTime()                                                                            \
        ->Iterations(1)                                                                            \
        ->Repetitions(5)                                                                           \
        ->ReportAggregatesOnly(true)
STAGE(BM_BuildCube);
STAGE(BM_SpaceTimeGi);
STAGE(BM_EmergingHotSpots);
STAGE(BM_CubeGiEmergingTotal);

BENCHMARK_MAIN();
