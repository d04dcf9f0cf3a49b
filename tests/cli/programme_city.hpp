#pragma once
/// \file
/// A generated city for evaluating a prevention programme (issue 13): a 6 km × 6 km square in
/// EPSG:32614 with five point sites, and two years of incidents, month by month, drawn from a
/// seeded Poisson in each site's target (within 295 m of the site), its buffer ring (305–595
/// m) and the rest of the city (the control, beyond 605 m of every site). The margins keep
/// every incident clear of the polygon edges (a 300 m disc is a 128-gon), so the expected
/// counts per area are known exactly. Header-only, like cli_helpers.hpp.

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace vigia::test::cli {

struct ProgrammeCity {
    /// Planted monthly means before and after the start (2015-01-01).
    double target_before = 40, target_after = 28; ///< a 30% fall
    double buffer_before = 60, buffer_after = 66; ///< a 10% rise: displacement
    double control = 400;                         ///< the same every month
    std::uint64_t seed = 20150101;

    static constexpr double kX0 = 480000, kY0 = 2130000, kSide = 6000;
    static constexpr int kSites = 5;
    static constexpr std::array<std::array<double, 2>, kSites> kSite{
        {{1500, 1500}, {4500, 1500}, {1500, 4500}, {4500, 4500}, {3000, 3000}}};

    /// What was drawn: per site, the target's and buffer's counts before and after; the
    /// control's.
    struct Drawn {
        std::array<std::array<double, 2>, kSites> target{}, buffer{};
        std::array<double, 2> control{};
    } drawn;

    /// Writes boundary.geojson, sites.geojson and incidents.csv (x, y, fecha) into `dir`.
    void write(const std::filesystem::path& dir) {
        std::mt19937_64 rng{seed};
        auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53; };
        auto poisson = [&](double mean) {
            const double limit = std::exp(-mean);
            double product = uniform(), k = 0;
            while (product > limit) {
                product *= uniform();
                ++k;
            }
            return k;
        };
        // Knuth's method needs exp(-mean) > 0: large means as a sum of small ones.
        auto draw = [&](double mean) {
            double k = 0;
            for (; mean > 50; mean -= 50)
                k += poisson(50);
            return k + poisson(mean);
        };
        std::ofstream csv{dir / "incidents.csv"};
        csv << "x,y,fecha\n";
        auto emit = [&](double x, double y, int year, int month) {
            const int day = 1 + static_cast<int>(uniform() * 28);
            char date[32];
            std::snprintf(date, sizeof date, "%04d-%02d-%02d 12:00:00", year, month, day);
            csv << std::to_string(kX0 + x) << ',' << std::to_string(kY0 + y) << ',' << date << '\n';
        };
        auto ring = [&](std::size_t s, double r0, double r1, int year, int month) {
            const double r = std::sqrt(r0 * r0 + uniform() * (r1 * r1 - r0 * r0));
            const double a = 2 * M_PI * uniform();
            emit(kSite[s][0] + r * std::cos(a), kSite[s][1] + r * std::sin(a), year, month);
        };
        for (int m = 0; m < 24; ++m) {
            const int year = 2014 + m / 12, month = m % 12 + 1;
            const int after = m >= 12 ? 1 : 0;
            for (std::size_t s = 0; s < kSites; ++s) {
                const double t = draw(after ? target_after : target_before);
                const double b = draw(after ? buffer_after : buffer_before);
                drawn.target[s][after] += t;
                drawn.buffer[s][after] += b;
                for (double i = 0; i < t; ++i)
                    ring(s, 0, 295, year, month);
                for (double i = 0; i < b; ++i)
                    ring(s, 305, 595, year, month);
            }
            const double c = draw(control);
            drawn.control[after] += c;
            for (double i = 0; i < c;) {
                const double x = 10 + uniform() * (kSide - 20), y = 10 + uniform() * (kSide - 20);
                bool clear = true;
                for (const auto& site : kSite)
                    clear = clear && std::hypot(x - site[0], y - site[1]) > 605;
                if (!clear) continue;
                emit(x, y, year, month);
                ++i;
            }
        }
        std::ofstream boundary{dir / "boundary.geojson"};
        boundary << header() << R"({"type":"Feature","properties":{"nombre":"Ciudad generada"},)"
                 << R"("geometry":{"type":"Polygon","coordinates":[[)" << coord(0, 0) << ','
                 << coord(kSide, 0) << ',' << coord(kSide, kSide) << ',' << coord(0, kSide) << ','
                 << coord(0, 0) << "]]}}]}";
        write_sites(dir / "sites.geojson",
                    {"2015-01-01", "2015-01-01", "2015-01-01", "2015-01-01", "2015-01-01"});
    }

    /// The five sites with the given start texts ("" writes a null start).
    static void write_sites(const std::filesystem::path& path,
                            const std::vector<std::string>& starts,
                            const std::vector<std::array<double, 2>>& at = {}) {
        std::ofstream out{path};
        out << header();
        for (std::size_t s = 0; s < starts.size(); ++s) {
            const auto& p = at.empty() ? kSite[s] : at[s];
            out << (s ? "," : "") << R"({"type":"Feature","properties":{"nombre":"Unidad )" << s + 1
                << R"(","inicio":)"
                << (starts[s].empty() ? std::string{"null"} : "\"" + starts[s] + "\"")
                << R"(},"geometry":{"type":"Point","coordinates":)" << coord(p[0], p[1]) << "}}";
        }
        out << "]}";
    }

    static std::string header() {
        return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
               R"("urn:ogc:def:crs:EPSG::32614"}},"features":[)";
    }
    static std::string coord(double x, double y) {
        return "[" + std::to_string(kX0 + x) + "," + std::to_string(kY0 + y) + "]";
    }
};

} // namespace vigia::test::cli
