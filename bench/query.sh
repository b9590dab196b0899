#!/usr/bin/env bash
# Query benchmarks on the TSBS cpu-only data set (../shared/bench), side by side with DuckDB and
# ClickHouse in one run:
#   1. builds Release strata, prepares the data set, loads the peers when their data is missing;
#   2. starts a strata server on a fresh data directory and ingests the line protocol into it;
#      with --data files (the default) it then persists everything to Parquet files
#      (POST /api/v3/snapshot), so queries read files; with --data buffer the server never
#      snapshots and queries read the write buffer;
#   3. runs ../shared/bench/run.mjs (every query type, --rounds timed rounds of every instance,
#      results checked against DuckDB) and the time to first byte of `SELECT 1` over HTTP;
#   4. prints the markdown table for docs/benchmarks.md (bench/query_summary.mjs).
# With --caches, strata gets a last-value cache (cpu by hostname, count 1) and a distinct-value
# cache (cpu hostname) before the queries, so that lastpoint and SELECT DISTINCT hostname are
# answered from them (the optimizer's cache rewrites), and two query types are added:
# distinct-hostname (all engines) and distinct-cache (strata's distinct_cache()).
#
# Usage: bench/query.sh [--engines strata,duckdb,clickhouse] [--rounds 5] [--ttfb-requests 50]
#                       [--data files|buffer] [--caches]
#                       [other run.mjs options, e.g. --types lastpoint,high-cpu-all]
# Environment: BENCH_WORK (default .bench-work in the repository, git-ignored), and the data set
# parameters of ../shared/bench/setup.sh (BENCH_HOSTS, BENCH_HOURS, ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engines="strata,duckdb,clickhouse"
rounds=5
ttfb_requests=50
data=files
caches=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engines) engines="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --ttfb-requests) ttfb_requests="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --caches) caches=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
for value in "$rounds" "$ttfb_requests"; do
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench/query.sh: --rounds and --ttfb-requests take a positive integer, got '$value'" >&2
    exit 2
  fi
done
if [ "$data" != files ] && [ "$data" != buffer ]; then
  echo "bench/query.sh: --data takes 'files' or 'buffer', got '$data'" >&2
  exit 2
fi
has() { [[ ",$engines," == *",$1,"* ]]; }

echo "== building (release) and preparing the data set"
"$root/scripts/build.sh" release strata >/dev/null
"$shared_bench/setup.sh" >/dev/null

port="${STRATA_BENCH_PORT:-18181}"
cleanup() {
  stop_strata_server
  if has clickhouse; then "$shared_bench/peers/clickhouse/stop.sh" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if has clickhouse; then
  echo "== ClickHouse"
  "$shared_bench/peers/clickhouse/start.sh" >/dev/null
  if ! curl -sf "http://127.0.0.1:18123/?query=SELECT%20count()%20FROM%20cpu" >/dev/null 2>&1; then
    "$shared_bench/peers/clickhouse/load.sh"
  fi
fi
if has duckdb && [ ! -s "$BENCH_WORK/duckdb/cpu.duckdb" ]; then
  echo "== DuckDB"
  node "$shared_bench/peers/duckdb/load.mjs"
fi

if has strata; then
  start_loaded_strata_server "$port" strata-query "$data"
  if [ "$caches" = 1 ]; then
    for body in '{"db":"bench","table":"cpu","key_columns":["hostname"],"count":1}' \
                '{"db":"bench","table":"cpu","columns":["hostname"]}'; do
      kind=last_cache
      [[ "$body" == *'"columns"'* ]] && kind=distinct_cache
      echo "== strata: $kind $(curl -s -XPOST -H 'Content-Type: application/json' \
        "http://127.0.0.1:$port/api/v3/configure/$kind" -d "$body")"
    done
  fi
fi

if [ "$caches" = 1 ]; then
  # The query file with the two distinct types added.
  queries="$BENCH_WORK/queries-caches.json"
  node -e '
    const fs = require("fs");
    const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const sql = "SELECT DISTINCT hostname FROM cpu ORDER BY hostname";
    const n = Object.values(doc.types)[0].instances.length;
    doc.types["distinct-hostname"] = {
      description: "the distinct hostnames (strata: answered by the distinct-value cache)",
      instances: Array.from({ length: n }, () => ({ strata: sql, duckdb: sql, clickhouse: sql })),
    };
    doc.types["distinct-cache"] = {
      description: "the distinct hostnames from distinct_cache() (strata only)",
      engines: ["strata"],
      compare_with: "distinct-hostname",
      instances: Array.from({ length: n }, () => ({
        strata: "SELECT hostname FROM distinct_cache(\x27cpu\x27) ORDER BY hostname" })),
    };
    fs.writeFileSync(process.argv[2], JSON.stringify(doc));
  ' "$BENCH_WORK/queries.json" "$queries"
  extra+=(--queries "$queries")
fi

stamp="$(date -u +%Y-%m-%d-%H%M%S)"
result="$BENCH_WORK/results/query-$stamp.json"
echo "== queries: $engines, $rounds rounds"
status=0
STRATA_URL="http://127.0.0.1:$port" node "$shared_bench/run.mjs" --engines "$engines" \
  --rounds "$rounds" --out "$result" ${extra[@]+"${extra[@]}"} >/dev/null || status=$?

ttfb_file=""
if has strata; then
  echo "== time to first byte of SELECT 1 over HTTP, $ttfb_requests requests"
  ttfb_file="$BENCH_WORK/results/query-ttfb-$stamp.txt"
  : > "$ttfb_file"
  for _ in $(seq 1 "$ttfb_requests"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' \
      "http://127.0.0.1:$port/api/v3/query_sql?db=bench&q=SELECT%201" >> "$ttfb_file"
  done
fi
node "$root/bench/query_summary.mjs" "$result" $ttfb_file
if [ "$status" != 0 ]; then
  echo "bench/query.sh: run.mjs exited with status $status (a failed query or a result mismatch)" >&2
fi
exit "$status"
