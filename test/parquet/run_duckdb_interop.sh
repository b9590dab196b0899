#!/usr/bin/env bash
# Runs a DuckDB check of this directory for ctest: installs @duckdb/node-api into
# test/parquet/node_modules (git-ignored) from package-lock.json when it is missing or out of
# date, then runs the script with the given arguments and a temporary directory:
#   run_duckdb_interop.sh duckdb_interop.mjs <parquet_interop_tool>
#   run_duckdb_interop.sh query_parquet_duckdb.mjs <strata binary>
# Without node or npm the test is skipped (exit 77) on a developer's machine, but fails when CI is
# set: CI must not pass without the DuckDB check (scripts/deps.sh installs node there).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$1"
shift

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "$script: node and npm are required in CI (scripts/deps.sh installs them)" >&2
    exit 1
  fi
  echo "$script: SKIPPED, node or npm not found"
  exit 77
fi

# One install at a time (ctest may run the release and asan trees' tests side by side).
exec 9<"$here/package.json"
flock 9
stamp="$here/node_modules/.package-lock.installed"
if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  cp "$here/package-lock.json" "$stamp"
fi
flock -u 9

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$here/$script" "$@" "$work"
