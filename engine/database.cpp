#include "engine/database.hpp"

#include "io/postgis.hpp"

namespace vigia::engine {

namespace fs = std::filesystem;

std::vector<std::string> city_schemas(const std::string& slug) {
    return {io::schema_name(slug), io::schema_name(slug, "_public")};
}

void check_database(const DatabaseOutput& db) {
    io::check_postgis_target({db.connection, db.overwrite, db.reader_role});
}

std::vector<std::string> existing_schemas(const DatabaseOutput& db,
                                          const std::vector<std::string>& schemas) {
    if (db.overwrite || schemas.empty()) return {};
    io::PgConnection conn{db.connection};
    std::vector<std::string> found;
    for (const std::string& s : schemas)
        if (io::schema_exists(conn, s)) found.push_back(s);
    return found;
}

std::vector<std::string> publish_city(const DatabaseOutput& db, const fs::path& dir,
                                      const std::string& slug) {
    const std::vector<std::string> schemas = city_schemas(slug);
    std::vector<io::SchemaCopy> copies{{dir / (slug + ".gpkg"), schemas[0], false}};
    std::vector<std::string> stale;
    if (const fs::path pub = dir / (slug + "_public.gpkg"); fs::exists(pub))
        copies.push_back({pub, schemas[1], true});
    else if (db.overwrite) // no [publish] this time: an old shareable copy would be stale
        stale.push_back(schemas[1]);
    io::publish_to_postgis({db.connection, db.overwrite, db.reader_role}, copies, stale);
    std::vector<std::string> written;
    for (const auto& c : copies)
        written.push_back(c.schema);
    return written;
}

void publish_alliance(const DatabaseOutput& db, const fs::path& dir) {
    io::publish_to_postgis({db.connection, db.overwrite, db.reader_role},
                           {{dir / "alliance.gpkg", io::schema_name("alliance"), true}});
}

} // namespace vigia::engine
