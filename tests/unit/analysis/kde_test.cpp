#include "analysis/kde.hpp"

#include "analysis/error.hpp"
#include "tests/support/csv.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace vigia::analysis;
using vigia::test::Csv;
using vigia::test::reference;

namespace {
Kernel kernel_of(const std::string& name) {
    return name == "quartic" ? Kernel::quartic : Kernel::gaussian;
}
} // namespace

TEST(Kde, DensityAtPixelCentresMatchesSpatstat) {
    // spatstat densityfun.ppp, edge = FALSE: the exact kernel sum (tests/reference/README.md).
    const Csv pts{reference("points200.csv")};
    const Csv grid{reference("density_grid.csv")};
    const auto x = pts.column("x"), y = pts.column("y");
    for (const char* k : {"gaussian", "quartic"}) {
        const auto rows = grid.where("kernel", k);
        ASSERT_FALSE(rows.empty());
        // Vigía's quartic bandwidth is the support radius h; its Gaussian bandwidth is sigma.
        const double bw =
            std::string{k} == "quartic" ? grid.number(rows[0], "h") : grid.number(rows[0], "sigma");
        std::vector<double> px, py;
        for (auto r : rows) {
            px.push_back(grid.number(r, "x"));
            py.push_back(grid.number(r, "y"));
        }
        const auto got = kernel_density_at(px, py, x, y, kernel_of(k), bw);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const double want = grid.number(rows[i], "value");
            EXPECT_NEAR(got[i], want, std::max(1e-9 * want, 1e-15)) << k << " pixel " << i + 1;
        }
    }
}

TEST(Kde, RasterAgreesWithTheExactSumAndIsPerSquareKilometre) {
    const Csv pts{reference("points200.csv")};
    const auto x = pts.column("x"), y = pts.column("y");
    const Boundary b =
        make_boundary({vigia::test::wkb("POLYGON((0 0,1000 0,1000 500,0 500,0 0))")});
    Raster r = boundary_raster(b, 50);
    ASSERT_EQ(r.cols, 20);
    ASSERT_EQ(r.rows, 10);
    EXPECT_EQ(std::accumulate(r.inside.begin(), r.inside.end(), 0), 200);
    kernel_density(r, x, y, Kernel::quartic, 150);
    const Csv grid{reference("density_grid.csv")};
    for (auto row : grid.where("kernel", "quartic")) {
        const int ix = static_cast<int>(grid.number(row, "ix")) - 1;
        const int iy = static_cast<int>(grid.number(row, "iy")) - 1; // 1 = south
        const double got = r.values[static_cast<std::size_t>((r.rows - 1 - iy) * r.cols + ix)];
        const double want = grid.number(row, "value") * 1e6;
        EXPECT_NEAR(got, want, std::max(1e-9 * want, 1e-9)) << "pixel " << ix << "," << iy;
    }
}

TEST(Kde, KernelsIntegrateToOne) {
    for (Kernel k : {Kernel::quartic, Kernel::gaussian}) {
        const double bw = 100, step = 2.0, reach = kernel_radius(k, bw);
        double sum = 0;
        for (double dx = -reach; dx <= reach; dx += step)
            for (double dy = -reach; dy <= reach; dy += step)
                sum += kernel_value(k, bw, dx * dx + dy * dy);
        EXPECT_NEAR(sum * step * step, 1.0, 2e-3) << to_string(k);
    }
}

TEST(Kde, SilvermanBandwidthFollowsArcGISRule) {
    // Four points on a square of side 2 around (0,0): SD = √2, Dm = √2, n = 4.
    const double h = silverman_bandwidth({-1, 1, 1, -1}, {-1, -1, 1, 1});
    const double want = 0.9 *
                        std::min(std::sqrt(2.0), std::sqrt(1 / std::log(2.0)) * std::sqrt(2.0)) *
                        std::pow(4.0, -0.2);
    EXPECT_NEAR(h, want, 1e-12);
    EXPECT_EQ(silverman_bandwidth({1}, {1}), 0.0);
}

TEST(Kde, VolumeThresholdsHoldTheirShare) {
    Raster r;
    r.cols = 4;
    r.rows = 1;
    r.pixel = 1;
    r.values = {10, 5, 3, 2};
    r.inside = {1, 1, 1, 1};
    const auto t = volume_thresholds(r, {0.5, 0.75, 0.9});
    EXPECT_EQ(t, (std::vector<double>{10, 5, 3})); // 10/20 = 50 %, 15/20 = 75 %, 18/20 = 90 %
}

TEST(Kde, ANonPositiveBandwidthIsAClearError) {
    Raster r;
    r.cols = r.rows = 1;
    r.pixel = 1;
    r.values = {0};
    r.inside = {1};
    EXPECT_THROW(kernel_density(r, {0}, {0}, Kernel::quartic, 0), vigia::InputError);
}
