// Expression simplification: constant folding, boolean identities, now(), integer-to-float casts
// unwrapped from comparisons with literals, and the plan changes
// a constant predicate allows (WHERE true disappears, WHERE false empties the relation).
//
// Folding evaluates a literal-only subtree with the physical kernels over one row, casts of
// literals included (CAST('1 minute' AS interval), which is also how INTERVAL '1 minute' is
// bound, becomes the literal INTERVAL '1 minute'). An evaluation error (1/0, CAST('x' AS int))
// leaves the subtree unfolded, so that the error appears at execution, and only if a row reaches
// it (unlike DataFusion, which fails at planning).
//
// The binder names aggregate and window outputs (and computed group keys) after their
// expressions' text. When simplification changes such an expression, the field takes the new
// text, so that EXPLAIN and the physical plan show `date_bin(INTERVAL '1 minute', cpu.time)`
// rather than the cast that is no longer evaluated. Below the root, names are only displayed
// (columns are referenced by index): the column references above a renamed field and the nodes
// that pass it through follow the new name, and the root keeps its names, which are the query's
// column names.
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// `CAST(x AS float64) op c` for an int64 x and a float literal c, as the same comparison of x
// with an integer (DataFusion's unwrap_cast_in_comparison): the column is compared without a
// per-row cast, and scans can prune and filter it by its statistics. x > 90.5 is x > 90,
// x >= 90.5 is x >= 91; = and <> are rewritten only for integral c. Literals beyond 2^53 (where
// floats skip integers) are left alone. nullptr when the rule does not apply.
ExprPtr UnwrapCastInComparison(const Expr& e) {
  if (e.kind != ExprKind::kBinary || !exec::IsComparison(e.binary_op)) {
    return nullptr;
  }
  const Expr* cast = e.args[0].get();
  const Expr* literal = e.args[1].get();
  exec::BinaryOp op = e.binary_op;
  if (cast->kind != ExprKind::kCast) {
    std::swap(cast, literal);
    op = exec::FlipComparison(op);  // c op x  ->  x op' c
  }
  if (cast->kind != ExprKind::kCast || cast->try_cast || cast->type != TypeId::kFloat64 ||
      cast->args[0]->type != TypeId::kInt64 || literal->kind != ExprKind::kLiteral ||
      literal->value.is_null() || literal->value.type() != TypeId::kFloat64) {
    return nullptr;
  }
  const double c = literal->value.float64_value();
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (!(c > -kExact && c < kExact)) {
    return nullptr;  // NaN, infinities and literals where floats are sparser than integers
  }
  const double floor = std::floor(c);
  const double ceil = std::ceil(c);
  double bound = c;
  switch (op) {
    case exec::BinaryOp::kEq:
    case exec::BinaryOp::kNotEq:
      if (floor != c) {
        return nullptr;
      }
      break;
    case exec::BinaryOp::kGt:
    case exec::BinaryOp::kLtEq:
      bound = floor;
      break;
    case exec::BinaryOp::kGtEq:
    case exec::BinaryOp::kLt:
      bound = ceil;
      break;
    default:
      return nullptr;
  }
  return MakeBinary(op,
                    cast->args[0],
                    MakeLiteral(exec::Scalar::Int64(static_cast<int64_t>(bound))),
                    TypeId::kBool);
}

// The column and the literals of `col = literal` (either way round) or `col IN (literals...)`;
// false for anything else (NOT IN, NULL literals, other operands).
bool ColumnEqualsLiterals(const Expr& e, ExprPtr* column, std::vector<ExprPtr>* literals) {
  auto literal = [](const ExprPtr& x) {
    return x->kind == ExprKind::kLiteral && !x->value.is_null();
  };
  if (e.kind == ExprKind::kBinary && e.binary_op == exec::BinaryOp::kEq) {
    const ExprPtr& l = e.args[0];
    const ExprPtr& r = e.args[1];
    if (l->kind == ExprKind::kColumn && literal(r)) {
      *column = l;
      literals->push_back(r);
      return true;
    }
    if (r->kind == ExprKind::kColumn && literal(l)) {
      *column = r;
      literals->push_back(l);
      return true;
    }
    return false;
  }
  if (e.kind == ExprKind::kInList && !e.negated && e.args[0]->kind == ExprKind::kColumn) {
    for (size_t i = 1; i < e.args.size(); ++i) {
      if (!literal(e.args[i])) {
        return false;
      }
      literals->push_back(e.args[i]);
    }
    *column = e.args[0];
    return true;
  }
  return false;
}

