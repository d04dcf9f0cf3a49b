#include "engine/styles.hpp"

#include "io/map_render.hpp"
#include "tests/support/test_support.hpp"

#include <cpl_minixml.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

using namespace vigia::engine;
namespace io = vigia::io;

namespace {

struct XmlDeleter {
    void operator()(CPLXMLNode* n) const noexcept { CPLDestroyXMLNode(n); }
};
using Xml = std::unique_ptr<CPLXMLNode, XmlDeleter>;

/// Parses a QML document with GDAL's XML parser (which refuses unbalanced or badly escaped
/// markup); fails the test when it cannot.
Xml parse(const std::string& qml) {
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    Xml doc{CPLParseXMLString(qml.c_str())};
    CPLPopErrorHandler();
    EXPECT_TRUE(doc) << "not well-formed XML: " << CPLGetLastErrorMsg() << "\n" << qml;
    EXPECT_EQ(CPLGetLastErrorType(), CE_None) << CPLGetLastErrorMsg();
    return doc;
}

/// The <qgis> element of a parsed document.
CPLXMLNode* root(const Xml& doc) {
    CPLXMLNode* q = CPLSearchXMLNode(doc.get(), "=qgis");
    EXPECT_NE(q, nullptr);
    return q;
}

std::string attr(CPLXMLNode* n, const char* name) {
    return CPLGetXMLValue(n, name, "<missing>");
}

/// Children of `parent` named `name`.
std::vector<CPLXMLNode*> children(CPLXMLNode* parent, const char* name) {
    std::vector<CPLXMLNode*> out;
    if (!parent) return out;
    for (CPLXMLNode* c = parent->psChild; c; c = c->psNext)
        if (c->eType == CXT_Element && std::string{c->pszValue} == name) out.push_back(c);
    return out;
}

/// symbol name → its "color" option.
std::map<std::string, std::string> symbol_colours(CPLXMLNode* renderer) {
    std::map<std::string, std::string> out;
    for (CPLXMLNode* s : children(CPLGetXMLNode(renderer, "symbols"), "symbol"))
        for (CPLXMLNode* o : children(CPLGetXMLNode(s, "layer.Option"), "Option"))
            if (attr(o, "name") == "color") out[attr(s, "name")] = attr(o, "value");
    return out;
}

/// field → alias.
std::map<std::string, std::string> aliases(CPLXMLNode* q) {
    std::map<std::string, std::string> out;
    for (CPLXMLNode* a : children(CPLGetXMLNode(q, "aliases"), "alias"))
        out[attr(a, "field")] = attr(a, "name");
    return out;
}

QmlCommon grid_common() {
    QmlCommon c;
    c.aliases = {{"fid", "Feature ID"}, {"gi_class", "Hot or cold spot"}};
    return c;
}

std::vector<LayerInfo> city_layers() {
    return {
        {"grid",
         true,
         "polygon",
         {"cell_id",      "count",      "area_km2",     "density_km2",   "density_km2_year",
          "gi_z",         "gi_p",       "gi_p_sim",     "gi_class",      "lisa_i",
          "lisa_z",       "lisa_p_sim", "lisa_cluster", "population",    "rate_100k",
          "rate_100k_eb", "count_0401", "gi_z_0401",    "gi_class_0401", "lisa_0401"}},
        {"units",
         true,
         "polygon",
         {"unit_id", "name", "count", "area_km2", "density_km2", "density_km2_year", "gi_class",
          "lisa_cluster", "population", "rate_100k", "rate_100k_eb", "police_dist_mean"}},
        {"boundary", true, "polygon", {"name", "area_km2"}},
        {"incidents", true, "point", {"source_row", "cell_id", "time", "category", "dist_police"}},
        {"hotspots", true, "polygon", {"hotspot_id", "cells", "count", "area_km2", "share"}},
        {"kde_areas", true, "polygon", {"level_pct", "threshold_km2", "area_km2"}},
        {"coverage_police", true, "polygon", {"kind", "radius_m", "area_km2"}},
        {"facilities_police", true, "point", {"facility_id", "name", "incidents"}},
        {"suggested_police", true, "point", {"rank", "gain", "cumulative_gain"}},
        {"coverage_parks", true, "polygon", {"kind", "radius_m", "area_km2"}},
        {"facilities_parks", true, "mixed", {"facility_id", "name"}},
        {"uncovered_hotspots", true, "polygon", {"hotspot_id", "area_km2", "incidents", "share"}},
        {"interventions",
         true,
         "polygon",
         {"kind", "site_id", "name", "zone", "start", "end", "area_km2"}},
        {"coverage", false, "", {"kind", "facilities", "incident_share"}},
        {"city_stats", false, "", {"category", "metric", "value", "unit", "description"}},
        {"rejected", false, "", {"source_row", "reason", "detail"}},
        {"run_info", false, "", {"key", "value"}},
    };
}

const io::LayerStyle* find(const std::vector<io::LayerStyle>& styles, const std::string& table,
                           bool default_only = true) {
    for (const auto& s : styles)
        if (s.table == table && (!default_only || s.use_as_default)) return &s;
    return nullptr;
}

} // namespace

