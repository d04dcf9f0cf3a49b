#include "engine/city_writer.hpp"
#include "engine/labels.hpp"
#include "engine/layers.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace vigia::engine;

namespace {

std::vector<RegistryProblem> check(const LayerRegistry& r, Language l) {
    return check_registry(
        r,
        [l](std::string_view layer, std::string_view field) {
            return field_alias(l, layer, field);
        },
        [l](std::string_view layer) -> std::string {
            try {
                return layer_title(l, layer, "Zapopan");
            } catch (const std::out_of_range&) {
                return {}; // no title in data/i18n/layers.csv
            }
        });
}

std::string describe(const std::vector<RegistryProblem>& p) {
    std::string s;
    for (const auto& x : p)
        s += x.layer + "." + x.column + ": " + x.what + "\n";
    return s;
}

} // namespace

TEST(Layers, EveryDeclaredColumnHasAnAliasAndEveryLayerATitleInEveryLanguage) {
    for (Language l : all_languages()) {
        const auto problems = check(city_layers(), l);
        EXPECT_TRUE(problems.empty()) << to_string(l) << ":\n" << describe(problems);
    }
}

TEST(Layers, ACheckThatCanFail_AColumnWithoutAnAliasIsFound) {
    // The mutation: a column added to a declared layer without an alias.
    LayerRegistry r = city_layers();
    LayerDecl& grid = const_cast<LayerDecl&>(*r.find("grid"));
    grid.columns.push_back({"mystery_score", ColumnType::real, Suppress::none, {}});
    const auto problems = check(r, Language::es);
    ASSERT_EQ(problems.size(), 1u) << describe(problems);
    EXPECT_EQ(problems[0].layer, "grid");
    EXPECT_EQ(problems[0].column, "mystery_score");
}

TEST(Layers, ADerivedColumnMustNameADeclaredCount) {
    LayerRegistry r = city_layers();
    LayerDecl& hot = const_cast<LayerDecl&>(*r.find("hotspots"));
    hot.columns.push_back({"share_of_nothing", ColumnType::real, Suppress::derived, "nothing"});
    bool found = false;
    for (const auto& p : check(r, Language::en))
        found = found ||
                (p.column == "share_of_nothing" && p.what.find("derived") != std::string::npos);
    EXPECT_TRUE(found);
}

TEST(Layers, TheSinkRefusesUndeclaredLayersColumnsAndWrongTypes) {
    LayerSink sink{city_layers()};
    EXPECT_THROW(sink.layer("grid_cells"), std::logic_error);
    EXPECT_THROW(sink.column("grid", {"mystery", std::vector<double>{1.0}}), std::logic_error);
    EXPECT_THROW(sink.column("grid", {"cell_id", std::vector<double>{1.0}}), std::logic_error);
    sink.column("grid", {"cell_id", std::vector<std::int64_t>{1}});
    EXPECT_THROW(sink.column("grid", {"cell_id", std::vector<std::int64_t>{1}}), std::logic_error);
    // Placeholders: a category's and a network's columns and layers.
    sink.column("grid", {"count_0401", std::vector<double>{2.0}});
    sink.column("coverage_police", {"kind", std::vector<std::string>{"police"}});
    EXPECT_TRUE(sink.has("coverage_police"));
}

TEST(Layers, ColumnsAreWrittenInDeclaredOrderWithCategoryGroupsTogether) {
    LayerSink sink{city_layers()};
    sink.column("grid", {"lisa_0502", std::vector<std::string>{"HH"}});
    sink.column("grid", {"count_0401", std::vector<double>{1}});
    sink.column("grid", {"gi_z", std::vector<double>{0.5}});
    sink.column("grid", {"count_0502", std::vector<double>{1}});
    sink.column("grid", {"cell_id", std::vector<std::int64_t>{1}});
    sink.column("grid", {"lisa_0401", std::vector<std::string>{"LL"}});
    vigia::io::LayerData& d = sink.layer("grid");
    order_columns(d, *city_layers().find("grid"));
    std::vector<std::string> names;
    for (const auto& c : d.columns)
        names.push_back(c.name);
    // The category values in the order they were first emitted: 0502 (lisa_0502 first).
    EXPECT_EQ(names, (std::vector<std::string>{"cell_id", "gi_z", "count_0502", "lisa_0502",
                                               "count_0401", "lisa_0401"}));
}

TEST(Layers, NetworkLayersAreWrittenPerKindInDeclaredOrder) {
    LayerSink sink{city_layers()};
    sink.layer("facilities_schools");
    sink.layer("coverage_sports");
    sink.layer("run_info");
    sink.layer("coverage_schools");
    sink.layer("grid");
    sink.layer("facilities_sports");
    std::vector<std::string> names;
    for (const vigia::io::LayerData* d : sink.ordered())
        names.push_back(d->name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"grid", "coverage_schools", "facilities_schools",
                                        "coverage_sports", "facilities_sports", "run_info"}));
}
