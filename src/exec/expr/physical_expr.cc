// The physical expression nodes (column, literal, operators, LIKE, CAST, function calls), their
// factories, and the entry points that evaluate to a column or a selection. IN lists and CASE
// live in in_list.cc and case_expr.cc.
#include "exec/physical_expr.h"

#include <cstring>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/cast.h"
#include "exec/expr/datum_access.h"
#include "exec/expr/expr_nodes.h"
#include "exec/expr/pattern_match.h"
#include "exec/function.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"

namespace strata::exec {

std::string ChildText(const PhysicalExpr& child) {
  if (child.kind() == PhysicalExprKind::kBinary) {
    return "(" + child.ToString() + ")";
  }
  return child.ToString();
}

namespace {

bool IsNullDatum(const Datum& d) {
  return d.type() == TypeId::kNull || (d.is_scalar() && d.scalar().is_null());
}

class ColumnExpr final : public PhysicalExpr {
 public:
  ColumnExpr(int index, std::string name, TypeId type)
      : PhysicalExpr(PhysicalExprKind::kColumn, type, {}) {
    column_index_ = index;
    name_ = std::move(name);
  }
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    if (column_index_ < 0 || column_index_ >= batch.num_columns()) {
      return absl::InternalError(fmt::format("column #{} is out of range for a batch of {} columns",
                                             column_index_,
                                             batch.num_columns()));
    }
    return Datum(batch.column(column_index_));
  }
  std::string ToString() const override {
    return name_.empty() ? fmt::format("#{}", column_index_) : name_;
  }
};

class LiteralExpr final : public PhysicalExpr {
 public:
  explicit LiteralExpr(Scalar value) : PhysicalExpr(PhysicalExprKind::kLiteral, value.type(), {}) {
    literal_ = std::move(value);
  }
  absl::StatusOr<Datum> Evaluate(const Batch& /*batch*/) const override { return Datum(literal_); }
  std::string ToString() const override { return literal_.ToString(); }
};

// True when every row of a boolean column is valid and equal to `value`.
bool AllRowsAre(const Column& column, bool value) {
  if (column.has_nulls()) {
    return false;
  }
  const uint8_t* v = column.data<uint8_t>();
  uint8_t any = 0;
  const uint8_t flip = value ? 1 : 0;
  for (int64_t i = 0; i < column.size(); ++i) {
    any |= v[i] ^ flip;
  }
  return any == 0;
}

class BinaryExpr final : public PhysicalExpr {
 public:
  BinaryExpr(BinaryOp op,
             TypeId type,
             PhysicalExprPtr left,
             PhysicalExprPtr right,
             std::shared_ptr<const RE2> regex)
      : PhysicalExpr(PhysicalExprKind::kBinary, type, {std::move(left), std::move(right)}),
        regex_(std::move(regex)) {
    binary_op_ = op;
  }

  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum left, children_[0]->Evaluate(batch));
    if (binary_op_ == BinaryOp::kAnd || binary_op_ == BinaryOp::kOr) {
      // Short circuit when the left side decides every row (and skip the right side's work and
      // errors, as DataFusion does).
      const bool dominant = binary_op_ == BinaryOp::kOr;
      if (left.is_scalar() && !left.scalar().is_null() && left.scalar().type() == TypeId::kBool &&
          left.scalar().bool_value() == dominant) {
        return left;
      }
      if (left.is_column() && left.type() == TypeId::kBool && batch.num_rows() > 0 &&
          AllRowsAre(*left.column(), dominant)) {
        return left;
      }
    }
    STRATA_ASSIGN_OR_RETURN(Datum right, children_[1]->Evaluate(batch));
    switch (binary_op_) {
      case BinaryOp::kRegexMatch:
      case BinaryOp::kRegexIMatch:
      case BinaryOp::kRegexNotMatch:
      case BinaryOp::kRegexNotIMatch: {
        const bool insensitive =
            binary_op_ == BinaryOp::kRegexIMatch || binary_op_ == BinaryOp::kRegexNotIMatch;
        const bool negated =
            binary_op_ == BinaryOp::kRegexNotMatch || binary_op_ == BinaryOp::kRegexNotIMatch;
        return EvaluateRegexMatch(left, right, insensitive, negated, regex_.get());
      }
      default:
        break;
    }
    return EvaluateBinaryKernel(binary_op_, left, right, type_);
  }

  std::string ToString() const override {
    return fmt::format(
        "{} {} {}", ChildText(*children_[0]), BinaryOpSymbol(binary_op_), ChildText(*children_[1]));
  }

 private:
  std::shared_ptr<const RE2> regex_;  // a literal pattern of ~ ~* !~ !~*, compiled once
};

