#pragma once
/// \file
/// `-o PG:…`: a batch's (or a merge's) GeoPackages published into PostgreSQL/PostGIS, each
/// city into `vigia_<slug>` (its shareable copy into `vigia_<slug>_public`) and the alliance
/// into `vigia_alliance`, atomically per city (io/postgis.hpp). The files themselves are
/// written first, as for a folder, into the files folder of the run.

#include <filesystem>
#include <string>
#include <vector>

namespace vigia::engine {

struct DatabaseOutput {
    std::string connection;  ///< redacted `PG:…` (io/connection.hpp)
    bool overwrite = false;  ///< replace existing schemas
    std::string reader_role; ///< granted read access to the public schemas; may be empty
};

/// The schemas of a city: `vigia_<slug>` and `vigia_<slug>_public`. InputError when the slug
/// makes no safe schema name.
std::vector<std::string> city_schemas(const std::string& slug);

/// Connects and checks, before any work, what every write will need (io::check_postgis_target).
void check_database(const DatabaseOutput& db);

/// The schemas of `schemas` that exist already (none when `overwrite`); connects once.
std::vector<std::string> existing_schemas(const DatabaseOutput& db,
                                          const std::vector<std::string>& schemas);

/// Publishes `<slug>.gpkg` (and `<slug>_public.gpkg` when present) of `dir`; returns the
/// schemas written.
std::vector<std::string> publish_city(const DatabaseOutput& db, const std::filesystem::path& dir,
                                      const std::string& slug);

/// Publishes `alliance.gpkg` of `dir` into `vigia_alliance`.
void publish_alliance(const DatabaseOutput& db, const std::filesystem::path& dir);

} // namespace vigia::engine
