#pragma once
/// \file
/// Reading the WKB of polygons straight into pixel rings for the map renderer
/// (io/map_render.cpp): Polygon and MultiPolygon, either byte order, ISO or EWKB Z/M flags
/// (extra ordinates skipped), into reusable buffers, with an error naming what is wrong.

#include "analysis/types.hpp"
#include "io/map_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace vigia::io::wkb {

// WKB: Polygon and MultiPolygon, either byte order, ISO or EWKB Z/M flags (extra ordinates
// skipped), straight to pixel coordinates in reusable buffers.

struct WkbError {
    std::string what;
};

/// One feature's rings in pixels. Buffers are reused from feature to feature.
struct Rings {
    std::vector<double> xy;
    std::vector<std::size_t> end;       ///< one past each ring's last point
    std::vector<std::uint8_t> exterior; ///< per ring
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    void clear() {
        xy.clear();
        end.clear();
        exterior.clear();
        minx = miny = std::numeric_limits<double>::infinity();
        maxx = maxy = -std::numeric_limits<double>::infinity();
    }
};

struct Affine { ///< px = ax + x * s, py = ay - y * s
    double ax = 0, ay = 0, s = 1;
    explicit Affine(const PanelTransform& t)
        : ax{t.frame_x + t.frame_w / 2 - t.centre_x / t.metres_per_px},
          ay{t.frame_y + t.frame_h / 2 + t.centre_y / t.metres_per_px}, s{1 / t.metres_per_px} {}
};

const char* wkb_type_name(std::uint32_t kind) {
    static constexpr const char* names[] = {"unknown",
                                            "Point",
                                            "LineString",
                                            "Polygon",
                                            "MultiPoint",
                                            "MultiLineString",
                                            "MultiPolygon",
                                            "GeometryCollection",
                                            "CircularString",
                                            "CompoundCurve",
                                            "CurvePolygon",
                                            "MultiCurve",
                                            "MultiSurface",
                                            "Curve",
                                            "Surface",
                                            "PolyhedralSurface",
                                            "TIN",
                                            "Triangle"};
    return kind < std::size(names) ? names[kind] : "unknown";
}

class WkbReader {
public:
    explicit WkbReader(const Affine& a) : m_a{a} {}

    /// Appends the geometry's rings to `out` (cleared first). Zero bytes: no rings.
    void read(const analysis::Wkb& wkb, Rings& out) {
        out.clear();
        if (wkb.empty()) return;
        m_begin = m_p = wkb.data();
        m_end = m_begin + wkb.size();
        const Header h = header("the geometry");
        if (h.kind == 3) {
            polygon(h, out);
        } else if (h.kind == 6) {
            need(4, "the polygon count");
            const std::uint32_t parts = u32(h.little);
            need(std::uint64_t{parts} * 9, "the polygons");
            for (std::uint32_t i = 0; i < parts; ++i) {
                const Header ph = header("a polygon of the MultiPolygon");
                if (ph.kind != 3)
                    fail(fmt::format("part {} of the MultiPolygon is a {} (WKB type {})", i + 1,
                                     wkb_type_name(ph.kind), ph.kind));
                polygon(ph, out);
            }
        } else {
            fail(fmt::format("WKB type {} ({}) is not a Polygon or MultiPolygon", h.kind,
                             wkb_type_name(h.kind)));
        }
        if (m_p != m_end)
            fail(fmt::format("{} bytes left after the geometry ({} bytes in all)", m_end - m_p,
                             wkb.size()));
    }

private:
    struct Header {
        bool little = true;
        std::uint32_t kind = 0;
        unsigned dims = 2;
    };

    [[noreturn]] void fail(const std::string& what) const { throw WkbError{what}; }

    void need(std::uint64_t bytes, const char* what) const {
        if (bytes > static_cast<std::uint64_t>(m_end - m_p))
            fail(fmt::format("truncated WKB ({} bytes): {} at byte {} need {} bytes",
                             m_end - m_begin, what, m_p - m_begin, bytes));
    }

    std::uint32_t u32(bool little) {
        std::uint32_t v;
        std::memcpy(&v, m_p, 4);
        m_p += 4;
        if (little != (std::endian::native == std::endian::little)) v = __builtin_bswap32(v);
        return v;
    }

    double f64(bool little) {
        std::uint64_t v;
        std::memcpy(&v, m_p, 8);
        m_p += 8;
        if (little != (std::endian::native == std::endian::little)) v = __builtin_bswap64(v);
        return std::bit_cast<double>(v);
    }

    Header header(const char* what) {
        need(5, what);
        Header h;
        const unsigned char order = *m_p++;
        if (order > 1)
            fail(fmt::format("byte-order flag {} at byte {} (expected 0 or 1): not WKB", order,
                             m_p - 1 - m_begin));
        h.little = order == 1;
        std::uint32_t type = u32(h.little);
        // EWKB (PostGIS): high flag bits for Z, M and an SRID that follows the type.
        bool z = (type & 0x80000000u) != 0, m = (type & 0x40000000u) != 0;
        if (type & 0x20000000u) {
            need(4, "the EWKB SRID");
            m_p += 4;
        }
        type &= 0x0FFFFFFFu;
        // ISO: 1000s for Z, 2000s for M, 3000s for ZM.
        const std::uint32_t iso = type / 1000;
        if (iso > 3) fail(fmt::format("WKB type {} is not a geometry type", type));
        z = z || iso == 1 || iso == 3;
        m = m || iso == 2 || iso == 3;
        h.kind = type % 1000;
        h.dims = 2u + (z ? 1u : 0u) + (m ? 1u : 0u);
        return h;
    }

    void polygon(const Header& h, Rings& out) {
        need(4, "the ring count");
        const std::uint32_t rings = u32(h.little);
        need(std::uint64_t{rings} * 4, "the rings");
        for (std::uint32_t r = 0; r < rings; ++r) {
            need(4, "a ring's point count");
            const std::uint32_t points = u32(h.little);
            need(std::uint64_t{points} * h.dims * 8, "a ring's points");
            for (std::uint32_t i = 0; i < points; ++i) {
                const double x = f64(h.little), y = f64(h.little);
                m_p += (h.dims - 2) * 8;
                if (!std::isfinite(x) || !std::isfinite(y))
                    fail(fmt::format("non-finite coordinate ({}, {}) in ring {}", x, y, r + 1));
                const double px = m_a.ax + x * m_a.s, py = m_a.ay - y * m_a.s;
                out.xy.push_back(px);
                out.xy.push_back(py);
                out.minx = std::min(out.minx, px);
                out.maxx = std::max(out.maxx, px);
                out.miny = std::min(out.miny, py);
                out.maxy = std::max(out.maxy, py);
            }
            out.end.push_back(out.xy.size() / 2);
            out.exterior.push_back(r == 0 ? 1 : 0);
        }
    }

    Affine m_a;
    const unsigned char* m_begin = nullptr;
    const unsigned char* m_p = nullptr;
    const unsigned char* m_end = nullptr;
};

} // namespace vigia::io::wkb
