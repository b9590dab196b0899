# Shared by the benchmark scripts (source it): paths, and a strata server on a fresh data
# directory. Sets root, shared_bench and BENCH_WORK (default .bench-work in the repository,
# git-ignored).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared_bench="$(cd "$root/../shared/bench" && pwd)"
export BENCH_WORK="${BENCH_WORK:-$root/.bench-work}"
mkdir -p "$BENCH_WORK/results"

server_pid=""
data_dir=""

# start_strata_server PORT PREFIX [SERVE FLAGS...]: starts build/release/strata on
# 127.0.0.1:PORT with a new data directory $BENCH_WORK/PREFIX-XXXXXX (in $data_dir) and waits until
# it answers /health. It runs --without-auth: benchmarks measure the engine, and nothing but the
# benchmark can reach it.
start_strata_server() {
  data_dir="$(mktemp -d "$BENCH_WORK/$2-XXXXXX")"
  "$root/build/release/strata" serve --without-auth --data-dir "$data_dir" \
    --http-bind "127.0.0.1:$1" --log-level warn "${@:3}" &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "$(basename "$0"): strata did not start on port $1" >&2
  exit 1
}

# stop_strata_server: stops the server and removes its data directory.
stop_strata_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [ -n "$data_dir" ]; then rm -rf "$data_dir"; data_dir=""; fi
}

# start_loaded_strata_server PORT PREFIX files|buffer: starts a server (start_strata_server) and
# ingests the TSBS data set into its database "bench" with ../shared/bench/ingest.mjs. With
# `files`, it then persists the write buffer to Parquet (POST /api/v3/snapshot) and waits until
# compaction is done, so that queries read files; with `buffer` the server never snapshots and
# queries read the write buffer. Prints the Parquet file count at the end.
start_loaded_strata_server() {
  local port="$1" prefix="$2" data="$3"
  echo "== strata: fresh server on 127.0.0.1:$port, ingesting the data set"
  if [ "$data" = buffer ]; then
    start_strata_server "$port" "$prefix" --snapshot-check-interval 0
  else
    start_strata_server "$port" "$prefix"
  fi
  STRATA_URL="http://127.0.0.1:$port" node "$shared_bench/ingest.mjs" --engines strata \
    --out "$BENCH_WORK/results/$prefix-ingest-$(date -u +%Y-%m-%d-%H%M%S).json" 2>&1 |
    grep -E "rows in|SKIPPED|rror" || true
  local files_sql="SELECT count(*) AS files, sum(row_count) AS rows FROM system.parquet_files"
  files_now() {
    curl -sf --get "http://127.0.0.1:$port/api/v3/query_sql" --data-urlencode db=bench \
      --data-urlencode "q=$files_sql" --data-urlencode format=jsonl
  }
  if [ "$data" = files ]; then
    echo "== strata: persisting the write buffer: $(curl -sf -XPOST \
      "http://127.0.0.1:$port/api/v3/snapshot")"
    # The snapshot thread compacts windows written by several snapshots once it is idle: wait
    # until the file count holds still for two seconds (at most a minute).
    local last="" stable=0 now
    for _ in $(seq 1 60); do
      now="$(files_now)"
      if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
      [ "$stable" -ge 2 ] && break
      last="$now"
      sleep 1
    done
  fi
  echo "== strata: Parquet files: $(files_now)"
}
