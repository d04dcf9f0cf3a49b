#include "io/vector_reader.hpp"

#include "analysis/error.hpp"
#include "io/layer_source.hpp"

#include <fmt/format.h>

namespace vigia::io {

PolygonSource::PolygonSource(const PolygonSourceSpec& spec) : m_spec{spec} {
    OpenLayer source{spec.location()};
    OGRLayer& layer = source.layer();
    m_layer = source.name();
    m_srs = layer_srs(layer, spec.path, spec.crs);
    const int name_i =
        spec.name_field.empty() ? -1 : find_field(source, spec.name_field, "name_field");
    const int key_i = spec.key_field.empty() ? -1 : find_field(source, spec.key_field, "unit_key");
    const std::string where = source.where();
    TextPolicy text{source, spec.encoding};
    layer.ResetReading();
    std::int64_t n = 0;
    for (auto& f : layer) {
        ++n;
        OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty())
            throw InputError{
                fmt::format("{}: feature {} (fid {}) has no geometry", where, n, f->GetFID())};
        const auto type = wkbFlatten(g->getGeometryType());
        if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbCurvePolygon &&
            type != wkbMultiSurface)
            throw InputError{fmt::format("{}: feature {} (fid {}) is a {}, expected polygons",
                                         where, n, f->GetFID(), g->getGeometryName())};
        OGRGeometryUniquePtr geom{f->StealGeometry()};
        if (type == wkbCurvePolygon || type == wkbMultiSurface)
            geom.reset(geom->getLinearGeometry());
        geom->flattenTo2D();
        m_geoms.push_back(std::move(geom));
        m_names.push_back(name_i >= 0 ? field_text(*f, name_i) : std::to_string(n));
        if (name_i >= 0) text.observe(m_names.back(), f->GetFID());
        if (key_i >= 0) {
            m_keys.push_back(field_text(*f, key_i));
            text.observe(m_keys.back(), f->GetFID());
        }
    }
    if (m_geoms.empty()) throw InputError{fmt::format("{}: has no features", where)};
    text.decide();
    for (auto* v : {&m_names, &m_keys})
        for (std::string& s : *v)
            s = text.decode(s);
    m_encoding = text.description();
    if (!text.warning().empty()) m_warnings.push_back(text.warning());
}

std::array<double, 2> PolygonSource::centroid_lonlat() const {
    OGRMultiPolygon all;
    for (const auto& g : m_geoms) {
        if (auto* mp = dynamic_cast<const OGRMultiPolygon*>(g.get())) {
            for (const OGRPolygon* p : *mp)
                all.addGeometry(p);
        } else {
            all.addGeometry(g.get());
        }
    }
    // The centroid of the envelope-weighted parts is enough to pick a 6° zone; GEOS's
    // centroid of the collection is used so that large parts weigh more.
    OGRPoint c;
    if (all.Centroid(&c) != OGRERR_NONE) {
        OGREnvelope e;
        all.getEnvelope(&e);
        c.setX((e.MinX + e.MaxX) / 2);
        c.setY((e.MinY + e.MaxY) / 2);
    }
    auto wgs84 = make_srs("EPSG:4326", "crs");
    TransformPtr ct = make_transform(*m_srs, *wgs84);
    double x = c.getX(), y = c.getY();
    if (!ct->Transform(1, &x, &y))
        throw InputError{fmt::format("{}: the boundary's centroid cannot be converted to "
                                     "longitude/latitude; give [analysis] crs",
                                     m_spec.path)};
    return {x, y};
}

analysis::Polygons PolygonSource::project(const OGRSpatialReference& target) const {
    TransformPtr ct = make_transform(*m_srs, target);
    analysis::Polygons out;
    out.names = m_names;
    out.wkb.reserve(m_geoms.size());
    for (std::size_t i = 0; i < m_geoms.size(); ++i) {
        OGRGeometryUniquePtr g{m_geoms[i]->clone()};
        GdalErrorScope errors;
        if (g->transform(ct.get()) != OGRERR_NONE)
            throw InputError{fmt::format("{}: feature {} cannot be reprojected to {}: {}",
                                         m_spec.path, i + 1, srs_label(target),
                                         errors.last_error())};
        analysis::Wkb w(static_cast<std::size_t>(g->WkbSize()));
        g->exportToWkb(wkbNDR, w.data(), wkbVariantIso);
        out.wkb.push_back(std::move(w));
    }
    return out;
}

} // namespace vigia::io
