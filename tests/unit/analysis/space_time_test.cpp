#include "analysis/space_time.hpp"

#include "analysis/error.hpp"
#include "analysis/grid.hpp"
#include "analysis/local_stats.hpp"
#include "analysis/types.hpp"
#include "analysis/weights.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace vigia::analysis;

namespace {

// Civil seconds of dates, from Python's calendar.timegm (independent of the code tested).
constexpr std::int64_t k2018_11_01 = 1541030400;
constexpr std::int64_t k2018_11_15_10h = 1542276000;
constexpr std::int64_t k2018_12_01 = 1543622400;
constexpr std::int64_t k2019_01_01 = 1546300800;
constexpr std::int64_t k2019_02_01 = 1548979200;
constexpr std::int64_t k2019_02_10 = 1549756800;
constexpr std::int64_t k2019_02_28 = 1551312000;
constexpr std::int64_t k2019_02_28_235959 = 1551398399;
constexpr std::int64_t k2019_03_01 = 1551398400;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

using Edges = std::vector<std::int64_t>;

/// A chain 0-1-…-(n-1) of cells, each with itself (Gi*).
Weights chain(std::size_t n) {
    std::vector<std::vector<std::int32_t>> l(n);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        l[i].push_back(static_cast<std::int32_t>(i + 1));
        l[i + 1].push_back(static_cast<std::int32_t>(i));
    }
    return from_lists(l, true);
}

Cube cube_of(std::size_t cells, std::size_t steps, std::vector<float> values) {
    Cube c;
    c.cells = cells;
    c.steps = steps;
    c.values = std::move(values);
    return c;
}

/// Space-time Gi* straight from its definition: every bin against every bin.
std::vector<double> brute_force_gi(const Cube& c, const Weights& w, int tw) {
    const double n = static_cast<double>(c.values.size());
    double sum = 0, sq = 0;
    for (float v : c.values) {
        sum += v;
        sq += static_cast<double>(v) * v;
    }
    const double mean = sum / n, s = std::sqrt(sq / n - mean * mean);
    std::vector<double> z(c.values.size());
    for (std::size_t i = 0; i < c.cells; ++i)
        for (std::size_t k = 0; k < c.steps; ++k) {
            double lag = 0, wi = 0, s1 = 0;
            for (std::size_t j = 0; j < c.cells; ++j) {
                double wij = 0;
                for (auto m = w.start[i]; m < w.start[i + 1]; ++m)
                    if (w.index[static_cast<std::size_t>(m)] == static_cast<std::int32_t>(j))
                        wij = w.weight[static_cast<std::size_t>(m)];
                for (std::size_t kk = 0; kk < c.steps; ++kk)
                    if (kk <= k && k - kk <= static_cast<std::size_t>(tw)) {
                        lag += wij * c.at(j, kk);
                        wi += wij;
                        s1 += wij * wij;
                    }
            }
            z[i * c.steps + k] = (lag - mean * wi) / (s * std::sqrt((n * s1 - wi * wi) / (n - 1)));
        }
    return z;
}

} // namespace

// ------------------------------------------------------------------ time steps

TEST(TimeBins, MonthsAcrossAYearBoundaryWithPartialFirstAndLastMonths) {
    // 15 Nov 2018 10:00 .. 10 Feb 2019: November and February are incomplete.
    const TimeBins keep = make_bins(k2018_11_15_10h, k2019_02_10, {StepUnit::month}, false);
    EXPECT_EQ(keep.edges, (Edges{k2018_11_01, k2018_12_01, k2019_01_01, k2019_02_01, k2019_03_01}));
    EXPECT_EQ(keep.steps(), 4u);
    EXPECT_TRUE(keep.first_partial);
    EXPECT_TRUE(keep.last_partial);
    EXPECT_FALSE(keep.first_dropped);
    EXPECT_FALSE(keep.last_dropped);

    const TimeBins drop = make_bins(k2018_11_15_10h, k2019_02_10, {StepUnit::month}, true);
    EXPECT_EQ(drop.edges, (Edges{k2018_12_01, k2019_01_01, k2019_02_01}));
    EXPECT_EQ(drop.steps(), 2u);
    EXPECT_TRUE(drop.first_partial); // still reported
    EXPECT_TRUE(drop.last_partial);
    EXPECT_TRUE(drop.first_dropped);
    EXPECT_TRUE(drop.last_dropped);
}

