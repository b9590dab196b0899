// Common subexpression elimination (DataFusion's CommonSubexprEliminate): a subexpression that a
// Projection, an Aggregate or a Filter evaluates more than once per input row is computed once,
// by a new Projection below the node (as `__common_expr_N`, beside the input columns the node
// still reads), and its uses become references to that column:
//
//   Projection: (cpu.a + cpu.b) * 2 AS x, (cpu.a + cpu.b) / 2 AS y
//     TableScan: cpu projection=[a, b]
// becomes
//   Projection: __common_expr_1 * 2 AS x, __common_expr_1 / 2 AS y
//     Projection: cpu.a + cpu.b AS __common_expr_1
//       TableScan: cpu projection=[a, b]
//
// The rewritten node keeps its schema (names, qualifiers, types), so no output changes; a Filter,
// whose output is its input, gets one more Projection above it that drops the new columns.
//
// Candidates are deterministic expressions that read a column and are neither a column nor a
// literal (nor an aggregate, window function or subquery, nor contain one). The new projection
// evaluates a candidate on every input row, so only what the node surely evaluates on every row
// may move there: the right side of AND/OR (skipped when the left side decides every row of a
// batch) and every CASE branch after the first condition (evaluated only on the rows reaching it)
// are conditional positions. A candidate is extracted when it occurs at least twice in surely
// evaluated positions, or once there and once in a conditional one (it is evaluated for every
// row anyway, and the conditional use then reads the computed column); one that only occurs in
// conditional positions stays, so `CASE WHEN b <> 0 THEN a / b END` never divides by zero. Every
// argument of a scalar function (coalesce too, unlike in DataFusion: exec evaluates the arguments
// before the call), of an IN list and of an aggregate call, and an aggregate's FILTER, is
// evaluated for every row.
//
// The largest common expressions are taken (top-down); the new projection is then searched
// again, so that `(a + b) * 2` twice and `a + b` once more also compute `a + b` once.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"

namespace strata::plan {
namespace {

// Numbers the new columns of one run of the rule, so that their names are unique in the plan.
struct NameCounter {
  int next = 1;
};

// Facts about one expression node, computed bottom-up once per node.
struct NodeFacts {
  size_t hash = 0;
  bool deterministic = true;  // no non-deterministic function, aggregate, window or subquery
  bool reads_columns = false;
};

// True when `expr`'s child `i` is evaluated only for some of the rows `expr` is evaluated for.
bool IsConditionalChild(const Expr& expr, size_t i) {
  switch (expr.kind) {
    case ExprKind::kBinary:
      return (expr.binary_op == exec::BinaryOp::kAnd || expr.binary_op == exec::BinaryOp::kOr) &&
             i == 1;
    case ExprKind::kCase:
      // The operand and the first WHEN see every row; later WHENs, THENs and ELSE do not.
      return i > (expr.case_has_operand ? 1u : 0u);
    default:
      return false;
  }
}

// A reference to column `i` of `plan`, named as the binder names it (`cpu.host`).
ExprPtr ColumnOf(const LogicalPlan& plan, size_t i) {
  const PlanField& f = plan.schema[i];
  return MakeColumn(
      static_cast<int>(i), f.qualifier.empty() ? f.name : f.qualifier + "." + f.name, f.type);
}

// The common subexpressions of the expressions of one plan node, and the rewriting of those
// expressions over a new projection that computes them.
//
// Use: Count every expression of the node; if HasCommon(), Rewrite each of them, then
// BuildInput() and Finish() each rewritten expression. The counted expressions must outlive this
// object (nodes are identified by address).
class CommonSubexprs {
 public:
  CommonSubexprs(LogicalPlanPtr input, NameCounter* counter)
      : input_(std::move(input)), counter_(counter), needed_(input_->schema.size(), false) {}

  // Records the candidates of `expr`, which the node evaluates for every input row.
  void Count(const ExprPtr& expr) { Visit(expr, /*conditional=*/false); }

  // False when an expression holds a subquery (the binder removes them before optimization; their
  // plans are not rewritten here).
  bool supported() const { return supported_; }

