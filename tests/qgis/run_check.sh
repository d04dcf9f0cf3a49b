#!/usr/bin/env bash
# The analyst's view of the outputs: the bundled demo's outputs (points and counts cities,
# categories, facilities, [publish]; written once per suite by the fixture.demo test) are
# checked against the standard (GDAL's validate_gpkg), then opened in headless QGIS
# (check_outputs.py): each layer valid, its feature count, its default style applied and its
# field aliases set.
#   usage: run_check.sh demo-output-folder
set -euo pipefail
out=$1
[ -d "$out" ] || { echo "run_check: no demo outputs in $out (run through ctest)" >&2; exit 1; }
# GDAL's own validator of the GeoPackage standard (python3-gdal, with gdal-bin): tables,
# extensions (layer_styles, gpkg_data_columns, R-trees) and geometry encoding.
# The illustrative programme city (generated data) of the demo is checked too: its layers
# (interventions, intervention_effects, intervention_series, what_works) are the only ones
# that show the programme evaluation's styles and aliases.
gpkgs=("$out"/*.gpkg)
[ -d "$out/illustrative" ] && gpkgs+=("$out"/illustrative/*.gpkg)
for f in "${gpkgs[@]}"; do
  /usr/bin/python3 -m osgeo_utils.samples.validate_gpkg "$f" || { echo "invalid: $f" >&2; exit 1; }
done
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# Debian's PyQGIS is built for the system Python, whatever python3 comes first on PATH.
exec /usr/bin/python3 "$(dirname "$0")/check_outputs.py" --require-styles "${gpkgs[@]}"