TEST(TimeBins, CompletenessIsJudgedByWholeDays) {
    // 1 Nov 2018 .. 28 Feb 2019 fills its months whether the last time is at midnight (a date
    // without a time, as a manifest period gives it) or at 23:59:59.
    for (const std::int64_t last : {k2019_02_28, k2019_02_28_235959}) {
        const TimeBins b = make_bins(k2018_11_01, last, {StepUnit::month}, true);
        EXPECT_EQ(b.steps(), 4u);
        EXPECT_FALSE(b.first_partial);
        EXPECT_FALSE(b.last_partial);
        EXPECT_EQ(b.edges.back(), k2019_03_01);
    }
    // Leap year: 29 Feb 2020 is the last day of February.
    const TimeBins leap = make_bins(1580515200 /* 2020-02-01 */, 1582934400 /* 2020-02-29 */,
                                    {StepUnit::month}, false);
    EXPECT_EQ(leap.edges, (Edges{1580515200, 1583020800 /* 2020-03-01 */}));
    EXPECT_FALSE(leap.last_partial);
}

TEST(TimeBins, IsoWeeksStartOnMonday) {
    // 1 Jan 2021 was a Friday: its ISO week starts on Monday 28 Dec 2020. The span ends on
    // Sunday 17 Jan at 18:00, the last day of a week.
    const TimeBins b = make_bins(1609459200 /* 2021-01-01 */, 1610906400 /* 2021-01-17 18:00 */,
                                 {StepUnit::week}, false);
    EXPECT_EQ(b.edges, (Edges{1609113600 /* 2020-12-28 */, 1609718400 /* 2021-01-04 */,
                              1610323200 /* 2021-01-11 */, 1610928000 /* 2021-01-18 */}));
    EXPECT_TRUE(b.first_partial);
    EXPECT_FALSE(b.last_partial);
    const TimeBins d = make_bins(1609459200, 1610906400, {StepUnit::week}, true);
    EXPECT_EQ(d.edges, (Edges{1609718400, 1610323200, 1610928000}));
}

TEST(TimeBins, QuartersAndYearsFollowTheCalendar) {
    // 20 May .. 31 Dec 2019 (08:00): Q2 is incomplete, Q3 and Q4 complete.
    const TimeBins q = make_bins(1558310400 /* 2019-05-20 */, 1577779200 /* 2019-12-31 08:00 */,
                                 {StepUnit::quarter}, false);
    EXPECT_EQ(q.edges, (Edges{1554076800 /* 04-01 */, 1561939200 /* 07-01 */,
                              1569888000 /* 10-01 */, 1577836800 /* 2020-01-01 */}));
    EXPECT_TRUE(q.first_partial);
    EXPECT_FALSE(q.last_partial);
    EXPECT_EQ(make_bins(1558310400, 1577779200, {StepUnit::quarter}, true).steps(), 2u);

    // 1 Mar 2017 .. 30 Jun 2019: the first and the last year are incomplete.
    const TimeBins y = make_bins(1488326400 /* 2017-03-01 */, 1561852800 /* 2019-06-30 */,
                                 {StepUnit::year}, false);
    EXPECT_EQ(y.edges, (Edges{1483228800 /* 2017 */, 1514764800 /* 2018 */, 1546300800 /* 2019 */,
                              1577836800 /* 2020 */}));
    EXPECT_TRUE(y.first_partial);
    EXPECT_TRUE(y.last_partial);
    const TimeBins yd = make_bins(1488326400, 1561852800, {StepUnit::year}, true);
    EXPECT_EQ(yd.edges, (Edges{1514764800, 1546300800})); // 2018 only
}

TEST(TimeBins, TenDayStepsStartAtMidnightOfTheFirstDay) {
    // 25 Feb 2020 13:00 .. 20 Mar 2020, 2020 being a leap year: 25 Feb, 6 Mar, 16 Mar, 26 Mar.
    const TimeBins b = make_bins(1582635600 /* 2020-02-25 13:00 */, 1584662400 /* 2020-03-20 */,
                                 {StepUnit::days, 10}, false);
    EXPECT_EQ(b.edges, (Edges{1582588800, 1583452800, 1584316800, 1585180800}));
    EXPECT_FALSE(b.first_partial); // a days step starts on the first day itself
    EXPECT_TRUE(b.last_partial);   // 16–25 Mar is cut on the 20th
    const TimeBins d = make_bins(1582635600, 1584662400, {StepUnit::days, 10}, true);
    EXPECT_EQ(d.edges, (Edges{1582588800, 1583452800, 1584316800}));
    EXPECT_FALSE(d.first_dropped);
    EXPECT_TRUE(d.last_dropped);
}

