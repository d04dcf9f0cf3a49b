#include "io/feature_reader.hpp"

#include "analysis/error.hpp"
#include "io/incident_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <set>

namespace vigia::io {

std::vector<std::pair<std::string, std::string>> read_category_map(const std::string& path) {
    GDALDatasetUniquePtr ds = open_vector(path);
    OGRLayer& layer = pick_layer(*ds, path, "");
    const int li = require_field(layer, path, "label", "the offence label");
    const int ci = require_field(layer, path, "iccs", "the ICCS code");
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::string> seen;
    for (auto& f : layer) {
        std::string label = f->GetFieldAsString(li), code = f->GetFieldAsString(ci);
        if (code.empty())
            throw InputError{fmt::format("categories: {} row {}: label '{}' has no iccs code", path,
                                         f->GetFID(), label)};
        if (!seen.insert(label).second)
            throw InputError{fmt::format("categories: {} row {}: label '{}' is mapped twice", path,
                                         f->GetFID(), label)};
        out.emplace_back(std::move(label), std::move(code));
    }
    return out;
}

FeatureRead read_features(const FeatureSourceSpec& spec, const OGRSpatialReference& target,
                          const std::string& role, bool allow_points, bool allow_polygons) {
    FeatureRead out;
    GDALDatasetUniquePtr ds = open_vector(spec.path);
    OGRLayer& layer = pick_layer(*ds, spec.path, spec.layer);
    out.layer = layer.GetName();
    const std::string where = fmt::format("{}: {} layer '{}'", role, spec.path, out.layer);
    auto srs = layer_srs(layer, spec.path, spec.crs);
    const int name_i = spec.name_field.empty()
                           ? -1
                           : require_field(layer, spec.path, spec.name_field, role + " name_field");
    const int value_i = spec.value_field.empty()
                            ? -1
                            : require_field(layer, spec.path, spec.value_field, role + " field");
    if (value_i >= 0) {
        const OGRFieldType t = layer.GetLayerDefn()->GetFieldDefn(value_i)->GetType();
        if (t != OFTInteger && t != OFTInteger64 && t != OFTReal && t != OFTString)
            throw InputError{fmt::format("{}: field '{}' is not numeric ({})", where,
                                         spec.value_field, OGRFieldDefn::GetFieldTypeName(t))};
    }
    apply_where(layer, spec.path, spec.where);
    TransformPtr ct = make_transform(*srs, target);
    layer.ResetReading();
    std::int64_t n = 0;
    for (auto& f : layer) {
        ++n;
        OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty())
            throw InputError{
                fmt::format("{}: feature {} (fid {}) has no geometry", where, n, f->GetFID())};
        const std::string name = name_i >= 0 ? f->GetFieldAsString(name_i) : std::to_string(n);
        double value = 0;
        if (value_i >= 0) {
            const char* text = f->IsFieldSetAndNotNull(value_i) ? f->GetFieldAsString(value_i) : "";
            char* end = nullptr;
            value = std::strtod(text, &end);
            if (!*text || (end && *end) || !std::isfinite(value))
                throw InputError{fmt::format("{}: row {}: field '{}' = '{}' is not a number", where,
                                             f->GetFID(), spec.value_field, text)};
        }
        OGRGeometryUniquePtr geom{g->clone()};
        geom->flattenTo2D();
        const auto type = wkbFlatten(geom->getGeometryType());
        GdalErrorScope errors;
        if (geom->transform(ct.get()) != OGRERR_NONE)
            throw InputError{fmt::format("{}: feature {} cannot be reprojected: {}", where, n,
                                         errors.last_error())};
        auto add = [&](const OGRGeometry& part) {
            analysis::Wkb w(static_cast<std::size_t>(part.WkbSize()));
            part.exportToWkb(wkbNDR, w.data(), wkbVariantIso);
            out.wkb.push_back(std::move(w));
            out.names.push_back(name);
            if (value_i >= 0) out.values.push_back(value);
        };
        if ((type == wkbPoint || type == wkbMultiPoint) && allow_points) {
            out.points = true;
            if (type == wkbPoint)
                add(*geom);
            else
                for (const OGRPoint* p : *geom->toMultiPoint())
                    add(*p);
        } else if ((type == wkbPolygon || type == wkbMultiPolygon) && allow_polygons) {
            out.polygons = true;
            add(*geom);
        } else {
            throw InputError{fmt::format("{}: feature {} (fid {}) is a {}, expected {}", where, n,
                                         f->GetFID(), geom->getGeometryName(),
                                         allow_points && allow_polygons ? "points or polygons"
                                         : allow_points                 ? "points"
                                                                        : "polygons")};
        }
    }
    if (out.wkb.empty())
        throw InputError{
            fmt::format("{}: has no features{}", where,
                        spec.where.empty() ? "" : " (after where = \"" + spec.where + "\")")};
    return out;
}

} // namespace vigia::io
