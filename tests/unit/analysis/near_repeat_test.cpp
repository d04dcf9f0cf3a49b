#include "analysis/error.hpp"
#include "analysis/near_repeat.hpp"
#include "analysis/types.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

using namespace vigia::analysis;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;

struct Points {
    std::vector<double> x, y;
    std::vector<std::int64_t> t;
    void add(double px, double py, std::int64_t seconds) {
        x.push_back(px);
        y.push_back(py);
        t.push_back(seconds);
    }
};

KnoxSpec spec(std::vector<double> d, std::vector<double> t, std::size_t reps = 0,
              double same = 1.0) {
    KnoxSpec s;
    s.distance_bands_m = std::move(d);
    s.time_bands_days = std::move(t);
    s.permutations = reps;
    s.same_location_m = same;
    return s;
}

/// Band index as KnoxCell numbers it, by direct comparison (the reference for the tests).
std::int32_t space_band(double d, const KnoxSpec& s) {
    if (s.same_location_m > 0 && d < s.same_location_m) return -1;
    std::int32_t k = 0;
    for (double e : s.distance_bands_m) {
        if (d <= e) return k;
        ++k;
    }
    return k;
}
std::int32_t time_band(std::int64_t a, std::int64_t b, const KnoxSpec& s) {
    auto day = [](std::int64_t v) { return v >= 0 ? v / kDay : -((-v + kDay - 1) / kDay); };
    const double dd = static_cast<double>(std::llabs(day(a) - day(b)));
    std::int32_t k = 0;
    for (double e : s.time_bands_days) {
        if (dd <= e) return k;
        ++k;
    }
    return k;
}

/// O(n²) reference table: counts[(space + off) · (nt + 1) + time].
std::vector<double> brute_force(const Points& p, const KnoxSpec& s,
                                const std::vector<std::size_t>& time_of) {
    const std::size_t off = s.same_location_m > 0 ? 1 : 0;
    const std::size_t ns = off + s.distance_bands_m.size() + 1, nt = s.time_bands_days.size() + 1;
    std::vector<double> c(ns * nt, 0.0);
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < p.x.size(); ++i)
        if (p.t[i] != kNoTime) idx.push_back(i);
    for (std::size_t a = 0; a < idx.size(); ++a)
        for (std::size_t b = a + 1; b < idx.size(); ++b) {
            const std::size_t i = idx[a], j = idx[b];
            const double d = std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]);
            const auto sb = static_cast<std::size_t>(space_band(d, s) + static_cast<int>(off));
            const auto tb =
                static_cast<std::size_t>(time_band(p.t[time_of[a]], p.t[time_of[b]], s));
            c[sb * nt + tb] += 1;
        }
    return c;
}
std::vector<double> brute_force(const Points& p, const KnoxSpec& s) {
    std::vector<std::size_t> identity;
    for (std::size_t i = 0; i < p.x.size(); ++i)
        if (p.t[i] != kNoTime) identity.push_back(i);
    return brute_force(p, s, identity);
}

/// The five incidents of the hand-worked case (and one without a time).
///   A (0, 0)    day 0 23:00     B (0, 0)    day 3 01:00    C (50, 0)  day 10 00:30
///   D (150, 0)  day 20 12:00    E (1000, 0) day 1 08:00    F (10, 10) no time
Points hand_case() {
    Points p;
    p.add(0, 0, 0 * kDay + 23 * kHour);
    p.add(0, 0, 3 * kDay + 1 * kHour);
    p.add(50, 0, 10 * kDay + kHour / 2);
    p.add(150, 0, 20 * kDay + 12 * kHour);
    p.add(1000, 0, 1 * kDay + 8 * kHour);
    p.add(10, 10, kNoTime);
    return p;
}

/// Background incidents over a year plus planted near repeats: `seeds` incidents each
/// followed 0–7 days later by one 0–250 m away.
Points near_repeat_process(std::uint64_t seed, int background, int seeds, double side_m) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> ux{0, side_m}, ut{0, 365.0 * kDay};
    std::uniform_real_distribution<double> ur{0, 1}, ua{0, 2 * M_PI}, ulag{0, 7.0 * kDay};
    Points p;
    for (int k = 0; k < background; ++k)
        p.add(ux(rng), ux(rng), static_cast<std::int64_t>(ut(rng)));
    for (int k = 0; k < seeds; ++k) {
        const double x = ux(rng), y = ux(rng);
        const auto t = static_cast<std::int64_t>(ut(rng));
        p.add(x, y, t);
        const double r = 250 * std::sqrt(ur(rng)), a = ua(rng);
        // Whole days 0–7 later (calendar), at any hour of that day.
        const std::int64_t lag_days = static_cast<std::int64_t>(ulag(rng) / kDay + 0.5);
        const std::int64_t day0 = t / kDay;
        p.add(x + r * std::cos(a), y + r * std::sin(a),
              (day0 + lag_days) * kDay + static_cast<std::int64_t>(ur(rng) * 86399));
    }
    return p;
}

} // namespace

