#!/usr/bin/env bash
# Restart time with persisted data and a WAL to replay (issue 4): a server is loaded with the TSBS
# cpu data set of ../shared/bench (864,000 rows of 2016) --copies times over, each copy with its
# own host names (persisted to Parquet files by the server's own snapshots, as their windows are
# long closed), and then with recent rows (timestamps two hours ahead, whose windows stay open, so
# they are only in the WAL and the buffer) until the WAL has grown by about --wal-mb MB.
# The server is then killed with SIGKILL and started again --repeat times; each start is timed
# until /health answers and until a query over all rows returns, and the log's recovery lines are
# shown. Prints the sizes (Parquet bytes, WAL bytes) and the median start time.
#
# Usage: bench/restart.sh [--copies 130] [--wal-mb 100] [--repeat 5]
# The defaults give about 1 GB of Parquet files (112 M rows, 13,000 hosts). Environment: BENCH_WORK.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

copies=130
wal_mb=100
repeat=5
while [ $# -gt 0 ]; do
  case "$1" in
    --copies) copies="$2"; shift 2 ;;
    --wal-mb) wal_mb="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/restart.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
for value in "$copies" "$wal_mb" "$repeat"; do
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench/restart.sh: --copies, --wal-mb and --repeat take positive integers, got '$value'" >&2
    exit 2
  fi
done

echo "== building (release) and preparing the data set"
"$root/scripts/build.sh" release strata >/dev/null
"$shared_bench/setup.sh" >/dev/null
port="${STRATA_BENCH_PORT:-18183}"
url="http://127.0.0.1:$port"
data_dir="$(mktemp -d "$BENCH_WORK/restart-XXXXXX")"
log="$data_dir.log"
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT

start() {
  "$root/build/release/strata" serve --without-auth --data-dir "$data_dir" \
    --http-bind "127.0.0.1:$port" --log-level info >>"$log" 2>&1 &
  server_pid=$!
}
wait_healthy() {
  for _ in $(seq 1 6000); do
    if curl -sf "$url/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "bench/restart.sh: strata did not answer on $url; log:" >&2
  tail -20 "$log" >&2
  exit 1
}
count_rows() {
  curl -sf --get "$url/api/v3/query_sql" --data-urlencode db=bench --data-urlencode format=csv \
    --data-urlencode "q=SELECT count(*) FROM cpu" | tail -1
}

start
wait_healthy
echo "== persisted part: the data set $copies times"
node "$root/bench/post_lp.mjs" --url "$url" --db bench --file "$BENCH_WORK/data/cpu.lp" \
  --copies "$copies"
curl -sf -X POST "$url/api/v3/snapshot" >/dev/null
echo "== recent part: until the WAL holds ${wal_mb} MB"
# Two hours ahead: windows that stay open for the whole run.
now_start="$(date -u -d "+2 hour" +%Y-%m-%dT%H:00:00Z)"
wal_bytes() { du -sb "$data_dir/wal" | cut -f1; }
wal_before=$(wal_bytes)
chunk_hours=0.25
offset=0
while [ $(($(wal_bytes) - wal_before)) -lt $((wal_mb * 1000 * 1000)) ]; do
  python3 "$shared_bench/gen_cpu.py" --hosts 1000 --hours "$chunk_hours" --seed $((offset + 7)) \
    --start "$(date -u -d "$now_start + $((offset * 15)) minutes" +%Y-%m-%dT%H:%M:%SZ)" --lp - |
    node "$root/bench/post_lp.mjs" --url "$url" --db bench >/dev/null
  offset=$((offset + 1))
done
parquet_bytes=$(du -sb "$data_dir/objects" | cut -f1)
rows_before="$(count_rows)"
files=$(find "$data_dir/objects/files" -name '*.parquet' | wc -l)
echo "   Parquet: $((parquet_bytes / 1000 / 1000)) MB in $files files; WAL: $(($(wal_bytes) / 1000 / 1000)) MB ($(((wal_before) / 1000 / 1000)) MB of it persisted, skipped on replay); rows: $rows_before"

times=()
for run in $(seq 1 "$repeat"); do
  kill -9 "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  : >"$log"
  t0=$(date +%s.%N)
  start
  wait_healthy
  t1=$(date +%s.%N)
  rows="$(count_rows)"
  t2=$(date +%s.%N)
  if [ "$rows" != "$rows_before" ]; then
    echo "bench/restart.sh: $rows rows after restart $run, $rows_before before" >&2
    exit 1
  fi
  health=$(echo "$t1 - $t0" | bc)
  first_query=$(echo "$t2 - $t1" | bc)
  times+=("$health")
  echo "   start $run: healthy after ${health} s; count(*) of $rows rows then took ${first_query} s"
  grep -E "file index|recovered|WAL replayed" "$log" | sed 's/^/     /' | head -5
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "== median start time over $repeat starts: ${median} s (Parquet $((parquet_bytes / 1000 / 1000)) MB, WAL $(($(wal_bytes) / 1000 / 1000)) MB)"