TEST(Styles, ColoursReadAndWriteAsHex) {
    EXPECT_EQ(colour("#b2182b"), (Colour{178, 24, 43, 255}));
    EXPECT_EQ(colour("#B2182B80"), (Colour{178, 24, 43, 128}));
    EXPECT_EQ(to_hex(Colour{33, 102, 172, 10}), "#2166ac");
    EXPECT_EQ(with_alpha(colour("#000000"), 0.5).a, 128);
    EXPECT_THROW(colour("b2182b"), std::invalid_argument);
    EXPECT_THROW(colour("#b2182"), std::invalid_argument);
    EXPECT_THROW(colour("#b2182g"), std::invalid_argument);
}

TEST(Styles, GiCategoriesAreTheSevenClassesInRedWhiteBlue) {
    const std::string qml = categorized_qml(grid_common(), "gi_class",
                                            gi_categories(Language::en, Stroke{{}, 0, false}));
    const Xml doc = parse(qml);
    CPLXMLNode* q = root(doc);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(attr(q, "version").substr(0, 5), "3.22.");
    CPLXMLNode* r = CPLGetXMLNode(q, "renderer-v2");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(attr(r, "type"), "categorizedSymbol");
    EXPECT_EQ(attr(r, "attr"), "gi_class");
    const auto cats = children(CPLGetXMLNode(r, "categories"), "category");
    ASSERT_EQ(cats.size(), 7u);
    const std::vector<std::pair<std::string, std::string>> expected{
        {"3", "178,24,43,255"},   {"2", "239,138,98,255"},   {"1", "253,219,199,255"},
        {"0", "247,247,247,255"}, {"-1", "209,229,240,255"}, {"-2", "103,169,207,255"},
        {"-3", "33,102,172,255"}};
    const auto colours = symbol_colours(r);
    ASSERT_EQ(gi_classes().size(), 7u);
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(attr(cats[i], "value"), expected[i].first);
        EXPECT_EQ(colours.at(attr(cats[i], "symbol")), expected[i].second) << i;
        EXPECT_EQ(attr(cats[i], "label"), gi_class_label(Language::en, gi_classes()[i]));
    }
    EXPECT_EQ(std::string{CPLGetXMLValue(q, "layerGeometryType", "")}, "2");
    EXPECT_EQ(aliases(q).at("gi_class"), "Hot or cold spot");
    EXPECT_EQ(aliases(q).at("fid"), "Feature ID");
}

TEST(Styles, LisaCategoriesUseGeoDasColours) {
    const Xml doc =
        parse(categorized_qml(grid_common(), "lisa_cluster", lisa_categories(Language::es, {})));
    CPLXMLNode* r = CPLGetXMLNode(root(doc), "renderer-v2");
    const auto cats = children(CPLGetXMLNode(r, "categories"), "category");
    ASSERT_EQ(cats.size(), 5u);
    const auto colours = symbol_colours(r);
    std::map<std::string, std::string> by_value;
    for (CPLXMLNode* c : cats)
        by_value[attr(c, "value")] = colours.at(attr(c, "symbol"));
    EXPECT_EQ(by_value.at("HH"), "227,26,28,255");
    EXPECT_EQ(by_value.at("LL"), "31,120,180,255");
    EXPECT_EQ(by_value.at("LH"), "166,206,227,255");
    EXPECT_EQ(by_value.at("HL"), "251,154,153,255");
    EXPECT_EQ(by_value.at("not significant"), "238,238,238,255");
    EXPECT_EQ(attr(cats[0], "label"), "Alto-Alto");
}