TEST(TimeBins, DatesBefore1970) {
    // 15 Dec 1969 .. 20 Jan 1970 (negative civil seconds).
    const TimeBins b =
        make_bins(-1468800 /* 1969-12-15 */, 1641600 /* 1970-01-20 */, {StepUnit::month}, false);
    EXPECT_EQ(b.edges, (Edges{-2678400 /* 1969-12-01 */, 0, 2678400 /* 1970-02-01 */}));
    EXPECT_EQ(b.bin_of(-1), 0);
    EXPECT_EQ(b.bin_of(0), 1);
}

TEST(TimeBins, BinOfFindsTheHalfOpenStep) {
    const TimeBins b = make_bins(k2018_11_01, k2019_02_28, {StepUnit::month}, false);
    EXPECT_EQ(b.bin_of(k2018_11_01), 0);
    EXPECT_EQ(b.bin_of(k2018_12_01 - 1), 0);
    EXPECT_EQ(b.bin_of(k2018_12_01), 1);
    EXPECT_EQ(b.bin_of(k2019_02_28_235959), 3);
    EXPECT_EQ(b.bin_of(k2019_03_01), -1); // the end is open
    EXPECT_EQ(b.bin_of(k2018_11_01 - 1), -1);
    EXPECT_EQ(b.bin_of(kNoTime), -1);
    EXPECT_EQ(TimeBins{}.bin_of(0), -1);
}

TEST(TimeBins, OneIncompleteStepDroppedLeavesNoStep) {
    const TimeBins b = make_bins(k2018_11_15_10h, k2018_11_15_10h, {StepUnit::month}, true);
    EXPECT_EQ(b.steps(), 0u);
    EXPECT_TRUE(b.edges.empty());
    EXPECT_EQ(b.bin_of(k2018_11_15_10h), -1);
    // Kept, the same instant is one step.
    EXPECT_EQ(make_bins(k2018_11_15_10h, k2018_11_15_10h, {StepUnit::month}, false).steps(), 1u);
}

TEST(TimeBins, BadArgumentsAreInputErrors) {
    EXPECT_THROW(make_bins(k2019_02_01, k2019_01_01, {StepUnit::month}, false), vigia::InputError);
    EXPECT_THROW(make_bins(k2019_01_01, k2019_02_01, {StepUnit::days, 0}, false),
                 vigia::InputError);
    EXPECT_THROW(make_bins(0, std::int64_t{400} * 366 * 86400, {StepUnit::days, 1}, false),
                 vigia::InputError); // more than 100,000 steps
}

// ------------------------------------------------------------------ the cube

TEST(BuildCube, CountsPerCellAndStepAndReportsSkipped) {
    const TimeBins b = make_bins(k2018_11_01, k2019_02_28, {StepUnit::month}, false); // 4 steps
    const std::vector<std::int32_t> cell{0, 0, 2, 2, 2, 1, -1, 1, 0, 2};
    const std::vector<std::int64_t> time{
        k2018_11_01,         // (0, Nov)
        k2018_12_01 - 1,     // (0, Nov)
        k2019_01_01,         // (2, Jan)
        k2019_02_28_235959,  // (2, Feb)
        k2019_02_10,         // (2, Feb)
        kNoTime,             // no time
        k2019_01_01,         // no cell: not counted at all
        k2019_03_01,         // outside the bins
        k2018_11_01 - 86400, // outside the bins
        k2018_12_01,         // (2, Dec)
    };
    std::size_t no_time = 9, outside = 9;
    const Cube c = build_cube(cell, time, b, 3, &no_time, &outside);
    EXPECT_EQ(c.cells, 3u);
    EXPECT_EQ(c.steps, 4u);
    EXPECT_EQ(c.values, (std::vector<float>{2, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, 1, 1, 2}));
    EXPECT_FLOAT_EQ(c.at(2, 3), 2.0f);
    EXPECT_EQ(no_time, 1u);
    EXPECT_EQ(outside, 2u);
    EXPECT_THROW(build_cube({5}, {k2019_01_01}, b, 3), std::logic_error);
}

// ------------------------------------------------------------------ space-time Gi*

