// vigia: the command-line front end. Parses, dispatches, and turns exceptions into
// messages and exit codes: 0 success, 1 bad input or I/O failure, 2 usage error.

#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "engine/provenance.hpp"
#include "io/gdal_util.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    using namespace vigia;
    CLI::App app{"Vigía: comparable hot-spot and coverage analysis of urban crime, city by city",
                 "vigia"};
    app.set_version_flag("--version",
                         engine::vigia_version() + " (" + engine::library_versions() + ")");
    bool debug = false;
    app.add_flag("--debug", debug, "Let unexpected errors propagate (for developers)");
    app.require_subcommand(1);

    std::vector<std::unique_ptr<app::Command>> commands;
    commands.push_back(app::make_run_command());
    commands.push_back(app::make_demo_command());
    commands.push_back(app::make_info_command());
    commands.push_back(app::make_keys_command());
    commands.push_back(app::make_plan_command());
    commands.push_back(app::make_merge_command());
    commands.push_back(app::make_report_command());
    std::vector<CLI::App*> subs;
    for (auto& c : commands)
        subs.push_back(c->setup(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }

    io::register_gdal();
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (!subs[i]->parsed()) continue;
        try {
            return commands[i]->run();
        } catch (const UsageError& e) {
            std::fprintf(stderr, "vigia: %s\n", e.what());
            return 2;
        } catch (const VigiaError& e) {
            std::fprintf(stderr, "vigia: %s\n", e.what());
            return 1;
        } catch (const std::exception& e) {
            if (debug) throw;
            std::fprintf(stderr, "vigia: internal error: %s (please report it, with --debug)\n",
                         e.what());
            return 1;
        }
    }
    return 2;
}
