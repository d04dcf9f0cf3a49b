#pragma once
/// \file
/// Static maps as PNG (cairo): one map per city, or small multiples of many cities drawn at
/// one common scale with one legend. The caller passes geometry already projected to metres
/// (each panel in its own local metric CRS, grid north up, e.g. UTM) and strings already
/// translated; this module only lays out and draws.

#include "analysis/types.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigia::io {

/// A colour, each channel in 0–1 (alpha 0 = transparent, 1 = opaque).
struct Rgba {
    double r = 0, g = 0, b = 0, a = 1;
};

/// "#rrggbb" or "#rrggbbaa" (hex digits in either case). Throws InputError naming the text.
Rgba parse_colour(std::string_view hex);

/// An axis-aligned rectangle in the panel's metric CRS.
struct Bbox {
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    double width() const noexcept { return maxx - minx; }
    double height() const noexcept { return maxy - miny; }
};

/// Polygons (WKB Polygon or MultiPolygon, 2-D; Z/M ordinates are ignored; an empty Wkb draws
/// nothing), filled with holes respected whatever the ring orientation. Features of one layer are
/// assumed not to overlap: features of the same colour are filled together (no seams between them).
struct PolygonLayer {
    const std::vector<analysis::Wkb>* wkb = nullptr; ///< borrowed; when null, `owned` is drawn
    std::vector<analysis::Wkb> owned;
    std::vector<Rgba> fills;        ///< one per feature, or empty: every feature `fill`
    Rgba fill{0.85, 0.85, 0.85, 1}; ///< alpha 0: no fill (outlines only)
    Rgba stroke{0.25, 0.25, 0.25, 1};
    double stroke_px = 1; ///< outline width in pixels; 0: none
    std::string name;     ///< names the layer in error messages (optional)

    const std::vector<analysis::Wkb>& features() const noexcept { return wkb ? *wkb : owned; }
};

/// The point symbols: the shapes of QGIS's SimpleMarker that the styles give facility networks
/// (engine::MarkerShape), so a map and QGIS draw a network alike.
enum class PointShape { circle, square, triangle, star, diamond, pentagon };

/// Point symbols of one style; x and y in metres, same length.
struct PointLayer {
    std::vector<double> x, y;
    Rgba fill{0, 0, 0, 1};
    Rgba stroke{1, 1, 1, 1};
    double stroke_px = 1; ///< 0: none
    double radius_px = 4;
    PointShape shape = PointShape::circle;
};

/// Text centred on (x, y) metres, small, dark, with a thin white halo.
struct Label {
    double x = 0, y = 0;
    std::string text; ///< UTF-8
};

/// One map frame.
struct MapPanel {
    std::string title;
    Bbox extent;                        ///< the area that must be visible; centred in the frame
    std::vector<PolygonLayer> polygons; ///< drawn first, in order
    std::vector<PointLayer> points;     ///< then these, in order
    std::vector<Label> labels;          ///< then these
};

enum class LegendKind { patch, point, line };

/// One legend row: a filled box, a point symbol or a line, and its text.
struct LegendEntry {
    LegendKind kind = LegendKind::patch;
    Rgba fill{0.85, 0.85, 0.85, 1};
    Rgba stroke{0.25, 0.25, 0.25, 1}; ///< outline (patch, point) or the line's colour
    double stroke_px = 1;
    PointShape shape = PointShape::circle;
    std::string label;

    static LegendEntry patch(Rgba fill, std::string label);
    static LegendEntry point(Rgba fill, PointShape shape, std::string label);
    static LegendEntry line(Rgba colour, double width_px, std::string label);
};

struct Legend {
    std::string title;
    std::vector<LegendEntry> entries;
};

/// A whole image. Its height follows from the content (title block, panels, legend).
struct MapDoc {
    int width_px = 2000;
    std::string title, subtitle, source; ///< heading, e.g. the period, data source line
    std::vector<MapPanel> panels;
    int columns = 0;          ///< small multiples per row; 0: automatic
    double metres_per_px = 0; ///< 0: one common scale at which the largest extent fits its cell
    Legend legend;
    bool scale_bar = true;   ///< in the panel (one panel) or once below them (several)
    bool north_arrow = true; ///< grid north up
};

/// Where metres land in the image: the frame of one panel and its scale.
struct PanelTransform {
    double metres_per_px = 1;
    double centre_x = 0, centre_y = 0; ///< metres, drawn at the frame's centre
    double frame_x = 0, frame_y = 0, frame_w = 0, frame_h = 0; ///< pixels, y down
    /// Pixel coordinates (x right, y down; pixel (i, j) covers [i, i+1) × [j, j+1)).
    std::pair<double, double> to_pixel(double x, double y) const noexcept {
        return {frame_x + frame_w / 2 + (x - centre_x) / metres_per_px,
                frame_y + frame_h / 2 - (y - centre_y) / metres_per_px};
    }
};

/// The transform render_png uses for panel `panel`. Throws InputError for an invalid
/// document (no panels, width < 200 or > 16000 px, an empty or non-finite extent, …)
/// and std::out_of_range for a bad index.
PanelTransform panel_transform(const MapDoc& doc, std::size_t panel);

/// The largest length 1, 2 or 5 × 10^k metres not above `at_most_m` (> 0): a scale bar.
double nice_round_length(double at_most_m);

/// Draws `doc` into a PNG at `path`, through a temporary file beside it that is renamed into
/// place only when complete. Throws IoError when `path` exists and `overwrite` is false (the
/// old file is kept) or the file cannot be written, InputError for an invalid document or
/// geometry (the message names the file, panel, layer and feature).
void render_png(const MapDoc& doc, const std::filesystem::path& path, bool overwrite);

} // namespace vigia::io
