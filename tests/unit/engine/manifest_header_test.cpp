// engine/manifest.hpp is read by every engine unit: it must not pull GDAL in (issue 11).
// This file includes it first, so any GDAL header it brings along fails the build here.
#include "engine/manifest.hpp"

#if defined(CPL_BASE_H_INCLUDED) || defined(GDAL_PRIV_H_INCLUDED) || defined(OGR_CORE_H_INCLUDED)
#error "engine/manifest.hpp includes a GDAL header"
#endif

#include <gtest/gtest.h>

TEST(ManifestHeader, IncludesNoGdalHeader) {
    // The check is the #error above, at compile time; this records that it ran.
    SUCCEED();
}
