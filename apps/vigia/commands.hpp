#pragma once
/// \file
/// The subcommands. Each registers its options with CLI11 (parsing and validation only, no
/// I/O) and, when chosen, calls the engine. main.cpp owns the one catch block.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace vigia::app {

class Command {
public:
    virtual ~Command() = default;
    /// Adds the subcommand and its options to `app`.
    virtual CLI::App* setup(CLI::App& app) = 0;
    /// Runs it; returns the exit code.
    virtual int run() = 0;
};

std::unique_ptr<Command> make_run_command();
std::unique_ptr<Command> make_demo_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_keys_command();
std::unique_ptr<Command> make_plan_command();
std::unique_ptr<Command> make_merge_command();
std::unique_ptr<Command> make_report_command();

/// Command-line overrides of the manifest's [analysis] table (unset: keep the manifest's).
struct AnalysisOverrides {
    double neighbourhood_m = 0;
    long long permutations = -1;
    long long seed = -1;
};

/// How `vigia run` runs: the cities (all, those named by --city, or task N of the plan).
struct RunSelection {
    std::vector<std::string> cities; ///< --city slugs (all when empty)
    std::string task;                ///< --task: "", a number, or "env"
    bool skip_complete = false;      ///< --skip-complete
    bool private_report = false;     ///< --private: also the private report pages
};

/// Shared by run and demo: runs a manifest and returns the exit code.
int run_manifest_file(const std::string& manifest, const std::string& out_dir,
                      const RunSelection& selection, bool overwrite, bool quiet,
                      const AnalysisOverrides& overrides = {});

} // namespace vigia::app
