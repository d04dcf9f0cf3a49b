#include "io/vector_reader.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

namespace vigia::io {

PolygonSource::PolygonSource(const PolygonSourceSpec& spec) : m_spec{spec} {
    GDALDatasetUniquePtr ds = open_vector(spec.path);
    OGRLayer& layer = pick_layer(*ds, spec.path, spec.layer);
    m_layer = layer.GetName();
    m_srs = layer_srs(layer, spec.path, spec.crs);
    const int name_i = spec.name_field.empty()
                           ? -1
                           : require_field(layer, spec.path, spec.name_field, "name_field");
    const int key_i =
        spec.key_field.empty() ? -1 : require_field(layer, spec.path, spec.key_field, "unit_key");
    const std::string where = fmt::format("{} layer '{}'", spec.path, m_layer);
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
        m_names.push_back(name_i >= 0 ? f->GetFieldAsString(name_i) : std::to_string(n));
        if (key_i >= 0) m_keys.push_back(f->GetFieldAsString(key_i));
    }
    if (m_geoms.empty()) throw InputError{fmt::format("{}: has no features", where)};
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