TEST(KnoxTest, HandWorkedTableOfFiveIncidents) {
    // Bands: same location (< 1 m), [1, 100], (100, 200], beyond; days 0–7, 8–14, beyond.
    // Pairs (distance m, calendar days apart → cell):
    //   A-B 0,3 same/0–7     A-C 50,10 b0/8–14     A-D 150,20 b1/beyond   A-E 1000,1 beyond/0–7
    //   B-C 50,7 b0/0–7      B-D 150,17 b1/beyond  B-E 1000,2 beyond/0–7
    //   C-D 100,10 b0/8–14 (100 m is in the band)  C-E 950,9 beyond/8–14  D-E 850,19 beyond/beyond
    // A-B are 2 h 2 min more than 2 days apart but 3 calendar days; B-C exactly 7 calendar days.
    //            0–7  8–14  beyond | total
    //   same      1    0     0     |  1
    //   (1,100]   1    2     0     |  3
    //   (100,200] 0    0     2     |  2
    //   beyond    2    1     1     |  4
    //   total     4    3     3     | 10
    const Points p = hand_case();
    const KnoxSpec s = spec({100, 200}, {7, 14});
    const KnoxResult r = knox_test(p.x, p.y, p.t, s);
    EXPECT_EQ(r.incidents, 5u);
    EXPECT_EQ(r.without_time, 1u);
    EXPECT_EQ(r.pairs, 10u);
    EXPECT_EQ(r.pairs_within, 6u);
    ASSERT_EQ(r.cells.size(), 12u);
    const double table[4][3] = {{1, 0, 0}, {1, 2, 0}, {0, 0, 2}, {2, 1, 1}};
    const double rows[4] = {1, 3, 2, 4}, cols[3] = {4, 3, 3};
    for (int sb = -1; sb <= 2; ++sb)
        for (int tb = 0; tb <= 2; ++tb) {
            const KnoxCell* c = r.find(sb, tb);
            ASSERT_NE(c, nullptr);
            EXPECT_EQ(c->observed, table[sb + 1][tb]) << sb << "," << tb;
            // Knox's expectation: row total × column total / pairs.
            EXPECT_DOUBLE_EQ(c->expected_exact, rows[sb + 1] * cols[tb] / 10.0);
            // No permutations: expected is the exact one, p undefined.
            EXPECT_DOUBLE_EQ(c->expected, c->expected_exact);
            EXPECT_TRUE(std::isnan(c->p));
        }
    EXPECT_DOUBLE_EQ(r.find(0, 1)->ratio, 2.0 / 0.9);
    EXPECT_DOUBLE_EQ(r.find(-1, 0)->ratio, 1 / 0.4);
    EXPECT_EQ(r.find(-1, 1)->ratio, 0); // observed 0, expected 0.3
    EXPECT_EQ(r.headline, -1);          // no p without permutations
    // Labels.
    const KnoxCell* same = r.find(-1, 0);
    EXPECT_EQ(same->distance_from_m, 0);
    EXPECT_EQ(same->distance_to_m, 1);
    const KnoxCell* c01 = r.find(0, 1);
    EXPECT_EQ(c01->distance_from_m, 1);
    EXPECT_EQ(c01->distance_to_m, 100);
    EXPECT_EQ(c01->days_from, 8);
    EXPECT_EQ(c01->days_to, 14);
    const KnoxCell* far = r.find(2, 2);
    EXPECT_EQ(far->distance_from_m, 200);
    EXPECT_TRUE(std::isinf(far->distance_to_m));
    EXPECT_EQ(far->days_from, 15);
    EXPECT_TRUE(std::isinf(far->days_to));
}

