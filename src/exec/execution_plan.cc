// Operator metrics and plan display.
#include "exec/execution_plan.h"

#include <algorithm>

#include "common/byte_size.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

std::string FormatNanos(int64_t nanos) {
  if (nanos < 1'000) {
    return fmt::format("{}ns", nanos);
  }
  if (nanos < 1'000'000) {
    return fmt::format("{:.1f}µs", static_cast<double>(nanos) / 1e3);
  }
  if (nanos < 1'000'000'000) {
    return fmt::format("{:.1f}ms", static_cast<double>(nanos) / 1e6);
  }
  return fmt::format("{:.2f}s", static_cast<double>(nanos) / 1e9);
}

void Display(const ExecutionPlan& plan, bool analyze, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  out->append(plan.ToString());
  if (analyze) {
    out->append(", metrics=[");
    out->append(plan.metrics().ToString());
    out->append("]");
  }
  out->push_back('\n');
  for (const ExecutionPlanPtr& child : plan.children()) {
    Display(*child, analyze, depth + 1, out);
  }
}

}  // namespace

absl::Status TaskContext::CheckCancelled() const {
  if (cancelled()) {
    return absl::CancelledError("query cancelled");
  }
  return absl::OkStatus();
}

void OperatorMetrics::Add(std::string_view name, int64_t value) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[std::string(name)] += value;
}

std::map<std::string, int64_t> OperatorMetrics::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void OperatorMetrics::AddSourceSpan(SourceSpan span) {
  std::lock_guard<std::mutex> lock(mu_);
  if (source_spans_.size() < kMaxSourceSpans) {
    source_spans_.push_back(std::move(span));
  } else {
    ++counters_["source_spans_dropped"];
  }
}

std::vector<SourceSpan> OperatorMetrics::source_spans() const {
  std::lock_guard<std::mutex> lock(mu_);
  return source_spans_;
}

std::string OperatorMetrics::ToString() const {
  std::string text =
      fmt::format("output_rows={}, elapsed={}, output_bytes={}",
                  output_rows(),
                  FormatNanos(elapsed_nanos()),
                  FormatByteSize(static_cast<uint64_t>(std::max<int64_t>(output_bytes(), 0))));
  for (const auto& [name, value] : counters()) {
    text += fmt::format(", {}={}", name, value);
  }
  return text;
}

std::string DisplayPlan(const ExecutionPlan& plan, bool analyze) {
  std::string out;
  Display(plan, analyze, 0, &out);
  return out;
}

}  // namespace strata::exec
