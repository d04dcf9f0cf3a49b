#pragma once
/// \file
/// QGIS styles (QML documents, QGIS 3.22 format) for every layer Vigía writes, and the class
/// breaks shared by the cities of a batch, so the same colour means the same density in
/// every city. The documents go into the GeoPackage's `layer_styles` table
/// (io::write_layer_styles), where QGIS finds them when it opens a layer.

#include "engine/labels.hpp"
#include "io/data_columns.hpp"
#include "io/gpkg_writer.hpp"
#include "io/layer_styles.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace vigia::engine {

/// An sRGB colour with opacity (alpha 0 transparent … 255 opaque).
struct Colour {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Colour&) const = default;
};
/// "#rrggbb" (or "#rrggbbaa") → Colour; throws std::invalid_argument otherwise.
Colour colour(std::string_view hex);
/// The same colour with another opacity (0 … 1).
Colour with_alpha(Colour c, double opacity);
/// "#rrggbb" (opacity left out).
std::string to_hex(Colour c);

/// An outline: colour and width in millimetres; `visible = false` draws none.
/// `same_as_fill` draws a fill's outline as a hairline in the fill's own colour instead:
/// adjacent cells then show no white seams (anti-aliasing) between them.
struct Stroke {
    Colour colour{35, 35, 35, 255};
    double width_mm = 0.26;
    bool visible = true;
    bool same_as_fill = false;
};

/// A polygon fill. `brush` is a QGIS SimpleFill style: "solid", "no" (outline only),
/// "b_diagonal", "f_diagonal", "diagonal_x", "horizontal", "vertical", "cross", "dense1"…
struct Fill {
    Colour colour{};
    Stroke stroke{};
    std::string brush = "solid";
};

enum class MarkerShape { circle, square, triangle, diamond, pentagon, star };
const char* to_string(MarkerShape shape) noexcept; ///< QGIS SimpleMarker names

/// A point symbol, `size_mm` its diameter.
struct Marker {
    MarkerShape shape = MarkerShape::circle;
    Colour colour{};
    Stroke stroke{Colour{35, 35, 35, 255}, 0.2, true};
    double size_mm = 2.0;
};

using Symbol = std::variant<Fill, Marker>;

/// Labels drawn from a field (a unit's name, a site's rank).
struct Labels {
    std::string field;
    double size_pt = 8;
    Colour colour{35, 35, 35, 255};
    bool bold = false;
};

enum class QmlGeometry { polygon, point, mixed, none };

/// What every style document carries besides its renderer.
struct QmlCommon {
    QmlGeometry geometry = QmlGeometry::polygon;
    /// Field → alias, in the layer's field order (the GeoPackage "fid" first when present).
    std::vector<std::pair<std::string, std::string>> aliases;
    std::optional<Labels> labels;
    /// Draw order: features sorted by this field (e.g. the largest kde area first).
    std::string order_by;
    bool order_descending = false;
};

/// One class of a categorized renderer: features whose field equals `value` (compared as
/// text, as QGIS does: integer 3 matches "3").
struct QmlCategory {
    std::string value;
    std::string label;
    Symbol symbol{};
};

/// Categorized renderer ("categorizedSymbol") on `field`.
std::string categorized_qml(const QmlCommon& common, std::string_view field,
                            const std::vector<QmlCategory>& categories);

/// Graduated renderer ("graduatedSymbol") on `field`: classes [b0, b1], (b1, b2] … with
/// `colours[i]` for class i (breaks.size() − 1 colours), labels "b0 – b1" in the language's
/// number format. Throws std::invalid_argument when the sizes disagree or breaks do not
/// increase.
std::string graduated_qml(const QmlCommon& common, std::string_view field,
                          const std::vector<double>& breaks, const std::vector<Colour>& colours,
                          const Stroke& stroke, Language language);

/// Single-symbol renderer ("singleSymbol"): a fill (translucent through its colour's alpha,
/// outline only with brush "no", hatched …) or a marker.
std::string single_symbol_qml(const QmlCommon& common, const Symbol& symbol);

/// Rule-based renderer ("RuleRenderer") for a layer holding points and polygons together:
/// the marker for points, the fill for polygons.
std::string mixed_qml(const QmlCommon& common, const Marker& points, const Fill& polygons,
                      const std::string& point_label, const std::string& polygon_label);

/// A table without geometry: field aliases only.
std::string aliases_only_qml(const QmlCommon& common);

/// The colour of class `cls` of a palette of data/styles/palettes.csv ("gi_class", "3"; "lisa",
/// "HH"; "ehs", "no_pattern"; "kde_level", "50" …). Throws std::out_of_range naming both.
Colour palette_colour(std::string_view palette, std::string_view cls);

/// The Gi* classes 3 … −3 with their labels and colours (ColorBrewer RdBu, see styles.cpp).
std::vector<QmlCategory> gi_categories(Language language, const Stroke& stroke);
/// The emerging hot-spot patterns (field `ehs_category`): hot ones in reds, cold ones in
/// blues, darker for the stronger and steadier patterns; no pattern in light grey.
std::vector<QmlCategory> ehs_categories(Language language, const Stroke& stroke);
/// The LISA clusters HH, LL, LH, HL, not significant with GeoDa's colours.
std::vector<QmlCategory> lisa_categories(Language language, const Stroke& stroke);

