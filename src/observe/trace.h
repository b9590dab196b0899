// Query tracing: the span model (OpenTelemetry's: 128-bit trace ids, 64-bit span ids, parent
// links, wall-clock start and end, typed attributes, a status), the spans of one trace as they
// are recorded, and the trace context headers a request may carry (W3C `traceparent`, Jaeger
// `uber-trace-id`). Exporting is in observe/span_exporter.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace strata::observe {

// A 128-bit trace id; all zeros is invalid (W3C Trace Context).
struct TraceId {
  uint64_t high = 0;
  uint64_t low = 0;

  bool valid() const { return high != 0 || low != 0; }
  // 32 lower-case hex digits.
  std::string ToHex() const;
  // A random, valid id.
  static TraceId Random();
  friend bool operator==(const TraceId&, const TraceId&) = default;
};

// 16 lower-case hex digits.
std::string SpanIdHex(uint64_t span_id);
// A random, non-zero span id.
uint64_t RandomSpanId();

// What a caller propagates: its trace, the id of its span (our server span's parent) and whether
// it records the trace.
struct SpanContext {
  TraceId trace_id;
  uint64_t span_id = 0;
  bool sampled = true;

  bool valid() const { return trace_id.valid() && span_id != 0; }
};

// Parses a W3C `traceparent` header value (https://www.w3.org/TR/trace-context/): version 00 is
// exactly "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>" in lower-case hex, with neither
// id all zeros; a later version (not "ff") is read by the same first four fields, followed by
// nothing or by '-'. nullopt for anything else: the caller then starts a new trace.
std::optional<SpanContext> ParseTraceparent(std::string_view value);
// "00-<trace id>-<span id>-<01 or 00>".
std::string FormatTraceparent(const SpanContext& context);

// Parses a Jaeger `uber-trace-id` header value, "<trace id>:<span id>:<parent span id>:<flags>":
// ids of 1 to 32 (trace) or 1 to 16 (span) hex digits, either case, neither zero; the parent
// field is ignored (deprecated); flags are a hex number whose bit 0 is "sampled". The colons may
// arrive percent-encoded ("%3A"). nullopt when malformed.
std::optional<SpanContext> ParseUberTraceId(std::string_view value);

// OpenTelemetry's span kinds (the values are OTLP's enum numbers).
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3 };

using AttributeValue = std::variant<int64_t, double, bool, std::string>;

struct Span {
  uint64_t span_id = 0;
  uint64_t parent_span_id = 0;  // 0: a root span (or one whose parent is remote, see Trace)
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;  // 0 while the span runs
  std::vector<std::pair<std::string, AttributeValue>> attributes;
  bool error = false;
  std::string status_message;  // set with `error`
};

// Nanoseconds since the Unix epoch, now.
int64_t UnixNanosNow();

// The spans of one trace, recorded as the work they describe happens. Thread-safe.
class Trace {
 public:
  // A trace continuing `remote_parent` when it is valid (its trace id, and whether it is
  // sampled), else a new trace with a random id that is sampled.
  explicit Trace(const SpanContext& remote_parent = {});

  const TraceId& trace_id() const { return trace_id_; }
  // The caller's span, parent of the spans started with parent 0; 0 for a new trace.
  uint64_t remote_parent_span_id() const { return remote_parent_span_id_; }
  // False when the caller asked not to record this trace: it is then not exported.
  bool sampled() const { return sampled_; }
  // Whether the spans will be read (exported): false when the trace is not sampled or its owner
  // has no exporter. Costly spans (a query's operator spans) are then not built; the cheap ones
  // still are, so that the trace's ids work as ever.
  bool recording() const { return sampled_ && recording_.load(std::memory_order_relaxed); }
  void set_recording(bool recording) { recording_.store(recording, std::memory_order_relaxed); }

  // Starts a span now under `parent_span_id` (0: under the remote parent, if any) and returns
  // its id.
  uint64_t StartSpan(std::string name,
                     uint64_t parent_span_id,
                     SpanKind kind = SpanKind::kInternal);
  // Ends a span now (once; later calls are ignored), with an error status unless `status` is OK.
  void EndSpan(uint64_t span_id, const absl::Status& status = absl::OkStatus());
  void SetAttribute(uint64_t span_id, std::string key, AttributeValue value);
  // Adds a finished span (e.g. one built from an operator's metrics after the fact) with a new
  // id, which it returns.
  uint64_t AddSpan(Span span);

  // A copy of the spans recorded so far, in the order they were started.
  std::vector<Span> spans() const;

 private:
  Span* FindLocked(uint64_t span_id);

  const TraceId trace_id_;
  const uint64_t remote_parent_span_id_;
  const bool sampled_;
  std::atomic<bool> recording_{true};
  mutable std::mutex mu_;
  std::vector<Span> spans_;  // guarded by mu_
};

// A span that ends when this object goes out of scope (with `status` if one was set). A null
// trace makes it a no-op, so callers need not check whether they are traced.
class ScopedSpan {
 public:
  ScopedSpan(Trace* trace, std::string name, uint64_t parent_span_id);
  ~ScopedSpan();
  ScopedSpan(const ScopedSpan&) = delete;
  ScopedSpan& operator=(const ScopedSpan&) = delete;

  uint64_t id() const { return id_; }
  void set_status(absl::Status status) { status_ = std::move(status); }

 private:
  Trace* const trace_;
  uint64_t id_ = 0;
  absl::Status status_;
};

}  // namespace strata::observe
