#pragma once
/// \file
/// RAII owners for the GEOS reentrant C API. One GeosContext per thread, never shared;
/// geometries stay in the thread whose context made them and cross threads as WKB.

#include "analysis/types.hpp"

#include <geos_c.h>

#include <memory>
#include <string>
#include <string_view>

namespace vigia::analysis {

class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;
    GeosContext(GeosContext&&) = delete;
    GeosContext& operator=(GeosContext&&) = delete;

    GEOSContextHandle_t get() const noexcept { return m_h; }
    /// Throws InputError "<op>: <last GEOS message>".
    [[noreturn]] void fail(std::string_view op) const;

private:
    static void on_message(const char* msg, void* self);
    GEOSContextHandle_t m_h;
    std::string m_last;
};

struct GeomDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSGeometry* g) const noexcept { GEOSGeom_destroy_r(ctx, g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t ctx;
    void operator()(const GEOSPreparedGeometry* g) const noexcept {
        GEOSPreparedGeom_destroy_r(ctx, g);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// Takes ownership of a GEOS result, throwing with the GEOS message when it is null.
GeomPtr own(const GeosContext& c, GEOSGeometry* g, std::string_view op);

GeomPtr from_wkb(const GeosContext& c, const Wkb& wkb);
Wkb to_wkb(const GeosContext& c, const GEOSGeometry* g);
double area(const GeosContext& c, const GEOSGeometry* g);
PreparedPtr prepare(const GeosContext& c, const GEOSGeometry* g);

/// Outcome of repairing one polygon.
struct Repair {
    bool was_valid = true;
    std::string reason; ///< GEOS's validity reason (e.g. "Self-intersection[x y]")
};

/// Makes `g` valid (GEOS MakeValid) and keeps only its polygonal part, as a MultiPolygon.
/// Returns the repaired geometry; `repair` says whether and why it was invalid.
GeomPtr make_valid_polygonal(const GeosContext& c, GeomPtr g, Repair& repair);

/// Union of polygons (GEOS UnaryUnion), polygonal part only.
GeomPtr union_polygons(const GeosContext& c, const std::vector<Wkb>& parts);

/// Centroid of a geometry.
void centroid(const GeosContext& c, const GEOSGeometry* g, double& x, double& y);

} // namespace vigia::analysis
