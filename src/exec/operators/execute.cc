// ExecuteStream and Collect: running a whole plan.
#include "common/status.h"
#include "exec/execution_plan.h"
#include "exec/operators/partition_merge.h"

namespace strata::exec {
namespace {

// Keeps the plan alive for as long as a stream of its single partition is read.
class PlanOwningStream final : public BatchStream {
 public:
  PlanOwningStream(ExecutionPlanPtr plan, std::unique_ptr<BatchStream> inner)
      : plan_(std::move(plan)), inner_(std::move(inner)) {}
  absl::StatusOr<bool> Next(Batch* batch) override { return inner_->Next(batch); }

 private:
  ExecutionPlanPtr plan_;  // declared first: outlives inner_
  std::unique_ptr<BatchStream> inner_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BatchStream>> ExecuteStream(ExecutionPlanPtr plan,
                                                           std::shared_ptr<TaskContext> context) {
  if (plan->output_partitions() == 1) {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream, plan->Execute(0, context));
    return std::make_unique<PlanOwningStream>(std::move(plan), std::move(stream));
  }
  return MergePartitions(std::move(plan), std::move(context));
}

absl::StatusOr<std::vector<Batch>> Collect(ExecutionPlanPtr plan,
                                           std::shared_ptr<TaskContext> context) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> stream,
                          ExecuteStream(std::move(plan), std::move(context)));
  std::vector<Batch> batches;
  for (;;) {
    Batch batch;
    STRATA_ASSIGN_OR_RETURN(bool more, stream->Next(&batch));
    if (!more) {
      break;
    }
    if (batch.length() > 0) {
      batches.push_back(batch.Compact());
    }
  }
  return batches;
}

}  // namespace strata::exec
