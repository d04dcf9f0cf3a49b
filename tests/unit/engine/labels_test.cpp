#include "engine/labels.hpp"

#include "analysis/local_stats.hpp"
#include "analysis/space_time.hpp"
#include "engine/iccs.hpp"
#include "engine/layers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace vigia::engine;
using vigia::analysis::EhsaCategory;
using vigia::analysis::LisaCluster;

namespace {

const std::vector<Language> kOthers{Language::es, Language::pt, Language::fr};

/// Characters (not bytes) of a UTF-8 string.
std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

std::size_t count_of(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
        ++n;
    return n;
}

} // namespace

TEST(Labels, LanguagesParseFromTheirCodesOnly) {
    for (Language l : all_languages())
        EXPECT_EQ(parse_language(to_string(l)), l);
    EXPECT_EQ(parse_language("es"), Language::es);
    EXPECT_FALSE(parse_language("de"));
    EXPECT_FALSE(parse_language("EN"));
    EXPECT_FALSE(parse_language(""));
    EXPECT_EQ(all_languages().size(), 4u);
}

TEST(Labels, EveryTextIsThereInEveryLanguage) {
    // Words that are the same in French and English.
    const std::set<std::pair<std::string, Language>> same{
        {"source", Language::fr}, {"incidents", Language::fr}, {"alliance", Language::fr}};
    const auto keys = text_keys();
    EXPECT_GE(keys.size(), 14u);
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size()) << "duplicates";
    for (const std::string& key : keys) {
        const std::string en = text(Language::en, key);
        EXPECT_FALSE(en.empty()) << key;
        for (Language l : kOthers) {
            const std::string t = text(l, key);
            EXPECT_FALSE(t.empty()) << key << " " << to_string(l);
            if (!same.count({key, l})) {
                EXPECT_NE(t, en) << key << " is not translated into " << to_string(l);
            }
        }
        if (key.size() > 4 && key.substr(key.size() - 4) == "_fmt") {
            for (Language l : all_languages())
                EXPECT_EQ(count_of(text(l, key), "{}"), 1u) << key << " " << to_string(l);
        }
    }
}

TEST(Labels, TheKeysMapsAndLegendsNeedExist) {
    for (const char* key : {"hot_spots_title", "legend", "scale", "north", "source", "period",
                            "sub_units", "facilities", "suggested_sites", "coverage_area",
                            "density_legend", "rate_legend", "lisa_title", "not_significant"})
        EXPECT_NO_THROW(text(Language::pt, key)) << key;
    EXPECT_EQ(text(Language::en, "hot_spots_title"), "Hot spots (Getis-Ord Gi*)");
    EXPECT_EQ(text(Language::en, "density_legend"), "Incidents per km² per year");
    EXPECT_EQ(text(Language::en, "rate_legend"),
              "Incidents per 100,000 residents (empirical Bayes)");
    EXPECT_EQ(text(Language::es, "hot_spots_title"), "Puntos calientes (Getis-Ord Gi*)");
    EXPECT_EQ(text(Language::fr, "north"), "Nord");
}

TEST(Labels, AnUnknownTextKeyThrowsNamingIt) {
    try {
        text(Language::en, "hot_spot_title");
        FAIL() << "no exception";
    } catch (const std::out_of_range& e) {
        EXPECT_NE(std::string{e.what()}.find("'hot_spot_title'"), std::string::npos) << e.what();
    }
}

TEST(Labels, StyleNamesFitQgisStyleNameColumn) {
    // layer_styles.styleName is TEXT(30); per-category styles add " " and a code of up to 5.
    for (const std::string& key : text_keys())
        if (key.rfind("style_", 0) == 0) {
            for (Language l : all_languages())
                EXPECT_LE(chars(text(l, key) + " 05011"), 30u) << key << " " << to_string(l);
        }
}

