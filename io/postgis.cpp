#include "io/postgis.hpp"

#include "analysis/error.hpp"
#include "io/connection.hpp"
#include "io/gdal_util.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <unistd.h>

namespace vigia::io {

namespace {

/// The first line of a libpq message, without its "ERROR:  " (the rest points into the SQL).
std::string first_line(std::string s) {
    if (const auto nl = s.find('\n'); nl != std::string::npos) s.erase(nl);
    for (const char* prefix : {"ERROR:  ", "FATAL:  "})
        if (s.rfind(prefix, 0) == 0) s.erase(0, std::char_traits<char>::length(prefix));
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

} // namespace

PgResult::~PgResult() {
    if (m_r) PQclear(m_r);
}
int PgResult::rows() const noexcept {
    return m_r ? PQntuples(m_r) : 0;
}
bool PgResult::null(int row, int col) const noexcept {
    return PQgetisnull(m_r, row, col) != 0;
}
std::string PgResult::text(int row, int col) const {
    return PQgetvalue(m_r, row, col);
}

PgConnection::PgConnection(const std::string& connection) : m_label{connection} {
    if (!is_postgres(connection))
        throw UsageError{fmt::format("{}: not a PostgreSQL connection (PG:...)", m_label)};
    m_c = PQconnectdb(libpq_conninfo(connection_secret(connection)).c_str());
    if (!m_c || PQstatus(m_c) != CONNECTION_OK) {
        const std::string why = m_c ? first_line(PQerrorMessage(m_c)) : "out of memory";
        if (m_c) PQfinish(m_c);
        m_c = nullptr;
        throw IoError{fmt::format("{}: cannot connect: {} (credentials: pg_service.conf, "
                                  "~/.pgpass or PGPASSWORD)",
                                  m_label, redact_connection(why))};
    }
    // No notices on stderr; the text sent is UTF-8, whatever the database's encoding (the
    // server converts) or PGCLIENTENCODING says.
    PQsetNoticeProcessor(
        m_c, [](void*, const char*) {}, nullptr);
    try {
        exec("SET client_min_messages = warning");
        exec("SET client_encoding = 'UTF8'");
    } catch (...) {
        PQfinish(m_c);
        m_c = nullptr;
        throw;
    }
}

PgConnection::~PgConnection() {
    if (m_c) PQfinish(m_c);
}

PgResult PgConnection::exec(const std::string& sql,
                            const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    for (const auto& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    pg_result* raw = PQexecParams(m_c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
    const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const std::string why = first_line(raw ? PQresultErrorMessage(raw) : PQerrorMessage(m_c));
        if (raw) PQclear(raw);
        throw IoError{fmt::format("{}: {}", m_label, redact_connection(why))};
    }
    return PgResult{raw};
}

void PgConnection::copy_in(
    const std::string& sql,
    const std::function<void(const std::function<void(const std::string&)>&)>& rows) {
    exec_copy_start(sql);
    std::string buffer;
    auto flush = [&] {
        if (!buffer.empty() &&
            PQputCopyData(m_c, buffer.data(), static_cast<int>(buffer.size())) != 1)
            throw IoError{fmt::format("{}: {}", m_label, first_line(PQerrorMessage(m_c)))};
        buffer.clear();
    };
    try {
        rows([&](const std::string& row) {
            buffer += row;
            if (buffer.size() > (1u << 20)) flush();
        });
        flush();
    } catch (...) {
        PQputCopyEnd(m_c, "cancelled");
        while (pg_result* r = PQgetResult(m_c))
            PQclear(r);
        throw;
    }
    if (PQputCopyEnd(m_c, nullptr) != 1) {
        const std::string why = first_line(PQerrorMessage(m_c));
        while (pg_result* r = PQgetResult(m_c))
            PQclear(r);
        throw IoError{fmt::format("{}: {}", m_label, why)};
    }
    std::string why;
    while (pg_result* r = PQgetResult(m_c)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && why.empty())
            why = first_line(PQresultErrorMessage(r));
        PQclear(r);
    }
    if (!why.empty()) throw IoError{fmt::format("{}: {}", m_label, redact_connection(why))};
}

void PgConnection::exec_copy_start(const std::string& sql) {
    pg_result* r = PQexec(m_c, sql.c_str());
    const bool ok = r && PQresultStatus(r) == PGRES_COPY_IN;
    const std::string why = ok ? "" : first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(m_c));
    if (r) PQclear(r);
    if (!ok) throw IoError{fmt::format("{}: {}", m_label, redact_connection(why))};
}

std::string PgConnection::identifier(std::string_view name) const {
    char* q = PQescapeIdentifier(m_c, name.data(), name.size());
    if (!q) throw IoError{fmt::format("{}: cannot quote '{}'", m_label, name)};
    std::string s{q};
    PQfreemem(q);
    return s;
}

std::string PgConnection::literal(std::string_view text) const {
    char* q = PQescapeLiteral(m_c, text.data(), text.size());
    if (!q) throw IoError{fmt::format("{}: cannot quote a text", m_label)};
    std::string s{q};
    PQfreemem(q);
    return s;
}

std::string schema_name(std::string_view slug, std::string_view suffix) {
    std::string s = "vigia_";
    for (char c : slug)
        s += c == '-' ? '_' : c;
    s += suffix;
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    // "__tmp_" and a pid of up to 10 digits must still fit PostgreSQL's 63 bytes.
    // "__tmp_" is the writers' (a city's schema must not look like another's staging copy).
    if (!plain || slug.empty() || s.size() + 16 > 63 || s.find("__tmp_") != std::string::npos)
        throw InputError{fmt::format(
            "slug '{}': not a safe PostgreSQL schema name ({}): use lower-case letters, digits, "
            "'-' or '_', at most {} characters; give slug = \"...\"",
            slug, s, 63 - 16 - 6 - suffix.size())};
    return s;
}

bool schema_exists(PgConnection& conn, const std::string& schema) {
    return conn.exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}).rows() > 0;
}

