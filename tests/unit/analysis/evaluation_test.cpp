// Hand-worked cases of the programme evaluation (analysis/evaluation): RES and its interval,
// the overdispersion factor, WDQ and the total net effect, and DerSimonian–Laird pooling. The
// reference fixtures from metafor are compared in evaluation_reference_test.cpp.

#include "analysis/evaluation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

using namespace vigia::analysis;

TEST(Evaluation, RelativeEffectSizeOfAHandWorkedTable) {
    // Target 100 → 70, control 1000 → 1000: RES = (100·1000)/(70·1000) = 10/7 = 1.428571…
    // Var(ln RES) = 1/100 + 1/70 + 1/1000 + 1/1000 = 0.0262857…, se = 0.162129…
    // 95% CI = exp(ln(10/7) ± 1.959964·se) = [1.039675, 1.962936]; z = 2.19995, p = 0.02781.
    const EffectSize e = relative_effect_size({100, 70}, {1000, 1000});
    EXPECT_DOUBLE_EQ(e.res, 10.0 / 7.0);
    EXPECT_NEAR(e.log_res, std::log(10.0 / 7.0), 1e-15);
    EXPECT_NEAR(e.variance, 0.026285714285714287, 1e-15);
    EXPECT_NEAR(e.ci_low, 1.0396753880891698, 1e-12);
    EXPECT_NEAR(e.ci_high, 1.962936075924092, 1e-12);
    EXPECT_NEAR(e.z, 2.199949492300514, 1e-12);
    EXPECT_NEAR(e.p, 0.027810478706245506, 1e-12);
    EXPECT_FALSE(e.corrected);
    EXPECT_EQ(e.dispersion, 1.0);
    // Overdispersed months widen the interval: Var × 2.5 → [0.864367, 2.361053].
    const EffectSize wide = relative_effect_size({100, 70}, {1000, 1000}, 2.5);
    EXPECT_DOUBLE_EQ(wide.res, e.res);
    EXPECT_NEAR(wide.ci_low, 0.8643669756415262, 1e-12);
    EXPECT_NEAR(wide.ci_high, 2.3610530990219, 1e-12);
    // A factor below 1 is floored (never less dispersed than Poisson).
    EXPECT_EQ(relative_effect_size({100, 70}, {1000, 1000}, 0.4).dispersion, 1.0);
}

TEST(Evaluation, AZeroCountIsCorrectedByAHalfAndFlagged) {
    // Target 0 → 10, control 100 → 120: all four + 0.5: (0.5·120.5)/(10.5·100.5) = 0.0570955;
    // Var = 1/0.5 + 1/10.5 + 1/100.5 + 1/120.5 = 2.113487.
    const EffectSize e = relative_effect_size({0, 10}, {100, 120});
    EXPECT_TRUE(e.corrected);
    EXPECT_NEAR(e.res, 0.05709547500592277, 1e-15);
    EXPECT_NEAR(e.variance, 2.1134870991810364, 1e-14);
    EXPECT_THROW(relative_effect_size({-1, 10}, {100, 120}), std::invalid_argument);
    EXPECT_THROW(relative_effect_size({1, NAN}, {100, 120}), std::invalid_argument);
}

TEST(Evaluation, OverdispersionOfMonthlyCounts) {
    // Before {2, 4} (mean 3): X² = (1 + 1)/3; after {1, 3} (mean 2): X² = (1 + 1)/2;
    // df = 4 months − 2 means = 2: φ = (2/3 + 1)/2 = 0.833 → floored at 1.
    EXPECT_EQ(overdispersion({{2, 4}}, {{1, 3}}), 1.0);
    // Before {0, 10} (mean 5): X² = (25 + 25)/5 = 10; after {5, 5}: 0; df = 2: φ = 5.
    EXPECT_DOUBLE_EQ(overdispersion({{0, 10}}, {{5, 5}}), 5.0);
    // Two series (target and control) pool their X² and degrees of freedom:
    // (10 + 0) + (0 + 2·(2²)/4 = 2) over 2 + 2 = 12/4 = 3.
    EXPECT_DOUBLE_EQ(overdispersion({{0, 10}, {4, 4}}, {{5, 5}, {2, 6}}), 3.0);
    // No degrees of freedom (one month each side): 1.
    EXPECT_EQ(overdispersion({{3}}, {{9}}), 1.0);
}

