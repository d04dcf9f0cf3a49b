#pragma once
/// \file
/// The subcommands. Each registers its options with CLI11 (parsing and validation only, no
/// I/O) and, when chosen, calls the engine. main.cpp owns the one catch block.

#include "engine/database.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>

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
    std::string files;               ///< --files: with -o PG:…, the folder the files go to
    std::string reader_role;         ///< --public-role: with -o PG:…, reads the public schemas
};

/// `-o`, a folder or a database: with `PG:…`, the database to publish into (redacted) and the
/// folder of the files (`files`, or a temporary one removed at exit, whose path it holds).
struct OutputTarget {
    std::filesystem::path folder;
    std::optional<engine::DatabaseOutput> database;
    OutputTarget(const std::string& out, const std::string& files, bool overwrite,
                 const std::string& reader_role);
    ~OutputTarget();
    OutputTarget(const OutputTarget&) = delete;
    OutputTarget& operator=(const OutputTarget&) = delete;

private:
    bool m_scratch = false;
};

/// Shared by run and demo: runs a manifest and returns the exit code.
int run_manifest_file(const std::string& manifest, const std::string& out_dir,
                      const RunSelection& selection, bool overwrite, bool quiet,
                      const AnalysisOverrides& overrides = {});

} // namespace vigia::app
