// The physical planner: logical nodes to exec operators, logical expressions to physical ones.
#include "plan/physical_planner.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "exec/operators.h"
#include "fmt/format.h"

namespace strata::plan {
namespace {

using exec::ExecutionPlanPtr;
using exec::PhysicalExprPtr;

absl::StatusOr<std::vector<PhysicalExprPtr>> CreatePhysicalExprs(
    const std::vector<ExprPtr>& exprs) {
  std::vector<PhysicalExprPtr> out;
  out.reserve(exprs.size());
  for (const ExprPtr& e : exprs) {
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr p, CreatePhysicalExpr(*e));
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<exec::SortKey>> CreateSortKeys(const std::vector<SortExpr>& keys) {
  std::vector<exec::SortKey> out;
  out.reserve(keys.size());
  for (const SortExpr& key : keys) {
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr p, CreatePhysicalExpr(*key.expr));
    out.push_back(exec::SortKey{std::move(p), key.ascending, key.nulls_first});
  }
  return out;
}

// Merges the partitions of `input` into one when it has several.
ExecutionPlanPtr SinglePartition(ExecutionPlanPtr input) {
  if (input->output_partitions() <= 1) {
    return input;
  }
  return exec::MakeCoalescePartitionsExec(std::move(input));
}

// The leading data arguments of an aggregate call: constant arguments (the percentile of
// approx_percentile_cont) travel in the call options, already evaluated.
std::vector<ExprPtr> AggregateDataArgs(const Expr& call) {
  std::vector<ExprPtr> args = call.args;
  if (!call.aggregate_options.constant_args.empty() && call.aggregate_function != nullptr) {
    size_t data_args = static_cast<size_t>(std::max(call.aggregate_function->data_args, 0));
    if (args.size() > data_args) {
      args.resize(data_args);
    }
  }
  return args;
}

absl::StatusOr<ExecutionPlanPtr> PlanAggregate(const LogicalPlan& plan, ExecutionPlanPtr input) {
  std::vector<exec::GroupItem> groups;
  for (size_t i = 0; i < plan.group_exprs.size(); ++i) {
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr p, CreatePhysicalExpr(*plan.group_exprs[i]));
    groups.push_back(exec::GroupItem{std::move(p), plan.schema[i].name});
  }
  std::vector<exec::AggregateItem> aggregates;
  for (size_t i = 0; i < plan.aggregate_exprs.size(); ++i) {
    const Expr& call = *plan.aggregate_exprs[i];
    if (call.kind != ExprKind::kAggregate || call.aggregate_function == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("aggregate expression expected, got {}", call.ToString()));
    }
    exec::AggregateItem item;
    item.function = call.aggregate_function;
    item.signature = call.signature;
    item.options = call.aggregate_options;
    STRATA_ASSIGN_OR_RETURN(item.args, CreatePhysicalExprs(AggregateDataArgs(call)));
    if (call.filter != nullptr) {
      STRATA_ASSIGN_OR_RETURN(item.filter, CreatePhysicalExpr(*call.filter));
    }
    item.name = plan.schema[plan.group_exprs.size() + i].name;
    aggregates.push_back(std::move(item));
  }

  if (input->output_partitions() <= 1) {
    return exec::MakeHashAggregateExec(
        exec::AggregateMode::kSingle, std::move(groups), std::move(aggregates), std::move(input));
  }
  // Partial per input partition, merged into one partition, then final. The final groups read
  // the partial output's group columns, the final aggregates its state columns (in item order).
  std::vector<exec::AggregateItem> final_aggregates = aggregates;
  for (exec::AggregateItem& item : final_aggregates) {
    item.args.clear();
    item.filter = nullptr;
  }
  STRATA_ASSIGN_OR_RETURN(
      ExecutionPlanPtr partial,
      exec::MakeHashAggregateExec(
          exec::AggregateMode::kPartial, groups, std::move(aggregates), std::move(input)));
  std::vector<exec::GroupItem> final_groups;
  const Schema& partial_schema = *partial->schema();
  for (size_t i = 0; i < groups.size(); ++i) {
    const Field& field = partial_schema.field(static_cast<int>(i));
    final_groups.push_back(exec::GroupItem{
        exec::MakeColumnExpr(static_cast<int>(i), field.name, field.type), groups[i].name});
  }
  return exec::MakeHashAggregateExec(exec::AggregateMode::kFinal,
                                     std::move(final_groups),
                                     std::move(final_aggregates),
                                     exec::MakeCoalescePartitionsExec(std::move(partial)));
}

