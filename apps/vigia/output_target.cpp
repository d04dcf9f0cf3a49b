#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "io/connection.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <signal.h>
#include <system_error>
#include <unistd.h>

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
    // at exit; the tables are in the database. A killed run cannot remove its folder (it holds
    // the full GeoPackages): the next run removes those whose process is gone.
    const fs::path base = fs::temp_directory_path();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base, ec)) {
        const std::string n = e.path().filename().string();
        long pid = 0;
        if (std::sscanf(n.c_str(), "vigia-files-%ld.", &pid) == 1 && pid > 0 &&
            kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
            std::error_code rm;
            fs::remove_all(e.path(), rm);
        }
    }
    std::string tmpl =
        (base / ("vigia-files-" + std::to_string(static_cast<long>(getpid())) + ".XXXXXX"))
            .string();
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