TEST(Styles, EmergingPatternsFollowTheOneListOfPatterns) {
    const auto cats = ehs_categories(Language::pt, Stroke{});
    ASSERT_EQ(cats.size(), ehs_codes().size());
    std::set<Colour, bool (*)(const Colour&, const Colour&)> distinct{
        [](const Colour& a, const Colour& b) { return to_hex(a) < to_hex(b); }};
    for (std::size_t i = 0; i < cats.size(); ++i) {
        EXPECT_EQ(cats[i].value, ehs_codes()[i]);
        EXPECT_EQ(cats[i].label, ehs_label(Language::pt, ehs_codes()[i]));
        distinct.insert(std::get<Fill>(cats[i].symbol).colour);
    }
    EXPECT_EQ(distinct.size(), cats.size()) << "two patterns share a colour";
    EXPECT_EQ(cats.front().value, "no pattern");
    EXPECT_EQ(to_hex(std::get<Fill>(cats.front().symbol).colour), "#f0f0f0");
    EXPECT_EQ(to_hex(std::get<Fill>(cats[3].symbol).colour), "#800026"); // intensifying hot
    EXPECT_EQ(to_hex(palette_colour("ehs", "historical_cold_spot")), "#dadaeb");
}

TEST(Styles, EveryClassOfTheVocabularyHasAColourAndTheParsersAgree) {
    for (int c : gi_classes())
        EXPECT_NO_THROW(palette_colour("gi_class", std::to_string(c))) << c;
    for (const std::string& key : keys_with_prefix("lisa."))
        EXPECT_NO_THROW(palette_colour("lisa", key.substr(5))) << key;
    for (const std::string& key : keys_with_prefix("ehs."))
        EXPECT_NO_THROW(palette_colour("ehs", key.substr(4))) << key;
    EXPECT_THROW(palette_colour("gi_class", "4"), std::out_of_range);
    EXPECT_THROW(palette_colour("rainbow", "1"), std::out_of_range);
    // colour() reads through io::parse_colour, the maps' parser: the same bytes.
    for (const char* hex : {"#b2182b", "#00000000", "#FfEeDd80", "#010203"}) {
        const io::Rgba m = io::parse_colour(hex);
        const Colour q = colour(hex);
        EXPECT_DOUBLE_EQ(m.r, q.r / 255.0);
        EXPECT_DOUBLE_EQ(m.g, q.g / 255.0);
        EXPECT_DOUBLE_EQ(m.b, q.b / 255.0);
        EXPECT_DOUBLE_EQ(m.a, q.a / 255.0);
    }
    try {
        colour("#b2182");
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string{e.what()}.find("'#b2182'"), std::string::npos) << e.what();
    }
}

TEST(Styles, NetworksGetMarkersByTheirSortedKindForStylesAndMaps) {
    const std::vector<std::string> kinds{"sports", "schools", "police", "parks", "clinics", "cai"};
    // Sorted: cai, clinics, parks, police, schools, sports; five shapes, then again.
    const std::vector<std::pair<std::string, MarkerShape>> expected{
        {"cai", MarkerShape::circle},       {"clinics", MarkerShape::square},
        {"parks", MarkerShape::triangle},   {"police", MarkerShape::diamond},
        {"schools", MarkerShape::pentagon}, {"sports", MarkerShape::circle}};
    for (const auto& [kind, shape] : expected) {
        const NetworkMarker m = network_marker(kinds, kind);
        EXPECT_EQ(m.shape, shape) << kind;
        EXPECT_EQ(m.colour, network_colour(kinds, kind)) << kind;
        EXPECT_EQ(m.size_mm, 3.0);
        EXPECT_EQ(m.radius_px, 3.5);
        const NetworkMarker s = network_marker(kinds, kind, "suggested");
        EXPECT_EQ(s.shape, MarkerShape::star);
        EXPECT_EQ(s.colour, m.colour);
    }
    EXPECT_THROW(network_marker(kinds, "cai", "hospital"), std::out_of_range);
    // The QGIS style of a facility layer draws that marker.
    const auto styles = city_layer_styles(city_layers(), Language::en, {});
    const std::vector<std::string> city_kinds{"parks", "police"};
    const io::LayerStyle* police = find(styles, "facilities_police");
    ASSERT_NE(police, nullptr);
    EXPECT_NE(police->qml.find(std::string{R"(name="name" value=")"} +
                               to_string(network_marker(city_kinds, "police").shape) + "\""),
              std::string::npos);
}

