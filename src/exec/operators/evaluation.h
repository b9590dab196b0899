// Expression evaluation as operators need it: columns of a batch for a list of expressions
// (passing column references through without copying), predicates as selection vectors, and the
// conversions between scalars and column rows.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/physical_expr.h"
#include "exec/scalar.h"

namespace strata::exec {

// Appends `value` to `column`. A NULL of any type appends a null. REQUIRES: a non-null value has
// the column's type (a kString scalar may go to a kString or kDictionary column; int64 to
// kTimestamp and back).
void AppendCell(const Scalar& value, Column* column);

// The value at `row` of `column` (kDictionary yields a kString scalar).
Scalar CellScalar(const Column& column, int64_t row);

// A column of `rows` copies of `value`, of type `type` (used when `value` is an untyped NULL).
ColumnPtr RepeatScalar(const Scalar& value, TypeId type, int64_t rows);

// Evaluates `expr` over a dense batch as a column (scalars are expanded).
absl::StatusOr<ColumnPtr> EvaluateAsColumn(const PhysicalExpr& expr, const Batch& batch);

// True when evaluating `expr` can fail on no row (column references, literals, comparisons,
// boolean logic, IS NULL, IN, LIKE): such expressions may be evaluated over a batch's physical
// rows, including rows its selection excludes, which saves compacting it first.
bool CannotFailPerRow(const PhysicalExpr& expr);

// The columns of `exprs` over the rows of a batch, with the selection that applies to them.
struct EvaluatedColumns {
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;                              // physical rows of every column
  std::shared_ptr<const SelectionVector> selection;  // null: every row
};

// Evaluates `exprs` over `batch`. When every expression is a plain column reference, the
// batch's columns are used as they are and its selection is kept; otherwise the batch is
// compacted first (so no expression sees a row the selection excludes).
absl::StatusOr<EvaluatedColumns> EvaluateColumns(const std::vector<PhysicalExprPtr>& exprs,
                                                 const Batch& batch);

// The rows where the boolean `value` (over num_rows physical rows) is true, restricted to
// `within` when given (null: all rows), in increasing order.
absl::StatusOr<SelectionVector> SelectTrue(const Datum& value,
                                           int64_t num_rows,
                                           const SelectionVector* within);

}  // namespace strata::exec
