// Physical plan rules: dynamic filter pushdown.
#include "plan/physical_optimizer.h"

#include <vector>

#include "common/status.h"
#include "exec/operators.h"

namespace strata::plan {
namespace {

using exec::ExecutionPlan;
using exec::ExecutionPlanPtr;

// `plan` rewritten so that the scan producing its output column `column` reads `ref` (with
// ref.column set to the scan's own column), or null when the column cannot be traced to a scan
// that takes dynamic filters.
ExecutionPlanPtr PushRef(const ExecutionPlanPtr& plan, int column, exec::DynamicFilterRef ref) {
  ref.column = column;
  if (ExecutionPlanPtr scan = plan->WithDynamicFilters({ref})) {
    return scan;
  }
  std::vector<ExecutionPlanPtr> children = plan->children();
  if (children.size() != 1) {
    return nullptr;
  }
  int child_column = -1;
  const std::string_view name = plan->name();
  if (const auto* projection = dynamic_cast<const exec::ProjectionExecParams*>(plan.get())) {
    const std::vector<exec::ProjectionItem>& items = projection->items();
    if (column < 0 || static_cast<size_t>(column) >= items.size() ||
        items[static_cast<size_t>(column)].expr->kind() != exec::PhysicalExprKind::kColumn) {
      return nullptr;
    }
    child_column = items[static_cast<size_t>(column)].expr->column_index();
  } else if (const auto* sort = dynamic_cast<const exec::SortExecParams*>(plan.get())) {
    if (sort->fetch()) {
      return nullptr;  // a top-k keeps other rows when fewer reach it
    }
    child_column = column;
  } else if (name == "FilterExec" || name == "CoalescePartitionsExec") {
    child_column = column;
  } else {
    return nullptr;
  }
  ExecutionPlanPtr child = PushRef(children[0], child_column, ref);
  if (child == nullptr) {
    return nullptr;
  }
  absl::StatusOr<ExecutionPlanPtr> rebuilt = plan->WithChildren({std::move(child)});
  return rebuilt.ok() ? *rebuilt : nullptr;
}

absl::StatusOr<ExecutionPlanPtr> Rewrite(const ExecutionPlanPtr& plan, int* next_id) {
  std::vector<ExecutionPlanPtr> children = plan->children();
  bool changed = false;
  for (ExecutionPlanPtr& child : children) {
    STRATA_ASSIGN_OR_RETURN(ExecutionPlanPtr rewritten, Rewrite(child, next_id));
    changed = changed || rewritten != child;
    child = std::move(rewritten);
  }
  ExecutionPlanPtr node = plan;
  if (changed) {
    STRATA_ASSIGN_OR_RETURN(node, plan->WithChildren(children));
  }
  const auto* join = dynamic_cast<const exec::JoinExecParams*>(node.get());
  if (join == nullptr || node->name() != "HashJoinExec" || join->dynamic_filter_id() != 0 ||
      !exec::JoinMayFilterProbe(join->join_type(), join->null_aware())) {
    return node;
  }
  const int id = *next_id;
  ExecutionPlanPtr probe = children[1];
  bool pushed = false;
  for (size_t key = 0; key < join->on().size(); ++key) {
    const exec::PhysicalExprPtr& expr = join->on()[key].right;
    if (expr->kind() != exec::PhysicalExprKind::kColumn) {
      continue;
    }
    exec::DynamicFilterRef ref{id, static_cast<int>(key), 0};
    if (ExecutionPlanPtr with_ref = PushRef(probe, expr->column_index(), ref)) {
      probe = std::move(with_ref);
      pushed = true;
    }
  }
  if (!pushed) {
    return node;
  }
  ++*next_id;
  return exec::MakeHashJoinExec(join->join_type(),
                                join->on(),
                                join->filter(),
                                join->null_aware(),
                                children[0],
                                std::move(probe),
                                id);
}

}  // namespace

absl::StatusOr<ExecutionPlanPtr> PushDownDynamicFilters(ExecutionPlanPtr plan) {
  int next_id = 1;
  return Rewrite(plan, &next_id);
}

absl::StatusOr<ExecutionPlanPtr> OptimizePhysicalPlan(ExecutionPlanPtr plan) {
  return PushDownDynamicFilters(std::move(plan));
}

}  // namespace strata::plan
