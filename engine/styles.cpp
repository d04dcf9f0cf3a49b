#include "engine/styles.hpp"

#include "engine/embedded_tables.hpp"
#include "io/map_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace vigia::engine {

namespace {

const embedded::Table& style_table(std::string_view name) {
    for (const embedded::Table& t : embedded::tables())
        if (t.name == name) return t;
    throw std::logic_error{fmt::format("styles: no table '{}' compiled in", name)};
}

std::size_t column(const embedded::Table& t, std::string_view name) {
    const auto it = std::find(t.header.begin(), t.header.end(), name);
    if (it == t.header.end())
        throw std::logic_error{fmt::format("{}: no column '{}'", t.path, name)};
    return static_cast<std::size_t>(it - t.header.begin());
}

// Palettes and markers are data (data/styles/, where their sources are given: ColorBrewer RdBu
// for Gi*, GeoDa's LISA hues, YlOrRd and PuRd ramps, Dark2 for networks), compiled in.

/// One palette: its classes and colours in the table's order.
struct Palette {
    std::vector<std::string> classes;
    std::vector<Colour> colours;
};

const std::map<std::string, Palette, std::less<>>& palettes() {
    static const auto all = [] {
        std::map<std::string, Palette, std::less<>> out;
        const embedded::Table& t = style_table("palettes");
        const std::size_t p = column(t, "palette"), c = column(t, "class"),
                          hex = column(t, "colour");
        for (const embedded::Row& r : t.rows) {
            Palette& pal = out[std::string{r.cells[p]}];
            pal.classes.emplace_back(r.cells[c]);
            pal.colours.push_back(colour(r.cells[hex]));
        }
        return out;
    }();
    return all;
}

const Palette& palette(std::string_view name) {
    const auto it = palettes().find(name);
    if (it == palettes().end())
        throw std::out_of_range{fmt::format("palette: no palette '{}' in palettes.csv", name)};
    return it->second;
}

// The GeoPackage's FID column (GDAL's default name), which QGIS lists as the first field.
constexpr const char* kFid = "fid";
constexpr const char* kGeometryColumn = "geom";

// ---- XML ---------------------------------------------------------------------------------

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        case '\n':
            out += "&#10;";
            break;
        default: // other control characters are not allowed in XML 1.0
            out += static_cast<unsigned char>(c) < 0x20 && c != '\t' ? ' ' : c;
        }
    }
    return out;
}

std::string num(double v) {
    return fmt::format("{}", v);
}

std::string rgba(Colour c) {
    return fmt::format("{},{},{},{}", c.r, c.g, c.b, c.a);
}

void option(std::string& out, std::string_view name, std::string_view value) {
    out += fmt::format(R"(<Option name="{}" value="{}" type="QString"/>)", esc(name), esc(value));
}

std::string symbol_xml(const Symbol& symbol, std::string_view name) {
    std::string out;
    if (const Fill* f = std::get_if<Fill>(&symbol)) {
        out += fmt::format(
            R"(<symbol name="{}" type="fill" alpha="1" clip_to_extent="1" force_rhr="0">)",
            esc(name));
        out += R"(<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">)";
        option(out, "color", rgba(f->colour));
        option(out, "joinstyle", "bevel");
        option(out, "offset", "0,0");
        option(out, "offset_unit", "MM");
        const bool same = f->stroke.same_as_fill;
        option(out, "outline_color", rgba(same ? f->colour : f->stroke.colour));
        option(out, "outline_style", same || f->stroke.visible ? "solid" : "no");
        option(out, "outline_width", same ? "0" : num(f->stroke.width_mm));
        option(out, "outline_width_unit", "MM");
        option(out, "style", f->brush);
    } else {
        const Marker& m = std::get<Marker>(symbol);
        out += fmt::format(
            R"(<symbol name="{}" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">)",
            esc(name));
        out += R"(<layer class="SimpleMarker" enabled="1" locked="0" pass="0"><Option type="Map">)";
        option(out, "angle", "0");
        option(out, "color", rgba(m.colour));
        option(out, "horizontal_anchor_point", "1");
        option(out, "joinstyle", "bevel");
        option(out, "name", to_string(m.shape));
        option(out, "offset", "0,0");
        option(out, "offset_unit", "MM");
        option(out, "outline_color", rgba(m.stroke.colour));
        option(out, "outline_style", m.stroke.visible ? "solid" : "no");
        option(out, "outline_width", num(m.stroke.width_mm));
        option(out, "outline_width_unit", "MM");
        option(out, "scale_method", "diameter");
        option(out, "size", num(m.size_mm));
        option(out, "size_unit", "MM");
        option(out, "vertical_anchor_point", "1");
    }
    out += "</Option></layer></symbol>";
    return out;
}

