// The parts of the query endpoints that /api/v3/query_sql (query_api.cc) and the InfluxQL
// endpoints (influxql_api.cc) share: a query's state from its arrival to the end of its response
// (admission permit, log entry, deadline, cancellation, memory pool), its server span and metrics,
// and how failures become responses. Internal to the server module.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "exec/execution_plan.h"
#include "exec/memory_pool.h"
#include "fmt/format.h"
#include "observe/span_exporter.h"
#include "observe/trace.h"
#include "query/query_admission.h"
#include "query/query_log.h"
#include "server/http_server.h"
#include "server/http_types.h"
#include "server/query_api.h"
#include "server/server_metrics.h"

namespace strata::server {

// The media type of a Content-Type value, without parameters, lower-cased and trimmed.
std::string MediaType(std::string_view content_type);

// The error response for a query that failed: the status's message with its HTTP status. A query
// that ran out of memory (ResourceExhausted from the query memory pool) gets 500, as InfluxDB 3
// answers DataFusion's "Resources exhausted": the server's limit, not a malformed request
// (HttpStatusFor's 422 for ResourceExhausted is for the catalog limits of writes).
HttpResponse StatusResponse(const absl::Status& status);

// "2.5s", "100ms", "1m30s" style text of a duration for messages.
std::string DurationText(std::chrono::nanoseconds duration);

// The server side of one query request (SQL or InfluxQL): its server span, and the query metrics.
// Ends the span, exports the trace and counts the query when destroyed, which the handlers
// arrange to happen after the query's result (and so the engine's spans) is gone.
class QueryObservation {
 public:
  QueryObservation(const HttpRequest& request,
                   const ServerMetrics* metrics,
                   observe::SpanExporter* exporter)
      : trace_(std::make_shared<observe::Trace>(IncomingTraceContext(request))),
        metrics_(metrics),
        exporter_(exporter),
        start_(std::chrono::steady_clock::now()) {
    trace_->set_recording(exporter_ != nullptr);
    server_span_ = trace_->StartSpan(
        fmt::format("{} {}", request.method, request.path), 0, observe::SpanKind::kServer);
    trace_->SetAttribute(server_span_, "http.request.method", request.method);
    trace_->SetAttribute(server_span_, "url.path", request.path);
    if (metrics_ != nullptr) {
      metrics_->queries_active->Add(1);
    }
  }

  ~QueryObservation() {
    const bool ok = status_ >= 200 && status_ < 300 && error_.ok();
    trace_->SetAttribute(server_span_, "http.response.status_code", int64_t{status_});
    // As OpenTelemetry's HTTP conventions have it, a 4xx answer is the client's error and leaves
    // the server span's status unset.
    absl::Status span_status = error_;
    if (span_status.ok() && status_ >= 500) {
      span_status = absl::InternalError(fmt::format("HTTP status {}", status_));
    }
    trace_->EndSpan(server_span_, span_status);
    if (exporter_ != nullptr) {
      exporter_->Export(*trace_);
    }
    if (metrics_ != nullptr) {
      (ok ? metrics_->queries_ok : metrics_->queries_error)->Increment();
      metrics_->query_duration_seconds->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
      metrics_->queries_active->Add(-1);
    }
  }

  const std::shared_ptr<observe::Trace>& trace() const { return trace_; }
  uint64_t server_span() const { return server_span_; }
  void set_status(int status) { status_ = status; }
  // The streamed body failed after the status was sent.
  void Fail(const absl::Status& status) {
    if (error_.ok()) {
      error_ = status;
    }
  }

 private:
  const std::shared_ptr<observe::Trace> trace_;
  uint64_t server_span_ = 0;
  const ServerMetrics* const metrics_;
  observe::SpanExporter* const exporter_;
  const std::chrono::steady_clock::time_point start_;
  int status_ = 0;
  absl::Status error_;
};

// Adds the trace headers to a query's response and makes the observation (and so the server
// span) outlive the response's stream, ending it once the body is done.
void ObserveResponse(const std::shared_ptr<QueryObservation>& observation, HttpResponse* response);

// One query from its arrival to the end of its response. Shared by the handler, the admission
// queue's continuation, the watchdog's cancel hook and the response stream; the permit and the
// log entry end with it.
struct QueryApi::RunningQuery {
  // What runs the query once it holds a permit, on the connection's thread: plans it and fills in
  // the response (an error, a body, or a stream that owns the query). Set by the handler.
  std::function<void(const std::shared_ptr<RunningQuery>&, HttpResponse*)> run;
  // The request's server span and query metrics; ends when the query and its response do.
  std::shared_ptr<QueryObservation> observation;
  std::shared_ptr<query::QueryLogEntry> entry;
  std::shared_ptr<exec::TaskContext> context;
  std::shared_ptr<exec::MemoryPool> memory_pool;  // the query's own, inside the engine's
  std::chrono::nanoseconds timeout{0};
  int64_t issue_time_ns = 0;  // when it arrived, wall clock (InfluxQL's now())
  query::QueryAdmission::Permit permit;
  // The physical plan the query ran, for its metrics (SQL); InfluxQL's statements run their SQL
  // inside the executor, whose results add their plans to `plan_totals`.
  exec::ExecutionPlanPtr plan;
  std::shared_ptr<query::PlanTotals> plan_totals;

