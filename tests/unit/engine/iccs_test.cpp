#include "engine/iccs.hpp"

#include <gtest/gtest.h>

using namespace vigia::engine;

TEST(Iccs, TheCompiledTableHoldsDataCategoriesIccsCsv) {
    // data/categories/iccs.csv: 50 codes, each with four names.
    EXPECT_EQ(iccs_codes().size(), 50u);
    const IccsCode* robbery = find_iccs("0401");
    ASSERT_NE(robbery, nullptr);
    EXPECT_EQ(robbery->level, 2);
    EXPECT_EQ(robbery->names[0], "Robbery");
    EXPECT_EQ(iccs_name("0401", Language::es), "Robo");
    EXPECT_EQ(iccs_name("0101", Language::pt), "Homicídio intencional");
    EXPECT_EQ(iccs_name("0101", Language::fr), "Homicide volontaire");
    EXPECT_EQ(find_iccs("9999"), nullptr);
    EXPECT_EQ(iccs_name("9999", Language::es), "9999");
    for (const IccsCode& c : iccs_codes())
        for (const std::string& n : c.names)
            EXPECT_FALSE(n.empty()) << c.code;
}

TEST(Iccs, ACategoryTakesInTheCodesBelowIt) {
    EXPECT_TRUE(iccs_within("0401", "0401"));
    EXPECT_TRUE(iccs_within("05011", "05"));
    EXPECT_TRUE(iccs_within("050211", "0502"));
    EXPECT_FALSE(iccs_within("0502", "0501"));
    EXPECT_FALSE(iccs_within("05", "0501")); // a parent is not inside its child
    EXPECT_FALSE(iccs_within("NC", "NC"));   // not-a-crime and unknown are no category
    EXPECT_FALSE(iccs_within("", "04"));
}

TEST(Iccs, CategoryLabelsNameAllIncidentsInTheLanguage) {
    EXPECT_EQ(category_label("all", Language::en), "all offences");
    EXPECT_EQ(category_label("all", Language::es), "todos los delitos");
    EXPECT_EQ(category_label("all", Language::fr), "toutes les infractions");
    EXPECT_EQ(category_label("0401", Language::pt), "Roubo");
}