class NotExpr final : public PhysicalExpr {
 public:
  explicit NotExpr(PhysicalExprPtr operand)
      : PhysicalExpr(PhysicalExprKind::kNot, TypeId::kBool, {std::move(operand)}) {}
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    return EvaluateNot(operand);
  }
  std::string ToString() const override { return "NOT " + ChildText(*children_[0]); }
};

absl::StatusOr<Datum> Negate(const Datum& operand, TypeId type) {
  if (IsNullDatum(operand)) {
    return Datum(Scalar::Null(type));
  }
  if (operand.is_scalar()) {
    const Scalar& s = operand.scalar();
    switch (s.type()) {
      case TypeId::kInt64:
        if (s.int64_value() == INT64_MIN) {
          return absl::InvalidArgumentError("integer overflow");
        }
        return Datum(Scalar::Int64(-s.int64_value()));
      case TypeId::kFloat64:
        return Datum(Scalar::Float64(-s.float64_value()));
      default: {
        STRATA_ASSIGN_OR_RETURN(Datum column, Negate(Datum(ScalarToColumn(s, 1)), type));
        return Datum(ScalarAt(*column.column(), 0));
      }
    }
  }
  const Column& a = *operand.column();
  const int64_t n = a.size();
  const uint64_t* valid = ValidityWords(a);
  auto out = AllocateFixedColumn(a.type(), n);
  switch (a.type()) {
    case TypeId::kInt64: {
      const int64_t* v = a.data<int64_t>();
      int64_t* dst = out->mutable_data<int64_t>();
      bool overflow = false;
      for (int64_t i = 0; i < n; ++i) {
        overflow |= __builtin_sub_overflow(int64_t{0}, v[i], &dst[i]);
      }
      if (overflow) {
        for (int64_t i = 0; i < n; ++i) {
          if (RowIsValid(valid, i) && v[i] == INT64_MIN) {
            return absl::InvalidArgumentError("integer overflow");
          }
        }
      }
      break;
    }
    case TypeId::kFloat64: {
      const double* v = a.data<double>();
      double* dst = out->mutable_data<double>();
      for (int64_t i = 0; i < n; ++i) {
        dst[i] = -v[i];
      }
      break;
    }
    case TypeId::kInterval: {
      const Interval* v = a.data<Interval>();
      Interval* dst = out->mutable_data<Interval>();
      for (int64_t i = 0; i < n; ++i) {
        if (!RowIsValid(valid, i)) {
          continue;
        }
        if (v[i].months == INT32_MIN || v[i].days == INT32_MIN || v[i].nanos == INT64_MIN) {
          return absl::InvalidArgumentError("interval out of range");
        }
        dst[i] = Interval{-v[i].months, -v[i].days, -v[i].nanos};
      }
      break;
    }
    default:
      return absl::InvalidArgumentError(
          fmt::format("cannot negate a value of type {}", TypeName(a.type())));
  }
  return Datum(FinishColumn(std::move(out), CopyValidity(valid, n)));
}

class NegativeExpr final : public PhysicalExpr {
 public:
  explicit NegativeExpr(PhysicalExprPtr operand)
      : PhysicalExpr(PhysicalExprKind::kNegative, operand->type(), {operand}) {}
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    return Negate(operand, type_);
  }
  std::string ToString() const override { return "-" + ChildText(*children_[0]); }
};

// A bool column from a validity mask: valid rows give `when_valid`.
ColumnPtr ValidityToBool(const Column& column, bool when_valid) {
  const int64_t n = column.size();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  const uint64_t* valid = ValidityWords(column);
  if (column.type() == TypeId::kNull) {
    std::memset(dst, when_valid ? 0 : 1, static_cast<size_t>(n));
    return out;
  }
  if (valid == nullptr) {
    std::memset(dst, when_valid ? 1 : 0, static_cast<size_t>(n));
    return out;
  }
  const uint8_t flip = when_valid ? 0 : 1;
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = static_cast<uint8_t>(BitIsSet(valid, i)) ^ flip;
  }
  return out;
}

