#include "analysis/rates.hpp"

#include <gtest/gtest.h>

#include <cmath>

using vigia::analysis::empirical_bayes_rates;

TEST(EmpiricalBayes, MatchesSpdepEBest) {
    // Reference: R 4.2.2, spdep 1.2-7:
    //   EBest(c(50,0,5,300,2,7), c(1000,50,400,2500,100,900))$estmm  (a = 0.002312902, b =
    //   0.07353535)
    const std::vector<double> want{0.050725215235744969, 0.028583548053495993,
                                   0.016994116397056863, 0.11941651009158934,
                                   0.032914735765724609, 0.010021479368420391};
    const auto got = empirical_bayes_rates({50, 0, 5, 300, 2, 7}, {1000, 50, 400, 2500, 100, 900});
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_NEAR(got[i], want[i], 1e-12 * want[i]) << i;
}

TEST(EmpiricalBayes, NoExtraVariationShrinksEveryAreaToTheCityRate) {
    // spdep gives a = 0 here: every estimate is Σe/Σn = 54/4950.
    const auto got = empirical_bayes_rates({10, 0, 5, 30, 2, 7}, {1000, 50, 400, 2500, 100, 900});
    for (double r : got)
        EXPECT_NEAR(r, 54.0 / 4950.0, 1e-15);
}

TEST(EmpiricalBayes, AreasWithoutResidentsAreLeftOut) {
    const auto got = empirical_bayes_rates({3, 5, 1}, {0, 100, 100});
    EXPECT_TRUE(std::isnan(got[0]));
    EXPECT_FALSE(std::isnan(got[1]));
    EXPECT_TRUE(std::isnan(empirical_bayes_rates({1}, {0})[0]));
}
