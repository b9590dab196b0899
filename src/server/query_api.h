// The query endpoints: SQL at /api/v3/query_sql, as InfluxDB 3 serves it (the request, a GET
// query string or a POST JSON or form body, becomes a QueryEngine call, and the result streams
// back in the requested format while the query runs), and InfluxQL at /query and
// /api/v3/query_influxql (influxql_api.h), admitted, limited, logged and traced the same way.
// docs/http_api.md describes the parameters and statuses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "exec/scalar.h"
#include "format/result_format.h"
#include "observe/trace.h"
#include "query/query_admission.h"
#include "query/query_engine.h"
#include "query/query_log.h"
#include "server/http_types.h"

namespace strata::observe {
class SpanExporter;
}

namespace strata::server {

class ServerMetrics;
struct InfluxQLHttpRequest;

// Which InfluxQL endpoint a request came in on: InfluxDB 1.x's /query (v1 JSON or CSV results,
// several statements, chunking, epoch) or InfluxDB 3's /api/v3/query_influxql (one statement, its
// rows in the formats of /api/v3/query_sql).
enum class InfluxQLEndpoint { kV1Query, kV3QueryInfluxQL };

// The longest SQL text accepted (bytes). Longer ones are refused with 413 before parsing.
inline constexpr size_t kMaxQueryTextBytes = 1u << 20;

// A query request after parameter parsing, whatever method and encoding it came with.
struct QueryRequest {
  std::string database;  // empty only for InfluxQL, whose statements may name theirs
  std::string sql;       // `q`: the SQL (or, for /api/v3/query_influxql, InfluxQL) text
  format::ResultFormat format = format::ResultFormat::kJson;
  std::map<std::string, exec::Scalar> params;
};

// The language of a query request's `q`.
enum class QueryLanguage { kSql, kInfluxQL };

// Extracts db, q, format and params from a GET (query string) or POST (JSON object or
// form-encoded body) request into `*out`. A `format` parameter wins over the Accept header.
// Returns the error response to send instead, if any: 400 for a missing or malformed parameter or
// an unacceptable Accept header, 413 for an oversized `q`, 415 for a body that is neither JSON nor
// a form. `db` is required for SQL; InfluxQL statements may name their database instead.
std::optional<HttpResponse> ParseQueryRequest(const HttpRequest& request,
                                              QueryRequest* out,
                                              QueryLanguage language = QueryLanguage::kSql);

// Converts a `params` JSON object (text) to placeholder values: strings, integers (int64, or
// uint64 above its range), floats, booleans and null. Arrays and objects are InvalidArgument.
absl::StatusOr<std::map<std::string, exec::Scalar>> ParseQueryParams(std::string_view json_text);

// How queries are admitted, limited and logged (the serve flags of the same names).
struct QueryApiOptions {
  // Queries running at once (0: 2 x cores); more wait in a queue of `query_queue_size` (-1: 50 x
  // max_concurrent_queries, at least 100); beyond that, 503.
  int max_concurrent_queries = 0;
  int query_queue_size = -1;
  // A query running longer (from its arrival, queueing included) is cancelled (0: no limit).
  std::chrono::nanoseconds query_timeout{0};
  // Bytes one query may reserve (0: only the engine's pool limits it).
  int64_t query_memory_limit = 0;
  // Where queries are logged for system.queries; must outlive the QueryApi. Null: a log of its
  // own that keeps no entries (counters only).
  query::QueryLog* query_log = nullptr;
  // How often the watchdog checks deadlines and clients.
  std::chrono::milliseconds watchdog_interval{50};
};
// The caller's trace context from a request's headers: a valid W3C `traceparent`, else a valid
// Jaeger `uber-trace-id`, else an invalid (empty) context, meaning a new trace.
observe::SpanContext IncomingTraceContext(const HttpRequest& request);

// Serves the query endpoints. Thread-safe; the engine must outlive it.
//
// A query first takes an admission permit (query::QueryAdmission): if none is free it waits in
// the queue as a deferred response (no thread waits), and is refused with 503 when the queue is
// full. It is planned and run up to its first rows on the connection's thread, then streamed;
// the permit is held until the result has been produced or the response is abandoned. Every
// query is logged (system.queries). A watchdog thread cancels queries that pass
// --query-timeout, and queries whose client has gone away before the response started (later,
// a failed write ends the stream, which cancels the query).
class QueryApi {
 public:
  explicit QueryApi(const query::QueryEngine* engine, QueryApiOptions options = {});
  ~QueryApi();
  QueryApi(const QueryApi&) = delete;
  QueryApi& operator=(const QueryApi&) = delete;