TEST(SpaceTimeGi, HandWorkedChainOfThreeCellsAndThreeSteps) {
    // Cells 0-1-2 in a chain (neighbours with self: 0:{0,1}, 1:{0,1,2}, 2:{1,2}), steps 0..2,
    // time_window 1 (a bin and the same cells one step back):
    //   cell 0: 0 1 0
    //   cell 1: 2 4 1
    //   cell 2: 0 1 0
    // n = 9, Σx = 9, x̄ = 1, Σx² = 23, S = √(23/9 − 1) = √(14/9) = 1.24722.
    // (1,1): cells {0,1,2} × steps {0,1}: Σwx = 1 + 6 + 1 = 8, W = S1 = 6,
    //        √((9·6 − 36)/8) = √2.25 = 1.5, z = (8 − 6)/(1.24722·1.5) = 1.06904.
    // (1,0): cells {0,1,2} × step {0}: Σwx = 2, W = S1 = 3, √((27 − 9)/8) = 1.5,
    //        z = (2 − 3)/(1.24722·1.5) = −0.53452.
    // (0,2): cells {0,1} × steps {1,2}: Σwx = 1 + 0 + 4 + 1 = 6, W = S1 = 4,
    //        √((36 − 16)/8) = 1.58114, z = (6 − 4)/(1.24722·1.58114) = 1.01419.
    // (2,0): cells {1,2} × step {0}: Σwx = 2 = x̄·W → z = 0.
    const Cube c = cube_of(3, 3, {0, 1, 0, 2, 4, 1, 0, 1, 0});
    const auto z = space_time_gi(c, chain(3), 1);
    ASSERT_EQ(z.size(), 9u);
    EXPECT_NEAR(z[1 * 3 + 1], 1.06904, 1e-5);
    EXPECT_NEAR(z[1 * 3 + 0], -0.53452, 1e-5);
    EXPECT_NEAR(z[0 * 3 + 2], 1.01419, 1e-5);
    EXPECT_NEAR(z[2 * 3 + 0], 0.0, 1e-6);
    const auto ref = brute_force_gi(c, chain(3), 1);
    for (std::size_t i = 0; i < z.size(); ++i)
        EXPECT_NEAR(z[i], ref[i], 1e-5) << i;
}

TEST(SpaceTimeGi, MatchesTheDefinitionOnARandomCube) {
    std::mt19937_64 rng{7};
    std::vector<float> v(12 * 9);
    for (auto& x : v)
        x = static_cast<float>(rng() % 7);
    const Cube c = cube_of(12, 9, v);
    for (int tw : {0, 2, 20}) { // 20: the whole past
        const auto z = space_time_gi(c, chain(12), tw);
        const auto ref = brute_force_gi(c, chain(12), tw);
        for (std::size_t i = 0; i < z.size(); ++i)
            EXPECT_NEAR(z[i], ref[i], 1e-5) << "tw " << tw << " bin " << i;
    }
}

TEST(SpaceTimeGi, OneStepIsTheSpatialGiStar) {
    const std::vector<double> x{0, 0, 6, 0, 0, 3, 1};
    const Cube c = cube_of(7, 1, std::vector<float>(x.begin(), x.end()));
    const auto st = space_time_gi(c, chain(7), 1);
    const auto sp = gi_star_z(x, chain(7));
    for (std::size_t i = 0; i < x.size(); ++i)
        EXPECT_NEAR(st[i], sp[i], 1e-6);
}

TEST(SpaceTimeGi, ConstantCubeIsUndefinedAndBadInputThrows) {
    const auto z = space_time_gi(cube_of(3, 2, {4, 4, 4, 4, 4, 4}), chain(3), 1);
    for (float v : z)
        EXPECT_TRUE(std::isnan(v));
    EXPECT_THROW(space_time_gi(cube_of(3, 2, {0, 1, 0, 1, 0, 1}), chain(4), 1), std::logic_error);
    EXPECT_THROW(space_time_gi(cube_of(3, 2, {0, 1, 0, 1, 0, 1}), without_self(chain(3)), 1),
                 std::logic_error);
    EXPECT_THROW(space_time_gi(cube_of(3, 2, {0, 1, 0, 1, 0, 1}), chain(3), -1), vigia::InputError);
}

// ------------------------------------------------------------------ Mann–Kendall

TEST(MannKendall, StrictlyIncreasingSeriesOfFive) {
    // 1,2,3,4,5: all 10 pairs increase, S = 10; Var = n(n−1)(2n+5)/18 = 5·4·15/18 = 16.667;
    // z = (S − 1)/√Var = 9/4.08248 = 2.20454; p = erfc(2.20454/√2) = 0.027486.
    const float x[] = {1, 2, 3, 4, 5};
    const TrendTest t = mann_kendall(x, 5);
    EXPECT_DOUBLE_EQ(t.s, 10.0);
    EXPECT_NEAR(t.variance, 300.0 / 18.0, 1e-12);
    EXPECT_NEAR(t.z, 2.2045408, 1e-6);
    EXPECT_NEAR(t.p, 0.0274863, 1e-6);
    EXPECT_EQ(t.direction, 1);
    // Reversed: the same test with the signs swapped.
    const float r[] = {5, 4, 3, 2, 1};
    const TrendTest d = mann_kendall(r, 5);
    EXPECT_DOUBLE_EQ(d.s, -10.0);
    EXPECT_NEAR(d.z, -2.2045408, 1e-6);
    EXPECT_EQ(d.direction, -1);
    EXPECT_EQ(mann_kendall(r, 5, 0.01).direction, 0); // not significant at 1 %
}