namespace {

/// QGIS 3.22's own table (QgsPostgresProviderMetadata::saveStyle), for a database without one.
constexpr const char* kLayerStylesDdl =
    "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog "
    "varchar, "
    "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, "
    "styleqml xml, stylesld xml, useasdefault boolean, description text, owner varchar(63) "
    "DEFAULT CURRENT_USER, ui xml, update_time timestamp DEFAULT CURRENT_TIMESTAMP, "
    "type varchar)";

struct StyleRow {
    std::string table, geometry_column, name, qml, sld, description;
    bool is_default = false;
};

struct Comment {
    std::string table, column, text;
};

/// What the GeoPackage holds besides its layers: styles, aliases, descriptions, metadata.
struct GpkgExtras {
    std::vector<std::string> layers;
    std::vector<StyleRow> styles;
    std::vector<Comment> comments; ///< column empty: the table's
    std::vector<std::pair<std::string, std::string>> metadata;
};

GpkgExtras read_extras(GDALDataset& ds, const std::filesystem::path& path) {
    GpkgExtras x;
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
        const std::string name = ds.GetLayer(i)->GetName();
        if (name != "layer_styles") x.layers.push_back(name);
    }
    auto query = [&](const char* sql, auto&& row) {
        OGRLayer* l = ds.ExecuteSQL(sql, nullptr, nullptr);
        if (!l) return;
        for (auto& f : *l)
            row(*f);
        ds.ReleaseResultSet(l);
    };
    auto text = [](OGRFeature& f, int i) {
        return f.IsFieldSetAndNotNull(i) ? std::string{f.GetFieldAsString(i)} : std::string{};
    };
    GdalErrorScope quiet; // a file without styles or data columns has no such table
    if (ds.GetLayerByName("layer_styles"))
        query("SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
              "useAsDefault, description FROM layer_styles ORDER BY id",
              [&](OGRFeature& f) {
                  x.styles.push_back({text(f, 0), text(f, 1), text(f, 2), text(f, 3), text(f, 4),
                                      text(f, 6), f.GetFieldAsInteger(5) != 0});
              });
    query("SELECT table_name, column_name, name, description FROM gpkg_data_columns",
          [&](OGRFeature& f) {
              std::string t = text(f, 2);
              if (const std::string d = text(f, 3); !d.empty()) t += ": " + d;
              x.comments.push_back({text(f, 0), text(f, 1), std::move(t)});
          });
    query("SELECT table_name, description FROM gpkg_contents", [&](OGRFeature& f) {
        if (const std::string d = text(f, 1); !d.empty()) x.comments.push_back({text(f, 0), "", d});
    });
    if (char** md = ds.GetMetadata())
        for (char** p = md; *p; ++p) {
            char* key = nullptr;
            const char* value = CPLParseNameValue(*p, &key);
            if (key) x.metadata.emplace_back(key, value ? value : "");
            CPLFree(key);
        }
    (void)path;
    return x;
}