TEST(Labels, GiClassesReadAsArcGisDoes) {
    EXPECT_EQ(gi_class_label(Language::en, 3), "Hot spot, 99% confidence");
    EXPECT_EQ(gi_class_label(Language::en, 2), "Hot spot, 95% confidence");
    EXPECT_EQ(gi_class_label(Language::en, 1), "Hot spot, 90% confidence");
    EXPECT_EQ(gi_class_label(Language::en, 0), "Not significant");
    EXPECT_EQ(gi_class_label(Language::en, -3), "Cold spot, 99% confidence");
    EXPECT_EQ(gi_class_label(Language::es, 3), "Punto caliente, confianza 99 %");
    EXPECT_EQ(gi_class_label(Language::es, -2), "Punto frío, confianza 95 %");
    EXPECT_EQ(gi_class_label(Language::pt, 1), "Ponto quente, confiança 90%");
    EXPECT_EQ(gi_class_label(Language::pt, -1), "Ponto frio, confiança 90%");
    EXPECT_EQ(gi_class_label(Language::fr, 3), "Point chaud, confiance 99 %");
    EXPECT_EQ(gi_class_label(Language::fr, -3), "Point froid, confiance 99 %");
    EXPECT_EQ(gi_class_label(Language::fr, 0), "Non significatif");
    EXPECT_EQ(gi_classes(), (std::vector<int>{3, 2, 1, 0, -1, -2, -3}));
    for (Language l : all_languages()) {
        std::set<std::string> distinct;
        for (int c : gi_classes())
            distinct.insert(gi_class_label(l, c));
        EXPECT_EQ(distinct.size(), gi_classes().size()) << to_string(l);
        EXPECT_EQ(gi_class_label(l, 0), text(l, "not_significant"));
    }
    EXPECT_THROW(gi_class_label(Language::en, 4), std::out_of_range);
    EXPECT_THROW(gi_class_label(Language::en, -4), std::out_of_range);
}

TEST(Labels, LisaCodesAreTheOnesTheAnalysisWrites) {
    std::set<std::string> written;
    for (auto c : {LisaCluster::not_significant, LisaCluster::hh, LisaCluster::ll, LisaCluster::lh,
                   LisaCluster::hl})
        written.insert(vigia::analysis::to_string(c));
    EXPECT_EQ(std::set<std::string>(lisa_codes().begin(), lisa_codes().end()), written);
    EXPECT_EQ(lisa_label(Language::en, "HH"), "High-High");
    EXPECT_EQ(lisa_label(Language::en, "LH"), "Low-High");
    EXPECT_EQ(lisa_label(Language::es, "LL"), "Bajo-Bajo");
    EXPECT_EQ(lisa_label(Language::pt, "HL"), "Alto-Baixo");
    EXPECT_EQ(lisa_label(Language::fr, "HH"), "Élevé-Élevé");
    EXPECT_EQ(lisa_label(Language::es, "not significant"), "No significativo");
    for (Language l : all_languages()) {
        std::set<std::string> distinct;
        for (const auto& code : lisa_codes())
            distinct.insert(lisa_label(l, code));
        EXPECT_EQ(distinct.size(), 5u);
    }
    EXPECT_THROW(lisa_label(Language::en, "XX"), std::out_of_range);
    EXPECT_THROW(lisa_label(Language::en, "not_significant"), std::out_of_range);
}

TEST(Labels, EmergingPatternsAreTheOnesTheAnalysisWritesInItsOrder) {
    std::vector<std::string> written;
    for (std::size_t k = 0; k < vigia::analysis::kEhsaCategoryCount; ++k)
        written.emplace_back(vigia::analysis::to_string(static_cast<EhsaCategory>(k)));
    EXPECT_EQ(ehs_codes(), written);
    EXPECT_EQ(keys_with_prefix("ehs.").size(), written.size());
    EXPECT_EQ(ehs_label(Language::en, "no pattern"), "No pattern detected");
    EXPECT_EQ(ehs_label(Language::es, "intensifying hot spot"),
              "Punto caliente en intensificación");
    EXPECT_EQ(ehs_label(Language::fr, "historical cold spot"), "Point froid historique");
    for (Language l : all_languages()) {
        std::set<std::string> distinct;
        for (const auto& code : ehs_codes())
            distinct.insert(ehs_label(l, code));
        EXPECT_EQ(distinct.size(), ehs_codes().size()) << to_string(l);
    }
    EXPECT_THROW(ehs_label(Language::en, "new_hot_spot"), std::out_of_range);
    EXPECT_THROW(ehs_label(Language::en, "hot spot"), std::out_of_range);
}

