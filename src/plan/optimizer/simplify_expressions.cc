// Expression simplification: constant folding, boolean identities, now(), and the plan changes
// a constant predicate allows (WHERE true disappears, WHERE false empties the relation).
//
// Folding evaluates a literal-only subtree with the physical kernels over one row. An evaluation
// error (1/0, CAST('x' AS int)) leaves the subtree unfolded, so that the error appears at
// execution, and only if a row reaches it (unlike DataFusion, which fails at planning).
#include <memory>
#include <utility>

#include "common/status.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"
#include "plan/physical_planner.h"

namespace strata::plan {
namespace {

bool IsBoolLiteral(const Expr& e, bool value) {
  return e.kind == ExprKind::kLiteral && e.value.type() == TypeId::kBool && !e.value.is_null() &&
         e.value.bool_value() == value;
}

bool IsNullOrFalseLiteral(const Expr& e) {
  return e.kind == ExprKind::kLiteral && (e.value.is_null() || IsBoolLiteral(e, false));
}

bool IsFoldableKind(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
    case ExprKind::kNot:
    case ExprKind::kNegative:
    case ExprKind::kIsNull:
    case ExprKind::kIsTrue:
    case ExprKind::kInList:
    case ExprKind::kLike:
    case ExprKind::kCase:
    case ExprKind::kCast:
      return true;
    case ExprKind::kScalarFunction:
      return e.scalar_function != nullptr && e.scalar_function->deterministic;
    default:
      return false;
  }
}

// Evaluates `e` when every argument is a literal; nullptr when it cannot (or must not) be folded.
ExprPtr Fold(const ExprPtr& e) {
  if (!IsFoldableKind(*e)) {
    return nullptr;
  }
  for (const ExprPtr& arg : e->args) {
    if (arg->kind != ExprKind::kLiteral) {
      return nullptr;
    }
  }
  absl::StatusOr<exec::Scalar> value = EvaluateConstantExpr(*e);
  if (!value.ok()) {
    return nullptr;  // the error belongs to execution
  }
  if (value->is_null()) {
    return MakeLiteral(exec::Scalar::Null(e->type));
  }
  TypeId want = e->type == TypeId::kDictionary ? TypeId::kString : e->type;
  if (value->type() != want) {
    return nullptr;  // a kernel result of another type than the binder's: keep the expression
  }
  return MakeLiteral(*std::move(value));
}

ExprPtr SimplifyNode(const ExprPtr& e, const OptimizerOptions& options) {
  if (e->kind == ExprKind::kScalarFunction && e->name == "now" && e->args.empty() &&
      e->type == TypeId::kTimestamp) {
    return MakeLiteral(exec::Scalar::Timestamp(options.query_start_nanos));
  }
  if (e->kind == ExprKind::kBinary && e->type == TypeId::kBool) {
    const ExprPtr& l = e->args[0];
    const ExprPtr& r = e->args[1];
    if (e->binary_op == exec::BinaryOp::kAnd) {
      if (IsBoolLiteral(*l, false) || IsBoolLiteral(*r, false)) {
        return MakeLiteral(exec::Scalar::Bool(false));
      }
      if (IsBoolLiteral(*r, true) && l->type == TypeId::kBool) {
        return l;
      }
      if (IsBoolLiteral(*l, true) && r->type == TypeId::kBool) {
        return r;
      }
    } else if (e->binary_op == exec::BinaryOp::kOr) {
      if (IsBoolLiteral(*l, true) || IsBoolLiteral(*r, true)) {
        return MakeLiteral(exec::Scalar::Bool(true));
      }
      if (IsBoolLiteral(*r, false) && l->type == TypeId::kBool) {
        return l;
      }
      if (IsBoolLiteral(*l, false) && r->type == TypeId::kBool) {
        return r;
      }
    }
  }
  if (e->kind == ExprKind::kNot && e->args[0]->kind == ExprKind::kNot &&
      e->args[0]->args[0]->type == TypeId::kBool) {
    return e->args[0]->args[0];
  }
  if (ExprPtr folded = Fold(e)) {
    return folded;
  }
  return e;
}

}  // namespace

ExprPtr SimplifyExpr(const ExprPtr& expr, const OptimizerOptions& options) {
  return RewriteExpr(expr, [&options](const ExprPtr& e) { return SimplifyNode(e, options); });
}

absl::StatusOr<LogicalPlanPtr> SimplifyExpressions(LogicalPlanPtr plan,
                                                   const OptimizerOptions& options) {
  return TransformUp(plan,
                     [&options](const LogicalPlanPtr& node) -> absl::StatusOr<LogicalPlanPtr> {
                       LogicalPlanPtr next = MapNodeExpressions(
                           node, [&options](const ExprPtr& e) { return SimplifyExpr(e, options); });
                       if (next->kind == PlanKind::kFilter) {
                         if (IsBoolLiteral(*next->predicate, true)) {
                           return next->inputs[0];
                         }
                         if (IsNullOrFalseLiteral(*next->predicate)) {
                           auto empty = std::make_shared<LogicalPlan>();
                           empty->kind = PlanKind::kEmpty;
                           empty->schema = next->schema;
                           return LogicalPlanPtr(std::move(empty));
                         }
                       }
                       if (next->kind == PlanKind::kScan) {
                         // A scan filter that folded to true filters nothing.
                         std::vector<ExprPtr> filters;
                         for (const ExprPtr& f : next->filters) {
                           if (!IsBoolLiteral(*f, true)) {
                             filters.push_back(f);
                           }
                         }
                         if (filters.size() != next->filters.size()) {
                           auto copy = std::make_shared<LogicalPlan>(*next);
                           copy->filters = std::move(filters);
                           return LogicalPlanPtr(std::move(copy));
                         }
                       }
                       return next;
                     });
}

}  // namespace strata::plan
