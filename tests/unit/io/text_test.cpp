#include "io/text.hpp"

#include <gtest/gtest.h>

using namespace vigia::io;

TEST(Text, Utf8ValidationFindsTheFirstBadByte) {
    EXPECT_TRUE(valid_utf8("TRANSEÚNTE"));
    EXPECT_FALSE(valid_utf8("TRANSE\xDANTE"));
    EXPECT_EQ(first_invalid_utf8("ROBO A TRANSE\xDANTE"), 13u);
    EXPECT_FALSE(valid_utf8("\xC0\xAF"));     // overlong
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80")); // a surrogate
    EXPECT_TRUE(valid_utf8("a long ascii run of text, then é"));
}

TEST(Text, Windows1252BecomesUtf8) {
    EXPECT_EQ(cp1252_to_utf8("TRANSE\xDANTE"), "TRANSEÚNTE");
    EXPECT_EQ(cp1252_to_utf8("S\xc3O PAULO"), "SÃO PAULO");
    EXPECT_EQ(cp1252_to_utf8("\x80 5"), "€ 5");
    EXPECT_EQ(cp1252_to_utf8("\x81"), "\xEF\xBF\xBD");
    EXPECT_EQ(Recoder{"latin1"}.to_utf8("Jos\xe9"), "José");
    EXPECT_EQ(Recoder{"MACINTOSH"}.to_utf8("Jos\x8e"), "José");
    EXPECT_THROW(Recoder{"NO-SUCH-ENCODING"}, std::invalid_argument);
}

TEST(Text, DecimalCommasAndPoints) {
    bool comma = false;
    EXPECT_EQ(parse_decimal("-103,34", Decimal::automatic, &comma), -103.34);
    EXPECT_TRUE(comma);
    EXPECT_EQ(parse_decimal(" -103.34 ", Decimal::automatic, &comma), -103.34);
    EXPECT_FALSE(comma);
    EXPECT_FALSE(parse_decimal("-103,34", Decimal::point));
    EXPECT_FALSE(parse_decimal("-103.34", Decimal::comma));
    EXPECT_FALSE(parse_decimal("1,234,5", Decimal::automatic));
    EXPECT_FALSE(parse_decimal("0x1A", Decimal::automatic));
    EXPECT_FALSE(parse_decimal("nan", Decimal::automatic));
    EXPECT_FALSE(parse_decimal("", Decimal::automatic));
}

TEST(Text, KeysAsNumbersAndAsNames) {
    EXPECT_EQ(key_number("05001"), 5001);
    EXPECT_EQ(key_number("5001"), 5001);
    EXPECT_EQ(key_number("5001.0"), 5001);
    EXPECT_FALSE(key_number("5001.5"));
    EXPECT_FALSE(key_number("TOTAL"));
    EXPECT_EQ(fold_name("SAN JOSÉ"), "san jose");
    EXPECT_EQ(fold_name("  San  Jose. "), "san jose");
    EXPECT_EQ(fold_name("Vázquez de Coronado"), fold_name("VAZQUEZ DE CORONADO"));
    EXPECT_EQ(fold_name("Montes de Oca (San Pedro)"), "montes de oca san pedro");
    EXPECT_NE(fold_name("Escazú"), fold_name("Alajuelita"));
}
