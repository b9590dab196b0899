// The HTTP API: InfluxDB-compatible write endpoints (v3 write_lp, v2 write, v1 write), the SQL
// query endpoint (v3 query_sql), health and ping, snapshots on request, and debug views of the
// write buffer. Maps
// requests to the write path and statuses to HTTP codes and JSON error bodies the way InfluxDB 3
// does.
#pragma once

#include <functional>
#include <string>

#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "persist/snapshot_scheduler.h"
#include "query/query_engine.h"
#include "server/authenticator.h"
#include "server/http_types.h"
#include "server/query_api.h"
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

  write::WritePath* const write_path_;
  catalog::Catalog* const catalog_;
  buffer::WriteBuffer* const buffer_;
  QueryApi query_api_;
  std::function<int64_t()> clock_ns_;
  Authenticator auth_;
  persist::SnapshotScheduler* const snapshots_;
};

// The HTTP status for a request-level error status.
int HttpStatusFor(const absl::Status& status);

}  // namespace strata::server