TEST(MannKendall, TiesReduceTheVariance) {
    // 1,2,2,3,1,4. Pairs (i<j), sign(x_j − x_i):
    //   from x0=1: +1 +1 +1  0 +1 = 4     from x1=2:  0 +1 −1 +1 = 1
    //   from x2=2: +1 −1 +1      = 1      from x3=3: −1 +1       = 0
    //   from x4=1: +1            = 1      S = 7
    // Ties: two groups of size 2 (the 1s, the 2s), each t(t−1)(2t+5) = 2·1·9 = 18.
    // Var = (6·5·17 − 36)/18 = 474/18 = 26.3333; z = (7 − 1)/√26.3333 = 1.169226;
    // p = erfc(1.169226/√2) = 0.242313.
    const float x[] = {1, 2, 2, 3, 1, 4};
    const TrendTest t = mann_kendall(x, 6);
    EXPECT_DOUBLE_EQ(t.s, 7.0);
    EXPECT_NEAR(t.variance, 474.0 / 18.0, 1e-12);
    EXPECT_NEAR(t.z, 1.1692256, 1e-6);
    EXPECT_NEAR(t.p, 0.2423127, 1e-6);
    EXPECT_EQ(t.direction, 0);
}

TEST(MannKendall, FlatShortAndMissingValues) {
    const float flat[] = {3, 3, 3, 3, 3, 3};
    const TrendTest f = mann_kendall(flat, 6);
    EXPECT_EQ(f.s, 0.0);
    EXPECT_EQ(f.variance, 0.0); // every value tied: 6·5·17 − 6·5·17 = 0
    EXPECT_EQ(f.z, 0.0);
    EXPECT_EQ(f.p, 1.0);
    EXPECT_EQ(f.direction, 0);
    // Two values: S = 1, Var = 2·1·9/18 = 1, z = (1 − 1)/1 = 0.
    const float two[] = {1, 2};
    EXPECT_EQ(mann_kendall(two, 2).z, 0.0);
    EXPECT_EQ(mann_kendall(two, 2).p, 1.0);
    EXPECT_EQ(mann_kendall(two, 0).p, 1.0);
    // NaN entries are left out: the series below is 1,2,3,4,5 again.
    const float gaps[] = {kNaN, 1, 2, kNaN, 3, 4, 5, kNaN};
    const TrendTest g = mann_kendall(gaps, 8);
    EXPECT_DOUBLE_EQ(g.s, 10.0);
    EXPECT_NEAR(g.p, 0.0274863, 1e-6);
}

// ------------------------------------------------------------------ categories

namespace {
EhsaCategory classify(const std::string& bins, int trend) {
    // '+' hot, '-' cold, '.' not significant, in time order.
    std::vector<std::int8_t> s;
    for (char ch : bins)
        s.push_back(ch == '+' ? 1 : (ch == '-' ? -1 : 0));
    return classify_location(s.data(), s.size(), trend);
}
} // namespace

TEST(EmergingCategories, HotSpotDefinitionsOfArcGIS) {
    using E = EhsaCategory;
    // New: hot in the final step and never before.
    EXPECT_EQ(classify(".........+", 0), E::new_hot);
    // Consecutive: one uninterrupted final run of at least two hot bins, < 90 % hot.
    EXPECT_EQ(classify("......++++", 1), E::consecutive_hot);
    EXPECT_EQ(classify("........++", 0), E::consecutive_hot);
    // Intensifying / persistent / diminishing: hot in >= 90 % of the steps including the final
    // one (9 of 10 is 90 %), by the Gi* trend.
    EXPECT_EQ(classify(".+++++++++", 1), E::intensifying_hot);
    EXPECT_EQ(classify("+.++++++++", 0), E::persistent_hot);
    EXPECT_EQ(classify("++++++++++", -1), E::diminishing_hot);
    // 8 of 10 is not 90 %: hot twice apart, never cold → sporadic.
    EXPECT_EQ(classify("+.+.++++++", 1), E::sporadic_hot);
    EXPECT_EQ(classify("..+...+..+", 0), E::sporadic_hot);
    // Oscillating: hot in the final step after a significant cold step.
    EXPECT_EQ(classify("--.......+", 0), E::oscillating_hot);
    EXPECT_EQ(classify("-.....++++", 0), E::oscillating_hot); // cold history beats consecutive
    // Historical: the final step is not hot, but >= 90 % of the steps were.
    EXPECT_EQ(classify("+++++++++.", 0), E::historical_hot);
    EXPECT_EQ(classify("+++++++++.", -1), E::historical_hot);
    // 9 of 10 hot with a significant final cold step: the final step decides (oscillating cold).
    EXPECT_EQ(classify("+++++++++-", 0), E::oscillating_cold);
    // No pattern.
    EXPECT_EQ(classify("..........", 0), E::no_pattern);
    EXPECT_EQ(classify("+++.......", 1), E::no_pattern); // once hot, not in the final step
    EXPECT_EQ(classify("", 0), E::no_pattern);
    // Bin classes (±1 … ±3) work as well as ±1.
    const std::int8_t classes[] = {0, 0, 0, 0, 0, 0, 1, 3, 2, 3};
    EXPECT_EQ(classify_location(classes, 10, 0), E::consecutive_hot);
}

