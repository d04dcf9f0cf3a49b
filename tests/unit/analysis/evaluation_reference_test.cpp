// DerSimonian–Laird pooling against metafor::rma(yi, vi, method = "DL") (R 4.2.2, metafor
// 3.8-1; tests/reference/make_metafor.R): the pooled estimate, its se, CI, z and p, τ², I²,
// H², Q and its p, for five cases (heterogeneous, τ² truncated at 0, k = 2, one very precise
// site, k = 1), to 1e-9. The inputs are ln RES and Var(ln RES) of count tables, also checked
// against relative_effect_size.

#include "analysis/evaluation.hpp"
#include "tests/support/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace vigia::analysis;
using vigia::test::Csv;
using vigia::test::reference;

namespace {

/// |a − b| within 1e-9, relative to the larger magnitude when that exceeds 1.
::testing::AssertionResult Near(double a, double b) {
    const double tol = 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
    if (std::fabs(a - b) <= tol) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << a << " vs metafor " << b;
}

} // namespace

TEST(EvaluationReference, TheCountTablesGiveTheInputsLnResAndItsVariance) {
    const Csv tables{reference("meta_dl_tables.csv")}, inputs{reference("meta_dl_inputs.csv")};
    ASSERT_EQ(tables.rows(), inputs.rows());
    ASSERT_GE(tables.rows(), 15u);
    for (std::size_t i = 0; i < tables.rows(); ++i) {
        const EffectSize e = relative_effect_size({tables.number(i, "a"), tables.number(i, "b")},
                                                  {tables.number(i, "c"), tables.number(i, "d")});
        EXPECT_TRUE(Near(e.log_res, inputs.number(i, "yi"))) << "row " << i;
        EXPECT_TRUE(Near(e.variance, inputs.number(i, "vi"))) << "row " << i;
    }
}

TEST(EvaluationReference, DerSimonianLairdAgreesWithMetafor) {
    const Csv inputs{reference("meta_dl_inputs.csv")}, out{reference("meta_dl.csv")};
    ASSERT_GE(out.rows(), 5u);
    std::set<std::string> seen;
    for (std::size_t r = 0; r < out.rows(); ++r) {
        const std::string c = out.text(r, "case");
        std::vector<double> y, v;
        for (std::size_t i : inputs.where("case", c)) {
            y.push_back(inputs.number(i, "yi"));
            v.push_back(inputs.number(i, "vi"));
        }
        const Pooled p = dersimonian_laird(y, v);
        EXPECT_EQ(static_cast<double>(p.k), out.number(r, "k")) << c;
        EXPECT_TRUE(Near(p.estimate, out.number(r, "estimate"))) << c << " estimate";
        EXPECT_TRUE(Near(p.se, out.number(r, "se"))) << c << " se";
        EXPECT_TRUE(Near(p.ci_low, out.number(r, "ci_lb"))) << c << " ci_lb";
        EXPECT_TRUE(Near(p.ci_high, out.number(r, "ci_ub"))) << c << " ci_ub";
        EXPECT_TRUE(Near(p.z, out.number(r, "zval"))) << c << " z";
        EXPECT_TRUE(Near(p.p, out.number(r, "pval"))) << c << " p";
        EXPECT_TRUE(Near(p.tau2, out.number(r, "tau2"))) << c << " tau2";
        EXPECT_TRUE(Near(p.i2, out.number(r, "I2"))) << c << " I2";
        EXPECT_TRUE(Near(p.h2, out.number(r, "H2"))) << c << " H2";
        EXPECT_TRUE(Near(p.q, out.number(r, "QE"))) << c << " Q";
        EXPECT_TRUE(Near(p.q_p, out.number(r, "QEp"))) << c << " Q p";
        EXPECT_TRUE(Near(std::exp(p.estimate), out.number(r, "res"))) << c << " RES";
        seen.insert(c);
    }
    EXPECT_EQ(seen.size(), out.rows());
}
