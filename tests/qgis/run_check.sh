#!/usr/bin/env bash
# The analyst's view of the outputs: runs the bundled demo (points and counts cities,
# categories, facilities, [publish]) into a fresh folder, then opens every GeoPackage it wrote
# in headless QGIS (check_outputs.py): each layer valid, its feature count, its default style
# applied and its field aliases set.
#   usage: run_check.sh path/to/vigia output-folder
set -euo pipefail
vigia=$1
out=$2
rm -rf "$out"
"$vigia" demo -o "$out" --quiet >/dev/null
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# Debian's PyQGIS is built for the system Python, whatever python3 comes first on PATH.
exec /usr/bin/python3 "$(dirname "$0")/check_outputs.py" --require-styles "$out"/*.gpkg