TEST(Evaluation, DisplacementQuotientAndTotalNetEffect) {
    // A 100 → 70, B 50 → 40, C 1000 → 1000: success Aa/Ca − Ab/Cb = 0.07 − 0.10 = −0.03;
    // buffer Ba/Ca − Bb/Cb = 0.04 − 0.05 = −0.01; WDQ = −0.01/−0.03 = 1/3: diffusion of
    // benefits. TNE = (100·1000/1000 − 70) + (50·1000/1000 − 40) = 30 + 10 = 40 incidents.
    const Displacement d = displacement({100, 70}, {50, 40}, {1000, 1000});
    ASSERT_TRUE(d.wdq);
    EXPECT_NEAR(*d.wdq, 1.0 / 3.0, 1e-15);
    EXPECT_EQ(d.reading, "diffusion");
    EXPECT_NEAR(d.total_net_effect, 40, 1e-12);
    // The buffer rises to 60: (0.06 − 0.05)/−0.03 = −1/3, displacement smaller than the direct
    // effect; TNE = 30 − 10 = 20.
    const Displacement s = displacement({100, 70}, {50, 60}, {1000, 1000});
    EXPECT_NEAR(*s.wdq, -1.0 / 3.0, 1e-15);
    EXPECT_EQ(s.reading, "displacement_smaller");
    EXPECT_NEAR(s.total_net_effect, 20, 1e-12);
    // The buffer rises to 90: WDQ = (0.09 − 0.05)/−0.03 = −4/3, more moved than was prevented.
    EXPECT_EQ(displacement({100, 70}, {50, 90}, {1000, 1000}).reading, "displacement_larger");
    // The target did not improve: no WDQ, and why.
    const Displacement n = displacement({100, 110}, {50, 40}, {1000, 1000});
    EXPECT_FALSE(n.wdq);
    EXPECT_NE(n.why.find("did not improve"), std::string::npos);
    EXPECT_NEAR(n.total_net_effect, -10 + 10, 1e-12);
}

TEST(Evaluation, DerSimonianLairdOnHandWorkedPairs) {
    // y = {0, 1}, v = {1, 1}: fixed 0.5, Q = 0.25 + 0.25 = 0.5 < df = 1: τ² = 0; pooled 0.5,
    // se = √(1/2); I² = 0; Q's p = P(χ²₁ > 0.5) = 0.4795.
    const Pooled a = dersimonian_laird({0, 1}, {1, 1});
    EXPECT_EQ(a.k, 2u);
    EXPECT_DOUBLE_EQ(a.estimate, 0.5);
    EXPECT_DOUBLE_EQ(a.tau2, 0);
    EXPECT_NEAR(a.se, std::sqrt(0.5), 1e-15);
    EXPECT_DOUBLE_EQ(a.i2, 0);
    EXPECT_DOUBLE_EQ(a.h2, 1);
    EXPECT_NEAR(a.q_p, 0.47950012218695337, 1e-12);
    // y = {0, 2}, v = {1, 1}: Q = 1 + 1 = 2; c = 2 − 2/2 = 1; τ² = (2 − 1)/1 = 1; weights
    // 1/(1 + 1): pooled 1, se = 1; I² = 100·1/(1 + 1) = 50; H² = 2; p(Q) = P(χ²₁ > 2) = 0.1573.
    const Pooled b = dersimonian_laird({0, 2}, {1, 1});
    EXPECT_DOUBLE_EQ(b.q, 2);
    EXPECT_DOUBLE_EQ(b.tau2, 1);
    EXPECT_DOUBLE_EQ(b.estimate, 1);
    EXPECT_DOUBLE_EQ(b.se, 1);
    EXPECT_DOUBLE_EQ(b.i2, 50);
    EXPECT_DOUBLE_EQ(b.h2, 2);
    EXPECT_NEAR(b.q_p, 0.15729920705028513, 1e-12);
    EXPECT_NEAR(b.ci_low, 1 - 1.959963984540054, 1e-15);
    // One estimate is its own pool.
    const Pooled one = dersimonian_laird({0.3}, {0.04});
    EXPECT_DOUBLE_EQ(one.estimate, 0.3);
    EXPECT_DOUBLE_EQ(one.se, 0.2);
    EXPECT_THROW(dersimonian_laird({}, {}), std::invalid_argument);
    EXPECT_THROW(dersimonian_laird({0, 1}, {1, 0}), std::invalid_argument);
}
