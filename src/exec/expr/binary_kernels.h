// Kernels of the binary operators: arithmetic, comparison, AND/OR, || (the regular expression
// operators live in regex_kernels.h since they hold compiled patterns). Operands already have the
// types exec::ResolveBinary asked for. Column-vs-scalar cases never materialize the scalar; a
// scalar-vs-scalar call returns a Scalar.
#pragma once

#include "absl/status/statusor.h"
#include "exec/datum.h"
#include "exec/physical_expr.h"

namespace strata::exec {

// True when a kernel exists for `left op right` with exactly these operand types (kDictionary
// and kString are interchangeable; kNull pairs with anything).
bool HasBinaryKernel(BinaryOp op, TypeId left, TypeId right);

// Evaluates `left op right`; `result_type` is the expression's type (the type of a NULL result).
// REQUIRES: op is not a regular expression match; HasBinaryKernel(op, left.type(), right.type()).
absl::StatusOr<Datum> EvaluateBinaryKernel(BinaryOp op,
                                           const Datum& left,
                                           const Datum& right,
                                           TypeId result_type);

// The families, for callers that know theirs (CASE with an operand, IN lists, greatest/least).
absl::StatusOr<Datum> EvaluateArithmetic(BinaryOp op,
                                         const Datum& left,
                                         const Datum& right,
                                         TypeId result_type);
// = <> < <= > >= IS [NOT] DISTINCT FROM.
absl::StatusOr<Datum> EvaluateComparison(BinaryOp op, const Datum& left, const Datum& right);
// AND, OR (three-valued), || (NULL if either side is NULL).
absl::StatusOr<Datum> EvaluateLogical(BinaryOp op, const Datum& left, const Datum& right);

// NOT with NULL staying NULL.
absl::StatusOr<Datum> EvaluateNot(const Datum& operand);

}  // namespace strata::exec
