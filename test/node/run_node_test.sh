#!/usr/bin/env bash
# Runs a node.js test for ctest: installs the npm packages of the test's directory into its
# node_modules (git-ignored) from its package-lock.json when they are missing or out of date,
# then runs the script with the given arguments and a temporary work directory, removed after:
#   run_node_test.sh <dir> <script.mjs> [args...]    runs: node <dir>/<script.mjs> args... <work>
# test/parquet (DuckDB) and test/clients (InfluxDB's client libraries) use it. Without node or npm
# the test is skipped (exit 77) on a developer's machine, but fails when CI is set: CI must not
# pass without these checks (scripts/deps.sh installs node there).
set -euo pipefail
dir="$(cd "$1" && pwd)"
script="$2"
shift 2

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "$script: node and npm are required in CI (scripts/deps.sh installs them)" >&2
    exit 1
  fi
  echo "$script: SKIPPED, node or npm not found"
  exit 77
fi

# One install at a time per directory (ctest may run several of its tests, or the release and
# asan trees' tests, side by side).
exec 9<"$dir/package.json"
flock 9
stamp="$dir/node_modules/.package-lock.installed"
if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
fi
flock -u 9

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$dir/$script" "$@" "$work"
