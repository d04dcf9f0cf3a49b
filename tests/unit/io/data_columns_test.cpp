#include "io/data_columns.hpp"

#include "analysis/error.hpp"
#include "io/gpkg_writer.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace vigia;
using vigia::test::TempDir;

namespace {

std::filesystem::path table_gpkg(const TempDir& d) {
    io::GpkgWriter w{d / "t.gpkg", false};
    io::LayerData tab;
    tab.name = "tab";
    tab.columns.push_back({"key", std::vector<std::string>{"a"}});
    tab.columns.push_back({"value", std::vector<double>{1}});
    tab.columns.push_back({"value2", std::vector<double>{2}});
    w.write(tab);
    w.finish();
    return d / "t.gpkg";
}

/// SQL result rows as text, columns joined by '|'.
std::vector<std::string> query(const std::filesystem::path& p, const std::string& sql) {
    auto ds = test::open_read(p);
    std::vector<std::string> out;
    OGRLayer* l = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!l) {
        ADD_FAILURE() << "query failed: " << sql;
        return out;
    }
    for (auto& f : *l) {
        std::string row;
        for (int i = 0; i < f->GetFieldCount(); ++i)
            row += (i ? "|" : "") +
                   std::string{f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL"};
        out.push_back(row);
    }
    ds->ReleaseResultSet(l);
    return out;
}

} // namespace

TEST(DataColumns, WritesTheSchemaExtensionRowsAndUniqueNames) {
    TempDir d;
    const auto p = table_gpkg(d);
    io::write_data_columns(p, {{"tab", "key", "Parámetro", "", ""},
                               {"tab", "value", "Valor", "Valor", "el valor"},
                               {"tab", "value2", "Valor", "", ""}}); // the same name twice
    EXPECT_EQ(
        query(p, "SELECT column_name, name, title, description FROM gpkg_data_columns "
                 "ORDER BY column_name"),
        (std::vector<std::string>{"key|Parámetro|Parámetro|NULL", "value|Valor|Valor|el valor",
                                  "value2|Valor [value2]|Valor [value2]|NULL"}));
    // The schema extension is declared for both of its tables (GeoPackage Req 141).
    EXPECT_EQ(query(p, "SELECT table_name, extension_name FROM gpkg_extensions WHERE "
                       "extension_name = 'gpkg_schema' ORDER BY table_name"),
              (std::vector<std::string>{"gpkg_data_column_constraints|gpkg_schema",
                                        "gpkg_data_columns|gpkg_schema"}));
    // Written again: rows replaced, not repeated.
    io::write_data_columns(p, {{"tab", "key", "Clave", "", ""}});
    EXPECT_EQ(query(p, "SELECT name FROM gpkg_data_columns WHERE column_name = 'key'"),
              (std::vector<std::string>{"Clave"}));
}

TEST(DataColumns, AMissingFileIsAnIoErrorNamingIt) {
    TempDir d;
    try {
        io::write_data_columns(d / "missing.gpkg", {{"t", "c", "n", "", ""}});
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string{e.what()}.find("missing.gpkg"), std::string::npos) << e.what();
    }
}