absl::StatusOr<ExecutionPlanPtr> PlanSort(const LogicalPlan& plan, ExecutionPlanPtr input) {
  STRATA_ASSIGN_OR_RETURN(std::vector<exec::SortKey> keys, CreateSortKeys(plan.sort_exprs));
  if (plan.fetch.has_value() && input->output_partitions() > 1) {
    // TopK per partition, then TopK over their union: each partition keeps at most `fetch` rows.
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr local,
                            exec::MakeSortExec(keys, plan.fetch, std::move(input)));
    return exec::MakeSortExec(
        std::move(keys), plan.fetch, exec::MakeCoalescePartitionsExec(std::move(local)));
  }
  return exec::MakeSortExec(std::move(keys), plan.fetch, SinglePartition(std::move(input)));
}

absl::StatusOr<ExecutionPlanPtr> PlanLimit(const LogicalPlan& plan, ExecutionPlanPtr input) {
  if (plan.fetch.has_value() && input->output_partitions() > 1) {
    // No partition needs to produce more than skip + fetch rows.
    int64_t local = plan.skip + *plan.fetch;
    if (local < plan.skip) {  // overflow: no useful local limit
      local = INT64_MAX;
    }
    input = exec::MakeLocalLimitExec(local, std::move(input));
  }
  return exec::MakeLimitExec(plan.skip, plan.fetch, SinglePartition(std::move(input)));
}

// Join types whose output depends on the whole probe (right) side for a given build row: the
// unmatched or matched left rows are emitted once, after every probe partition has run.
bool NeedsSingleProbe(exec::JoinType type) {
  switch (type) {
    case exec::JoinType::kInner:
    case exec::JoinType::kRight:
      return false;
    case exec::JoinType::kLeft:
    case exec::JoinType::kFull:
    case exec::JoinType::kLeftSemi:
    case exec::JoinType::kLeftAnti:
      return true;
  }
  return true;
}

// A rough row count of what `plan` produces, for choosing a join's build side. Unknown tables
// count as large; a grouped aggregate as a tenth of its input (group keys are usually far fewer
// than rows); filters as half.
double EstimateRows(const LogicalPlan& plan) {
  constexpr double kUnknown = 1e9;
  switch (plan.kind) {
    case PlanKind::kScan: {
      std::optional<int64_t> rows = plan.table->EstimatedRowCount();
      double n = rows ? static_cast<double>(*rows) : kUnknown;
      if (!plan.filters.empty()) {
        n *= 0.5;
      }
      return plan.fetch ? std::min(n, static_cast<double>(*plan.fetch)) : n;
    }
    case PlanKind::kFilter:
      return EstimateRows(*plan.inputs[0]) * 0.5;
    case PlanKind::kAggregate:
      return plan.group_exprs.empty() ? 1 : EstimateRows(*plan.inputs[0]) / 10;
    case PlanKind::kSort:
    case PlanKind::kLimit: {
      double n = EstimateRows(*plan.inputs[0]);
      return plan.fetch ? std::min(n, static_cast<double>(*plan.fetch)) : n;
    }
    case PlanKind::kJoin:
      return std::max(EstimateRows(*plan.inputs[0]), EstimateRows(*plan.inputs[1]));
    case PlanKind::kUnion: {
      double n = 0;
      for (const LogicalPlanPtr& input : plan.inputs) {
        n += EstimateRows(*input);
      }
      return n;
    }
    case PlanKind::kValues:
      return static_cast<double>(plan.values.size());
    case PlanKind::kEmpty:
      return plan.produce_one_row ? 1 : 0;
    case PlanKind::kProjection:
    case PlanKind::kWindow:
    case PlanKind::kExplain:
      return plan.inputs.empty() ? kUnknown : EstimateRows(*plan.inputs[0]);
  }
  return kUnknown;
}

