#include "apps/vigia/commands.hpp"
#include "engine/merge.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace vigia::app {

namespace {

class MergeCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "merge", "Build the alliance outputs from city GeoPackages computed elsewhere");
        sub->add_option("paths", m_opts_inputs,
                        "<slug>.gpkg or <slug>_public.gpkg files, or folders of them")
            ->required();
        sub->add_option("-o,--out", m_out,
                        "Output folder of the alliance files, or a PostgreSQL database "
                        "(PG:...): the schema vigia_alliance")
            ->capture_default_str();
        sub->add_option("--files", m_files,
                        "With -o PG:...: also keep the alliance files in this folder");
        sub->add_option("--public-role", m_reader,
                        "With -o PG:...: the role given read access to vigia_alliance");
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
        const OutputTarget target{m_out, m_files, m_overwrite, m_reader};
        o.out_dir = target.folder;
        o.database = target.database;
        if (!m_plan.empty()) o.plan = m_plan;
        o.public_only = m_public;
        o.overwrite = m_overwrite || (target.database && m_files.empty());
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
    std::string m_files;
    std::string m_reader;
    bool m_public = false;
    bool m_overwrite = false;
};

} // namespace

std::unique_ptr<Command> make_merge_command() {
    return std::make_unique<MergeCommand>();
}

} // namespace vigia::app