TEST(KnoxTest, WithoutSameLocationBandTheFirstBandStartsAtZero) {
    // Same incidents: A-B (0 m) joins A-C, B-C and C-D in [0, 100].
    const Points p = hand_case();
    const KnoxResult r = knox_test(p.x, p.y, p.t, spec({100, 200}, {7, 14}, 0, 0.0));
    ASSERT_EQ(r.cells.size(), 9u);
    EXPECT_EQ(r.find(-1, 0), nullptr);
    EXPECT_EQ(r.find(0, 0)->observed, 2); // A-B, B-C
    EXPECT_EQ(r.find(0, 1)->observed, 2); // A-C, C-D
    EXPECT_EQ(r.find(0, 0)->distance_from_m, 0);
}

TEST(KnoxTest, MonteCarloMeanMatchesTheExhaustivePermutationMean) {
    // The 5 timed incidents have 5! = 120 date permutations: enumerate them all.
    const Points p = hand_case();
    const KnoxSpec s = spec({100, 200}, {7, 14}, 20000);
    std::vector<std::size_t> perm{0, 1, 2, 3, 4};
    std::vector<double> mean(12, 0.0), ge(12, 0.0);
    const std::vector<double> obs = brute_force(p, s);
    int count = 0;
    do {
        const std::vector<double> c = brute_force(p, s, perm);
        for (std::size_t k = 0; k < c.size(); ++k) {
            mean[k] += c[k];
            ge[k] += c[k] >= obs[k];
        }
        ++count;
    } while (std::next_permutation(perm.begin(), perm.end()));
    ASSERT_EQ(count, 120);
    const KnoxResult r = knox_test(p.x, p.y, p.t, s);
    for (std::size_t k = 0; k < r.cells.size(); ++k) {
        const KnoxCell& c = r.cells[k];
        const double exact = mean[k] / count, p_exact = ge[k] / count;
        EXPECT_NEAR(c.expected_exact, exact, 1e-12) << k;
        // 20,000 draws: the standard error of a mean count ≤ 1.5 pairs is below 0.011.
        EXPECT_NEAR(c.expected, exact, 0.04) << k;
        EXPECT_NEAR(c.p, p_exact, 0.015) << k;
    }
}

TEST(KnoxTest, ObservedAndExactExpectationMatchBruteForceOnClusteredData) {
    // 1,500 incidents (piles, clusters, background) against an O(n²) count, with more than
    // eight time edges (two passes over the pairs) and edges that fall on exact distances.
    std::mt19937_64 rng{99};
    std::normal_distribution<double> nd{0, 120};
    std::uniform_real_distribution<double> ux{0, 4000};
    std::uniform_int_distribution<std::int64_t> ut{0, 200 * kDay};
    Points p;
    for (int k = 0; k < 1500; ++k) {
        if (k % 10 == 0)
            p.add(2000, 2000, ut(rng)); // a pile
        else if (k % 3 == 0)
            p.add(1000 + std::round(nd(rng)), 3000 + std::round(nd(rng)), ut(rng));
        else
            p.add(std::round(ux(rng)), std::round(ux(rng)), k % 50 == 1 ? kNoTime : ut(rng));
    }
    const KnoxSpec s = spec({50, 100, 150, 300}, {0, 1, 2, 3, 5, 7, 10, 14, 21, 30}, 0, 1.0);
    const KnoxResult r = knox_test(p.x, p.y, p.t, s);
    const std::vector<double> ref = brute_force(p, s);
    ASSERT_EQ(r.cells.size(), ref.size());
    for (std::size_t k = 0; k < ref.size(); ++k)
        EXPECT_EQ(r.cells[k].observed, ref[k]) << k;
    // Exact expectation: row total × column total / pairs.
    const std::size_t nt = 11;
    double total = 0;
    for (double v : ref)
        total += v;
    for (std::size_t k = 0; k < ref.size(); ++k) {
        double row = 0, col = 0;
        for (std::size_t u = 0; u < nt; ++u)
            row += ref[(k / nt) * nt + u];
        for (std::size_t u = 0; u < ref.size() / nt; ++u)
            col += ref[u * nt + k % nt];
        EXPECT_NEAR(r.cells[k].expected_exact, row * col / total, 1e-9 * (1 + row * col / total));
    }
}

TEST(KnoxTest, MonteCarloMeansConvergeToTheExactExpectation) {
    const Points p = near_repeat_process(5, 1500, 0, 5000);
    const KnoxResult r =
        knox_test(p.x, p.y, p.t, spec({100, 250, 500}, {0, 3, 7, 14, 21, 28, 35, 42, 60}, 999));
    for (const KnoxCell& c : r.cells)
        EXPECT_NEAR(c.expected, c.expected_exact, 0.01 * c.expected_exact + 0.3)
            << c.space_band << "," << c.time_band;
}

