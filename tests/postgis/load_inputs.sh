#!/usr/bin/env bash
# Loads the test inputs into the PostGIS test cluster, schema city_input, as an analyst's
# database would hold them: the three-city fixture (tests/data/three_cities) and the bundled
# Zapopan demo data (data/demo/zapopan), each file with ogr2ogr, as vigia_admin:
#
#   vn_barrios vn_incidentes vn_poblacion        villa_norte/{barrios.geojson,incidentes.csv,poblacion.geojson}
#   vh_quartiers vh_incidents vh_population      ville_haute/{quartiers.geojson,incidents.csv,population.geojson}
#   pc_bairros pc_ocorrencias pc_populacao       porto_claro/{bairros.geojson,ocorrencias.csv,populacao.geojson}
#   zp_zapopan zp_delitos zp_servicios           zapopan.shp (no .prj: EPSG:4326),
#                                                delitos_zapopan_2014q1.csv (CR line endings),
#                                                servicios_zapopan.gpkg layer servicios
#   vn_incidentes_quote                          vn_incidentes, the smallest fid's `delito`
#                                                being "Robo d'arma blanca" (an apostrophe)
#
#   usage: load_inputs.sh SOURCE_DIR      (after pg_start of pg_cluster.sh: PGSERVICEFILE and
#                                          PGPASSFILE exported, service crime_admin)
#
# Every table: FID column `fid` (-preserve_fid: the source's FIDs), geometry column `geom`,
# names as in the source (LAUNDER=NO), polygons as multipolygons; CSVs without geometry and
# all their columns text (GDAL's CSV defaults). A text file that is not UTF-8 (iconv) is read
# as WIN1252 (PGCLIENTENCODING), so that the database holds UTF-8. Each table's row count must
# equal the source's feature count (ogrinfo). The schema is dropped and made again, so a
# second run starts clean. analyst gets USAGE on city_input and SELECT on its tables; reader
# nothing. Prints one line per table; exits 1 on a failure, 2 on bad usage.
set -uo pipefail

say() { echo "load-inputs: $*"; }
fail() { echo "load-inputs: FAILED: $*" >&2; exit 1; }

[ $# -eq 1 ] || { sed -n '15,16p' "$0" >&2; exit 2; }
[ -d "$1" ] || { echo "load-inputs: no folder $1" >&2; exit 2; }
src=$(realpath "$1")
[ -f "${PGSERVICEFILE:-}" ] ||
  fail "PGSERVICEFILE is not set to a service file: run pg_start (pg_cluster.sh) first"
# shellcheck source-path=SCRIPTDIR source=pg_cluster.sh
source "$(dirname "$(realpath "$0")")/pg_cluster.sh"
for tool in ogr2ogr ogrinfo iconv od; do
  command -v "$tool" >/dev/null || fail "'$tool' not found"
done

schema=city_input
three=$src/tests/data/three_cities
zapopan=$src/data/demo/zapopan

# The encoding a file is to be read in: "UTF-8" (or plain ASCII), or "WIN1252" when a text
# file is not valid UTF-8. A shapefile's text is its DBF records (after the header); GDAL
# recodes them itself when a .cpg or the DBF's language driver names their code page, so
# only an unmarked non-UTF-8 DBF is WIN1252 here. A GeoPackage's text is UTF-8 (SQLite).
encoding_of() {
  local file=$1 dbf header ldid
  case ${file,,} in
    *.gpkg) echo UTF-8 ;;
    *.shp)
      dbf=${file%.*}.dbf
      [ -f "$dbf" ] || { echo UTF-8; return; }
      header=$(od -An -t u2 -j 8 -N 2 "$dbf" | tr -d ' ')
      ldid=$(od -An -t u1 -j 29 -N 1 "$dbf" | tr -d ' ')
      if tail -c +"$((header + 1))" "$dbf" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
        echo UTF-8
      elif [ -f "${file%.*}.cpg" ] || [ "$ldid" != 0 ]; then
        echo "UTF-8 (recoded by GDAL)"
      else
        echo WIN1252
      fi
      ;;
    *) if iconv -f UTF-8 -t UTF-8 "$file" >/dev/null 2>&1; then echo UTF-8; else echo WIN1252; fi ;;
  esac
}

# The feature count GDAL reads from a file (its one layer, or LAYER).
feature_count() {
  ogrinfo -ro -so -al "$@" 2>/dev/null | sed -n 's/^Feature Count: //p' | head -n 1
}