absl::StatusOr<ExecutionPlanPtr> PlanJoin(const LogicalPlan& plan,
                                          ExecutionPlanPtr left,
                                          ExecutionPlanPtr right) {
  // The hash join builds a table of its whole left input. For an inner equi-join whose right
  // input is much smaller (lastpoint: all rows joined with one row per host), build on the right
  // instead: swap the inputs and restore the column order with a projection.
  if (plan.join_type == exec::JoinType::kInner && !plan.left_keys.empty() &&
      EstimateRows(*plan.inputs[1]) * 2 < EstimateRows(*plan.inputs[0])) {
    const int left_width = static_cast<int>(plan.inputs[0]->schema.size());
    const int right_width = static_cast<int>(plan.inputs[1]->schema.size());
    PhysicalExprPtr filter;
    if (plan.join_filter != nullptr) {
      // left ++ right -> right ++ left
      std::vector<int> mapping(static_cast<size_t>(left_width + right_width));
      for (int i = 0; i < left_width; ++i) {
        mapping[static_cast<size_t>(i)] = right_width + i;
      }
      for (int j = 0; j < right_width; ++j) {
        mapping[static_cast<size_t>(left_width + j)] = j;
      }
      STRATA_ASSIGN_OR_RETURN(filter, CreatePhysicalExpr(*RemapColumns(plan.join_filter, mapping)));
    }
    std::vector<exec::JoinKey> on;
    for (size_t i = 0; i < plan.left_keys.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr l, CreatePhysicalExpr(*plan.left_keys[i]));
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr r, CreatePhysicalExpr(*plan.right_keys[i]));
      on.push_back(exec::JoinKey{std::move(r), std::move(l), plan.null_equal_key(i)});
    }
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr join,
                            exec::MakeHashJoinExec(exec::JoinType::kInner,
                                                   std::move(on),
                                                   std::move(filter),
                                                   /*null_aware=*/false,
                                                   SinglePartition(std::move(right)),
                                                   std::move(left)));
    std::vector<exec::ProjectionItem> items;
    const Schema& joined = *join->schema();
    for (int i = 0; i < left_width; ++i) {
      const Field& f = joined.field(right_width + i);
      items.push_back(exec::ProjectionItem{exec::MakeColumnExpr(right_width + i, f.name, f.type),
                                           plan.schema[static_cast<size_t>(i)].name});
    }
    for (int j = 0; j < right_width; ++j) {
      const Field& f = joined.field(j);
      items.push_back(exec::ProjectionItem{exec::MakeColumnExpr(j, f.name, f.type),
                                           plan.schema[static_cast<size_t>(left_width + j)].name});
    }
    return exec::MakeProjectionExec(std::move(items), std::move(join));
  }
  PhysicalExprPtr filter;
  if (plan.join_filter != nullptr) {
    STRATA_ASSIGN_OR_RETURN(filter, CreatePhysicalExpr(*plan.join_filter));
  }
  // The build side is read whole; merging it first keeps the operator's build simple. The probe
  // side stays partitioned unless the join type needs to see every probe row in one place.
  left = SinglePartition(std::move(left));
  if (NeedsSingleProbe(plan.join_type)) {
    right = SinglePartition(std::move(right));
  }
  if (plan.left_keys.empty()) {
    return exec::MakeNestedLoopJoinExec(
        plan.join_type, std::move(filter), std::move(left), std::move(right));
  }
  if (plan.left_keys.size() != plan.right_keys.size()) {
    return absl::InvalidArgumentError("join has unequal numbers of left and right keys");
  }
  std::vector<exec::JoinKey> on;
  for (size_t i = 0; i < plan.left_keys.size(); ++i) {
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr l, CreatePhysicalExpr(*plan.left_keys[i]));
    STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr r, CreatePhysicalExpr(*plan.right_keys[i]));
    on.push_back(exec::JoinKey{std::move(l), std::move(r), plan.null_equal_key(i)});
  }
  return exec::MakeHashJoinExec(plan.join_type,
                                std::move(on),
                                std::move(filter),
                                plan.null_aware,
                                std::move(left),
                                std::move(right));
}

