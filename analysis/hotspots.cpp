#include "analysis/hotspots.hpp"

#include "analysis/geos.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vigia::analysis {

std::vector<HotArea> hot_areas(const Grid& grid, const Weights& adjacency,
                               const std::vector<std::int8_t>& classes,
                               const std::vector<double>& counts, const std::vector<double>& z,
                               int min_class) {
    const std::size_t n = grid.size();
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    std::vector<std::int32_t> component(n, -1);
    std::vector<HotArea> areas;
    for (std::size_t seed = 0; seed < n; ++seed) {
        if (classes[seed] < min_class || component[seed] >= 0) continue;
        HotArea a;
        const auto id = static_cast<std::int32_t>(areas.size());
        std::vector<std::int32_t> stack{static_cast<std::int32_t>(seed)};
        component[seed] = id;
        while (!stack.empty()) {
            const std::int32_t c = stack.back();
            stack.pop_back();
            a.cells.push_back(c);
            for (auto k = adjacency.start[c]; k < adjacency.start[c + 1]; ++k) {
                const std::int32_t j = adjacency.index[k];
                if (component[j] < 0 && classes[j] >= min_class) {
                    component[j] = id;
                    stack.push_back(j);
                }
            }
        }
        std::sort(a.cells.begin(), a.cells.end());
        a.peak_z = -INFINITY;
        for (std::int32_t c : a.cells) {
            a.count += counts[c];
            a.area_km2 += grid.area_km2[c];
            a.peak_z = std::max(a.peak_z, z[c]);
        }
        a.share = total > 0 ? a.count / total : 0.0;
        areas.push_back(std::move(a));
    }
    GeosContext ctx;
    for (HotArea& a : areas) {
        std::vector<Wkb> parts;
        parts.reserve(a.cells.size());
        for (std::int32_t c : a.cells)
            parts.push_back(grid.geometry[c]);
        a.geometry = to_wkb(ctx, union_polygons(ctx, parts).get());
    }
    std::stable_sort(areas.begin(), areas.end(),
                     [](const HotArea& l, const HotArea& r) { return l.count > r.count; });
    return areas;
}

} // namespace vigia::analysis