TEST(Labels, EveryDeclaredLayerAndColumnHasATitleAndAnAliasInEveryLanguage) {
    // The declarations the writer iterates (engine/layers.cpp): every column of every layer,
    // placeholders filled ({code} 0401, {kind} police), has an alias, every layer a title.
    auto check = [](auto alias, auto title) {
        for (const RegistryProblem& p : check_registry(city_layers(), alias, title))
            ADD_FAILURE() << p.layer << " " << p.column << ": " << p.what;
    };
    check([](std::string_view l, std::string_view f) { return field_alias(Language::en, l, f); },
          [](std::string_view l) { return layer_title(Language::en, l, "C"); });
    check([](std::string_view l, std::string_view f) { return field_alias(Language::es, l, f); },
          [](std::string_view l) { return layer_title(Language::es, l, "C"); });
    check([](std::string_view l, std::string_view f) { return field_alias(Language::pt, l, f); },
          [](std::string_view l) { return layer_title(Language::pt, l, "C"); });
    check([](std::string_view l, std::string_view f) { return field_alias(Language::fr, l, f); },
          [](std::string_view l) { return layer_title(Language::fr, l, "C"); });
    // And the other way round: layers.csv names no layer that is neither declared nor one of
    // alliance.gpkg's.
    for (const std::string& key : keys_with_prefix("layer.")) {
        const std::string layer = key.substr(6, key.rfind('.') - 6);
        if (layer == "cities" || layer == "metrics" || layer == "what_works") continue;
        bool declared = false;
        for (const LayerDecl& d : city_layers().all())
            declared = declared || d.name == layer;
        EXPECT_TRUE(declared) << key << ": no such layer in engine/layers.cpp";
    }
}

TEST(Labels, AliasesDependOnTheLayerWhereNamesAreShared) {
    EXPECT_EQ(field_alias(Language::en, "units", "name"), "Sub-unit");
    EXPECT_EQ(field_alias(Language::en, "boundary", "name"), "City");
    EXPECT_EQ(field_alias(Language::en, "facilities_police", "name"), "Facility");
    EXPECT_EQ(field_alias(Language::en, "facilities_police", "incidents"),
              "Incidents within reach");
    EXPECT_EQ(field_alias(Language::en, "unmapped_categories", "incidents"),
              "Incidents with this label");
    EXPECT_EQ(field_alias(Language::en, "city_stats", "unit"), "Unit of measure");
    EXPECT_EQ(field_alias(Language::en, "unit_counts", "unit"), "Sub-unit");
    EXPECT_EQ(field_alias(Language::es, "grid", "gi_class"),
              "Punto caliente o frío (clase de confianza Gi*)");
}

TEST(Labels, AliasesOfKindAndCategoryFieldsNameTheKindOrCategory) {
    EXPECT_EQ(field_alias(Language::en, "incidents", "dist_police"),
              "Distance to the nearest facility: police (m)");
    EXPECT_EQ(field_alias(Language::fr, "incidents", "dist_centros_salud"),
              "Distance à l'équipement le plus proche : centros_salud (m)");
    EXPECT_EQ(field_alias(Language::en, "units", "parks_dist_mean"),
              "Mean distance of incidents to the nearest facility: parks (m)");
    EXPECT_EQ(field_alias(Language::en, "units", "cai_police_dist_p90"),
              "90th percentile of the distance to the nearest facility: cai_police (m)");
    // The longer suffix wins: kind "police", not "police_hotspot".
    EXPECT_EQ(field_alias(Language::en, "cities", "coverage_police_hotspot_incident_share"),
              "Share of hot-spot incidents within reach: police");
    EXPECT_EQ(field_alias(Language::es, "cities", "coverage_police_incident_share"),
              "Proporción de incidentes al alcance: police");
    EXPECT_EQ(field_alias(Language::en, "grid", "count_0401"), "Number of incidents: 0401 Robbery");
    EXPECT_EQ(field_alias(Language::es, "grid", "gi_class_0401"),
              "Punto caliente o frío (clase de confianza Gi*): 0401 Robo");
    EXPECT_EQ(field_alias(Language::en, "grid", "lisa_99"), "LISA cluster (local Moran's I): 99");
    // Exact names are not read as patterns.
    EXPECT_EQ(field_alias(Language::en, "coverage", "dist_mean_m"),
              "Mean distance of incidents to the nearest facility (m)");
    EXPECT_EQ(field_alias(Language::en, "grid", "lisa_cluster"), "LISA cluster (local Moran's I)");
}

