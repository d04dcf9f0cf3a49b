#pragma once
/// \file
/// PostgreSQL/PostGIS output: each GeoPackage of a city (or the alliance) copied into its own
/// schema, atomically, through libpq: each layer a table (the fid primary key, typed columns,
/// the geometry with its type and SRID, a GiST index) filled by COPY with exact values (GDAL
/// 3.6's PG driver writes doubles with 15 digits, which loses bits); the column comments (the
/// aliases of gpkg_data_columns), the table comments, the GeoPackage's metadata (a `metadata`
/// key/value table) and the QGIS styles, in `public.layer_styles` where QGIS reads them.
///
/// Atomic: every schema is first written as `<schema>__tmp_<pid>`; one transaction then drops
/// the old schemas, renames the new ones and replaces their styles. A writer holds a session
/// advisory lock per schema (released by the server when its connection ends, also when the
/// process is killed), so a `__tmp_` schema of an unlocked name is a killed writer's: removed
/// before the next write. Identifiers are quoted by libpq (PQescapeIdentifier) and values are
/// parameters ($1, …); COMMENT, a utility statement, takes no parameter, so its text goes
/// through PQescapeLiteral.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace vigia::io {

/// The rows of one statement's result, as text.
class PgResult {
public:
    explicit PgResult(pg_result* r) noexcept : m_r{r} {}
    PgResult(PgResult&& o) noexcept : m_r{o.m_r} { o.m_r = nullptr; }
    PgResult& operator=(PgResult&&) = delete;
    PgResult(const PgResult&) = delete;
    ~PgResult();
    int rows() const noexcept;
    bool null(int row, int col) const noexcept;
    std::string text(int row, int col) const;

private:
    pg_result* m_r;
};

/// One libpq connection, closed on destruction. `connection` is a GDAL connection string
/// (`PG:…`) in its redacted form (io/connection.hpp); the real one is asked for here only.
class PgConnection {
public:
    explicit PgConnection(const std::string& connection);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// One statement; `params` are $1, $2, … (nullopt: NULL). Throws IoError with the
    /// server's message and the redacted connection.
    PgResult exec(const std::string& sql,
                  const std::vector<std::optional<std::string>>& params = {});
    /// COPY … FROM STDIN: `rows` is called with a function taking each row's text (COPY's
    /// text format, newline included); sent in blocks of about 1 MB.
    void copy_in(const std::string& sql,
                 const std::function<void(const std::function<void(const std::string&)>&)>& rows);
    /// "name", quoted for the SQL text (PQescapeIdentifier).
    std::string identifier(std::string_view name) const;
    /// 'text', quoted for the SQL text (PQescapeLiteral): for utility statements only.
    std::string literal(std::string_view text) const;
    const std::string& label() const noexcept { return m_label; }

private:
    void exec_copy_start(const std::string& sql);
    pg_conn* m_c = nullptr;
    std::string m_label;
};

/// The schema of a city: `vigia_<slug>`, the slug's '-' as '_', and `suffix` ("_public");
/// "alliance" gives `vigia_alliance`. Throws InputError when the result is not a plain
/// lower-case identifier ([a-z0-9_], at most 63 bytes with the `__tmp_<pid>` of the writer).
std::string schema_name(std::string_view slug, std::string_view suffix = {});

/// Whether `schema` exists.
bool schema_exists(PgConnection& conn, const std::string& schema);

/// One GeoPackage to copy into one schema.
struct SchemaCopy {
    std::filesystem::path gpkg;
    std::string schema;
    bool reader_grant = false; ///< grant the reader role USAGE and SELECT (public copies)
};

struct PostgisTarget {
    std::string connection;  ///< redacted `PG:…` (io/connection.hpp)
    bool overwrite = false;  ///< replace existing schemas; without it an existing one stops
    std::string reader_role; ///< role given read access to the public copies; may be empty
};

/// Copies every GeoPackage into its schema, all in place together or none (above). Throws
/// IoError naming the connection (redacted) and schema when a schema exists without
/// `overwrite`, when `public.layer_styles` is missing and cannot be created (the privilege
/// needed is named), and when anything else fails; nothing is then replaced.
/// Connects and checks what a write needs, before any work: the reader role exists, and
/// `public.layer_styles` is there (created when missing and allowed) and writable, and
/// readable by the reader. IoError naming what is missing and who can grant it.
void check_postgis_target(const PostgisTarget& target);

/// `stale`: schemas dropped in the same transaction (a public copy the run no longer makes).
void publish_to_postgis(const PostgisTarget& target, const std::vector<SchemaCopy>& copies,
                        const std::vector<std::string>& stale = {});

} // namespace vigia::io
