#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "engine/manifest.hpp"
#include "engine/plan.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace vigia::app {

namespace {

namespace fs = std::filesystem;

/// The running executable, so the plan's commands name this very vigia.
fs::path this_executable() {
    std::error_code ec;
    fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{"vigia"} : p;
}

class PlanCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "plan", "Write the task list of a manifest: one task per city, with its command");
        sub->add_option("manifest", m_manifest, "The TOML manifest")->required();
        sub->add_option("-o,--out", m_out,
                        "Output folder of the tasks; plan.tsv (or plan.json) is written there")
            ->capture_default_str();
        sub->add_option("--format", m_format,
                        "tsv (plan.tsv), json (plan.json), or commands (one per line on stdout, "
                        "for `| parallel`)")
            ->check(CLI::IsMember({"tsv", "json", "commands"}))
            ->capture_default_str();
        return sub;
    }
    int run() override {
        const engine::Manifest m = engine::load_manifest(m_manifest);
        const auto tasks = engine::plan_tasks(m, this_executable(), m_out);
        if (m_format == "commands") {
            std::fputs(engine::plan_commands(tasks).c_str(), stdout);
            return 0;
        }
        fs::create_directories(m_out);
        const fs::path path = fs::path{m_out} / (m_format == "json" ? "plan.json" : "plan.tsv");
        const fs::path tmp =
            fs::path{m_out} /
            fmt::format(".{}.partial-{}", path.filename().string(), static_cast<long>(getpid()));
        {
            std::ofstream f{tmp};
            f << (m_format == "json" ? engine::plan_json(tasks) : engine::plan_tsv(tasks));
            f.close();
            if (!f) throw IoError{fmt::format("{}: cannot write", tmp.string())};
        }
        fs::rename(tmp, path);
        std::printf("%s: %zu tasks (run each with `vigia run %s --task N -o %s`)\n",
                    path.string().c_str(), tasks.size(), m_manifest.c_str(), m_out.c_str());
        return 0;
    }

private:
    std::string m_manifest;
    std::string m_out = "out";
    std::string m_format = "tsv";
};

} // namespace

std::unique_ptr<Command> make_plan_command() {
    return std::make_unique<PlanCommand>();
}

} // namespace vigia::app
