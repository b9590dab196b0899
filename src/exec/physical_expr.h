// Physical expressions: typed, bound expression trees evaluated over batches, producing a Datum.
// Built by the physical planner from the binder's logical expressions (src/plan/expr.h), after
// the binder has inserted every implicit cast: operands of a BinaryOp already have the types
// ResolveBinary (exec/type_coercion.h) asked for, function arguments the types their
// signature asked for.
//
// Evaluation is vectorized: one call per batch, typed kernels inside. Every node is plain data
// (kind + fields + children) so that plans serialize (see src/plan/codec).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/datum.h"
#include "exec/scalar.h"

namespace strata::exec {

struct ScalarFunction;

enum class BinaryOp : uint8_t {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,  // integer division truncates toward zero; by zero is an error ("division by zero")
  kModulo,  // sign of the dividend; by zero is an error
  kEq,
  kNotEq,
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kIsDistinctFrom,     // never NULL: NULL IS DISTINCT FROM NULL is false
  kIsNotDistinctFrom,  // never NULL
  kAnd,                // three-valued: false AND NULL = false
  kOr,                 // three-valued: true OR NULL = true
  kConcat,             // `||`: NULL if either side is NULL
  kRegexMatch,         // ~
  kRegexIMatch,        // ~*
  kRegexNotMatch,      // !~
  kRegexNotIMatch,     // !~*
};

// "+", "=", "AND", "~*", ...
std::string_view BinaryOpSymbol(BinaryOp op);

// True for = <> < <= > >= and IS [NOT] DISTINCT FROM.
bool IsComparison(BinaryOp op);
// The comparison with its operands swapped: `a op b` is `b FlipComparison(op) a` (< and >, <= and
// >= trade places; the others are symmetric). Other operators are returned unchanged.
BinaryOp FlipComparison(BinaryOp op);

enum class PhysicalExprKind : uint8_t {
  kColumn,          // input column by index
  kLiteral,         // a Scalar
  kBinary,          // op(children[0], children[1])
  kNot,             // NOT children[0] (NULL stays NULL)
  kNegative,        // -children[0] (overflow of INT64_MIN is an error)
  kIsNull,          // children[0] IS [NOT] NULL (never NULL)
  kIsTrue,          // children[0] IS [NOT] TRUE / FALSE (never NULL); see truth_value
  kInList,          // children[0] [NOT] IN (children[1..]) with SQL NULL semantics
  kLike,            // children[0] [NOT] [I]LIKE children[1] (pattern, usually a literal)
  kCase,            // see CaseExpr layout below
  kCast,            // CAST(children[0] AS type); a failing conversion is an error ("cannot cast")
  kTryCast,         // same, NULL when the conversion fails
  kScalarFunction,  // function(children...)
};

class PhysicalExpr;
using PhysicalExprPtr = std::shared_ptr<const PhysicalExpr>;

// One node of a physical expression tree. Immutable after construction; thread-safe to evaluate
// from several partitions at once (kernels keep per-call state only, or synchronize caches).
class PhysicalExpr {
 public:
  virtual ~PhysicalExpr() = default;

  PhysicalExprKind kind() const { return kind_; }
  // The result type. A column reference to a tag is kDictionary; a kDictionary result is a
  // string for every consumer (kernels accept kString and kDictionary alike).
  TypeId type() const { return type_; }
  const std::vector<PhysicalExprPtr>& children() const { return children_; }

  // Evaluates over every row of `batch`.
  // REQUIRES: !batch.has_selection() (callers Compact() first: evaluating filtered-out rows could
  // raise errors such as division by zero for rows the query excluded).
  // The result is a column of batch.num_rows() values or a Scalar standing for every row.
  virtual absl::StatusOr<Datum> Evaluate(const Batch& batch) const = 0;

  // SQL-like text for EXPLAIN: `usage > 90`, `CAST(x AS float64)`, `#3` for unnamed columns.
  virtual std::string ToString() const = 0;