class IsNullExpr final : public PhysicalExpr {
 public:
  IsNullExpr(PhysicalExprPtr operand, bool negated)
      : PhysicalExpr(PhysicalExprKind::kIsNull, TypeId::kBool, {std::move(operand)}) {
    negated_ = negated;
  }
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    if (operand.is_scalar()) {
      return Datum(Scalar::Bool(operand.scalar().is_null() != negated_));
    }
    // IS NULL is true on invalid rows; IS NOT NULL on valid ones.
    return Datum(ValidityToBool(*operand.column(), negated_));
  }
  std::string ToString() const override {
    return ChildText(*children_[0]) + (negated_ ? " IS NOT NULL" : " IS NULL");
  }
};

class IsTrueExpr final : public PhysicalExpr {
 public:
  IsTrueExpr(PhysicalExprPtr operand, bool truth_value, bool negated)
      : PhysicalExpr(PhysicalExprKind::kIsTrue, TypeId::kBool, {std::move(operand)}) {
    truth_value_ = truth_value;
    negated_ = negated;
  }
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    if (operand.is_scalar()) {
      const Scalar& s = operand.scalar();
      const bool is = !s.is_null() && s.type() == TypeId::kBool && s.bool_value() == truth_value_;
      return Datum(Scalar::Bool(is != negated_));
    }
    const Column& a = *operand.column();
    const int64_t n = a.size();
    auto out = AllocateFixedColumn(TypeId::kBool, n);
    uint8_t* dst = out->mutable_data<uint8_t>();
    if (a.type() == TypeId::kNull) {
      std::memset(dst, negated_ ? 1 : 0, static_cast<size_t>(n));
      return Datum(ColumnPtr(std::move(out)));
    }
    const uint8_t* v = a.data<uint8_t>();
    const uint64_t* valid = ValidityWords(a);
    const uint8_t want = truth_value_ ? 1 : 0;
    const uint8_t flip = negated_ ? 1 : 0;
    for (int64_t i = 0; i < n; ++i) {
      const bool is = RowIsValid(valid, i) && v[i] == want;
      dst[i] = static_cast<uint8_t>(is) ^ flip;
    }
    return Datum(ColumnPtr(std::move(out)));
  }
  std::string ToString() const override {
    return fmt::format("{} IS {}{}",
                       ChildText(*children_[0]),
                       negated_ ? "NOT " : "",
                       truth_value_ ? "TRUE" : "FALSE");
  }
};

class LikeExpr final : public PhysicalExpr {
 public:
  LikeExpr(PhysicalExprPtr operand,
           PhysicalExprPtr pattern,
           bool negated,
           bool case_insensitive,
           std::optional<LikePattern> compiled)
      : PhysicalExpr(
            PhysicalExprKind::kLike, TypeId::kBool, {std::move(operand), std::move(pattern)}),
        compiled_(std::move(compiled)) {
    negated_ = negated;
    case_insensitive_ = case_insensitive;
  }
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    STRATA_ASSIGN_OR_RETURN(Datum pattern, children_[1]->Evaluate(batch));
    return EvaluateLike(operand,
                        pattern,
                        case_insensitive_,
                        negated_,
                        compiled_.has_value() ? &*compiled_ : nullptr);
  }
  std::string ToString() const override {
    return fmt::format("{} {}{} {}",
                       ChildText(*children_[0]),
                       negated_ ? "NOT " : "",
                       case_insensitive_ ? "ILIKE" : "LIKE",
                       ChildText(*children_[1]));
  }

 private:
  std::optional<LikePattern> compiled_;
};

class CastExpr final : public PhysicalExpr {
 public:
  CastExpr(PhysicalExprPtr operand, TypeId type, bool try_cast)
      : PhysicalExpr(try_cast ? PhysicalExprKind::kTryCast : PhysicalExprKind::kCast,
                     type,
                     {std::move(operand)}) {}
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    return CastDatum(operand, type_, kind_ == PhysicalExprKind::kTryCast);
  }
  std::string ToString() const override {
    return fmt::format("{}({} AS {})",
                       kind_ == PhysicalExprKind::kTryCast ? "TRY_CAST" : "CAST",
                       children_[0]->ToString(),
                       TypeName(type_));
  }
};

