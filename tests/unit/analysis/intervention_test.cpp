// Where and when a programme is evaluated (analysis/intervention.hpp), on hand-worked cases:
// the windows in whole months, which area holds a point (edges included), the areas of point
// and polygon sites, areal weighting, and a site's statistics from its series.

#include "analysis/grid.hpp"
#include "analysis/intervention.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

using namespace vigia::analysis;

namespace {

Wkb square(double x0, double y0, double x1, double y1) {
    return ring_to_wkb({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}});
}

/// A point as WKB (little-endian, type 1).
Wkb point(double x, double y) {
    Wkb w(21);
    w[0] = 1;
    w[1] = 1;
    std::memcpy(w.data() + 5, &x, 8);
    std::memcpy(w.data() + 13, &y, 8);
    return w;
}

WindowRequest request(Month start, bool partial, int before, int after) {
    WindowRequest r;
    r.start = start;
    r.start_partial = partial;
    r.before = before;
    r.after = after;
    r.data_first = month_of(2014, 1);
    r.data_last = month_of(2015, 12);
    return r;
}

} // namespace

TEST(Windows, AStartOnTheFirstOpensItsMonthAndWindowsAreEqualByDefault) {
    // Start 2015-01-01; data 2014-01 … 2015-12: 12 whole months either side.
    const Windows w = choose_windows(request(month_of(2015, 1), false, 0, 0));
    EXPECT_TRUE(w.problem.empty()) << w.problem;
    EXPECT_EQ(month_text(w.before_first), "2014-01");
    EXPECT_EQ(month_text(w.before_last), "2014-12");
    EXPECT_EQ(month_text(w.after_first), "2015-01");
    EXPECT_EQ(month_text(w.after_last), "2015-12");
}

TEST(Windows, APartialStartMonthIsLeftOutAndTheShorterSideSetsBoth) {
    // Start 2015-03-15: March is left out; 14 months before (2014-01 … 2015-02), 9 after
    // (2015-04 … 2015-12): both 9.
    const Windows w = choose_windows(request(month_of(2015, 3), true, 0, 0));
    EXPECT_TRUE(w.problem.empty()) << w.problem;
    EXPECT_EQ(w.before_months(), 9);
    EXPECT_EQ(w.after_months(), 9);
    EXPECT_EQ(month_text(w.before_first), "2014-06");
    EXPECT_EQ(month_text(w.before_last), "2015-02");
    EXPECT_EQ(month_text(w.after_first), "2015-04");
}

TEST(Windows, OneLengthAskedGivesBothAndTheEndStopsTheAfterWindow) {
    Windows w = choose_windows(request(month_of(2015, 1), false, 6, 0));
    EXPECT_EQ(w.before_months(), 6);
    EXPECT_EQ(w.after_months(), 6);
    WindowRequest r = request(month_of(2015, 1), false, 0, 0);
    r.end = month_of(2015, 4); // the site ran through April
    w = choose_windows(r);
    EXPECT_TRUE(w.problem.empty()) << w.problem;
    EXPECT_EQ(w.after_months(), 4);
    EXPECT_EQ(w.before_months(), 4);
    EXPECT_EQ(month_text(w.before_first), "2014-09");
}

TEST(Windows, AWindowTheDataDoNotCoverIsAProblemNamingTheMonths) {
    Windows w = choose_windows(request(month_of(2015, 1), false, 18, 0));
    EXPECT_EQ(w.problem, "the before window needs 18 months (2013-07 … 2014-12), but the data's "
                         "whole months are 2014-01 … 2015-12");
    w = choose_windows(request(month_of(2014, 1), false, 0, 0));
    EXPECT_EQ(w.problem.rfind("no whole month of data before the start (2014-01", 0), 0u)
        << w.problem;
    WindowRequest r = request(month_of(2015, 1), true, 0, 0);
    r.end = month_of(2015, 1);
    w = choose_windows(r);
    EXPECT_EQ(w.problem.rfind("the site ended before a whole month after its start", 0), 0u)
        << w.problem;
}

