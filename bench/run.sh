#!/usr/bin/env bash
# bench/run.sh: times `vigia run` on a synthetic city against the I/O floor (ogr2ogr copying
# the same points into a GeoPackage), both measured here, in the same run. See bench/README.md.
#
# Builds nothing: `make bench` builds first. The data is generated (once) by
# vigia_bench_make_city from the build tree. Settings, from the environment:
#   BUILD_DIR                  build tree holding bin/vigia          (default: build)
#   VIGIA_BENCH_RUNS           timed repetitions of every case      (default: 5)
#   VIGIA_BENCH_POINTS         incident points                      (default: 1000000)
#   VIGIA_BENCH_SEED           generator seed                       (default: 20240611)
#   VIGIA_BENCH_FORMATS        input formats                        (default: "gpkg csv")
#   VIGIA_BENCH_GRIDS          vigia grid shapes                    (default: "square")
#   VIGIA_BENCH_NOINDEX_FLOOR  1: also time ogr2ogr -lco SPATIAL_INDEX=NO (a diagnostic)
#   VIGIA_BENCH_OUT            data and results                     (default: bench/out)
#   VIGIA_BENCH_TIMER=bash     time with bash only (what happens without /usr/bin/time)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
RUNS=${VIGIA_BENCH_RUNS:-5}
POINTS=${VIGIA_BENCH_POINTS:-1000000}
SEED=${VIGIA_BENCH_SEED:-20240611}
FORMATS=${VIGIA_BENCH_FORMATS:-gpkg csv}
GRIDS=${VIGIA_BENCH_GRIDS:-square}
NOINDEX=${VIGIA_BENCH_NOINDEX_FLOOR:-0}
OUT=${VIGIA_BENCH_OUT:-$ROOT/bench/out}

VIGIA=$BUILD/bin/vigia
MAKE_CITY=$BUILD/bin/vigia_bench_make_city
die() { echo "bench: $*" >&2; exit 1; }
[[ -x $VIGIA && -x $MAKE_CITY ]] ||
    die "$VIGIA or $MAKE_CITY missing: build first (make bench, or cmake --build $BUILD)"
command -v ogr2ogr >/dev/null || die "ogr2ogr not found (GDAL's command-line tools)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "VIGIA_BENCH_RUNS must be a positive integer"
for f in $FORMATS; do [[ $f = gpkg || $f = csv ]] || die "unknown format '$f' (gpkg, csv)"; done
for g in $GRIDS; do [[ $g = square || $g = hex ]] || die "unknown grid '$g' (square, hex)"; done

DATA=$OUT/data/n$POINTS-s$SEED
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RES=$OUT/results/$STAMP
WORK=$OUT/work
mkdir -p "$RES" "$WORK"
TSV=$RES/runs.tsv
LOG=$RES/commands.log

# --- timing ----------------------------------------------------------------------------------
if [[ -x /usr/bin/time && ${VIGIA_BENCH_TIMER:-gnu} = gnu ]]; then
    TIMER=gnu
else
    TIMER=bash
    echo "bench: no /usr/bin/time (Debian package 'time') or VIGIA_BENCH_TIMER=bash: timing with" \
        "bash's clock, without peak memory" >&2
fi

# timed OUTFILE CMD...: runs CMD (stdout/stderr to the log), writes "wall_s rss_kb cpu_pct".
timed() {
    local out=$1
    shift
    echo "+ $*" >>"$LOG"
    if [[ $TIMER = gnu ]]; then
        local tv=$WORK/time.txt
        if ! /usr/bin/time -v -o "$tv" "$@" >>"$LOG" 2>&1; then
            tail -n 20 "$LOG" >&2
            die "failed: $*"
        fi
        awk -F': ' '
            /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                       for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
            /Maximum resident set size/ { rss = $2 }
            /Percent of CPU/ { cpu = $2; sub(/%/, "", cpu) }
            END { print wall, rss, cpu }' "$tv" >"$out"
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >>"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; die "failed: $*"; }
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f NA NA\n", b - a }' >"$out"
    fi
}

