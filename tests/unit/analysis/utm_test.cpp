#include "analysis/utm.hpp"

#include "analysis/error.hpp"

#include <gtest/gtest.h>

using vigia::analysis::utm_epsg;

TEST(Utm, NorthernHemisphereWest) {
    EXPECT_EQ(utm_epsg(-103.4, 20.7), 32613);  // Zapopan
    EXPECT_EQ(utm_epsg(-99.13, 19.43), 32614); // Mexico City
    EXPECT_EQ(utm_epsg(-74.07, 4.71), 32618);  // Bogotá
}

TEST(Utm, SouthernHemisphere) {
    EXPECT_EQ(utm_epsg(-77.04, -12.05), 32718); // Lima
    EXPECT_EQ(utm_epsg(-43.2, -22.9), 32723);   // Rio de Janeiro
    EXPECT_EQ(utm_epsg(-58.38, -34.6), 32721);  // Buenos Aires
}

TEST(Utm, EasternHemisphereAndZoneEdges) {
    EXPECT_EQ(utm_epsg(2.35, 48.85), 32631); // Paris
    EXPECT_EQ(utm_epsg(-180.0, 10), 32601);
    EXPECT_EQ(utm_epsg(180.0, 10), 32660);
    EXPECT_EQ(utm_epsg(-174.0, 10), 32602); // a zone's western edge belongs to it
    EXPECT_EQ(utm_epsg(0.0, 0.0), 32631);   // the equator counts as north
}

TEST(Utm, RejectsCoordinatesThatAreNotDegrees) {
    EXPECT_THROW(utm_epsg(672382.0, 2296059.0), vigia::InputError);
    EXPECT_THROW(utm_epsg(-103.0, 95.0), vigia::InputError);
}
