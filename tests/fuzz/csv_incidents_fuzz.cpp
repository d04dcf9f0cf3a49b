/// \file
/// libFuzzer target: the incident reader on a CSV table (io/incident_reader, through GDAL's CSV
/// driver). The input is the body of a CSV file whose header is `x,y,t,c`, held in GDAL's
/// /vsimem/; it is read as the manifest would ask: x = "x", y = "y", crs = "EPSG:4326",
/// time = "t", category = "c", into EPSG:32614. A VigiaError is the expected answer to a table
/// that cannot be read; anything else (a crash, another exception, a sanitizer report, a
/// result that breaks the reader's own accounting) is a finding.

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"
#include "io/incident_reader.hpp"
#include "io/sources.hpp"
#include "io/text.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

using namespace vigia;

namespace {

const char* const kPath = "/vsimem/vigia_fuzz/incidents.csv";
std::unique_ptr<OGRSpatialReference> g_target;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

void check_read(const io::IncidentRead& r) {
    const analysis::Incidents& inc = r.incidents;
    const std::size_t n = inc.size();
    check(inc.x.size() == n && inc.y.size() == n && inc.time.size() == n &&
          inc.time_span.size() == n && inc.category.size() == n && inc.row.size() == n);
    // Every record read ends either in the incidents or in the rejects.
    check(r.records == static_cast<std::int64_t>(n + r.rejects.rows().size()));
    check(r.records > 0);
    check(r.failed_x.size() == r.failed_y.size());
    for (std::size_t i = 0; i < n; ++i) {
        check(std::isfinite(inc.x[i]) && std::isfinite(inc.y[i]));
        check(inc.category[i] >= -1 &&
              inc.category[i] < static_cast<std::int32_t>(inc.categories.size()));
        if (inc.time[i] != analysis::kNoTime) {
            check(inc.time_span[i] > 0);
            check(r.time_min <= inc.time[i] && inc.time[i] <= r.time_max);
            check(inc.time[i] + inc.time_span[i] <= r.time_end);
        }
    }
    if (r.time_min != analysis::kNoTime) check(r.time_min <= r.time_max && r.time_max < r.time_end);
    for (const std::string& c : inc.categories)
        check(io::valid_utf8(c));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    io::register_gdal();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    g_target = io::make_srs("EPSG:32614", "fuzz target CRS");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return -1;
    std::string csv = "x,y,t,c\n";
    csv.append(reinterpret_cast<const char*>(data), size);
    VSILFILE* f = VSIFileFromMemBuffer(kPath, reinterpret_cast<GByte*>(csv.data()),
                                       static_cast<vsi_l_offset>(csv.size()), FALSE);
    if (!f) __builtin_trap();
    VSIFCloseL(f);

    io::IncidentSourceSpec spec;
    spec.path = kPath;
    spec.x = "x";
    spec.y = "y";
    spec.crs = "EPSG:4326";
    spec.time.fields = {"t"};
    spec.category = "c";
    try {
        check_read(io::read_incidents(spec, *g_target, std::nullopt));
    } catch (const VigiaError& e) {
        check(*e.what() != '\0');
    }
    VSIUnlink(kPath);
    return 0;
}