# run_info STAGE-FILE GPKG: from vigia's run_info table, the per-stage timings "read_boundary
# grid read_incidents count write" in seconds, then the incidents counted (sqlite3, else
# python3's sqlite3 module, else ogrinfo).
SQL="select key, value from run_info where key like 'time\_%' escape '\\' or key = 'accepted'"
run_info() {
    local gpkg=$2 kv
    if command -v sqlite3 >/dev/null; then
        kv=$(sqlite3 -separator ' ' "$gpkg" "$SQL")
    elif command -v python3 >/dev/null; then
        kv=$(python3 -c 'import sqlite3, sys
for k, v in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(k, v)' "$gpkg" "$SQL")
    else
        kv=$(ogrinfo -q -sql "select key, value from run_info" "$gpkg" |
            awk '/ key \(String\) = / { k = $NF } / value \(String\) = / { print k, $NF }')
    fi
    awk '{ t[$1] = $2 }
         END { n = split("read_boundary grid read_incidents count write", s, " ")
               for (i = 1; i <= n; i++) printf "%s ", (("time_" s[i] "_s") in t ? t["time_" s[i] "_s"] : "NA")
               print ("accepted" in t ? t["accepted"] : "NA") }' \
        <<<"$kv" >"$1"
}

# --- data ------------------------------------------------------------------------------------
[[ -f $DATA/params.txt ]] || echo "bench: generating $POINTS points in $DATA (once)" >&2
"$MAKE_CITY" "$DATA" --points "$POINTS" --seed "$SEED" --reuse >>"$LOG" 2>&1 ||
    { tail -n 20 "$LOG" >&2; die "generating the data failed"; }

# floor_cmd FORMAT DEST [extra ogr2ogr args]: sets CMD to the ogr2ogr copy of the points.
floor_cmd() {
    local fmt=$1 dest=$2
    shift 2
    if [[ $fmt = gpkg ]]; then
        CMD=(ogr2ogr -f GPKG "$dest" "$DATA/points.gpkg" "$@")
    else
        CMD=(ogr2ogr -f GPKG "$dest" "$DATA/points.csv" -oo X_POSSIBLE_NAMES=lon
            -oo Y_POSSIBLE_NAMES=lat -a_srs EPSG:4326 -nln incidents "$@")
    fi
}

# Page cache: every case reads warm inputs, as the timed repetitions would anyway.
cat "$DATA"/points.gpkg "$DATA"/points.csv "$DATA"/boundary.gpkg >/dev/null

CORES=$(nproc 2>/dev/null || echo "?")
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_START=$(load)
GDAL=$(gdal-config --version 2>/dev/null || ogr2ogr --version | awk '{ print $2 }' | tr -d ,)
printf 'format\tcase\trep\twall_s\trss_kb\tcpu_pct\tread_boundary_s\tgrid_s\tread_incidents_s\tcount_s\twrite_s\taccepted\n' >"$TSV"
echo "bench: $POINTS points, $RUNS runs per case, formats: $FORMATS, grids: $GRIDS;" \
    "$CORES cores, GDAL $GDAL; results in $RES" >&2

# Repetitions are interleaved (floor, vigia, floor, ...) so that drift hits every case alike.
for rep in $(seq 1 "$RUNS"); do
    for fmt in $FORMATS; do
        cases=floor
        [[ $NOINDEX = 1 ]] && cases="$cases floor_noindex"
        for g in $GRIDS; do cases="$cases vigia_$g"; done
        for c in $cases; do
            [[ -t 2 ]] && printf '\rbench: run %s/%s %-4s %-14s' "$rep" "$RUNS" "$fmt" "$c" >&2
            rm -rf "$WORK/copy.gpkg" "$WORK/vigia"
            stages="NA NA NA NA NA NA"
            case $c in
            floor)
                floor_cmd "$fmt" "$WORK/copy.gpkg"
                timed "$WORK/t" "${CMD[@]}"
                ;;
            floor_noindex)
                floor_cmd "$fmt" "$WORK/copy.gpkg" -lco SPATIAL_INDEX=NO
                timed "$WORK/t" "${CMD[@]}"
                ;;
            vigia_*)
                timed "$WORK/t" "$VIGIA" run "$DATA/${fmt}_${c#vigia_}.toml" -o "$WORK/vigia" --overwrite -q
                run_info "$WORK/s" "$WORK/vigia/bench.gpkg"
                stages=$(cat "$WORK/s")
                ;;
            esac
            read -r wall rss cpu <"$WORK/t"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fmt" "$c" "$rep" "$wall" "$rss" "$cpu" \
                "$(tr ' ' '\t' <<<"$stages")" >>"$TSV"
        done
    done
