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
        // Time spans, in one pass over the layer: native date fields, and text fields whose
        // non-empty values parse as dates (at least 90 % of them; the others are counted), as
        // police exports mostly write dates as text.
        struct Span {
            int field;
            bool text;
            std::int64_t lo = std::numeric_limits<std::int64_t>::max();
            std::int64_t hi = std::numeric_limits<std::int64_t>::min();
            std::int64_t parsed = 0, failed = 0;
        };
        std::vector<Span> spans;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const OGRFieldType t = defn->GetFieldDefn(i)->GetType();
            if (t == OFTDate || t == OFTDateTime || t == OFTString)
                spans.push_back({i, t == OFTString});
        }
        if (!spans.empty()) {
            layer.ResetReading();
            for (auto& f : layer) {
                for (Span& sp : spans) {
                    if (!f->IsFieldSetAndNotNull(sp.field)) continue;
                    std::int64_t s = 0;
                    if (sp.text) {
                        const char* text = f->GetFieldAsString(sp.field);
                        if (!*text) continue;
                        const auto v = parse_time(text);
                        if (!v) {
                            ++sp.failed;
                            continue;
                        }
                        s = *v;
                    } else {
                        int y, m, d, hh, mm, tz;
                        float ss;
                        f->GetFieldAsDateTime(sp.field, &y, &m, &d, &hh, &mm, &ss, &tz);
                        s = to_seconds(CivilTime{y, m, d, hh, mm, static_cast<int>(ss)});
                    }
                    ++sp.parsed;
                    sp.lo = std::min(sp.lo, s);
                    sp.hi = std::max(sp.hi, s);
                }
            }
        }
        out += fmt::format("  fields ({}):\n", defn->GetFieldCount());
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            OGRFieldDefn* fd = defn->GetFieldDefn(i);
            out += fmt::format("    {}: {}", fd->GetNameRef(),
                               OGRFieldDefn::GetFieldTypeName(fd->GetType()));
            for (const Span& sp : spans) {
                if (sp.field != i) continue;
                const bool dates = sp.parsed > 0 && sp.parsed >= 9 * sp.failed;
                if (dates)
                    out += fmt::format(
                        " (from {} to {}{})", format_iso(sp.lo), format_iso(sp.hi),
                        sp.failed ? fmt::format("; {} values are not dates", sp.failed) : "");
                else if (!sp.text)
                    out += " (no values)";
            }
            out += "\n";
        }
    }
    return out;
}

} // namespace vigia::io
