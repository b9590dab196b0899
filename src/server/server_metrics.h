// The server's metrics, served by GET /metrics in the Prometheus text format: what the HTTP API
// counts itself (requests by route and status, write bytes and errors, queries by result, query
// latency, running queries) and callback series reading the components' own stats at scrape time
// (write path, WAL, write buffer, snapshots, Parquet files, file cache, trace export).
// docs/http_api.md lists every series.
//
// Hooks for other components: anything with counters of its own registers callback series on
// registry() (Registry::AddCallbackCounter / AddCallbackGauge) when the server wires it, e.g.
//   strata_queries_queued                 queries waiting for admission (query admission)
//   strata_cache_requests_total{cache="last_value"|"distinct_value",result="hit"|"miss"}
// following the naming rules below. Names: strata_ prefix, base units in the name (_seconds,
// _bytes), _total on counters.
#pragma once

#include <string_view>

#include "common/metrics.h"

namespace strata::buffer {
class WriteBuffer;
}
namespace strata::observe {
class SpanExporter;
}
namespace strata::persist {
class ParquetFileCache;
class Persister;
class SnapshotScheduler;
}  // namespace strata::persist
namespace strata::wal {
class Wal;
}
namespace strata::write {
class WritePath;
}
namespace strata::exec {
class MemoryPool;
}

namespace strata::server {

// The series the API updates as it serves requests. Thread-safe (the metrics are atomics).
class ServerMetrics {
 public:
  // Registers the API's own series on `registry`, which must outlive this object.
  explicit ServerMetrics(metrics::Registry* registry);

  metrics::Registry* registry() const { return registry_; }

  // Counts one answered request: strata_http_requests_total{method,path,status}. Paths outside
  // the API's routes are counted as path="other" so clients cannot grow the series without
  // bound.
  void RecordHttpRequest(std::string_view method, std::string_view path, int status) const;

  // Bytes of line protocol received by the write endpoints (after decompression).
  metrics::Counter* const write_bytes;
  // Requests to the write endpoints answered with an error status (4xx or 5xx), partial writes
  // included (Api::Handle counts them).
  metrics::Counter* const write_errors;
  // SQL queries by outcome, and their duration from request to the last byte of the result.
  metrics::Counter* const queries_ok;
  metrics::Counter* const queries_error;
  metrics::Histogram* const query_duration_seconds;
  metrics::Gauge* const queries_active;
  // Observed by the WAL (WalOptions::fsync_seconds).
  metrics::Histogram* const wal_fsync_seconds;

 private:
  metrics::Registry* const registry_;
};

// The components whose stats /metrics reports; a null one is left out.
struct MetricSources {
  const write::WritePath* write_path = nullptr;
  const wal::Wal* wal = nullptr;
  const buffer::WriteBuffer* buffer = nullptr;
  const persist::SnapshotScheduler* snapshots = nullptr;
  const persist::Persister* persister = nullptr;
  const persist::ParquetFileCache* file_cache = nullptr;
  const exec::MemoryPool* query_memory = nullptr;
  const observe::SpanExporter* span_exporter = nullptr;
};

// Registers callback series on `registry` that read `sources` when it renders. The sources must
// outlive every Render call (the server stops HTTP before destroying them).
void RegisterComponentMetrics(metrics::Registry* registry, const MetricSources& sources);

}  // namespace strata::server