TEST(Styles, KernelDensityLevelsComeFromTheirPalette) {
    const auto styles = city_layer_styles(city_layers(), Language::fr, {});
    const Xml doc = parse(find(styles, "kde_areas")->qml);
    CPLXMLNode* r = CPLGetXMLNode(root(doc), "renderer-v2");
    const auto cats = children(CPLGetXMLNode(r, "categories"), "category");
    ASSERT_EQ(cats.size(), 3u);
    EXPECT_EQ(attr(cats[0], "value"), "50");
    EXPECT_EQ(attr(cats[0], "label"), "50 % du volume de densité");
    EXPECT_EQ(symbol_colours(r).at(attr(cats[2], "symbol")), "253,204,138,140"); // #fdcc8a, 0.55
}

TEST(Styles, GraduatedStylesCarryTheBreaksAndRangeLabels) {
    const std::vector<double> breaks{0, 12, 35, 120};
    const auto ramp = sequential_ramp(Ramp::yl_or_rd, 3);
    const Xml doc = parse(graduated_qml(grid_common(), "density_km2_year", breaks, ramp,
                                        Stroke{{}, 0, false}, Language::en));
    CPLXMLNode* r = CPLGetXMLNode(root(doc), "renderer-v2");
    EXPECT_EQ(attr(r, "type"), "graduatedSymbol");
    EXPECT_EQ(attr(r, "attr"), "density_km2_year");
    const auto ranges = children(CPLGetXMLNode(r, "ranges"), "range");
    ASSERT_EQ(ranges.size(), 3u);
    EXPECT_EQ(attr(ranges[0], "lower"), "0");
    EXPECT_EQ(attr(ranges[0], "upper"), "12");
    EXPECT_EQ(attr(ranges[2], "upper"), "120");
    EXPECT_EQ(attr(ranges[1], "label"), "12 \u2013 35");
    const auto colours = symbol_colours(r);
    EXPECT_EQ(colours.at("0"), "255,255,204,255"); // ColorBrewer YlOrRd, lightest
    EXPECT_EQ(colours.at("2"), "128,0,38,255");    // darkest
    const Xml fr = parse(graduated_qml(grid_common(), "rate_100k_eb", {0, 0.5, 12500}, {{}, {}},
                                       Stroke{}, Language::fr));
    const auto fr_ranges =
        children(CPLGetXMLNode(CPLGetXMLNode(root(fr), "renderer-v2"), "ranges"), "range");
    EXPECT_EQ(attr(fr_ranges[1], "label"), "0,5 \u2013 12\u00a0500");
    const Xml tiny = parse(graduated_qml(grid_common(), "x", {0, 0.0000012, 12.345}, {{}, {}},
                                         Stroke{}, Language::en));
    const auto tiny_ranges =
        children(CPLGetXMLNode(CPLGetXMLNode(root(tiny), "renderer-v2"), "ranges"), "range");
    EXPECT_EQ(attr(tiny_ranges[0], "label"), "0 \u2013 0.0000012");
    EXPECT_EQ(attr(tiny_ranges[1], "label"), "0.0000012 \u2013 12.35");

    EXPECT_THROW(graduated_qml(grid_common(), "x", {0, 1, 2}, {{}}, Stroke{}, Language::en),
                 std::invalid_argument);
    EXPECT_THROW(graduated_qml(grid_common(), "x", {0, 2, 2}, {{}, {}}, Stroke{}, Language::en),
                 std::invalid_argument);
}

TEST(Styles, NetworksGetColoursByTheirSortedKind) {
    const std::vector<std::string> kinds{"police", "parks", "clinics"};
    EXPECT_EQ(to_hex(network_colour(kinds, "clinics")), "#1b9e77");
    EXPECT_EQ(to_hex(network_colour(kinds, "parks")), "#d95f02");
    EXPECT_EQ(to_hex(network_colour(kinds, "police")), "#7570b3");
    EXPECT_EQ(network_colour({"parks", "police"}, "police"),
              network_colour({"police", "parks", "parks"}, "police"));
}

TEST(Styles, SequentialRampsRunFromLightToDark) {
    for (int n = 1; n <= 9; ++n)
        EXPECT_EQ(sequential_ramp(Ramp::pu_rd, n).size(), static_cast<std::size_t>(n));
    const auto five = sequential_ramp(Ramp::yl_or_rd, 5);
    EXPECT_EQ(to_hex(five[0]), "#ffffcc");
    EXPECT_EQ(to_hex(five[2]), "#fd8d3c");
    EXPECT_EQ(to_hex(five[4]), "#800026");
    const auto nine = sequential_ramp(Ramp::pu_rd, 9);
    EXPECT_EQ(to_hex(nine[0]), "#f7f4f9");
    EXPECT_EQ(to_hex(nine[8]), "#67001f");
    EXPECT_TRUE(sequential_ramp(Ramp::pu_rd, 0).empty());
}

