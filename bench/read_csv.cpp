// What deciding a time column from the whole column costs (issue 10): reading 1,000,000 CSV
// rows (projected x, y, a Socrata-style date-time, an offence) with io::read_incidents,
//   - without the time field (the reading floor for this file),
//   - with the time field detected from the whole column (the default),
//   - with the same field read by an explicit time_format (no detection),
// and the detection alone (observe every value, decide) on the same values. Google Benchmark;
// medians of 5, side by side in one run (bench/README.md).

#include "io/incident_reader.hpp"
#include "io/time_detect.hpp"
#include "io/time_parse.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cpl_conv.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace vigia;

constexpr std::size_t kRows = 1'000'000;

/// The file, written once: points in a 20 × 20 km square of UTM 14N, times over 2018–2019 as
/// Chicago publishes them ("01/13/2016 11:57:00 PM").
struct File {
    fs::path dir, path;
    std::vector<std::string> times;
    File() {
        dir = fs::temp_directory_path() / fmt::format("vigia-bench-read-{}", ::getpid());
        fs::create_directories(dir);
        path = dir / "incidents.csv";
        std::ofstream out{path};
        out << "x,y,date,offence\n";
        std::mt19937_64 rng{20261201};
        std::uniform_real_distribution<double> ux{470000, 490000}, uy{2120000, 2140000};
        std::uniform_int_distribution<int> day{0, 729}, minute{0, 1439}, kind{0, 9};
        times.reserve(kRows);
        for (std::size_t i = 0; i < kRows; ++i) {
            const std::int64_t s = io::days_from_civil(2018, 1, 1) * 86400 +
                                   std::int64_t{day(rng)} * 86400 + minute(rng) * 60;
            const io::CivilTime t = io::from_seconds(s);
            const int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
            times.push_back(fmt::format("{:02}/{:02}/{} {:02}:{:02}:00 {}", t.month, t.day, t.year,
                                        h12, t.minute, t.hour < 12 ? "AM" : "PM"));
            out << fmt::format("{:.2f},{:.2f},{},THEFT-{}\n", ux(rng), uy(rng), times.back(),
                               kind(rng));
        }
    }
    ~File() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

File& file() {
    static File f;
    return f;
}

io::IncidentSourceSpec spec() {
    io::IncidentSourceSpec s;
    s.path = file().path.string();
    s.x = "x";
    s.y = "y";
    s.crs = "EPSG:32614";
    s.category = "offence";
    return s;
}

void run(benchmark::State& state, const io::IncidentSourceSpec& s) {
    io::register_gdal();
    const auto target = io::make_srs("EPSG:32614", "bench");
    for (auto _ : state) {
        auto r = io::read_incidents(s, *target, std::nullopt);
        if (r.incidents.size() != kRows) state.SkipWithError("not every row was read");
        benchmark::DoNotOptimize(r.incidents.x.data());
    }
}

void BM_ReadWithoutTime(benchmark::State& state) {
    run(state, spec());
}

void BM_ReadTimeDetected(benchmark::State& state) {
    auto s = spec();
    s.time.fields = {"date"};
    run(state, s);
}

void BM_ReadTimeFormatGiven(benchmark::State& state) {
    auto s = spec();
    s.time.fields = {"date"};
    s.time.format = "%m/%d/%Y %I:%M:%S %p";
    run(state, s);
}

void BM_DetectionAlone(benchmark::State& state) {
    const auto& times = file().times;
    for (auto _ : state) {
        io::TimeColumn c{io::TimeColumn::Role::date_time};
        std::int64_t row = 1;
        for (const auto& t : times)
            c.observe(t, row++);
        if (c.decide()) state.SkipWithError("the column was refused");
        benchmark::DoNotOptimize(c.format().order);
    }
}

void BM_ParseAlone(benchmark::State& state) {
    const auto& times = file().times;
    io::TimeColumn c{io::TimeColumn::Role::date_time};
    std::int64_t row = 1;
    for (const auto& t : times)
        c.observe(t, row++);
    (void)c.decide();
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (const auto& t : times)
            sum += c.parse(t)->seconds;
        benchmark::DoNotOptimize(sum);
    }
}

} // namespace

BENCHMARK(BM_ReadWithoutTime)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK(BM_ReadTimeDetected)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK(BM_ReadTimeFormatGiven)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK(BM_DetectionAlone)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK(BM_ParseAlone)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK_MAIN();
