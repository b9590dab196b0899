// The series of GET /metrics and where their values come from.
#include "server/server_metrics.h"

#include <array>
#include <string>

#include "buffer/write_buffer.h"
#include "exec/memory_pool.h"
#include "observe/span_exporter.h"
#include "persist/file_cache.h"
#include "persist/persister.h"
#include "persist/snapshot_scheduler.h"
#include "wal/wal.h"
#include "write/write_path.h"

namespace strata::server {
namespace {

// The paths counted under their own name; others are "other".
constexpr std::array<std::string_view, 15> kRoutes = {
    "/api/v3/write_lp",
    "/api/v2/write",
    "/write",
    "/api/v3/query_sql",
    "/api/v3/query_influxql",
    "/query",
    "/health",
    "/api/v1/health",
    "/ping",
    "/metrics",
    "/api/v3/snapshot",
    "/api/v3/debug/buffer",
    "/api/v3/debug/rows",
    "/api/v3/configure/database",
    "/api/v3/configure/table",
};

// Methods counted under their own name; others are "other".
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) {
      return known;
    }
  }
  return "other";
}

}  // namespace

ServerMetrics::ServerMetrics(metrics::Registry* registry)
    : write_bytes(registry->GetCounter(
          "strata_write_bytes_total",
          "Bytes of line protocol received by the write endpoints, after decompression.")),
      write_errors(
          registry->GetCounter("strata_write_errors_total",
                               "Write requests answered with an error status (partial writes "
                               "included).")),
      queries_ok(registry->GetCounter(
          "strata_queries_total", "SQL queries by outcome.", {{"result", "ok"}})),
      queries_error(registry->GetCounter(
          "strata_queries_total", "SQL queries by outcome.", {{"result", "error"}})),
      query_duration_seconds(registry->GetHistogram(
          "strata_query_duration_seconds",
          "SQL query duration, from the request to the last byte of the result.",
          metrics::LatencyBucketsSeconds())),
      queries_active(
          registry->GetGauge("strata_queries_active", "SQL queries running or streaming now.")),
      wal_fsync_seconds(registry->GetHistogram("strata_wal_fsync_duration_seconds",
                                               "Duration of the WAL's fsync of a commit group.",
                                               metrics::LatencyBucketsSeconds())),
      registry_(registry) {}

void ServerMetrics::RecordHttpRequest(std::string_view method,
                                      std::string_view path,
                                      int status) const {
  std::string_view route = "other";
  for (std::string_view known : kRoutes) {
    if (path == known) {
      route = known;
    }
  }
  registry_
      ->GetCounter("strata_http_requests_total",
                   "HTTP requests answered, by method, route and status code.",
                   {{"method", std::string(MethodLabel(method))},
                    {"path", std::string(route)},
                    {"status", std::to_string(status)}})
      ->Increment();
}