int geometry_code(QmlGeometry g) {
    switch (g) { // QgsWkbTypes::GeometryType
    case QmlGeometry::point:
        return 0;
    case QmlGeometry::polygon:
        return 2;
    case QmlGeometry::mixed:
        return 3;
    case QmlGeometry::none:
        break;
    }
    return 4;
}

/// `<renderer-v2 …>`: the renderer's opening tag with the draw order switch.
std::string renderer_open(const QmlCommon& c, std::string_view type, std::string_view extra) {
    return fmt::format(R"(<renderer-v2 type="{}"{} symbollevels="0" enableorderby="{}" )"
                       R"(forceraster="0" referencescale="-1">)",
                       type, extra, c.order_by.empty() ? 0 : 1);
}

/// The renderer's closing part: draw order, then `</renderer-v2>`.
std::string renderer_close(const QmlCommon& c) {
    std::string out;
    if (!c.order_by.empty())
        out += fmt::format(R"(<orderby><orderByClause asc="{}" nullsFirst="0">"{}"</orderByClause>)"
                           R"(</orderby>)",
                           c.order_descending ? 0 : 1, esc(c.order_by));
    return out + "<rotation/><sizescale/></renderer-v2>";
}

/// Whether a label's `field` is a QGIS expression (`CASE WHEN "zone" = 'target' THEN "name"
/// END`) rather than the name of a field: Vigía's field names are lower-case letters, digits
/// and '_' only.
bool is_expression(std::string_view field) {
    return field.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
           std::string_view::npos;
}

std::string labeling_xml(const Labels& l, QmlGeometry g) {
    // OverPoint (1) inside polygons; OrderedPositionsAroundPoint (6) beside points.
    const bool polygon = g == QmlGeometry::polygon;
    return fmt::format(
        R"(<labeling type="simple"><settings calloutType="simple">)"
        R"(<text-style fieldName="{}" isExpression="{}" fontSize="{}" fontSizeUnit="Point" )"
        R"(fontWeight="{}" fontItalic="0" textColor="{}" textOpacity="1" capitalization="0" )"
        R"(multilineHeight="1" allowHtml="0">)"
        R"(<text-buffer bufferDraw="1" bufferSize="0.7" bufferSizeUnits="MM" )"
        R"(bufferColor="255,255,255,255" bufferOpacity="0.8" bufferNoFill="1" )"
        R"(bufferJoinStyle="128" bufferBlendMode="0"/></text-style>)"
        R"(<text-format wrapChar="" multilineAlign="3" formatNumbers="0" decimals="3" plussign="0"/>)"
        R"(<placement placement="{}" centroidInside="1" centroidWhole="0" dist="{}" distUnits="MM" )"
        R"(priority="5" fitInPolygonOnly="0" quadOffset="4" offsetType="0"/>)"
        R"(<rendering drawLabels="1" obstacle="1" obstacleType="1" obstacleFactor="1" )"
        R"(displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" )"
        R"(limitNumLabels="0" maxNumLabels="2000" scaleVisibility="0" fontLimitPixelSize="0"/>)"
        R"(</settings></labeling>)",
        esc(l.field), is_expression(l.field) ? 1 : 0, num(l.size_pt), l.bold ? 75 : 50,
        rgba(l.colour), polygon ? 1 : 6, polygon ? 0 : 1);
}

/// The whole document around a renderer (empty for tables).
std::string document(const QmlCommon& c, const std::string& renderer) {
    const bool labels = c.labels && c.geometry != QmlGeometry::none;
    std::string out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    out += fmt::format(R"(<qgis version="3.22.0-Białowieża" styleCategories="AllStyleCategories" )"
                       R"(labelsEnabled="{}" hasScaleBasedVisibilityFlag="0" )"
                       R"(minScale="100000000" maxScale="0">)",
                       labels ? 1 : 0);
    out += '\n';
    out += renderer;
    if (labels) out += labeling_xml(*c.labels, c.geometry);
    if (c.geometry != QmlGeometry::none)
        out += "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
               "<layerOpacity>1</layerOpacity>";
    out += "\n<aliases>";
    for (std::size_t i = 0; i < c.aliases.size(); ++i)
        out += fmt::format(R"(<alias field="{}" index="{}" name="{}"/>)", esc(c.aliases[i].first),
                           i, esc(c.aliases[i].second));
    out += "</aliases>\n";
    out += fmt::format("<layerGeometryType>{}</layerGeometryType>\n</qgis>\n",
                       geometry_code(c.geometry));
    return out;
}

/// A class break as a legend shows it: two decimals, more when needed to keep two
/// significant figures (0.0000012), trailing zeros dropped.
std::string break_text(Language language, double v) {
    const int needed =
        v == 0 || !std::isfinite(v) ? 0 : 1 - static_cast<int>(std::floor(std::log10(std::abs(v))));
    return format_number(language, v, std::clamp(needed, 2, 15));
}

std::string range_label(Language language, double lo, double hi) {
    return break_text(language, lo) + " \u2013 " + break_text(language, hi);
}

