// OTLP/JSON encoding and the background export queue.
#include "observe/span_exporter.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/logging.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "strata/version.h"

namespace strata::observe {
namespace {

using nlohmann::json;

json AttributeJson(const std::string& key, const AttributeValue& value) {
  json any;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    any["intValue"] = std::to_string(*i);  // int64 is a string in proto3 JSON
  } else if (const auto* d = std::get_if<double>(&value)) {
    any["doubleValue"] = *d;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    any["boolValue"] = *b;
  } else {
    any["stringValue"] = std::get<std::string>(value);
  }
  return json{{"key", key}, {"value", std::move(any)}};
}

}  // namespace

std::string EncodeOtlpJson(const TraceId& trace_id,
                           const std::vector<Span>& spans,
                           std::string_view service_name) {
  const std::string trace_hex = trace_id.ToHex();
  json out_spans = json::array();
  for (const Span& span : spans) {
    json attributes = json::array();
    for (const auto& [key, value] : span.attributes) {
      attributes.push_back(AttributeJson(key, value));
    }
    json status = json::object();
    if (span.error) {
      status["code"] = 2;  // STATUS_CODE_ERROR
      status["message"] = span.status_message;
    }
    json out{
        {"traceId", trace_hex},
        {"spanId", SpanIdHex(span.span_id)},
        {"name", span.name},
        {"kind", static_cast<int>(span.kind)},
        {"startTimeUnixNano", std::to_string(span.start_unix_nanos)},
        {"endTimeUnixNano",
         std::to_string(span.end_unix_nanos != 0 ? span.end_unix_nanos : span.start_unix_nanos)},
        {"attributes", std::move(attributes)},
        {"status", std::move(status)}};
    if (span.parent_span_id != 0) {
      out["parentSpanId"] = SpanIdHex(span.parent_span_id);
    }
    out_spans.push_back(std::move(out));
  }
  json resource{{"attributes",
                 json::array({AttributeJson("service.name", std::string(service_name)),
                              AttributeJson("service.version", std::string(kVersion))})}};
  json request{
      {"resourceSpans",
       json::array({json{{"resource", std::move(resource)},
                         {"scopeSpans",
                          json::array({json{{"scope", {{"name", "strata"}, {"version", kVersion}}},
                                            {"spans", std::move(out_spans)}}})}}})}};
  // Invalid UTF-8 in a name or attribute (SQL text is the user's) is replaced, not thrown on.
  return request.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<OtlpSend> OpenOtlpFileSender(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "ae");
  if (file == nullptr) {
    return absl::FailedPreconditionError(fmt::format(
        "cannot open --traces-exporter-file '{}' for appending: {}", path, std::strerror(errno)));
  }
  // Unbuffered: each line goes out in one append, so a reader of the file (tail -f, a collector)
  // sees few partial lines.
  std::setvbuf(file, nullptr, _IONBF, 0);
  std::shared_ptr<std::FILE> shared(file, [](std::FILE* f) { std::fclose(f); });
  return OtlpSend([shared, path](const std::string& request_json) -> absl::Status {
    // One writer: the exporter's thread.
    std::string line;
    line.reserve(request_json.size() + 1);
    line.append(request_json).push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), shared.get()) != line.size() ||
        std::fflush(shared.get()) != 0) {
      return absl::UnavailableError(
          fmt::format("writing traces to '{}': {}", path, std::strerror(errno)));
    }
    return absl::OkStatus();
  });
}

SpanExporter::SpanExporter(OtlpSend send, std::string service_name, size_t max_queued_traces)
    : send_(std::move(send)),
      service_name_(std::move(service_name)),
      max_queued_(max_queued_traces == 0 ? 1 : max_queued_traces),
      thread_([this] { Run(); }) {}

SpanExporter::~SpanExporter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SpanExporter::Export(const Trace& trace) {
  if (!trace.sampled()) {
    return;
  }
  Item item{trace.trace_id(), trace.spans()};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= max_queued_) {
      ++stats_.traces_dropped;
      return;
    }
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

void SpanExporter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !sending_; });
}

SpanExporterStats SpanExporter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void SpanExporter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, and everything queued was sent
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    const std::string request = EncodeOtlpJson(item.trace_id, item.spans, service_name_);
    const absl::Status status = send_(request);
    lock.lock();
    sending_ = false;
    if (status.ok()) {
      ++stats_.traces_exported;
      stats_.spans_exported += item.spans.size();
    } else {
      ++stats_.export_failures;
      if ((stats_.export_failures & (stats_.export_failures - 1)) == 0) {
        // The 1st, 2nd, 4th, 8th... failure: a dead collector does not flood the log.
        STRATA_LOG_WARN("trace export failed failures={} error={}",
                        stats_.export_failures,
                        std::string(status.message()));
      }
      if (stopping_) {
        // Shutting down with a collector that fails: do not wait on it for every queued trace.
        stats_.traces_dropped += queue_.size();
        queue_.clear();
      }
    }
    if (queue_.empty()) {
      idle_.notify_all();
    }
  }
}

}  // namespace strata::observe
