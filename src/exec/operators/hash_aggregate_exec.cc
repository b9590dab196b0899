// HashAggregateExec: grouping by a GroupTable, aggregating with GroupsAccumulators.
#include <numeric>

#include "absl/strings/str_join.h"
#include "common/status.h"
#include "exec/aggregates/accumulator_support.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/group_table.h"
#include "exec/operators/plan_node.h"
#include "exec/operators/row_table.h"
#include "exec/take.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

std::string_view ModeName(AggregateMode mode) {
  switch (mode) {
    case AggregateMode::kPartial:
      return "partial";
    case AggregateMode::kFinal:
      return "final";
    case AggregateMode::kSingle:
      return "single";
  }
  return "?";
}

class HashAggregateExec final : public PlanNode, public HashAggregateExecParams {
 public:
  HashAggregateExec(AggregateMode mode,
                    std::vector<GroupItem> groups,
                    std::vector<AggregateItem> aggregates,
                    ExecutionPlanPtr input,
                    SchemaPtr schema,
                    std::vector<int> state_counts)
      : PlanNode(std::move(schema)),
        mode_(mode),
        groups_(std::move(groups)),
        aggregates_(std::move(aggregates)),
        input_(std::move(input)),
        state_counts_(std::move(state_counts)) {
    for (const GroupItem& group : groups_) {
      group_exprs_.push_back(group.expr);
      key_types_.push_back(group.expr->type());
    }
    // Every expression evaluated per batch, in one list so that a batch is compacted at most
    // once: groups, then each aggregate's arguments, then its filter.
    eval_exprs_ = group_exprs_;
    for (const AggregateItem& item : aggregates_) {
      arg_offsets_.push_back(static_cast<int>(eval_exprs_.size()));
      for (const PhysicalExprPtr& arg : item.args) {
        eval_exprs_.push_back(arg);
      }
      filter_offsets_.push_back(item.filter ? static_cast<int>(eval_exprs_.size()) : -1);
      if (item.filter) {
        eval_exprs_.push_back(item.filter);
      }
    }
  }

