// The strata server process: opens the data directory (catalog, WAL, write buffer, the object
// store's file index), replays the WAL, persists the buffer to Parquet files in the background,
// and serves the HTTP API until asked to stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "query/query_log.h"

namespace strata::server {

// Every setting of `strata serve`; docs/configuration.md lists them with their defaults.
struct ServerOptions {
  std::string data_dir = "./data";
  std::string http_bind = "127.0.0.1:8181";
  int http_threads = 0;  // 0: max(4, 2 x cores)
  uint64_t max_http_request_size = 10ull << 20;
  std::chrono::microseconds wal_flush_interval{0};
  uint64_t wal_max_segment_size = 64ull << 20;
  uint64_t write_buffer_limit = 0;  // 0: the write buffer's default
  // The time window size (--gen1-duration, alias --partition-duration): the width of write
  // buffer partitions and of Parquet files, and how long a window stays in the buffer after it
  // ends before it is persisted.
  int64_t gen1_duration_ns = 600'000'000'000;
  // Where Parquet files and the file index go: "file" (<data_dir>/objects) or "memory" (lost on
  // exit; for tests).
  std::string object_store = "file";
  // Memory for Parquet files kept open for queries (0: none are kept).
  uint64_t parquet_mem_cache_size = 0;
  // Most Parquet files one table scan may read (0: no limit); a query needing more fails.
  int64_t query_file_limit = 100'000;
  // How often the snapshot thread looks for windows to persist. Zero: never; snapshots then
  // happen only under memory pressure and on POST /api/v3/snapshot.
  std::chrono::nanoseconds snapshot_check_interval = std::chrono::seconds(1);
  // Whether the snapshot thread merges the files of a window written by several snapshots into
  // one (--disable-compaction turns it off).
  bool compaction = true;
  int max_databases = 0;  // 0: the catalog's default
  int max_tables = 0;
  int max_columns_per_table = 0;
  // Memory all running queries together may reserve for sorts, aggregations, join build sides
  // and window functions (exec/memory_pool.h), --exec-mem-pool-bytes; and the part of it one
  // query may reserve, --query-memory-limit. A query that needs more fails. 0: no limit.
  uint64_t exec_mem_pool_bytes = 0;
  uint64_t query_memory_limit = 0;
  // Queries running at once (0: 2 x cores), queries waiting for them (-1: max(100, 50 x
  // max_concurrent_queries)); beyond both, 503.
  int max_concurrent_queries = 0;
  int query_queue_size = -1;
  // A query taking longer is cancelled (0: no limit).
  std::chrono::nanoseconds query_timeout{0};
  // Queries kept in system.queries.
  int query_log_size = 1000;
  // Partitions a query's scans may be split into (0: one per core), and the rows a scan must
  // expect per partition before it uses more than one (0: exec::kDefaultMinRowsPerPartition).
  int query_partitions = 0;
  int64_t query_min_rows_per_partition = 0;
  // Token authentication (docs/http_api.md, "Authentication"): on unless --without-auth.
  bool auth_enabled = true;
  // --disable-authz: resources that need no token ("health", "ping", "metrics").
  std::set<std::string> disabled_authz;
  // --auth-token: one pre-shared admin token accepted besides the catalog's (empty: none). Only
  // its hash is kept once the server is open.
  std::string auth_token;
  // Where query traces go: "none", "otlp-file" (OTLP/JSON lines appended to
  // traces_exporter_file) or "otlp-http" (POSTed to traces_exporter_otlp_endpoint).
  std::string traces_exporter = "none";
  std::string traces_exporter_file;
  std::string traces_exporter_otlp_endpoint;
  // Traces waiting to be exported beyond this many are dropped (and counted).
  int traces_exporter_max_queued = 1024;
};

class Server {
 public:
  // Opens the data directory (taking an exclusive lock on it so two servers cannot share it),
  // loads the catalog and the file index, and replays the WAL.
  static absl::StatusOr<std::unique_ptr<Server>> Open(const ServerOptions& options);
  ~Server();

  // Starts the snapshot thread and serves HTTP. Returns once the port accepts connections.
  absl::Status Start();
  // The HTTP port actually bound (useful with port 0).
  uint16_t port() const;
  // Query counters (running, queued, rejected, outcomes, latency) for /metrics; thread-safe.
  query::QueryStats query_stats() const;
  // Stops HTTP, then the snapshot thread (after a snapshot in progress ends), makes the WAL
  // durable and closes it. Idempotent.
  absl::Status Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits "host:port" (IPv6 as "[::1]:8181"). Port 0 is allowed.
absl::Status ParseBindAddress(const std::string& bind, std::string* host, uint16_t* port);

}  // namespace strata::server