done
[[ -t 2 ]] && printf '\r%60s\r' '' >&2
rm -rf "$WORK/copy.gpkg" "$WORK/vigia"

LOAD_END=$(load)

# --- summary ---------------------------------------------------------------------------------
awk -F'\t' -v points="$POINTS" -v runs="$RUNS" -v cores="$CORES" -v gdal="$GDAL" \
    -v load="load average $LOAD_START at the start, $LOAD_END at the end" '
function median(list,    a, n, i, j, v) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { v = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
    if (n == 0) return "NA"
    return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(key, v) { if (v != "NA" && v != "") vals[key] = vals[key] " " v }
NR == 1 { next }
{
    k = $1 SUBSEP $2
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
    add(k SUBSEP "wall", $4); add(k SUBSEP "cpu", $6)
    if ($5 != "NA" && $5 + 0 > peak[k]) peak[k] = $5 + 0
    if (!(k in min) || $4 + 0 < min[k]) min[k] = $4 + 0
    if ($4 + 0 > max[k]) max[k] = $4 + 0
    if ($2 ~ /^vigia/) {
        sum = 0
        for (i = 7; i <= 11; i++) { add(k SUBSEP i, $i); sum += $i }
        add(k SUBSEP "untimed", $4 - sum)
        v = (k in acc) && acc[k] != $12 ? "varies" : $12
        acc[k] = v
    }
}
END {
    printf "vigia bench: %d points, 100 m cells, median of %d runs, %s cores, GDAL %s\n", points, runs, cores, gdal
    printf "(%s)\n\n", load
    printf "%-5s %-30s %8s %8s %8s %8s %9s %5s\n", "input", "case", "median_s", "min_s", "max_s", "x_floor", "peak_MiB", "cpu%"
    for (i = 1; i <= nk; i++) {
        split(order[i], p, SUBSEP)
        m = median(vals[order[i] SUBSEP "wall"])
        if (p[2] == "floor") floor[p[1]] = m
        name = p[2] == "floor" ? "ogr2ogr copy (I/O floor)" : p[2] == "floor_noindex" ? "ogr2ogr copy, no spatial index" : "vigia run, " substr(p[2], 7) " grid"
        ratio = (p[1] in floor) && floor[p[1]] > 0 ? sprintf("%.2f", m / floor[p[1]]) : "NA"
        rss = (order[i] in peak) ? sprintf("%.0f", peak[order[i]] / 1024) : "NA"
        printf "%-5s %-30s %8.2f %8.2f %8.2f %8s %9s %5s\n", p[1], name, m, min[order[i]], max[order[i]], ratio, rss, median(vals[order[i] SUBSEP "cpu"])
        if (p[2] ~ /^vigia/ && ratio != "NA") verdict = verdict sprintf("  %s %s: %s x floor -> %s\n", p[1], substr(p[2], 7), ratio, ratio + 0 <= 1.5 ? "within 1.5x" : "ABOVE 1.5x")
    }
    printf "\nvigia stages, medians in seconds (run_info time_*; untimed = wall - their sum):\n"
    printf "%-5s %-7s %13s %7s %14s %7s %7s %8s %9s\n", "input", "grid", "read_boundary", "grid", "read_incidents", "count", "write", "untimed", "accepted"
    for (i = 1; i <= nk; i++) {
        split(order[i], p, SUBSEP)
        if (p[2] !~ /^vigia/) continue
        printf "%-5s %-7s", p[1], substr(p[2], 7)
        printf " %13.3f %7.3f %14.3f %7.3f %7.3f %8.3f %9s\n", median(vals[order[i] SUBSEP 7]),
            median(vals[order[i] SUBSEP 8]), median(vals[order[i] SUBSEP 9]),
            median(vals[order[i] SUBSEP 10]), median(vals[order[i] SUBSEP 11]),
            median(vals[order[i] SUBSEP "untimed"]), acc[order[i]]
    }
    printf "\ngoal (vigia within 1.5x of the floor):\n%s", verdict
}' "$TSV" | tee "$RES/summary.txt"
echo "(all runs: $TSV; commands and their output: $LOG)"