  // Replaces the options. Call before serving.
  void Configure(QueryApiOptions options);

  // Counts queries in `metrics` (by result, duration, active) and exports their traces through
  // `exporter`; either may be null. Call before serving; both must outlive the QueryApi.
  void SetObservability(const ServerMetrics* metrics, observe::SpanExporter* exporter) {
    metrics_ = metrics;
    exporter_ = exporter;
  }

  // Answers with an error body ({"error": message}) if the request or the query is invalid or
  // the first batch fails; otherwise with a streamed body (HttpResponse::stream) that runs the
  // rest of the query as the client reads it. 503 when the admission queue is full, 408 when the
  // query times out before its response starts. Every request is traced: a server span
  // (continuing the caller's trace, see IncomingTraceContext) with the engine's spans below it,
  // ended and exported once the response is done; the response carries headers `trace-id` (32
  // hex digits) and `traceparent` (naming the server span).
  void HandleSql(const HttpRequest& request, HttpResponse* response) const;

  // Serves the InfluxQL endpoints (influxql_api.h): /query as InfluxDB 1.x does, and
  // /api/v3/query_influxql as InfluxDB 3 does. Every request is one query for admission, the
  // query log (query_type "influxql", the whole `q`), the timeout, cancellation and tracing, as
  // for SQL; its statements run one after another, each with a span of its own.
  void HandleInfluxQL(const HttpRequest& request,
                      HttpResponse* response,
                      InfluxQLEndpoint endpoint) const;

  // Counters for /metrics: the log's, with running, queued and rejected from the admission.
  query::QueryStats stats() const;

  // Refuses queued and new queries and cancels running ones (server shutdown). Call before the
  // HTTP server stops, so that no queued response outlives its connection's thread.
  void Shutdown();

  // Internal: one query's state, shared by the handler, the admission queue and the stream.
  struct RunningQuery;

 private:
  void StartWatchdog();
  void StopWatchdog();
  void WatchdogLoop();
  // Logs the query (`query_type` "sql" or "influxql", `text` as sent), gives it its deadline,
  // memory pool and context, and takes an admission permit: then runs it (Run), or queues it as a
  // deferred response, or refuses it (503). `query` has its observation and `run` set.
  void Admit(const HttpRequest& request,
             const std::shared_ptr<RunningQuery>& query,
             std::string_view database,
             std::string_view query_type,
             std::string_view text,
             HttpResponse* response) const;
  // Runs the query on the connection's thread, once it holds a permit: makes cancellation reach
  // its context, then calls its `run`.
  void Run(const std::shared_ptr<RunningQuery>& query, HttpResponse* response) const;
  // Plans and starts a SQL query and streams its result (RunningQuery::run of /api/v3/query_sql).
  void RunSql(const QueryRequest& parsed,
              const std::shared_ptr<RunningQuery>& query,
              HttpResponse* response) const;
  // RunningQuery::run of the InfluxQL endpoints (influxql_api.cc).
  void RunInfluxQL(const std::shared_ptr<const InfluxQLHttpRequest>& parsed,
                   const std::shared_ptr<RunningQuery>& query,
                   HttpResponse* response) const;

  const query::QueryEngine* const engine_;
  const ServerMetrics* metrics_ = nullptr;
  observe::SpanExporter* exporter_ = nullptr;
  QueryApiOptions options_;
  std::unique_ptr<query::QueryLog> own_log_;
  query::QueryLog* log_ = nullptr;
  std::unique_ptr<query::QueryAdmission> admission_;

  std::mutex watchdog_mu_;
  std::condition_variable watchdog_wake_;
  bool watchdog_stop_ = false;  // GUARDED_BY(watchdog_mu_)
  std::thread watchdog_;
};

}  // namespace strata::server
