#!/usr/bin/env bash
# InfluxQL vs SQL: the TSBS cpu-only query shapes in InfluxQL (as TSBS writes them for InfluxDB)
# next to the same queries in SQL, on one strata server (bench/influxql.mjs says how they are
# run, timed and checked):
#   1. builds Release strata and prepares the data set (../shared/bench/setup.sh);
#   2. starts a strata server on a fresh data directory and ingests the data set; with --data
#      files (the default) it persists it to Parquet first, with --data buffer queries read the
#      write buffer;
#   3. runs bench/influxql.mjs and prints the markdown table for docs/benchmarks.md.
#
# Usage: bench/influxql.sh [--data files|buffer] [--rounds 10] [--types a,b]
# Environment: BENCH_WORK (default .bench-work in the repository, git-ignored), the data set
# parameters of ../shared/bench/setup.sh, STRATA_BENCH_PORT (18181).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data=files
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
if [ "$data" != files ] && [ "$data" != buffer ]; then
  echo "bench/influxql.sh: --data takes 'files' or 'buffer', got '$data'" >&2
  exit 2
fi

echo "== building (release) and preparing the data set"
"$root/scripts/build.sh" release strata >/dev/null
"$shared_bench/setup.sh" --no-install >/dev/null

port="${STRATA_BENCH_PORT:-18181}"
trap stop_strata_server EXIT
start_loaded_strata_server "$port" strata-influxql "$data"

echo "== queries"
STRATA_URL="http://127.0.0.1:$port" node "$root/bench/influxql.mjs" ${extra[@]+"${extra[@]}"}
