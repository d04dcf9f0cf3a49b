#include "io/feature_reader.hpp"

#include "analysis/error.hpp"
#include "io/incident_reader.hpp"
#include "io/layer_source.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <set>

namespace vigia::io {

std::vector<std::pair<std::string, std::string>> read_category_map(const std::string& path) {
    OpenLayer source{LayerLocation{path, "", "", ""}};
    OGRLayer& layer = source.layer();
    const int li = find_field(source, "label", "the offence label");
    const int ci = find_field(source, "iccs", "the ICCS code");
    std::vector<std::pair<std::string, std::string>> raw;
    std::vector<std::int64_t> rows;
    TextPolicy text{source, ""};
    for (auto& f : layer) {
        raw.emplace_back(field_text(*f, li), field_text(*f, ci));
        rows.push_back(f->GetFID());
        text.observe(raw.back().first, f->GetFID());
    }
    text.decide();
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        std::string label = text.decode(raw[i].first), code = text.decode(raw[i].second);
        const std::int64_t fid = rows[i];
        if (code.empty())
            throw InputError{fmt::format("categories: {} row {}: label '{}' has no iccs code", path,
                                         fid, label)};
        if (!seen.insert(label).second)
            throw InputError{
                fmt::format("categories: {} row {}: label '{}' is mapped twice", path, fid, label)};
        out.emplace_back(std::move(label), std::move(code));
    }
    return out;
}

FeatureRead read_features(const FeatureSourceSpec& spec, const OGRSpatialReference& target,
                          const std::string& role, bool allow_points, bool allow_polygons,
                          const std::vector<std::string>& text_fields) {
    FeatureRead out;
    OpenLayer source{LayerLocation{spec.path, spec.layer, spec.sql, spec.encoding}};
    OGRLayer& layer = source.layer();
    out.layer = source.name();
    const std::string where = fmt::format("{}: {}", role, source.where());
    auto srs = layer_srs(layer, spec.path, spec.crs);
    const int name_i =
        spec.name_field.empty() ? -1 : find_field(source, spec.name_field, role + " name_field");
    const int value_i =
        spec.value_field.empty() ? -1 : find_field(source, spec.value_field, role + " field");
    std::vector<int> text_i;
    for (const std::string& field : text_fields)
        text_i.push_back(find_field(source, field, role + " " + field));
    out.texts.resize(text_fields.size());
    TextPolicy text{source, spec.encoding};
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
        const std::string name = name_i >= 0 ? field_text(*f, name_i) : std::to_string(n);
        if (name_i >= 0) text.observe(name, f->GetFID());
        std::vector<std::string> texts;
        for (int i : text_i) {
            texts.push_back(field_text(*f, i));
            text.observe(texts.back(), f->GetFID());
        }
        double value = 0;
        if (value_i >= 0) {
            const std::string value_text = field_text(*f, value_i);
            const auto v = parse_decimal(value_text, Decimal::automatic);
            if (!v)
                throw InputError{fmt::format("{}: row {}: field '{}' = '{}' is not a number", where,
                                             f->GetFID(), spec.value_field, value_text)};
            value = *v;
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
            out.fids.push_back(f->GetFID());
            for (std::size_t t = 0; t < texts.size(); ++t)
                out.texts[t].push_back(texts[t]);
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
    text.decide();
    for (std::string& nm : out.names)
        nm = text.decode(nm);
    for (auto& field : out.texts)
        for (std::string& t : field)
            t = text.decode(t);
    if (out.wkb.empty())
        throw InputError{
            fmt::format("{}: has no features{}", where,
                        spec.where.empty() ? "" : " (after where = \"" + spec.where + "\")")};
    return out;
}

} // namespace vigia::io
