// The physical planner: turns an optimized logical plan into a tree of partitioned exec
// operators (DataFusion's DefaultPhysicalPlanner). It decides where partitions are merged
// (CoalescePartitionsExec below single-partition operators) and splits aggregations, sorts with
// a fetch and limits into a per-partition half and a final half.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "columnar/column.h"
#include "exec/execution_plan.h"
#include "exec/physical_expr.h"
#include "exec/scalar.h"
#include "plan/expr.h"
#include "plan/logical_plan.h"

namespace strata::plan {

// Builds the physical expression of a scalar logical expression (column references keep their
// input indices). InvalidArgument for aggregate, window and subquery expressions, which only
// appear where their plan node handles them (or, for subqueries, never after binding).
absl::StatusOr<exec::PhysicalExprPtr> CreatePhysicalExpr(const Expr& expr);

// Evaluates an expression that reads no column (over one row of zero columns). Errors of the
// evaluation (division by zero, a failing cast) are returned, not raised.
absl::StatusOr<exec::Scalar> EvaluateConstantExpr(const Expr& expr);

// The value at `row` of `column` as a Scalar (a NULL of the column's type when null; a
// kDictionary value becomes a kString scalar).
exec::Scalar ScalarAt(const Column& column, int64_t row);

// Builds the physical plan of `plan`. The root may have several output partitions: the caller
// merges them (exec::ExecuteStream does). kExplain nodes are the caller's (QueryEngine) to handle
// and are rejected here. `context` supplies the target partition count scans split into.
absl::StatusOr<exec::ExecutionPlanPtr> CreatePhysicalPlan(const LogicalPlan& plan,
                                                          const exec::TaskContext& context);

}  // namespace strata::plan
