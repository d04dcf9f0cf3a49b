#include "analysis/count.hpp"

#include "analysis/geos.hpp"
#include "analysis/parallel.hpp"

namespace vigia::analysis {

namespace {
std::vector<BMultiPolygon> boost_polygons(const Polygons& units, std::vector<double>& area_km2) {
    GeosContext ctx;
    std::vector<BMultiPolygon> out;
    out.reserve(units.size());
    area_km2.reserve(units.size());
    for (const Wkb& w : units.wkb) {
        GeomPtr g = from_wkb(ctx, w);
        area_km2.push_back(area(ctx, g.get()) * 1e-6);
        out.push_back(to_boost(ctx, g.get()));
    }
    return out;
}
} // namespace

UnitIndex::UnitIndex(const Polygons& units, const Grid& grid) {
    std::vector<BMultiPolygon> polys = boost_polygons(units, m_area_km2);
    const SegmentIndex edges{polys};
    m_polygons = PolygonIndex{std::move(polys)};
    m_cell_unit.assign(grid.size(), -1);
    parallel_chunks(grid.size(), [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t c = b; c < e; ++c) {
            if (edges.touches(grid.lattice.bbox(grid.col[c], grid.row[c]))) continue;
            m_cell_unit[c] = m_polygons.locate(grid.cx[c], grid.cy[c]);
        }
    });
}

std::int32_t UnitIndex::locate(std::int32_t cell, double x, double y) const {
    if (cell >= 0 && m_cell_unit[cell] >= 0) return m_cell_unit[cell];
    return m_polygons.locate(x, y);
}

Assignment assign_points(const Grid& grid, const UnitIndex& units, const std::vector<double>& x,
                         const std::vector<double>& y) {
    Assignment a;
    const std::size_t n = x.size();
    a.cell.assign(n, -1);
    a.unit.assign(n, -1);
    parallel_chunks(n, [&](unsigned, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            const std::int32_t c = grid.cell_at(x[i], y[i]);
            if (c < 0 || !grid.covers(c, x[i], y[i])) continue;
            a.cell[i] = c;
            a.unit[i] = units.locate(c, x[i], y[i]);
        }
    });
    for (std::size_t i = 0; i < n; ++i) {
        if (a.cell[i] < 0)
            ++a.outside;
        else if (a.unit[i] < 0)
            ++a.without_unit;
    }
    return a;
}

std::vector<double> tally(const std::vector<std::int32_t>& index, std::size_t n,
                          const std::vector<double>& weight) {
    std::vector<double> out(n, 0.0);
    for (std::size_t i = 0; i < index.size(); ++i)
        if (index[i] >= 0) out[index[i]] += weight.empty() ? 1.0 : weight[i];
    return out;
}

std::vector<std::vector<std::pair<std::int32_t, double>>>
cell_unit_overlaps(const Grid& grid, const Polygons& units, const UnitIndex& index) {
    std::vector<std::vector<std::pair<std::int32_t, double>>> out(grid.size());
    parallel_chunks(grid.size(), [&](unsigned, std::size_t b, std::size_t e) {
        GeosContext ctx;
        std::vector<GeomPtr> geoms(units.size()); // parsed on first use in this worker
        for (std::size_t c = b; c < e; ++c) {
            const std::int32_t whole = index.cell_unit()[c];
            if (whole >= 0) {
                out[c].emplace_back(whole, grid.area_km2[c] * 1e6);
                continue;
            }
            GeomPtr cell = from_wkb(ctx, grid.geometry[c]);
            for (std::int32_t u :
                 index.polygons().candidates(grid.lattice.bbox(grid.col[c], grid.row[c]))) {
                if (!geoms[u]) geoms[u] = from_wkb(ctx, units.wkb[u]);
                GeomPtr inter = own(ctx, GEOSIntersection_r(ctx.get(), cell.get(), geoms[u].get()),
                                    "intersecting a cell with a sub-unit");
                const double a = area(ctx, inter.get());
                if (a > 0) out[c].emplace_back(u, a);
            }
        }
    });
    return out;
}

std::vector<double>
apportion_to_cells(const std::vector<std::vector<std::pair<std::int32_t, double>>>& overlaps,
                   const std::vector<double>& unit_area_km2,
                   const std::vector<double>& unit_counts) {
    std::vector<double> out(overlaps.size(), 0.0);
    for (std::size_t c = 0; c < overlaps.size(); ++c)
        for (const auto& [u, a] : overlaps[c])
            if (unit_area_km2[u] > 0) out[c] += unit_counts[u] * (a * 1e-6) / unit_area_km2[u];
    return out;
}

std::vector<double> density(const std::vector<double>& counts,
                            const std::vector<double>& area_km2) {
    std::vector<double> out(counts.size(), 0.0);
    for (std::size_t i = 0; i < counts.size(); ++i)
        out[i] = area_km2[i] > 0 ? counts[i] / area_km2[i] : 0.0;
    return out;
}

} // namespace vigia::analysis
