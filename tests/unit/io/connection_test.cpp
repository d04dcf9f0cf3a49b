// io/connection: a connection string's password never in the text Vigía keeps and prints, and
// io/postgis: the schema names it writes.

#include "analysis/error.hpp"
#include "io/connection.hpp"
#include "io/postgis.hpp"

#include <gtest/gtest.h>

namespace vigia::io {
namespace {

TEST(Connection, RecognisesGdalPostgresStrings) {
    EXPECT_TRUE(is_postgres("PG:service=crime"));
    EXPECT_TRUE(is_postgres("pg:dbname=crime"));
    EXPECT_FALSE(is_postgres("PG"));
    EXPECT_FALSE(is_postgres("data/PG:x.csv"));
    EXPECT_FALSE(is_postgres("pgdata/boundary.shp"));
}

TEST(Connection, RedactsEveryFormOfPassword) {
    EXPECT_EQ(redact_connection("PG:dbname=crime password=s3cret host=db"),
              "PG:dbname=crime password=*** host=db");
    // libpq's quoted values, with blanks and escaped quotes inside; blanks around '='.
    EXPECT_EQ(redact_connection("PG:dbname=crime password = 'a b\\' c' user=x"),
              "PG:dbname=crime password = *** user=x");
    EXPECT_EQ(redact_connection("PG:PASSWORD=s3cret"), "PG:PASSWORD=***");
    // Right after the prefix, and at the end.
    EXPECT_EQ(redact_connection("PG:password=s3cret"), "PG:password=***");
    // URIs: the user information and the query parameter.
    EXPECT_EQ(redact_connection("PG:postgresql://analyst:s3cret@db:5432/crime"),
              "PG:postgresql://analyst:***@db:5432/crime");
    EXPECT_EQ(redact_connection("PG:postgresql://db/crime?user=a&password=s3cret&sslmode=require"),
              "PG:postgresql://db/crime?user=a&password=***&sslmode=require");
    // Not a password keyword: left alone.
    EXPECT_EQ(redact_connection("PG:service=crime passfile=/home/a/.pgpass"),
              "PG:service=crime passfile=/home/a/.pgpass");
    EXPECT_EQ(redact_connection("PG:dbname=mypassword=x"), "PG:dbname=mypassword=x");
    EXPECT_EQ(redact_connection("boundary.shp"), "boundary.shp");
    // A message quoting a connection.
    EXPECT_EQ(redact_connection("cannot open PG:dbname=a password=p: no"),
              "cannot open PG:dbname=a password=*** no");
}

TEST(Connection, KeepsTheSecretApartFromTheText) {
    const std::string real = "PG:dbname=crime user=a password=Kept-Apart-1";
    const std::string kept = remember_connection(real);
    EXPECT_EQ(kept, "PG:dbname=crime user=a password=***");
    EXPECT_EQ(kept.find("Kept-Apart-1"), std::string::npos);
    EXPECT_EQ(connection_secret(kept), real);
    // Remembering it again is harmless; another secret behind the same text is refused.
    EXPECT_EQ(remember_connection(real), kept);
    EXPECT_THROW(remember_connection("PG:dbname=crime user=a password=Other-2"), InputError);
    // Without a password there is nothing to keep.
    EXPECT_EQ(remember_connection("PG:service=crime"), "PG:service=crime");
    EXPECT_EQ(connection_secret("PG:service=crime"), "PG:service=crime");
}

TEST(Postgis, SchemaNamesArePlainIdentifiers) {
    EXPECT_EQ(schema_name("zapopan"), "vigia_zapopan");
    EXPECT_EQ(schema_name("villa-norte", "_public"), "vigia_villa_norte_public");
    EXPECT_EQ(schema_name("alliance"), "vigia_alliance");
    for (const char* bad :
         {"x\"; DROP SCHEMA public; --", "Zapopan", "a b", "", "ciudad.de", "ação"})
        EXPECT_THROW(schema_name(bad), InputError) << bad;
    // Long enough for "__tmp_<pid>" within PostgreSQL's 63 bytes, or refused.
    EXPECT_NO_THROW(schema_name(std::string(34, 'a'), "_public"));
    EXPECT_THROW(schema_name(std::string(35, 'a'), "_public"), InputError);
}

} // namespace
} // namespace vigia::io
