#pragma once
/// \file
/// The default local metric CRS of a city: the UTM zone of its boundary's centroid.

namespace vigia::analysis {

/// EPSG code of the WGS 84 / UTM zone containing (lon, lat) in degrees: 326zz north of the
/// equator (lat >= 0), 327zz south. Zones are the regular 6° bands (zone 1 starts at -180°);
/// the Norway/Svalbard exceptions do not apply to the alliance's cities and are not made.
/// Throws InputError for coordinates outside [-180, 180] × [-90, 90].
int utm_epsg(double lon, double lat);

} // namespace vigia::analysis
