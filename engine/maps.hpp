#pragma once
/// \file
/// The PNG maps of a batch: one per city (Gi* classes, sub-units, facilities, suggested
/// sites) and `alliance.png`, every city side by side at one scale with one legend. Both use
/// the colours and words of the QGIS styles (engine/styles.hpp, engine/labels.hpp).

#include "analysis/types.hpp"
#include "engine/context.hpp"
#include "engine/labels.hpp"
#include "io/map_render.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vigia::engine {

/// What alliance.png needs of a city, kept after the city's run: its boundary and the cells
/// with a significant Gi* class (in the city's metric CRS).
struct CityMapSummary {
    std::string name;
    analysis::Wkb boundary;
    std::array<double, 4> extent{}; ///< min x, min y, max x, max y
    std::vector<analysis::Wkb> cells;
    std::vector<std::int8_t> classes; ///< Gi* class of each of `cells` (never 0)
};

/// The map of one city: Gi* classes of the grid cells, sub-unit outlines (with names when
/// there are at most `max_unit_labels` units), the boundary, each facility network and its
/// suggested sites, legend, scale bar, north arrow, title, period and source.
io::MapDoc city_map(const CityContext& o, Language language, std::size_t max_unit_labels = 60);

CityMapSummary map_summary(const CityContext& o);

/// Small multiples of every city at one scale (the largest city fits its frame), one legend.
io::MapDoc alliance_map(const std::vector<CityMapSummary>& cities, Language language);

} // namespace vigia::engine
