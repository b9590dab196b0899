// UnionExec: the partitions of every input, one after another.
#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/plan_node.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// Restamps batches with the union's schema (inputs after the first may name fields otherwise).
class RestampStream final : public BatchStream {
 public:
  RestampStream(SchemaPtr schema, std::unique_ptr<BatchStream> input)
      : schema_(std::move(schema)), input_(std::move(input)) {}
  absl::StatusOr<bool> Next(Batch* out) override {
    Batch batch;
    STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
    if (!more) {
      return false;
    }
    *out = Batch(schema_, batch.columns(), batch.num_rows(), batch.selection());
    return true;
  }

 private:
  SchemaPtr schema_;
  std::unique_ptr<BatchStream> input_;
};

class UnionExec final : public PlanNode {
 public:
  explicit UnionExec(std::vector<ExecutionPlanPtr> inputs)
      : PlanNode(inputs[0]->schema()), inputs_(std::move(inputs)) {
    for (const ExecutionPlanPtr& input : inputs_) {
      partitions_ += input->output_partitions();
    }
  }

  std::string_view name() const override { return "UnionExec"; }
  int output_partitions() const override { return partitions_; }
  std::vector<ExecutionPlanPtr> children() const override { return inputs_; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != inputs_.size()) {
      return absl::InvalidArgumentError("UnionExec: wrong number of children");
    }
    return MakeUnionExec(std::move(children));
  }
  std::string ToString() const override { return "UnionExec"; }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      int n = inputs_[i]->output_partitions();
      if (partition < n) {
        STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                                inputs_[i]->Execute(partition, context));
        if (i == 0) {
          return input;
        }
        return std::make_unique<RestampStream>(schema_, std::move(input));
      }
      partition -= n;
    }
    return absl::InternalError("UnionExec: partition out of range");
  }

 private:
  std::vector<ExecutionPlanPtr> inputs_;
  int partitions_ = 0;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeUnionExec(std::vector<ExecutionPlanPtr> inputs) {
  if (inputs.empty()) {
    return absl::InvalidArgumentError("UnionExec needs at least one input");
  }
  const Schema& first = *inputs[0]->schema();
  for (size_t i = 1; i < inputs.size(); ++i) {
    const Schema& other = *inputs[i]->schema();
    if (other.num_fields() != first.num_fields()) {
      return absl::InvalidArgumentError(
          fmt::format("UnionExec: input {} has {} fields, the first has {}",
                      i,
                      other.num_fields(),
                      first.num_fields()));
    }
    for (int f = 0; f < first.num_fields(); ++f) {
      TypeId a = first.field(f).type;
      TypeId b = other.field(f).type;
      if (a != b && !(IsStringType(a) && IsStringType(b))) {
        return absl::InvalidArgumentError(
            fmt::format("UnionExec: field {} is {} in the first input and {} in input {}",
                        f,
                        TypeName(a),
                        TypeName(b),
                        i));
      }
    }
  }
  return std::make_shared<UnionExec>(std::move(inputs));
}

}  // namespace strata::exec
