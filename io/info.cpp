#include "io/info.hpp"

#include "io/gdal_util.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <limits>
#include <vector>

namespace vigia::io {

std::string describe(const std::string& path) {
    GDALDatasetUniquePtr ds = open_vector(path);
    std::string out = fmt::format("{} ({})\n", path, ds->GetDriver()->GetDescription());
    for (int li = 0; li < ds->GetLayerCount(); ++li) {
        OGRLayer& layer = *ds->GetLayer(li);
        OGRFeatureDefn* defn = layer.GetLayerDefn();
        out += fmt::format("layer '{}'\n", layer.GetName());
        out += fmt::format("  geometry: {}\n", OGRGeometryTypeToName(layer.GetGeomType()));
        const OGRSpatialReference* srs = layer.GetSpatialRef();
        out +=
            fmt::format("  crs: {}\n", srs ? srs_label(*srs) : "none (give crs in the manifest)");
        out += fmt::format("  features: {}\n", layer.GetFeatureCount(TRUE));
        OGREnvelope e;
        if (layer.GetGeomType() != wkbNone && layer.GetExtent(&e, TRUE) == OGRERR_NONE)
            out += fmt::format("  extent: ({:.6f}, {:.6f}) - ({:.6f}, {:.6f})\n", e.MinX, e.MinY,
                               e.MaxX, e.MaxY);
        // Time span of native date fields, in one pass over the layer.
        std::vector<int> date_fields;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const OGRFieldType t = defn->GetFieldDefn(i)->GetType();
            if (t == OFTDate || t == OFTDateTime) date_fields.push_back(i);
        }
        std::vector<std::int64_t> lo(date_fields.size(), std::numeric_limits<std::int64_t>::max());
        std::vector<std::int64_t> hi(date_fields.size(), std::numeric_limits<std::int64_t>::min());
        if (!date_fields.empty()) {
            layer.ResetReading();
            for (auto& f : layer) {
                for (std::size_t k = 0; k < date_fields.size(); ++k) {
                    if (!f->IsFieldSetAndNotNull(date_fields[k])) continue;
                    int y, m, d, hh, mm, tz;
                    float ss;
                    f->GetFieldAsDateTime(date_fields[k], &y, &m, &d, &hh, &mm, &ss, &tz);
                    const std::int64_t s =
                        to_seconds(CivilTime{y, m, d, hh, mm, static_cast<int>(ss)});
                    lo[k] = std::min(lo[k], s);
                    hi[k] = std::max(hi[k], s);
                }
            }
        }
        out += fmt::format("  fields ({}):\n", defn->GetFieldCount());
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            OGRFieldDefn* fd = defn->GetFieldDefn(i);
            out += fmt::format("    {}: {}", fd->GetNameRef(),
                               OGRFieldDefn::GetFieldTypeName(fd->GetType()));
            for (std::size_t k = 0; k < date_fields.size(); ++k) {
                if (date_fields[k] != i) continue;
                if (lo[k] <= hi[k])
                    out += fmt::format(" (from {} to {})", format_iso(lo[k]), format_iso(hi[k]));
                else
                    out += " (no values)";
            }
            out += "\n";
        }
    }
    return out;
}

} // namespace vigia::io
