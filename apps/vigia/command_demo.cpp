#include "apps/vigia/commands.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace vigia::app {

namespace {

/// The bundled data: $VIGIA_DATA_DIR, else the source tree's data/ this binary was built from.
std::filesystem::path data_dir() {
    if (const char* env = std::getenv("VIGIA_DATA_DIR"); env && *env) return env;
    return VIGIA_DATA_DIR;
}

class DemoCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "demo", "Run the bundled demo alliance (Zapopan points, Mexico City quadrant counts)");
        sub->add_option("-o,--out", m_out, "Output folder")->capture_default_str();
        sub->add_flag("--overwrite", m_overwrite, "Replace existing outputs");
        sub->add_flag("-q,--quiet", m_quiet, "No progress on stderr");
        return sub;
    }
    int run() override {
        const auto manifest = data_dir() / "demo" / "alliance.toml";
        int rc = run_manifest_file(manifest.string(), m_out, {}, m_overwrite, m_quiet);
        if (rc != 0) return rc;
        // The programme evaluation on a generated city (no real programme with dates is in
        // the demo data): its own folder, never mixed with the real cities' alliance files.
        const auto illustrative = data_dir() / "demo" / "illustrative" / "programme.toml";
        const std::string illustrative_out = m_out + "/illustrative";
        rc = run_manifest_file(illustrative.string(), illustrative_out, {}, m_overwrite, m_quiet);
        if (rc != 0) return rc;
        std::printf("Demo outputs are in %s/ (per city a GeoPackage, its shareable copy and "
                    "a PNG map; alliance.gpkg, .csv and .png; open the GeoPackages in QGIS).\n"
                    "An ILLUSTRATIVE programme evaluation on a GENERATED city (not real data: "
                    "data/demo/illustrative/PROVENANCE.md) is in %s/.\n",
                    m_out.c_str(), illustrative_out.c_str());
        return rc;
    }

private:
    std::string m_out = "out/demo";
    bool m_overwrite = false;
    bool m_quiet = false;
};

} // namespace

std::unique_ptr<Command> make_demo_command() {
    return std::make_unique<DemoCommand>();
}

} // namespace vigia::app
