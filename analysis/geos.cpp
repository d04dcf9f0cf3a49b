#include "analysis/geos.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

namespace vigia::analysis {

GeosContext::GeosContext() : m_h{GEOS_init_r()} {
    GEOSContext_setErrorMessageHandler_r(m_h, &GeosContext::on_message, this);
    GEOSContext_setNoticeMessageHandler_r(m_h, nullptr, nullptr);
}

GeosContext::~GeosContext() {
    GEOS_finish_r(m_h);
}

void GeosContext::on_message(const char* msg, void* self) {
    static_cast<GeosContext*>(self)->m_last = msg ? msg : "";
}

void GeosContext::fail(std::string_view op) const {
    throw InputError{fmt::format("geometry: {} failed: {}", op, m_last)};
}

GeomPtr own(const GeosContext& c, GEOSGeometry* g, std::string_view op) {
    if (!g) c.fail(op);
    return GeomPtr{g, GeomDeleter{c.get()}};
}

GeomPtr from_wkb(const GeosContext& c, const Wkb& wkb) {
    return own(c, GEOSGeomFromWKB_buf_r(c.get(), wkb.data(), wkb.size()), "reading WKB");
}

Wkb to_wkb(const GeosContext& c, const GEOSGeometry* g) {
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(c.get());
    GEOSWKBWriter_setOutputDimension_r(c.get(), w, 2);
    GEOSWKBWriter_setByteOrder_r(c.get(), w, GEOS_WKB_NDR);
    std::size_t n = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(c.get(), w, g, &n);
    GEOSWKBWriter_destroy_r(c.get(), w);
    if (!buf) c.fail("writing WKB");
    Wkb out(buf, buf + n);
    GEOSFree_r(c.get(), buf);
    return out;
}

double area(const GeosContext& c, const GEOSGeometry* g) {
    double a = 0;
    if (!GEOSArea_r(c.get(), g, &a)) c.fail("area");
    return a;
}

PreparedPtr prepare(const GeosContext& c, const GEOSGeometry* g) {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(c.get(), g);
    if (!p) c.fail("prepare");
    return PreparedPtr{p, PreparedDeleter{c.get()}};
}

namespace {

/// Collects the polygons of `g` (recursing into collections) into `out`.
void collect_polygons(const GeosContext& c, const GEOSGeometry* g,
                      std::vector<GEOSGeometry*>& out) {
    const int type = GEOSGeomTypeId_r(c.get(), g);
    if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(c.get(), g)) out.push_back(GEOSGeom_clone_r(c.get(), g));
        return;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(c.get(), g);
        for (int i = 0; i < n; ++i)
            collect_polygons(c, GEOSGetGeometryN_r(c.get(), g, i), out);
    }
}

/// A collection built from owned parts: they pass to the collection only once it exists, so
/// nothing leaks when GEOS refuses.
GeomPtr collection(const GeosContext& c, int type, std::vector<GeomPtr>& parts,
                   std::string_view op) {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts)
        raw.push_back(p.get());
    GeomPtr out = own(
        c,
        GEOSGeom_createCollection_r(c.get(), type, raw.data(), static_cast<unsigned>(raw.size())),
        op);
    for (auto& p : parts)
        p.release();
    return out;
}

GeomPtr polygonal_part(const GeosContext& c, const GEOSGeometry* g) {
    std::vector<GEOSGeometry*> polys;
    collect_polygons(c, g, polys);
    std::vector<GeomPtr> owned;
    for (GEOSGeometry* p : polys)
        owned.push_back(GeomPtr{p, GeomDeleter{c.get()}});
    return collection(c, GEOS_MULTIPOLYGON, owned, "building a multipolygon");
}

} // namespace

GeomPtr make_valid_polygonal(const GeosContext& c, GeomPtr g, Repair& repair) {
    const char valid = GEOSisValid_r(c.get(), g.get());
    if (valid == 2) c.fail("validity check");
    repair = Repair{};
    if (valid == 0) {
        repair.was_valid = false;
        if (char* why = GEOSisValidReason_r(c.get(), g.get())) {
            repair.reason = why;
            GEOSFree_r(c.get(), why);
        }
        g = own(c, GEOSMakeValid_r(c.get(), g.get()), "MakeValid");
    }
    return polygonal_part(c, g.get());
}

GeomPtr union_polygons(const GeosContext& c, const std::vector<Wkb>& parts) {
    std::vector<GeomPtr> geoms;
    geoms.reserve(parts.size());
    for (const Wkb& w : parts)
        geoms.push_back(from_wkb(c, w));
    GeomPtr coll = collection(c, GEOS_GEOMETRYCOLLECTION, geoms, "building a collection");
    GeomPtr u = own(c, GEOSUnaryUnion_r(c.get(), coll.get()), "union of polygons");
    return polygonal_part(c, u.get());
}

void centroid(const GeosContext& c, const GEOSGeometry* g, double& x, double& y) {
    GeomPtr p = own(c, GEOSGetCentroid_r(c.get(), g), "centroid");
    if (!GEOSGeomGetX_r(c.get(), p.get(), &x) || !GEOSGeomGetY_r(c.get(), p.get(), &y))
        c.fail("centroid coordinates");
}

} // namespace vigia::analysis
