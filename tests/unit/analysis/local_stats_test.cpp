#include "analysis/local_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace vigia::analysis;

namespace {
/// A chain 0-1-2-…-(n-1): each feature's neighbours are the features next to it.
Weights chain(std::size_t n, bool self) {
    std::vector<std::vector<std::int32_t>> l(n);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        l[i].push_back(static_cast<std::int32_t>(i + 1));
        l[i + 1].push_back(static_cast<std::int32_t>(i));
    }
    return from_lists(l, self);
}
} // namespace

TEST(FalseDiscoveryRate, BenjaminiHochbergCutOffOnTheTextbookExample) {
    const std::vector<double> p{0.001, 0.008, 0.039, 0.041, 0.042,
                                0.06,  0.074, 0.205, 0.212, 0.216};
    EXPECT_DOUBLE_EQ(bh_cutoff(p, 0.05), 0.008); // 0.039 > 3/10 · 0.05
    EXPECT_DOUBLE_EQ(bh_cutoff(p, 0.10), 0.06);  // 0.06 ≤ 6/10 · 0.10, 0.074 > 7/10 · 0.10
    EXPECT_DOUBLE_EQ(bh_cutoff(p, 0.01), 0.001);
    EXPECT_DOUBLE_EQ(bh_cutoff({0.5, 0.9}, 0.05), -1.0);
    EXPECT_DOUBLE_EQ(bh_cutoff({0.0, 0.9}, 0.05), 0.0); // a p of exactly 0 passes
}

