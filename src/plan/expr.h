// Logical expressions: what the binder produces from the SQL AST. Every expression is typed and
// every column reference is resolved to an index into the schema of the plan node's input, so the
// optimizer and the physical planner never look names up again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exec/function.h"
#include "exec/operators.h"
#include "exec/physical_expr.h"
#include "exec/scalar.h"
#include "types/data_type.h"

namespace strata::plan {

struct LogicalPlan;
using LogicalPlanPtr = std::shared_ptr<const LogicalPlan>;

enum class ExprKind : uint8_t {
  kColumn,          // input column `column_index`
  kLiteral,         // `value`
  kBinary,          // binary_op(args[0], args[1])
  kNot,             // NOT args[0]
  kNegative,        // -args[0]
  kIsNull,          // args[0] IS [NOT] NULL (negated)
  kIsTrue,          // args[0] IS [NOT] TRUE|FALSE (truth_value, negated)
  kInList,          // args[0] [NOT] IN (args[1..])
  kLike,            // args[0] [NOT] [I]LIKE args[1]
  kCase,            // [operand] when then ... [else]: case_has_operand, case_has_else
  kCast,            // CAST(args[0] AS type) (try_cast: TRY_CAST)
  kScalarFunction,  // scalar_function(args...)
  kAggregate,       // aggregate(args...) [FILTER (WHERE filter)]: only in Aggregate nodes
  kWindow,          // window function: only in Window nodes
  // Subqueries, removed by the binder's decorrelation before optimization: uncorrelated scalar
  // subqueries and IN/EXISTS become joins.
  kScalarSubquery,  // subquery
  kInSubquery,      // args[0] [NOT] IN (subquery)
  kExists,          // [NOT] EXISTS (subquery)
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// Immutable; build with the Make* functions below.
struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  TypeId type = TypeId::kNull;  // result type (kDictionary for tag column references)
  std::vector<ExprPtr> args;

  int column_index = -1;  // kColumn
  // kColumn: the column's display name; kScalarFunction/kAggregate/kWindow: the function name.
  std::string name;
  exec::Scalar value;  // kLiteral
  exec::BinaryOp binary_op = exec::BinaryOp::kEq;
  bool negated = false;
  bool case_insensitive = false;
  bool truth_value = true;
  bool case_has_operand = false;
  bool case_has_else = false;
  bool try_cast = false;

  const exec::ScalarFunction* scalar_function = nullptr;
  const exec::AggregateFunction* aggregate_function = nullptr;
  exec::FunctionSignature signature;  // kScalarFunction, kAggregate, kWindow (kAggregate kind)
  exec::AggregateCallOptions aggregate_options;
  ExprPtr filter;  // kAggregate: FILTER (WHERE ...)

  // kWindow
  exec::WindowFunctionKind window_kind = exec::WindowFunctionKind::kRowNumber;
  std::vector<ExprPtr> partition_by;
  struct SortExpr {
    ExprPtr expr;
    bool ascending = true;
    bool nulls_first = false;
  };
  std::vector<SortExpr> order_by;  // kWindow, and ordered aggregates (first_value(x ORDER BY t))
  exec::WindowFrame frame;

  LogicalPlanPtr subquery;  // kScalarSubquery, kInSubquery, kExists

  // SQL text for EXPLAIN and default column names: `usage > 90`, `avg(usage)`.
  std::string ToString() const;
  // Structural equality (used to match GROUP BY expressions in SELECT and to reuse common
  // subexpressions).
  bool Equals(const Expr& other) const;
  size_t Hash() const;
};

using SortExpr = Expr::SortExpr;

ExprPtr MakeColumn(int index, std::string name, TypeId type);
ExprPtr MakeLiteral(exec::Scalar value);
// Builds `left op right` with `type` as the result; the caller (binder) has cast the operands
// per exec::ResolveBinary.
ExprPtr MakeBinary(exec::BinaryOp op, ExprPtr left, ExprPtr right, TypeId type);
ExprPtr MakeCast(ExprPtr operand, TypeId type, bool try_cast = false);
// Returns `operand` itself when it already has `type` (kDictionary counts as kString).
ExprPtr CastIfNeeded(ExprPtr operand, TypeId type);
ExprPtr MakeNot(ExprPtr operand);
// The conjunction of `terms` (true literal when empty).
ExprPtr MakeAnd(std::vector<ExprPtr> terms);
// Splits a predicate into its AND-ed terms.
std::vector<ExprPtr> SplitConjunction(const ExprPtr& predicate);

// Calls `fn` on every node of the tree, parents before children (not into subqueries).
void VisitExpr(const ExprPtr& expr, const std::function<void(const Expr&)>& fn);
// Rebuilds the tree bottom-up: `fn` gets each node with already rewritten children and returns
// its replacement (or the node itself).
ExprPtr RewriteExpr(const ExprPtr& expr, const std::function<ExprPtr(const ExprPtr&)>& fn);
// True when the expression reads an input column.
bool ReferencesColumns(const Expr& expr);
// The input column indices the expression reads, sorted, unique.
std::vector<int> ReferencedColumns(const Expr& expr);
// Renumbers column references: index i becomes mapping[i] (which must be >= 0).
ExprPtr RemapColumns(const ExprPtr& expr, const std::vector<int>& mapping);

}  // namespace strata::plan
