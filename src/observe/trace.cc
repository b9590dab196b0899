// Span recording and the trace context header formats.
#include "observe/trace.h"

#include <chrono>
#include <random>

#include "fmt/format.h"

namespace strata::observe {
namespace {

uint64_t RandomWord() {
  thread_local std::mt19937_64 engine{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                      std::random_device{}()};
  return engine();
}

int LowerHexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

int AnyHexValue(char c) {
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return LowerHexValue(c);
}

// Reads `text` (at most 16 digits) as hex with `digit` deciding what is a digit.
bool ParseHexWord(std::string_view text, int (*digit)(char), uint64_t* out) {
  if (text.empty() || text.size() > 16) {
    return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    int d = digit(c);
    if (d < 0) {
      return false;
    }
    value = (value << 4) | static_cast<uint64_t>(d);
  }
  *out = value;
  return true;
}

// Reads 1 to 32 hex digits as a trace id (left-padded with zeros).
bool ParseTraceIdHex(std::string_view text, int (*digit)(char), TraceId* out) {
  if (text.empty() || text.size() > 32) {
    return false;
  }
  TraceId id;
  if (text.size() > 16) {
    if (!ParseHexWord(text.substr(0, text.size() - 16), digit, &id.high)) {
      return false;
    }
    text = text.substr(text.size() - 16);
  }
  if (!ParseHexWord(text, digit, &id.low)) {
    return false;
  }
  *out = id;
  return true;
}

}  // namespace

std::string TraceId::ToHex() const {
  return fmt::format("{:016x}{:016x}", high, low);
}

TraceId TraceId::Random() {
  TraceId id;
  while (!id.valid()) {
    id.high = RandomWord();
    id.low = RandomWord();
  }
  return id;
}

std::string SpanIdHex(uint64_t span_id) {
  return fmt::format("{:016x}", span_id);
}

uint64_t RandomSpanId() {
  uint64_t id = 0;
  while (id == 0) {
    id = RandomWord();
  }
  return id;
}

std::optional<SpanContext> ParseTraceparent(std::string_view value) {
  // version "-" trace-id "-" parent-id "-" trace-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2.
  constexpr size_t kLength = 55;
  if (value.size() < kLength) {
    return std::nullopt;
  }
  uint64_t version = 0;
  if (!ParseHexWord(value.substr(0, 2), LowerHexValue, &version) || version == 0xff) {
    return std::nullopt;
  }
  if (version == 0 ? value.size() != kLength : value.size() > kLength && value[kLength] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  SpanContext context;
  uint64_t flags = 0;
  if (value.substr(3, 32).size() != 32 ||
      !ParseTraceIdHex(value.substr(3, 32), LowerHexValue, &context.trace_id) ||
      !ParseHexWord(value.substr(36, 16), LowerHexValue, &context.span_id) ||
      !ParseHexWord(value.substr(53, 2), LowerHexValue, &flags)) {
    return std::nullopt;
  }
  if (!context.valid()) {
    return std::nullopt;  // an all-zero trace id or parent id
  }
  context.sampled = (flags & 1) != 0;
  return context;
}

std::string FormatTraceparent(const SpanContext& context) {
  return fmt::format("00-{}-{}-{}",
                     context.trace_id.ToHex(),
                     SpanIdHex(context.span_id),
                     context.sampled ? "01" : "00");
}

std::optional<SpanContext> ParseUberTraceId(std::string_view value) {
  // Bounded before any copy: four fields of at most 32, 16, 16 and 16 characters, with colons
  // that may be percent-encoded.
  if (value.size() > 32 + 16 + 16 + 16 + 3 * 3) {
    return std::nullopt;
  }
  std::string text;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && value[i + 1] == '3' &&
        (value[i + 2] == 'A' || value[i + 2] == 'a')) {
      text += ':';
      i += 2;
    } else {
      text += value[i];
    }
  }
  std::vector<std::string_view> fields;
  std::string_view rest = text;
  for (;;) {
    size_t colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) {
      break;
    }
    rest = rest.substr(colon + 1);
  }
  if (fields.size() != 4) {
    return std::nullopt;
  }
  SpanContext context;
  uint64_t parent = 0;
  uint64_t flags = 0;
  if (!ParseTraceIdHex(fields[0], AnyHexValue, &context.trace_id) ||
      !ParseHexWord(fields[1], AnyHexValue, &context.span_id) ||
      !ParseHexWord(fields[2], AnyHexValue, &parent) ||
      !ParseHexWord(fields[3], AnyHexValue, &flags) || !context.valid()) {
    return std::nullopt;
  }
  context.sampled = (flags & 1) != 0;
  return context;
}

int64_t UnixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Trace::Trace(const SpanContext& remote_parent)
    : trace_id_(remote_parent.valid() ? remote_parent.trace_id : TraceId::Random()),
      remote_parent_span_id_(remote_parent.valid() ? remote_parent.span_id : 0),
      sampled_(remote_parent.valid() ? remote_parent.sampled : true) {}

uint64_t Trace::StartSpan(std::string name, uint64_t parent_span_id, SpanKind kind) {
  Span span;
  span.name = std::move(name);
  span.kind = kind;
  span.parent_span_id = parent_span_id;
  span.start_unix_nanos = UnixNanosNow();
  return AddSpan(std::move(span));
}

uint64_t Trace::AddSpan(Span span) {
  span.span_id = RandomSpanId();
  if (span.parent_span_id == 0) {
    span.parent_span_id = remote_parent_span_id_;
  }
  std::lock_guard<std::mutex> lock(mu_);
  spans_.push_back(std::move(span));
  return spans_.back().span_id;
}

Span* Trace::FindLocked(uint64_t span_id) {
  // Traces are small (tens of spans): a reverse scan finds recent spans first.
  for (auto it = spans_.rbegin(); it != spans_.rend(); ++it) {
    if (it->span_id == span_id) {
      return &*it;
    }
  }
  return nullptr;
}

void Trace::EndSpan(uint64_t span_id, const absl::Status& status) {
  const int64_t now = UnixNanosNow();
  std::lock_guard<std::mutex> lock(mu_);
  Span* span = FindLocked(span_id);
  if (span == nullptr || span->end_unix_nanos != 0) {
    return;
  }
  span->end_unix_nanos = std::max(now, span->start_unix_nanos);
  if (!status.ok()) {
    span->error = true;
    span->status_message = std::string(status.message());
  }
}

void Trace::SetAttribute(uint64_t span_id, std::string key, AttributeValue value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Span* span = FindLocked(span_id); span != nullptr) {
    span->attributes.emplace_back(std::move(key), std::move(value));
  }
}

std::vector<Span> Trace::spans() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spans_;
}

ScopedSpan::ScopedSpan(Trace* trace, std::string name, uint64_t parent_span_id) : trace_(trace) {
  if (trace_ != nullptr) {
    id_ = trace_->StartSpan(std::move(name), parent_span_id);
  }
}

ScopedSpan::~ScopedSpan() {
  if (trace_ != nullptr) {
    trace_->EndSpan(id_, status_);
  }
}

}  // namespace strata::observe