TEST(Labels, AnUnknownFieldIsItsOwnAlias) {
    EXPECT_EQ(field_alias(Language::es, "grid", "foo_bar"), "foo_bar");
    EXPECT_EQ(field_alias(Language::en, "near_repeat", "whatever"), "whatever");
    EXPECT_EQ(field_alias(Language::en, "incidents", "dist_"), "dist_");
}

TEST(Labels, NumbersAreWrittenAsEachLanguageWritesThem) {
    EXPECT_EQ(format_number(Language::en, 12345.5), "12,345.5");
    EXPECT_EQ(format_number(Language::pt, 12345.5), "12.345,5");
    EXPECT_EQ(format_number(Language::es, 12345.5), "12\u00a0345,5");
    EXPECT_EQ(format_number(Language::fr, 1234567), "1\u00a0234\u00a0567");
    EXPECT_EQ(format_number(Language::en, 1200), "1200");
    EXPECT_EQ(format_number(Language::es, 0.012), "0,012");
    EXPECT_EQ(format_number(Language::en, 0.012), "0.012");
    EXPECT_EQ(format_number(Language::en, 35), "35");
    EXPECT_EQ(format_number(Language::fr, -2.5), "-2,5");
    EXPECT_EQ(format_number(Language::en, 0), "0");
    EXPECT_EQ(format_number(Language::en, 2.0 / 3.0, 2), "0.67");
}

// ---- the tables of data/i18n ------------------------------------------------------------------

