// FilterExec: refines each batch's selection with a predicate; copies no column.
#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

class FilterExec final : public PlanNode, public FilterExecParams {
 public:
  FilterExec(PhysicalExprPtr predicate, ExecutionPlanPtr input)
      : PlanNode(input->schema()),
        predicate_(std::move(predicate)),
        input_(std::move(input)),
        physical_ok_(CannotFailPerRow(*predicate_)) {}

  std::string_view name() const override { return "FilterExec"; }
  int output_partitions() const override { return input_->output_partitions(); }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("FilterExec takes one child");
    }
    return MakeFilterExec(predicate_, std::move(children[0]));
  }
  std::string ToString() const override { return "FilterExec: " + predicate_->ToString(); }
  const PhysicalExprPtr& predicate() const override { return predicate_; }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                            input_->Execute(partition, context));
    return std::make_unique<Stream>(this, std::move(input));
  }

 private:
  class Stream final : public BatchStream {
   public:
    Stream(const FilterExec* plan, std::unique_ptr<BatchStream> input)
        : plan_(plan), input_(std::move(input)) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      for (;;) {
        Batch batch;
        STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
        if (!more) {
          return false;
        }
        if (batch.length() == 0) {
          continue;
        }
        // Evaluating over the physical rows and intersecting with the selection avoids a copy;
        // only safe when no excluded row can raise an error, and only worth it when the
        // selection keeps a good share of the rows.
        if (batch.has_selection() &&
            (!plan_->physical_ok_ || batch.length() * 4 < batch.num_rows())) {
          batch = batch.Compact();
        }
        STRATA_ASSIGN_OR_RETURN(Datum value, plan_->predicate_->Evaluate(batch));
        STRATA_ASSIGN_OR_RETURN(SelectionVector selected,
                                SelectTrue(value, batch.num_rows(), batch.selection().get()));
        if (selected.empty()) {
          continue;
        }
        if (static_cast<int64_t>(selected.size()) == batch.num_rows()) {
          *out = Batch(batch.schema(), batch.columns(), batch.num_rows());
        } else {
          *out = Batch(batch.schema(),
                       batch.columns(),
                       batch.num_rows(),
                       std::make_shared<const SelectionVector>(std::move(selected)));
        }
        return true;
      }
    }

   private:
    const FilterExec* plan_;
    std::unique_ptr<BatchStream> input_;
  };

  PhysicalExprPtr predicate_;
  ExecutionPlanPtr input_;
  bool physical_ok_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeFilterExec(PhysicalExprPtr predicate, ExecutionPlanPtr input) {
  if (predicate == nullptr || input == nullptr) {
    return absl::InvalidArgumentError("FilterExec: missing predicate or input");
  }
  if (predicate->type() != TypeId::kBool && predicate->type() != TypeId::kNull) {
    return absl::InvalidArgumentError(
        fmt::format("FilterExec: predicate must be bool, got {}", TypeName(predicate->type())));
  }
  return std::make_shared<FilterExec>(std::move(predicate), std::move(input));
}

}  // namespace strata::exec
