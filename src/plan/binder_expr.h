// The binder's expression half (internal to the binder): binds sql::Expr trees over a scope of
// plan fields into typed plan::Expr trees.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "plan/binder.h"
#include "plan/expr.h"
#include "plan/logical_plan.h"
#include "sql/ast.h"

namespace strata::plan {

// The fields column names resolve against, and the enclosing query's scope (for a useful error
// on correlated references).
struct BindScope {
  BindScope() = default;
  BindScope(const std::vector<PlanField>* scope_fields,
            const BindScope* outer_scope,
            std::map<std::string, int> using_columns_in = {})
      : fields(scope_fields), outer(outer_scope), using_columns(std::move(using_columns_in)) {}

  const std::vector<PlanField>* fields = nullptr;
  const BindScope* outer = nullptr;
  // Columns of JOIN ... USING: an unqualified name resolves to the left side's column.
  std::map<std::string, int> using_columns;
  // Decorrelation: when set, a name found in the immediately enclosing scope (`outer`) binds to
  // column fields->size() + its index there, and *used_outer becomes true. The caller then
  // renumbers the expression for a join of the outer and this scope's plan.
  bool allow_outer = false;
  bool* used_outer = nullptr;
  // Set while binding a SELECT's WHERE and select list: binds a correlated scalar subquery by
  // joining it to the query's plan, returning the expression that reads its value, or nullptr
  // when `query` is not correlated (it is then evaluated as an uncorrelated subquery).
  std::function<absl::StatusOr<ExprPtr>(const sql::Query& query, size_t position)>
      correlated_scalar;
};

// The payload type URL that marks the error of a correlated reference where none is allowed
// (so that callers can tell "correlated" from other binding errors).
inline constexpr char kCorrelatedErrorUrl[] = "type.strata.dev/plan.correlated";

// The rows of an uncorrelated subquery evaluated during binding.
struct SubqueryValues {
  int columns = 0;
  std::vector<TypeId> types;
  std::vector<std::vector<exec::Scalar>> rows;
};

// What an ExprBinder needs from the statement binder.
class BinderContext {
 public:
  virtual ~BinderContext() = default;
  // InvalidArgument "<message> at line L, column C".
  virtual absl::Status ErrorAt(size_t position, std::string_view message) const = 0;
  // Binds and runs `query` (outer: the scope it is nested in), returning at most max_rows rows
  // (-1: BindOptions::max_in_subquery_values, exceeded is an error).
  virtual absl::StatusOr<SubqueryValues> RunSubquery(const sql::Query& query,
                                                     const BindScope* outer,
                                                     size_t position,
                                                     int64_t max_rows) const = 0;
  // The value of a constant expression (no column references).
  virtual absl::StatusOr<exec::Scalar> EvaluateConstant(const ExprPtr& expr) const = 0;
  // A constant integer (a literal or a $parameter), for LIMIT, OFFSET and frame offsets.
  virtual absl::StatusOr<int64_t> ConstantInt(const sql::Expr& expr,
                                              std::string_view what) const = 0;

  std::string_view sql;
  const BindOptions* options = nullptr;
};

enum class ExprBinderMode : uint8_t {
  kNoAggregates,  // WHERE, ON, GROUP BY: neither aggregates nor window functions
  kAggregates,    // HAVING: aggregates but no window functions
  kAll,           // SELECT list, ORDER BY
};

class ExprBinder {
 public:
  // `clause` names where the expression appears ("WHERE", "GROUP BY") in errors.
  ExprBinder(const BinderContext* context,
             const BindScope* scope,
             ExprBinderMode mode,
             std::string clause = "this clause");

  absl::StatusOr<ExprPtr> Bind(const sql::Expr& expr);
  // Binds `expr` with no columns in scope (LIMIT, OFFSET, frame offsets); `clause` names it in
  // errors.
  static absl::StatusOr<ExprPtr> BindConstant(const BinderContext* context,
                                              const sql::Expr& expr,
                                              std::string clause);
  // Binds a condition (WHERE, HAVING, ON, FILTER): the expression, cast to boolean where allowed.
  absl::StatusOr<ExprPtr> BindPredicate(const sql::Expr& expr);

  // `expr` as `type`, casting implicitly where allowed; `context` names the construct in errors.
  absl::StatusOr<ExprPtr> CoerceTo(ExprPtr expr,
                                   TypeId type,
                                   size_t position,
                                   std::string_view context);
  absl::StatusOr<ExprPtr> BindBinary(exec::BinaryOp op,
                                     ExprPtr left,
                                     ExprPtr right,
                                     size_t position);

 private:
  absl::Status ErrorAt(size_t position, std::string_view message) const;
  absl::StatusOr<ExprPtr> BindLiteral(const sql::LiteralExpr& literal);
  absl::StatusOr<ExprPtr> BindColumn(const sql::ColumnRefExpr& ref);
  absl::StatusOr<ExprPtr> BindInList(ExprPtr operand,
                                     std::vector<ExprPtr> list,
                                     bool negated,
                                     size_t position);
  absl::StatusOr<ExprPtr> BindCase(const sql::CaseExpr& c);
  absl::StatusOr<std::vector<ExprPtr>> BindArgs(
      const std::vector<std::unique_ptr<sql::Expr>>& args);
  absl::StatusOr<ExprPtr> BindFunction(const sql::FunctionCallExpr& call);
  absl::StatusOr<ExprPtr> BindAggregate(const sql::FunctionCallExpr& call,
                                        const std::string& name,
                                        const exec::AggregateFunction* aggregate);
  absl::StatusOr<ExprPtr> BindWindow(const sql::FunctionCallExpr& call, const std::string& name);
  // The value of a RANGE frame's `offset` PRECEDING/FOLLOWING over the window's ORDER BY keys
  // (exactly one is required; `window_position` locates that error).
  absl::StatusOr<exec::Scalar> BindRangeOffset(const sql::Expr& offset,
                                               const std::vector<SortExpr>& order_by,
                                               size_t window_position);

  const BinderContext* context_;
  const BindScope* scope_;
  ExprBinderMode mode_;
  std::string clause_;
  bool inside_aggregate_ = false;
  bool inside_window_ = false;
};

}  // namespace strata::plan
