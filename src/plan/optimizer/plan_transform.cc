// Shared tree walks of the optimizer.
#include "plan/optimizer/plan_transform.h"

#include <memory>
#include <utility>
#include <vector>

#include "common/check.h"
#include "common/status.h"

namespace strata::plan {

absl::StatusOr<LogicalPlanPtr> TransformUp(
    const LogicalPlanPtr& plan,
    const std::function<absl::StatusOr<LogicalPlanPtr>(const LogicalPlanPtr&)>& fn) {
  std::vector<LogicalPlanPtr> inputs;
  inputs.reserve(plan->inputs.size());
  bool changed = false;
  for (const LogicalPlanPtr& input : plan->inputs) {
    STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr next, TransformUp(input, fn));
    changed |= next != input;
    inputs.push_back(std::move(next));
  }
  return fn(changed ? WithInputs(*plan, std::move(inputs)) : plan);
}

LogicalPlanPtr MapNodeExpressions(const LogicalPlanPtr& plan,
                                  const std::function<ExprPtr(const ExprPtr&)>& fn) {
  bool changed = false;
  auto map_one = [&](const ExprPtr& e) -> ExprPtr {
    if (e == nullptr) {
      return e;
    }
    ExprPtr next = fn(e);
    changed |= next != e;
    return next;
  };
  auto map_list = [&](const std::vector<ExprPtr>& list) {
    std::vector<ExprPtr> out;
    out.reserve(list.size());
    for (const ExprPtr& e : list) {
      out.push_back(map_one(e));
    }
    return out;
  };
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->filters = map_list(plan->filters);
  copy->predicate = map_one(plan->predicate);
  copy->exprs = map_list(plan->exprs);
  copy->group_exprs = map_list(plan->group_exprs);
  copy->aggregate_exprs = map_list(plan->aggregate_exprs);
  copy->window_exprs = map_list(plan->window_exprs);
  for (auto& row : copy->values) {
    row = map_list(row);
  }
  for (SortExpr& key : copy->sort_exprs) {
    key.expr = map_one(key.expr);
  }
  copy->left_keys = map_list(plan->left_keys);
  copy->right_keys = map_list(plan->right_keys);
  copy->join_filter = map_one(plan->join_filter);
  if (!changed) {
    return plan;
  }
  return copy;
}

bool IsMovable(const ExprPtr& expr) {
  bool movable = true;
  VisitExpr(expr, [&movable](const Expr& e) {
    switch (e.kind) {
      case ExprKind::kScalarFunction:
        movable &= e.scalar_function == nullptr || e.scalar_function->deterministic;
        break;
      case ExprKind::kAggregate:
      case ExprKind::kWindow:
      case ExprKind::kScalarSubquery:
      case ExprKind::kInSubquery:
      case ExprKind::kExists:
        movable = false;
        break;
      default:
        break;
    }
  });
  return movable;
}

ExprPtr SubstituteColumns(const ExprPtr& expr, const std::vector<ExprPtr>& replacements) {
  return RewriteExpr(expr, [&replacements](const ExprPtr& e) -> ExprPtr {
    if (e->kind != ExprKind::kColumn) {
      return e;
    }
    STRATA_CHECK_LT(static_cast<size_t>(e->column_index), replacements.size());
    return replacements[static_cast<size_t>(e->column_index)];
  });
}

}  // namespace strata::plan
