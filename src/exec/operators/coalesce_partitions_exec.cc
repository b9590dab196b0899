// CoalescePartitionsExec: all input partitions merged into one, run in parallel.
#include "exec/operators.h"
#include "exec/operators/partition_merge.h"
#include "exec/operators/plan_node.h"

namespace strata::exec {
namespace {

class CoalescePartitionsExec final : public PlanNode {
 public:
  explicit CoalescePartitionsExec(ExecutionPlanPtr input)
      : PlanNode(input->schema()), input_(std::move(input)) {}

  std::string_view name() const override { return "CoalescePartitionsExec"; }
  int output_partitions() const override { return 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("CoalescePartitionsExec takes one child");
    }
    return MakeCoalescePartitionsExec(std::move(children[0]));
  }
  std::string ToString() const override { return "CoalescePartitionsExec"; }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int /*partition*/, const std::shared_ptr<TaskContext>& context) const override {
    if (input_->output_partitions() == 1) {
      return input_->Execute(0, context);
    }
    return MergePartitions(input_, context);
  }

 private:
  ExecutionPlanPtr input_;
};

}  // namespace

ExecutionPlanPtr MakeCoalescePartitionsExec(ExecutionPlanPtr input) {
  return std::make_shared<CoalescePartitionsExec>(std::move(input));
}

}  // namespace strata::exec