void RegisterComponentMetrics(metrics::Registry* registry, const MetricSources& sources) {
  auto as_double = [](auto value) { return static_cast<double>(value); };
  if (const write::WritePath* write_path = sources.write_path) {
    registry->AddCallbackCounter(
        "strata_write_requests_total", "Write requests that reached the write path.", {}, [=] {
          return as_double(write_path->stats().requests);
        });
    registry->AddCallbackCounter(
        "strata_write_lines_total", "Lines of line protocol written.", {}, [=] {
          return as_double(write_path->stats().lines_written);
        });
    registry->AddCallbackCounter("strata_write_lines_rejected_total",
                                 "Lines of line protocol rejected (parse or schema errors).",
                                 {},
                                 [=] { return as_double(write_path->stats().lines_rejected); });
  }
  if (const wal::Wal* wal = sources.wal) {
    registry->AddCallbackCounter(
        "strata_wal_fsyncs_total", "WAL fsyncs of commit groups since start.", {}, [=] {
          return as_double(wal->stats().fsyncs);
        });
    registry->AddCallbackCounter(
        "strata_wal_records_total", "WAL records appended since start.", {}, [=] {
          return as_double(wal->stats().records_appended);
        });
    registry->AddCallbackGauge("strata_wal_segments", "WAL segment files on disk.", {}, [=] {
      return as_double(wal->stats().segments);
    });
    registry->AddCallbackGauge(
        "strata_wal_size_bytes", "Total size of the WAL segment files.", {}, [=] {
          return as_double(wal->stats().bytes);
        });
  }
  if (const buffer::WriteBuffer* buffer = sources.buffer) {
    registry->AddCallbackGauge(
        "strata_write_buffer_size_bytes", "Approximate memory held by the write buffer.", {}, [=] {
          return as_double(buffer->memory_usage());
        });
    registry->AddCallbackGauge("strata_write_buffer_limit_bytes",
                               "The write buffer's memory limit (--write-buffer-limit).",
                               {},
                               [=] { return as_double(buffer->memory_limit_bytes()); });
    registry->AddCallbackGauge("strata_write_buffer_rows", "Rows in the write buffer.", {}, [=] {
      int64_t rows = 0;
      for (const auto& [database_id, table_id] : buffer->tables()) {
        if (auto stats = buffer->table_stats(database_id, table_id)) {
          rows += stats->rows;
        }
      }
      return as_double(rows);
    });
  }
  if (const persist::SnapshotScheduler* snapshots = sources.snapshots) {
    registry->AddCallbackCounter("strata_snapshots_total",
                                 "Snapshots that persisted write buffer data to Parquet.",
                                 {},
                                 [=] { return as_double(snapshots->stats().snapshots); });
    registry->AddCallbackCounter("strata_snapshot_failures_total",
                                 "Snapshot attempts that failed (retried later).",
                                 {},
                                 [=] { return as_double(snapshots->stats().failures); });
    registry->AddCallbackCounter("strata_snapshot_pressure_rounds_total",
                                 "Snapshot rounds forced by write buffer memory pressure.",
                                 {},
                                 [=] { return as_double(snapshots->stats().pressure_rounds); });
  }
  if (const persist::Persister* persister = sources.persister) {
    registry->AddCallbackGauge("strata_parquet_files", "Parquet files in the file index.", {}, [=] {
      return as_double(persister->index()->files().size());
    });
    registry->AddCallbackGauge("strata_parquet_files_size_bytes",
                               "Total size of the Parquet files in the file index.",
                               {},
                               [=] {
                                 uint64_t bytes = 0;
                                 for (const auto& [id, file] : persister->index()->files()) {
                                   bytes += file.size_bytes;
                                 }
                                 return as_double(bytes);
                               });
  }
  if (const persist::ParquetFileCache* cache = sources.file_cache) {
    registry->AddCallbackCounter("strata_parquet_cache_requests_total",
                                 "Parquet file opens for queries, by whether the file was cached.",
                                 {{"result", "hit"}},
                                 [=] { return as_double(cache->stats().hits); });
    registry->AddCallbackCounter("strata_parquet_cache_requests_total",
                                 "Parquet file opens for queries, by whether the file was cached.",
                                 {{"result", "miss"}},
                                 [=] { return as_double(cache->stats().misses); });
    registry->AddCallbackCounter("strata_parquet_cache_evictions_total",
                                 "Files evicted from the Parquet file cache.",
                                 {},
                                 [=] { return as_double(cache->stats().evictions); });
    registry->AddCallbackGauge("strata_parquet_cache_size_bytes",
                               "Memory held by the Parquet file cache (files and decoded columns).",
                               {},
                               [=] { return as_double(cache->stats().bytes); });
    registry->AddCallbackGauge(
        "strata_parquet_cache_files", "Files held by the Parquet file cache.", {}, [=] {
          return as_double(cache->stats().files);
        });
    registry->AddCallbackGauge("strata_parquet_cache_capacity_bytes",
                               "The Parquet file cache's capacity (--parquet-mem-cache-size).",
                               {},
                               [=] { return as_double(cache->capacity_bytes()); });
  }
  if (const exec::MemoryPool* pool = sources.query_memory) {
    registry->AddCallbackGauge("strata_query_memory_reserved_bytes",
                               "Memory reserved by running queries from the query memory pool.",
                               {},
                               [=] { return as_double(pool->reserved()); });
  }
  if (const observe::SpanExporter* exporter = sources.span_exporter) {
    registry->AddCallbackCounter(
        "strata_traces_exported_total", "Traces sent by the trace exporter.", {}, [=] {
          return as_double(exporter->stats().traces_exported);
        });
    registry->AddCallbackCounter("strata_traces_dropped_total",
                                 "Traces dropped because the export queue was full.",
                                 {},
                                 [=] { return as_double(exporter->stats().traces_dropped); });
    registry->AddCallbackCounter(
        "strata_trace_export_failures_total", "Traces the exporter failed to deliver.", {}, [=] {
          return as_double(exporter->stats().export_failures);
        });
  }
}

}  // namespace strata::server
