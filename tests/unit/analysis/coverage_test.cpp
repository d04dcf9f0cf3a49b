#include "analysis/coverage.hpp"

#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;
using vigia::test::wkb;

namespace {
Facilities points(const std::vector<std::array<double, 2>>& xy) {
    Facilities f;
    for (const auto& p : xy) {
        f.wkb.push_back(wkb("POINT(" + std::to_string(p[0]) + " " + std::to_string(p[1]) + ")"));
        f.names.push_back("f" + std::to_string(f.names.size() + 1));
    }
    return f;
}
Boundary square(double size) {
    const std::string s = std::to_string(size);
    return make_boundary({wkb("POLYGON((0 0," + s + " 0," + s + " " + s + ",0 " + s + ",0 0))")});
}
} // namespace

TEST(Coverage, DistanceToPointsAndPolygons) {
    Facilities f = points({{0, 0}, {100, 0}});
    f.wkb.push_back(wkb("POLYGON((500 500,600 500,600 600,500 600,500 500))"));
    f.names.push_back("park");
    const FacilityIndex idx{f};
    EXPECT_DOUBLE_EQ(idx.nearest(30, 40), 50);    // 3-4-5 to the first point
    EXPECT_DOUBLE_EQ(idx.nearest(550, 550), 0);   // inside the park
    EXPECT_DOUBLE_EQ(idx.nearest(550, 700), 100); // 100 m north of the park's edge
    // A point exactly on the radius is within it.
    EXPECT_EQ(idx.within(30, 40, 50), (std::vector<std::int32_t>{0}));
    EXPECT_EQ(idx.within(50, 0, 50), (std::vector<std::int32_t>{0, 1}));
    EXPECT_TRUE(idx.within(1000, 1000, 50).empty());
    EXPECT_TRUE(std::isinf(FacilityIndex{Facilities{}}.nearest(0, 0)));
}

