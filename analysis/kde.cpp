#include "analysis/kde.hpp"

#include "analysis/error.hpp"
#include "analysis/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vigia::analysis {

const char* to_string(Kernel k) noexcept {
    return k == Kernel::quartic ? "quartic" : "gaussian";
}

double kernel_value(Kernel k, double bw, double d2) noexcept {
    if (k == Kernel::quartic) {
        const double h2 = bw * bw;
        if (d2 >= h2) return 0.0;
        const double u = 1.0 - d2 / h2;
        return 3.0 / (M_PI * h2) * u * u;
    }
    if (d2 > 64.0 * bw * bw) return 0.0;
    return std::exp(-d2 / (2.0 * bw * bw)) / (2.0 * M_PI * bw * bw);
}

double kernel_radius(Kernel k, double bw) noexcept {
    return k == Kernel::quartic ? bw : 8.0 * bw;
}

double silverman_bandwidth(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    if (n < 2) return 0.0;
    const double nd = static_cast<double>(n);
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / nd;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / nd;
    double ss = 0;
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double dx = x[i] - mx, dy = y[i] - my;
        ss += dx * dx + dy * dy;
        d[i] = std::sqrt(dx * dx + dy * dy);
    }
    const double sd = std::sqrt(ss / nd);
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n / 2), d.end());
    double median = d[n / 2];
    if (n % 2 == 0)
        median = (median +
                  *std::max_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n / 2))) /
                 2.0;
    return 0.9 * std::min(sd, std::sqrt(1.0 / std::log(2.0)) * median) * std::pow(nd, -0.2);
}

Raster boundary_raster(const Boundary& b, double pixel) {
    if (!(pixel > 0)) throw InputError{fmt::format("kde: pixel_m must be > 0, got {}", pixel)};
    Raster r;
    r.pixel = pixel;
    r.x0 = std::floor(b.extent[0] / pixel) * pixel;
    r.y1 = std::ceil(b.extent[3] / pixel) * pixel;
    r.cols = std::max(1, static_cast<int>(std::ceil((b.extent[2] - r.x0) / pixel)));
    r.rows = std::max(1, static_cast<int>(std::ceil((r.y1 - b.extent[1]) / pixel)));
    const auto cells = static_cast<std::size_t>(r.cols) * static_cast<std::size_t>(r.rows);
    if (cells > 200'000'000)
        throw InputError{fmt::format("kde: {} m pixels need {} x {} pixels; use a larger pixel_m",
                                     pixel, r.cols, r.rows)};
    r.values.assign(cells, 0.0);
    r.inside.assign(cells, 0);
    parallel_chunks(static_cast<std::size_t>(r.rows),
                    [&](unsigned, std::size_t rb, std::size_t re) {
                        for (std::size_t row = rb; row < re; ++row) {
                            const double y = r.center_y(static_cast<int>(row));
                            const std::vector<double> xs = b.edges.crossings(y);
                            std::size_t k = 0;
                            bool in = false;
                            for (int col = 0; col < r.cols; ++col) {
                                const double x = r.center_x(col);
                                while (k < xs.size() && xs[k] < x) {
                                    in = !in;
                                    ++k;
                                }
                                r.inside[row * static_cast<std::size_t>(r.cols) + col] = in;
                            }
                        }
                    });
    return r;
}

void kernel_density(Raster& r, const std::vector<double>& x, const std::vector<double>& y,
                    Kernel kernel, double bw) {
    if (!(bw > 0)) throw InputError{fmt::format("kde: bandwidth must be > 0 m, got {}", bw)};
    const double radius = kernel_radius(kernel, bw);
    const double to_km2 = 1e6;
    // Each worker owns a band of rows, so no two threads write the same pixel.
    parallel_chunks(static_cast<std::size_t>(r.rows), [&](unsigned, std::size_t rb,
                                                          std::size_t re) {
        const double band_top = r.y1 - static_cast<double>(rb) * r.pixel + radius;
        const double band_bottom = r.y1 - static_cast<double>(re) * r.pixel - radius;
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (y[i] > band_top || y[i] < band_bottom) continue;
            const int c0 =
                std::max(0, static_cast<int>(std::floor((x[i] - radius - r.x0) / r.pixel)));
            const int c1 = std::min(r.cols - 1,
                                    static_cast<int>(std::floor((x[i] + radius - r.x0) / r.pixel)));
            const int r0 = std::max(static_cast<int>(rb),
                                    static_cast<int>(std::floor((r.y1 - y[i] - radius) / r.pixel)));
            const int r1 = std::min(static_cast<int>(re) - 1,
                                    static_cast<int>(std::floor((r.y1 - y[i] + radius) / r.pixel)));
            for (int row = r0; row <= r1; ++row) {
                const double dy = r.center_y(row) - y[i];
                double* out = r.values.data() +
                              static_cast<std::size_t>(row) * static_cast<std::size_t>(r.cols);
                for (int col = c0; col <= c1; ++col) {
                    const double dx = r.center_x(col) - x[i];
                    out[col] += to_km2 * kernel_value(kernel, bw, dx * dx + dy * dy);
                }
            }
        }
    });
}

std::vector<double> kernel_density_at(const std::vector<double>& px, const std::vector<double>& py,
                                      const std::vector<double>& x, const std::vector<double>& y,
                                      Kernel kernel, double bw) {
    std::vector<double> out(px.size(), 0.0);
    for (std::size_t p = 0; p < px.size(); ++p)
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double dx = px[p] - x[i], dy = py[p] - y[i];
            out[p] += kernel_value(kernel, bw, dx * dx + dy * dy);
        }
    return out;
}

std::vector<double> volume_thresholds(const Raster& r, const std::vector<double>& shares) {
    std::vector<double> v;
    for (std::size_t i = 0; i < r.values.size(); ++i)
        if (r.inside[i] && r.values[i] > 0) v.push_back(r.values[i]);
    std::sort(v.begin(), v.end(), std::greater<>());
    const double total = std::accumulate(v.begin(), v.end(), 0.0);
    std::vector<double> out;
    for (double share : shares) {
        double cum = 0;
        double t = v.empty() ? 0.0 : v.back();
        for (double val : v) {
            cum += val;
            if (cum >= share * total) {
                t = val;
                break;
            }
        }
        out.push_back(t);
    }
    return out;
}

} // namespace vigia::analysis
