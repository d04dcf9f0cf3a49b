#include "apps/vigia/commands.hpp"
#include "io/connection.hpp"
#include "io/info.hpp"

#include <cstdio>

namespace vigia::app {

namespace {

class InfoCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "info",
            "Describe a vector file: layers, geometry, CRS, counts, extent, encoding, fields, "
            "time formats and spans, coordinate columns, area keys and categories");
        sub->add_option("file", m_file, "Any file GDAL/OGR reads, or a database (PG:...)")
            ->required();
        sub->add_flag("--manifest", m_manifest,
                      "Print a draft [[city]] block for the manifest instead (TOML, to edit)");
        return sub;
    }
    int run() override {
        // A connection's password is kept apart from every text printed (io/connection.hpp).
        const std::string file = io::is_postgres(m_file) ? io::remember_connection(m_file) : m_file;
        const std::string text = m_manifest ? io::draft_manifest(file) : io::describe(file);
        std::fputs(text.c_str(), stdout);
        return 0;
    }

private:
    std::string m_file;
    bool m_manifest = false;
};

} // namespace

std::unique_ptr<Command> make_info_command() {
    return std::make_unique<InfoCommand>();
}

} // namespace vigia::app
