#include "analysis/grid.hpp"

#include "analysis/error.hpp"
#include "analysis/geos.hpp"
#include "analysis/parallel.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace vigia::analysis {

namespace {
constexpr double kSqrt3 = 1.7320508075688772;
} // namespace

const char* to_string(GridShape s) noexcept {
    return s == GridShape::square ? "square" : "hex";
}

Lattice::Lattice(GridSpec spec, double min_x, double min_y, double max_x, double max_y)
    : m_spec{spec} {
    const double s = spec.cell_size_m;
    if (!(s > 0) || !std::isfinite(s))
        throw InputError{fmt::format("grid: cell_size_m must be a positive number, got {}", s)};
    if (spec.shape == GridShape::square) {
        m_dy = s;
        m_x0 = std::floor(min_x / s) * s;
        m_y0 = std::floor(min_y / s) * s;
        m_cols = static_cast<int>(std::floor((max_x - m_x0) / s)) + 1;
        m_rows = static_cast<int>(std::floor((max_y - m_y0) / s)) + 1;
    } else {
        const double r = s / kSqrt3; // circumradius = edge length
        m_dy = 1.5 * r;
        m_x0 = std::floor((min_x - s) / s) * s;
        // Whole pairs of rows, so that a row's parity (and so its half-cell shift) is the same
        // in every run whatever the boundary's extent.
        m_y0 = std::floor((min_y - m_dy) / (2 * m_dy)) * 2 * m_dy;
        m_cols = static_cast<int>(std::ceil((max_x + s - m_x0) / s)) + 1;
        m_rows = static_cast<int>(std::ceil((max_y + m_dy - m_y0) / m_dy)) + 1;
    }
}

double Lattice::cell_area() const noexcept {
    const double s = m_spec.cell_size_m;
    return m_spec.shape == GridShape::square ? s * s : kSqrt3 / 2.0 * s * s;
}

std::int64_t Lattice::locate(double x, double y) const noexcept {
    const double s = m_spec.cell_size_m;
    std::int64_t col = 0, row = 0;
    if (m_spec.shape == GridShape::square) {
        col = static_cast<std::int64_t>(std::floor((x - m_x0) / s));
        row = static_cast<std::int64_t>(std::floor((y - m_y0) / s));
    } else {
        // Axial coordinates of a pointy-topped hexagon, then cube rounding (Red Blob Games'
        // "Hexagonal Grids" formulas), then the odd-r offset layout used for rows.
        const double r = s / kSqrt3;
        const double px = x - m_x0, py = y - m_y0;
        const double qf = (px * kSqrt3 / 3.0 - py / 3.0) / r;
        const double rf = (2.0 / 3.0 * py) / r;
        const double sf = -qf - rf;
        double rq = std::round(qf), rr = std::round(rf), rs = std::round(sf);
        const double dq = std::abs(rq - qf), dr = std::abs(rr - rf), ds = std::abs(rs - sf);
        if (dq > dr && dq > ds)
            rq = -rr - rs;
        else if (dr > ds)
            rr = -rq - rs;
        const auto q = static_cast<std::int64_t>(rq);
        row = static_cast<std::int64_t>(rr);
        col = q + (row - (row & 1)) / 2;
    }
    if (col < 0 || row < 0 || col >= m_cols || row >= m_rows) return -1;
    return row * m_cols + col;
}

std::array<double, 2> Lattice::center(int col, int row) const noexcept {
    const double s = m_spec.cell_size_m;
    if (m_spec.shape == GridShape::square) return {m_x0 + (col + 0.5) * s, m_y0 + (row + 0.5) * s};
    return {m_x0 + col * s + ((row & 1) ? s / 2.0 : 0.0), m_y0 + row * m_dy};
}