TEST(Coverage, DistanceSummaryUsesInterpolatedQuantiles) {
    const DistanceSummary s = summarise({10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
    EXPECT_DOUBLE_EQ(s.mean, 55);
    EXPECT_DOUBLE_EQ(s.median, 55);
    EXPECT_DOUBLE_EQ(s.p90, 91); // h = 9 · 0.9 = 8.1 → 90 + 0.1 · 10
    EXPECT_TRUE(std::isnan(summarise({}).mean));
}

TEST(Coverage, ServiceAreaIsTheUnionOfDiscsClippedToTheBoundary) {
    const Boundary b = square(10000);
    // One disc well inside: π r² (the 32-segment buffer is within 0.1 %).
    EXPECT_NEAR(service_area(points({{5000, 5000}}), 1000, b).area_km2, M_PI, M_PI * 1e-3);
    // Centred on the boundary's corner: a quarter of the disc is inside.
    EXPECT_NEAR(service_area(points({{0, 0}}), 1000, b).area_km2, M_PI / 4, M_PI * 1e-3);
    // Overlapping discs are counted once: two discs 1000 m apart, radius 1000 m.
    const double lens = 2 * std::acos(0.5) - 0.5 * std::sqrt(3.0); // overlap for d = r = 1 km
    EXPECT_NEAR(service_area(points({{5000, 5000}, {6000, 5000}}), 1000, b).area_km2,
                2 * M_PI - lens, 2 * M_PI * 1e-3);
    // A facility outside the boundary still covers the part of its disc inside it.
    EXPECT_NEAR(service_area(points({{-500, 5000}}), 1000, b).area_km2,
                std::acos(0.5) - 0.5 * std::sqrt(0.75), 1e-2);
    EXPECT_DOUBLE_EQ(service_area(Facilities{}, 1000, b).area_km2, 0);
}

TEST(Coverage, CoveredFractionOfCells) {
    const Boundary b = square(1000);
    const Grid g = build_grid({GridShape::square, 500}, b);
    // A polygon facility covering the west half exactly, radius tiny: west cells 1, east 0.
    Facilities park;
    park.wkb = {wkb("POLYGON((0 0,500 0,500 1000,0 1000,0 0))")};
    park.names = {"park"};
    const ServiceArea sa = service_area(park, 1e-6, b);
    const auto f = covered_fraction(g, sa.wkb);
    EXPECT_NEAR(f[g.cell_at(100, 100)], 1.0, 1e-6);
    EXPECT_NEAR(f[g.cell_at(900, 100)], 0.0, 1e-6);
    // Covering half of a cell.
    park.wkb = {wkb("POLYGON((0 0,250 0,250 1000,0 1000,0 0))")};
    const auto h = covered_fraction(g, service_area(park, 1e-6, b).wkb);
    EXPECT_NEAR(h[g.cell_at(100, 100)], 0.5, 1e-6);
}

TEST(Coverage, ApportionSpreadsValuesByAreaAndReportsOverlapsAndGaps) {
    const Boundary b = square(1000);
    const Grid g = build_grid({GridShape::square, 500}, b);
    // Source A covers the south half (100 residents), source B the north-west quarter and a
    // strip overlapping A (50 residents); the north-east quarter has nobody.
    const std::vector<Wkb> sources{wkb("POLYGON((0 0,1000 0,1000 500,0 500,0 0))"),
                                   wkb("POLYGON((0 400,500 400,500 1000,0 1000,0 400))")};
    const Apportioned a = apportion(sources, {100, 50}, g.geometry, b);
    EXPECT_NEAR(a.values[g.cell_at(100, 100)], 50 + 50 * (100.0 * 500) / (600.0 * 500), 1e-9);
    EXPECT_NEAR(a.values[g.cell_at(900, 100)], 50, 1e-9);
    EXPECT_NEAR(a.values[g.cell_at(100, 900)], 50 * 500.0 / 600.0, 1e-9);
    EXPECT_NEAR(a.values[g.cell_at(900, 900)], 0, 1e-9);
    EXPECT_NEAR(a.overlap_km2, 0.05, 1e-9); // 500 x 100 m counted twice
    EXPECT_NEAR(a.gap_km2, 0.25, 1e-9);     // the north-east quarter
    EXPECT_NEAR(a.outside, 0, 1e-9);
}

TEST(MaxCover, GreedyOnAHandWorkedInstance) {
    // Demand on a line; radius 1: candidate at 1 covers {0,1,2} (weight 6), at 5 covers
    // {4,5,6} (weight 9), at 2 covers {1,2,3} (weight 7).
    const std::vector<double> dx{0, 1, 2, 3, 4, 5, 6}, dy(7, 0.0), w{1, 2, 3, 2, 3, 3, 3};
    const std::vector<double> cx{1, 5, 2}, cy(3, 0.0);
    const Siting s = greedy_max_cover(dx, dy, w, cx, cy, 1.0, 2);
    ASSERT_EQ(s.sites.size(), 2u);
    EXPECT_EQ(s.sites[0].candidate, 1);
    EXPECT_DOUBLE_EQ(s.sites[0].gain, 9);
    EXPECT_EQ(s.sites[1].candidate, 2); // 7 new (1, 2, 3) against 6 for candidate 0
    EXPECT_DOUBLE_EQ(s.sites[1].cumulative, 16);
    EXPECT_DOUBLE_EQ(s.upper_bound, 16);
    EXPECT_DOUBLE_EQ(s.total, 17);
}

TEST(MaxCover, GreedyIsCheckedAgainstExhaustiveSearchOnSmallInstances) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        std::mt19937_64 rng{seed};
        std::uniform_real_distribution<double> u{0, 1000};
        std::uniform_int_distribution<int> wt{1, 9};
        std::vector<double> dx, dy, w, cx, cy;
        for (int i = 0; i < 40; ++i) {
            dx.push_back(u(rng));
            dy.push_back(u(rng));
            w.push_back(wt(rng));
        }
        for (int j = 0; j < 12; ++j) {
            cx.push_back(u(rng));
            cy.push_back(u(rng));
        }
        const Siting g = greedy_max_cover(dx, dy, w, cx, cy, 250, 3);
        const Siting best = exhaustive_max_cover(dx, dy, w, cx, cy, 250, 3);
        const double greedy = g.sites.empty() ? 0 : g.sites.back().cumulative;
        const double optimum = best.sites.empty() ? 0 : best.sites.back().cumulative;
        EXPECT_LE(greedy, optimum + 1e-9) << "seed " << seed;
        EXPECT_GE(greedy, (1 - 1 / M_E) * optimum - 1e-9) << "seed " << seed; // Nemhauser et al.
        EXPECT_GE(g.upper_bound, optimum - 1e-9) << "seed " << seed;          // the bound holds
    }
}