TEST(Styles, LabelsAreEscaped) {
    QmlCommon c;
    c.aliases = {{"a&b", "<\"quoted\" & 'odd'>"}};
    const Xml doc =
        parse(categorized_qml(c, "x", {{"1 < 2", "A & B <c> \"d\"", Fill{colour("#000000")}}}));
    CPLXMLNode* cat = CPLGetXMLNode(root(doc), "renderer-v2.categories.category");
    EXPECT_EQ(attr(cat, "label"), "A & B <c> \"d\"");
    EXPECT_EQ(attr(cat, "value"), "1 < 2");
    EXPECT_EQ(aliases(root(doc)).at("a&b"), "<\"quoted\" & 'odd'>");
}

TEST(Styles, SingleSymbolsMarkersLabelsAndTables) {
    QmlCommon c;
    c.geometry = QmlGeometry::point;
    c.labels = Labels{"rank", 9, colour("#000000"), true};
    const Xml star = parse(single_symbol_qml(
        c, Marker{MarkerShape::star, colour("#1b9e77"), Stroke{colour("#000000"), 0.3}, 5}));
    CPLXMLNode* q = root(star);
    EXPECT_EQ(attr(q, "labelsEnabled"), "1");
    EXPECT_EQ(attr(CPLGetXMLNode(q, "renderer-v2"), "type"), "singleSymbol");
    CPLXMLNode* layer = CPLGetXMLNode(q, "renderer-v2.symbols.symbol.layer");
    EXPECT_EQ(attr(layer, "class"), "SimpleMarker");
    std::map<std::string, std::string> options;
    for (CPLXMLNode* o : children(CPLGetXMLNode(layer, "Option"), "Option"))
        options[attr(o, "name")] = attr(o, "value");
    EXPECT_EQ(options["name"], "star");
    EXPECT_EQ(options["size"], "5");
    EXPECT_EQ(options["color"], "27,158,119,255");
    EXPECT_EQ(attr(CPLGetXMLNode(q, "labeling.settings.text-style"), "fieldName"), "rank");
    EXPECT_EQ(std::string{CPLGetXMLValue(q, "layerGeometryType", "")}, "0");

    QmlCommon p;
    const Xml hatch =
        parse(single_symbol_qml(p, Fill{with_alpha(colour("#e31a1c"), 0.25),
                                        Stroke{colour("#e31a1c"), 0.4}, "b_diagonal"}));
    std::map<std::string, std::string> fill;
    for (CPLXMLNode* o :
         children(CPLGetXMLNode(root(hatch), "renderer-v2.symbols.symbol.layer.Option"), "Option"))
        fill[attr(o, "name")] = attr(o, "value");
    EXPECT_EQ(fill["color"], "227,26,28,64");
    EXPECT_EQ(fill["style"], "b_diagonal");
    EXPECT_EQ(attr(root(hatch), "labelsEnabled"), "0");

    QmlCommon t;
    t.aliases = {{"key", "Parameter"}};
    const Xml table = parse(aliases_only_qml(t));
    EXPECT_EQ(CPLGetXMLNode(root(table), "renderer-v2"), nullptr);
    EXPECT_EQ(aliases(root(table)).at("key"), "Parameter");
    EXPECT_EQ(std::string{CPLGetXMLValue(root(table), "layerGeometryType", "")}, "4");
}

TEST(Styles, MixedLayersGetARuleForEachGeometry) {
    QmlCommon c;
    c.geometry = QmlGeometry::mixed;
    const Xml doc = parse(mixed_qml(c, Marker{}, Fill{}, "points", "areas"));
    CPLXMLNode* r = CPLGetXMLNode(root(doc), "renderer-v2");
    EXPECT_EQ(attr(r, "type"), "RuleRenderer");
    const auto rules = children(CPLGetXMLNode(r, "rules"), "rule");
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(attr(rules[0], "filter"), "geometry_type($geometry) = 'Point'");
    EXPECT_EQ(std::string{CPLGetXMLValue(root(doc), "layerGeometryType", "")}, "3");
}

