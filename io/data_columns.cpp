#include "io/data_columns.hpp"

#include "analysis/error.hpp"
#include "io/gdal_util.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>

#include <map>
#include <set>

namespace vigia::io {

namespace {

/// An SQL string literal.
std::string literal(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string{"''"} : std::string(1, c);
    return out + "'";
}

} // namespace

void write_data_columns(const std::filesystem::path& gpkg, const std::vector<DataColumn>& columns) {
    const std::string label = gpkg.string();
    GDALDatasetUniquePtr ds = open_gpkg_for_update(gpkg);
    GdalErrorScope errors;
    auto exec = [&](const std::string& sql) {
        CPLErrorReset();
        OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (r) ds->ReleaseResultSet(r);
        if (CPLGetLastErrorType() >= CE_Failure)
            throw IoError{fmt::format("{}: gpkg_data_columns: {}", label, errors.last_error())};
    };
    if (ds->StartTransaction() != OGRERR_NONE)
        throw IoError{
            fmt::format("{}: cannot start a transaction: {}", label, errors.last_error())};
    try {
        // The table and constraints as the GeoPackage standard defines them (Annex C.9).
        exec("CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
             "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type "
             "TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, "
             "column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))");
        exec("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
             "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
             "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
        exec("CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT "
             "NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive "
             "BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT "
             "gdcc_ntv UNIQUE (constraint_name, constraint_type, value))");
        for (const char* t : {"gpkg_data_columns", "gpkg_data_column_constraints"})
            // Once: a NULL column_name defeats the table's UNIQUE constraint (NULLs differ), so
            // OR IGNORE alone would add the row again each time a file is restyled (merge).
            exec(fmt::format("INSERT INTO gpkg_extensions SELECT '{0}', NULL, 'gpkg_schema', "
                             "'http://www.geopackage.org/spec/#extension_schema', 'read-write' "
                             "WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name "
                             "= '{0}' AND column_name IS NULL AND extension_name = "
                             "'gpkg_schema')",
                             t));
        std::map<std::string, std::set<std::string>> used; // table → names taken
        for (const DataColumn& c : columns) {
            std::string name = c.name;
            if (!used[c.table].insert(name).second) {
                name = fmt::format("{} [{}]", c.name, c.column);
                used[c.table].insert(name);
            }
            exec(fmt::format("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, "
                             "name, title, description) VALUES ({}, {}, {}, {}, {})",
                             literal(c.table), literal(c.column), literal(name),
                             literal(c.title.empty() ? name : c.title),
                             c.description.empty() ? "NULL" : literal(c.description)));
        }
    } catch (...) {
        ds->RollbackTransaction();
        throw;
    }
    if (ds->CommitTransaction() != OGRERR_NONE)
        throw IoError{
            fmt::format("{}: cannot commit gpkg_data_columns: {}", label, errors.last_error())};
    close_checked(ds, gpkg);
}

} // namespace vigia::io