enum class Ramp {
    yl_or_rd, ///< ColorBrewer YlOrRd: densities
    pu_rd     ///< ColorBrewer PuRd: rates
};
/// `n` colours from light to dark along a ColorBrewer 9-class sequential scheme
/// (interpolated in sRGB when n is not 9).
std::vector<Colour> sequential_ramp(Ramp ramp, int n);

/// The colour of a facility network: ColorBrewer Dark2 (palette "network") by the kind's
/// place among the city's kinds in sorted order (so the same set of kinds gets the same
/// colours in every city, and up to 8 networks never share one). The styles use it for
/// coverage_, facilities_ and suggested_<kind>, and the maps too. A kind not in `kinds` gets
/// the colour after the last.
Colour network_colour(const std::vector<std::string>& kinds, std::string_view kind);

/// The point symbol of a facility network, for the QGIS styles (`size_mm`, a diameter) and the
/// PNG maps (`radius_px`) alike.
struct NetworkMarker {
    MarkerShape shape = MarkerShape::circle;
    Colour colour{};
    double size_mm = 3;
    double radius_px = 3.5;
};
/// The marker of `kind`'s facilities (`role` "facility") or suggested sites ("suggested"), from
/// data/styles/markers.csv: the rows of that role are taken in turn by the kind's place among
/// the sorted kinds, as network_colour takes its colour, so up to five networks get five
/// shapes and the same set of kinds the same markers in every city. Throws std::out_of_range
/// for a role the table lacks.
NetworkMarker network_marker(const std::vector<std::string>& kinds, std::string_view kind,
                             std::string_view role = "facility");

/// A layer or table of a GeoPackage, as the styles need to know it.
struct LayerInfo {
    std::string name;
    bool has_geometry = false;
    std::string geometry_kind{};       ///< "polygon", "point" or "mixed" ("" for tables)
    std::vector<std::string> fields{}; ///< in the layer's order, without the FID
};

/// What a GpkgWriter wrote (GpkgWriter::layers()), as city_layer_styles needs it: point and
/// multi-point → "point", (multi)polygon → "polygon", wkbUnknown (points and polygons in one
/// facility network) → "mixed", wkbNone → a table.
std::vector<LayerInfo> layer_infos(const std::vector<io::GpkgWriter::LayerInfo>& written);

/// Class breaks shared by every city of the batch (shared_breaks()); empty: that graduated
/// style is not written. `density_km2_year` classes field `density_km2_year`, `rate_100k`
/// classes field `rate_100k_eb`, of grid and units; the `units_` ones, when given, class
/// the units instead (a value above the top break is not drawn, so breaks should come from
/// the values of the layer they class: sub-units' EB rates are not bounded by the cells').
struct SharedBreaks {
    std::vector<double> density_km2_year{}, rate_100k{};
    std::vector<double> units_density_km2_year{}, units_rate_100k{};
};

/// The styles of every layer of a city's GeoPackage (and of alliance.gpkg's `cities` and
/// `metrics`), one default per layer plus named alternatives:
/// - grid: Gi* classes (default), "LISA clusters", density and EB rate (with breaks), and
///   the Gi* classes and LISA clusters of each category (gi_class_<code>, lisa_<code>);
/// - units: EB rate, else density, else Gi* (default); the others as alternatives; names
///   as labels;
/// - boundary: dark outline; hotspots: translucent red; kde_areas: translucent orange by
///   level; coverage_<kind>: translucent fill in the kind's colour; facilities_<kind>:
///   markers (fills for polygon networks); suggested_<kind>: stars labelled by rank;
///   uncovered_hotspots: red hatch; incidents: small dark points; cities: outline, names;
/// - every table: field aliases.
/// Every style carries the layer's field aliases in `language`; style names and
/// descriptions are in `language` too.
std::vector<io::LayerStyle> city_layer_styles(const std::vector<LayerInfo>& layers,
                                              Language language, const SharedBreaks& breaks);

/// Class breaks for a graduated style shared by all cities: quantiles of the positive,
/// finite values, each city weighted equally (see styles.cpp), rounded to 2 significant
/// figures (the top one upwards, so the largest value stays inside), strictly increasing,
/// starting at 0. At most `classes` + 1 breaks; empty when no city has a positive value.
std::vector<double> shared_breaks(const std::vector<const std::vector<double>*>& values_per_city,
                                  int classes = 5);

} // namespace vigia::engine

namespace vigia::engine {

/// The field aliases of every layer and table as `gpkg_data_columns` rows (the alias as name
/// and title), for readers that take aliases from the GeoPackage schema extension.
std::vector<io::DataColumn> data_columns(const std::vector<LayerInfo>& layers, Language language);

/// Everything a finished GeoPackage needs to read well: the layers' default styles
/// (city_layer_styles) and their aliases in gpkg_data_columns, written into `path`.
void present(const std::filesystem::path& path,
             const std::vector<io::GpkgWriter::LayerInfo>& written, Language language,
             const SharedBreaks& breaks);

} // namespace vigia::engine