/// The PostgreSQL type of an OGR field; what has no exact counterpart is kept as its text.
const char* pg_type(const OGRFieldDefn& f) {
    switch (f.GetType()) {
    case OFTInteger:
        return f.GetSubType() == OFSTBoolean ? "boolean" : "integer";
    case OFTInteger64:
        return "bigint";
    case OFTReal:
        return "double precision";
    default:
        return "text";
    }
}

/// PostGIS's name of a layer's geometry type ("MultiPolygon"), and whether it has Z.
std::string pg_geometry_type(OGRwkbGeometryType t) {
    std::string name;
    switch (wkbFlatten(t)) {
    case wkbPoint:
        name = "Point";
        break;
    case wkbLineString:
        name = "LineString";
        break;
    case wkbPolygon:
        name = "Polygon";
        break;
    case wkbMultiPoint:
        name = "MultiPoint";
        break;
    case wkbMultiLineString:
        name = "MultiLineString";
        break;
    case wkbMultiPolygon:
        name = "MultiPolygon";
        break;
    case wkbGeometryCollection:
        name = "GeometryCollection";
        break;
    default:
        name = "Geometry";
        break;
    }
    return wkbHasZ(t) ? name + "Z" : name;
}

/// A value as COPY's text format wants it: backslash, tab, newline and return escaped.
void append_copy_text(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
}

/// A double exactly: the shortest text that reads back as the same bits (PostgreSQL's
/// float8in parses it exactly; GDAL 3.6's PG driver writes 15 digits, which loses bits).
void append_double(std::string& out, double v) {
    if (std::isnan(v))
        out += "NaN";
    else if (std::isinf(v))
        out += v > 0 ? "Infinity" : "-Infinity";
    else
        fmt::format_to(std::back_inserter(out), "{}", v);
}

/// The geometry as hexadecimal EWKB with its SRID, which PostGIS reads in COPY.
void append_ewkb(std::string& out, const OGRGeometry& g, int srid,
                 std::vector<unsigned char>& buf) {
    buf.resize(static_cast<std::size_t>(g.WkbSize()));
    g.exportToWkb(wkbNDR, buf.data(), wkbVariantOldOgc); // 3D as 0x80000000, as EWKB has it
    static constexpr char hex[] = "0123456789ABCDEF";
    auto put = [&](const unsigned char* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            out += hex[p[i] >> 4];
            out += hex[p[i] & 15];
        }
    };
    // Little-endian throughout (wkbNDR): the type's flag 0x20000000 says an SRID follows it.
    const unsigned char flagged_type[4] = {buf[1], buf[2], buf[3],
                                           static_cast<unsigned char>(buf[4] | 0x20)};
    const auto id = static_cast<std::uint32_t>(srid);
    const unsigned char srid_le[4] = {static_cast<unsigned char>(id & 0xff),
                                      static_cast<unsigned char>((id >> 8) & 0xff),
                                      static_cast<unsigned char>((id >> 16) & 0xff),
                                      static_cast<unsigned char>((id >> 24) & 0xff)};
    put(buf.data(), 1);
    put(flagged_type, 4);
    put(srid_le, 4);
    put(buf.data() + 5, buf.size() - 5);
}