BBox Lattice::bbox(int col, int row) const noexcept {
    const auto [cx, cy] = center(col, row);
    const double hx = m_spec.cell_size_m / 2.0;
    const double hy = m_spec.shape == GridShape::square ? hx : m_spec.cell_size_m / kSqrt3;
    return BBox{BPoint{cx - hx, cy - hy}, BPoint{cx + hx, cy + hy}};
}

std::vector<std::array<double, 2>> Lattice::ring(int col, int row) const {
    const auto [cx, cy] = center(col, row);
    const double h = m_spec.cell_size_m / 2.0;
    if (m_spec.shape == GridShape::square)
        return {{cx - h, cy - h},
                {cx + h, cy - h},
                {cx + h, cy + h},
                {cx - h, cy + h},
                {cx - h, cy - h}};
    const double r = m_spec.cell_size_m / kSqrt3;
    return {{cx + h, cy - r / 2}, {cx + h, cy + r / 2}, {cx, cy + r},        {cx - h, cy + r / 2},
            {cx - h, cy - r / 2}, {cx, cy - r},         {cx + h, cy - r / 2}};
}

Wkb ring_to_wkb(const std::vector<std::array<double, 2>>& ring) {
    // ISO WKB, little endian: MultiPolygon(1) → Polygon(1 ring) → points.
    Wkb out;
    out.reserve(9 + 9 + 4 + ring.size() * 16);
    auto put_u32 = [&](std::uint32_t v) {
        unsigned char b[4];
        std::memcpy(b, &v, 4);
        out.insert(out.end(), b, b + 4);
    };
    auto put_f64 = [&](double v) {
        unsigned char b[8];
        std::memcpy(b, &v, 8);
        out.insert(out.end(), b, b + 8);
    };
    out.push_back(1);
    put_u32(6);
    put_u32(1);
    out.push_back(1);
    put_u32(3);
    put_u32(1);
    put_u32(static_cast<std::uint32_t>(ring.size()));
    for (const auto& p : ring) {
        put_f64(p[0]);
        put_f64(p[1]);
    }
    return out;
}

Boundary make_boundary(const std::vector<Wkb>& parts) {
    GeosContext ctx;
    GeomPtr u = union_polygons(ctx, parts);
    if (GEOSisEmpty_r(ctx.get(), u.get()))
        throw InputError{"boundary: the boundary polygons have no area"};
    Boundary b;
    b.wkb = to_wkb(ctx, u.get());
    b.shape = to_boost(ctx, u.get());
    b.edges = SegmentIndex{std::vector<BMultiPolygon>{b.shape}};
    b.area_m2 = area(ctx, u.get());
    const BBox env = bg::return_envelope<BBox>(b.shape);
    b.extent = {env.min_corner().x(), env.min_corner().y(), env.max_corner().x(),
                env.max_corner().y()};
    return b;
}

std::int32_t Grid::cell_at(double x, double y) const noexcept {
    const std::int64_t l = lattice.locate(x, y);
    return l < 0 ? -1 : cell_of_lattice[static_cast<std::size_t>(l)];
}

bool Grid::covers(std::int32_t cell, double x, double y) const {
    if (!border[cell]) return true;
    return bg::covered_by(BPoint{x, y}, part[cell]);
}

