#!/usr/bin/env bash
# Ingest benchmark: end-to-end HTTP ingest of the TSBS cpu-only data set into strata with a
# durable WAL (4 concurrent clients x 5,000 lines per request by default), side by side with
# ClickHouse and DuckDB loading the same rows from CSV (../shared/bench/ingest.mjs), plus the
# server's peak memory. Prints a table; copy it into docs/benchmarks.md.
#
# Usage: bench/ingest.sh [--engines strata,clickhouse,duckdb] [--concurrency 4] [--batch-lines 5000]
# Environment: BENCH_WORK (default .bench-work in the repository, git-ignored), and the data set
# parameters of ../shared/bench/setup.sh (BENCH_HOSTS, BENCH_HOURS, ...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared_bench="$(cd "$root/../shared/bench" && pwd)"
export BENCH_WORK="${BENCH_WORK:-$root/.bench-work}"
mkdir -p "$BENCH_WORK"

engines="strata,clickhouse,duckdb"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engines) engines="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

"$root/scripts/build.sh" release strata >/dev/null
"$shared_bench/setup.sh" >/dev/null

data_dir="$(mktemp -d "$BENCH_WORK/strata-data-XXXXXX")"
port="${STRATA_BENCH_PORT:-18181}"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

if [[ ",$engines," == *",strata,"* ]]; then
  "$root/build/release/strata" serve --data-dir "$data_dir" --http-bind "127.0.0.1:$port" \
    --log-level warn &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
if [[ ",$engines," == *",clickhouse,"* ]]; then
  "$shared_bench/peers/clickhouse/start.sh" >/dev/null
fi

STRATA_URL="http://127.0.0.1:$port" node "$shared_bench/ingest.mjs" --engines "$engines" \
  "${extra[@]}"

if [ -n "$server_pid" ]; then
  peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
  rows=$(curl -s "http://127.0.0.1:$port/api/v3/debug/buffer?db=bench" | \
         node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);let n=0;for(const d of j.databases)for(const t of d.tables)n+=t.rows;console.log(n)}catch(e){console.log("?")}})')
  wal_bytes=$(du -sb "$data_dir/wal" | cut -f1)
  echo "strata: rows in buffer=$rows peak RSS=$((peak_kib / 1024)) MiB WAL bytes=$wal_bytes"
fi
if [[ ",$engines," == *",clickhouse,"* ]]; then
  "$shared_bench/peers/clickhouse/stop.sh" >/dev/null || true
fi