/// The SRID of the layer's CRS in spatial_ref_sys: its EPSG code, which PostGIS holds.
int srid_of(PgConnection& conn, const OGRSpatialReference* srs, const std::string& where) {
    if (!srs) return 0;
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (auth && code && std::string_view{auth} == "EPSG") {
        const PgResult r = conn.exec(
            "SELECT srid FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1::int",
            {std::string{code}});
        if (r.rows() > 0) return std::stoi(r.text(0, 0));
    }
    throw IoError{fmt::format("{}: its CRS has no EPSG code in the database's spatial_ref_sys; "
                              "give [analysis] crs = \"EPSG:...\"",
                              where)};
}

/// One layer into `schema`.`name`: the table with its fid primary key and typed columns, the
/// rows by COPY (exact values, geometry with its SRID), then the GiST index.
void copy_layer(PgConnection& conn, OGRLayer& layer, const std::string& schema,
                const std::string& where) {
    OGRFeatureDefn* d = layer.GetLayerDefn();
    const std::string table = conn.identifier(schema) + "." + conn.identifier(layer.GetName());
    const bool spatial = d->GetGeomFieldCount() > 0 && layer.GetGeomType() != wkbNone;
    const int srid = spatial ? srid_of(conn, layer.GetSpatialRef(), where) : 0;
    std::string ddl = "CREATE TABLE " + table + " (fid bigint PRIMARY KEY";
    std::string columns = "fid";
    for (int i = 0; i < d->GetFieldCount(); ++i) {
        const OGRFieldDefn& f = *d->GetFieldDefn(i);
        const std::string name = conn.identifier(f.GetNameRef());
        ddl += ", " + name + " " + pg_type(f);
        columns += ", " + name;
    }
    if (spatial) {
        ddl += fmt::format(", geom geometry({}, {})", pg_geometry_type(layer.GetGeomType()), srid);
        columns += ", geom";
    }
    conn.exec(ddl + ")");
    conn.copy_in("COPY " + table + " (" + columns + ") FROM STDIN", [&](auto&& send) {
        std::string row;
        std::vector<unsigned char> wkb;
        GdalErrorScope errors; // a read error ends GDAL's loop: not a shorter table
        layer.ResetReading();
        for (auto& f : layer) {
            row.clear();
            fmt::format_to(std::back_inserter(row), "{}", f->GetFID());
            for (int i = 0; i < d->GetFieldCount(); ++i) {
                row += '\t';
                if (!f->IsFieldSetAndNotNull(i)) {
                    row += "\\N";
                    continue;
                }
                const OGRFieldDefn& fd = *d->GetFieldDefn(i);
                if (fd.GetType() == OFTReal)
                    append_double(row, f->GetFieldAsDouble(i));
                else if (fd.GetType() == OFTInteger && fd.GetSubType() == OFSTBoolean)
                    row += f->GetFieldAsInteger(i) ? "t" : "f";
                else if (fd.GetType() == OFTInteger || fd.GetType() == OFTInteger64)
                    fmt::format_to(std::back_inserter(row), "{}", f->GetFieldAsInteger64(i));
                else
                    append_copy_text(row, f->GetFieldAsString(i));
            }
            if (spatial) {
                row += '\t';
                if (const OGRGeometry* g = f->GetGeometryRef())
                    append_ewkb(row, *g, srid, wkb); // an empty one too, as in the GeoPackage
                else
                    row += "\\N";
            }
            row += '\n';
            send(row);
        }
        if (!errors.last_error().empty())
            throw IoError{fmt::format("{}: reading failed: {}", where, errors.last_error())};
    });
    if (spatial)
        conn.exec("CREATE INDEX " + conn.identifier(std::string{layer.GetName()} + "_geom_gist") +
                  " ON " + table + " USING GIST (geom)");
}

