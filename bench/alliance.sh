#!/usr/bin/env bash
# bench/alliance.sh: the alliance on many processes (issue 12). A generated alliance of 41
# cities of 100,000 incidents each (vigia_bench_make_city, one seed per city), run
#   (a) as one process:            vigia run alliance.toml
#   (b) as tasks:                  vigia plan --format commands | parallel -j 2, then vigia merge
# in the same session on the same machine, each timed with /usr/bin/time -v (wall clock, and
# the peak memory of the one process and of the largest task). The outputs of (a) and (b) are
# then compared with the golden tool: they must be identical. `make bench` does not run it (it
# takes minutes); run it by hand after building.
#   BUILD_DIR (build), VIGIA_BENCH_CITIES (41), VIGIA_BENCH_CITY_POINTS (100000),
#   VIGIA_BENCH_JOBS (2), VIGIA_BENCH_OUT (bench/out)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
CITIES=${VIGIA_BENCH_CITIES:-41}
POINTS=${VIGIA_BENCH_CITY_POINTS:-100000}
JOBS=${VIGIA_BENCH_JOBS:-2}
OUT=${VIGIA_BENCH_OUT:-$ROOT/bench/out}/alliance
VIGIA=$BUILD/bin/vigia
MAKE_CITY=$BUILD/bin/vigia_bench_make_city
GOLDEN=$BUILD/bin/vigia_golden
die() { echo "bench: $*" >&2; exit 1; }
for b in "$VIGIA" "$MAKE_CITY" "$GOLDEN"; do [[ -x $b ]] || die "$b missing: build first"; done
command -v parallel >/dev/null || die "GNU Parallel missing (scripts/install-deps.sh --test)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing (Debian package 'time')"

DATA=$OUT/data/c$CITIES-n$POINTS
mkdir -p "$DATA"
MANIFEST=$DATA/alliance.toml
{
    echo "# bench/alliance.sh: $CITIES generated cities of $POINTS incidents"
    echo '[analysis]'
    echo 'grid = "square"'
    echo 'cell_size_m = 100'
    echo 'crs = "auto"'
    echo 'permutations = 99'
} >"$MANIFEST.partial"
for i in $(seq 1 "$CITIES"); do
    d=$DATA/city$i
    "$MAKE_CITY" --points "$POINTS" --seed $((20240611 + i)) --area-km2 $((150 + 10 * i)) \
        --reuse "$d" >/dev/null
    cat >>"$MANIFEST.partial" <<TOML

[[city]]
name = "Ciudad $i"
slug = "city$i"
boundary = { path = "city$i/boundary.gpkg", name_field = "name" }
incidents = { path = "city$i/points.gpkg", layer = "incidents", time = "fecha", category = "delito" }
TOML
done
mv "$MANIFEST.partial" "$MANIFEST"

RES=$OUT/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RES"
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
wall() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$1"
}

echo "bench alliance: $CITIES cities x $POINTS incidents, $(nproc) cores, parallel -j $JOBS"
/usr/bin/time -v -o "$RES/one.time" "$VIGIA" run "$MANIFEST" -o "$RES/one" -q >"$RES/one.log" 2>&1 ||
    die "one process failed: $RES/one.log"
echo "  one process:           $(wall "$RES/one.time") s wall, peak $(peak "$RES/one.time") MiB"

"$VIGIA" plan "$MANIFEST" -o "$RES/tasks" >/dev/null
mv "$RES/tasks/plan.tsv" "$RES/plan.tsv"
mkdir -p "$RES/task-times"
t0=$(date +%s.%N)
"$VIGIA" plan "$MANIFEST" -o "$RES/tasks" --format commands |
    sed "s#^#/usr/bin/time -v -o $RES/task-times/\$PARALLEL_SEQ.time #" |
    parallel -j "$JOBS" -- >"$RES/tasks.log" 2>&1 || die "a task failed: $RES/tasks.log"
t1=$(date +%s.%N)
/usr/bin/time -v -o "$RES/merge.time" "$VIGIA" merge "$RES/tasks" -o "$RES/tasks" \
    --plan "$RES/plan.tsv" >"$RES/merge.log" 2>&1 || die "merge failed: $RES/merge.log"
tasks_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
task_peak=0
for f in "$RES"/task-times/*.time; do
    p=$(peak "$f")
    ((p > task_peak)) && task_peak=$p
done
merge_wall=$(wall "$RES/merge.time")
echo "  tasks (parallel -j $JOBS): $tasks_wall s wall, largest task peak $task_peak MiB"
echo "  merge:                 $merge_wall s wall, peak $(peak "$RES/merge.time") MiB"
awk -v a="$(wall "$RES/one.time")" -v b="$tasks_wall" -v m="$merge_wall" \
    'BEGIN { printf "  plan + parallel + merge / one process: %.2f\n", (b + m) / a }'
"$GOLDEN" "$RES/one" "$RES/tasks" >"$RES/golden.txt" 2>&1 ||
    die "the outputs differ: $RES/golden.txt"
echo "  golden: $(tail -n 1 "$RES/golden.txt")"
