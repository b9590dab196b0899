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
