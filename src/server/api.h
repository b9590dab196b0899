// The HTTP API: InfluxDB-compatible write endpoints (v3 write_lp, v2 write, v1 write), the SQL
// query endpoint (v3 query_sql), health and ping, Prometheus metrics (/metrics), snapshots on
// request, and debug views of the write buffer. Maps
// requests to the write path and statuses to HTTP codes and JSON error bodies the way InfluxDB 3
// does.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "buffer/write_buffer.h"
#include "cache/cache_manager.h"
#include "catalog/catalog.h"
#include "persist/snapshot_scheduler.h"
#include "query/query_engine.h"
#include "server/authenticator.h"
#include "server/http_types.h"
#include "server/query_api.h"
#include "server/server_metrics.h"
#include "write/write_path.h"

namespace strata::server {

// Dispatches requests by path. Thread-safe; the components must outlive it.
class Api {
 public:
  // `clock_ns` returns the server time in ns since the epoch (injectable for tests). `auth`
  // decides which requests need a token (server/authenticator.h; the default lets every request
  // through). `snapshots` serves POST /api/v3/snapshot (null: the endpoint answers 501).
  Api(write::WritePath* write_path,
      catalog::Catalog* catalog,
      buffer::WriteBuffer* buffer,
      const query::QueryEngine* query_engine,
      std::function<int64_t()> clock_ns,
      AuthOptions auth = {},
      persist::SnapshotScheduler* snapshots = nullptr);

  void Handle(const HttpRequest& request, HttpResponse* response) const;

  // Serves /api/v3/configure/last_cache and /api/v3/configure/distinct_cache with `caches`
  // (without it they answer 501). Call before the first request; `caches` must outlive this.
  void SetCaches(cache::CacheManager* caches) { caches_ = caches; }
  // Sets how queries are admitted, limited and logged (server/query_api.h). Call before serving.
  void ConfigureQueries(QueryApiOptions options) { query_api_.Configure(std::move(options)); }
  // Query counters (running, queued, rejected, outcomes, latency) for /metrics; thread-safe.
  query::QueryStats query_stats() const { return query_api_.stats(); }
  // Refuses queued and new queries and cancels running ones; call before the HTTP server stops.
  // Also ends cache fills that create requests are running (they answer with the cache made
  // but incomplete).
  void ShutdownQueries() {
    stopping_.store(true);
    query_api_.Shutdown();
  }
  // Turns on GET /metrics (rendering `metrics`' registry) and the request, write and query
  // series, and exports the traces of SQL queries through `exporter` (null: not exported). Call
  // before serving; both must outlive the Api.
  void SetObservability(const ServerMetrics* metrics, observe::SpanExporter* exporter);

 private:
  // Which write endpoint a request came in on; decides defaults and error shapes.
  enum class WriteApi { kV3, kV2, kV1 };

  void HandleWrite(WriteApi api, const HttpRequest& request, HttpResponse* response) const;
  void HandlePing(HttpResponse* response) const;
  // POST /api/v3/configure/token/admin: creates the operator token, without a token while there
  // is none (how the first one is made; with --auth-token, the pre-shared token is needed), 409
  // once there is one.
  void HandleCreateAdminToken(const HttpRequest& request, HttpResponse* response) const;
  // POST /api/v3/configure/token/admin/regenerate (authenticated): a new operator token; the old
  // one is refused from then on.
  void HandleRegenerateAdminToken(HttpResponse* response) const;
  // POST /api/v3/snapshot: persists everything buffered.
  void HandleSnapshot(HttpResponse* response) const;
  void HandleDebugBuffer(const HttpRequest& request, HttpResponse* response) const;
  void HandleDebugRows(const HttpRequest& request, HttpResponse* response) const;
  // POST (create) and DELETE on /api/v3/configure/last_cache (`last`) or distinct_cache
  // (cache_api.cc).
  void HandleConfigureCache(bool last, const HttpRequest& request, HttpResponse* response) const;
  // Routes a request (Handle counts it afterwards).
  void Dispatch(const HttpRequest& request, HttpResponse* response) const;

  write::WritePath* const write_path_;
  catalog::Catalog* const catalog_;
  buffer::WriteBuffer* const buffer_;
  QueryApi query_api_;
  std::function<int64_t()> clock_ns_;
  Authenticator auth_;
  persist::SnapshotScheduler* const snapshots_;
  const query::QueryEngine* const query_engine_;
  cache::CacheManager* caches_ = nullptr;
  // Serializes cache creation and deletion, so the catalog and the cache manager change in the
  // same order.
  mutable std::mutex cache_config_mutex_;
  std::atomic<bool> stopping_{false};
  const ServerMetrics* metrics_ = nullptr;
};

// The HTTP status for a request-level error status.
int HttpStatusFor(const absl::Status& status);

}  // namespace strata::server
