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
    EXPECT_EQ(kept, "PG:user=a password=*** dbname=crime"); // libpq's order of the keywords
    EXPECT_EQ(kept.find("Kept-Apart-1"), std::string::npos);
    EXPECT_EQ(connection_secret(kept), real);
    // Remembering it again is harmless; another secret behind the same text is refused.
    EXPECT_EQ(remember_connection(real), kept);
    EXPECT_THROW(remember_connection("PG:dbname=crime user=a password=Other-2"), InputError);
    // Without a password there is nothing to keep: the text as written.
    EXPECT_EQ(remember_connection("PG:service=crime"), "PG:service=crime");
    EXPECT_EQ(connection_secret("PG:service=crime"), "PG:service=crime");
}

// Every form libpq reads a password from (its own parser, PQconninfoParse, decides), and
// GDAL's keywords kept.
TEST(Connection, HidesThePasswordOfEveryFormLibpqReads) {
    struct Case {
        const char* connection;
        const char* secret;
        const char* shown;
    };
    const Case cases[] = {
        {"PG:postgresql://quirky:Leak#Me1@db:5432/crime", "Leak#Me1",
         "PG:user=quirky password=*** dbname=crime host=db port=5432"},
        {"PG:postgresql://u@db/crime?pass%77ord=Pct-3", "Pct-3",
         "PG:user=u password=*** dbname=crime host=db"},
        {"PG:dbname=crime sslpassword=Ssl-4 user=a", "Ssl-4",
         "PG:user=a dbname=crime sslpassword=***"},
        {"PG:dbname=crime password=abc\\ Esc-5", "Esc-5", "PG:password=*** dbname=crime"},
        {"PG:dbname=crime6\fpassword=Ff-6", "Ff-6", "PG:password=*** dbname=crime6"},
        {"PG:dbname=crime password='Sec''Ret-7'", nullptr, nullptr}, // libpq cannot parse it
        {"PG:dbname=crime password=my Secret-8", nullptr, nullptr},
        {"PG:dbname=crime password=p9 active_schema=s", "p9",
         "PG:password=*** dbname=crime active_schema=s"},
    };
    for (const Case& c : cases) {
        if (!c.shown) {
            try {
                remember_connection(c.connection);
                ADD_FAILURE() << "accepted: " << c.connection;
            } catch (const InputError& e) {
                EXPECT_EQ(std::string{e.what()}.find("Sec"), std::string::npos) << e.what();
                EXPECT_EQ(std::string{e.what()}.find("Secret-8"), std::string::npos) << e.what();
            }
            continue;
        }
        const std::string kept = remember_connection(c.connection);
        EXPECT_EQ(kept, c.shown) << c.connection;
        EXPECT_EQ(kept.find(c.secret), std::string::npos) << kept;
        EXPECT_EQ(connection_secret(kept), c.connection);
    }
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
