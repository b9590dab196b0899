// Operator metrics collection and the operator base.
#include "exec/operators/plan_node.h"

#include <chrono>

#include "fmt/format.h"

namespace strata::exec {
namespace {

// Nanoseconds spent inside metered streams called (directly or not) from the current metered
// Next() on this thread; lets each level subtract its children's time.
thread_local int64_t child_nanos = 0;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class MeteredStream final : public BatchStream {
 public:
  MeteredStream(OperatorMetrics* metrics, std::unique_ptr<BatchStream> inner)
      : metrics_(metrics), inner_(std::move(inner)) {}

  absl::StatusOr<bool> Next(Batch* batch) override {
    int64_t outer_children = child_nanos;
    child_nanos = 0;
    int64_t start = NowNanos();
    absl::StatusOr<bool> more = inner_->Next(batch);
    int64_t total = NowNanos() - start;
    OperatorMetrics& metrics = *metrics_;
    metrics.AddElapsedNanos(total - child_nanos);
    child_nanos = outer_children + total;
    if (more.ok() && *more) {
      metrics.AddOutput(batch->length(), BatchBytes(*batch));
    }
    return more;
  }

 private:
  OperatorMetrics* metrics_;
  std::unique_ptr<BatchStream> inner_;
};

}  // namespace

int64_t BatchBytes(const Batch& batch) {
  if (batch.num_rows() == 0) {
    return 0;
  }
  int64_t bytes = 0;
  for (const ColumnPtr& column : batch.columns()) {
    bytes += static_cast<int64_t>(column->MemoryUsage());
  }
  // Scale physical bytes to the selected rows.
  return bytes * batch.length() / batch.num_rows();
}

std::unique_ptr<BatchStream> MakeMeteredStream(const ExecutionPlan& plan,
                                               std::unique_ptr<BatchStream> inner) {
  return std::make_unique<MeteredStream>(&plan.metrics(), std::move(inner));
}

absl::StatusOr<std::unique_ptr<BatchStream>> PlanNode::Execute(
    int partition, const std::shared_ptr<TaskContext>& context) const {
  if (partition < 0 || partition >= output_partitions()) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: partition {} out of range [0, {})", name(), partition, output_partitions()));
  }
  absl::StatusOr<std::unique_ptr<BatchStream>> stream = ExecutePartition(partition, context);
  if (!stream.ok()) {
    return stream.status();
  }
  return MakeMeteredStream(*this, std::move(stream).value());
}

}  // namespace strata::exec