  bool HasCommon() const {
    for (const Candidate& c : candidates_) {
      if (IsCommon(c)) {
        return true;
      }
    }
    return false;
  }

  // `expr` with its outermost common subexpressions replaced by references to their new columns,
  // named __common_expr_N in the order of their first use. Column numbers are provisional until
  // Finish: input column i stays i, the k-th new column is the input's width + k.
  ExprPtr Rewrite(const ExprPtr& expr) {
    auto found = candidate_of_.find(expr.get());
    if (found != candidate_of_.end() && found->second >= 0) {
      Candidate& c = candidates_[static_cast<size_t>(found->second)];
      if (IsCommon(c)) {
        if (c.column < 0) {
          c.column = static_cast<int>(extracted_.size());
          c.name = fmt::format("__common_expr_{}", counter_->next++);
          extracted_.push_back(found->second);
        }
        return MakeColumn(static_cast<int>(needed_.size()) + c.column, c.name, expr->type);
      }
    }
    if (expr->kind == ExprKind::kColumn) {
      STRATA_CHECK_LT(static_cast<size_t>(expr->column_index), needed_.size());
      needed_[static_cast<size_t>(expr->column_index)] = true;
      return expr;
    }
    bool changed = false;
    auto rewrite_list = [&](const std::vector<ExprPtr>& list) {
      std::vector<ExprPtr> out;
      out.reserve(list.size());
      for (const ExprPtr& e : list) {
        out.push_back(Rewrite(e));
        changed |= out.back() != e;
      }
      return out;
    };
    std::vector<ExprPtr> args = rewrite_list(expr->args);
    std::vector<ExprPtr> partition_by = rewrite_list(expr->partition_by);
    ExprPtr filter = expr->filter != nullptr ? Rewrite(expr->filter) : nullptr;
    changed |= filter != expr->filter;
    std::vector<SortExpr> order_by = expr->order_by;
    for (SortExpr& o : order_by) {
      ExprPtr next = Rewrite(o.expr);
      changed |= next != o.expr;
      o.expr = std::move(next);
    }
    if (!changed) {
      return expr;
    }
    auto copy = std::make_shared<Expr>(*expr);
    copy->args = std::move(args);
    copy->partition_by = std::move(partition_by);
    copy->filter = std::move(filter);
    copy->order_by = std::move(order_by);
    return copy;
  }

  // The projection below the node: the extracted expressions, then the input columns that the
  // rewritten expressions read (every one when `all_columns`), in input order.
  LogicalPlanPtr BuildInput(bool all_columns) {
    size_t width = needed_.size();
    size_t extracted = extracted_.size();
    mapping_.assign(width + extracted, -1);
    std::vector<ExprPtr> exprs;
    std::vector<std::string> names;
    for (size_t k = 0; k < extracted; ++k) {
      const Candidate& c = candidates_[static_cast<size_t>(extracted_[k])];
      exprs.push_back(c.expr);
      names.push_back(c.name);
      mapping_[width + k] = static_cast<int>(k);
    }
    for (size_t i = 0; i < width; ++i) {
      if (needed_[i] || all_columns) {
        mapping_[i] = static_cast<int>(exprs.size());
        exprs.push_back(ColumnOf(*input_, i));
        names.push_back(input_->schema[i].name);
      }
    }
    return MakeProjection(std::move(exprs), std::move(names), input_);
  }

  // A rewritten expression renumbered for the projection BuildInput made.
  ExprPtr Finish(const ExprPtr& rewritten) const { return RemapColumns(rewritten, mapping_); }

 private:
  struct Candidate {
    ExprPtr expr;
    std::string name;  // empty until extracted
    int surely = 0;
    int conditionally = 0;
    int column = -1;  // index among the extracted expressions, once a use is rewritten
  };

  // A distinct expression, hashed once.
  struct Key {
    const Expr* expr;
    size_t hash;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.hash; }
  };
  struct KeyEq {
    bool operator()(const Key& a, const Key& b) const {
      return a.expr == b.expr || (a.hash == b.hash && a.expr->Equals(*b.expr));
    }
  };

