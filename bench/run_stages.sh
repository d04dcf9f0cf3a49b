#!/usr/bin/env bash
# bench/run_stages.sh: times the hot-spot stages (bench/stages.cpp, Google Benchmark) on
# 1,000,000 incidents over ~150,000 cells of 100 m, 5 repetitions each, medians, and the
# peak memory of the whole process (/usr/bin/time -v). `make bench` builds first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
BIN=$BUILD/bin/vigia_bench_stages
[[ -x $BIN ]] || { echo "bench: $BIN missing: build first (make bench)" >&2; exit 1; }
OUT=${VIGIA_BENCH_OUT:-$ROOT/bench/out}/stages
mkdir -p "$OUT"
echo "vigia hot-spot stages: $(nproc) cores; medians of 5 (wall clock)"
if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$OUT/time.txt" "$BIN" --benchmark_format=console >"$OUT/stages.txt" 2>&1
    grep -E "_median" "$OUT/stages.txt" | sed -E 's#/iterations:1/repeats:5/real_time_median##'
    awk -F: '/Maximum resident set size/ {printf "peak memory: %.0f MiB\n", $2 / 1024}' "$OUT/time.txt"
else
    "$BIN" | grep -E "_median"
fi
