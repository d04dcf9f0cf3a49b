#include "engine/labels.hpp"

#include "analysis/local_stats.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace vigia::engine;
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

/// Every field city_output.cpp and alliance.cpp write, by layer (kind "police", category
/// "0401" standing for the names built from the manifest).
const std::map<std::string, std::vector<std::string>>& written_fields() {
    static const std::vector<std::string> local{"gi_z",   "gi_p",   "gi_p_sim",   "gi_class",
                                                "lisa_i", "lisa_z", "lisa_p_sim", "lisa_cluster"};
    static const std::vector<std::string> per_category{"count_0401", "gi_z_0401", "gi_class_0401",
                                                       "lisa_0401"};
    static const std::vector<std::string> metrics{"incidents",
                                                  "incidents_per_year",
                                                  "area_km2",
                                                  "incidents_per_km2",
                                                  "cells",
                                                  "zero_cell_share",
                                                  "moran_i",
                                                  "moran_i_expected",
                                                  "moran_i_z",
                                                  "moran_i_p",
                                                  "general_g",
                                                  "general_g_expected",
                                                  "general_g_z",
                                                  "general_g_p",
                                                  "nni_observed_m",
                                                  "nni_expected_m",
                                                  "nni_r",
                                                  "nni_z",
                                                  "nni_p",
                                                  "gini",
                                                  "gini_generalised",
                                                  "cells_share_25",
                                                  "cells_share_50",
                                                  "area_share_25",
                                                  "area_share_50",
                                                  "hot_cells",
                                                  "cold_cells",
                                                  "hot_area_share",
                                                  "hot_incident_share",
                                                  "hotspot_areas",
                                                  "pai",
                                                  "rri",
                                                  "hit_rate",
                                                  "hotspot_jaccard",
                                                  "data_scale_m",
                                                  "mean_neighbours",
                                                  "kde_bandwidth_m",
                                                  "kde_bandwidth_auto_m",
                                                  "residents",
                                                  "incidents_per_100k",
                                                  "incidents_per_100k_per_year",
                                                  "coverage_police_incident_share",
                                                  "coverage_police_hotspot_incident_share",
                                                  "coverage_police_population_share",
                                                  "coverage_police_dist_median_m"};
    static const std::map<std::string, std::vector<std::string>> fields = [] {
        std::map<std::string, std::vector<std::string>> m;
        auto with = [](std::vector<std::string> v, const std::vector<std::string>& more) {
            v.insert(v.end(), more.begin(), more.end());
            return v;
        };
        m["grid"] = with(
            with(with({"fid", "cell_id", "count", "area_km2", "density_km2", "density_km2_year"},
                      local),
                 {"population", "rate_100k", "rate_100k_eb"}),
            per_category);
        m["units"] = with(with(with({"fid", "unit_id", "name", "count", "area_km2", "density_km2",
                                     "density_km2_year"},
                                    local),
                               {"population", "rate_100k", "rate_100k_eb", "police_dist_mean",
                                "police_dist_median", "police_dist_p90"}),
                          per_category);
        m["boundary"] = {"name", "area_km2"};
        m["incidents"] = {"source_row", "cell_id", "time", "iccs", "category", "dist_police"};
        m["unit_counts"] = {"unit_id", "unit", "category", "year", "month", "count", "iccs"};
        m["hotspots"] = {"hotspot_id", "cells", "count", "area_km2", "share", "peak_z", "category"};
        m["kde_areas"] = {"level_pct", "threshold_km2", "area_km2"};
        m["coverage_police"] = {"kind", "radius_m", "area_km2"};
        m["facilities_police"] = {"facility_id", "name",          "inside_boundary",
                                  "incidents",   "hotspot_cells", "residents"};
        m["suggested_police"] = {"rank", "gain", "cumulative_gain", "coverage_share"};
        m["uncovered_hotspots"] = {"hotspot_id", "area_km2", "incidents", "share"};
        m["coverage"] = {"kind",
                         "facilities",
                         "radius_m",
                         "incident_share",
                         "hotspot_incident_share",
                         "hotspot_cell_share",
                         "hotspot_area_share",
                         "population_share",
                         "service_area_km2",
                         "dist_mean_m",
                         "dist_median_m",
                         "dist_p90_m",
                         "suggested_sites",
                         "suggest_objective",
                         "suggested_gain",
                         "suggested_upper_bound"};
        m["city_stats"] = {"category", "category_name", "metric", "value", "unit", "description"};
        m["unmapped_categories"] = {"label", "incidents"};
        m["rejected"] = {"source_row", "reason", "detail"};
        m["run_info"] = {"key", "value"};
        m["cities"] = with({"city", "slug"}, metrics);
        m["metrics"] = {"city",   "slug",  "category", "category_name",
                        "metric", "value", "unit",     "description"};
        return m;
    }();
    return fields;
}

std::string read_source(const std::string& relative) {
    std::ifstream in{std::string{VIGIA_SOURCE_DIR} + "/" + relative};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
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
    const std::set<std::pair<std::string, Language>> same{{"source", Language::fr},
                                                          {"incidents", Language::fr}};
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
    for (Language l : all_languages()) {
        std::set<std::string> distinct;
        for (int c = -3; c <= 3; ++c)
            distinct.insert(gi_class_label(l, c));
        EXPECT_EQ(distinct.size(), 7u) << to_string(l);
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
}

TEST(Labels, EveryWrittenFieldHasAnAliasInEveryLanguage) {
    // The same in French and English, or in every language (proper names, codes).
    const std::set<std::pair<std::string, Language>> same{{"description", Language::fr}};
    for (const auto& [layer, fields] : written_fields())
        for (const std::string& f : fields) {
            const std::string en = field_alias(Language::en, layer, f);
            EXPECT_NE(en, f) << layer << "." << f << " has no alias";
            for (Language l : kOthers) {
                const std::string a = field_alias(l, layer, f);
                EXPECT_FALSE(a.empty());
                EXPECT_NE(a, f) << layer << "." << f << " " << to_string(l);
                if (!same.count({f, l})) {
                    EXPECT_NE(a, en)
                        << layer << "." << f << " not translated into " << to_string(l);
                }
            }
        }
}

TEST(Labels, EveryFieldNamedInTheWritersSourceHasAnAlias) {
    // Catches a field added to a writer without an alias: every {"name", …} column literal
    // of city_output.cpp and alliance.cpp, and every metric name of the city statistics.
    const std::regex column{R"re(push_back\(\{"([a-z0-9_]+)",)re"};
    const std::regex metric{R"re(add\(s, "([a-z0-9_]+)")re"};
    std::set<std::string> names;
    for (const char* file : {"engine/city_output.cpp", "engine/alliance.cpp",
                             "engine/hotspot_stage.cpp", "engine/pipeline.cpp"}) {
        const std::string src = read_source(file);
        ASSERT_FALSE(src.empty()) << file;
        for (const std::regex& re : {column, metric})
            for (std::sregex_iterator it{src.begin(), src.end(), re}, end; it != end; ++it)
                names.insert((*it)[1]);
    }
    EXPECT_GT(names.size(), 60u);
    for (const std::string& n : names)
        EXPECT_NE(field_alias(Language::en, "", n), n) << n << " has no alias";
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