TEST(EmergingCategories, ColdSpotsMirrorHotSpots) {
    using E = EhsaCategory;
    EXPECT_EQ(classify(".........-", 0), E::new_cold);
    EXPECT_EQ(classify(".......---", 0), E::consecutive_cold);
    EXPECT_EQ(classify("----------", -1), E::intensifying_cold); // colder: z going down
    EXPECT_EQ(classify("-.--------", 0), E::persistent_cold);
    EXPECT_EQ(classify("----------", 1), E::diminishing_cold);
    EXPECT_EQ(classify("-..-..-..-", 0), E::sporadic_cold);
    EXPECT_EQ(classify("+........-", 0), E::oscillating_cold);
    EXPECT_EQ(classify("---------.", 0), E::historical_cold);
}

TEST(EmergingCategories, NamesAndArcGISCodes) {
    EXPECT_STREQ(to_string(EhsaCategory::no_pattern), "no pattern");
    EXPECT_STREQ(to_string(EhsaCategory::new_hot), "new hot spot");
    EXPECT_STREQ(to_string(EhsaCategory::persistent_cold), "persistent cold spot");
    EXPECT_EQ(arcgis_code(EhsaCategory::no_pattern), 0);
    EXPECT_EQ(arcgis_code(EhsaCategory::new_hot), 1);
    EXPECT_EQ(arcgis_code(EhsaCategory::historical_hot), 8);
    EXPECT_EQ(arcgis_code(EhsaCategory::new_cold), -1);
    EXPECT_EQ(arcgis_code(EhsaCategory::historical_cold), -8);
    EXPECT_STREQ(to_string(StepUnit::quarter), "quarter");
}

// ------------------------------------------------------------------ emerging hot spots

TEST(EmergingHotSpots, BinClassesAreArcGISsFdrCorrectedGiBins) {
    // The bins' classes must be those of the spatial statistics' confidence_classes (the
    // ArcGIS Gi_Bin with Benjamini–Hochberg at 90/95/99 %) applied to every bin of the cube.
    std::mt19937_64 rng{11};
    const std::size_t cells = 30, steps = 12;
    std::vector<float> v(cells * steps);
    for (std::size_t c = 0; c < cells; ++c)
        for (std::size_t k = 0; k < steps; ++k)
            v[c * steps + k] = static_cast<float>(rng() % 4 + (c >= 10 && c < 14 ? 6 : 0) +
                                                  (c >= 22 && k > 6 ? 5 : 0));
    const Cube c = cube_of(cells, steps, v);
    const auto z = space_time_gi(c, chain(cells), 1);
    for (bool fdr : {true, false}) {
        EmergingSpec spec;
        spec.fdr = fdr;
        const EmergingResult r = emerging_hot_spots(c, z, spec);
        std::vector<double> zd(z.begin(), z.end()), p(z.size());
        for (std::size_t i = 0; i < z.size(); ++i)
            p[i] = two_sided_p(zd[i]);
        EXPECT_EQ(r.bin_class, confidence_classes(zd, p, fdr)) << "fdr " << fdr;
        for (std::size_t cell = 0; cell < cells; ++cell) {
            int hot = 0, cold = 0;
            for (std::size_t k = 0; k < steps; ++k) {
                hot += r.bin_class[cell * steps + k] > 0;
                cold += r.bin_class[cell * steps + k] < 0;
            }
            EXPECT_EQ(r.hot_steps[cell], hot); // alpha 0.10: every non-zero class counts
            EXPECT_EQ(r.cold_steps[cell], cold);
        }
    }
}

namespace {

/// Poisson draw by Knuth's product of uniforms on a 64-bit Mersenne Twister (the same numbers
/// on every standard library, unlike std::poisson_distribution).
int poisson(std::mt19937_64& rng, double lambda) {
    const double limit = std::exp(-lambda);
    int k = 0;
    double prod = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    while (prod > limit) {
        ++k;
        prod *= static_cast<double>(rng() >> 11) * 0x1.0p-53;
    }
    return k;
}

double u01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

} // namespace