  // Node payloads, for the plan codec and optimizer; meaningful for the kinds noted.
  int column_index() const { return column_index_; }            // kColumn
  const std::string& name() const { return name_; }             // kColumn (display name)
  const Scalar& literal() const { return literal_; }            // kLiteral
  BinaryOp binary_op() const { return binary_op_; }             // kBinary
  bool negated() const { return negated_; }                     // kIsNull, kInList, kLike, kIsTrue
  bool case_insensitive() const { return case_insensitive_; }   // kLike
  bool truth_value() const { return truth_value_; }             // kIsTrue: IS TRUE or IS FALSE
  bool case_has_operand() const { return case_has_operand_; }   // kCase
  bool case_has_else() const { return case_has_else_; }         // kCase
  const ScalarFunction* function() const { return function_; }  // kScalarFunction

 protected:
  PhysicalExpr(PhysicalExprKind kind, TypeId type, std::vector<PhysicalExprPtr> children)
      : kind_(kind), type_(type), children_(std::move(children)) {}

  PhysicalExprKind kind_;
  TypeId type_;
  std::vector<PhysicalExprPtr> children_;
  int column_index_ = -1;
  std::string name_;
  Scalar literal_;
  BinaryOp binary_op_ = BinaryOp::kEq;
  bool negated_ = false;
  bool case_insensitive_ = false;
  bool truth_value_ = true;
  bool case_has_operand_ = false;
  bool case_has_else_ = false;
  const ScalarFunction* function_ = nullptr;
};

// Factories (implemented in exec/expr/). Each checks its operand types and returns
// InvalidArgument for a combination it has no kernel for (a binder bug or a bad plan from the
// network, never a crash).
PhysicalExprPtr MakeColumnExpr(int index, std::string name, TypeId type);
PhysicalExprPtr MakeLiteralExpr(Scalar value);
absl::StatusOr<PhysicalExprPtr> MakeBinaryExpr(BinaryOp op,
                                               PhysicalExprPtr left,
                                               PhysicalExprPtr right);
absl::StatusOr<PhysicalExprPtr> MakeNotExpr(PhysicalExprPtr operand);
absl::StatusOr<PhysicalExprPtr> MakeNegativeExpr(PhysicalExprPtr operand);
PhysicalExprPtr MakeIsNullExpr(PhysicalExprPtr operand, bool negated);
// `operand IS [NOT] TRUE|FALSE`.
absl::StatusOr<PhysicalExprPtr> MakeIsTrueExpr(PhysicalExprPtr operand,
                                               bool truth_value,
                                               bool negated);
// REQUIRES: every list element has the operand's type (string elements may be kString or
// kDictionary alike). Literal lists are evaluated with a hash set (and, for a dictionary operand,
// as a set of codes looked up once per dictionary).
absl::StatusOr<PhysicalExprPtr> MakeInListExpr(PhysicalExprPtr operand,
                                               std::vector<PhysicalExprPtr> list,
                                               bool negated);
absl::StatusOr<PhysicalExprPtr> MakeLikeExpr(PhysicalExprPtr operand,
                                             PhysicalExprPtr pattern,
                                             bool negated,
                                             bool case_insensitive);
// Children layout: [operand] when, then, when, then, ... [else]. Branches are evaluated only on
// the rows that reach them (CASE WHEN x <> 0 THEN 1 / x END never divides by zero).
// REQUIRES: every THEN/ELSE has the result type `type`; WHENs are bool (or, with an operand,
// the operand's type).
absl::StatusOr<PhysicalExprPtr> MakeCaseExpr(TypeId type,
                                             bool has_operand,
                                             bool has_else,
                                             std::vector<PhysicalExprPtr> children);
absl::StatusOr<PhysicalExprPtr> MakeCastExpr(PhysicalExprPtr operand, TypeId type, bool try_cast);
absl::StatusOr<PhysicalExprPtr> MakeScalarFunctionExpr(const ScalarFunction* function,
                                                       TypeId return_type,
                                                       std::vector<PhysicalExprPtr> args);

// Evaluates `expr` over `batch` and returns a column (a scalar result is expanded to
// batch.num_rows() values).
absl::StatusOr<ColumnPtr> EvaluateToColumn(const PhysicalExpr& expr, const Batch& batch);

// Evaluates a predicate over a dense batch and returns the selected rows (true, not NULL/false),
// as a selection vector over the batch's physical rows.
absl::StatusOr<SelectionVector> EvaluatePredicate(const PhysicalExpr& predicate,
                                                  const Batch& batch);

}  // namespace strata::exec