TEST(KnoxTest, DaysAreCalendarDatesOfLocalTimeBeforeAndAfter1970) {
    Points p;
    p.add(0, 0, -kHour); // 1969-12-31 23:00
    p.add(10, 0, kHour); // 1970-01-01 01:00: two hours later, the next calendar day
    p.add(20, 0, kDay);  // 1970-01-02 00:00
    p.add(30, 0, -kDay); // 1969-12-31 00:00
    const KnoxResult r = knox_test(p.x, p.y, p.t, spec({100}, {0, 1}, 0, 0.0));
    // Day numbers −1, 0, 1, −1: differences 1, 2, 0, 1, 1, 2 → same day 1, one day 3, beyond 2.
    EXPECT_EQ(r.find(0, 0)->observed, 1);
    EXPECT_EQ(r.find(0, 1)->observed, 3);
    EXPECT_EQ(r.find(0, 2)->observed, 2);
}

TEST(KnoxTest, DatesCenturiesApartAreHeldByShorteningLongGaps) {
    // 1900 and 2020: the span (43,800 days) is shortened to the last edge + 1 between the two
    // groups; within each group the differences are kept.
    Points p;
    const std::int64_t y1900 = -25567 * kDay, y2020 = 18262 * kDay;
    for (int k = 0; k < 10; ++k) {
        p.add(k * 10.0, 0, y1900 + k * kDay);
        p.add(k * 10.0, 5, y2020 + k * 3 * kDay);
    }
    const KnoxSpec s = spec({500}, {7, 14}, 99, 0.0);
    const KnoxResult r = knox_test(p.x, p.y, p.t, s);
    const std::vector<double> ref = brute_force(p, s);
    for (std::size_t k = 0; k < ref.size(); ++k)
        EXPECT_EQ(r.cells[k].observed, ref[k]) << k;
}

TEST(KnoxTest, SameSeedSameResultWhateverTheThreadsAndRowOrder) {
    Points p = near_repeat_process(11, 3000, 200, 8000);
    KnoxSpec s = spec(default_distance_bands(250), default_time_bands(), 99);
    s.workers = 1;
    const KnoxResult one = knox_test(p.x, p.y, p.t, s);
    s.workers = 2;
    const KnoxResult two = knox_test(p.x, p.y, p.t, s);
    s.workers = 3;
    const KnoxResult three = knox_test(p.x, p.y, p.t, s);
    // The same incidents in another order.
    std::vector<std::size_t> order(p.x.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64{3});
    Points q;
    for (std::size_t i : order)
        q.add(p.x[i], p.y[i], p.t[i]);
    const KnoxResult shuffled = knox_test(q.x, q.y, q.t, s);
    ASSERT_EQ(one.cells.size(), two.cells.size());
    for (const KnoxResult* other : {&two, &three, &shuffled})
        for (std::size_t k = 0; k < one.cells.size(); ++k) {
            EXPECT_EQ(one.cells[k].observed, other->cells[k].observed);
            EXPECT_EQ(one.cells[k].expected, other->cells[k].expected);
            EXPECT_EQ(one.cells[k].p, other->cells[k].p);
        }
    EXPECT_EQ(one.headline, two.headline);
    // The portable kernel (16 permutations a pass) gives what AVX2 (32) gives.
    s.portable_kernel = true;
    const KnoxResult portable = knox_test(p.x, p.y, p.t, s);
    for (std::size_t k = 0; k < one.cells.size(); ++k) {
        EXPECT_EQ(one.cells[k].expected, portable.cells[k].expected);
        EXPECT_EQ(one.cells[k].p, portable.cells[k].p);
    }
    s.portable_kernel = false;

    s.seed = 777;
    const KnoxResult reseeded = knox_test(p.x, p.y, p.t, s);
    int differ = 0;
    for (std::size_t k = 0; k < one.cells.size(); ++k) {
        EXPECT_EQ(one.cells[k].observed, reseeded.cells[k].observed);
        differ += one.cells[k].p != reseeded.cells[k].p;
    }
    EXPECT_GT(differ, 5);
}

