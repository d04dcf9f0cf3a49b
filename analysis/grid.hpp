#pragma once
/// \file
/// Square and hexagonal grids over a city boundary. A cell is kept when its intersection
/// with the boundary has a positive area; `area_km2` is that intersection's area.

#include "analysis/spatial_index.hpp"
#include "analysis/types.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vigia::analysis {

enum class GridShape { square, hex };
const char* to_string(GridShape s) noexcept;

/// Square: `cell_size_m` is the edge. Hex (pointy-topped, rows offset by half a cell):
/// `cell_size_m` is the distance between opposite edges, so the edge is cell_size/√3 and the
/// area (√3/2)·cell_size².
struct GridSpec {
    GridShape shape = GridShape::hex;
    double cell_size_m = 250.0;
};

/// The infinite tiling restricted to a rectangle: cell geometry and point location, no
/// boundary. Square origins snap to multiples of the cell size so grids of one size line
/// up across runs; hex origins likewise snap to whole cells and rows.
class Lattice {
public:
    Lattice() = default;
    Lattice(GridSpec spec, double min_x, double min_y, double max_x, double max_y);

    const GridSpec& spec() const noexcept { return m_spec; }
    int cols() const noexcept { return m_cols; }
    int rows() const noexcept { return m_rows; }
    std::int64_t size() const noexcept { return std::int64_t{m_cols} * m_rows; }
    double cell_area() const noexcept;

    /// Lattice index (row * cols + col) of the cell holding the point, or -1 outside.
    std::int64_t locate(double x, double y) const noexcept;
    std::array<double, 2> center(int col, int row) const noexcept;
    BBox bbox(int col, int row) const noexcept;
    /// The cell's closed outer ring, counter-clockwise.
    std::vector<std::array<double, 2>> ring(int col, int row) const;

private:
    GridSpec m_spec;
    double m_x0 = 0, m_y0 = 0; ///< square: lower-left corner; hex: centre of cell (0,0)
    double m_dy = 0;           ///< row spacing
    int m_cols = 0, m_rows = 0;
};

/// The city boundary, ready for cell classification and point-in-boundary tests.
struct Boundary {
    Wkb wkb;             ///< the union of the boundary polygons (MultiPolygon)
    BMultiPolygon shape; ///< the same, for Boost.Geometry
    SegmentIndex edges;  ///< its edges
    double area_m2 = 0;
    std::array<double, 4> extent{}; ///< min x, min y, max x, max y
};

/// Builds the boundary (GEOS unary union of `parts`, which must be valid polygons).
Boundary make_boundary(const std::vector<Wkb>& parts);

/// The kept cells, in row-major order from the south-west (cell index i has cell_id i + 1).
struct Grid {
    Lattice lattice;
    std::vector<std::int32_t> cell_of_lattice; ///< lattice index → cell index, -1 if not kept
    std::vector<std::int32_t> col, row;
    std::vector<double> cx, cy;       ///< centre of the whole cell
    std::vector<double> area_km2;     ///< area inside the boundary
    std::vector<std::uint8_t> border; ///< 1 when the cell is partly outside the boundary
    std::vector<Wkb> geometry;        ///< the cell clipped to the boundary (MultiPolygon WKB)
    std::vector<BMultiPolygon> part;  ///< border cells: the clipped part; others: empty

    std::size_t size() const noexcept { return col.size(); }
    /// The kept cell whose (whole) lattice cell holds the point, or -1.
    std::int32_t cell_at(double x, double y) const noexcept;
    /// True when the point lies in the clipped cell `cell` (always true off the border).
    bool covers(std::int32_t cell, double x, double y) const;
};

/// Builds the grid over `boundary` using every core. Throws InputError when the lattice
/// would exceed `max_cells` (a cell size far too small for the city).
Grid build_grid(const GridSpec& spec, const Boundary& boundary,
                std::int64_t max_cells = 50'000'000);

/// MultiPolygon WKB of one closed ring.
Wkb ring_to_wkb(const std::vector<std::array<double, 2>>& ring);

} // namespace vigia::analysis