namespace {

/// Every layer of a city's GeoPackage and of alliance.gpkg (kind-named ones as patterns).
const std::vector<std::string> kLayers{"grid",
                                       "units",
                                       "boundary",
                                       "incidents",
                                       "unit_counts",
                                       "hotspots",
                                       "kde_areas",
                                       "coverage_{kind}",
                                       "facilities_{kind}",
                                       "suggested_{kind}",
                                       "uncovered_hotspots",
                                       "coverage",
                                       "city_stats",
                                       "monthly",
                                       "lorenz",
                                       "unmapped_categories",
                                       "rejected",
                                       "run_info",
                                       "emerging_hotspots",
                                       "near_repeat",
                                       "clock",
                                       "interventions",
                                       "intervention_effects",
                                       "intervention_series",
                                       "cities",
                                       "metrics",
                                       "what_works"};

/// The placeholders of a text, in order ("{}" as "").
std::vector<std::string> placeholders_of(const std::string& s) {
    std::vector<std::string> out;
    const std::regex ph{R"(\{([a-z0-9_]*)\})"};
    for (std::sregex_iterator it{s.begin(), s.end(), ph}, end; it != end; ++it)
        out.push_back((*it)[1]);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST(Labels, EveryLayerHasATitleAndADescriptionInEveryLanguage) {
    for (const std::string& layer : kLayers)
        for (const char* what : {".title", ".description"}) {
            const std::string key = "layer." + layer + what;
            ASSERT_TRUE(has_text(key)) << key;
            for (Language l : all_languages())
                EXPECT_FALSE(text(l, key).empty()) << key << " " << to_string(l);
        }
    // Nothing else: a layer added to layers.csv is added here too.
    EXPECT_EQ(keys_with_prefix("layer.").size(), 2 * kLayers.size());
}

TEST(Labels, LayerTitlesNameTheCityInEachLanguagesOrder) {
    EXPECT_EQ(layer_title(Language::en, "grid", "Zapopan"), "Zapopan: grid cells");
    EXPECT_EQ(layer_title(Language::es, "grid", "Zapopan"), "Zapopan: celdas de la cuadrícula");
    EXPECT_EQ(layer_title(Language::fr, "grid", "Zapopan"), "Zapopan : cellules de la grille");
    EXPECT_EQ(layer_title(Language::en, "coverage_police", "Bogotá"),
              "Bogotá: area within reach of police");
    EXPECT_EQ(layer_title(Language::pt, "facilities_cai_police", "Recife"),
              "Recife: equipamentos: cai_police");
    EXPECT_EQ(layer_title(Language::en, "suggested_parks", "Lima"), "Lima: suggested sites: parks");
    EXPECT_THROW(layer_title(Language::en, "gird", "Lima"), std::out_of_range);
    EXPECT_THROW(layer_title(Language::en, "facilities_", "Lima"), std::out_of_range);
    for (const std::string& layer : kLayers)
        for (Language l : all_languages()) {
            const std::string t =
                layer_title(l, std::regex_replace(layer, std::regex{"\\{kind\\}"}, "police"), "C");
            EXPECT_EQ(t.rfind("C", 0), 0u) << layer << " " << to_string(l) << ": " << t;
            EXPECT_EQ(t.find('{'), std::string::npos) << t;
        }
}

TEST(Labels, EveryMetricHasADescriptionAndAnAlias) {
    const auto keys = keys_with_prefix("metric.");
    EXPECT_GT(keys.size(), 50u);
    for (const std::string& key : keys) {
        const std::string name = key.substr(7, key.find('.', 7) - 7);
        // The metrics are also the columns of alliance.gpkg's `cities`.
        const std::string column = std::regex_replace(name, std::regex{R"(\{kind\})"}, "police");
        const std::string example =
            std::regex_replace(column, std::regex{R"(\{pattern\})"}, "new_hot_spot");
        EXPECT_NE(field_alias(Language::en, "cities", example), example) << example;
        for (Language l : all_languages())
            EXPECT_EQ(placeholders_of(text(l, key)), placeholders_of(text(Language::en, key)))
                << key;
    }
    EXPECT_EQ(metric_description(Language::en, "moran_i_z"), "z under randomisation");
    EXPECT_EQ(metric_description(Language::es, "coverage_police_incident_share"),
              "incidentes a menos de {radius_m} m de un equipamiento 'police'");
    EXPECT_EQ(
        metric_description(Language::en, "coverage_police_incident_share", {{"radius_m", "800"}}),
        "incidents within 800 m of a 'police' facility");
    EXPECT_EQ(metric_description(Language::fr, "ehs_new_hot_spot_cells"),
              "cellules dont le modèle de point chaud émergent est 'new_hot_spot'");
    try {
        metric_description(Language::en, "data_scale_m", {});
        FAIL() << "no exception";
    } catch (const std::out_of_range& e) {
        EXPECT_NE(std::string{e.what()}.find("metric 'data_scale_m'"), std::string::npos);
        EXPECT_NE(std::string{e.what()}.find("{rule}"), std::string::npos) << e.what();
    }
    EXPECT_THROW(metric_description(Language::en, "no_such_metric"), std::out_of_range);
}

TEST(Labels, EveryFieldPatternFillsItsPlaceholder) {
    const std::regex ph{R"(\{[a-z_]+\})"};
    for (const std::string& key : keys_with_prefix("field.")) {
        if (key.find('{') == std::string::npos) continue;
        // field.dist_{kind} → dist_x; field.facilities_{kind}.name → (facilities_x, name);
        // field.count_{code} → count_0401, its alias naming the category.
        const bool iccs = key.find("{code}") != std::string::npos;
        const std::string rest = key.substr(6);
        const std::size_t dot = rest.find('.');
        const std::string layer = dot == std::string::npos ? "" : rest.substr(0, dot);
        const std::string field = dot == std::string::npos ? rest : rest.substr(dot + 1);
        for (Language l : all_languages()) {
            const std::string value = iccs ? "0401 " + iccs_name("0401", l) : "x";
            EXPECT_EQ(field_alias(l, std::regex_replace(layer, ph, "x"),
                                  std::regex_replace(field, ph, iccs ? "0401" : "x")),
                      std::regex_replace(text(l, key), ph, value))
                << key << " " << to_string(l);
        }
    }
}

TEST(Labels, KeysCanBeListedAndLookedUp) {
    EXPECT_TRUE(has_text("gi_class.-3"));
    EXPECT_TRUE(has_text("field.dist_{kind}"));
    EXPECT_FALSE(has_text("field.dist_police"));
    EXPECT_FALSE(has_text("gi_class.4"));
    EXPECT_EQ(keys_with_prefix("gi_class.").size(), gi_classes().size());
    EXPECT_EQ(keys_with_prefix("lisa.").size(), lisa_codes().size());
    EXPECT_EQ(keys_with_prefix("layer.grid."),
              (std::vector<std::string>{"layer.grid.title", "layer.grid.description"}));
    EXPECT_EQ(text(Language::pt, "lisa.HL"), "Alto-Baixo");
    const auto texts = text_keys();
    EXPECT_EQ(std::count(texts.begin(), texts.end(), "gi_class.3"), 0);
    EXPECT_EQ(fill_placeholders("{a} and {{b}}", {{"a", "x"}}), "x and {b}");
    EXPECT_THROW(fill_placeholders("{a}", {}, "here"), std::out_of_range);
}
