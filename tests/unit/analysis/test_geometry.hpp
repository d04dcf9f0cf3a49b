#pragma once
// WKT helpers for the analysis tests (GEOS fromWKT style: a bad WKT fails the test).

#include "analysis/geos.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vigia::test {

inline analysis::Wkb wkb(const std::string& wkt) {
    analysis::GeosContext c;
    GEOSWKTReader* r = GEOSWKTReader_create_r(c.get());
    GEOSGeometry* g = GEOSWKTReader_read_r(c.get(), r, wkt.c_str());
    GEOSWKTReader_destroy_r(c.get(), r);
    if (!g) {
        ADD_FAILURE() << "bad WKT: " << wkt;
        return {};
    }
    analysis::GeomPtr owned = analysis::own(c, g, "wkt");
    return analysis::to_wkb(c, owned.get());
}

} // namespace vigia::test