  static bool IsCommon(const Candidate& c) {
    return c.surely >= 2 || (c.surely >= 1 && c.conditionally >= 1);
  }

  NodeFacts Visit(const ExprPtr& expr, bool conditional) {
    const Expr& e = *expr;
    NodeFacts facts;
    size_t hash = absl::HashOf(static_cast<int>(e.kind), static_cast<int>(e.type), e.args.size());
    auto child = [&](const ExprPtr& c, bool child_conditional) {
      NodeFacts f = Visit(c, child_conditional);
      hash = absl::HashOf(hash, f.hash);
      facts.deterministic &= f.deterministic;
      facts.reads_columns |= f.reads_columns;
    };
    for (size_t i = 0; i < e.args.size(); ++i) {
      child(e.args[i], conditional || IsConditionalChild(e, i));
    }
    if (e.filter != nullptr) {
      child(e.filter, conditional);
    }
    for (const ExprPtr& p : e.partition_by) {
      child(p, conditional);
    }
    for (const SortExpr& o : e.order_by) {
      child(o.expr, conditional);
    }
    switch (e.kind) {
      case ExprKind::kColumn:
        facts.reads_columns = true;
        hash = absl::HashOf(hash, e.column_index);
        break;
      case ExprKind::kBinary:
        hash = absl::HashOf(hash, static_cast<int>(e.binary_op));
        break;
      case ExprKind::kScalarFunction:
        facts.deterministic &= e.scalar_function == nullptr || e.scalar_function->deterministic;
        hash = absl::HashOf(hash, e.name);
        break;
      case ExprKind::kAggregate:
      case ExprKind::kWindow:
        facts.deterministic = false;
        break;
      case ExprKind::kScalarSubquery:
      case ExprKind::kInSubquery:
      case ExprKind::kExists:
        facts.deterministic = false;
        supported_ = false;
        break;
      default:
        hash = absl::HashOf(hash, e.negated, e.truth_value, e.case_has_operand, e.try_cast);
        break;
    }
    facts.hash = hash;
    int index = -1;
    if (e.kind != ExprKind::kColumn && e.kind != ExprKind::kLiteral && facts.deterministic &&
        facts.reads_columns) {
      auto [it, inserted] = index_.try_emplace(Key{&e, hash}, static_cast<int>(candidates_.size()));
      if (inserted) {
        Candidate candidate;
        candidate.expr = expr;
        candidates_.push_back(std::move(candidate));
      }
      index = it->second;
      Candidate& c = candidates_[static_cast<size_t>(index)];
      ++(conditional ? c.conditionally : c.surely);
    }
    candidate_of_[&e] = index;
    return facts;
  }

  LogicalPlanPtr input_;
  NameCounter* counter_;
  bool supported_ = true;
  std::vector<Candidate> candidates_;
  absl::flat_hash_map<Key, int, KeyHash, KeyEq> index_;
  // Every visited node: its candidate index, or -1.
  absl::flat_hash_map<const Expr*, int> candidate_of_;
  std::vector<bool> needed_;    // input columns the rewritten expressions read
  std::vector<int> extracted_;  // candidate indices, in the order of the new columns
  std::vector<int> mapping_;    // provisional column -> column of the new projection
};

absl::StatusOr<LogicalPlanPtr> EliminateInNode(const LogicalPlanPtr& plan, NameCounter* counter);

// The new projection below a node, itself searched for common subexpressions (its expressions
// are evaluated for every row, like the node's).
absl::StatusOr<LogicalPlanPtr> BuildInput(CommonSubexprs* cse,
                                          bool all_columns,
                                          NameCounter* counter) {
  return EliminateInNode(cse->BuildInput(all_columns), counter);
}

absl::StatusOr<LogicalPlanPtr> EliminateInProjection(const LogicalPlanPtr& plan,
                                                     NameCounter* counter) {
  CommonSubexprs cse(plan->inputs[0], counter);
  for (const ExprPtr& e : plan->exprs) {
    cse.Count(e);
  }
  if (!cse.supported() || !cse.HasCommon()) {
    return plan;
  }
  std::vector<ExprPtr> exprs;
  for (const ExprPtr& e : plan->exprs) {
    exprs.push_back(cse.Rewrite(e));
  }
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, BuildInput(&cse, /*all_columns=*/false, counter));
  auto copy = std::make_shared<LogicalPlan>(*plan);  // the schema stays as it was
  for (size_t i = 0; i < exprs.size(); ++i) {
    copy->exprs[i] = cse.Finish(exprs[i]);
  }
  copy->inputs = {std::move(input)};
  return LogicalPlanPtr(std::move(copy));
}

