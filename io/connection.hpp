#pragma once
/// \file
/// GDAL connection strings among the paths: `PG:service=crime`, `PG:dbname=crime host=…`.
/// Such a path is never a file (it is not resolved against the manifest's folder), and a
/// password written in it never reaches a message, an output or a log: every string Vigía
/// keeps and prints is the redacted one (`password=***`), and only the code that connects asks
/// for the real one (io::connection_secret). Credentials belong in libpq's own places
/// (pg_service.conf, ~/.pgpass, PGPASSWORD), where no string of Vigía's ever holds them.

#include <string>
#include <string_view>

namespace vigia::io {

/// True for a GDAL PostgreSQL connection: starts with "PG:" (any case).
bool is_postgres(std::string_view path) noexcept;

/// `text` with the value of every `password=` keyword of a libpq connection string (quoted
/// or not, any case, with blanks around '=') replaced by `***`, and the password of a
/// `postgresql://user:password@host` URI likewise. Anything else is unchanged.
std::string redact_connection(std::string_view text);

/// Remembers `connection`'s real text and returns its redacted form, the one to keep and
/// print. Thread-safe; the same redacted form for two different secrets is refused
/// (InputError): connecting with the wrong one would be worse than stopping.
std::string remember_connection(const std::string& connection);

/// A GDAL `PG:` string as libpq takes it: without the prefix and without GDAL's own keywords
/// (active_schema, schemas, tables), which libpq would refuse.
std::string libpq_conninfo(const std::string& gdal);

/// The real connection string behind `redacted` (as remember_connection returned it), or
/// `redacted` itself when nothing was remembered for it (it held no password).
std::string connection_secret(const std::string& redacted);

} // namespace vigia::io
