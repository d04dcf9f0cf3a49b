#include "analysis/utm.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace vigia::analysis {

int utm_epsg(double lon, double lat) {
    if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
        throw InputError{fmt::format(
            "crs: the boundary's centroid ({}, {}) is not a longitude/latitude; give [analysis] "
            "crs explicitly",
            lon, lat)};
    int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
    if (zone > 60) zone = 60; // lon == 180
    return (lat >= 0.0 ? 32600 : 32700) + zone;
}

} // namespace vigia::analysis