// `c = 1 OR c = 2 OR c IN (3, 4)` as `c IN (1, 2, 3, 4)` when the literals have one type
// (DataFusion's or_in_list rule): scans evaluate an IN list of a tag on its dictionary codes, and
// prune chunks and files by it. InfluxQL writes host sets this way (TSBS: `(hostname = 'a' or
// hostname = 'b')`). Applied bottom-up, so a chain of ORs merges one term at a time. nullptr when
// the rule does not apply.
ExprPtr OrOfEqualitiesAsInList(const Expr& e) {
  if (e.kind != ExprKind::kBinary || e.binary_op != exec::BinaryOp::kOr) {
    return nullptr;
  }
  ExprPtr left;
  ExprPtr right;
  std::vector<ExprPtr> literals;
  if (!ColumnEqualsLiterals(*e.args[0], &left, &literals) ||
      !ColumnEqualsLiterals(*e.args[1], &right, &literals) ||
      left->column_index != right->column_index || left->type != right->type) {
    return nullptr;
  }
  auto in = std::make_shared<Expr>();
  in->kind = ExprKind::kInList;
  in->type = TypeId::kBool;
  in->args.push_back(left);
  for (const ExprPtr& literal : literals) {
    if (literal->value.type() != literals.front()->value.type()) {
      return nullptr;
    }
    bool seen = false;
    for (size_t i = 1; i < in->args.size() && !seen; ++i) {
      seen = in->args[i]->Equals(*literal);
    }
    if (!seen) {
      in->args.push_back(literal);
    }
  }
  return in;
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
  if (ExprPtr unwrapped = UnwrapCastInComparison(*e)) {
    return unwrapped;
  }
  if (ExprPtr in = OrOfEqualitiesAsInList(*e)) {
    return in;
  }
  return e;
}

// Nodes whose output field names changed, by address: the node (kept alive, so that the address
// is not reused) and its fields' previous names.
struct RenamedNode {
  LogicalPlanPtr node;
  std::vector<std::string> old_names;
};
using RenamedNodes = absl::flat_hash_map<const LogicalPlan*, RenamedNode>;

std::string DisplayName(const std::string& qualifier, const std::string& name) {
  return qualifier.empty() ? name : qualifier + "." + name;
}

std::vector<std::string> FieldNames(const LogicalPlan& plan) {
  std::vector<std::string> names;
  names.reserve(plan.schema.size());
  for (const PlanField& f : plan.schema) {
    names.push_back(f.name);
  }
  return names;
}

bool SameFieldNames(const LogicalPlan& a, const LogicalPlan& b) {
  if (a.schema.size() != b.schema.size()) {
    return false;
  }
  for (size_t i = 0; i < a.schema.size(); ++i) {
    if (a.schema[i].name != b.schema[i].name) {
      return false;
    }
  }
  return true;
}

// `plan` with its column references into renamed fields of its (single) input renamed, and, for
// the nodes that pass their input's fields through, those fields renamed too.
LogicalPlanPtr FollowInputRenames(const LogicalPlanPtr& plan, const RenamedNodes& renamed) {
  if (plan->inputs.size() != 1) {
    return plan;  // joins and unions sit above projections, which keep their own names
  }
  auto found = renamed.find(plan->inputs[0].get());
  if (found == renamed.end()) {
    return plan;
  }
  const std::vector<std::string>& old_names = found->second.old_names;
  const std::vector<PlanField>& fields = plan->inputs[0]->schema;
  LogicalPlanPtr next = MapNodeExpressions(plan, [&](const ExprPtr& expr) {
    return RewriteExpr(expr, [&](const ExprPtr& e) -> ExprPtr {
      if (e->kind != ExprKind::kColumn || e->column_index < 0 ||
          static_cast<size_t>(e->column_index) >= fields.size()) {
        return e;
      }
      const PlanField& f = fields[static_cast<size_t>(e->column_index)];
      const std::string& old_name = old_names[static_cast<size_t>(e->column_index)];
      if (f.name == old_name || e->name != DisplayName(f.qualifier, old_name)) {
        return e;
      }
      auto copy = std::make_shared<Expr>(*e);
      copy->name = DisplayName(f.qualifier, f.name);
      return ExprPtr(std::move(copy));
    });
  });
  switch (plan->kind) {
    case PlanKind::kFilter:
    case PlanKind::kSort:
    case PlanKind::kLimit:
    case PlanKind::kWindow: {
      auto copy = std::make_shared<LogicalPlan>(*next);
      for (size_t i = 0; i < fields.size() && i < copy->schema.size(); ++i) {
        copy->schema[i].name = fields[i].name;
      }
      return copy;
    }
    default:
      return next;
  }
}