Colour mix(Colour a, Colour b, double t) {
    auto lerp = [t](std::uint8_t x, std::uint8_t y) {
        return static_cast<std::uint8_t>(std::lround(x + (y - x) * t));
    };
    return {lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b), lerp(a.a, b.a)};
}

} // namespace

// ---- colours and symbols -------------------------------------------------------------------

Colour colour(std::string_view hex) {
    // One parser of "#rrggbb[aa]" for the styles and the maps: io's, exact in bytes (k/255 ×
    // 255 rounds back to k).
    io::Rgba c;
    try {
        c = io::parse_colour(hex);
    } catch (const std::exception& e) {
        throw std::invalid_argument{e.what()};
    }
    auto byte = [](double v) { return static_cast<std::uint8_t>(std::lround(v * 255)); };
    return {byte(c.r), byte(c.g), byte(c.b), byte(c.a)};
}

Colour with_alpha(Colour c, double opacity) {
    c.a = static_cast<std::uint8_t>(std::lround(std::clamp(opacity, 0.0, 1.0) * 255));
    return c;
}

std::string to_hex(Colour c) {
    return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
}

const char* to_string(MarkerShape shape) noexcept {
    switch (shape) {
    case MarkerShape::square:
        return "square";
    case MarkerShape::triangle:
        return "triangle";
    case MarkerShape::diamond:
        return "diamond";
    case MarkerShape::pentagon:
        return "pentagon";
    case MarkerShape::star:
        return "star";
    case MarkerShape::circle:
        break;
    }
    return "circle";
}

Colour palette_colour(std::string_view name, std::string_view cls) {
    const Palette& p = palette(name);
    const auto it = std::find(p.classes.begin(), p.classes.end(), cls);
    if (it == p.classes.end())
        throw std::out_of_range{
            fmt::format("palette_colour: palette '{}' has no class '{}'", name, cls)};
    return p.colours[static_cast<std::size_t>(it - p.classes.begin())];
}

std::vector<QmlCategory> gi_categories(Language language, const Stroke& stroke) {
    std::vector<QmlCategory> cats;
    for (int cls : gi_classes()) {
        const std::string value = std::to_string(cls);
        cats.push_back({value, gi_class_label(language, cls),
                        Fill{palette_colour("gi_class", value), stroke}});
    }
    return cats;
}

namespace {
/// The palette's key of a class code: "no pattern" → "no_pattern", as classes.csv writes it.
std::string class_key(std::string code) {
    std::replace(code.begin(), code.end(), ' ', '_');
    return code;
}
} // namespace

std::vector<QmlCategory> ehs_categories(Language language, const Stroke& stroke) {
    std::vector<QmlCategory> cats;
    for (const std::string& code : ehs_codes())
        cats.push_back({code, ehs_label(language, code),
                        Fill{palette_colour("ehs", class_key(code)), stroke}});
    return cats;
}

std::vector<QmlCategory> lisa_categories(Language language, const Stroke& stroke) {
    std::vector<QmlCategory> cats;
    for (const std::string& code : lisa_codes())
        cats.push_back({code, lisa_label(language, code),
                        Fill{palette_colour("lisa", class_key(code)), stroke}});
    return cats;
}

namespace {
/// The place of `kind` among the distinct sorted `kinds` (their count when it is not one).
std::size_t kind_index(const std::vector<std::string>& kinds, std::string_view kind) {
    std::vector<std::string> sorted = kinds;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    return static_cast<std::size_t>(std::find(sorted.begin(), sorted.end(), kind) - sorted.begin());
}

MarkerShape shape_named(std::string_view name) {
    for (MarkerShape s : {MarkerShape::circle, MarkerShape::square, MarkerShape::triangle,
                          MarkerShape::diamond, MarkerShape::pentagon, MarkerShape::star})
        if (name == to_string(s)) return s;
    throw std::logic_error{fmt::format("markers.csv: unknown shape '{}'", name)};
}
} // namespace

Colour network_colour(const std::vector<std::string>& kinds, std::string_view kind) {
    const std::vector<Colour>& colours = palette("network").colours;
    return colours[kind_index(kinds, kind) % colours.size()];
}

NetworkMarker network_marker(const std::vector<std::string>& kinds, std::string_view kind,
                             std::string_view role) {
    const embedded::Table& t = style_table("markers");
    const std::size_t m = column(t, "marker"), shape = column(t, "shape"),
                      hex = column(t, "colour"), mm = column(t, "size_mm"),
                      px = column(t, "radius_px");
    std::vector<const embedded::Row*> rows;
    for (const embedded::Row& r : t.rows)
        if (r.cells[m] == role) rows.push_back(&r);
    if (rows.empty())
        throw std::out_of_range{fmt::format("network_marker: no '{}' marker in markers.csv", role)};
    const embedded::Row& r = *rows[kind_index(kinds, kind) % rows.size()];
    // A colour is #rrggbb[aa], or a palette taken by the kind's place, as network_colour
    // takes "network".
    const std::string_view c = r.cells[hex];
    const std::vector<Colour>* by_kind = c.front() == '#' ? nullptr : &palette(c).colours;
    const Colour fill = by_kind ? (*by_kind)[kind_index(kinds, kind) % by_kind->size()] : colour(c);
    return {shape_named(r.cells[shape]), fill, std::stod(std::string{r.cells[mm]}),
            std::stod(std::string{r.cells[px]})};
}