/// What a write needs before any work: the reader role, and QGIS's styles table (created as
/// QGIS does when missing; under a lock, for writers starting together), readable by the
/// reader.
void prepare_database(PgConnection& conn, const PostgisTarget& target) {
    if (!target.reader_role.empty() &&
        conn.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {target.reader_role}).rows() == 0)
        throw IoError{fmt::format("{}: --public-role {}: no such role", target.connection,
                                  target.reader_role)};
    if (conn.exec("SELECT to_regclass('public.layer_styles')").null(0, 0)) {
        try {
            conn.exec("SELECT pg_advisory_lock(hashtext('vigia public.layer_styles'))");
            conn.exec(kLayerStylesDdl);
            conn.exec("SELECT pg_advisory_unlock(hashtext('vigia public.layer_styles'))");
        } catch (const IoError& e) {
            throw IoError{fmt::format(
                "{} (creating public.layer_styles, where QGIS reads the styles): grant the role "
                "CREATE on schema public, or have an administrator create the table once and "
                "grant SELECT, INSERT, UPDATE, DELETE on it and USAGE on its sequence (README, "
                "\"PostgreSQL and PostGIS\")",
                e.what())};
        }
    }
    const char* needed[] = {"SELECT", "INSERT", "DELETE"};
    for (const char* privilege : needed)
        if (conn.exec("SELECT has_table_privilege('public.layer_styles', $1)",
                      {std::string{privilege}})
                .text(0, 0) != "t")
            throw IoError{fmt::format("{}: the role may not {} public.layer_styles (where QGIS "
                                      "reads the styles): have an administrator grant SELECT, "
                                      "INSERT, UPDATE, DELETE on it and USAGE on its sequence",
                                      target.connection, privilege)};
    if (!target.reader_role.empty() &&
        conn.exec("SELECT has_table_privilege($1, 'public.layer_styles', 'SELECT')",
                  {target.reader_role})
                .text(0, 0) != "t") {
        try {
            conn.exec("GRANT SELECT ON public.layer_styles TO " +
                      conn.identifier(target.reader_role));
        } catch (const IoError& e) {
            throw IoError{fmt::format("{} (--public-role {} cannot read public.layer_styles, so "
                                      "QGIS would show it no style: have its owner grant SELECT "
                                      "on it)",
                                      e.what(), target.reader_role)};
        }
    }
}

} // namespace

void check_postgis_target(const PostgisTarget& target) {
    PgConnection conn{target.connection};
    prepare_database(conn, target);
}

