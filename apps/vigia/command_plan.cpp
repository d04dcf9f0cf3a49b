#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "engine/manifest.hpp"
#include "engine/merge.hpp"
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

class MergeCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "merge", "Build the alliance outputs from city GeoPackages computed elsewhere");
        sub->add_option("paths", m_opts_inputs,
                        "<slug>.gpkg or <slug>_public.gpkg files, or folders of them")
            ->required();
        sub->add_option("-o,--out", m_out, "Output folder of the alliance files")
            ->capture_default_str();
        sub->add_option("--plan", m_plan, "plan.tsv of the tasks: list those without a file");
        sub->add_flag("--public", m_public,
                      "From folders, take the <slug>_public.gpkg files (federated merges)");
        sub->add_flag("--overwrite", m_overwrite, "Replace existing alliance files");
        return sub;
    }
    int run() override {
        engine::MergeOptions o;
        for (const std::string& p : m_opts_inputs)
            o.inputs.emplace_back(p);
        o.out_dir = m_out;
        if (!m_plan.empty()) o.plan = m_plan;
        o.public_only = m_public;
        o.overwrite = m_overwrite;
        const engine::MergeResult r = engine::merge_cities(o);
        if (!r.missing.empty()) {
            std::string list;
            for (const std::string& t : r.missing)
                list += (list.empty() ? "" : ", ") + t;
            std::fprintf(stderr, "vigia: %zu of %zu tasks of the plan have no city file: %s\n",
                         r.missing.size(), r.missing.size() + r.merged.size(), list.c_str());
            return 1;
        }
        return 0;
    }

private:
    std::vector<std::string> m_opts_inputs;
    std::string m_out = "out";
    std::string m_plan;
    bool m_public = false;
    bool m_overwrite = false;
};

} // namespace

std::unique_ptr<Command> make_plan_command() {
    return std::make_unique<PlanCommand>();
}

std::unique_ptr<Command> make_merge_command() {
    return std::make_unique<MergeCommand>();
}

} // namespace vigia::app
