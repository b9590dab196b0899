// The base of the built-in operators: schema storage, partition checks and metrics. Every
// operator's streams are wrapped in a metering stream that counts output rows, batches and bytes
// and the time spent in the operator itself (children's time is subtracted, so EXPLAIN ANALYZE
// shows where time goes rather than cumulative totals).
#pragma once

#include <memory>

#include "exec/execution_plan.h"

namespace strata::exec {

// Approximate bytes of a batch's selected rows (value buffers, string heaps, validity).
int64_t BatchBytes(const Batch& batch);

// Wraps `inner`, the stream of one partition of `plan`, recording into plan.metrics().
// REQUIRES: `plan` outlives the stream (whoever executes a plan holds it while its streams
// exist: ExecuteStream holds the root, and every node holds its children).
std::unique_ptr<BatchStream> MakeMeteredStream(const ExecutionPlan& plan,
                                               std::unique_ptr<BatchStream> inner);

// An operator: subclasses set schema_ and implement ExecutePartition.
class PlanNode : public ExecutionPlan {
 public:
  const SchemaPtr& schema() const override { return schema_; }

  // Checks the partition number and meters the subclass's stream.
  absl::StatusOr<std::unique_ptr<BatchStream>> Execute(
      int partition, const std::shared_ptr<TaskContext>& context) const final;

 protected:
  explicit PlanNode(SchemaPtr schema) : schema_(std::move(schema)) {}

  // REQUIRES: 0 <= partition < output_partitions().
  virtual absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const = 0;

  SchemaPtr schema_;
};

}  // namespace strata::exec
