#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "io/connection.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <system_error>

namespace vigia::app {

namespace fs = std::filesystem;

OutputTarget::OutputTarget(const std::string& out, const std::string& files, bool overwrite,
                           const std::string& reader_role) {
    if (!io::is_postgres(out)) {
        if (!files.empty()) throw UsageError{"--files goes with -o PG:... (a database)"};
        if (!reader_role.empty()) throw UsageError{"--public-role goes with -o PG:..."};
        folder = out;
        return;
    }
    database = engine::DatabaseOutput{io::remember_connection(out), overwrite, reader_role};
    if (!files.empty()) {
        folder = files;
        return;
    }
    // No --files: the maps, pages and GeoPackages of the run in a folder of its own, removed
    // at exit; the tables are in the database.
    std::string tmpl = (fs::temp_directory_path() / "vigia-files.XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
        throw IoError{fmt::format("{}: cannot create a temporary folder", tmpl)};
    folder = tmpl;
    m_scratch = true;
}

OutputTarget::~OutputTarget() {
    std::error_code ec;
    if (m_scratch) fs::remove_all(folder, ec);
}

} // namespace vigia::app