void publish_to_postgis(const PostgisTarget& target, const std::vector<SchemaCopy>& copies,
                        const std::vector<std::string>& stale) {
    register_gdal();
    PgConnection conn{target.connection};
    const std::string pid = std::to_string(static_cast<long>(getpid()));
    prepare_database(conn, target);
    struct Staged {
        const SchemaCopy* copy;
        std::string tmp;
        GpkgExtras extras;
    };
    std::vector<Staged> staged;
    std::vector<std::string> staged_names; // dropped again if anything fails before the swap
    auto drop_staged = [&] {
        for (const std::string& t : staged_names)
            try {
                conn.exec("DROP SCHEMA IF EXISTS " + conn.identifier(t) + " CASCADE");
            } catch (const IoError&) {
            }
    };
    try {
        for (const SchemaCopy& c : copies) {
            // One writer per schema; the server releases the lock when this connection ends.
            conn.exec("SELECT pg_advisory_lock(hashtext($1))", {c.schema});
            // __tmp_ schemas of this name whose writer is gone (it held the lock we now hold).
            const PgResult leftovers =
                conn.exec("SELECT nspname FROM pg_namespace WHERE nspname ~ $1",
                          {"^" + c.schema + "__tmp_[0-9]+$"});
            for (int i = 0; i < leftovers.rows(); ++i)
                conn.exec("DROP SCHEMA " + conn.identifier(leftovers.text(i, 0)) + " CASCADE");
            if (!target.overwrite && schema_exists(conn, c.schema))
                throw IoError{
                    fmt::format("{}: schema {} exists already; pass --overwrite to replace",
                                target.connection, c.schema)};
            Staged s{&c, c.schema + "__tmp_" + pid, {}};
            conn.exec("CREATE SCHEMA " + conn.identifier(s.tmp));
            staged_names.push_back(s.tmp);
            GDALDatasetUniquePtr src = open_vector(c.gpkg.string());
            s.extras = read_extras(*src, c.gpkg);
            for (const std::string& name : s.extras.layers)
                copy_layer(conn, *src->GetLayerByName(name.c_str()), s.tmp,
                           fmt::format("{} layer '{}'", c.gpkg.string(), name));
            const std::string schema = conn.identifier(s.tmp);
            for (const Comment& k : s.extras.comments) {
                if (std::find(s.extras.layers.begin(), s.extras.layers.end(), k.table) ==
                    s.extras.layers.end())
                    continue;
                const std::string table = schema + "." + conn.identifier(k.table);
                if (k.column.empty())
                    conn.exec("COMMENT ON TABLE " + table + " IS " + conn.literal(k.text));
                else
                    conn.exec("COMMENT ON COLUMN " + table + "." + conn.identifier(k.column) +
                              " IS " + conn.literal(k.text));
            }
            conn.exec(
                "CREATE TABLE " + schema +
                ".metadata (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL "
                "UNIQUE, value text NOT NULL)");
            conn.exec("COMMENT ON TABLE " + schema + ".metadata IS " +
                      conn.literal("The GeoPackage's metadata items (run_info, prefixed vigia_)"));
            for (const auto& [k, v] : s.extras.metadata)
                conn.exec("INSERT INTO " + schema + ".metadata (key, value) VALUES ($1, $2)",
                          {k, v});
            staged.push_back(std::move(s));
        }
    } catch (...) {
        drop_staged();
        throw;
    }
    // Into place, all together: the old schemas and their styles out, the new ones in.
    try {
        conn.exec("BEGIN");
        for (const Staged& s : staged) {
            const std::string& final = s.copy->schema;
            if (!target.overwrite && schema_exists(conn, final))
                throw IoError{
                    fmt::format("{}: schema {} exists already; pass --overwrite to replace",
                                target.connection, final)};
            conn.exec("DROP SCHEMA IF EXISTS " + conn.identifier(final) + " CASCADE");
            conn.exec("ALTER SCHEMA " + conn.identifier(s.tmp) + " RENAME TO " +
                      conn.identifier(final));
            conn.exec("DELETE FROM public.layer_styles WHERE f_table_catalog = "
                      "current_database() AND f_table_schema = $1",
                      {final});
            for (const StyleRow& st : s.extras.styles) {
                std::optional<std::string> geom;
                if (!st.geometry_column.empty()) geom = st.geometry_column;
                std::optional<std::string> sld;
                if (!st.sld.empty()) sld = st.sld;
                conn.exec("INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, "
                          "f_table_name, f_geometry_column, stylename, styleqml, stylesld, "
                          "useasdefault, description) VALUES (current_database(), $1, $2, $3, "
                          "$4, $5::xml, $6::xml, $7::boolean, $8)",
                          {final, st.table, geom, st.name, st.qml, sld,
                           std::string{st.is_default ? "true" : "false"}, st.description});
            }
            if (s.copy->reader_grant && !target.reader_role.empty()) {
                const std::string role = conn.identifier(target.reader_role);
                conn.exec("GRANT USAGE ON SCHEMA " + conn.identifier(final) + " TO " + role);
                conn.exec("GRANT SELECT ON ALL TABLES IN SCHEMA " + conn.identifier(final) +
                          " TO " + role);
            }
        }
        for (const std::string& schema : stale) {
            conn.exec("DROP SCHEMA IF EXISTS " + conn.identifier(schema) + " CASCADE");
            conn.exec("DELETE FROM public.layer_styles WHERE f_table_catalog = "
                      "current_database() AND f_table_schema = $1",
                      {schema});
        }
        conn.exec("COMMIT");
    } catch (...) {
        try {
            conn.exec("ROLLBACK");
        } catch (const IoError&) {
        }
        drop_staged();
        throw;
    }
}

} // namespace vigia::io
