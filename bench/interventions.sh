#!/usr/bin/env bash
# bench/interventions.sh: what a programme evaluation ([[city.interventions]], issue 13) adds to
# a large city's run. On bench/make_city.cpp's city (1,000,000 incidents over 2023–2024, 100 m
# square cells), the same run with and without 100 point sites (every 10,000th incident's
# position, starting 2024-01-01, radius 400 m, buffer 400 m), RUNS times each, interleaved,
# under /usr/bin/time -v: medians of the wall time, the interventions stage's own time (its
# run_info timing) and the peak memory, and their ratio, measured side by side in one run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
RUNS=${VIGIA_BENCH_RUNS:-3}
POINTS=${VIGIA_BENCH_POINTS:-1000000}
SEED=${VIGIA_BENCH_SEED:-20240611}
OUT=${VIGIA_BENCH_OUT:-$ROOT/bench/out}
VIGIA=$BUILD/bin/vigia
MAKE_CITY=$BUILD/bin/vigia_bench_make_city
for b in "$VIGIA" "$MAKE_CITY"; do
    [[ -x $b ]] || { echo "bench: $b missing: build first (make bench)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is needed (apt install time)" >&2; exit 1; }
DATA=$OUT/data/n$POINTS-s$SEED
WORK=$OUT/interventions
mkdir -p "$WORK"
"$MAKE_CITY" "$DATA" --points "$POINTS" --seed "$SEED" --reuse >"$WORK/make_city.log" 2>&1

# The sites: 100 incident positions (points.gpkg is EPSG:4326), as a layer of their own.
SITES=$WORK/sites.gpkg
rm -f "$SITES"
ogr2ogr -f GPKG "$SITES" "$DATA/points.gpkg" -nln sites -dialect SQLite \
    -sql "SELECT geom, 'site ' || id AS nombre, '2024-01-01' AS inicio FROM incidents
          WHERE id % 10000 = 0" >/dev/null
cp "$DATA/gpkg_square.toml" "$WORK/plain.toml"
sed -i "s#\"points.gpkg\"#\"$DATA/points.gpkg\"#; s#\"boundary.gpkg\"#\"$DATA/boundary.gpkg\"#" \
    "$WORK/plain.toml"
cp "$WORK/plain.toml" "$WORK/programme.toml"
cat >>"$WORK/programme.toml" <<EOF

[[city.interventions]]
kind = "patrols"
path = "$SITES"
name_field = "nombre"
start_field = "inicio"
radius_m = 400
buffer_m = 400
EOF

run() { # CASE I
    local dir=$WORK/out-$1
    /usr/bin/time -v -o "$WORK/time-$1-$2.txt" "$VIGIA" run "$WORK/$1.toml" -o "$dir" \
        --overwrite -q >"$WORK/run-$1-$2.log" 2>&1 ||
        { tail -n 20 "$WORK/run-$1-$2.log" >&2; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                          for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /Maximum resident set size/ { r = $2 }
                END { print w, r }' "$WORK/time-$1-$2.txt" >"$WORK/wall-$1-$2.txt"
    local gpkg
    gpkg=$(ls "$dir"/*.gpkg | grep -v alliance | head -1)
    python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "select value from run_info where key = ?", ("time_interventions_s",)).fetchone()
print(r[0] if r else "NA")' "$gpkg" >"$WORK/stage-$1-$2.txt"
}

for i in $(seq 1 "$RUNS"); do
    run plain "$i"
    run programme "$i"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "vigia with and without 100 programme sites: $POINTS incidents, $(nproc) cores, medians of $RUNS"
for c in plain programme; do
    wall=$(cat "$WORK"/wall-$c-*.txt | awk '{ print $1 }' | median)
    rss=$(cat "$WORK"/wall-$c-*.txt | awk '{ print $2 }' | sort -g | tail -1)
    printf '%-10s wall %6.2f s   peak %5.0f MiB' "$c" "$wall" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')"
    if [[ $c = programme ]]; then
        printf '   interventions stage %s s' "$(cat "$WORK"/stage-$c-*.txt | median)"
    fi
    echo
    eval "wall_$c=$wall"
done
awk -v a="$wall_plain" -v b="$wall_programme" 'BEGIN { printf "ratio programme / plain: %.3f\n", b / a }'
