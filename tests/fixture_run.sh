#!/bin/sh
# A CTest fixture: runs a command once for the whole suite, keeping its output folder and
# its stdout, stderr and exit code beside it (DIR.out, DIR.err, DIR.rc) for the tests that
# read them (tests/cli/cli_helpers.hpp shared_run). Fails unless the exit code is EXPECTED.
#   usage: fixture_run.sh DIR EXPECTED command args...
dir=$1
expected=$2
shift 2
rm -rf "$dir" "$dir.out" "$dir.err" "$dir.rc"
mkdir -p "$(dirname "$dir")"
"$@" >"$dir.out" 2>"$dir.err"
rc=$?
echo "$rc" >"$dir.rc"
if [ "$rc" != "$expected" ]; then
  echo "fixture_run: exit code $rc, expected $expected" >&2
  cat "$dir.err" >&2
  exit 1
fi
