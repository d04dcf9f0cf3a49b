/// \file
/// vigia_bench_make_city: the synthetic city that bench/run.sh times vigia on.
///
/// Writes into OUT_DIR, reproducibly from --seed:
///   boundary.gpkg   the city boundary (layer "boundary", field "name"; --units sectors)
///   points.gpkg     N incident points (layer "incidents": id, fecha DateTime, delito)
///   points.csv      the same records: id,lon,lat,fecha,delito
///   {gpkg,csv}_{square,hex}.toml   manifests pointing vigia at them (100 m cells)
///   params.txt      the parameters, written last (a complete data set has it)
/// Everything is in EPSG:4326 around Bogotá (vigia's crs = "auto" picks EPSG:32618); the
/// shapes are drawn in UTM 18N metres so the boundary's area there is the one asked for.
///
/// Only std::mt19937_64 is used from <random>: its output is fixed by the standard, the
/// distributions are not, so the draws below are written out (the same data on any
/// standard library; the normal draws go through libm's log and cos).

#include "io/gdal_util.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int kFormatVersion = 1; // bump when the generated data changes for a given seed
constexpr double kPi = 3.14159265358979323846;
constexpr double kCentreLon = -74.10; // Bogotá
constexpr double kCentreLat = 4.65;
constexpr const char* kUtm = "EPSG:32618";

struct Options {
    fs::path out;
    std::uint64_t seed = 20240611;
    std::int64_t points = 1'000'000;
    int units = 1;
    int vertices = 360;
    double area_km2 = 1500.0;
    bool reuse = false;

    std::string stamp() const {
        return fmt::format("vigia_bench_make_city v{} points={} seed={} units={} vertices={} "
                           "area_km2={}\n",
                           kFormatVersion, points, seed, units, vertices, area_km2);
    }
};

constexpr const char* kUsage = R"(usage: vigia_bench_make_city OUT_DIR [options]

Writes a synthetic city (boundary, incident points as GeoPackage and CSV, manifests) into
OUT_DIR, reproducibly from the seed.

  --points N      incident points (default 1000000)
  --seed S        seed of std::mt19937_64 (default 20240611)
  --units K       split the boundary into K sectors (sub-units; default 1)
  --vertices V    boundary vertices (default 360)
  --area-km2 A    boundary area in UTM metres (default 1500)
  --reuse         do nothing when OUT_DIR already holds data made with these parameters
)";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename T> T parse_arg(std::string_view name, std::string_view text) {
    T v{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw UsageError{fmt::format("{}: '{}' is not a valid number", name, text)};
    return v;
}

Options parse_options(int argc, char** argv) {
    Options o;
    bool have_out = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) throw UsageError{fmt::format("{} needs a value", a)};
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (a == "--points") {
            o.points = parse_arg<std::int64_t>(a, value());
        } else if (a == "--seed") {
            o.seed = parse_arg<std::uint64_t>(a, value());
        } else if (a == "--units") {
            o.units = parse_arg<int>(a, value());
        } else if (a == "--vertices") {
            o.vertices = parse_arg<int>(a, value());
        } else if (a == "--area-km2") {
            o.area_km2 = parse_arg<double>(a, value());
        } else if (a == "--reuse") {
            o.reuse = true;
        } else if (!a.empty() && a[0] == '-') {
            throw UsageError{fmt::format("unknown option {}", a)};
        } else if (!have_out) {
            o.out = a;
            have_out = true;
        } else {
            throw UsageError{fmt::format("unexpected argument '{}'", a)};
        }
    }
    if (!have_out) throw UsageError{"give the output folder"};
    if (o.points < 1) throw UsageError{"--points must be at least 1"};
    if (o.vertices < 16) throw UsageError{"--vertices must be at least 16"};
    if (o.units < 1 || o.units > o.vertices / 4)
        throw UsageError{"--units must be between 1 and a quarter of --vertices"};
    if (!(o.area_km2 > 1.0) || !(o.area_km2 < 1e5))
        throw UsageError{"--area-km2 must be between 1 and 100000"};
    return o;
}

/// Platform-independent draws on top of std::mt19937_64.
class Random {
public:
    explicit Random(std::uint64_t seed) : m_gen{seed} {}
    /// Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(m_gen() >> 11) * 0x1.0p-53; }
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    /// Uniform integer in [0, n), unbiased (rejection of the incomplete last block).
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t v = m_gen();
        while (v >= limit)
            v = m_gen();
        return v % n;
    }
    /// Standard normal (Box-Muller, one value per call).
    double normal() {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
    }
    /// Index drawn with the given cumulative weights (last element = total).
    std::size_t pick(const std::vector<double>& cumulative) {
        const double u = uniform() * cumulative.back();
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
        return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                     cumulative.size() - 1);
    }