TEST(Styles, EveryLayerOfACityGetsOneDefaultStyleWithAliases) {
    const SharedBreaks breaks{{0, 1.5, 4, 12, 40}, {0, 100, 250, 900}};
    const auto styles = city_layer_styles(city_layers(), Language::es, breaks);
    std::map<std::string, int> defaults;
    std::set<std::pair<std::string, std::string>> names;
    for (const auto& s : styles) {
        defaults[s.table] += s.use_as_default;
        EXPECT_TRUE(names.emplace(s.table, s.name).second) << s.table << " " << s.name;
        EXPECT_FALSE(s.description.empty()) << s.table;
        const Xml doc = parse(s.qml);
        CPLXMLNode* q = root(doc);
        ASSERT_NE(q, nullptr) << s.table;
        const auto a = aliases(q);
        EXPECT_FALSE(a.at("fid").empty());
        for (const auto& info : city_layers())
            if (info.name == s.table) {
                EXPECT_EQ(s.geometry_column, info.has_geometry ? "geom" : "");
                for (const auto& f : info.fields)
                    EXPECT_EQ(a.at(f), field_alias(Language::es, s.table, f));
                EXPECT_EQ(CPLGetXMLNode(q, "renderer-v2") != nullptr, info.has_geometry);
            }
    }
    for (const auto& info : city_layers())
        EXPECT_EQ(defaults[info.name], 1) << info.name;

    auto renderer = [&](const io::LayerStyle* s) {
        static std::vector<Xml> keep;
        keep.push_back(parse(s->qml));
        return CPLGetXMLNode(root(keep.back()), "renderer-v2");
    };
    // grid: Gi* by default; LISA, density, rate and the category's classes besides.
    const io::LayerStyle* grid = find(styles, "grid");
    EXPECT_EQ(attr(renderer(grid), "attr"), "gi_class");
    EXPECT_EQ(grid->name, "Puntos calientes (Gi*)");
    // No seams between cells: each cell's outline is a hairline in its own colour.
    for (CPLXMLNode* sym : children(CPLGetXMLNode(renderer(grid), "symbols"), "symbol")) {
        std::map<std::string, std::string> o;
        for (CPLXMLNode* opt : children(CPLGetXMLNode(sym, "layer.Option"), "Option"))
            o[attr(opt, "name")] = attr(opt, "value");
        EXPECT_EQ(o["outline_color"], o["color"]);
        EXPECT_EQ(o["outline_width"], "0");
    }
    std::set<std::string> grid_fields;
    for (const auto& s : styles)
        if (s.table == "grid") grid_fields.insert(attr(renderer(&s), "attr"));
    EXPECT_EQ(grid_fields, (std::set<std::string>{"gi_class", "lisa_cluster", "density_km2_year",
                                                  "rate_100k_eb", "gi_class_0401", "lisa_0401"}));
    // units: the EB rate by default, labelled with the unit names.
    const io::LayerStyle* units = find(styles, "units");
    EXPECT_EQ(attr(renderer(units), "type"), "graduatedSymbol");
    EXPECT_EQ(attr(renderer(units), "attr"), "rate_100k_eb");
    EXPECT_NE(units->qml.find(R"(fieldName="name")"), std::string::npos);
    EXPECT_EQ(attr(renderer(find(styles, "kde_areas")), "enableorderby"), "1");
    EXPECT_EQ(attr(renderer(find(styles, "facilities_parks")), "type"), "RuleRenderer");
    EXPECT_NE(find(styles, "suggested_police")->qml.find("\"star\""), std::string::npos);
    // Two networks, two colours.
    EXPECT_NE(symbol_colours(renderer(find(styles, "coverage_police"))).at("0"),
              symbol_colours(renderer(find(styles, "coverage_parks"))).at("0"));
}

