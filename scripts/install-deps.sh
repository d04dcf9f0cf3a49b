#!/usr/bin/env bash
# Installs the Debian 12 packages Vigía builds and runs with (`make demo`), and with --test
# also those only the test suite needs (`make test`); only those missing. Idempotent and
# silent when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin          # GDAL/OGR: every vector and raster input and output
  libgeos-dev                   # GEOS: MakeValid, clipping cells to the boundary, prepared predicates
  libproj-dev                   # PROJ: coordinate transformations (through OGR)
  libboost-dev                  # Boost.Geometry: rtree and point-in-polygon in the hot loops
  libcli11-dev                  # CLI11: subcommand parsing
  libtomlplusplus-dev           # toml++: manifest parsing with line numbers
  libfmt-dev                    # fmt: message formatting
  libcairo2-dev fonts-dejavu-core  # cairo: PNG maps (io/map_render), drawn in DejaVu Sans
  libpq-dev                     # libpq: the PostgreSQL/PostGIS output (io/postgis: COPY, the atomic swap)
  libgtest-dev                  # GoogleTest: the test suite (built with the rest)
  libbenchmark-dev              # Google Benchmark: bench/ (built with the rest)
)
test_packages=(
  python3-qgis                  # PyQGIS: the test that opens every output as QGIS would
  clang-14 libclang-rt-14-dev   # clang's libFuzzer: the fuzz targets of tests/fuzz/
  clang-format                  # the format check of `make test` (.clang-format)
  parallel                      # GNU Parallel: the plan | parallel | merge test
  slurm-wlm munge               # the single-node Slurm cluster of tests/slurm/ (slurmctld, slurmd, sbatch)
  python3-yaml                  # PyYAML: the structure check of deploy/k8s/ (tests/k8s/)
  chromium                      # headless browser of the report tests, tests/browser
  nodejs                        # Node.js: runs tests/browser/check_report.mjs (playwright-core)
  postgresql-15-postgis-3       # PostgreSQL 15 + PostGIS 3.3: the server of tests/postgis/
)
test_mode=0
if [ "${1:-}" = "--test" ]; then
  test_mode=1
  packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# apt-get install, as root or through sudo; the package lists are updated once, first.
updated=0
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "vigia: need root or sudo to install: $*" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ $updated -eq 0 ]; then
    $sudo apt-get update -qq
    updated=1
  fi
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "vigia: installing missing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi

# npm, for `npm ci` in tests/browser (make deps-browser). NodeSource's nodejs bundles its own
# npm and conflicts with Debian's npm package, so Debian's is installed only when, after the
# step above, no npm is on the PATH.
if [ $test_mode -eq 1 ] && ! command -v npm >/dev/null; then
  echo "vigia: installing missing Debian packages: npm"
  apt_install npm
fi