TEST(KnoxTest, FindsThePlantedNearRepeatsAtTheirDistanceAndTime) {
    // 2,000 background incidents over a year on 10 × 10 km, 300 seeds each followed 0–7 days
    // later by an incident 0–250 m away: the (0–250 m, 0–7 days) cell holds ~300 planted pairs
    // over ~270 expected (2,600 incidents, 26 per km²: ~6,600 pairs within 250 m, 15/365 of
    // them 0–7 days apart).
    const Points p = near_repeat_process(2024, 2000, 300, 10000);
    const KnoxSpec s = spec(default_distance_bands(250), default_time_bands(), 999);
    const KnoxResult r = knox_test(p.x, p.y, p.t, s);
    const KnoxCell* near = r.find(0, 0);
    EXPECT_GT(near->ratio, 1.7);
    EXPECT_LE(near->p, 0.01);
    EXPECT_DOUBLE_EQ(near->p, 1.0 / 1000); // no permutation came close
    ASSERT_GE(r.headline, 0);
    EXPECT_EQ(r.cells[static_cast<std::size_t>(r.headline)].space_band, 0);
    EXPECT_EQ(r.cells[static_cast<std::size_t>(r.headline)].time_band, 0);
    // Beyond 250 m nothing was planted: ratio ≈ 1, within 5 Poisson standard deviations
    // (every such cell expects more than 600 pairs). Their p is not checked: a seed and its
    // repeat share their distance and time to every third incident, so pairs come in
    // correlated twos and far cells swing more than permutations (which break the twos)
    // allow; the Knox test has this in every implementation.
    for (const KnoxCell& c : r.cells) {
        if (c.space_band < 1) continue;
        EXPECT_GT(c.expected, 600);
        EXPECT_NEAR(c.ratio, 1.0, 5 / std::sqrt(c.expected)) << c.space_band << "," << c.time_band;
    }
    EXPECT_NEAR(r.find(5, 4)->ratio, 1.0, 0.01); // beyond × beyond: millions of pairs
}

TEST(KnoxTest, NoInteractionGivesNoHeadline) {
    const Points p = near_repeat_process(8, 4000, 0, 10000);
    const KnoxResult r =
        knox_test(p.x, p.y, p.t, spec(default_distance_bands(250), default_time_bands(), 199));
    int significant = 0;
    for (const KnoxCell& c : r.cells)
        significant += c.p <= 0.01;
    EXPECT_LE(significant, 2); // 30 cells at 1 %
}

TEST(KnoxTest, PartnersFarApartInTheGridOrderAreKept) {
    // 70,000 incidents 1 km apart on the line x = 0 (one grid column), and two incidents in
    // the next column 60 m from the first and the last: those two pairs are 70,000 places
    // apart in the grid order, beyond 16-bit offsets.
    Points p;
    const int n = 70000;
    for (int k = 0; k < n; ++k)
        p.add(0, 1000.0 * k, (k % 300) * kDay);
    p.add(60, 0, 3 * kDay);                  // 3 days after (0, 0)
    p.add(60, 1000.0 * (n - 1), 400 * kDay); // 400 − (69,999 mod 300 = 99) = 301 days
    const KnoxResult r = knox_test(p.x, p.y, p.t, spec({100}, {7}, 99, 0.0));
    EXPECT_EQ(r.pairs_within, 2u);
    EXPECT_EQ(r.find(0, 0)->observed, 1);
    EXPECT_EQ(r.find(0, 1)->observed, 1);
    // Every permutation keeps the row total: the simulated counts of the row add up to 2.
    EXPECT_NEAR(r.find(0, 0)->expected + r.find(0, 1)->expected, 2.0, 1e-12);
}

TEST(KnoxTest, IncidentsWithoutTimesAreLeftOutAndCounted) {
    Points p;
    for (int k = 0; k < 5; ++k)
        p.add(k, k, kNoTime);
    const KnoxResult r = knox_test(p.x, p.y, p.t, spec({100}, {7}, 99));
    EXPECT_EQ(r.incidents, 0u);
    EXPECT_EQ(r.without_time, 5u);
    EXPECT_EQ(r.pairs, 0u);
    ASSERT_EQ(r.cells.size(), 6u); // same, [1,100], beyond × 0–7, beyond
    for (const KnoxCell& c : r.cells) {
        EXPECT_EQ(c.observed, 0);
        EXPECT_EQ(c.expected, 0);
        EXPECT_TRUE(std::isnan(c.ratio));
        EXPECT_TRUE(std::isnan(c.p));
    }
    EXPECT_EQ(r.headline, -1);
    // No incidents at all, and a single one: the same empty table.
    EXPECT_EQ(knox_test({}, {}, {}, spec({100}, {7}, 99)).cells.size(), 6u);
    const KnoxResult one = knox_test({5}, {5}, {kDay}, spec({100}, {7}, 99));
    EXPECT_EQ(one.incidents, 1u);
    EXPECT_EQ(one.pairs, 0u);
    EXPECT_TRUE(std::isnan(one.cells[0].p));
}