absl::StatusOr<LogicalPlanPtr> EliminateInAggregate(const LogicalPlanPtr& plan,
                                                    NameCounter* counter) {
  CommonSubexprs cse(plan->inputs[0], counter);
  for (const ExprPtr& e : plan->group_exprs) {
    cse.Count(e);
  }
  for (const ExprPtr& e : plan->aggregate_exprs) {
    cse.Count(e);
  }
  if (!cse.supported() || !cse.HasCommon()) {
    return plan;
  }
  std::vector<ExprPtr> groups;
  std::vector<ExprPtr> aggregates;
  for (const ExprPtr& e : plan->group_exprs) {
    groups.push_back(cse.Rewrite(e));
  }
  for (const ExprPtr& e : plan->aggregate_exprs) {
    aggregates.push_back(cse.Rewrite(e));
  }
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, BuildInput(&cse, /*all_columns=*/false, counter));
  // The output names (from the original expressions) stay, so the nodes above are unchanged.
  auto copy = std::make_shared<LogicalPlan>(*plan);
  for (size_t i = 0; i < groups.size(); ++i) {
    copy->group_exprs[i] = cse.Finish(groups[i]);
  }
  for (size_t i = 0; i < aggregates.size(); ++i) {
    copy->aggregate_exprs[i] = cse.Finish(aggregates[i]);
  }
  copy->inputs = {std::move(input)};
  return LogicalPlanPtr(std::move(copy));
}

absl::StatusOr<LogicalPlanPtr> EliminateInFilter(const LogicalPlanPtr& plan, NameCounter* counter) {
  CommonSubexprs cse(plan->inputs[0], counter);
  cse.Count(plan->predicate);
  if (!cse.supported() || !cse.HasCommon()) {
    return plan;
  }
  ExprPtr predicate = cse.Rewrite(plan->predicate);
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, BuildInput(&cse, /*all_columns=*/true, counter));
  LogicalPlanPtr filter = MakeFilter(cse.Finish(predicate), input);
  // Drop the new columns again: the filter's output is its input's columns.
  size_t extracted = input->schema.size() - plan->schema.size();
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    exprs.push_back(ColumnOf(*filter, extracted + i));
    names.push_back(filter->schema[extracted + i].name);
  }
  LogicalPlanPtr restore = MakeProjection(std::move(exprs), std::move(names), std::move(filter));
  STRATA_CHECK_EQ(restore->schema.size(), plan->schema.size());
  return restore;
}

absl::StatusOr<LogicalPlanPtr> EliminateInNode(const LogicalPlanPtr& plan, NameCounter* counter) {
  switch (plan->kind) {
    case PlanKind::kProjection:
      return EliminateInProjection(plan, counter);
    case PlanKind::kAggregate:
      return EliminateInAggregate(plan, counter);
    case PlanKind::kFilter:
      return EliminateInFilter(plan, counter);
    default:
      return plan;
  }
}

}  // namespace

absl::StatusOr<LogicalPlanPtr> EliminateCommonSubexprs(LogicalPlanPtr plan,
                                                       const OptimizerOptions& /*options*/) {
  NameCounter counter;
  return TransformUp(
      plan, [&counter](const LogicalPlanPtr& node) { return EliminateInNode(node, &counter); });
}

}  // namespace strata::plan
