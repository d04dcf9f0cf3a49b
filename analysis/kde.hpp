#pragma once
/// \file
/// Kernel density of incident points on a raster, with the kernels crime analysts use, and
/// the smallest areas holding a given share of the density volume.

#include "analysis/grid.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vigia::analysis {

enum class Kernel { quartic, gaussian };
const char* to_string(Kernel k) noexcept;

/// Quartic (biweight): k(d) = 3/(π h²)(1 − d²/h²)² for d < h, h = the bandwidth (the search
/// radius, as in ArcGIS and QGIS; spatstat's σ = h/√8). Gaussian: k(d) =
/// exp(−d²/2σ²)/(2πσ²), σ = the bandwidth, cut at 8σ as spatstat's densityfun does.
double kernel_value(Kernel k, double bandwidth, double d2) noexcept;

/// The support radius beyond which the kernel is taken as 0.
double kernel_radius(Kernel k, double bandwidth) noexcept;

/// ArcGIS Kernel Density's default search radius (Silverman's rule of thumb, spatial form):
/// 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−0.2), SD the standard distance and Dm the median
/// distance to the mean centre. 0 for fewer than 2 distinct points.
double silverman_bandwidth(const std::vector<double>& x, const std::vector<double>& y);

/// A north-up raster: pixel (col, row) has its centre at
/// (x0 + (col + ½)·pixel, y1 − (row + ½)·pixel).
struct Raster {
    double x0 = 0, y1 = 0, pixel = 0;
    int cols = 0, rows = 0;
    std::vector<double> values;       ///< row-major from the north-west
    std::vector<std::uint8_t> inside; ///< 1 where the pixel centre is inside the boundary
    double center_x(int col) const noexcept { return x0 + (col + 0.5) * pixel; }
    double center_y(int row) const noexcept { return y1 - (row + 0.5) * pixel; }
};

/// A raster over the boundary's extent (snapped outward to whole pixels), with the pixels
/// whose centre lies inside the boundary marked.
Raster boundary_raster(const Boundary& boundary, double pixel);

/// Adds the kernel density of the points, in points per km², to every raster pixel centre
/// (exact sum over points within the kernel's radius; every core).
void kernel_density(Raster& r, const std::vector<double>& x, const std::vector<double>& y,
                    Kernel kernel, double bandwidth);

/// The density at arbitrary locations (exact sum), in points per m² — for tests and checks.
std::vector<double> kernel_density_at(const std::vector<double>& px, const std::vector<double>& py,
                                      const std::vector<double>& x, const std::vector<double>& y,
                                      Kernel kernel, double bandwidth);

/// For each share (e.g. 0.5, 0.75, 0.9): the density threshold t such that the inside pixels
/// with density ≥ t are the fewest holding that share of the inside volume.
std::vector<double> volume_thresholds(const Raster& r, const std::vector<double>& shares);

} // namespace vigia::analysis
