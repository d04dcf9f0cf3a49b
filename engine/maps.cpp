#include "engine/maps.hpp"

#include "io/connection.hpp"

#include "analysis/geos.hpp"
#include "engine/provenance.hpp"
#include "engine/styles.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>

namespace vigia::engine {

namespace {

io::Rgba rgba(Colour c) {
    return {c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0};
}

/// Gi* class → fill colour, from the QGIS style's categories (so the map and QGIS agree).
std::map<int, io::Rgba> gi_colours(Language language) {
    std::map<int, io::Rgba> out;
    for (const QmlCategory& c : gi_categories(language, Stroke{}))
        out[std::stoi(c.value)] = rgba(std::get<Fill>(c.symbol).colour);
    return out;
}

/// The Gi* legend, hot classes first.
std::vector<io::LegendEntry> gi_legend(Language language) {
    std::vector<io::LegendEntry> out;
    for (const QmlCategory& c : gi_categories(language, Stroke{}))
        out.push_back(io::LegendEntry::patch(rgba(std::get<Fill>(c.symbol).colour), c.label));
    return out;
}

io::Bbox extent_of(const std::array<double, 4>& e) {
    const double pad = 0.03 * std::max(e[2] - e[0], e[3] - e[1]);
    return {e[0] - pad, e[1] - pad, e[2] + pad, e[3] + pad};
}

/// The map's symbol of a QGIS marker shape.
io::PointShape point_shape(MarkerShape shape) noexcept {
    switch (shape) {
    case MarkerShape::square:
        return io::PointShape::square;
    case MarkerShape::triangle:
        return io::PointShape::triangle;
    case MarkerShape::diamond:
        return io::PointShape::diamond;
    case MarkerShape::pentagon:
        return io::PointShape::pentagon;
    case MarkerShape::star:
        return io::PointShape::star;
    case MarkerShape::circle:
        break;
    }
    return io::PointShape::circle;
}

const io::Rgba kBoundary{0.13, 0.13, 0.13, 1};
const io::Rgba kUnits{0.35, 0.35, 0.35, 1};

} // namespace

io::MapDoc city_map(const CityContext& o, Language language, std::size_t max_unit_labels) {
    io::MapDoc doc;
    doc.title = fmt::format("{}: {}", o.city->name, text(language, "hot_spots_title"));
    const auto& spec = o.grid.lattice.spec();
    std::string period = o.manifest->analysis.period_text;
    if (period.empty() && o.points && o.points->time_min != analysis::kNoTime)
        period = io::format_iso(o.points->time_min).substr(0, 10) + "/" +
                 io::format_iso(o.points->time_max).substr(0, 10);
    if (period.empty() && o.counts && o.counts->time_min != analysis::kNoTime)
        period = io::format_iso(o.counts->time_min).substr(0, 7) + "/" +
                 io::format_iso(o.counts->time_max).substr(0, 7);
    doc.subtitle =
        fmt::format("{}: {} · {}", text(language, "period"), period.empty() ? "—" : period,
                    fmt::format(fmt::runtime(text(language, spec.shape == analysis::GridShape::hex
                                                                ? "hex_cells_fmt"
                                                                : "square_cells_fmt")),
                                format_number(language, spec.cell_size_m)));
    const std::string input = o.points   ? o.city->incidents->path
                              : o.counts ? o.city->counts->path
                                         : std::string{};
    // A file by its name; a database table by its name (never the connection).
    const std::string table = o.points   ? o.city->incidents->layer
                              : o.counts ? o.city->counts->layer
                                         : std::string{};
    const std::string shown = !io::is_postgres(input)
                                  ? std::filesystem::path{input}.filename().string()
                              : !table.empty() ? table
                                               : std::string{"PostgreSQL"};
    doc.source = fmt::format("{}: {} · Vigía {} · {}", text(language, "source"), shown,
                             vigia_version(), io::srs_label(*o.target));

    io::MapPanel p;
    p.extent = extent_of(o.boundary.extent);
    // Grid cells by Gi* class; not significant cells in the style's light grey.
    const auto colours = gi_colours(language);
    io::PolygonLayer grid;
    grid.name = "grid";
    grid.wkb = &o.grid.geometry;
    grid.fills.reserve(o.grid.size());
    for (std::size_t c = 0; c < o.grid.size(); ++c)
        grid.fills.push_back(colours.at(o.hotspots ? o.hotspots->grid.gi_class[c] : 0));
    grid.stroke_px = 0;
    p.polygons.push_back(std::move(grid));
    io::PolygonLayer units;
    units.name = "units";
    units.wkb = &o.units.wkb;
    units.fill.a = 0;
    units.stroke = kUnits;
    units.stroke_px = o.units.size() > 300 ? 0.4 : 0.8;
    p.polygons.push_back(std::move(units));
    io::PolygonLayer boundary;
    boundary.name = "boundary";
    boundary.owned = {o.boundary.wkb};
    boundary.fill.a = 0;
    boundary.stroke = kBoundary;
    boundary.stroke_px = 2.5;
    p.polygons.push_back(std::move(boundary));
    doc.legend.title = text(language, "hot_spots_title");
    doc.legend.entries = gi_legend(language);

    analysis::GeosContext ctx;
    if (o.units.size() > 1 && o.units.size() <= max_unit_labels)
        for (std::size_t u = 0; u < o.units.size(); ++u) {
            double x = 0, y = 0;
            analysis::centroid(ctx, analysis::from_wkb(ctx, o.units.wkb[u]).get(), x, y);
            p.labels.push_back({x, y, o.units.names[u]});
        }
    if (o.units.size() > 1)
        doc.legend.entries.push_back(
            io::LegendEntry::line(kUnits, 0.8, text(language, "sub_units")));
    doc.legend.entries.push_back(io::LegendEntry::line(kBoundary, 2.5, text(language, "boundary")));

    std::vector<std::string> kinds;
    for (const auto& f : o.city->facilities)
        kinds.push_back(f.kind);
    if (o.coverage)
        for (std::size_t k = 0; k < o.coverage->kinds.size(); ++k) {
            const KindCoverage& kc = o.coverage->kinds[k];
            // The markers of the QGIS styles (network_marker): same shape, same colour.
            const NetworkMarker fm = network_marker(kinds, kc.config->kind, "facility");
            io::PointLayer f;
            f.fill = rgba(fm.colour);
            f.shape = point_shape(fm.shape);
            f.radius_px = fm.radius_px;
            for (const auto& w : kc.facilities.wkb) {
                double x = 0, y = 0;
                analysis::centroid(ctx, analysis::from_wkb(ctx, w).get(), x, y);
                f.x.push_back(x);
                f.y.push_back(y);
            }
            doc.legend.entries.push_back(io::LegendEntry::point(
                f.fill, f.shape,
                fmt::format(fmt::runtime(text(language, "facilities_fmt")), kc.config->kind)));
            p.points.push_back(std::move(f));
            if (!kc.site_x.empty()) {
                const NetworkMarker sm = network_marker(kinds, kc.config->kind, "suggested");
                io::PointLayer s;
                s.x = kc.site_x;
                s.y = kc.site_y;
                s.fill = rgba(sm.colour);
                s.stroke = kBoundary;
                s.shape = point_shape(sm.shape);
                s.radius_px = sm.radius_px;
                doc.legend.entries.push_back(io::LegendEntry::point(
                    s.fill, s.shape,
                    fmt::format(fmt::runtime(text(language, "suggested_sites_fmt")),
                                kc.config->kind)));
                p.points.push_back(std::move(s));
            }
        }
    doc.panels.push_back(std::move(p));
    return doc;
}

CityMapSummary map_summary(const CityContext& o) {
    CityMapSummary s;
    s.name = o.city->name;
    s.boundary = o.boundary.wkb;
    s.extent = o.boundary.extent;
    if (o.hotspots)
        for (std::size_t c = 0; c < o.grid.size(); ++c)
            if (const std::int8_t k = o.hotspots->grid.gi_class[c]; k != 0) {
                s.cells.push_back(o.grid.geometry[c]);
                s.classes.push_back(k);
            }
    return s;
}

io::MapDoc alliance_map(const std::vector<CityMapSummary>& cities, Language language) {
    io::MapDoc doc;
    doc.title = text(language, "alliance_title");
    doc.subtitle = text(language, "alliance_subtitle");
    doc.source = fmt::format("Vigía {}", vigia_version());
    const auto colours = gi_colours(language);
    for (const CityMapSummary& c : cities) {
        io::MapPanel p;
        p.title = c.name;
        p.extent = extent_of(c.extent);
        io::PolygonLayer land;
        land.name = "boundary";
        land.owned = {c.boundary};
        land.fill = colours.at(0);
        land.stroke_px = 0;
        p.polygons.push_back(std::move(land));
        io::PolygonLayer cells;
        cells.name = "grid";
        cells.wkb = &c.cells;
        for (std::int8_t k : c.classes)
            cells.fills.push_back(colours.at(k));
        cells.stroke_px = 0;
        p.polygons.push_back(std::move(cells));
        io::PolygonLayer outline;
        outline.name = "boundary";
        outline.owned = {c.boundary};
        outline.fill.a = 0;
        outline.stroke = kBoundary;
        outline.stroke_px = 1.2;
        p.polygons.push_back(std::move(outline));
        doc.panels.push_back(std::move(p));
    }
    doc.legend.title = text(language, "hot_spots_title");
    doc.legend.entries = gi_legend(language);
    doc.legend.entries.push_back(io::LegendEntry::line(kBoundary, 1.2, text(language, "boundary")));
    return doc;
}

} // namespace vigia::engine