  ~RunningQuery() {
    if (entry != nullptr && !entry->finished()) {
      // Dropped without an answer (a queued query at shutdown): still ends in the log.
      End(query::QueryPhase::kCancel, "the query was abandoned before it ran");
    }
  }

  // The meeting point of a queued query: the admission decides (a permit, or a cancellation)
  // and the connection hands over its resume function, in either order; the second one resumes
  // the connection with `finish`.
  std::mutex mu;
  HttpResume resume;                          // GUARDED_BY(mu)
  std::function<void(HttpResponse*)> finish;  // GUARDED_BY(mu)
  bool resumed = false;                       // GUARDED_BY(mu)

  void SetResume(HttpResume r) {
    std::function<void(HttpResponse*)> go;
    {
      std::lock_guard lock(mu);
      if (!finish || resumed) {
        resume = std::move(r);
        return;
      }
      resumed = true;
      go = std::move(finish);
    }
    r(std::move(go));
  }
  void Decide(std::function<void(HttpResponse*)> f) {
    HttpResume go;
    {
      std::lock_guard lock(mu);
      if (resumed || finish) {
        return;  // decided already
      }
      if (!resume) {
        finish = std::move(f);
        return;
      }
      resumed = true;
      go = std::move(resume);  // not kept: it owns the connection
    }
    go(std::move(f));
  }

  // Ends the log entry (the first end wins) and gives the permit back.
  void End(query::QueryPhase phase, std::string error) {
    query::QueryResources used;
    used.max_memory = memory_pool == nullptr ? 0 : memory_pool->peak_reserved();
    if (plan != nullptr) {
      const query::QueryResources planned = query::PlanResources(*plan);
      used.partitions = planned.partitions;
      used.parquet_files = planned.parquet_files;
      used.compute_duration_ns = planned.compute_duration_ns;
    } else if (plan_totals != nullptr) {
      plan_totals->SetIn(&used);
    }
    entry->Finish(phase, std::move(error), used);
    permit.Release();
  }

  std::string TimeoutMessage() const {
    return fmt::format("query exceeded the time limit of {} (--query-timeout) and was cancelled",
                       DurationText(timeout));
  }

  // The response for a query cancelled from outside, and the end of its entry; for another
  // error, StatusResponse.
  HttpResponse Fail(const absl::Status& status) {
    switch (entry->cancel_reason()) {
      case query::CancelReason::kTimeout: {
        std::string message = TimeoutMessage();
        End(query::QueryPhase::kCancel, message);
        return JsonError(408, message);
      }
      case query::CancelReason::kClientGone:
        End(query::QueryPhase::kCancel, "the client closed the connection");
        // Nobody reads it: nginx's "client closed request".
        return JsonError(499, "the client closed the connection");
      case query::CancelReason::kShutdown:
        End(query::QueryPhase::kCancel, "the server is shutting down");
        return JsonError(503, "the server is shutting down");
      case query::CancelReason::kNone:
        break;
    }
    End(status.code() == absl::StatusCode::kCancelled ? query::QueryPhase::kCancel
                                                      : query::QueryPhase::kFail,
        std::string(status.message()));
    return StatusResponse(status);
  }

  // A mid-stream error: the status to end the stream with (the query's entry ends too).
  absl::Status StreamError(const absl::Status& status) {
    switch (entry->cancel_reason()) {
      case query::CancelReason::kTimeout: {
        std::string message = TimeoutMessage();
        End(query::QueryPhase::kCancel, message);
        return absl::DeadlineExceededError(message);
      }
      case query::CancelReason::kClientGone:
      case query::CancelReason::kShutdown:
      case query::CancelReason::kNone:
        break;
    }
    End(status.code() == absl::StatusCode::kCancelled ? query::QueryPhase::kCancel
                                                      : query::QueryPhase::kFail,
        std::string(status.message()));
    return status;
  }
};

}  // namespace strata::server
