#include "analysis/error.hpp"
#include "apps/vigia/commands.hpp"
#include "engine/batch.hpp"

#include <cstdio>

namespace vigia::app {

int run_manifest_file(const std::string& manifest, const std::string& out_dir,
                      const std::vector<std::string>& cities, bool overwrite, bool quiet,
                      const AnalysisOverrides& overrides) {
    engine::Manifest m = engine::load_manifest(manifest);
    if (overrides.neighbourhood_m > 0) m.analysis.neighbourhood_m = overrides.neighbourhood_m;
    if (overrides.permutations >= 0)
        m.analysis.permutations = static_cast<std::size_t>(overrides.permutations);
    if (overrides.seed >= 0) m.analysis.seed = static_cast<std::uint64_t>(overrides.seed);
    engine::RunOptions options;
    options.out_dir = out_dir;
    options.overwrite = overwrite;
    options.quiet = quiet;
    const engine::BatchResult r = engine::run_manifest(m, options, cities);
    if (!r.failed.empty()) {
        std::fprintf(stderr, "vigia: %zu of %zu cities failed:", r.failed.size(),
                     r.failed.size() + r.done.size());
        for (const auto& f : r.failed)
            std::fprintf(stderr, " %s", f.slug.c_str());
        std::fputc('\n', stderr);
        return 1;
    }
    return 0;
}

namespace {

class RunCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub =
            app.add_subcommand("run", "Run a manifest: every city, or those named by --city");
        sub->add_option("manifest", m_manifest, "The TOML manifest")->required();
        sub->add_option("-o,--out", m_out, "Output folder")->capture_default_str();
        sub->add_option("--city", m_cities, "Run only this city (slug); repeatable");
        sub->add_flag("--overwrite", m_overwrite, "Replace existing outputs");
        sub->add_flag("-q,--quiet", m_quiet, "No progress on stderr");
        sub->add_option("--neighbourhood-m", m_over.neighbourhood_m,
                        "Neighbourhood of the local statistics, metres (default: the first ring)")
            ->check(CLI::PositiveNumber);
        sub->add_option("--permutations", m_over.permutations, "Permutations (default 999)")
            ->check(CLI::Range(0, 99999));
        sub->add_option("--seed", m_over.seed, "Seed of the permutations (default 12345)")
            ->check(CLI::NonNegativeNumber);
        return sub;
    }
    int run() override {
        return run_manifest_file(m_manifest, m_out, m_cities, m_overwrite, m_quiet, m_over);
    }

private:
    std::string m_manifest;
    std::string m_out = "out";
    std::vector<std::string> m_cities;
    bool m_overwrite = false;
    bool m_quiet = false;
    AnalysisOverrides m_over;
};

} // namespace

std::unique_ptr<Command> make_run_command() {
    return std::make_unique<RunCommand>();
}

} // namespace vigia::app