std::vector<Colour> sequential_ramp(Ramp ramp, int n) {
    const std::vector<Colour>& scheme =
        palette(ramp == Ramp::yl_or_rd ? "yl_or_rd" : "pu_rd").colours;
    std::vector<Colour> out;
    if (n <= 0) return out;
    if (n == 1) return {scheme[4]};
    for (int i = 0; i < n; ++i) {
        const double pos = 8.0 * i / (n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min<std::size_t>(lo + 1, 8);
        out.push_back(mix(scheme[lo], scheme[hi], pos - static_cast<double>(lo)));
    }
    return out;
}

// ---- QML documents -------------------------------------------------------------------------

std::string categorized_qml(const QmlCommon& common, std::string_view field,
                            const std::vector<QmlCategory>& categories) {
    std::string r =
        renderer_open(common, "categorizedSymbol", fmt::format(R"( attr="{}")", esc(field)));
    r += "<categories>";
    for (std::size_t i = 0; i < categories.size(); ++i)
        r += fmt::format(R"(<category render="true" symbol="{}" value="{}" label="{}"/>)", i,
                         esc(categories[i].value), esc(categories[i].label));
    r += "</categories><symbols>";
    for (std::size_t i = 0; i < categories.size(); ++i)
        r += symbol_xml(categories[i].symbol, std::to_string(i));
    r += "</symbols>";
    r += renderer_close(common);
    return document(common, r);
}

std::string graduated_qml(const QmlCommon& common, std::string_view field,
                          const std::vector<double>& breaks, const std::vector<Colour>& colours,
                          const Stroke& stroke, Language language) {
    if (breaks.size() < 2 || colours.size() != breaks.size() - 1)
        throw std::invalid_argument{
            fmt::format("graduated_qml: {} breaks need {} colours, not {}", breaks.size(),
                        breaks.size() < 2 ? 1 : breaks.size() - 1, colours.size())};
    for (std::size_t i = 1; i < breaks.size(); ++i)
        if (!(breaks[i] > breaks[i - 1]))
            throw std::invalid_argument{"graduated_qml: class breaks must increase"};
    std::string r =
        renderer_open(common, "graduatedSymbol",
                      fmt::format(R"( attr="{}" graduatedMethod="GraduatedColor")", esc(field)));
    r += "<ranges>";
    for (std::size_t i = 0; i + 1 < breaks.size(); ++i)
        r += fmt::format(R"(<range render="true" symbol="{}" lower="{}" upper="{}" label="{}"/>)",
                         i, num(breaks[i]), num(breaks[i + 1]),
                         esc(range_label(language, breaks[i], breaks[i + 1])));
    r += "</ranges><symbols>";
    for (std::size_t i = 0; i < colours.size(); ++i) {
        const Symbol s = common.geometry == QmlGeometry::point
                             ? Symbol{Marker{MarkerShape::circle, colours[i], stroke, 2.0}}
                             : Symbol{Fill{colours[i], stroke}};
        r += symbol_xml(s, std::to_string(i));
    }
    r += "</symbols>";
    // The ramp, so that reclassifying in QGIS keeps the colours.
    r += R"(<colorramp type="gradient" name="[source]"><Option type="Map">)";
    option(r, "color1", rgba(colours.front()));
    option(r, "color2", rgba(colours.back()));
    option(r, "discrete", "0");
    option(r, "rampType", "gradient");
    std::string stops;
    for (std::size_t i = 1; i + 1 < colours.size(); ++i)
        stops += fmt::format("{}{};{}", stops.empty() ? "" : ":",
                             num(static_cast<double>(i) / static_cast<double>(colours.size() - 1)),
                             rgba(colours[i]));
    option(r, "stops", stops);
    r += "</Option></colorramp>";
    r += R"(<classificationMethod id="Custom"><symmetricMode enabled="0" symmetrypoint="0" )"
         R"(astride="0"/><labelFormat format="%1 - %2" labelprecision="2" )"
         R"(trimtrailingzeroes="1"/><parameters><Option/></parameters><extraInformation/>)"
         R"(</classificationMethod>)";
    r += renderer_close(common);
    return document(common, r);
}

std::string single_symbol_qml(const QmlCommon& common, const Symbol& symbol) {
    std::string r = renderer_open(common, "singleSymbol", "");
    r += "<symbols>" + symbol_xml(symbol, "0") + "</symbols>";
    r += renderer_close(common);
    return document(common, r);
}

std::string mixed_qml(const QmlCommon& common, const Marker& points, const Fill& polygons,
                      const std::string& point_label, const std::string& polygon_label) {
    std::string r = renderer_open(common, "RuleRenderer", "");
    r += R"(<rules key="{a0c1e8f2-0000-4000-8000-000000000000}">)";
    r += fmt::format(R"(<rule key="{{a0c1e8f2-0000-4000-8000-000000000001}}" symbol="0" )"
                     R"(label="{}" filter="geometry_type($geometry) = &apos;Point&apos;"/>)",
                     esc(point_label));
    r += fmt::format(R"(<rule key="{{a0c1e8f2-0000-4000-8000-000000000002}}" symbol="1" )"
                     R"(label="{}" filter="geometry_type($geometry) = &apos;Polygon&apos;"/>)",
                     esc(polygon_label));
    r += "</rules><symbols>" + symbol_xml(points, "0") + symbol_xml(polygons, "1") + "</symbols>";
    r += renderer_close(common);
    return document(common, r);
}

std::string aliases_only_qml(const QmlCommon& common) {
    QmlCommon c = common;
    c.geometry = QmlGeometry::none;
    return document(c, "");
}

// ---- the styles of a city -----------------------------------------------------------------

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool has_field(const LayerInfo& l, std::string_view field) {
    return std::find(l.fields.begin(), l.fields.end(), field) != l.fields.end();
}

/// The facility kind of coverage_<kind>, facilities_<kind> or suggested_<kind>, else "".
std::string kind_of(const std::string& layer) {
    for (std::string_view prefix : {"coverage_", "facilities_", "suggested_"})
        if (starts_with(layer, prefix)) return layer.substr(prefix.size());
    return "";
}

QmlGeometry geometry_of(const LayerInfo& l) {
    if (!l.has_geometry) return QmlGeometry::none;
    if (l.geometry_kind == "polygon") return QmlGeometry::polygon;
    if (l.geometry_kind == "point") return QmlGeometry::point;
    return QmlGeometry::mixed;
}

class Builder {
public:
    Builder(const std::vector<LayerInfo>& layers, Language language, const SharedBreaks& breaks)
        : m_language{language}, m_breaks{breaks} {
        std::set<std::string> kinds;
        for (const LayerInfo& l : layers)
            if (const std::string k = kind_of(l.name); !k.empty()) kinds.insert(k);
        m_kinds.assign(kinds.begin(), kinds.end());
    }

    void add(const LayerInfo& l) {
        m_layer = &l;
        m_common = QmlCommon{};
        m_common.geometry = geometry_of(l);
        m_common.aliases.emplace_back(kFid, field_alias(m_language, l.name, kFid));
        for (const std::string& f : l.fields)
            m_common.aliases.emplace_back(f, field_alias(m_language, l.name, f));
        m_first = true;
        if (!l.has_geometry) {
            push(text(m_language, "style_default"), l.name, aliases_only_qml(m_common));
            return;
        }
        const std::string kind = kind_of(l.name);
        if (l.name == "grid")
            grid();
        else if (l.name == "units")
            units();
        else if (l.name == "boundary")
            outline(Stroke{colour("#252525"), 0.8}, "boundary", false);
        else if (l.name == "cities")
            outline(Stroke{colour("#252525"), 0.5}, "cities", true);
        else if (l.name == "hotspots")
            fill(Fill{with_alpha(colour("#e31a1c"), 0.45), Stroke{colour("#b10026"), 0.4}},
                 text(m_language, "hotspot_areas"));
        else if (l.name == "uncovered_hotspots")
            fill(Fill{colour("#cb181d"), Stroke{colour("#cb181d"), 0.5}, "b_diagonal"},
                 text(m_language, "uncovered_hotspots"));
        else if (l.name == "kde_areas")
            kde_areas();
        else if (l.name == "emerging_hotspots")
            emerging(Stroke{colour("#636363"), 0.1});
        else if (l.name == "incidents")
            single(Marker{MarkerShape::circle, with_alpha(colour("#252525"), 0.6),
                          Stroke{colour("#252525"), 0, false}, 1.0},
                   text(m_language, "incidents"));
        else if (starts_with(l.name, "coverage_"))
            fill(Fill{with_alpha(kind_colour(kind), 0.25), Stroke{kind_colour(kind), 0.4}},
                 fmt::format(fmt::runtime(text(m_language, "coverage_area_fmt")), kind));
        else if (starts_with(l.name, "facilities_"))
            facilities(kind);
        else if (starts_with(l.name, "suggested_"))
            suggested(kind);
        else if (l.name == "interventions")
            interventions();
        else
            fallback();
    }

    std::vector<io::LayerStyle> take() { return std::move(m_styles); }

private:
    void push(const std::string& name, const std::string& description, std::string qml) {
        m_styles.push_back({m_layer->name, m_layer->has_geometry ? kGeometryColumn : "", name,
                            description, std::move(qml), m_first});
        m_first = false;
    }

    Colour kind_colour(const std::string& kind) const { return network_colour(m_kinds, kind); }

    // The thematic styles of grid and units; each is skipped when its field (or breaks) is
    // missing. Returns whether it was written.
    bool gi(const Stroke& stroke) {
        if (!has_field(*m_layer, "gi_class")) return false;
        push(text(m_language, "style_hot_spots"), text(m_language, "hot_spots_title"),
             categorized_qml(m_common, "gi_class", gi_categories(m_language, stroke)));
        return true;
    }
    bool lisa(const Stroke& stroke) {
        if (!has_field(*m_layer, "lisa_cluster")) return false;
        push(text(m_language, "style_lisa"), text(m_language, "lisa_title"),
             categorized_qml(m_common, "lisa_cluster", lisa_categories(m_language, stroke)));
        return true;
    }
    bool graduated(const char* field, const std::vector<double>& breaks, Ramp ramp,
                   const char* style, const char* legend, const Stroke& stroke) {
        if (breaks.size() < 2 || !has_field(*m_layer, field)) return false;
        const auto colours = sequential_ramp(ramp, static_cast<int>(breaks.size()) - 1);
        push(text(m_language, style), text(m_language, legend),
             graduated_qml(m_common, field, breaks, colours, stroke, m_language));
        return true;
    }
    bool density(const Stroke& stroke) {
        const bool own = m_layer->name == "units" && !m_breaks.units_density_km2_year.empty();
        return graduated("density_km2_year",
                         own ? m_breaks.units_density_km2_year : m_breaks.density_km2_year,
                         Ramp::yl_or_rd, "style_density", "density_legend", stroke);
    }
    bool rate(const Stroke& stroke) {
        const bool own = m_layer->name == "units" && !m_breaks.units_rate_100k.empty();
        return graduated("rate_100k_eb", own ? m_breaks.units_rate_100k : m_breaks.rate_100k,
                         Ramp::pu_rd, "style_rate", "rate_legend", stroke);
    }

    void grid() {
        // Many small cells: no outlines, or they would grey the whole map out; a hairline in
        // each cell's own colour closes the seams between neighbours.
        const Stroke none{colour("#ffffff"), 0, false, true};
        // Written in this order, so the Gi* classes are the default.
        bool any = gi(none);
        any = lisa(none) || any;
        any = density(none) || any;
        any = rate(none) || any;
        any = per_category(none) || any;
        any = emerging(none) || any;
        if (!any) fill(Fill{with_alpha(colour("#bdbdbd"), 0.5), none}, text(m_language, "grid"));
    }

    bool emerging(const Stroke& stroke) {
        if (!has_field(*m_layer, "ehs_category")) return false;
        push(text(m_language, "style_emerging"), text(m_language, "emerging_title"),
             categorized_qml(m_common, "ehs_category", ehs_categories(m_language, stroke)));
        return true;
    }

    /// Gi* classes and LISA clusters of each `[analysis] categories` code (gi_class_<code>,
    /// lisa_<code>), as named alternatives.
    bool per_category(const Stroke& stroke) {
        bool any = false;
        for (const std::string& f : m_layer->fields) {
            std::string code;
            if (starts_with(f, "gi_class_")) {
                code = f.substr(9);
                push(text(m_language, "style_hot_spots") + " " + code,
                     field_alias(m_language, m_layer->name, f),
                     categorized_qml(m_common, f, gi_categories(m_language, stroke)));
            } else if (starts_with(f, "lisa_") && f != "lisa_cluster" && f != "lisa_i" &&
                       f != "lisa_z" && f != "lisa_p_sim") {
                code = f.substr(5);
                push(text(m_language, "style_lisa") + " " + code,
                     field_alias(m_language, m_layer->name, f),
                     categorized_qml(m_common, f, lisa_categories(m_language, stroke)));
            }
            any = any || !code.empty();
        }
        return any;
    }

    void units() {
        const Stroke grey{colour("#636363"), 0.2};
        if (has_field(*m_layer, "name")) m_common.labels = Labels{"name"};
        // Default: the EB rate when there are residents, else the density, else Gi*.
        const bool r = rate(grey);
        const bool d = density(grey);
        const bool g = gi(grey);
        const bool l = lisa(grey);
        const bool c = per_category(grey);
        if (!(r || d || g || l || c))
            fill(Fill{colour("#ffffff"), grey, "no"}, text(m_language, "sub_units"));
    }

    void outline(const Stroke& stroke, const char* what, bool labelled) {
        if (labelled) {
            const char* field = m_layer->name == "cities" ? "city" : "name";
            if (has_field(*m_layer, field)) m_common.labels = Labels{field, 9, stroke.colour};
        }
        fill(Fill{colour("#ffffff"), stroke, "no"}, text(m_language, what));
    }

    void fill(const Fill& f, const std::string& description) {
        if (m_common.geometry == QmlGeometry::point) {
            single(Marker{MarkerShape::circle, f.colour, f.stroke, 2.0}, description);
            return;
        }
        push(text(m_language, "style_default"), description, single_symbol_qml(m_common, f));
    }

    void single(const Marker& m, const std::string& description) {
        push(text(m_language, "style_default"), description, single_symbol_qml(m_common, m));
    }

    void kde_areas() {
        // Nested areas (90 % holds 75 % holds 50 %): the largest drawn first, all translucent,
        // so the core reads darkest.
        std::vector<QmlCategory> cats;
        const Stroke edge{colour("#b30000"), 0.2};
        const Palette& levels = palette("kde_level");
        for (std::size_t i = 0; i < levels.classes.size(); ++i)
            cats.push_back(
                {levels.classes[i],
                 fmt::format(fmt::runtime(text(m_language, "kde_level_fmt")), levels.classes[i]),
                 Fill{with_alpha(levels.colours[i], 0.55), edge}});
        m_common.order_by = "level_pct";
        m_common.order_descending = true;
        if (!has_field(*m_layer, "level_pct")) {
            fill(Fill{with_alpha(colour("#fc8d59"), 0.4), edge}, text(m_language, "kde_areas"));
            return;
        }
        push(text(m_language, "style_default"), text(m_language, "kde_areas"),
             categorized_qml(m_common, "level_pct", cats));
    }

    void facilities(const std::string& kind) {
        const std::string what =
            fmt::format(fmt::runtime(text(m_language, "facilities_fmt")), kind);
        const NetworkMarker n = network_marker(m_kinds, kind, "facility");
        const Marker marker{n.shape, n.colour, Stroke{colour("#ffffff"), 0.3}, n.size_mm};
        const Fill area{with_alpha(kind_colour(kind), 0.55), Stroke{kind_colour(kind), 0.4}};
        if (m_common.geometry == QmlGeometry::point)
            single(marker, what);
        else if (m_common.geometry == QmlGeometry::polygon)
            push(text(m_language, "style_default"), what, single_symbol_qml(m_common, area));
        else
            push(text(m_language, "style_default"), what,
                 mixed_qml(m_common, marker, area, what, what));
    }

    void suggested(const std::string& kind) {
        if (has_field(*m_layer, "rank"))
            m_common.labels = Labels{"rank", 9, colour("#000000"), true};
        const NetworkMarker n = network_marker(m_kinds, kind, "suggested");
        single(Marker{n.shape, n.colour, Stroke{colour("#000000"), 0.3}, n.size_mm},
               fmt::format(fmt::runtime(text(m_language, "suggested_sites_fmt")), kind));
    }

    /// Programme sites (docs/methods.md §19): each site's target a solid orange-red with a
    /// darker outline, its buffer (the catchment ring where crime may move) a light hatch, the
    /// buffers drawn first so a target always shows on top; the site's name once, on its
    /// target.
    void interventions() {
        const Fill target{colour("#e6550d"), Stroke{colour("#a63603"), 0.5}};
        const Fill buffer{colour("#fd8d3c"), Stroke{colour("#e6550d"), 0.3}, "b_diagonal"};
        const bool zoned = has_field(*m_layer, "zone");
        if (has_field(*m_layer, "name"))
            m_common.labels =
                Labels{zoned ? R"(CASE WHEN "zone" = 'target' THEN "name" END)" : "name", 8,
                       colour("#7f2704"), true};
        if (!zoned) {
            fill(target, text(m_language, "intervention_zones"));
            return;
        }
        // "buffer" sorts before "target": drawn first, under the targets.
        m_common.order_by = "zone";
        push(text(m_language, "style_interventions"), text(m_language, "intervention_zones"),
             categorized_qml(m_common, "zone",
                             {{"target", text(m_language, "zone.target"), target},
                              {"buffer", text(m_language, "zone.buffer"), buffer}}));
    }

    void fallback() {
        const Colour grey = colour("#737373");
        if (m_common.geometry == QmlGeometry::mixed)
            push(text(m_language, "style_default"), m_layer->name,
                 mixed_qml(m_common, Marker{MarkerShape::circle, grey},
                           Fill{with_alpha(grey, 0.4), Stroke{grey, 0.3}}, m_layer->name,
                           m_layer->name));
        else
            fill(Fill{with_alpha(grey, 0.4), Stroke{grey, 0.3}}, m_layer->name);
    }

    Language m_language;
    const SharedBreaks& m_breaks;
    std::vector<std::string> m_kinds;
    const LayerInfo* m_layer = nullptr;
    QmlCommon m_common;
    bool m_first = true;
    std::vector<io::LayerStyle> m_styles;
};

} // namespace

