#include "apps/vigia/commands.hpp"
#include "engine/report.hpp"

#include <cstdio>
#include <string>

namespace vigia::app {

namespace {

class ReportCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "report", "Rebuild the HTML reports of an output folder from its GeoPackages");
        sub->add_option("dir", m_dir, "Folder of <slug>.gpkg (or _public.gpkg) and alliance.gpkg")
            ->required();
        sub->add_flag("--private", m_private,
                      "Also write each city's private page (<slug>_report_private.html), from "
                      "<slug>.gpkg: rejected records and warnings; not for publication");
        sub->add_flag("--overwrite", m_overwrite, "Replace existing reports");
        return sub;
    }
    int run() override {
        engine::ReportOptions o;
        o.private_copy = m_private;
        o.overwrite = m_overwrite;
        const engine::ReportResult r = engine::rebuild_reports(m_dir, o);
        for (const auto& p : r.written)
            std::printf("wrote %s\n", p.string().c_str());
        for (const std::string& n : r.notes)
            std::fprintf(stderr, "vigia: %s\n", n.c_str());
        return 0;
    }

private:
    std::string m_dir;
    bool m_private = false;
    bool m_overwrite = false;
};

} // namespace

std::unique_ptr<Command> make_report_command() {
    return std::make_unique<ReportCommand>();
}

} // namespace vigia::app
