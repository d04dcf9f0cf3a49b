#!/usr/bin/env bash
# Runs one city of a Vigía manifest per task of a Slurm job array (issue 12).
#
#   n=$(vigia plan alliance.toml --format commands | wc -l)    # the number of tasks (cities)
#   mkdir -p out
#   sbatch --array=0-$((n - 1)) --output=out/%A_%a.out scripts/slurm/vigia-array.sh alliance.toml out
#   # once every task has ended (sbatch --wait, or squeue shows none left):
#   vigia plan alliance.toml -o out && vigia merge out -o out --plan out/plan.tsv
#
# Task N runs `vigia run MANIFEST --task env -o OUT --skip-complete --threads T`: vigia reads
# N from SLURM_ARRAY_TASK_ID and writes only that city's files (OUT/<slug>.gpkg and its
# companions); the alliance files are written by `vigia merge` afterwards. The task's exit
# code is vigia's for that city (0 done or already complete, 1 the city failed, 2 a usage or
# manifest error), so `sacct` and `sbatch --wait` report the cities that failed; a failed
# task can be re-run alone (`sbatch --array=3 ...`), and re-submitting the whole array skips
# the cities already complete (--skip-complete).
#
# Environment:
#   VIGIA          the vigia executable (default: `vigia` on PATH)
#   VIGIA_THREADS  cores one task uses, passed as --threads (default: SLURM_CPUS_PER_TASK,
#                  i.e. --cpus-per-task, 1 below; else 1). Ask for more with
#                  `sbatch --cpus-per-task=4 ...`: the threads follow.
#
# The defaults below can be overridden on the sbatch command line. The log of each task goes
# to vigia-<array job id>_<task>.out in the folder sbatch was called from; Slurm expands its
# patterns before the script runs, so it cannot follow OUT: pass --output=OUT/%A_%a.out (the
# folder must exist) to keep the logs beside the outputs. Manifest and OUT paths relative to
# the submission folder work, since the job starts there.
#
#SBATCH --job-name=vigia
#SBATCH --output=vigia-%A_%a.out
#SBATCH --cpus-per-task=1
#SBATCH --ntasks=1
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: sbatch --array=0-<cities - 1> $(basename "$0") MANIFEST OUT_DIR" >&2
  exit 2
fi
manifest=$1
out=$2
vigia=${VIGIA:-vigia}
threads=${VIGIA_THREADS:-${SLURM_CPUS_PER_TASK:-1}}

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "vigia-array.sh: SLURM_ARRAY_TASK_ID is not set: submit with sbatch --array=..." >&2
  exit 2
fi
command -v "$vigia" >/dev/null || { echo "vigia-array.sh: '$vigia' not found (set VIGIA)" >&2; exit 2; }

echo "vigia-array.sh: job ${SLURM_ARRAY_JOB_ID:-?}_${SLURM_ARRAY_TASK_ID} on $(hostname)," \
  "$threads thread(s): $vigia run $manifest --task env -o $out"
exec "$vigia" run "$manifest" --task env -o "$out" --skip-complete --threads "$threads"
