// Exporting finished traces as OTLP/JSON (the OpenTelemetry protocol's JSON encoding of an
// ExportTraceServiceRequest): encoded and sent on a background thread from a bounded queue, so a
// slow or unreachable collector never delays a query; traces that do not fit are dropped and
// counted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "observe/trace.h"

namespace strata::observe {

// One ExportTraceServiceRequest as OTLP/JSON
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): one resourceSpans with the
// resource attribute service.name = `service_name`, one scopeSpans (scope "strata"), the spans
// with hex trace and span ids, kinds and status codes as integers, timestamps and integer
// attributes as decimal strings. No trailing newline.
std::string EncodeOtlpJson(const TraceId& trace_id,
                           const std::vector<Span>& spans,
                           std::string_view service_name);

// Where encoded requests go: returns an error when one could not be delivered (it is counted,
// not retried).
using OtlpSend = std::function<absl::Status(const std::string& request_json)>;

// A sender that appends each request to the file at `path` as one line (JSON lines), created if
// absent. Fails when the file cannot be opened for appending.
absl::StatusOr<OtlpSend> OpenOtlpFileSender(const std::string& path);

// Counters since start.
struct SpanExporterStats {
  uint64_t traces_exported = 0;
  uint64_t spans_exported = 0;
  uint64_t traces_dropped = 0;   // the queue was full
  uint64_t export_failures = 0;  // `send` returned an error
};

// Thread-safe. Export never blocks on the sender.
class SpanExporter {
 public:
  // Starts the background thread. At most `max_queued_traces` traces wait to be sent.
  SpanExporter(OtlpSend send, std::string service_name, size_t max_queued_traces = 1024);
  // Sends what is queued (dropping the rest after a failure), then stops the thread.
  ~SpanExporter();
  SpanExporter(const SpanExporter&) = delete;
  SpanExporter& operator=(const SpanExporter&) = delete;

  // Queues `trace`'s spans for sending, or drops them (counted) when the queue is full. Traces
  // the caller asked not to sample are skipped.
  void Export(const Trace& trace);
  // Waits until everything queued before the call has been sent (or failed).
  void Flush();

  SpanExporterStats stats() const;

 private:
  struct Item {
    TraceId trace_id;
    std::vector<Span> spans;
  };
  void Run();

  const OtlpSend send_;
  const std::string service_name_;
  const size_t max_queued_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;   // guarded by mu_
  bool sending_ = false;     // guarded by mu_: an item is being sent
  bool stopping_ = false;    // guarded by mu_
  SpanExporterStats stats_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace strata::observe
