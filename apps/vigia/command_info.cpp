#include "apps/vigia/commands.hpp"
#include "io/info.hpp"

#include <cstdio>

namespace vigia::app {

namespace {

class InfoCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "info",
            "Describe a vector file: layers, geometry, CRS, counts, extent, fields, time span");
        sub->add_option("file", m_file, "Any file GDAL/OGR reads")->required();
        return sub;
    }
    int run() override {
        std::fputs(io::describe(m_file).c_str(), stdout);
        return 0;
    }

private:
    std::string m_file;
};

} // namespace

std::unique_ptr<Command> make_info_command() {
    return std::make_unique<InfoCommand>();
}

} // namespace vigia::app