class ScalarFunctionExpr final : public PhysicalExpr {
 public:
  ScalarFunctionExpr(const ScalarFunction* function, TypeId type, std::vector<PhysicalExprPtr> args)
      : PhysicalExpr(PhysicalExprKind::kScalarFunction, type, std::move(args)) {
    function_ = function;
  }
  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    std::vector<Datum> args;
    args.reserve(children_.size());
    for (const PhysicalExprPtr& child : children_) {
      STRATA_ASSIGN_OR_RETURN(Datum arg, child->Evaluate(batch));
      args.push_back(std::move(arg));
    }
    if (function_->execute_with_result_type) {
      return function_->execute_with_result_type(args, batch.num_rows(), type_);
    }
    return function_->execute(args, batch.num_rows());
  }
  std::string ToString() const override {
    std::string text = function_->name + "(";
    for (size_t i = 0; i < children_.size(); ++i) {
      if (i > 0) {
        text += ", ";
      }
      text += children_[i]->ToString();
    }
    return text + ")";
  }
};

bool IsBoolOrNull(TypeId t) {
  return t == TypeId::kBool || t == TypeId::kNull;
}

bool IsStringOrNull(TypeId t) {
  return IsStringType(t) || t == TypeId::kNull;
}

}  // namespace

std::string_view BinaryOpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNotEq:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLtEq:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGtEq:
      return ">=";
    case BinaryOp::kIsDistinctFrom:
      return "IS DISTINCT FROM";
    case BinaryOp::kIsNotDistinctFrom:
      return "IS NOT DISTINCT FROM";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kRegexMatch:
      return "~";
    case BinaryOp::kRegexIMatch:
      return "~*";
    case BinaryOp::kRegexNotMatch:
      return "!~";
    case BinaryOp::kRegexNotIMatch:
      return "!~*";
  }
  return "?";
}

PhysicalExprPtr MakeColumnExpr(int index, std::string name, TypeId type) {
  return std::make_shared<ColumnExpr>(index, std::move(name), type);
}

PhysicalExprPtr MakeLiteralExpr(Scalar value) {
  return std::make_shared<LiteralExpr>(std::move(value));
}

absl::StatusOr<PhysicalExprPtr> MakeBinaryExpr(BinaryOp op,
                                               PhysicalExprPtr left,
                                               PhysicalExprPtr right) {
  const TypeId lt = left->type();
  const TypeId rt = right->type();
  if (!HasBinaryKernel(op, lt, rt)) {
    return absl::InvalidArgumentError(fmt::format("no kernel for operator '{}' on {} and {}",
                                                  BinaryOpSymbol(op),
                                                  TypeName(lt),
                                                  TypeName(rt)));
  }
  STRATA_ASSIGN_OR_RETURN(BinarySignature signature, ResolveBinary(op, lt, rt));
  std::shared_ptr<const RE2> regex;
  const bool is_regex = op == BinaryOp::kRegexMatch || op == BinaryOp::kRegexIMatch ||
                        op == BinaryOp::kRegexNotMatch || op == BinaryOp::kRegexNotIMatch;
  if (is_regex && right->kind() == PhysicalExprKind::kLiteral && !right->literal().is_null()) {
    const bool insensitive = op == BinaryOp::kRegexIMatch || op == BinaryOp::kRegexNotIMatch;
    STRATA_ASSIGN_OR_RETURN(regex,
                            CompileRegex(right->literal().string_value(), insensitive ? "i" : ""));
  }
  return std::make_shared<BinaryExpr>(
      op, signature.result, std::move(left), std::move(right), std::move(regex));
}

absl::StatusOr<PhysicalExprPtr> MakeNotExpr(PhysicalExprPtr operand) {
  if (!IsBoolOrNull(operand->type())) {
    return absl::InvalidArgumentError(
        fmt::format("NOT expects a boolean, got {}", TypeName(operand->type())));
  }
  return std::make_shared<NotExpr>(std::move(operand));
}

absl::StatusOr<PhysicalExprPtr> MakeNegativeExpr(PhysicalExprPtr operand) {
  const TypeId t = operand->type();
  if (t != TypeId::kInt64 && t != TypeId::kFloat64 && t != TypeId::kInterval &&
      t != TypeId::kNull) {
    return absl::InvalidArgumentError(fmt::format("cannot negate a value of type {}", TypeName(t)));
  }
  return std::make_shared<NegativeExpr>(std::move(operand));
}

