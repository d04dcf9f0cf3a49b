// Issue 12: one manifest as tasks on many machines. plan → GNU Parallel → merge equals the
// single-process batch value for value; a merge of public files gives the private merge's
// alliance table; different methods, duplicate slugs and missing tasks are refused or listed;
// --task env, --skip-complete and --threads.

#include "engine/plan.hpp"
#include "tests/cli/cli_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/wait.h>

namespace vigia::test::cli {
namespace {

/// Runs a shell command, its stdout and stderr to `log`; returns its exit code.
int shell(const std::string& command, const fs::path& log) {
    const int status =
        std::system((command + " > " + engine::shell_quote(log.string()) + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string q(const fs::path& p) {
    return engine::shell_quote(p.string());
}

RunResult golden(const fs::path& a, const fs::path& b, const fs::path& log,
                 const std::string& options = "") {
    RunResult r;
    r.exit_code = shell(std::string{VIGIA_GOLDEN} + " " + options + " " + q(a) + " " + q(b), log);
    r.out = slurp(log);
    return r;
}

/// The city GeoPackages of a fixture run copied to `dir` (merge restyles files in place; the
/// shared fixture stays untouched).
void copy_city_files(const fs::path& from, const fs::path& dir) {
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(from))
        if (e.path().extension() == ".gpkg" && e.path().filename() != "alliance.gpkg")
            fs::copy_file(e.path(), dir / e.path().filename());
}

TEST(Distributed, PlanThenGnuParallelThenMergeEqualsTheSingleProcessBatch) {
    ASSERT_EQ(std::system("command -v parallel > /dev/null"), 0)
        << "GNU Parallel is missing (scripts/install-deps.sh --test installs it)";
    TempDir tmp;
    const fs::path manifest = fixture("three_cities/alliance.toml");
    const RunResult plan = run_vigia({"plan", manifest.string(), "-o", (tmp / "out").string()});
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    const std::string tsv = slurp(tmp / "out" / "plan.tsv");
    EXPECT_TRUE(Contains(tsv, "index\tslug\tcommand\n0\tvilla-norte\t"));
    EXPECT_TRUE(Contains(tsv, "\n1\tville-haute\t"));
    EXPECT_TRUE(Contains(tsv, " run " + manifest.string() + " --task 2 -o "));
    // The documented pipeline: the commands into GNU Parallel, two at a time. ville-haute
    // fails by design (as in the batch), so parallel's exit code is 1 (one job failed).
    const std::string pipeline = std::string{VIGIA_BIN} + " plan " + q(manifest) + " -o " +
                                 q(tmp / "out") + " --format commands | parallel -j 2 -- ";
    EXPECT_EQ(shell(pipeline, tmp / "parallel.log"), 1) << slurp(tmp / "parallel.log");
    EXPECT_FALSE(fs::exists(tmp / "out" / "alliance.gpkg")) << "a task wrote alliance files";
    EXPECT_FALSE(fs::exists(tmp / "out" / "ville-haute.gpkg"));
    const RunResult merge =
        run_vigia({"merge", (tmp / "out").string(), "-o", (tmp / "out").string(), "--plan",
                   (tmp / "out" / "plan.tsv").string()});
    EXPECT_EQ(merge.exit_code, 1) << merge.err; // a task of the plan is missing
    EXPECT_TRUE(Contains(merge.err, "1 of 3 tasks of the plan have no city file: 1 ville-haute"));
    EXPECT_TRUE(Contains(merge.out, "(2 cities merged)"));
    const SharedRun& batch =
        shared_run("three_cities", {"run", fixture("three_cities/alliance.toml").string()});
    fs::rename(tmp / "out" / "plan.tsv", tmp / "plan.tsv"); // the batch has no plan
    // The alliance pages differ only where they list the city that is not there: the batch
    // knows why it failed, the merge only that its task has no file.
    const RunResult g =
        golden(batch.out, tmp / "out", tmp / "golden.txt", "--ignore-file alliance_report.html");
    EXPECT_EQ(g.exit_code, 0) << g.out;
    EXPECT_TRUE(Contains(g.out, " 0 differences")) << g.out;
    EXPECT_TRUE(Contains(slurp(tmp / "out" / "alliance_report.html"),
                         "1 ville-haute</th><td>no city file for this task of the plan"));
    EXPECT_TRUE(
        Contains(slurp(batch.out / "alliance_report.html"), "ville-haute</th><td>the run failed"));
}

TEST(Distributed, AMergeOfPublicFilesGivesThePrivateMergesAllianceTable) {
    TempDir tmp;
    const SharedRun& demo = shared_run("demo", {"demo"});
    copy_city_files(demo.out, tmp / "cities");
    const RunResult priv =
        run_vigia({"merge", (tmp / "cities").string(), "-o", (tmp / "private").string()});
    ASSERT_EQ(priv.exit_code, 0) << priv.err;
    fs::create_directories(tmp / "received");
    for (const char* f : {"zapopan_public.gpkg", "cdmx_public.gpkg"})
        fs::copy_file(tmp / "cities" / f, tmp / "received" / f);
    const RunResult pub =
        run_vigia({"merge", (tmp / "received").string(), "-o", (tmp / "public").string()});
    ASSERT_EQ(pub.exit_code, 0) << pub.err;
    // The same long table, suppressed cells suppressed identically (the alliance suppresses
    // below min_count as the public copies do).
    const std::string a = slurp(tmp / "private" / "alliance.csv");
    EXPECT_EQ(a, slurp(tmp / "public" / "alliance.csv"));
    EXPECT_TRUE(Contains(a, "Zapopan,zapopan,all,all offences,incidents,"));
    // And the private merge's alliance.csv is the batch's.
    EXPECT_EQ(a, slurp(demo.out / "alliance.csv"));
}

/// A one-city manifest of the small fixture with `analysis` lines, in `dir`.
fs::path small_manifest(const TempDir& tmp, const std::string& name, const std::string& analysis,
                        const std::string& slug) {
    return tmp.write(name, square_500_analysis("permutations = 9\n" + analysis) +
                               city(slug, two_squares_boundary(), lonlat_points(), slug));
}

TEST(Distributed, ACityComputedWithAnotherCellSizeIsRefusedNamingTheKey) {
    TempDir tmp;
    ASSERT_EQ(run_vigia({"run", small_manifest(tmp, "a.toml", "", "uno").string(), "-o",
                         (tmp / "cities").string(), "-q"})
                  .exit_code,
              0);
    const fs::path b =
        tmp.write("b.toml", "[analysis]\ngrid = \"square\"\ncell_size_m = 250\npermutations = 9\n" +
                                city("dos", two_squares_boundary(), lonlat_points(), "dos"));
    ASSERT_EQ(run_vigia({"run", b.string(), "-o", (tmp / "cities").string(), "-q", "--overwrite"})
                  .exit_code,
              0);
    const RunResult r =
        run_vigia({"merge", (tmp / "cities").string(), "-o", (tmp / "alliance").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "not computed with the same method")) << r.err;
    EXPECT_TRUE(Contains(r.err, "cell_size_m: 250 in dos; 500 in uno")) << r.err;
    EXPECT_FALSE(Contains(r.err, "permutations:")) << r.err; // only what differs
    EXPECT_FALSE(fs::exists(tmp / "alliance" / "alliance.gpkg"));
}

TEST(Distributed, TwoFilesOfOneCityAreRefused) {
    TempDir tmp;
    ASSERT_EQ(run_vigia({"run", small_manifest(tmp, "a.toml", "", "uno").string(), "-o",
                         (tmp / "a").string(), "-q"})
                  .exit_code,
              0);
    fs::create_directories(tmp / "b");
    fs::copy_file(tmp / "a" / "uno.gpkg", tmp / "b" / "uno.gpkg");
    const RunResult r = run_vigia(
        {"merge", (tmp / "a").string(), (tmp / "b").string(), "-o", (tmp / "alliance").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "city 'uno' twice")) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "alliance" / "alliance.gpkg"));
}

TEST(Distributed, TaskEnvReadsTheSchedulersIndexAndSkipCompleteDoesNothingTheSecondTime) {
    TempDir tmp;
    const fs::path m =
        tmp.write("m.toml", square_500_analysis("permutations = 9\n") +
                                city("Uno", two_squares_boundary(), lonlat_points()) +
                                city("Dos", two_squares_boundary(), lonlat_points()));
    const std::string vigia = std::string{VIGIA_BIN} + " run " + q(m) + " -q -o " + q(tmp / "out");
    // GNU Parallel counts from 1: PARALLEL_SEQ=2 is task 1, the second city.
    EXPECT_EQ(shell("PARALLEL_SEQ=2 " + vigia + " --task env", tmp / "log"), 0)
        << slurp(tmp / "log");
    EXPECT_TRUE(fs::exists(tmp / "out" / "dos.gpkg"));
    EXPECT_FALSE(fs::exists(tmp / "out" / "uno.gpkg"));
    EXPECT_EQ(shell("SLURM_ARRAY_TASK_ID=0 PARALLEL_SEQ=9 " + vigia + " --task env --skip-complete",
                    tmp / "log"),
              0)
        << slurp(tmp / "log");
    EXPECT_TRUE(fs::exists(tmp / "out" / "uno.gpkg")); // Slurm's index comes first
    const auto before = fs::last_write_time(tmp / "out" / "uno.gpkg");
    EXPECT_EQ(shell("JOB_COMPLETION_INDEX=0 " + vigia + " --task env --skip-complete", tmp / "log"),
              0);
    EXPECT_TRUE(Contains(slurp(tmp / "log"), "task 0 (uno): complete with the same method"));
    EXPECT_EQ(fs::last_write_time(tmp / "out" / "uno.gpkg"), before);
    // Without --skip-complete the files are in the way, as for any run.
    EXPECT_EQ(shell(vigia + " --task 0", tmp / "log"), 1);
    EXPECT_TRUE(Contains(slurp(tmp / "log"), "pass --overwrite")) << slurp(tmp / "log");
    // A task that does not exist, and no index in the environment: usage errors.
    EXPECT_EQ(shell(vigia + " --task 2", tmp / "log"), 2);
    EXPECT_TRUE(Contains(slurp(tmp / "log"), "task 2 does not exist (the manifest has 2 tasks"));
    EXPECT_EQ(shell("env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX -u PARALLEL_SEQ " + vigia +
                        " --task env",
                    tmp / "log"),
              2);
    EXPECT_TRUE(Contains(slurp(tmp / "log"), "none of SLURM_ARRAY_TASK_ID"));
}

TEST(Distributed, OneThreadOrAllGiveTheSameFiles) {
    TempDir tmp;
    const fs::path m = small_manifest(tmp, "m.toml", "", "uno");
    for (const char* t : {"1", "2"})
        ASSERT_EQ(run_vigia({"run", m.string(), "-q", "--threads", t, "-o",
                             (tmp / (std::string{"t"} + t)).string()})
                      .exit_code,
                  0);
    const RunResult g = golden(tmp / "t1", tmp / "t2", tmp / "golden.txt");
    EXPECT_EQ(g.exit_code, 0) << g.out;
}

} // namespace
} // namespace vigia::test::cli