TEST(SiteIndex, APointOnATargetsEdgeIsInTheTargetNotAlsoInItsBuffer) {
    // Boundary 0–1000 square; one polygon site 400–600; buffer 100 m: ring 300–700 less the
    // target. The control is everything else.
    const Boundary city = make_boundary({square(0, 0, 1000, 1000)});
    const SiteAreas a = site_areas({square(400, 400, 600, 600)}, 0, 100, city, {});
    EXPECT_NEAR(a.target_km2[0], 0.04, 1e-12);
    // The grown square less the target: four 200 × 100 m sides and four quarter discs of
    // 100 m (GEOS: 32 segments a quarter, a 128-gon), 0.08 + 64 · 0.01 · sin(2π/128) km².
    EXPECT_NEAR(a.buffer_km2[0], 0.08 + 64 * 0.01 * std::sin(2 * M_PI / 128), 1e-9);
    const SiteIndex index{a};
    auto where = [&](double x, double y) {
        int t = 0, b = 0;
        const bool control = index.locate(
            x, y, [&](std::size_t) { ++t; }, [&](std::size_t) { ++b; });
        return std::tuple{t, b, control};
    };
    EXPECT_EQ(where(500, 500), std::tuple(1, 0, false)); // inside the target
    EXPECT_EQ(where(600, 500), std::tuple(1, 0, false)); // on its edge: the target only
    EXPECT_EQ(where(650, 500), std::tuple(0, 1, false)); // the buffer
    EXPECT_EQ(where(900, 900), std::tuple(0, 0, true));  // the control
}

TEST(SiteAreas, PointSitesAreDiscsClippedToTheCityAndOverlapsAreFound) {
    const Boundary city = make_boundary({square(0, 0, 1000, 1000)});
    // Two discs of 100 m 150 m apart overlap; a third, centred on the boundary, is halved.
    const SiteAreas a =
        site_areas({point(300, 500), point(450, 500), point(1000, 200)}, 100, 0, city, {});
    const double disc = 32 * 4 * 0.5 * 100 * 100 * std::sin(2 * M_PI / 128) * 1e-6; // 128-gon
    EXPECT_NEAR(a.target_km2[0], disc, 1e-9);
    EXPECT_NEAR(a.target_km2[2], disc / 2, 1e-6);
    ASSERT_EQ(a.overlaps.size(), 1u);
    EXPECT_EQ(a.overlaps[0].a, 0u);
    EXPECT_EQ(a.overlaps[0].b, 1u);
    EXPECT_FALSE(a.has_buffer);
    EXPECT_NEAR(a.control_km2, 1.0 - 2 * disc - disc / 2 + a.overlaps[0].km2, 1e-6);
    // A point site needs a radius.
    EXPECT_THROW(site_areas({point(300, 500)}, 0, 0, city, {}), SiteError);
}

TEST(SiteAreas, AnInvalidPolygonSiteIsRepairedAndListed) {
    const Boundary city = make_boundary({square(0, 0, 1000, 1000)});
    // A bow tie: valid after MakeValid as two triangles.
    const Wkb bow = ring_to_wkb({{100, 100}, {300, 300}, {300, 100}, {100, 300}, {100, 100}});
    const SiteAreas a = site_areas({bow}, 0, 0, city, {});
    ASSERT_EQ(a.repaired.size(), 1u);
    EXPECT_EQ(a.repaired[0].first, 0u);
    EXPECT_NEAR(a.target_km2[0], 2 * 0.5 * 200 * 100 * 1e-6, 1e-9);
}

TEST(UnitShares, ASubUnitsCountIsApportionedByTheShareOfItsArea) {
    const Boundary city = make_boundary({square(0, 0, 1000, 1000)});
    const SiteAreas a = site_areas({square(0, 0, 250, 1000)}, 0, 0, city, {});
    const UnitShares s = unit_shares(a, {square(0, 0, 500, 1000), square(500, 0, 1000, 1000)});
    ASSERT_EQ(s.target[0].size(), 1u);
    EXPECT_EQ(s.target[0][0].unit, 0);
    EXPECT_NEAR(s.target[0][0].share, 0.5, 1e-12);
    EXPECT_NEAR(s.control[0], 0.5, 1e-12);
    EXPECT_NEAR(s.control[1], 1.0, 1e-12);
}

TEST(EvaluateSite, SumsTheWindowsAndComputesResFromThem) {
    // Two months before, two after: target 10 + 20 → 4 + 6; control 40 + 35 → 30 + 35.
    //   RES = (30 · 65) / (10 · 75) = 2.6
    SiteCounts c{1, month_of(2019, 1), 4};
    c.target[0] = {10, 20, 4, 6};
    c.control = {40, 35, 30, 35};
    Windows w;
    w.before_first = month_of(2019, 1);
    w.before_last = month_of(2019, 2);
    w.after_first = month_of(2019, 3);
    w.after_last = month_of(2019, 4);
    const SiteEvaluation e = evaluate_site(c, 0, w, false);
    EXPECT_EQ(e.target.before, 30);
    EXPECT_EQ(e.target.after, 10);
    EXPECT_EQ(e.control.before, 75);
    EXPECT_EQ(e.control.after, 65);
    EXPECT_NEAR(e.effect.res, 2.6, 1e-12);
    EXPECT_FALSE(e.displacement.has_value());
}