# load FILE TABLE [LAYER]: one layer into city_input.TABLE, then its row count checked.
load() {
  local file=$1 table=$2 layer=${3:-} encoding want got opts=() lyr=()
  [ -f "$file" ] || fail "no input $file"
  [ -n "$layer" ] && lyr=("$layer")
  want=$(feature_count "$file" "${lyr[@]}")
  [ -n "$want" ] || fail "ogrinfo cannot read $file ${layer:+(layer $layer)}"
  ogrinfo -ro -so -al "$file" "${lyr[@]}" 2>/dev/null | grep -q '^Geometry: .*Polygon' &&
    opts+=(-nlt PROMOTE_TO_MULTI)
  [ "$table" = zp_zapopan ] && opts+=(-a_srs EPSG:4326)
  encoding=$(encoding_of "$file")
  if [ "$encoding" = WIN1252 ]; then
    PGCLIENTENCODING=WIN1252 ogr2ogr -f PostgreSQL PG:service=crime_admin "$file" "${lyr[@]}" \
      -nln "$table" -preserve_fid -lco SCHEMA=$schema -lco GEOMETRY_NAME=geom -lco FID=fid \
      -lco LAUNDER=NO "${opts[@]}" || fail "ogr2ogr could not load $file into $schema.$table"
  else
    ogr2ogr -f PostgreSQL PG:service=crime_admin "$file" "${lyr[@]}" \
      -nln "$table" -preserve_fid -lco SCHEMA=$schema -lco GEOMETRY_NAME=geom -lco FID=fid \
      -lco LAUNDER=NO "${opts[@]}" || fail "ogr2ogr could not load $file into $schema.$table"
  fi
  got=$(pg_admin_sql "SELECT count(*) FROM $schema.\"$table\"") ||
    fail "cannot count the rows of $schema.$table"
  [ "$got" = "$want" ] ||
    fail "$schema.$table has $got rows, $(basename "$file") $want features"
  say "$schema.$table: $got rows ($(basename "$file"), $encoding)"
}

pg_admin_sql "SET client_min_messages = warning" "DROP SCHEMA IF EXISTS $schema CASCADE" \
  "CREATE SCHEMA $schema" >/dev/null ||
  fail "cannot create the schema $schema as vigia_admin (service crime_admin)"

load "$three/villa_norte/barrios.geojson" vn_barrios
load "$three/villa_norte/incidentes.csv" vn_incidentes
load "$three/villa_norte/poblacion.geojson" vn_poblacion
load "$three/ville_haute/quartiers.geojson" vh_quartiers
load "$three/ville_haute/incidents.csv" vh_incidents
load "$three/ville_haute/population.geojson" vh_population
load "$three/porto_claro/bairros.geojson" pc_bairros
load "$three/porto_claro/ocorrencias.csv" pc_ocorrencias
load "$three/porto_claro/populacao.geojson" pc_populacao
load "$zapopan/zapopan.shp" zp_zapopan
load "$zapopan/delitos_zapopan_2014q1.csv" zp_delitos
load "$zapopan/servicios_zapopan.gpkg" zp_servicios servicios

# ---- vn_incidentes_quote: an offence label with an apostrophe, for the quoting of values.
# The category field of Villa Norte (alliance.toml: category = "delito"). The literal is
# written here, quotes doubled (standard_conforming_strings is on: backslashes are plain).
field=delito
label="Robo d'arma blanca"
literal="'${label//\'/\'\'}'"
[ "$(pg_admin_sql "SELECT count(*) FROM information_schema.columns WHERE table_schema = '$schema'
    AND table_name = 'vn_incidentes' AND column_name = '$field'")" = 1 ] ||
  fail "$schema.vn_incidentes has no column '$field' (the category of alliance.toml)"
pg_admin_sql >/dev/null <<EOF || fail "cannot create $schema.vn_incidentes_quote"
BEGIN;
CREATE TABLE $schema.vn_incidentes_quote AS SELECT * FROM $schema.vn_incidentes ORDER BY fid;
ALTER TABLE $schema.vn_incidentes_quote ADD PRIMARY KEY (fid);
UPDATE $schema.vn_incidentes_quote SET "$field" = $literal
  WHERE fid = (SELECT min(fid) FROM $schema.vn_incidentes_quote);
COMMIT;
EOF
got=$(pg_admin_sql "SELECT \"$field\" FROM $schema.vn_incidentes_quote ORDER BY fid LIMIT 1")
[ "$got" = "$label" ] || fail "vn_incidentes_quote's first $field is '$got', not \"$label\""
want=$(pg_admin_sql "SELECT count(*) FROM $schema.vn_incidentes")
got=$(pg_admin_sql "SELECT count(*) FROM $schema.vn_incidentes_quote")
[ "$got" = "$want" ] || fail "$schema.vn_incidentes_quote has $got rows, vn_incidentes $want"
say "$schema.vn_incidentes_quote: $got rows (vn_incidentes, first $field = \"$label\")"

pg_admin_sql "GRANT USAGE ON SCHEMA $schema TO analyst" \
  "GRANT SELECT ON ALL TABLES IN SCHEMA $schema TO analyst" >/dev/null ||
  fail "cannot grant $schema to analyst"
