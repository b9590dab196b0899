#!/usr/bin/env bash
# Write-path benchmarks on the TSBS cpu-only data set (../shared/bench):
#   1. line protocol parsing of the real file on one core (bench/line_protocol_benchmark);
#   2. end-to-end HTTP ingest into strata with a durable WAL (4 concurrent clients x 5,000 lines
#      per request by default), side by side with ClickHouse and DuckDB loading the same rows from
#      CSV (../shared/bench/ingest.mjs), repeated --repeat times with a fresh strata server and data
#      directory each time; reports medians, strata's ratio to each peer, the server's peak RSS and
#      its CPU time per row (steadier than rows/s on a shared machine).
# Copy the printed tables into docs/benchmarks.md.
#
# Usage: bench/ingest.sh [--repeat 5] [--engines strata,clickhouse,duckdb] [--no-parse]
#                        [--concurrency 4] [--batch-lines 5000] [other ingest.mjs options]
# Environment: BENCH_WORK (default .bench-work in the repository, git-ignored), and the data set
# parameters of ../shared/bench/setup.sh (BENCH_HOSTS, BENCH_HOURS, ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engines="strata,clickhouse,duckdb"
repeat=5
parse=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engines) engines="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --no-parse) parse=0; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
if ! [[ "$repeat" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/ingest.sh: --repeat must be a positive integer, got '$repeat'" >&2
  exit 2
fi

echo "== building (release) and preparing the data set"
"$root/scripts/build.sh" release strata line_protocol_benchmark >/dev/null
"$shared_bench/setup.sh" >/dev/null
lp_file="$BENCH_WORK/data/cpu.lp"

if [ "$parse" = 1 ]; then
  echo "== line protocol parsing, one core: $lp_file"
  STRATA_LP_BENCH_FILE="$lp_file" "$root/build/release/bench/line_protocol_benchmark" \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_min_time=1 2>&1 | grep -E "^BM_.*_median" || true
fi

port="${STRATA_BENCH_PORT:-18181}"
cleanup() {
  stop_strata_server
  if [[ ",$engines," == *",clickhouse,"* ]]; then
    "$shared_bench/peers/clickhouse/stop.sh" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [[ ",$engines," == *",clickhouse,"* ]]; then
  "$shared_bench/peers/clickhouse/start.sh" >/dev/null
fi

stamp="$(date -u +%Y-%m-%d-%H%M%S)"
runs_file="$BENCH_WORK/results/ingest-runs-$stamp.json"
echo "[" > "$runs_file"
for run in $(seq 1 "$repeat"); do
  echo "== ingest run $run of $repeat"
  strata_peak=null
  strata_rows=null
  strata_cpu=null
  if [[ ",$engines," == *",strata,"* ]]; then
    start_strata_server "$port" strata-data
  fi
  result="$BENCH_WORK/results/ingest-$stamp-run$run.json"
  STRATA_URL="http://127.0.0.1:$port" node "$shared_bench/ingest.mjs" --engines "$engines" \
    --out "$result" ${extra[@]+"${extra[@]}"} 2>&1 | grep -E "rows in|SKIPPED|rror" || true
  if [ -n "$server_pid" ]; then
    strata_peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
    # The server's CPU time (user + system) so far: CPU per row is steadier than rows/s on a
    # shared machine, and is what a cost like cache maintenance adds to.
    strata_cpu=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / tck}' \
      "/proc/$server_pid/stat")
    strata_rows=$(curl -sf --get "http://127.0.0.1:$port/api/v3/query_sql" \
      --data-urlencode db=bench --data-urlencode format=csv \
      --data-urlencode "q=SELECT count(*) FROM cpu" | tail -1 || echo null)
    wal_bytes=$(du -sb "$data_dir/wal" | cut -f1)
    echo "   strata: rows=$strata_rows peak RSS=$((strata_peak / 1024)) MiB WAL bytes=$wal_bytes"
    stop_strata_server
  fi
  [ "$run" -gt 1 ] && echo "," >> "$runs_file"
  printf '{"result": "%s", "strata_peak_rss_kib": %s, "strata_rows": %s, "strata_cpu_s": %s}\n' \
    "$result" "$strata_peak" "$strata_rows" "$strata_cpu" >> "$runs_file"
done
echo "]" >> "$runs_file"
node "$root/bench/ingest_summary.mjs" "$runs_file"