TEST(KnoxTest, AllIncidentsAtOnePlaceHaveNothingToPermute) {
    // Every pair is in the same-location row, whatever the permutation: observed = expected
    // in every cell, so the ratio is 1 and p is 1 (every simulation ties).
    Points p;
    std::mt19937_64 rng{1};
    std::uniform_int_distribution<std::int64_t> ut{0, 60 * kDay};
    for (int k = 0; k < 60; ++k)
        p.add(500, 500, ut(rng));
    const KnoxResult r = knox_test(p.x, p.y, p.t, spec({100, 200}, {7, 14}, 99));
    EXPECT_EQ(r.pairs_within, 60u * 59 / 2);
    for (const KnoxCell& c : r.cells) {
        if (c.space_band != -1) {
            EXPECT_EQ(c.observed, 0);
            continue;
        }
        EXPECT_EQ(c.observed, c.expected);
        if (c.observed > 0) {
            EXPECT_DOUBLE_EQ(c.ratio, 1.0);
            EXPECT_DOUBLE_EQ(c.p, 1.0);
        }
    }
    EXPECT_EQ(r.headline, -1);
    EXPECT_EQ(r.repeat_headline, -1);
}

TEST(KnoxTest, BadInputIsRefusedWithTheReason) {
    const Points p = hand_case();
    auto message = [&](const Points& q, const KnoxSpec& s) -> std::string {
        try {
            knox_test(q.x, q.y, q.t, s);
        } catch (const vigia::InputError& e) {
            return e.what();
        }
        return "(no error)";
    };
    EXPECT_THROW(knox_test({0, 1}, {0}, {0, 0}, spec({100}, {7})), std::invalid_argument);
    EXPECT_EQ(message(p, spec({}, {7})),
              "near repeat: the distance and time bands must not be empty");
    EXPECT_EQ(message(p, spec({100}, {})),
              "near repeat: the distance and time bands must not be empty");
    EXPECT_EQ(message(p, spec({200, 100}, {7})),
              "near repeat: distance edge 2 is 100 m; the edges must be numbers > 0, ascending, "
              "and above same_location_m (1 m)");
    EXPECT_EQ(message(p, spec({0.5}, {7})), // below the same-location distance
              "near repeat: distance edge 1 is 0.5 m; the edges must be numbers > 0, ascending, "
              "and above same_location_m (1 m)");
    EXPECT_EQ(message(p, spec({100}, {7, 7})),
              "near repeat: time edge 2 is 7 days; the edges must be whole days, 0 to 32766, "
              "ascending");
    EXPECT_EQ(message(p, spec({100}, {3.5})),
              "near repeat: time edge 1 is 3.5 days; the edges must be whole days, 0 to 32766, "
              "ascending");
    KnoxSpec few = spec({100, 200}, {7, 14});
    few.max_pairs = 5; // the hand case has 6 pairs within 200 m
    EXPECT_EQ(message(p, few),
              "near repeat: more than 5 pairs of incidents lie within 200 m of each other (5 "
              "incidents); use fewer or smaller distance bands, a shorter period, or one category "
              "at a time");
    few.max_pairs = 6;
    EXPECT_EQ(message(p, few), "(no error)");
    Points bad = hand_case();
    bad.x[2] = std::nan("");
    EXPECT_EQ(message(bad, spec({100}, {7})), "near repeat: incident 3 has no finite coordinates");
    bad.t[2] = kNoTime; // an untimed incident's coordinates are not looked at
    EXPECT_EQ(message(bad, spec({100}, {7})), "(no error)");
}

TEST(KnoxTest, DefaultBandsAreMultiplesOfTheCellAndOfAWeek) {
    EXPECT_EQ(default_distance_bands(250), (std::vector<double>{250, 500, 750, 1000, 1250}));
    EXPECT_EQ(default_distance_bands(100, 3), (std::vector<double>{100, 200, 300}));
    EXPECT_EQ(default_time_bands(), (std::vector<double>{7, 14, 21, 28}));
    EXPECT_EQ(default_time_bands(2, 1), (std::vector<double>{1, 2}));
}