TEST(EmergingHotSpots, PlantedPatternsInAGeneratedCity) {
    // A 4 x 4 km city of 1,600 square cells of 100 m, 24 monthly steps (2019–2020), queen
    // neighbours with self, time_window 1. Background: Poisson(5) incidents per cell and month
    // everywhere; on top, 3 x 3 blocks of cells receive extra incidents per cell and month:
    const std::int64_t y2019 = 1546300800, end2020 = 1609459199; // 2019-01-01, 2020-12-31 23:59:59
    const TimeBins bins = make_bins(y2019, end2020, {StepUnit::month}, true);
    ASSERT_EQ(bins.steps(), 24u);
    const Boundary boundary =
        make_boundary({vigia::test::wkb("POLYGON((0 0,4000 0,4000 4000,0 4000,0 0))")});
    const Grid grid = build_grid({GridShape::square, 100}, boundary);
    ASSERT_EQ(grid.size(), 1600u);
    const auto cell_at = [&](int col, int row) {
        return grid.cell_at(col * 100 + 50.0, row * 100 + 50.0);
    };
    struct Plant {
        int col, row;
        double extra[24];
    };
    std::vector<Plant> plants;
    const auto plant = [&](int col, int row, auto extra_of_step) {
        Plant p{col, row, {}};
        for (int k = 0; k < 24; ++k)
            p.extra[k] = extra_of_step(k);
        plants.push_back(p);
    };
    // (a) Emerging in the last third: +20 in steps 16–23 only. Under ArcGIS's definitions this
    //     is a CONSECUTIVE hot spot (one uninterrupted final run of >= 2 hot steps, never hot
    //     before, < 90 % of the steps hot): "new" is hot in the final step only, "intensifying"
    //     hot in >= 90 % of the steps. Both of those are planted too:
    plant(6, 6, [](int k) { return k >= 16 ? 20.0 : 0.0; });
    // (b) NEW: +25 in the final step only (the last third too, at its very end).
    plant(20, 6, [](int k) { return k == 23 ? 25.0 : 0.0; });
    // (c) INTENSIFYING: hot from the start, rising from +6 to +40 (Gi* trend up).
    plant(33, 6, [](int k) { return 6.0 + 34.0 * k / 23.0; });
    // (d) DIMINISHING: the same ramp downwards, still hot in the final step (+6).
    plant(6, 20, [](int k) { return 40.0 - 34.0 * k / 23.0; });
    // (e) PERSISTENT: hot every month with no monotonic trend: a symmetric rise and fall
    //     (+12 at both ends, +30 in the middle), whose Mann–Kendall S is ~0 by construction.
    plant(20, 20, [](int k) { return 12.0 + 18.0 * (1.0 - std::abs(k - 11.5) / 11.5); });
    // (f) COLD: a 7 x 7 block around (33, 20) with no incident at all.
    const auto in_cold = [](int col, int row) {
        return std::abs(col - 33) <= 3 && std::abs(row - 20) <= 3;
    };
    // (g) Untouched: the strip of rows 30–38 (background only).

    std::mt19937_64 rng{20240611};
    std::vector<std::int32_t> inc_cell;
    std::vector<std::int64_t> inc_time;
    for (int row = 0; row < 40; ++row)
        for (int col = 0; col < 40; ++col)
            for (int k = 0; k < 24; ++k) {
                double lambda = in_cold(col, row) ? 0.0 : 5.0;
                for (const Plant& p : plants)
                    if (std::abs(col - p.col) <= 1 && std::abs(row - p.row) <= 1)
                        lambda += p.extra[k];
                const int count = lambda > 0 ? poisson(rng, lambda) : 0;
                const auto k0 = static_cast<std::size_t>(k);
                for (int i = 0; i < count; ++i) {
                    const double x = col * 100 + 100 * u01(rng), y = row * 100 + 100 * u01(rng);
                    const auto span = static_cast<double>(bins.edges[k0 + 1] - bins.edges[k0]);
                    inc_cell.push_back(grid.cell_at(x, y));
                    inc_time.push_back(bins.edges[k0] + static_cast<std::int64_t>(span * u01(rng)));
                }
            }
    const Cube cube = build_cube(inc_cell, inc_time, bins, grid.size());
    const Weights w = grid_ring(grid, true);
    const auto z = space_time_gi(cube, w, 1);
    const EmergingResult r = emerging_hot_spots(cube, z);

    const auto category = [&](int col, int row) {
        return r.category[static_cast<std::size_t>(cell_at(col, row))];
    };
    const auto at = [&](int col, int row) { return static_cast<std::size_t>(cell_at(col, row)); };
    EXPECT_EQ(category(6, 6), EhsaCategory::consecutive_hot);
    EXPECT_EQ(r.hot_steps[at(6, 6)], 8); // steps 16–23
    EXPECT_EQ(category(20, 6), EhsaCategory::new_hot);
    EXPECT_EQ(r.hot_steps[at(20, 6)], 1);
    EXPECT_EQ(category(33, 6), EhsaCategory::intensifying_hot);
    EXPECT_EQ(r.gi_trend[at(33, 6)].direction, 1);
    EXPECT_EQ(r.count_trend[at(33, 6)].direction, 1);
    EXPECT_EQ(category(6, 20), EhsaCategory::diminishing_hot);
    EXPECT_EQ(r.gi_trend[at(6, 20)].direction, -1);
    EXPECT_EQ(category(20, 20), EhsaCategory::persistent_hot);
    EXPECT_EQ(r.hot_steps[at(20, 20)], 24);
    EXPECT_GT(r.gi_trend[at(20, 20)].p, 0.3); // far from a trend, not a near miss
    EXPECT_EQ(category(33, 20), EhsaCategory::persistent_cold);
    EXPECT_EQ(r.cold_steps[at(33, 20)], 24);
    // The cold block's centre sees only empty bins: its z is the same in steps 1–23, but
    // less extreme in step 0, whose neighbourhood has no previous step (W = 9, not 18). That
    // alone makes S = −23 (one value above 23 tied ones): Var = (24·23·53 − 23·22·51)/18 =
    // 191.667, z = −22/13.844 = −1.589, p = 0.112, just short of a trend at 90 % (§15).
    const TrendTest& cold = r.gi_trend[at(33, 20)];
    EXPECT_DOUBLE_EQ(cold.s, -23.0);
    EXPECT_NEAR(cold.variance, 3450.0 / 18.0, 1e-9);
    EXPECT_NEAR(cold.p, 0.1120, 1e-4);
    // Leaving out the step whose neighbourhood is cut short removes it: S = 0.
    EmergingSpec skip;
    skip.trend_skip_steps = 1;
    const EmergingResult rs = emerging_hot_spots(cube, z, skip);
    EXPECT_EQ(rs.gi_trend[at(33, 20)].s, 0.0);
    EXPECT_EQ(rs.category[at(33, 20)], EhsaCategory::persistent_cold);
    EXPECT_EQ(rs.category[at(33, 6)], EhsaCategory::intensifying_hot);

    // Every cell of the planted blocks is a hot spot of the planted kind (edge cells see
    // background neighbours too, and still qualify).
    for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
            EXPECT_EQ(category(33 + dc, 6 + dr), EhsaCategory::intensifying_hot);
            EXPECT_EQ(category(20 + dc, 20 + dr), EhsaCategory::persistent_hot);
        }
    // The untouched strip: almost every cell has no pattern (with ~8,000 background bins, a
    // few isolated false discoveries are what a 10 % false discovery rate allows), and none
    // has a sustained pattern.
    std::size_t none = 0, total = 0;
    for (int row = 30; row <= 38; ++row)
        for (int col = 1; col <= 38; ++col, ++total) {
            const EhsaCategory cat = category(col, row);
            none += cat == EhsaCategory::no_pattern;
            EXPECT_NE(cat, EhsaCategory::persistent_hot);
            EXPECT_NE(cat, EhsaCategory::intensifying_hot);
            EXPECT_NE(cat, EhsaCategory::consecutive_hot);
            EXPECT_NE(cat, EhsaCategory::persistent_cold);
        }
    EXPECT_GE(static_cast<double>(none), 0.95 * static_cast<double>(total));
}

namespace vigia::analysis {
namespace {

TEST(SenSlope, MedianOfThePairwiseSlopesHandWorked) {
    // 1, 3, 2, 6: slopes 2, 0.5, 5/3, −1, 1.5, 4; the median of six is (1.5 + 5/3)/2.
    EXPECT_DOUBLE_EQ(sen_slope({1, 3, 2, 6}), (1.5 + 5.0 / 3) / 2);
    // Odd count of pairs: 1, 2, 4 gives 1, 1.5, 2: median 1.5.
    EXPECT_DOUBLE_EQ(sen_slope({1, 2, 4}), 1.5);
    // A NaN month is left out, the steps between the others kept: (3 − 1)/2.
    EXPECT_DOUBLE_EQ(sen_slope({1, std::nan(""), 3}), 1.0);
    EXPECT_TRUE(std::isnan(sen_slope({5})));
}

} // namespace
} // namespace vigia::analysis
