// The HTTP API: InfluxDB-compatible write endpoints (v3 write_lp, v2 write, v1 write), health
// and ping, and debug views of the write buffer. Maps requests to the write path and statuses
// to HTTP codes and JSON error bodies the way InfluxDB 3 does.
#pragma once

#include <functional>
#include <string>

#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "server/http_types.h"
#include "write/write_path.h"

namespace strata::server {

// Dispatches requests by path. Thread-safe; the components must outlive it.
class Api {
 public:
  // `clock_ns` returns the server time in ns since the epoch (injectable for tests).
  Api(write::WritePath* write_path,
      catalog::Catalog* catalog,
      buffer::WriteBuffer* buffer,
      std::function<int64_t()> clock_ns);

  void Handle(const HttpRequest& request, HttpResponse* response) const;

 private:
  // Which write endpoint a request came in on; decides defaults and error shapes.
  enum class WriteApi { kV3, kV2, kV1 };

  void HandleWrite(WriteApi api, const HttpRequest& request, HttpResponse* response) const;
  void HandlePing(HttpResponse* response) const;
  void HandleDebugBuffer(const HttpRequest& request, HttpResponse* response) const;
  void HandleDebugRows(const HttpRequest& request, HttpResponse* response) const;

  write::WritePath* const write_path_;
  catalog::Catalog* const catalog_;
  buffer::WriteBuffer* const buffer_;
  std::function<int64_t()> clock_ns_;
};

// The HTTP status for a request-level error status.
int HttpStatusFor(const absl::Status& status);

}  // namespace strata::server