private:
    std::mt19937_64 m_gen;
};

std::vector<double> cumulative(const std::vector<double>& weights) {
    std::vector<double> c(weights.size());
    std::partial_sum(weights.begin(), weights.end(), c.begin());
    return c;
}

/// An open ring (first vertex not repeated), counter-clockwise, in UTM metres.
struct Ring {
    std::vector<double> x, y;
    std::size_t size() const noexcept { return x.size(); }
};

double ring_area(const Ring& r) {
    double a = 0;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
        a += r.x[j] * r.y[i] - r.x[i] * r.y[j];
    return a / 2.0;
}

/// Even-odd point-in-polygon.
bool inside(const Ring& r, double px, double py) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        if ((r.y[i] > py) == (r.y[j] > py)) continue;
        const double xi = r.x[j] + (py - r.y[j]) * (r.x[i] - r.x[j]) / (r.y[i] - r.y[j]);
        if (px < xi) in = !in;
    }
    return in;
}

/// A star-shaped outline: r(θ) = R·exp(Σ a_k cos(kθ + φ_k) + jitter), one vertex per equal
/// step of θ, so it is simple whatever the draws; R is scaled to the requested area.
Ring make_outline(Random& rnd, double cx, double cy, int vertices, double area_m2) {
    struct Harmonic {
        int k;
        double a, phase;
    };
    std::vector<Harmonic> harmonics;
    for (int k = 2; k <= 7; ++k)
        harmonics.push_back({k, rnd.uniform(0.04, 0.12) / std::sqrt(static_cast<double>(k) - 1.0),
                             rnd.uniform(0.0, 2.0 * kPi)});
    const auto n = static_cast<std::size_t>(vertices);
    std::vector<double> theta(n), radius(n);
    for (std::size_t i = 0; i < n; ++i) {
        theta[i] = 2.0 * kPi * static_cast<double>(i) / static_cast<double>(n);
        double e = rnd.uniform(-0.015, 0.015);
        for (const Harmonic& h : harmonics)
            e += h.a * std::cos(h.k * theta[i] + h.phase);
        radius[i] = std::exp(e);
    }
    Ring unit;
    for (std::size_t i = 0; i < n; ++i) {
        unit.x.push_back(radius[i] * std::cos(theta[i]));
        unit.y.push_back(radius[i] * std::sin(theta[i]));
    }
    const double scale = std::sqrt(area_m2 / ring_area(unit));
    Ring out;
    for (std::size_t i = 0; i < n; ++i) {
        out.x.push_back(cx + scale * unit.x[i]);
        out.y.push_back(cy + scale * unit.y[i]);
    }
    return out;
}

struct Box {
    double min_x, min_y, max_x, max_y;
};

Box bbox(const Ring& r) {
    return {*std::min_element(r.x.begin(), r.x.end()), *std::min_element(r.y.begin(), r.y.end()),
            *std::max_element(r.x.begin(), r.x.end()), *std::max_element(r.y.begin(), r.y.end())};
}

/// A uniform point of the box that lies inside the ring.
std::array<double, 2> uniform_inside(Random& rnd, const Ring& r, const Box& b) {
    for (;;) {
        const double x = rnd.uniform(b.min_x, b.max_x);
        const double y = rnd.uniform(b.min_y, b.max_y);
        if (inside(r, x, y)) return {x, y};
    }
}

/// The records, in UTM metres until written.
struct Records {
    std::vector<double> x, y;
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> category;
};

const std::vector<std::string>& categories() {
    static const std::vector<std::string> c{"hurto a personas",
                                            "hurto de celulares",
                                            "lesiones personales",
                                            "hurto a residencias",
                                            "hurto a comercio",
                                            "hurto de motocicletas",
                                            "hurto de automotores",
                                            "violencia intrafamiliar",
                                            "riña",
                                            "homicidio"};
    return c;
}

struct Mix {
    std::int64_t background = 0, uniform = 0, clusters = 0, pile = 0;
};

