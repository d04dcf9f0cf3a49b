#pragma once
/// \file
/// A manifest as a list of tasks, one per city, for engines that run them elsewhere: GNU
/// Parallel, Slurm job arrays, Kubernetes Indexed Jobs (README, "Running the alliance on many
/// machines"). Task N is the manifest's city N (0-based), and runs as
/// `vigia run MANIFEST --task N -o OUT`.

#include "engine/manifest.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::engine {

struct Task {
    std::size_t index = 0;
    std::string slug, name;
    std::vector<std::string> argv; ///< the command, word by word
    std::string command;           ///< the same, quoted for a POSIX shell
};

/// The tasks of `m`: `vigia` is the executable to name, `out_dir` the output folder (both
/// made absolute, as is the manifest, so the commands run from any folder).
std::vector<Task> plan_tasks(const Manifest& m, const std::filesystem::path& vigia,
                             const std::filesystem::path& out_dir);

/// plan.tsv: a header `index\tslug\tcommand`, then one line per task.
std::string plan_tsv(const std::vector<Task>& tasks);
/// The same as a JSON array of {index, slug, city, command, argv}.
std::string plan_json(const std::vector<Task>& tasks);
/// One command per line (for `| parallel`).
std::string plan_commands(const std::vector<Task>& tasks);

/// The tasks a plan.tsv lists (index, slug); throws VigiaError naming the file and line.
std::vector<std::pair<std::size_t, std::string>> read_plan(const std::filesystem::path& tsv);

/// `--task` as given: a number, or "env": SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX
/// (Kubernetes Indexed Jobs), else PARALLEL_SEQ − 1 (GNU Parallel counts from 1). Throws
/// UsageError when none is set, or the index is not one of the `tasks` tasks.
std::size_t task_index(std::string_view spec, std::size_t tasks,
                       const std::function<const char*(const char*)>& env);

/// A word quoted for a POSIX shell when it needs to be.
std::string shell_quote(const std::string& word);

} // namespace vigia::engine
