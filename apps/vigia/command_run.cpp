#include "analysis/error.hpp"
#include "analysis/parallel.hpp"
#include "apps/vigia/commands.hpp"
#include "engine/batch.hpp"
#include "engine/plan.hpp"
#include "io/connection.hpp"

#include <cstdio>
#include <cstdlib>

namespace vigia::app {

int run_manifest_file(const std::string& manifest, const std::string& out_dir,
                      const RunSelection& selection, bool overwrite, bool quiet,
                      const AnalysisOverrides& overrides) {
    engine::Manifest m = engine::load_manifest(manifest);
    if (overrides.neighbourhood_m > 0) m.analysis.neighbourhood_m = overrides.neighbourhood_m;
    if (overrides.permutations >= 0)
        m.analysis.permutations = static_cast<std::size_t>(overrides.permutations);
    if (overrides.seed >= 0) m.analysis.seed = static_cast<std::uint64_t>(overrides.seed);
    const OutputTarget target{out_dir, selection.files, overwrite, selection.reader_role};
    if (target.database && selection.skip_complete)
        throw UsageError{"--skip-complete looks at the files of a folder; not with -o PG:..."};
    engine::RunOptions options;
    options.out_dir = target.folder;
    options.database = target.database;
    // The files folder of a database output is the run's own: its files always replaced.
    options.overwrite = overwrite || (target.database && selection.files.empty());
    options.quiet = quiet;
    options.private_report = selection.private_report;
    std::vector<std::string> cities = selection.cities;
    if (!selection.task.empty()) {
        // One task of the plan: that city's files only; the alliance's come from merge.
        const std::size_t n = engine::task_index(selection.task, m.cities.size(),
                                                 [](const char* v) { return std::getenv(v); });
        const engine::CityConfig& city = m.cities[n];
        if (selection.skip_complete && engine::city_complete(m, city, options.out_dir)) {
            std::printf("task %zu (%s): complete with the same method fingerprint; nothing to "
                        "do\n",
                        n, city.slug.c_str());
            return 0;
        }
        cities = {city.slug};
        options.alliance = false;
        options.overwrite = overwrite || selection.skip_complete;
    }
    const engine::BatchResult r = engine::run_manifest(m, options, cities);
    if (!r.failed.empty()) {
        std::fprintf(stderr, "vigia: %zu of %zu cities failed:", r.failed.size(),
                     r.failed.size() + r.done.size());
        for (const auto& f : r.failed)
            std::fprintf(stderr, " %s", f.slug.c_str());
        std::fputc('\n', stderr);
        return 1;
    }
    return r.alliance_error.empty() ? 0 : 1;
}

namespace {

class RunCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        CLI::App* sub =
            app.add_subcommand("run", "Run a manifest: every city, or those named by --city");
        sub->add_option("manifest", m_manifest, "The TOML manifest")->required();
        sub->add_option("-o,--out", m_out,
                        "Output folder, or a PostgreSQL database (PG:service=... or "
                        "PG:dbname=... host=...): a schema per city, vigia_<slug>")
            ->capture_default_str();
        sub->add_option("--files", m_sel.files,
                        "With -o PG:...: also keep the files (GeoPackages, maps, pages) in this "
                        "folder (default: not kept)");
        sub->add_option("--public-role", m_sel.reader_role,
                        "With -o PG:...: the role given read access (USAGE, SELECT) to the "
                        "public schemas vigia_<slug>_public and vigia_alliance");
        sub->add_option("--city", m_sel.cities, "Run only this city (slug); repeatable");
        sub->add_option("--task", m_sel.task,
                        "Run task N of `vigia plan` (0-based), or \"env\": SLURM_ARRAY_TASK_ID, "
                        "JOB_COMPLETION_INDEX or PARALLEL_SEQ-1; only that city's files")
            ->excludes("--city");
        sub->add_flag("--skip-complete", m_sel.skip_complete,
                      "With --task: do nothing when the city's files are complete with the same "
                      "method fingerprint (else re-run it, replacing them)");
        sub->add_option("--threads", m_threads,
                        "Cores the run may use (default: all); results do not depend on it")
            ->check(CLI::PositiveNumber);
        sub->add_flag("--private", m_sel.private_report,
                      "Also write each city's private report (<slug>_report_private.html): "
                      "rejected records and warnings; not for publication");
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
        if (m_threads > 0) analysis::set_worker_limit(m_threads);
        if (m_sel.skip_complete && m_sel.task.empty())
            throw UsageError{"--skip-complete goes with --task"};
        return run_manifest_file(m_manifest, m_out, m_sel, m_overwrite, m_quiet, m_over);
    }

private:
    std::string m_manifest;
    std::string m_out = "out";
    RunSelection m_sel;
    unsigned m_threads = 0;
    bool m_overwrite = false;
    bool m_quiet = false;
    AnalysisOverrides m_over;
};

} // namespace

std::unique_ptr<Command> make_run_command() {
    return std::make_unique<RunCommand>();
}

} // namespace vigia::app