/// Uniform background over the bounding box (some of it outside the boundary), uniform
/// points inside, Gaussian hot spots of different sizes and weights, and one pile of points
/// on a single coordinate (records geocoded to a police station), then shuffled and sorted
/// by time as police exports usually are.
Records make_points(Random& rnd, const Ring& outline, std::int64_t n, Mix& mix) {
    const Box b = bbox(outline);
    mix.background = n * 8 / 100;
    mix.clusters = n * 40 / 100;
    mix.pile = n * 2 / 1000;
    mix.uniform = n - mix.background - mix.clusters - mix.pile;

    struct Cluster {
        double x, y, sigma;
    };
    std::vector<Cluster> clusters;
    std::vector<double> weights;
    for (int k = 0; k < 24; ++k) {
        const auto c = uniform_inside(rnd, outline, b);
        clusters.push_back({c[0], c[1], rnd.uniform(120.0, 900.0)});
        weights.push_back(1.0 / std::pow(static_cast<double>(k) + 1.0, 0.8));
    }
    const std::vector<double> cluster_cdf = cumulative(weights);
    const auto station = uniform_inside(rnd, outline, b);

    Records r;
    const auto total = static_cast<std::size_t>(n);
    r.x.reserve(total);
    r.y.reserve(total);
    for (std::int64_t i = 0; i < mix.background; ++i) {
        r.x.push_back(rnd.uniform(b.min_x, b.max_x));
        r.y.push_back(rnd.uniform(b.min_y, b.max_y));
    }
    for (std::int64_t i = 0; i < mix.uniform; ++i) {
        const auto p = uniform_inside(rnd, outline, b);
        r.x.push_back(p[0]);
        r.y.push_back(p[1]);
    }
    for (std::int64_t i = 0; i < mix.clusters; ++i) {
        const Cluster& c = clusters[rnd.pick(cluster_cdf)];
        double x = 0, y = 0;
        do {
            x = c.x + c.sigma * rnd.normal();
            y = c.y + c.sigma * rnd.normal();
        } while (x < b.min_x || x > b.max_x || y < b.min_y || y > b.max_y);
        r.x.push_back(x);
        r.y.push_back(y);
    }
    for (std::int64_t i = 0; i < mix.pile; ++i) {
        r.x.push_back(station[0]);
        r.y.push_back(station[1]);
    }

    // Times: 2023-2024, evenings more likely. Categories: skewed towards theft.
    const std::int64_t first_day = vigia::io::days_from_civil(2023, 1, 1);
    const std::int64_t days = vigia::io::days_from_civil(2025, 1, 1) - first_day;
    const std::vector<double> hour_cdf = cumulative(
        {3, 2, 1.5, 1, 1, 1.5, 3, 4, 4, 4, 4, 4.5, 5, 5, 5, 5, 5.5, 6, 7, 7.5, 7, 6, 5, 4});
    const std::vector<double> category_cdf = cumulative({30, 22, 14, 9, 8, 6, 4, 4, 2.5, 0.5});
    r.time.resize(total);
    r.category.resize(total);
    for (std::size_t i = 0; i < total; ++i) {
        const auto day =
            first_day + static_cast<std::int64_t>(rnd.below(static_cast<std::uint64_t>(days)));
        const auto hour = static_cast<std::int64_t>(rnd.pick(hour_cdf));
        const auto minute = static_cast<std::int64_t>(rnd.below(60));
        r.time[i] = day * 86400 + hour * 3600 + minute * 60;
        r.category[i] = static_cast<std::uint8_t>(rnd.pick(category_cdf));
    }

    // Fisher-Yates (std::shuffle's algorithm is unspecified), then a stable sort by time.
    std::vector<std::size_t> order(total);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = total; i > 1; --i)
        std::swap(order[i - 1], order[rnd.below(i)]);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t c) { return r.time[a] < r.time[c]; });
    Records sorted;
    for (std::size_t i : order) {
        sorted.x.push_back(r.x[i]);
        sorted.y.push_back(r.y[i]);
        sorted.time.push_back(r.time[i]);
        sorted.category.push_back(r.category[i]);
    }
    return sorted;
}

/// UTM metres → longitude/latitude, rounded to 1e-7° (~1 cm) so that the GeoPackage and the
/// CSV (written with 7 decimals) hold exactly the same doubles.
void to_lonlat(const OGRSpatialReference& utm, const OGRSpatialReference& wgs84,
               std::vector<double>& x, std::vector<double>& y, bool round) {
    auto ct = vigia::io::make_transform(utm, wgs84);
    std::vector<std::uint8_t> ok;
    vigia::io::transform_points(*ct, x, y, ok);
    if (std::find(ok.begin(), ok.end(), std::uint8_t{0}) != ok.end())
        throw std::runtime_error{"a point could not be converted to longitude/latitude"};
    if (!round) return;
    for (double& v : x)
        v = std::round(v * 1e7) / 1e7;
    for (double& v : y)
        v = std::round(v * 1e7) / 1e7;
}

void remove_gpkg(const fs::path& p) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        fs::remove(p.string() + suffix);
}

