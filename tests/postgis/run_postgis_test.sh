#!/usr/bin/env bash
# The PostgreSQL/PostGIS test of issue 15, against a real PostgreSQL 15 + PostGIS 3.3 server
# started here on 127.0.0.1 in a temporary folder (pg_cluster.sh) and stopped at the end:
#
#  1. the inputs (the three-city fixture and the Zapopan demo data) loaded with ogr2ogr
#     (load_inputs.sh); Vigía runs one manifest reading them from the database (boundaries,
#     incident points, counts per area, facilities, population; a `layer`, and a `sql`) and
#     writing to it (-o PG:..., as the role `analyst`: CREATE on the database, no superuser),
#     and the same manifest on the files, writing GeoPackages;
#  2. the golden tool finds every value of the two runs' files equal (input paths aside), and
#     every value, metadata item and style of the database equal to the files it came from;
#  3. the structure: geometry type and SRID, GiST index, primary key, column comments from the
#     aliases, `reader` reading the public schema and nothing else;
#  4. PyQGIS opens every table of a city's schema from PostGIS, its default style applied;
#  5. a run killed (SIGKILL) while it writes a city leaves the previous schema intact and
#     complete, and the next run leaves no __tmp_ schema;
#  6. no password in any output, table or message (the run is given one in its connection);
#  7. a city named `x"; DROP SCHEMA public; --` with an offence label holding an apostrophe
#     goes in as values, and the same text as a slug is refused; schema public intact.
#
#   usage: run_postgis_test.sh VIGIA GOLDEN SOURCE_DIR     (CTest: postgis.InAndOut)
#
# Skipped (77), with the reason, when the server cannot start. VIGIA_PG_KEEP=1 keeps the folder.
set -uo pipefail