TEST(Styles, ProgrammeSitesShowTargetsSolidAndBuffersHatchedWithTranslatedLegends) {
    for (Language l : {Language::en, Language::es}) {
        const auto styles = city_layer_styles(city_layers(), l, {});
        const io::LayerStyle* s = find(styles, "interventions");
        ASSERT_NE(s, nullptr);
        EXPECT_EQ(s->name, text(l, "style_interventions"));
        EXPECT_EQ(s->description, text(l, "intervention_zones"));
        EXPECT_EQ(s->geometry_column, "geom");
        const Xml doc = parse(s->qml);
        CPLXMLNode* q = root(doc);
        CPLXMLNode* r = CPLGetXMLNode(q, "renderer-v2");
        EXPECT_EQ(attr(r, "type"), "categorizedSymbol");
        EXPECT_EQ(attr(r, "attr"), "zone");
        const auto cats = children(CPLGetXMLNode(r, "categories"), "category");
        ASSERT_EQ(cats.size(), 2u);
        EXPECT_EQ(attr(cats[0], "value"), "target");
        EXPECT_EQ(attr(cats[0], "label"), text(l, "zone.target"));
        EXPECT_EQ(attr(cats[1], "value"), "buffer");
        EXPECT_EQ(attr(cats[1], "label"), text(l, "zone.buffer"));
        // symbol → its SimpleFill options.
        std::map<std::string, std::map<std::string, std::string>> fills;
        for (CPLXMLNode* sym : children(CPLGetXMLNode(r, "symbols"), "symbol"))
            for (CPLXMLNode* o : children(CPLGetXMLNode(sym, "layer.Option"), "Option"))
                fills[attr(sym, "name")][attr(o, "name")] = attr(o, "value");
        const auto& target = fills[attr(cats[0], "symbol")];
        const auto& buffer = fills[attr(cats[1], "symbol")];
        EXPECT_EQ(target.at("style"), "solid");
        EXPECT_EQ(target.at("color"), "230,85,13,255");        // #e6550d, orange-red
        EXPECT_EQ(target.at("outline_color"), "166,54,3,255"); // #a63603, darker
        EXPECT_EQ(target.at("outline_style"), "solid");
        EXPECT_EQ(buffer.at("style"), "b_diagonal"); // a light hatch, see-through
        EXPECT_EQ(buffer.at("outline_style"), "solid");
        // Buffers first ("buffer" < "target"), so a target always shows on top.
        EXPECT_EQ(attr(r, "enableorderby"), "1");
        EXPECT_EQ(attr(CPLGetXMLNode(r, "orderby.orderByClause"), "asc"), "1");
        // The site's name, once: on its target.
        EXPECT_EQ(attr(q, "labelsEnabled"), "1");
        CPLXMLNode* label = CPLGetXMLNode(q, "labeling.settings.text-style");
        EXPECT_EQ(attr(label, "isExpression"), "1");
        EXPECT_EQ(attr(label, "fieldName"), R"(CASE WHEN "zone" = 'target' THEN "name" END)");
        EXPECT_EQ(aliases(q).at("zone"), field_alias(l, "interventions", "zone"));
    }
    // A plain field name stays a field name; without zones, one fill.
    const auto styles = city_layer_styles(
        {{"interventions", true, "polygon", {"kind", "site_id", "name"}}}, Language::fr, {});
    ASSERT_EQ(styles.size(), 1u);
    const Xml doc = parse(styles[0].qml);
    EXPECT_EQ(attr(CPLGetXMLNode(root(doc), "renderer-v2"), "type"), "singleSymbol");
    CPLXMLNode* label = CPLGetXMLNode(root(doc), "labeling.settings.text-style");
    EXPECT_EQ(attr(label, "fieldName"), "name");
    EXPECT_EQ(attr(label, "isExpression"), "0");
}

TEST(Styles, UnitsUseTheirOwnBreaksWhenGiven) {
    SharedBreaks breaks{{0, 1, 2}, {0, 10, 20}, {}, {0, 5, 50, 500}};
    const auto styles = city_layer_styles(city_layers(), Language::en, breaks);
    const Xml units = parse(find(styles, "units")->qml);
    EXPECT_EQ(children(CPLGetXMLNode(root(units), "renderer-v2.ranges"), "range").size(), 3u);
    for (const auto& s : styles)
        if (s.table == "grid" && s.qml.find("rate_100k_eb") != std::string::npos &&
            s.qml.find("graduatedSymbol") != std::string::npos) {
            const Xml grid = parse(s.qml);
            EXPECT_EQ(children(CPLGetXMLNode(root(grid), "renderer-v2.ranges"), "range").size(),
                      2u);
        }
}

TEST(Styles, UnitsFallBackToDensityThenGiWithoutBreaksOrResidents) {
    auto layers = city_layers();
    const auto no_rate = city_layer_styles(layers, Language::en, {{0, 1, 2}, {}});
    const Xml a = parse(find(no_rate, "units")->qml);
    EXPECT_EQ(attr(CPLGetXMLNode(root(a), "renderer-v2"), "attr"), "density_km2_year");
    const auto none = city_layer_styles(layers, Language::en, {});
    const Xml b = parse(find(none, "units")->qml);
    EXPECT_EQ(attr(CPLGetXMLNode(root(b), "renderer-v2"), "attr"), "gi_class");
    for (const auto& s : none)
        EXPECT_EQ(s.qml.find("graduatedSymbol"), std::string::npos) << s.table;
}