GDALDatasetUniquePtr create_gpkg(const fs::path& path) {
    remove_gpkg(path);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw std::runtime_error{"GDAL has no GPKG driver"};
    GDALDatasetUniquePtr ds{drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr)};
    if (!ds)
        throw std::runtime_error{
            fmt::format("{}: cannot create: {}", path.string(), CPLGetLastErrorMsg())};
    return ds;
}

void check(OGRErr err, const std::string& what) {
    if (err != OGRERR_NONE)
        throw std::runtime_error{fmt::format("{}: {}", what, CPLGetLastErrorMsg())};
}

/// Closes a dataset and reports a failed flush (GDAL 3.6 reports it only through CPLError).
void close(GDALDatasetUniquePtr& ds, const fs::path& path) {
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() >= CE_Failure)
        throw std::runtime_error{
            fmt::format("{}: closing failed: {}", path.string(), CPLGetLastErrorMsg())};
}

/// The boundary in lon/lat: one polygon, or `units` sectors from the centre sharing their
/// vertices exactly (their union is the outline).
void write_boundary(const fs::path& path, const Ring& outline, double cx, double cy, int units,
                    const OGRSpatialReference& utm, const OGRSpatialReference& wgs84) {
    std::vector<double> x = outline.x, y = outline.y;
    x.push_back(cx);
    y.push_back(cy);
    to_lonlat(utm, wgs84, x, y, false);
    const std::size_t n = outline.size(), centre = n;

    GDALDatasetUniquePtr ds = create_gpkg(path);
    OGRLayer* layer =
        ds->CreateLayer("boundary", const_cast<OGRSpatialReference*>(&wgs84), wkbPolygon, nullptr);
    if (!layer) throw std::runtime_error{fmt::format("{}: cannot create the layer", path.string())};
    OGRFieldDefn name{"name", OFTString};
    check(layer->CreateField(&name), "creating field name");
    const auto k = static_cast<std::size_t>(units);
    for (std::size_t u = 0; u < k; ++u) {
        OGRLinearRing ring;
        if (k == 1) {
            for (std::size_t i = 0; i < n; ++i)
                ring.addPoint(x[i], y[i]);
        } else {
            ring.addPoint(x[centre], y[centre]);
            for (std::size_t i = u * n / k; i <= (u + 1) * n / k; ++i)
                ring.addPoint(x[i % n], y[i % n]);
        }
        ring.closeRings();
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRFeature f{layer->GetLayerDefn()};
        f.SetField(0, k == 1 ? "Ciudad Sintética" : fmt::format("Localidad {:02}", u + 1).c_str());
        f.SetGeometry(&poly);
        check(layer->CreateFeature(&f), "writing the boundary");
    }
    close(ds, path);
}

void write_points_gpkg(const fs::path& path, const Records& r, const OGRSpatialReference& wgs84) {
    GDALDatasetUniquePtr ds = create_gpkg(path);
    OGRLayer* layer =
        ds->CreateLayer("incidents", const_cast<OGRSpatialReference*>(&wgs84), wkbPoint, nullptr);
    if (!layer) throw std::runtime_error{fmt::format("{}: cannot create the layer", path.string())};
    OGRFieldDefn id{"id", OFTInteger64}, fecha{"fecha", OFTDateTime}, delito{"delito", OFTString};
    check(layer->CreateField(&id), "creating field id");
    check(layer->CreateField(&fecha), "creating field fecha");
    check(layer->CreateField(&delito), "creating field delito");
    check(ds->StartTransaction(), "starting a transaction");
    OGRFeature f{layer->GetLayerDefn()};
    for (std::size_t i = 0; i < r.x.size(); ++i) {
        f.Reset();
        const auto t = vigia::io::from_seconds(r.time[i]);
        f.SetField(0, static_cast<GIntBig>(i + 1));
        f.SetField(1, t.year, t.month, t.day, t.hour, t.minute, static_cast<float>(t.second), 0);
        f.SetField(2, categories()[r.category[i]].c_str());
        f.SetGeometryDirectly(new OGRPoint{r.x[i], r.y[i]});
        f.SetFID(OGRNullFID);
        check(layer->CreateFeature(&f), "writing a point");
    }
    check(ds->CommitTransaction(), "committing the points");
    close(ds, path);
}

