// ProjectionExec: one output column per expression.
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"

namespace strata::exec {
namespace {

SchemaPtr ProjectionSchema(const std::vector<ProjectionItem>& items) {
  std::vector<Field> fields;
  fields.reserve(items.size());
  for (const ProjectionItem& item : items) {
    fields.push_back(Field{item.name, item.expr->type(), true});
  }
  return std::make_shared<Schema>(std::move(fields));
}

class ProjectionExec final : public PlanNode, public ProjectionExecParams {
 public:
  ProjectionExec(std::vector<ProjectionItem> items, ExecutionPlanPtr input)
      : PlanNode(ProjectionSchema(items)), items_(std::move(items)), input_(std::move(input)) {
    for (const ProjectionItem& item : items_) {
      if (item.expr->kind() != PhysicalExprKind::kColumn) {
        all_column_refs_ = false;
      } else {
        column_indices_.push_back(item.expr->column_index());
      }
    }
  }

  std::string_view name() const override { return "ProjectionExec"; }
  const std::vector<ProjectionItem>& items() const override { return items_; }
  int output_partitions() const override { return input_->output_partitions(); }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("ProjectionExec takes one child");
    }
    return MakeProjectionExec(items_, std::move(children[0]));
  }
  std::string ToString() const override {
    return "ProjectionExec: expr=[" +
           absl::StrJoin(items_,
                         ", ",
                         [](std::string* out, const ProjectionItem& item) {
                           std::string expr = item.expr->ToString();
                           out->append(expr);
                           if (expr != item.name) {
                             out->append(" AS ").append(item.name);
                           }
                         }) +
           "]";
  }

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
    Stream(const ProjectionExec* plan, std::unique_ptr<BatchStream> input)
        : plan_(plan), input_(std::move(input)) {}

    absl::StatusOr<bool> Next(Batch* out) override {
      Batch batch;
      STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
      if (!more) {
        return false;
      }
      if (plan_->all_column_refs_) {
        *out = batch.SelectColumns(plan_->column_indices_, plan_->schema_);
        return true;
      }
      Batch dense = batch.Compact();
      std::vector<ColumnPtr> columns;
      columns.reserve(plan_->items_.size());
      for (const ProjectionItem& item : plan_->items_) {
        STRATA_ASSIGN_OR_RETURN(ColumnPtr column, EvaluateAsColumn(*item.expr, dense));
        columns.push_back(std::move(column));
      }
      *out = Batch(plan_->schema_, std::move(columns), dense.num_rows());
      return true;
    }

   private:
    const ProjectionExec* plan_;
    std::unique_ptr<BatchStream> input_;
  };

  std::vector<ProjectionItem> items_;
  ExecutionPlanPtr input_;
  bool all_column_refs_ = true;
  std::vector<int> column_indices_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeProjectionExec(std::vector<ProjectionItem> items,
                                                    ExecutionPlanPtr input) {
  for (const ProjectionItem& item : items) {
    if (item.expr == nullptr) {
      return absl::InvalidArgumentError("ProjectionExec: missing expression");
    }
    if (item.expr->kind() == PhysicalExprKind::kColumn &&
        (item.expr->column_index() < 0 ||
         item.expr->column_index() >= input->schema()->num_fields())) {
      return absl::InvalidArgumentError("ProjectionExec: column index out of range");
    }
  }
  return std::make_shared<ProjectionExec>(std::move(items), std::move(input));
}

}  // namespace strata::exec
