// The near-repeat (Knox) test at the size the issue asks for: 100,000 incidents of one
// category over a city of ~1,000 km², default bands for 250 m cells (5 × 250 m, plus the
// same-location band) and 4 × 7 days, 999 permutations. Google Benchmark; run it under
// /usr/bin/time -v for the peak memory:
//   /usr/bin/time -v build/bin/vigia_bench_near_repeat
//   (add --benchmark_filter=Knox100k999/ for the headline case alone)

#include "analysis/near_repeat.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;

namespace {

/// The synthetic city, built once: an ellipse of 20 × 16 km semi-axes (1,005 km²), incidents
/// over 2019 clustered as crime is: 60 % uniform background, 30 % in 30 Gaussian hot spots
/// (σ 150–600 m, some busy, some quiet), 10 % near repeats of an earlier incident (0–250 m,
/// 0–7 days later). Times are spread over the day.
struct City {
    std::vector<double> x, y;
    std::vector<std::int64_t> t;

    explicit City(std::size_t n) {
        constexpr double a = 20000, b = 16000;
        constexpr std::int64_t day = 86400, start = 17897 * day; // 2019-01-01
        std::mt19937_64 rng{20190101};
        std::uniform_real_distribution<double> u{-1, 1}, u01{0, 1};
        std::uniform_int_distribution<std::int64_t> ut{0, 365 * day - 1};
        std::normal_distribution<double> nd{0, 1};
        struct Spot {
            double x, y, sigma, weight;
        };
        std::vector<Spot> spots;
        double total = 0;
        for (int k = 0; k < 30; ++k) {
            double sx, sy;
            do {
                sx = a * u(rng);
                sy = b * u(rng);
            } while (sx * sx / (a * a) + sy * sy / (b * b) > 0.8);
            const double w = std::exp(1.5 * nd(rng)); // lognormal: a few spots dominate
            spots.push_back({sx, sy, 150 + 450 * u01(rng), w});
            total += w;
        }
        while (x.size() < n) {
            const double pick = u01(rng);
            double px, py;
            std::int64_t pt;
            if (pick < 0.1 && !x.empty()) { // a near repeat of an earlier incident
                const auto src = static_cast<std::size_t>(u01(rng) * static_cast<double>(x.size()));
                const double r = 250 * std::sqrt(u01(rng)), ang = 2 * M_PI * u01(rng);
                px = x[src] + r * std::cos(ang);
                py = y[src] + r * std::sin(ang);
                pt = t[src] + static_cast<std::int64_t>(u01(rng) * 7 * day);
            } else if (pick < 0.4) {
                double w = u01(rng) * total;
                std::size_t k = 0;
                while (k + 1 < spots.size() && w > spots[k].weight)
                    w -= spots[k++].weight;
                px = spots[k].x + spots[k].sigma * nd(rng);
                py = spots[k].y + spots[k].sigma * nd(rng);
                pt = start + ut(rng);
            } else {
                px = a * u(rng);
                py = b * u(rng);
                pt = start + ut(rng);
            }
            if (px * px / (a * a) + py * py / (b * b) > 1) continue;
            x.push_back(px);
            y.push_back(py);
            t.push_back(pt);
        }
        for (std::size_t i = 0; i < x.size(); ++i) { // a UTM-like origin
            x[i] += 500000;
            y[i] += 2000000;
        }
    }
};

const City& city() {
    static const City c{100'000};
    return c;
}

void run(benchmark::State& state, std::size_t permutations, bool portable = false) {
    const City& c = city();
    KnoxSpec spec;
    spec.distance_bands_m = default_distance_bands(250);
    spec.time_bands_days = default_time_bands();
    spec.permutations = permutations;
    spec.portable_kernel = portable;
    KnoxResult r;
    for (auto _ : state) {
        r = knox_test(c.x, c.y, c.t, spec);
        benchmark::DoNotOptimize(r.cells.data());
    }
    state.counters["incidents"] = static_cast<double>(r.incidents);
    state.counters["pairs_within"] = static_cast<double>(r.pairs_within);
    if (r.headline >= 0) state.counters["headline_ratio"] = r.cells[r.headline].ratio;
}

/// Pair search, observed table and exact expectation only.
void BM_Knox100kNoPermutations(benchmark::State& state) {
    run(state, 0);
}
/// The whole test with the default 999 permutations (AVX2 kernel where available).
void BM_Knox100k999(benchmark::State& state) {
    run(state, 999);
}
/// The same with the portable kernel (SSE2 on x86-64, NEON on ARM: 16 permutations a pass).
void BM_Knox100k999Portable(benchmark::State& state) {
    run(state, 999, true);
}

} // namespace

// Wall-clock time (both cores); 5 repetitions, medians reported.
BENCHMARK(BM_Knox100kNoPermutations)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_Knox100k999)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_Knox100k999Portable)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