// `after` (the simplified `before`) with the Aggregate or Window fields that were named after an
// expression renamed after the expression as it is now.
LogicalPlanPtr RenameComputedFields(const LogicalPlan& before, const LogicalPlanPtr& after) {
  std::vector<std::pair<size_t, std::string>> changes;
  auto follow = [&](size_t field, const ExprPtr& old_expr, const ExprPtr& new_expr) {
    if (old_expr == new_expr || old_expr->kind == ExprKind::kColumn) {
      return;  // unchanged, or a group column (named after its input field)
    }
    const std::string& name = before.schema[field].name;
    if (name != old_expr->ToString()) {
      return;  // an alias
    }
    std::string now = new_expr->ToString();
    if (now != name) {
      changes.emplace_back(field, std::move(now));
    }
  };
  if (after->kind == PlanKind::kAggregate) {
    size_t groups = before.group_exprs.size();
    for (size_t i = 0; i < groups; ++i) {
      follow(i, before.group_exprs[i], after->group_exprs[i]);
    }
    for (size_t j = 0; j < before.aggregate_exprs.size(); ++j) {
      follow(groups + j, before.aggregate_exprs[j], after->aggregate_exprs[j]);
    }
  } else if (after->kind == PlanKind::kWindow) {
    size_t first = before.schema.size() - before.window_exprs.size();
    for (size_t j = 0; j < before.window_exprs.size(); ++j) {
      follow(first + j, before.window_exprs[j], after->window_exprs[j]);
    }
  }
  if (changes.empty()) {
    return after;
  }
  auto copy = std::make_shared<LogicalPlan>(*after);
  for (auto& [field, name] : changes) {
    copy->schema[field].name = std::move(name);
  }
  return copy;
}

// One node with simplified inputs (TransformUp's step).
LogicalPlanPtr SimplifyNodeExpressions(const LogicalPlanPtr& node,
                                       const OptimizerOptions& options,
                                       RenamedNodes* renamed) {
  LogicalPlanPtr next = FollowInputRenames(node, *renamed);
  next =
      MapNodeExpressions(next, [&options](const ExprPtr& e) { return SimplifyExpr(e, options); });
  next = RenameComputedFields(*node, next);
  if (next->kind == PlanKind::kFilter) {
    if (IsBoolLiteral(*next->predicate, true)) {
      return next->inputs[0];
    }
    if (IsNullOrFalseLiteral(*next->predicate)) {
      auto empty = std::make_shared<LogicalPlan>();
      empty->kind = PlanKind::kEmpty;
      empty->schema = next->schema;
      next = std::move(empty);
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
      next = std::move(copy);
    }
  }
  if (next != node && !SameFieldNames(*next, *node)) {
    (*renamed)[next.get()] = RenamedNode{next, FieldNames(*node)};
  }
  return next;
}

}  // namespace

ExprPtr SimplifyExpr(const ExprPtr& expr, const OptimizerOptions& options) {
  return RewriteExpr(expr, [&options](const ExprPtr& e) { return SimplifyNode(e, options); });
}

absl::StatusOr<LogicalPlanPtr> SimplifyExpressions(LogicalPlanPtr plan,
                                                   const OptimizerOptions& options) {
  RenamedNodes renamed;
  STRATA_ASSIGN_OR_RETURN(
      LogicalPlanPtr out,
      TransformUp(
          plan, [&options, &renamed](const LogicalPlanPtr& node) -> absl::StatusOr<LogicalPlanPtr> {
            return SimplifyNodeExpressions(node, options, &renamed);
          }));
  // The root's names are the query's column names: they stay.
  if (out->schema.size() == plan->schema.size() && !SameFieldNames(*out, *plan)) {
    auto copy = std::make_shared<LogicalPlan>(*out);
    for (size_t i = 0; i < copy->schema.size(); ++i) {
      copy->schema[i].name = plan->schema[i].name;
    }
    out = std::move(copy);
  }
  return out;
}

}  // namespace strata::plan