TEST(Styles, SharedBreaksWeightEveryCityEqually) {
    // City A: 1, 2, 3, 4 (each 1/4 of A); city B: 10, 20 (each 1/2 of B); zeros, negatives
    // and NaN left out. Cumulative weight (out of 2 cities): 1→.25 2→.5 3→.75 4→1 10→1.5
    // 20→2. Quartiles at .5, 1, 1.5: 2, 4, 10; top 20. (Pooling would give 2, 3, 10.)
    const std::vector<double> a{0, 1, 2, std::nan(""), 3, 4, -1}, b{10, 20};
    EXPECT_EQ(shared_breaks({&a, &b}, 4), (std::vector<double>{0, 2, 4, 10, 20}));
}

TEST(Styles, SharedBreaksKeepTwoSignificantFiguresAndTheLargestValue) {
    // Terciles of 0.01234, 0.5, 1234: 0.012 and 0.5; the top rounds up to 1300.
    const std::vector<double> v{1234, 0.5, 0.01234};
    EXPECT_EQ(shared_breaks({&v}, 3), (std::vector<double>{0, 0.012, 0.5, 1300}));
    const std::vector<double> w{0.1234, 0.4567, 35};
    EXPECT_EQ(shared_breaks({&w}, 3), (std::vector<double>{0, 0.12, 0.46, 35}));
    // Repeated values: duplicate breaks go.
    const std::vector<double> same{5, 5, 5, 5, 7};
    EXPECT_EQ(shared_breaks({&same}, 5), (std::vector<double>{0, 5, 7}));
    // A break within 15 % of the one below goes: quartiles of 1, 10, 10.2, …, 11, 100 (1/8
    // each) at .25, .5, .75 are 10, 10.4 → 10 (a duplicate) and 10.8 → 11, under 10 × 1.15.
    const std::vector<double> close{1, 10, 10.2, 10.4, 10.6, 10.8, 11, 100};
    EXPECT_EQ(shared_breaks({&close}, 4), (std::vector<double>{0, 10, 100}));
    // Nothing positive: no breaks, so no graduated style.
    const std::vector<double> zeros{0, 0, std::nan("")}, empty;
    EXPECT_TRUE(shared_breaks({&zeros, &empty, nullptr}).empty());
    EXPECT_TRUE(shared_breaks({}).empty());
}

TEST(Styles, AWritersLayersAreStyledBetweenCloseAndFinish) {
    // The path write_city takes: write the layers, close the temporary file, add the styles
    // by path, then rename it into place.
    vigia::test::TempDir d;
    const auto srs = io::make_srs("EPSG:32614", "test");
    const std::vector<double> x{500000, 500100}, y{2000000, 2000100};
    io::GpkgWriter w{d / "city.gpkg", false};
    io::LayerData inc;
    inc.name = "incidents";
    inc.srs = srs.get();
    inc.geometry_type = wkbPoint;
    inc.x = &x;
    inc.y = &y;
    inc.columns.push_back({"source_row", std::vector<std::int64_t>{1, 2}});
    w.write(inc);
    io::LayerData info;
    info.name = "run_info";
    info.columns.push_back({"key", std::vector<std::string>{"seed"}});
    info.columns.push_back({"value", std::vector<std::string>{"1"}});
    w.write(info);
    w.close();
    const auto layers = layer_infos(w.layers());
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].geometry_kind, "point");
    EXPECT_TRUE(layers[0].has_geometry);
    EXPECT_FALSE(layers[1].has_geometry);
    EXPECT_EQ(layers[1].fields, (std::vector<std::string>{"key", "value"}));
    io::write_layer_styles(w.temporary_path(), city_layer_styles(layers, Language::pt, {}));
    w.finish();
    auto ds = vigia::test::open_read(d / "city.gpkg");
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    EXPECT_EQ(styles->GetFeatureCount(), 2);
    std::set<std::string> tables;
    for (auto& f : *styles) {
        const std::string table = f->GetFieldAsString("f_table_name");
        tables.insert(table);
        EXPECT_EQ(f->GetFieldAsInteger("useAsDefault"), 1);
        // An alias in Portuguese: of run_info.key, of incidents.source_row.
        const char* alias = table == "run_info" ? "Parâmetro" : "Linha ou feição na fonte";
        EXPECT_NE(std::string{f->GetFieldAsString("styleQML")}.find(alias), std::string::npos)
            << table;
    }
    EXPECT_EQ(tables, (std::set<std::string>{"incidents", "run_info"}));
}