PhysicalExprPtr MakeIsNullExpr(PhysicalExprPtr operand, bool negated) {
  return std::make_shared<IsNullExpr>(std::move(operand), negated);
}

absl::StatusOr<PhysicalExprPtr> MakeIsTrueExpr(PhysicalExprPtr operand,
                                               bool truth_value,
                                               bool negated) {
  if (!IsBoolOrNull(operand->type())) {
    return absl::InvalidArgumentError(fmt::format("IS {} expects a boolean, got {}",
                                                  truth_value ? "TRUE" : "FALSE",
                                                  TypeName(operand->type())));
  }
  return std::make_shared<IsTrueExpr>(std::move(operand), truth_value, negated);
}

absl::StatusOr<PhysicalExprPtr> MakeLikeExpr(PhysicalExprPtr operand,
                                             PhysicalExprPtr pattern,
                                             bool negated,
                                             bool case_insensitive) {
  if (!IsStringOrNull(operand->type()) || !IsStringOrNull(pattern->type())) {
    return absl::InvalidArgumentError(fmt::format("{} expects strings, got {} and {}",
                                                  case_insensitive ? "ILIKE" : "LIKE",
                                                  TypeName(operand->type()),
                                                  TypeName(pattern->type())));
  }
  std::optional<LikePattern> compiled;
  if (pattern->kind() == PhysicalExprKind::kLiteral && !pattern->literal().is_null()) {
    STRATA_ASSIGN_OR_RETURN(
        compiled, LikePattern::Compile(pattern->literal().string_value(), case_insensitive));
  }
  return std::make_shared<LikeExpr>(
      std::move(operand), std::move(pattern), negated, case_insensitive, std::move(compiled));
}

absl::StatusOr<PhysicalExprPtr> MakeCastExpr(PhysicalExprPtr operand, TypeId type, bool try_cast) {
  if (!CanCast(operand->type(), type)) {
    return absl::InvalidArgumentError(
        fmt::format("cannot cast {} to {}", TypeName(operand->type()), TypeName(type)));
  }
  return std::make_shared<CastExpr>(std::move(operand), type, try_cast);
}

absl::StatusOr<PhysicalExprPtr> MakeScalarFunctionExpr(const ScalarFunction* function,
                                                       TypeId return_type,
                                                       std::vector<PhysicalExprPtr> args) {
  if (function == nullptr || (!function->execute && !function->execute_with_result_type)) {
    return absl::InvalidArgumentError("scalar function call without a function");
  }
  return std::make_shared<ScalarFunctionExpr>(function, return_type, std::move(args));
}

absl::StatusOr<ColumnPtr> EvaluateToColumn(const PhysicalExpr& expr, const Batch& batch) {
  STRATA_ASSIGN_OR_RETURN(Datum result, expr.Evaluate(batch));
  if (result.is_scalar()) {
    return ScalarToColumn(result.scalar(), batch.num_rows());
  }
  return result.column();
}

absl::StatusOr<SelectionVector> EvaluatePredicate(const PhysicalExpr& predicate,
                                                  const Batch& batch) {
  STRATA_ASSIGN_OR_RETURN(Datum result, predicate.Evaluate(batch));
  const int64_t n = batch.num_rows();
  SelectionVector selection;
  if (result.is_scalar()) {
    const Scalar& s = result.scalar();
    if (!s.is_null() && s.type() == TypeId::kBool && s.bool_value()) {
      selection.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        selection[static_cast<size_t>(i)] = static_cast<uint32_t>(i);
      }
    }
    return selection;
  }
  const Column& column = *result.column();
  if (column.type() == TypeId::kNull) {
    return selection;
  }
  if (column.type() != TypeId::kBool) {
    return absl::InvalidArgumentError(
        fmt::format("a predicate must be boolean, got {}", TypeName(column.type())));
  }
  // Branch-free compaction: write every index, advance only past selected ones.
  selection.resize(static_cast<size_t>(n));
  uint32_t* out = selection.data();
  const uint8_t* v = column.data<uint8_t>();
  const uint64_t* valid = ValidityWords(column);
  size_t k = 0;
  if (valid == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      out[k] = static_cast<uint32_t>(i);
      k += v[i] & 1;
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      out[k] = static_cast<uint32_t>(i);
      k += v[i] & BitIsSet(valid, i);
    }
  }
  selection.resize(k);
  return selection;
}

}  // namespace strata::exec