  std::string_view name() const override { return "HashAggregateExec"; }
  AggregateMode mode() const override { return mode_; }
  const std::vector<GroupItem>& groups() const override { return groups_; }
  const std::vector<AggregateItem>& aggregates() const override { return aggregates_; }
  int output_partitions() const override { return input_->output_partitions(); }
  std::vector<ExecutionPlanPtr> children() const override { return {input_}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (children.size() != 1) {
      return absl::InvalidArgumentError("HashAggregateExec takes one child");
    }
    return MakeHashAggregateExec(mode_, groups_, aggregates_, std::move(children[0]));
  }
  std::string ToString() const override {
    return fmt::format(
        "HashAggregateExec: mode={}, gby=[{}], aggr=[{}]",
        ModeName(mode_),
        absl::StrJoin(
            groups_, ", ", [](std::string* out, const GroupItem& g) { out->append(g.name); }),
        absl::StrJoin(aggregates_, ", ", [](std::string* out, const AggregateItem& a) {
          out->append(a.name);
        }));
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<BatchStream> input,
                            input_->Execute(partition, context));
    auto stream = std::make_unique<Stream>(this, std::move(input), context);
    STRATA_RETURN_IF_ERROR(stream->Init());
    return stream;
  }

 private:
  class Stream final : public BatchStream {
   public:
    Stream(const HashAggregateExec* plan,
           std::unique_ptr<BatchStream> input,
           std::shared_ptr<TaskContext> context)
        : plan_(plan),
          input_(std::move(input)),
          context_(std::move(context)),
          reservation_(context_->memory_pool(), std::string(plan->name())),
          table_(plan->mode_ == AggregateMode::kFinal ? FinalKeyTypes(*plan) : plan->key_types_) {}

    absl::Status Init() {
      for (const AggregateItem& item : plan_->aggregates_) {
        STRATA_ASSIGN_OR_RETURN(std::unique_ptr<GroupsAccumulator> accumulator,
                                item.function->create(item.signature, item.options));
        accumulators_.push_back(std::move(accumulator));
      }
      return absl::OkStatus();
    }

    absl::StatusOr<bool> Next(Batch* out) override {
      if (input_ != nullptr) {
        STRATA_RETURN_IF_ERROR(ConsumeInput());
      }
      if (next_row_ >= output_rows_) {
        output_.clear();
        return false;
      }
      int64_t batch_size = std::clamp<int64_t>(context_->batch_size(), 1, kMaxBatchRows);
      int64_t count = std::min(batch_size, output_rows_ - next_row_);
      if (next_row_ == 0 && count == output_rows_) {
        *out = Batch(plan_->schema_, output_, output_rows_);
      } else {
        std::vector<ColumnPtr> columns;
        columns.reserve(output_.size());
        for (const ColumnPtr& column : output_) {
          columns.push_back(Slice(*column, next_row_, count));
        }
        *out = Batch(plan_->schema_, std::move(columns), count);
      }
      next_row_ += count;
      return true;
    }

   private:
    static std::vector<TypeId> FinalKeyTypes(const HashAggregateExec& plan) {
      return plan.key_types_;
    }

    absl::Status ConsumeInput() {
      for (;;) {
        STRATA_RETURN_IF_ERROR(context_->CheckCancelled());
        Batch batch;
        STRATA_ASSIGN_OR_RETURN(bool more, input_->Next(&batch));
        if (!more) {
          break;
        }
        if (batch.length() == 0) {
          continue;
        }
        if (plan_->mode_ == AggregateMode::kFinal) {
          STRATA_RETURN_IF_ERROR(MergeBatch(batch.Compact()));
        } else {
          STRATA_RETURN_IF_ERROR(UpdateBatch(batch));
        }
        // The groups and states have grown by at most one batch's worth since the last check.
        STRATA_RETURN_IF_ERROR(reservation_.TryResize(StateBytes()));
      }
      input_.reset();
      return Finish();
    }

    absl::Status UpdateBatch(const Batch& batch) {
      STRATA_ASSIGN_OR_RETURN(EvaluatedColumns evaluated,
                              EvaluateColumns(plan_->eval_exprs_, batch));
      const size_t num_groups = plan_->groups_.size();
      std::vector<ColumnPtr> keys(evaluated.columns.begin(),
                                  evaluated.columns.begin() + static_cast<long>(num_groups));
      const SelectionVector* selection = evaluated.selection.get();
      group_ids_.clear();
      table_.Insert(keys, evaluated.num_rows, selection, &group_ids_);
      const uint32_t total = table_.num_groups();
      for (size_t a = 0; a < accumulators_.size(); ++a) {
        const AggregateItem& item = plan_->aggregates_[a];
        auto first = evaluated.columns.begin() + plan_->arg_offsets_[a];
        std::vector<ColumnPtr> args(first, first + static_cast<long>(item.args.size()));
        const SelectionVector* rows = selection;
        if (rows == nullptr && args.empty()) {
          // count(*) has no column to count rows by: give it the rows explicitly.
          if (static_cast<int64_t>(all_rows_.size()) != evaluated.num_rows) {
            all_rows_.resize(static_cast<size_t>(evaluated.num_rows));
            std::iota(all_rows_.begin(), all_rows_.end(), 0u);
          }
          rows = &all_rows_;
        }
        if (plan_->filter_offsets_[a] < 0) {
          STRATA_RETURN_IF_ERROR(accumulators_[a]->Update(args, rows, group_ids_.data(), total));
          continue;
        }
        // FILTER (WHERE ...): the rows of this aggregate only.
        const Column& filter = *evaluated.columns[static_cast<size_t>(plan_->filter_offsets_[a])];
        filtered_rows_.clear();
        filtered_groups_.clear();
        const uint8_t* bits = filter.type() == TypeId::kBool ? filter.data<uint8_t>() : nullptr;
        int64_t n = rows ? static_cast<int64_t>(rows->size()) : evaluated.num_rows;
        for (int64_t i = 0; i < n; ++i) {
          int64_t row = rows ? (*rows)[static_cast<size_t>(i)] : i;
          if (bits != nullptr && bits[row] != 0 && filter.IsValid(row)) {
            filtered_rows_.push_back(static_cast<uint32_t>(row));
            filtered_groups_.push_back(group_ids_[static_cast<size_t>(i)]);
          }
        }
        STRATA_RETURN_IF_ERROR(
            accumulators_[a]->Update(args, &filtered_rows_, filtered_groups_.data(), total));
      }
      return absl::OkStatus();
    }

    absl::Status MergeBatch(const Batch& batch) {
      STRATA_ASSIGN_OR_RETURN(EvaluatedColumns keys, EvaluateColumns(plan_->group_exprs_, batch));
      group_ids_.clear();
      table_.Insert(keys.columns, batch.num_rows(), nullptr, &group_ids_);
      const uint32_t total = table_.num_groups();
      int column = static_cast<int>(plan_->groups_.size());
      for (size_t a = 0; a < accumulators_.size(); ++a) {
        std::vector<ColumnPtr> states;
        for (int s = 0; s < plan_->state_counts_[a]; ++s) {
          states.push_back(batch.column(column++));
        }
        STRATA_RETURN_IF_ERROR(accumulators_[a]->Merge(states, group_ids_.data(), total));
      }
      return absl::OkStatus();
    }

    absl::Status Finish() {
      const uint32_t total = table_.num_groups();
      // Size every accumulator to the final number of groups (one may never have seen a row of
      // the last groups, e.g. under a FILTER, or of group 0 of an aggregate without GROUP BY).
      static const SelectionVector kNoRows;
      for (size_t a = 0; a < accumulators_.size(); ++a) {
        const AggregateItem& item = plan_->aggregates_[a];
        if (plan_->mode_ == AggregateMode::kFinal) {
          std::vector<ColumnPtr> states;
          for (TypeId type : AggregateStateTypes(*item.function, item.signature, item.options)) {
            states.push_back(std::make_shared<Column>(type));
          }
          STRATA_RETURN_IF_ERROR(accumulators_[a]->Merge(states, nullptr, total));
        } else {
          std::vector<ColumnPtr> args;
          for (size_t i = 0; i < item.args.size(); ++i) {
            args.push_back(std::make_shared<Column>(item.args[i]->type()));
          }
          STRATA_RETURN_IF_ERROR(accumulators_[a]->Update(args, &kNoRows, nullptr, total));
        }
      }
      for (size_t k = 0; k < plan_->groups_.size(); ++k) {
        bool dictionary_output =
            plan_->schema_->field(static_cast<int>(k)).type == TypeId::kDictionary;
        output_.push_back(table_.KeyColumn(static_cast<int>(k), 0, total, dictionary_output));
      }
      const int64_t state_bytes = StateBytes();
      for (auto& accumulator : accumulators_) {
        if (plan_->mode_ == AggregateMode::kPartial) {
          STRATA_ASSIGN_OR_RETURN(std::vector<ColumnPtr> states, accumulator->State());
          for (ColumnPtr& state : states) {
            output_.push_back(std::move(state));
          }
        } else {
          STRATA_ASSIGN_OR_RETURN(ColumnPtr value, accumulator->Evaluate());
          output_.push_back(std::move(value));
        }
      }
      for (const ColumnPtr& column : output_) {
        if (column->size() != total) {
          return absl::InternalError(
              fmt::format("HashAggregateExec: an aggregate produced {} rows for {} groups",
                          column->size(),
                          total));
        }
      }
      // The output exists next to the states until these are dropped; then the group table
      // (which dictionary key columns point into) and the output remain.
      const int64_t output_bytes = ColumnsBytes(output_);
      STRATA_RETURN_IF_ERROR(reservation_.TryResize(state_bytes + output_bytes));
      accumulators_.clear();
      STRATA_RETURN_IF_ERROR(
          reservation_.TryResize(static_cast<int64_t>(table_.MemoryUsage()) + output_bytes));
      output_rows_ = total;
      plan_->metrics().Add("groups", total);
      plan_->metrics().Add("peak_mem_bytes", reservation_.peak());
      return absl::OkStatus();
    }

    // Bytes of the group table and the accumulators' states.
    int64_t StateBytes() const {
      size_t bytes = table_.MemoryUsage();
      for (const auto& accumulator : accumulators_) {
        bytes += accumulator->MemoryUsage();
      }
      return static_cast<int64_t>(bytes);
    }

    const HashAggregateExec* plan_;
    std::unique_ptr<BatchStream> input_;  // null once consumed
    std::shared_ptr<TaskContext> context_;
    MemoryReservation reservation_;
    GroupTable table_;
    std::vector<std::unique_ptr<GroupsAccumulator>> accumulators_;
    std::vector<uint32_t> group_ids_;
    SelectionVector all_rows_;
    SelectionVector filtered_rows_;
    std::vector<uint32_t> filtered_groups_;
    std::vector<ColumnPtr> output_;
    int64_t output_rows_ = 0;
    int64_t next_row_ = 0;
  };

  AggregateMode mode_;
  std::vector<GroupItem> groups_;
  std::vector<AggregateItem> aggregates_;
  ExecutionPlanPtr input_;
  std::vector<int> state_counts_;
  std::vector<PhysicalExprPtr> group_exprs_;
  std::vector<TypeId> key_types_;
  std::vector<PhysicalExprPtr> eval_exprs_;
  std::vector<int> arg_offsets_;
  std::vector<int> filter_offsets_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeHashAggregateExec(AggregateMode mode,
                                                       std::vector<GroupItem> groups,
                                                       std::vector<AggregateItem> aggregates,
                                                       ExecutionPlanPtr input) {
  std::vector<Field> fields;
  for (const GroupItem& group : groups) {
    if (group.expr == nullptr) {
      return absl::InvalidArgumentError("HashAggregateExec: missing group expression");
    }
    TypeId type = group.expr->type();
    if (mode != AggregateMode::kPartial && type == TypeId::kDictionary) {
      type = TypeId::kString;
    }
    fields.push_back(Field{group.name, type, true});
  }
  std::vector<int> state_counts;
  int input_columns = static_cast<int>(groups.size());
  for (const AggregateItem& item : aggregates) {
    if (item.function == nullptr) {
      return absl::InvalidArgumentError("HashAggregateExec: missing aggregate function");
    }
    if (item.args.size() > item.signature.args.size()) {
      return absl::InvalidArgumentError(
          fmt::format("HashAggregateExec: {} has {} arguments, its signature {}",
                      item.name,
                      item.args.size(),
                      item.signature.args.size()));
    }
    std::vector<TypeId> states = AggregateStateTypes(*item.function, item.signature, item.options);
    state_counts.push_back(static_cast<int>(states.size()));
    input_columns += static_cast<int>(states.size());
    if (mode == AggregateMode::kPartial) {
      for (size_t s = 0; s < states.size(); ++s) {
        fields.push_back(Field{
            states.size() == 1 ? item.name : fmt::format("{}[{}]", item.name, s), states[s], true});
      }
    } else {
      fields.push_back(Field{item.name, item.signature.result, true});
    }
  }
  if (mode == AggregateMode::kFinal && input->schema()->num_fields() < input_columns) {
    return absl::InvalidArgumentError(
        fmt::format("HashAggregateExec: final mode needs {} input columns (groups and states), "
                    "the input has {}",
                    input_columns,
                    input->schema()->num_fields()));
  }
  auto schema = std::make_shared<Schema>(std::move(fields));
  return std::make_shared<HashAggregateExec>(mode,
                                             std::move(groups),
                                             std::move(aggregates),
                                             std::move(input),
                                             std::move(schema),
                                             std::move(state_counts));
}

}  // namespace strata::exec