[ $# -eq 3 ] || { sed -n '21p' "$0" >&2; exit 2; }
vigia=$(realpath "$1") golden=$(realpath "$2") src=$(realpath "$3")
here=$(dirname "$(realpath "$0")")

say() { echo "postgis-test: $*"; }
fail() { echo "postgis-test: FAILED: $*" >&2; exit 1; }

# shellcheck source=tests/postgis/pg_cluster.sh
source "$here/pg_cluster.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigia-postgis.XXXXXX") || exit 77
chmod 0700 "$tmp"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  pg_stop
  if [ "${VIGIA_PG_KEEP:-0}" = 1 ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

pg_start "$tmp" || exit $?
# Vigía's own temporary folders (a database run without --files) inside this one.
export TMPDIR=$tmp
"$here/load_inputs.sh" "$src" >"$tmp/load.log" 2>&1 || { cat "$tmp/load.log"; fail "loading the inputs"; }
say "server on 127.0.0.1:$PG_PORT, inputs loaded ($(grep -c . "$tmp/load.log") lines of load log)"
sql() { pg_psql crime_admin "$@"; }

# --- 1. one manifest, from files and from the database -----------------------------------
d3=$src/tests/data/three_cities
zp=$src/data/demo/zapopan
pw=$PG_ANALYST_PASSWORD
db="PG:service=crime"
# Written twice: `from` gives each input's files form or its database form.
manifest() { # manifest files|db
  local m=$1
  f() { if [ "$m" = files ]; then echo "path = \"$1\""; else echo "path = \"$db\", layer = \"city_input.$2\""; fi; }
  c() { if [ "$m" = files ]; then echo "counts = \"$1\""; else echo "counts = \"$db\", layer = \"city_input.$2\""; fi; }
  # One input through `sql` (PostgreSQL's own), one with the password in its connection.
  local pc_pop
  if [ "$m" = files ]; then pc_pop="path = \"$d3/porto_claro/populacao.geojson\""
  else pc_pop="path = \"$db\", sql = \"SELECT * FROM city_input.pc_populacao WHERE habitantes >= 0\""; fi
  local vn_b
  if [ "$m" = files ]; then vn_b="path = \"$d3/villa_norte/barrios.geojson\""
  else vn_b="path = \"PG:service=crime password=$pw\", layer = \"city_input.vn_barrios\""; fi
  cat <<TOML
[analysis]
grid = "square"
cell_size_m = 500
categories = ["0401", "0502"]

[publish]
min_count = 3

[[city]]
name = "Villa Norte"
boundary = { $vn_b, name_field = "nombre" }
incidents = { $(f "$d3/villa_norte/incidentes.csv" vn_incidentes), x = "longitud", y = "latitud",
              crs = "EPSG:4326", time = "fecha_hecho", category = "delito" }
population = { $(f "$d3/villa_norte/poblacion.geojson" vn_poblacion), field = "poblacion" }
categories = "$d3/villa_norte/categorias.csv"

[[city]]
name = "Ville-Haute"
boundary = { $(f "$d3/ville_haute/quartiers.geojson" vh_quartiers), name_field = "nom" }
incidents = { $(f "$d3/ville_haute/incidents.csv" vh_incidents), x = "x", y = "y", crs = "EPSG:32618",
              time = "date", category = "infraction" }
population = { $(f "$d3/ville_haute/population.geojson" vh_population), field = "habitants" }
categories = "$d3/ville_haute/categories.csv"

[[city]]
name = "Porto Claro"
boundary = { $(f "$d3/porto_claro/bairros.geojson" pc_bairros), name_field = "nome" }
incidents = { $(c "$d3/porto_claro/ocorrencias.csv" pc_ocorrencias), key = "codigo", unit_key = "codigo",
              count = "ocorrencias", category = "natureza", year = "ano", month = "mes" }
population = { $pc_pop, field = "habitantes" }
categories = "$d3/porto_claro/categorias.csv"

[[city]]
name = "Zapopan"
boundary = { $(f "$zp/zapopan.shp" zp_zapopan), crs = "EPSG:4326", name_field = "NOMBRE" }
incidents = { $(f "$zp/delitos_zapopan_2014q1.csv" zp_delitos), x = "long", y = "lat",
              crs = "EPSG:4326", time = "fecha", category = "delito" }
categories = "$src/data/categories/zapopan.csv"
population = { $(f "$zp/zapopan.shp" zp_zapopan), crs = "EPSG:4326", field = "POB1" }

[[city.facilities]]
kind = "sports"
$(f "$zp/servicios_zapopan.gpkg" zp_servicios | sed 's/, layer = /\nlayer = /')
# PostgreSQL folds unquoted names to lower case: the column's quotes, in both forms.
where = "\"GEOGRAFICO\" = 'INSTALACIÓN DEPORTIVA O RECREATIVA'"

name_field = "NOMBRE"
radius_m = 800
suggest = 3
TOML
}
manifest files >"$tmp/files.toml"
manifest db >"$tmp/db.toml"

"$vigia" run "$tmp/files.toml" -o "$tmp/out_files" -q >"$tmp/files.out" 2>"$tmp/files.err"
rc=$?
[ $rc -eq 1 ] || { cat "$tmp/files.err"; fail "the files run: exit $rc, expected 1 (Ville-Haute fails)"; }
t0=$(date +%s%N)
"$vigia" run "$tmp/db.toml" -o "PG:service=crime password=$pw" --files "$tmp/out_db" \
  --public-role reader -q >"$tmp/db.out" 2>"$tmp/db.err"
rc=$?
t1=$(date +%s%N)
[ $rc -eq 1 ] || { cat "$tmp/db.err"; fail "the database run: exit $rc, expected 1 (Ville-Haute fails)"; }
grep -q "Ville-Haute (ville-haute): .*no field 'habitants'" "$tmp/db.err" ||
  { cat "$tmp/db.err"; fail "Ville-Haute did not fail for its population field"; }
say "database run in $(((t1 - t0) / 1000000)) ms: $(grep -c 'into PG:' "$tmp/db.out") cities and the alliance published"

# --- 2. every value -----------------------------------------------------------------------
# The two runs differ only in where the inputs were: their paths and layer names, and the
# encoding each reader reports (a file's is detected, a database declares UTF-8), in run_info,
# the metadata, a warning's location, the maps' source line and the pages' method section,
# which show them. The warnings are compared below with the locations exchanged; the maps and
# pages are drawn from the tables compared here.
"$golden" --ignore-key '_(path|layer|encoding|sql)$' --ignore-key '^(vigia_)?manifest$' \
  --ignore-key '^(vigia_)?warning_[0-9]+$' --skip-images \
  --ignore-key '^(vigia_)?(boundary|incidents|counts|population|facilities_[a-z]+)_(path|layer|encoding|sql)$' \
  --ignore-file villa-norte_report.html --ignore-file porto-claro_report.html \
  --ignore-file zapopan_report.html \
  "$tmp/out_files" "$tmp/out_db" >"$tmp/golden_files.txt"
rc=$?
tail -1 "$tmp/golden_files.txt"
[ $rc -eq 0 ] || { head -40 "$tmp/golden_files.txt"; fail "reading from the database changed values"; }
warnings() { # warnings of a GeoPackage's run_info, one per line
  ogrinfo -ro -q "$1" -sql "SELECT key || ': ' || value AS w FROM run_info WHERE key LIKE 'warning_%' ORDER BY key" |
    sed -n 's/^ *w (String) = //p'
}
[ "$(warnings "$tmp/out_files/villa-norte.gpkg" | wc -l)" -ge 1 ] || fail "no warning to compare"
for f in "$tmp"/out_files/*.gpkg; do
  n=$(basename "$f")
  [ "$n" = alliance.gpkg ] && continue # no run_info
  diff <(warnings "$f" | sed -E "s#$d3/[a-z_]+/([a-z_]+)\.(csv|geojson) layer '[a-z_]+'#LOCATION#g; s#$zp/[a-z_0-9]+\.(csv|shp|gpkg) layer '[a-zA-Z_0-9]+'#LOCATION#g") \
       <(warnings "$tmp/out_db/$n" | sed -E "s#PG:service=crime layer 'city_input\.[a-z_]+'#LOCATION#g") >"$tmp/warnings.diff" ||
    { cat "$tmp/warnings.diff"; fail "$n: the warnings differ (their locations aside)"; }
done
"$golden" --database "PG:service=crime_admin" "$tmp/out_db" >"$tmp/golden_db.txt"
rc=$?
tail -1 "$tmp/golden_db.txt"
[ $rc -eq 0 ] || { head -40 "$tmp/golden_db.txt"; fail "the database differs from the files"; }
# The comparison can fail: one value changed in the database, then one style.
first="(SELECT min(fid) FROM vigia_villa_norte.grid)"
sql "UPDATE vigia_villa_norte.grid SET count = count + 1 WHERE fid = $first" >/dev/null
"$golden" --database "PG:service=crime_admin" "$tmp/out_db" >"$tmp/golden_tampered.txt" &&
  fail "the golden comparison missed a changed count"
grep -q "villa-norte.gpkg:grid row 1 count" "$tmp/golden_tampered.txt" || fail "the changed count was not named"
sql "UPDATE vigia_villa_norte.grid SET count = count - 1 WHERE fid = $first" >/dev/null
style="(SELECT min(id) FROM public.layer_styles WHERE f_table_schema = 'vigia_villa_norte')"
sql "UPDATE public.layer_styles SET useasdefault = NOT useasdefault WHERE id = $style" >/dev/null
"$golden" --database "PG:service=crime_admin" "$tmp/out_db" >"$tmp/golden_tampered.txt" &&
  fail "the golden comparison missed a changed style"
sql "UPDATE public.layer_styles SET useasdefault = NOT useasdefault WHERE id = $style" >/dev/null
"$golden" --database "PG:service=crime_admin" "$tmp/out_db" >/dev/null || fail "not restored"
schemas=$(sql "SELECT string_agg(nspname, ' ' ORDER BY nspname) FROM pg_namespace WHERE nspname LIKE 'vigia%'")
[ "$schemas" = "vigia_alliance vigia_porto_claro vigia_porto_claro_public vigia_villa_norte vigia_villa_norte_public vigia_zapopan vigia_zapopan_public" ] ||
  fail "schemas: $schemas"

# --- 3. structure -------------------------------------------------------------------------
got=$(sql "SELECT type || ' ' || srid FROM geometry_columns WHERE f_table_schema = 'vigia_zapopan' AND f_table_name = 'grid'")
[ "$got" = "MULTIPOLYGON 32613" ] || fail "vigia_zapopan.grid geometry: '$got'"
got=$(sql "SELECT count(*) FROM pg_indexes WHERE schemaname = 'vigia_zapopan' AND indexdef LIKE '%USING gist (geom)%'")
layers=$(sql "SELECT count(*) FROM geometry_columns WHERE f_table_schema = 'vigia_zapopan'")
[ "$got" -eq "$layers" ] && [ "$layers" -ge 10 ] || fail "GiST indexes: $got for $layers layers"
got=$(sql "SELECT count(*) FROM information_schema.tables t WHERE table_schema = 'vigia_zapopan' AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')")
[ "$got" -eq 0 ] || fail "$got tables of vigia_zapopan without a primary key"
got=$(sql "SELECT col_description('vigia_zapopan.grid'::regclass, attnum) FROM pg_attribute WHERE attrelid = 'vigia_zapopan.grid'::regclass AND attname = 'gi_z'")
want=$(ogrinfo -ro -q "$tmp/out_db/zapopan.gpkg" -sql "SELECT name FROM gpkg_data_columns WHERE table_name = 'grid' AND column_name = 'gi_z'" | sed -n 's/.*name (String) = //p')
[ -n "$got" ] && [ "$got" = "$want" ] || fail "comment on grid.gi_z: '$got', alias '$want'"
got=$(pg_psql crime_reader "SELECT count(*) FROM vigia_zapopan_public.grid")
[ "$got" -gt 0 ] || fail "reader cannot read vigia_zapopan_public.grid"
pg_psql crime_reader "SELECT count(*) FROM vigia_zapopan.grid" >/dev/null 2>&1 &&
  fail "reader can read the full schema vigia_zapopan"
got=$(sql "SELECT value FROM vigia_zapopan.metadata WHERE key = 'vigia_slug'")
[ "$got" = zapopan ] || fail "metadata vigia_slug: '$got'"
say "structure: types, SRIDs, $layers GiST indexes, primary keys, comments, grants, metadata"

# --- 4. QGIS --------------------------------------------------------------------------------
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="$tmp/xdg"
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
# Every table but `metadata` (the GeoPackage's metadata items, which have no style).
read -r -a zp_tables <<<"$(sql "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'vigia_zapopan' AND tablename <> 'metadata'")"
[ ${#zp_tables[@]} -ge 15 ] || fail "vigia_zapopan has ${#zp_tables[@]} tables"
# QGIS's profile in a home of its own (the QGIS test of the GeoPackages may run meanwhile).
export HOME=$tmp/home
mkdir -p "$HOME"
/usr/bin/python3 "$here/check_qgis_pg.py" --require-styles crime vigia_zapopan "${zp_tables[@]}" >"$tmp/qgis.txt" 2>&1 ||
  { cat "$tmp/qgis.txt"; fail "QGIS: vigia_zapopan"; }
/usr/bin/python3 "$here/check_qgis_pg.py" --require-styles crime_reader vigia_villa_norte_public grid >>"$tmp/qgis.txt" 2>&1 ||
  { cat "$tmp/qgis.txt"; fail "QGIS: vigia_villa_norte_public as reader"; }
say "QGIS opened the ${#zp_tables[@]} tables of vigia_zapopan and vigia_villa_norte_public.grid, styled"

# --- 5. killed while writing a city --------------------------------------------------------
mkdir -p "$tmp/zp_before"
cp "$tmp/out_db/zapopan.gpkg" "$tmp/out_db/zapopan_public.gpkg" "$tmp/zp_before/"
"$vigia" run "$tmp/db.toml" --city zapopan -o "$db" --overwrite -q >"$tmp/kill.out" 2>&1 &
pid=$!
killed=0
for _ in $(seq 600); do
  n=$(sql "SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'vigia\\_zapopan\\_\\_tmp\\_%'")
  if [ "${n:-0}" -ge 3 ]; then kill -KILL $pid; killed=1; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
wait $pid 2>/dev/null
[ $killed -eq 1 ] || fail "the run ended before its write could be killed"
left=$(sql "SELECT string_agg(nspname, ' ') FROM pg_namespace WHERE nspname LIKE 'vigia\\_zapopan\\_\\_tmp\\_%'")
[ -n "$left" ] || fail "no __tmp_ schema while the write was killed"
"$golden" --database "PG:service=crime_admin" "$tmp/zp_before" >"$tmp/golden_kill.txt" ||
  { head -20 "$tmp/golden_kill.txt"; fail "vigia_zapopan changed by the killed run"; }
say "killed during the write ($left left): vigia_zapopan intact: $(tail -1 "$tmp/golden_kill.txt")"
"$vigia" run "$tmp/db.toml" --city zapopan -o "$db" --overwrite -q >"$tmp/rerun.out" 2>&1 ||
  { cat "$tmp/rerun.out"; fail "the run after the kill"; }
left=$(sql "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%\\_\\_tmp\\_%'")
[ "$left" -eq 0 ] || fail "$left __tmp_ schemas left after the next run"
# A batch of Zapopan alone: its style classes are its own (they are shared by a batch's
# cities), every value the same.
"$golden" --ignore-table layer_styles --database "PG:service=crime_admin" "$tmp/zp_before" >"$tmp/golden_rerun.txt" ||
  { head -20 "$tmp/golden_rerun.txt"; fail "vigia_zapopan after the rerun"; }
# Without --overwrite an existing schema is kept and the city fails.
"$vigia" run "$tmp/db.toml" --city zapopan -o "$db" -q >"$tmp/keep.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "schema vigia_zapopan exists already; pass --overwrite" "$tmp/keep.out" ||
  { cat "$tmp/keep.out"; fail "without --overwrite: exit $rc"; }
say "the next run left no __tmp_ schema; without --overwrite the schema is kept (exit 1)"

# --- 6. no password anywhere ----------------------------------------------------------------
"$vigia" info "PG:service=crime password=$pw" >"$tmp/info.out" 2>&1 || { cat "$tmp/info.out"; fail "vigia info PG:"; }
grep -q "^PG:service=crime password=\*\*\* (PostgreSQL)" "$tmp/info.out" || { head -3 "$tmp/info.out"; fail "vigia info: no redacted header"; }
"$vigia" info --manifest "PG:service=crime password=$pw" >"$tmp/info_manifest.out" 2>&1 || fail "vigia info --manifest PG:"
grep -rl -F -- "$pw" "$tmp/out_db" "$tmp"/*.out "$tmp"/*.err "$tmp"/*.txt && fail "the password is in the files above"
pg_dump_dir=$tmp/dump.sql
sql "SELECT string_agg(value, E'\n') FROM (SELECT value FROM vigia_villa_norte.metadata UNION ALL SELECT value FROM vigia_villa_norte.run_info UNION ALL SELECT styleqml::text FROM public.layer_styles) v" >"$pg_dump_dir"
grep -q -F -- "$pw" "$pg_dump_dir" && fail "the password is in the database's tables"
grep -q -F 'password=***' "$tmp/out_db/villa-norte.gpkg" 2>/dev/null ||
  sql "SELECT 1 FROM vigia_villa_norte.run_info WHERE value LIKE '%password=***%'" | grep -q 1 ||
  fail "the boundary's connection is not recorded redacted"
say "no password in $(find "$tmp/out_db" -type f | wc -l) files, the messages or the tables"

# --- 7. hostile names -----------------------------------------------------------------------
evil='x"; DROP SCHEMA public; --'
cat >"$tmp/evil.toml" <<TOML
[analysis]
grid = "square"
cell_size_m = 500

[[city]]
name = 'x"; DROP SCHEMA public; --'
boundary = { path = "$db", layer = "city_input.vn_barrios", name_field = "nombre" }
incidents = { path = "$db", layer = "city_input.vn_incidentes_quote", x = "longitud", y = "latitud",
              crs = "EPSG:4326", time = "fecha_hecho", category = "delito" }
categories = "$d3/villa_norte/categorias.csv"
TOML
"$vigia" run "$tmp/evil.toml" -o "$db" --overwrite -q >"$tmp/evil.out" 2>&1 || { cat "$tmp/evil.out"; fail "the hostile city name"; }
got=$(sql "SELECT value FROM vigia_x_drop_schema_public.run_info WHERE key = 'city'")
[ "$got" = "$evil" ] || fail "the city name came back as '$got'"
got=$(sql "SELECT count(*) FROM vigia_x_drop_schema_public.unmapped_categories WHERE label = 'Robo d''arma blanca'")
[ "$got" -eq 1 ] || fail "the label with an apostrophe: $got rows"
sed "s/^name = .*/name = \"Evil\"\nslug = 'x\"; DROP SCHEMA public; --'/" "$tmp/evil.toml" >"$tmp/evil_slug.toml"
"$vigia" run "$tmp/evil_slug.toml" -o "$db" -q >"$tmp/evil_slug.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "slug = .*use lower-case letters" "$tmp/evil_slug.out" ||
  { cat "$tmp/evil_slug.out"; fail "the hostile slug: exit $rc"; }
# Two cities that would meet in one schema (x's public copy, city x-public) are refused.
sed "s/^name = .*/name = \"X\"\nslug = \"x\"/" "$tmp/evil.toml" >"$tmp/clash.toml"
sed -n '/^\[\[city\]\]/,$p' "$tmp/evil.toml" | sed "s/^name = .*/name = \"X public\"\nslug = \"x-public\"/" >>"$tmp/clash.toml"
"$vigia" run "$tmp/clash.toml" -o "$db" --overwrite -q >"$tmp/clash.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "would both write the schema vigia_x_public" "$tmp/clash.out" ||
  { cat "$tmp/clash.out"; fail "two cities in one schema: exit $rc"; }
got=$(sql "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'")
[ "$got" -eq 1 ] || fail "schema public is gone"
sql "SELECT count(*) FROM public.layer_styles" >/dev/null || fail "public.layer_styles is gone"
say "hostile name and label stored as values; hostile slug refused ($(head -1 "$tmp/evil_slug.out" | cut -c1-90)...); public intact"
# --- 8. merge -o PG: ---------------------------------------------------------------------
"$vigia" merge "$tmp/out_db/villa-norte.gpkg" "$tmp/out_db/porto-claro.gpkg" "$tmp/out_db/zapopan.gpkg" \
  -o "$db" --files "$tmp/merged" --overwrite --public-role reader >"$tmp/merge.out" 2>&1 ||
  { cat "$tmp/merge.out"; fail "vigia merge -o PG:"; }
"$golden" --database "PG:service=crime_admin" --ignore-file alliance_report.html "$tmp/merged" >"$tmp/golden_merge.txt" ||
  { head -20 "$tmp/golden_merge.txt"; fail "vigia_alliance differs from the merge's alliance.gpkg"; }
got=$(pg_psql crime_reader "SELECT count(*) FROM vigia_alliance.cities")
[ "$got" -eq 3 ] || fail "vigia_alliance.cities as reader: '$got' rows"
say "merge -o PG: vigia_alliance as its alliance.gpkg ($(tail -1 "$tmp/golden_merge.txt"))"
say "PASSED"