absl::StatusOr<ExecutionPlanPtr> PlanWindow(const LogicalPlan& plan, ExecutionPlanPtr input) {
  size_t input_fields = plan.inputs[0]->schema.size();
  std::vector<exec::WindowItem> items;
  for (size_t i = 0; i < plan.window_exprs.size(); ++i) {
    const Expr& w = *plan.window_exprs[i];
    if (w.kind != ExprKind::kWindow) {
      return absl::InvalidArgumentError(
          fmt::format("window expression expected, got {}", w.ToString()));
    }
    exec::WindowItem item;
    item.kind = w.window_kind;
    item.aggregate = w.aggregate_function;
    item.signature = w.signature;
    item.options = w.aggregate_options;
    STRATA_ASSIGN_OR_RETURN(item.args, CreatePhysicalExprs(w.args));
    STRATA_ASSIGN_OR_RETURN(item.partition_by, CreatePhysicalExprs(w.partition_by));
    STRATA_ASSIGN_OR_RETURN(item.order_by, CreateSortKeys(w.order_by));
    item.frame = w.frame;
    item.type = w.type;
    item.name = plan.schema[input_fields + i].name;
    items.push_back(std::move(item));
  }
  return exec::MakeWindowExec(std::move(items), SinglePartition(std::move(input)));
}

absl::StatusOr<ExecutionPlanPtr> PlanValues(const LogicalPlan& plan) {
  std::vector<std::vector<exec::Scalar>> rows;
  rows.reserve(plan.values.size());
  for (const std::vector<ExprPtr>& row : plan.values) {
    std::vector<exec::Scalar> values;
    values.reserve(row.size());
    for (const ExprPtr& e : row) {
      STRATA_ASSIGN_OR_RETURN(exec::Scalar v, EvaluateConstantExpr(*e));
      values.push_back(std::move(v));
    }
    rows.push_back(std::move(values));
  }
  return exec::MakeValuesExec(plan.ToSchema(), std::move(rows));
}

}  // namespace

absl::StatusOr<exec::ExecutionPlanPtr> CreatePhysicalPlan(const LogicalPlan& plan,
                                                          const exec::TaskContext& context) {
  std::vector<ExecutionPlanPtr> inputs;
  inputs.reserve(plan.inputs.size());
  for (const LogicalPlanPtr& input : plan.inputs) {
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr p, CreatePhysicalPlan(*input, context));
    inputs.push_back(std::move(p));
  }
  switch (plan.kind) {
    case PlanKind::kScan: {
      if (plan.table == nullptr) {
        return absl::InvalidArgumentError("table scan without a table");
      }
      ScanRequest request;
      request.projection = plan.projection;
      request.filters = plan.filters;
      request.limit = plan.fetch;
      return plan.table->Scan(request, context);
    }
    case PlanKind::kFilter: {
      STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr predicate, CreatePhysicalExpr(*plan.predicate));
      return exec::MakeFilterExec(std::move(predicate), std::move(inputs[0]));
    }
    case PlanKind::kProjection: {
      std::vector<exec::ProjectionItem> items;
      items.reserve(plan.exprs.size());
      for (size_t i = 0; i < plan.exprs.size(); ++i) {
        STRATA_ASSIGN_OR_RETURN(PhysicalExprPtr p, CreatePhysicalExpr(*plan.exprs[i]));
        items.push_back(exec::ProjectionItem{std::move(p), plan.schema[i].name});
      }
      return exec::MakeProjectionExec(std::move(items), std::move(inputs[0]));
    }
    case PlanKind::kAggregate:
      return PlanAggregate(plan, std::move(inputs[0]));
    case PlanKind::kSort:
      return PlanSort(plan, std::move(inputs[0]));
    case PlanKind::kLimit:
      return PlanLimit(plan, std::move(inputs[0]));
    case PlanKind::kJoin:
      return PlanJoin(plan, std::move(inputs[0]), std::move(inputs[1]));
    case PlanKind::kUnion:
      return exec::MakeUnionExec(std::move(inputs));
    case PlanKind::kWindow:
      return PlanWindow(plan, std::move(inputs[0]));
    case PlanKind::kValues:
      return PlanValues(plan);
    case PlanKind::kEmpty:
      return exec::MakeEmptyExec(plan.ToSchema(), plan.produce_one_row);
    case PlanKind::kExplain:
      return absl::InvalidArgumentError("EXPLAIN is planned by the query engine, not here");
  }
  return absl::InternalError("unknown logical plan node");
}

}  // namespace strata::plan
