#include "engine/provenance.hpp"

#include "engine/version.hpp"
#include "io/gdal_util.hpp"

#include <fmt/format.h>
#include <geos_c.h>

#include <chrono>
#include <ctime>

namespace vigia::engine {

std::string vigia_version() {
    return VIGIA_VERSION;
}

std::string library_versions() {
    return fmt::format("{}, GEOS {}, {}", io::gdal_version(), GEOSversion(), io::proj_version());
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace vigia::engine