namespace {

/// One row of kept cells, built by one worker.
struct RowCells {
    std::vector<std::int32_t> col;
    std::vector<double> area;
    std::vector<std::uint8_t> border;
    std::vector<Wkb> geometry;
    std::vector<BMultiPolygon> part;
};

/// Builds the kept cells of rows [begin, end) with this worker's own GEOS context.
void build_rows(const Lattice& lat, const Boundary& boundary, std::size_t begin, std::size_t end,
                std::vector<RowCells>& out) {
    GeosContext ctx;
    GeomPtr whole = from_wkb(ctx, boundary.wkb);
    const double full = lat.cell_area();
    for (std::size_t r = begin; r < end; ++r) {
        const int row = static_cast<int>(r);
        RowCells& cells = out[r];
        GeomPtr band; // the boundary clipped to this row's band, made on first need
        for (int col = 0; col < lat.cols(); ++col) {
            const BBox box = lat.bbox(col, row);
            const auto ring = lat.ring(col, row);
            if (!boundary.edges.touches(box)) {
                const auto c = lat.center(col, row);
                if (!boundary.edges.inside(c[0], c[1])) continue;
                cells.col.push_back(col);
                cells.area.push_back(full);
                cells.border.push_back(0);
                cells.geometry.push_back(ring_to_wkb(ring));
                cells.part.emplace_back();
                continue;
            }
            if (!band) {
                const BBox row_box = lat.bbox(0, row);
                band = own(ctx,
                           GEOSClipByRect_r(ctx.get(), whole.get(), boundary.extent[0] - 1,
                                            row_box.min_corner().y() - 1, boundary.extent[2] + 1,
                                            row_box.max_corner().y() + 1),
                           "clipping the boundary to a row of cells");
            }
            GeomPtr cell = from_wkb(ctx, ring_to_wkb(ring));
            GEOSGeometry* raw = GEOSIntersection_r(ctx.get(), cell.get(), band.get());
            if (!raw) raw = GEOSIntersection_r(ctx.get(), cell.get(), whole.get()); // band invalid
            GeomPtr clipped = own(ctx, raw, "clipping a cell to the boundary");
            Repair unused;
            clipped = make_valid_polygonal(ctx, std::move(clipped), unused);
            const double a = area(ctx, clipped.get());
            if (!(a > full * 1e-12)) continue;
            const bool whole_cell = a >= full * (1.0 - 1e-12);
            cells.col.push_back(col);
            cells.area.push_back(whole_cell ? full : a);
            cells.border.push_back(whole_cell ? 0 : 1);
            cells.geometry.push_back(whole_cell ? ring_to_wkb(ring) : to_wkb(ctx, clipped.get()));
            cells.part.push_back(whole_cell ? BMultiPolygon{} : to_boost(ctx, clipped.get()));
        }
    }
}

} // namespace

Grid build_grid(const GridSpec& spec, const Boundary& boundary, std::int64_t max_cells) {
    Grid g;
    g.lattice = Lattice{spec, boundary.extent[0], boundary.extent[1], boundary.extent[2],
                        boundary.extent[3]};
    if (g.lattice.size() > max_cells)
        throw InputError{fmt::format(
            "grid: {} m cells would need a {} x {} lattice ({} cells, more than the {} allowed); "
            "use a larger cell_size_m",
            spec.cell_size_m, g.lattice.cols(), g.lattice.rows(), g.lattice.size(), max_cells)};

    std::vector<RowCells> rows(static_cast<std::size_t>(g.lattice.rows()));
    parallel_chunks(rows.size(), [&](unsigned, std::size_t b, std::size_t e) {
        build_rows(g.lattice, boundary, b, e, rows);
    });

    g.cell_of_lattice.assign(static_cast<std::size_t>(g.lattice.size()), -1);
    const double km2 = 1e-6;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        RowCells& rc = rows[r];
        for (std::size_t k = 0; k < rc.col.size(); ++k) {
            const auto index = static_cast<std::int32_t>(g.col.size());
            g.cell_of_lattice[r * static_cast<std::size_t>(g.lattice.cols()) + rc.col[k]] = index;
            g.col.push_back(rc.col[k]);
            g.row.push_back(static_cast<std::int32_t>(r));
            const auto c = g.lattice.center(rc.col[k], static_cast<int>(r));
            g.cx.push_back(c[0]);
            g.cy.push_back(c[1]);
            g.area_km2.push_back(rc.area[k] * km2);
            g.border.push_back(rc.border[k]);
            g.geometry.push_back(std::move(rc.geometry[k]));
            g.part.push_back(std::move(rc.part[k]));
        }
        rc = RowCells{};
    }
    return g;
}

} // namespace vigia::analysis