TEST(ConfidenceClasses, FollowArcGISBinsWithAndWithoutFdr) {
    const std::vector<double> p{0.001, 0.008, 0.039, 0.041, 0.042,
                                0.06,  0.074, 0.205, 0.212, 0.216};
    std::vector<double> z(p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
        z[i] = (i % 2 ? -1.0 : 1.0);
    const auto raw = confidence_classes(z, p, false);
    EXPECT_EQ(raw, (std::vector<std::int8_t>{3, -3, 2, -2, 2, -1, 1, 0, 0, 0}));
    // With FDR: 0.01 level cut-off 0.001, 0.05 level 0.008, 0.10 level 0.06.
    const auto fdr = confidence_classes(z, p, true);
    EXPECT_EQ(fdr, (std::vector<std::int8_t>{3, -2, 1, -1, 1, -1, 0, 0, 0, 0}));
}

TEST(ConfidenceClasses, ZScoresSoLargeThatPUnderflowsToZeroAreHotSpots) {
    // erfc(49 / √2) is 0 in double precision: the FDR cut-off is 0 and those cells pass.
    const std::vector<double> z{49.0, 0.1, -0.2};
    const std::vector<double> p{two_sided_p(49.0), two_sided_p(0.1), two_sided_p(-0.2)};
    ASSERT_EQ(p[0], 0.0);
    EXPECT_EQ(confidence_classes(z, p, true), (std::vector<std::int8_t>{3, 0, 0}));
}

TEST(ConfidenceClasses, UndefinedValuesAreNotSignificant) {
    const double nan = std::nan("");
    EXPECT_EQ(confidence_classes({nan, 5.0}, {nan, 1e-9}, true), (std::vector<std::int8_t>{0, 3}));
}

TEST(GiStar, HandWorkedChain) {
    // x = 0,0,6,0,0 on a chain with self: cell 2's neighbourhood {1,2,3} sums 6.
    const std::vector<double> x{0, 0, 6, 0, 0};
    const auto z = gi_star_z(x, chain(5, true));
    // mean 1.2, S = sqrt((36 + 4·0) / 5 - 1.44) = sqrt(5.76) = 2.4; W = 3, S1 = 3, n = 5:
    // z = (6 − 3.6) / (2.4 · sqrt((15 − 9)/4)) = 2.4 / (2.4 · 1.2247…) = 0.8165
    EXPECT_NEAR(z[2], 1.0 / std::sqrt(1.5), 1e-12);
    // End cell 0: neighbourhood {0,1}, sum 0, W = 2: z = (0 − 2.4)/(2.4 · sqrt((10 − 4)/4))
    EXPECT_NEAR(z[0], -1.0 / std::sqrt(1.5), 1e-12);
}

TEST(GiStar, SingleCellAndConstantValuesAreUndefinedNotACrash) {
    EXPECT_TRUE(std::isnan(gi_star_z({4}, from_lists({{}}, true))[0]));
    const auto z = gi_star_z({2, 2, 2, 2}, chain(4, true));
    for (double v : z)
        EXPECT_TRUE(std::isnan(v));
    const LocalMoran lm = local_moran({2, 2, 2, 2}, row_standardised(chain(4, false)));
    for (double v : lm.z)
        EXPECT_TRUE(std::isnan(v));
    const auto pp =
        permutation_p({2, 2, 2, 2}, chain(4, true), row_standardised(chain(4, false)), {99, 1});
    ASSERT_EQ(pp.gi.size(), 4u);
}

TEST(Permutations, AreReproducibleFromTheSeedAndDependOnIt) {
    std::mt19937_64 rng{7};
    std::poisson_distribution<int> pois{2.0};
    std::vector<double> x(200);
    for (double& v : x)
        v = pois(rng);
    const Weights w = chain(200, true);
    const Weights lw = row_standardised(chain(200, false));
    const auto a = permutation_p(x, w, lw, {999, 42});
    const auto b = permutation_p(x, w, lw, {999, 42});
    const auto c = permutation_p(x, w, lw, {999, 43});
    EXPECT_EQ(a.gi, b.gi);
    EXPECT_EQ(a.lisa, b.lisa);
    EXPECT_NE(a.gi, c.gi);
    for (double p : a.gi) {
        EXPECT_GE(p, 1.0 / 1000);
        EXPECT_LE(p, 1.0);
    }
    EXPECT_TRUE(permutation_p(x, w, lw, {0, 42}).gi.empty());
}

TEST(Permutations, AnExtremeNeighbourhoodGetsTheSmallestPseudoP) {
    std::vector<double> x(100, 0.0);
    for (int i = 0; i < 50; ++i)
        x[static_cast<std::size_t>(2 * i)] = 1; // alternating 0/1
    x[50] = 100;
    x[51] = 100;
    x[49] = 100; // cell 50 and both neighbours far above every other value
    const auto p =
        permutation_p(x, chain(100, true), row_standardised(chain(100, false)), {999, 1});
    EXPECT_NEAR(p.gi[50], 1.0 / 1000, 1e-12);
}

TEST(Permutations, TiedZeroNeighbourhoodsAreNotCalledSignificant) {
    // 90 % zeros: a zero cell whose 8 neighbours are zero is ordinary (0.9^8 ≈ 0.43 of random
    // neighbourhoods are all zero too). Counting ties on both sides keeps its pseudo p near
    // 0.43; counting only sim ≥ obs and folding would give 1/(R + 1).
    const std::size_t n = 1000;
    std::vector<double> x(n, 0.0);
    for (std::size_t i = 0; i < n; i += 10)
        x[i] = 1;
    std::vector<std::vector<std::int32_t>> l(n);
    for (std::int32_t j = 1; j <= 8; ++j)
        l[0].push_back(j * 10 + 1); // zeros
    for (std::size_t i = 1; i < n; ++i)
        l[i].push_back(static_cast<std::int32_t>(i - 1));
    x[0] = 0;
    const Weights w = from_lists(l, true);
    const auto p = permutation_p(x, w, row_standardised(from_lists(l, false)), {999, 3});
    EXPECT_GT(p.gi[0], 0.3);
    EXPECT_LT(p.gi[0], 0.6);
}

TEST(LisaClusters, QuadrantsBySignOfValueAndLag) {
    const std::vector<double> x{10, 0, 10, 0, 5};
    const std::vector<double> lag{3, -3, -3, 3, 1};
    const std::vector<double> p{0.01, 0.01, 0.01, 0.01, 0.2};
    const auto c = lisa_clusters(x, lag, p);
    EXPECT_EQ(c, (std::vector<LisaCluster>{LisaCluster::hh, LisaCluster::ll, LisaCluster::hl,
                                           LisaCluster::lh, LisaCluster::not_significant}));
    EXPECT_STREQ(to_string(LisaCluster::hh), "HH");
    EXPECT_STREQ(to_string(LisaCluster::not_significant), "not significant");
}