void write_points_csv(const fs::path& path, const Records& r) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(path.c_str(), "wb"),
                                                               &std::fclose};
    if (!file)
        throw std::runtime_error{
            fmt::format("{}: cannot create: {}", path.string(), std::strerror(errno))};
    fmt::memory_buffer buf;
    auto flush = [&] {
        if (std::fwrite(buf.data(), 1, buf.size(), file.get()) != buf.size())
            throw std::runtime_error{fmt::format("{}: write failed", path.string())};
        buf.clear();
    };
    fmt::format_to(std::back_inserter(buf), "id,lon,lat,fecha,delito\n");
    for (std::size_t i = 0; i < r.x.size(); ++i) {
        const auto t = vigia::io::from_seconds(r.time[i]);
        fmt::format_to(std::back_inserter(buf),
                       "{},{:.7f},{:.7f},{:04}-{:02}-{:02} {:02}:{:02}:{:02},{}\n", i + 1, r.x[i],
                       r.y[i], t.year, t.month, t.day, t.hour, t.minute, t.second,
                       categories()[r.category[i]]);
        if (buf.size() > (1 << 20)) flush();
    }
    flush();
    if (std::fflush(file.get()) != 0)
        throw std::runtime_error{fmt::format("{}: write failed", path.string())};
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out{path, std::ios::binary};
    out << text;
    out.close();
    if (!out) throw std::runtime_error{fmt::format("{}: cannot write", path.string())};
}

std::string manifest(const Options& o, const std::string& grid, bool csv) {
    const std::string incidents =
        csv ? R"({ path = "points.csv", x = "lon", y = "lat", crs = "EPSG:4326", time = "fecha", category = "delito" })"
            : R"({ path = "points.gpkg", layer = "incidents", time = "fecha", category = "delito" })";
    return fmt::format(
        R"(# Generated by vigia_bench_make_city ({} points, seed {}): bench/run.sh times it.
[analysis]
grid = "{}"
cell_size_m = 100
crs = "auto"

[[city]]
name = "Ciudad Sintética"
slug = "bench"
boundary = {{ path = "boundary.gpkg", name_field = "name" }}
incidents = {}
)",
        o.points, o.seed, grid, incidents);
}

std::string read_text(const fs::path& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

int run(const Options& o) {
    const fs::path stamp = o.out / "params.txt";
    if (o.reuse && fs::exists(stamp) && read_text(stamp) == o.stamp()) {
        fmt::print("{}: up to date ({} points, seed {})\n", o.out.string(), o.points, o.seed);
        return 0;
    }
    fs::create_directories(o.out);
    fs::remove(stamp);
    vigia::io::register_gdal();
    const auto utm = vigia::io::make_srs(kUtm, "utm");
    const auto wgs84 = vigia::io::make_srs("EPSG:4326", "wgs84");

    double cx = kCentreLon, cy = kCentreLat;
    {
        auto ct = vigia::io::make_transform(*wgs84, *utm);
        if (!ct->Transform(1, &cx, &cy)) throw std::runtime_error{"cannot project the centre"};
    }
    Random rnd{o.seed};
    const Ring outline = make_outline(rnd, cx, cy, o.vertices, o.area_km2 * 1e6);
    Mix mix;
    Records r = make_points(rnd, outline, o.points, mix);
    std::size_t in = 0;
    for (std::size_t i = 0; i < r.x.size(); ++i)
        in += inside(outline, r.x[i], r.y[i]) ? 1 : 0;

    const Box b = bbox(outline);
    write_boundary(o.out / "boundary.gpkg", outline, cx, cy, o.units, *utm, *wgs84);
    to_lonlat(*utm, *wgs84, r.x, r.y, true);
    write_points_gpkg(o.out / "points.gpkg", r, *wgs84);
    write_points_csv(o.out / "points.csv", r);
    for (const char* grid : {"square", "hex"}) {
        write_text(o.out / fmt::format("gpkg_{}.toml", grid), manifest(o, grid, false));
        write_text(o.out / fmt::format("csv_{}.toml", grid), manifest(o, grid, true));
    }
    write_text(stamp, o.stamp());

    fmt::print("{}: boundary {:.1f} km² ({} vertices, {} unit{}, bbox {:.1f} x {:.1f} km, {})\n",
               o.out.string(), ring_area(outline) * 1e-6, o.vertices, o.units,
               o.units == 1 ? "" : "s", (b.max_x - b.min_x) / 1e3, (b.max_y - b.min_y) / 1e3, kUtm);
    fmt::print("  {} points: {} background, {} uniform, {} in 24 hot spots, {} on one coordinate; "
               "{:.1f}% inside the boundary\n",
               o.points, mix.background, mix.uniform, mix.clusters, mix.pile,
               100.0 * static_cast<double>(in) / static_cast<double>(o.points));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_options(argc, argv));
    } catch (const UsageError& e) {
        std::fprintf(stderr, "vigia_bench_make_city: %s\n\n%s", e.what(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vigia_bench_make_city: %s\n", e.what());
        return 1;
    }
}
