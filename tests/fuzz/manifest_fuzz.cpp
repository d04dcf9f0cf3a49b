/// \file
/// libFuzzer target: the manifest reader (engine/manifest). The input is the manifest's text;
/// it names files in a temporary folder that need not exist (parse_manifest reads no file: it
/// only asks PROJ about CRSs and iconv about encodings). A VigiaError is the expected answer
/// to a bad manifest; anything else (a crash, another exception, a sanitizer report, a
/// manifest accepted with values no stage can use) is a finding.

#include "analysis/error.hpp"
#include "engine/manifest.hpp"
#include "io/gdal_util.hpp"

#include <cpl_error.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

namespace fs = std::filesystem;
using namespace vigia;

namespace {

fs::path g_dir;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

bool positive(double v) {
    return std::isfinite(v) && v > 0;
}

bool slug_ok(const std::string& s, const char* allowed) {
    return !s.empty() && s.find_first_not_of(allowed) == std::string::npos;
}

void check_manifest(const engine::Manifest& m) {
    const engine::AnalysisParams& a = m.analysis;
    check(positive(a.grid.cell_size_m));
    check(std::isfinite(a.neighbourhood_m) && a.neighbourhood_m >= 0);
    check(std::isfinite(a.kde.bandwidth_m) && a.kde.bandwidth_m >= 0);
    check(positive(a.kde.pixel_m));
    for (const auto* bands : {&a.near_repeat.distance_bands_m, &a.near_repeat.time_bands_days})
        for (std::size_t i = 0; i < bands->size(); ++i)
            check(positive((*bands)[i]) && (i == 0 || (*bands)[i] > (*bands)[i - 1]));
    for (const auto* p : {&a.period, &a.train, &a.test})
        if (*p) check((*p)->first <= (*p)->second);
    check(a.train.has_value() == a.test.has_value());
    check(std::isfinite(m.publish.min_count) && m.publish.min_count >= 0);
    check(!m.cities.empty());
    std::set<std::string> slugs;
    for (const engine::CityConfig& c : m.cities) {
        check(slug_ok(c.slug, "abcdefghijklmnopqrstuvwxyz0123456789-_"));
        check(slugs.insert(c.slug).second);
        check(c.incidents.has_value() != c.counts.has_value());
        check(!c.boundary.path.empty());
        check(c.max_outside_share >= 0 && c.max_outside_share <= 1);
        check(c.max_rejected_share >= 0 && c.max_rejected_share <= 1);
        if (c.incidents) check(c.incidents->x.empty() == c.incidents->y.empty());
        std::set<std::string> kinds;
        for (const engine::FacilityConfig& f : c.facilities) {
            check(slug_ok(f.kind, "abcdefghijklmnopqrstuvwxyz0123456789_"));
            check(kinds.insert(f.kind).second);
            check(positive(f.radius_m));
        }
    }
}

void remove_dir() {
    std::error_code ec;
    fs::remove_all(g_dir, ec);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    io::register_gdal();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    std::string tmpl = (fs::temp_directory_path() / "vigia-fuzz-manifest-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    g_dir = tmpl;
    std::atexit(remove_dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return -1;
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    try {
        const engine::Manifest m = engine::parse_manifest(text, g_dir / "alliance.toml");
        check_manifest(m);
    } catch (const VigiaError& e) {
        check(*e.what() != '\0');
    }
    return 0;
}
