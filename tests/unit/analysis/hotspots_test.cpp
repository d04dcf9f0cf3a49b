#include "analysis/hotspots.hpp"

#include "analysis/global_stats.hpp"
#include "analysis/local_stats.hpp"
#include "analysis/scale.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;
using vigia::test::wkb;

TEST(HotAreas, ContiguousHotCellsAreDissolvedIntoOneAreaEach) {
    const Grid g = build_grid({GridShape::square, 100},
                              make_boundary({wkb("POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))")}));
    std::vector<std::int8_t> cls(g.size(), 0);
    std::vector<double> counts(g.size(), 1.0), z(g.size(), 0.0);
    // Block A: cells (1,1),(2,1),(2,2) — B: (7,7) alone; (5,5) class 1 is not hot enough.
    auto at = [&](int c, int r) { return static_cast<std::size_t>(r * 10 + c); };
    for (auto i : {at(1, 1), at(2, 1), at(2, 2)}) {
        cls[i] = 3;
        counts[i] = 10;
        z[i] = 4;
    }
    cls[at(7, 7)] = 2;
    counts[at(7, 7)] = 5;
    z[at(7, 7)] = 2.1;
    cls[at(5, 5)] = 1;
    const auto areas = hot_areas(g, grid_ring(g, false), cls, counts, z);
    ASSERT_EQ(areas.size(), 2u);
    EXPECT_EQ(areas[0].cells.size(), 3u);
    EXPECT_DOUBLE_EQ(areas[0].count, 30);
    EXPECT_NEAR(areas[0].area_km2, 0.03, 1e-12);
    EXPECT_NEAR(areas[0].share, 30.0 / (97 + 30 + 4), 1e-12);
    EXPECT_DOUBLE_EQ(areas[0].peak_z, 4);
    EXPECT_EQ(areas[1].cells, (std::vector<std::int32_t>{static_cast<std::int32_t>(at(7, 7))}));
    EXPECT_FALSE(areas[0].geometry.empty());
}

TEST(Scale, DistanceBandsOnTheLatticeEqualExplicitWeights) {
    const Grid g = build_grid({GridShape::hex, 100},
                              make_boundary({wkb("POLYGON((0 0,2000 0,2000 1500,0 1500,0 0))")}));
    std::mt19937_64 rng{5};
    std::poisson_distribution<int> pois{1.5};
    std::vector<double> x(g.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = pois(rng) + (std::hypot(g.cx[i] - 600, g.cy[i] - 700) < 300 ? 6 : 0);
    const ScaleChoice s = incremental_autocorrelation(g, x, 5);
    ASSERT_EQ(s.distances.size(), 5u);
    EXPECT_NEAR(s.distances[0], 100, 1e-6);
    for (std::size_t k = 0; k < s.distances.size(); ++k) {
        const GlobalTest t = moran_i(x, distance_band(g.cx, g.cy, s.distances[k], false));
        EXPECT_NEAR(s.z[k], t.z, 1e-9 * std::abs(t.z)) << "band " << s.distances[k];
    }
    EXPECT_GT(s.chosen_m, 0);
    EXPECT_FALSE(s.rule.empty());
}

TEST(PlantedClusters, EveryPlantedClusterIsFoundAndNoneElsewhere) {
    // A 6 x 6 km city, 250 m hexagons, a uniform background of 3,000 incidents and three
    // planted clusters of 150 incidents (sd 120 m). Fixed seed: the same answer every run.
    const Boundary b = make_boundary({wkb("POLYGON((0 0,6000 0,6000 6000,0 6000,0 0))")});
    const Grid g = build_grid({GridShape::hex, 250}, b);
    std::mt19937_64 rng{2024};
    std::uniform_real_distribution<double> u{0, 6000};
    std::normal_distribution<double> nd{0, 120};
    const std::vector<std::array<double, 2>> planted{{1500, 1500}, {4500, 2000}, {3000, 4800}};
    std::vector<double> counts(g.size(), 0.0);
    auto drop = [&](double x, double y) {
        const auto c = g.cell_at(x, y);
        if (c >= 0 && g.covers(c, x, y)) counts[c] += 1;
    };
    for (int i = 0; i < 3000; ++i)
        drop(u(rng), u(rng));
    for (const auto& p : planted)
        for (int i = 0; i < 150; ++i)
            drop(p[0] + nd(rng), p[1] + nd(rng));
    const Weights w = grid_ring(g, true);
    const auto z = gi_star_z(counts, w);
    std::vector<double> p(z.size());
    for (std::size_t i = 0; i < z.size(); ++i)
        p[i] = two_sided_p(z[i]);
    const auto cls = confidence_classes(z, p, true);
    const auto areas = hot_areas(g, without_self(w), cls, counts, z);
    // Every planted centre lies in a hot area; every hot area lies near a planted centre.
    for (const auto& c : planted) {
        const auto cell = g.cell_at(c[0], c[1]);
        EXPECT_GE(cls[cell], 2) << "planted cluster at " << c[0] << "," << c[1] << " missed";
    }
    for (const auto& a : areas)
        for (auto cell : a.cells) {
            double nearest = 1e18;
            for (const auto& c : planted)
                nearest = std::min(nearest, std::hypot(g.cx[cell] - c[0], g.cy[cell] - c[1]));
            EXPECT_LT(nearest, 700) << "hot cell far from any planted cluster";
        }
    EXPECT_EQ(areas.size(), 3u);
}
