#include "analysis/repair.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"
#include "tests/unit/analysis/test_geometry.hpp"

#include <gtest/gtest.h>

using namespace vigia::analysis;
using vigia::test::wkb;

TEST(Repair, BowTieIsMadeValidAndReported) {
    Polygons p;
    p.wkb = {wkb("POLYGON((0 0,10 10,10 0,0 10,0 0))"), wkb("POLYGON((20 0,30 0,30 10,20 0))")};
    p.names = {"bow", "ok"};
    const auto notes = repair_polygons(p, "test");
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].index, 0u);
    EXPECT_NE(notes[0].reason.find("Self-intersection"), std::string::npos) << notes[0].reason;
    GeosContext c;
    GeomPtr g = from_wkb(c, p.wkb[0]);
    EXPECT_EQ(GEOSisValid_r(c.get(), g.get()), 1);
    EXPECT_NEAR(area(c, g.get()), 50.0, 1e-9); // two triangles of 25
}

TEST(Repair, APolygonWithNoAreaIsAnError) {
    Polygons p;
    p.wkb = {wkb("POLYGON((0 0,10 0,20 0,0 0))")};
    p.names = {"flat"};
    EXPECT_THROW(repair_polygons(p, "test"), vigia::InputError);
}
