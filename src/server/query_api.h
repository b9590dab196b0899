// The SQL query endpoint, /api/v3/query_sql, as InfluxDB 3 serves it: the request (GET query
// string, POST JSON or form body) becomes a QueryEngine call, and the result streams back in the
// requested format while the query runs. docs/http_api.md describes the parameters and statuses.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "exec/scalar.h"
#include "format/result_format.h"
#include "observe/trace.h"
#include "query/query_engine.h"
#include "server/http_types.h"

namespace strata::observe {
class SpanExporter;
}

namespace strata::server {

class ServerMetrics;

// The longest SQL text accepted (bytes). Longer ones are refused with 413 before parsing.
inline constexpr size_t kMaxQueryTextBytes = 1u << 20;

// A query request after parameter parsing, whatever method and encoding it came with.
struct QueryRequest {
  std::string database;
  std::string sql;
  format::ResultFormat format = format::ResultFormat::kJson;
  std::map<std::string, exec::Scalar> params;
};

// Extracts db, q, format and params from a GET (query string) or POST (JSON object or
// form-encoded body) request into `*out`. A `format` parameter wins over the Accept header.
// Returns the error response to send instead, if any: 400 for a missing or malformed parameter or
// an unacceptable Accept header, 413 for an oversized `q`, 415 for a body that is neither JSON nor
// a form.
std::optional<HttpResponse> ParseQueryRequest(const HttpRequest& request, QueryRequest* out);

// Converts a `params` JSON object (text) to placeholder values: strings, integers (int64, or
// uint64 above its range), floats, booleans and null. Arrays and objects are InvalidArgument.
absl::StatusOr<std::map<std::string, exec::Scalar>> ParseQueryParams(std::string_view json_text);

// The caller's trace context from a request's headers: a valid W3C `traceparent`, else a valid
// Jaeger `uber-trace-id`, else an invalid (empty) context, meaning a new trace.
observe::SpanContext IncomingTraceContext(const HttpRequest& request);

// Serves /api/v3/query_sql. Thread-safe; the engine must outlive it.
class QueryApi {
 public:
  explicit QueryApi(const query::QueryEngine* engine) : engine_(engine) {}

  // Counts queries in `metrics` (by result, duration, active) and exports their traces through
  // `exporter`; either may be null. Call before serving; both must outlive the QueryApi.
  void SetObservability(const ServerMetrics* metrics, observe::SpanExporter* exporter) {
    metrics_ = metrics;
    exporter_ = exporter;
  }

  // Answers with an error body ({"error": message}) if the request or the query is invalid or
  // the first batch fails; otherwise with a streamed body (HttpResponse::stream) that runs the
  // rest of the query as the client reads it. Every request is traced: a server span (continuing
  // the caller's trace, see IncomingTraceContext) with the engine's spans below it, ended and
  // exported once the response is done; the response carries headers `trace-id` (32 hex digits)
  // and `traceparent` (naming the server span).
  void HandleSql(const HttpRequest& request, HttpResponse* response) const;

 private:
  void HandleSqlTraced(const HttpRequest& request,
                       HttpResponse* response,
                       std::shared_ptr<observe::Trace> trace,
                       uint64_t server_span) const;

  const query::QueryEngine* const engine_;
  const ServerMetrics* metrics_ = nullptr;
  observe::SpanExporter* exporter_ = nullptr;
};

}  // namespace strata::server
