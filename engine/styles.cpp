#include "engine/styles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

namespace vigia::engine {

namespace {

// Colours. Gi* classes: ColorBrewer RdBu, 7 classes (#b2182b … #2166ac), the red–white–blue
// order of ArcGIS's hot-spot renderer. ArcGIS's own default has a yellowish neutral class
// (#ffffbf) and different tints; RdBu is chosen because it is colour-blind safe, prints in
// grey as an ordered ramp, and its near-white neutral lets the hot and cold classes stand out.
constexpr std::array<const char*, 7> kGiColours{"#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7",
                                                "#d1e5f0", "#67a9cf", "#2166ac"}; // 3 … −3
// LISA clusters HH, LL, LH, HL as GeoDa draws them (red, blue, light blue, pink; here the
// ColorBrewer Paired tints of those hues), not significant in GeoDa's light grey.
constexpr std::array<const char*, 5> kLisaColours{"#e31a1c", "#1f78b4", "#a6cee3", "#fb9a99",
                                                  "#eeeeee"};
// ColorBrewer 9-class sequential schemes.
constexpr std::array<const char*, 9> kYlOrRd{"#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c",
                                             "#fc4e2a", "#e31a1c", "#bd0026", "#800026"};
constexpr std::array<const char*, 9> kPuRd{"#f7f4f9", "#e7e1ef", "#d4b9da", "#c994c7", "#df65b0",
                                           "#e7298a", "#ce1256", "#980043", "#67001f"};
// Facility networks: ColorBrewer Dark2, by the kind's place in the sorted kinds of the city.
constexpr std::array<const char*, 8> kKindColours{"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                                  "#66a61e", "#e6ab02", "#a6761d", "#666666"};
constexpr std::array<MarkerShape, 5> kKindShapes{MarkerShape::circle, MarkerShape::square,
                                                 MarkerShape::triangle, MarkerShape::diamond,
                                                 MarkerShape::pentagon};
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

int geometry_code(Geometry g) {
    switch (g) { // QgsWkbTypes::GeometryType
    case Geometry::point:
        return 0;
    case Geometry::polygon:
        return 2;
    case Geometry::mixed:
        return 3;
    case Geometry::none:
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

std::string labeling_xml(const Labels& l, Geometry g) {
    // OverPoint (1) inside polygons; OrderedPositionsAroundPoint (6) beside points.
    const bool polygon = g == Geometry::polygon;
    return fmt::format(
        R"(<labeling type="simple"><settings calloutType="simple">)"
        R"(<text-style fieldName="{}" isExpression="0" fontSize="{}" fontSizeUnit="Point" )"
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
        esc(l.field), num(l.size_pt), l.bold ? 75 : 50, rgba(l.colour), polygon ? 1 : 6,
        polygon ? 0 : 1);
}

/// The whole document around a renderer (empty for tables).
std::string document(const QmlCommon& c, const std::string& renderer) {
    const bool labels = c.labels && c.geometry != Geometry::none;
    std::string out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    out += fmt::format(R"(<qgis version="3.22.0-Białowieża" styleCategories="AllStyleCategories" )"
                       R"(labelsEnabled="{}" hasScaleBasedVisibilityFlag="0" )"
                       R"(minScale="100000000" maxScale="0">)",
                       labels ? 1 : 0);
    out += '\n';
    out += renderer;
    if (labels) out += labeling_xml(*c.labels, c.geometry);
    if (c.geometry != Geometry::none)
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
    auto digit = [&](char ch) -> int {
        if (ch >= '0' && ch <= '9') return ch - '0';
        if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
        throw std::invalid_argument{fmt::format("colour: '{}' is not #rrggbb", hex)};
    };
    if (hex.size() != 7 && hex.size() != 9) digit('x');
    if (hex[0] != '#') digit('x');
    auto byte = [&](std::size_t i) {
        return static_cast<std::uint8_t>(digit(hex[i]) * 16 + digit(hex[i + 1]));
    };
    return {byte(1), byte(3), byte(5), hex.size() == 9 ? byte(7) : std::uint8_t{255}};
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

std::vector<Category> gi_categories(Language language, const Stroke& stroke) {
    std::vector<Category> cats;
    for (int cls = 3; cls >= -3; --cls)
        cats.push_back({std::to_string(cls), gi_class_label(language, cls),
                        Fill{colour(kGiColours[static_cast<std::size_t>(3 - cls)]), stroke}});
    return cats;
}

std::vector<Category> ehs_categories(Language language, const Stroke& stroke) {
    // In the order of analysis::EhsaCategory.
    static constexpr std::array<std::pair<const char*, const char*>, 17> kEhs{{
        {"no pattern", "#f0f0f0"},
        {"new hot spot", "#e31a1c"},
        {"consecutive hot spot", "#fc4e2a"},
        {"intensifying hot spot", "#800026"},
        {"persistent hot spot", "#bd0026"},
        {"diminishing hot spot", "#fd8d3c"},
        {"sporadic hot spot", "#feb24c"},
        {"oscillating hot spot", "#fed976"},
        {"historical hot spot", "#bcbddc"},
        {"new cold spot", "#1f78b4"},
        {"consecutive cold spot", "#4292c6"},
        {"intensifying cold spot", "#08306b"},
        {"persistent cold spot", "#08519c"},
        {"diminishing cold spot", "#6baed6"},
        {"sporadic cold spot", "#9ecae1"},
        {"oscillating cold spot", "#c6dbef"},
        {"historical cold spot", "#dadaeb"},
    }};
    std::vector<Category> cats;
    for (const auto& [code, hex] : kEhs)
        cats.push_back({code, ehs_label(language, code), Fill{colour(hex), stroke}});
    return cats;
}

std::vector<Category> lisa_categories(Language language, const Stroke& stroke) {
    std::vector<Category> cats;
    const auto& codes = lisa_codes();
    for (std::size_t i = 0; i < codes.size(); ++i)
        cats.push_back(
            {codes[i], lisa_label(language, codes[i]), Fill{colour(kLisaColours[i]), stroke}});
    return cats;
}

Colour network_colour(const std::vector<std::string>& kinds, std::string_view kind) {
    std::vector<std::string> sorted = kinds;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const auto it = std::find(sorted.begin(), sorted.end(), kind);
    return colour(
        kKindColours[static_cast<std::size_t>(it - sorted.begin()) % kKindColours.size()]);
}

std::vector<Colour> sequential_ramp(Ramp ramp, int n) {
    const auto& scheme = ramp == Ramp::yl_or_rd ? kYlOrRd : kPuRd;
    std::vector<Colour> out;
    if (n <= 0) return out;
    if (n == 1) return {colour(scheme[4])};
    for (int i = 0; i < n; ++i) {
        const double pos = 8.0 * i / (n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min<std::size_t>(lo + 1, 8);
        out.push_back(mix(colour(scheme[lo]), colour(scheme[hi]), pos - static_cast<double>(lo)));
    }
    return out;
}

// ---- QML documents -------------------------------------------------------------------------

std::string categorized_qml(const QmlCommon& common, std::string_view field,
                            const std::vector<Category>& categories) {
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
        const Symbol s = common.geometry == Geometry::point
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
    c.geometry = Geometry::none;
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

Geometry geometry_of(const LayerInfo& l) {
    if (!l.has_geometry) return Geometry::none;
    if (l.geometry_kind == "polygon") return Geometry::polygon;
    if (l.geometry_kind == "point") return Geometry::point;
    return Geometry::mixed;
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
    MarkerShape kind_shape(const std::string& kind) const {
        const auto it = std::find(m_kinds.begin(), m_kinds.end(), kind);
        return kKindShapes[static_cast<std::size_t>(it - m_kinds.begin()) % kKindShapes.size()];
    }

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
        if (m_common.geometry == Geometry::point) {
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
        std::vector<Category> cats;
        const Stroke edge{colour("#b30000"), 0.2};
        for (const auto& [level, hex] :
             {std::pair<int, const char*>{50, "#d7301f"}, {75, "#fc8d59"}, {90, "#fdcc8a"}})
            cats.push_back({std::to_string(level),
                            fmt::format(fmt::runtime(text(m_language, "kde_level_fmt")), level),
                            Fill{with_alpha(colour(hex), 0.55), edge}});
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
        const Marker marker{kind_shape(kind), kind_colour(kind), Stroke{colour("#ffffff"), 0.3},
                            3.0};
        const Fill area{with_alpha(kind_colour(kind), 0.55), Stroke{kind_colour(kind), 0.4}};
        if (m_common.geometry == Geometry::point)
            single(marker, what);
        else if (m_common.geometry == Geometry::polygon)
            push(text(m_language, "style_default"), what, single_symbol_qml(m_common, area));
        else
            push(text(m_language, "style_default"), what,
                 mixed_qml(m_common, marker, area, what, what));
    }

    void suggested(const std::string& kind) {
        if (has_field(*m_layer, "rank"))
            m_common.labels = Labels{"rank", 9, colour("#000000"), true};
        single(Marker{MarkerShape::star, kind_colour(kind), Stroke{colour("#000000"), 0.3}, 6.0},
               fmt::format(fmt::runtime(text(m_language, "suggested_sites_fmt")), kind));
    }

    void fallback() {
        const Colour grey = colour("#737373");
        if (m_common.geometry == Geometry::mixed)
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