std::vector<LayerInfo> layer_infos(const std::vector<io::GpkgWriter::LayerInfo>& written) {
    std::vector<LayerInfo> out;
    for (const auto& w : written) {
        LayerInfo l;
        l.name = w.name;
        l.fields = w.fields;
        const OGRwkbGeometryType flat = wkbFlatten(w.geometry_type);
        l.has_geometry = w.geometry_type != wkbNone;
        if (flat == wkbPoint || flat == wkbMultiPoint)
            l.geometry_kind = "point";
        else if (flat == wkbPolygon || flat == wkbMultiPolygon)
            l.geometry_kind = "polygon";
        else if (l.has_geometry)
            l.geometry_kind = "mixed";
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<io::LayerStyle> city_layer_styles(const std::vector<LayerInfo>& layers,
                                              Language language, const SharedBreaks& breaks) {
    Builder b{layers, language, breaks};
    for (const LayerInfo& l : layers)
        b.add(l);
    return b.take();
}

// ---- shared class breaks -------------------------------------------------------------------

namespace {

/// `v` (> 0) to two significant figures, to the nearest or upwards. Integer arithmetic on
/// the scaled value and one division by an exact power of ten give the double nearest to
/// the decimal (0.012, not 0.012000000000000002).
double two_figures(double v, bool up) {
    const int exponent = static_cast<int>(std::floor(std::log10(v))) - 1;
    const double scale = std::pow(10.0, std::abs(exponent));
    const double scaled = exponent < 0 ? v * scale : v / scale;
    // A value already on two figures may come out as 35.000000000000004: not a reason to
    // round it up to 36.
    const double n = up ? std::ceil(scaled * (1 - 1e-12)) : std::round(scaled);
    return exponent < 0 ? n / scale : n * scale;
}

} // namespace

// Quantile breaks with every city weighted equally: each city's positive values share a
// weight of 1 (1/n each), and break k is the smallest value whose cumulative weight reaches
// k/classes of the cities (the inverse of the weighted distribution function, R's type 1).
// Pooling the values instead would let the city with the most cells set the classes: a
// metropolis has tens of times the cells of a small municipality, so its distribution
// would be the scale every other city is read on. Equal weights make a class mean "among
// the alliance's cities", whatever their size. Zeros (the many empty cells) and undefined
// values are left out, or the lower classes would all be 0; they fall in the first class,
// which starts at 0. A break within 15 % of the previous one is dropped (a class too thin to
// read on a map), so there may be fewer classes than asked for.
std::vector<double> shared_breaks(const std::vector<const std::vector<double>*>& values_per_city,
                                  int classes) {
    std::vector<std::pair<double, double>> pooled; // value, weight
    double cities = 0;
    for (const std::vector<double>* values : values_per_city) {
        if (!values) continue;
        std::size_t n = 0;
        for (double v : *values)
            n += std::isfinite(v) && v > 0;
        if (n == 0) continue;
        cities += 1;
        for (double v : *values)
            if (std::isfinite(v) && v > 0) pooled.emplace_back(v, 1.0 / static_cast<double>(n));
    }
    if (pooled.empty() || classes < 1) return {};
    std::sort(pooled.begin(), pooled.end());
    const double top = two_figures(pooled.back().first, true);
    std::vector<double> breaks{0.0};
    double cumulative = 0;
    std::size_t i = 0;
    for (int k = 1; k < classes; ++k) {
        const double target = cities * k / classes;
        while (i + 1 < pooled.size() && cumulative + pooled[i].second < target * (1 - 1e-12))
            cumulative += pooled[i++].second;
        const double b = two_figures(pooled[i].first, false);
        // A break within 15 % of the one below would make a class too thin to tell apart on a
        // map (the pooled quantiles of two very different cities can fall close together):
        // the two classes are merged.
        if (b > breaks.back() * 1.15 && b < top) breaks.push_back(b);
    }
    breaks.push_back(top);
    return breaks;
}

} // namespace vigia::engine

namespace vigia::engine {

std::vector<io::DataColumn> data_columns(const std::vector<LayerInfo>& layers, Language language) {
    std::vector<io::DataColumn> out;
    for (const LayerInfo& l : layers)
        for (const std::string& f : l.fields) {
            const std::string alias = field_alias(language, l.name, f);
            out.push_back({l.name, f, alias, alias, ""});
        }
    return out;
}

void present(const std::filesystem::path& path,
             const std::vector<io::GpkgWriter::LayerInfo>& written, Language language,
             const SharedBreaks& breaks) {
    const std::vector<LayerInfo> layers = layer_infos(written);
    io::write_layer_styles(path, city_layer_styles(layers, language, breaks));
    io::write_data_columns(path, data_columns(layers, language));
}

} // namespace vigia::engine
