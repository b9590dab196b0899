// Three-valued AND/OR/NOT, string concatenation, and the dispatch of binary operators to their
// kernel families.
#include <cstring>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/datum_access.h"
#include "exec/type_coercion.h"

namespace strata::exec {
namespace {

bool IsNullDatum(const Datum& d) {
  return d.type() == TypeId::kNull || (d.is_scalar() && d.scalar().is_null());
}

// AND/OR with a scalar side: `x AND true` is x, `x AND false` is false, `x AND NULL` is NULL
// where x is true or NULL and false where x is false (OR is the mirror image).
ColumnPtr LogicalWithScalar(bool is_and, const Column& a, const Scalar& s) {
  const int64_t n = a.size();
  const uint8_t* av = a.data<uint8_t>();
  const uint64_t* valid = ValidityWords(a);
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  if (!s.is_null()) {
    const bool b = s.bool_value();
    if (b == is_and) {  // AND true / OR false: identity
      std::memcpy(dst, av, static_cast<size_t>(n));
      return FinishColumn(std::move(out), CopyValidity(valid, n));
    }
    std::memset(dst, is_and ? 0 : 1, static_cast<size_t>(n));  // AND false / OR true
    return out;
  }
  // x AND NULL: false when x is (valid and) false, else NULL. x OR NULL: true when x is true.
  Bitmap validity(n, false);
  for (int64_t i = 0; i < n; ++i) {
    const bool known = RowIsValid(valid, i) && (av[i] != 0) != is_and;
    dst[i] = is_and ? 0 : 1;
    if (known) {
      validity.Set(i, true);
    }
  }
  return FinishColumn(std::move(out), std::move(validity));
}

ColumnPtr LogicalColumns(bool is_and, const Column& a, const Column& b) {
  const int64_t n = a.size();
  const uint8_t* av = a.data<uint8_t>();
  const uint8_t* bv = b.data<uint8_t>();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  const uint64_t* va = ValidityWords(a);
  const uint64_t* vb = ValidityWords(b);
  if (va == nullptr && vb == nullptr) {
    if (is_and) {
      for (int64_t i = 0; i < n; ++i) {
        dst[i] = av[i] & bv[i];
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        dst[i] = av[i] | bv[i];
      }
    }
    return out;
  }
  Bitmap validity(n, false);
  for (int64_t i = 0; i < n; ++i) {
    const bool a_valid = RowIsValid(va, i);
    const bool b_valid = RowIsValid(vb, i);
    const bool x = av[i] != 0;
    const bool y = bv[i] != 0;
    bool value;
    bool valid;
    if (is_and) {
      const bool a_false = a_valid && !x;
      const bool b_false = b_valid && !y;
      value = !(a_false || b_false) && a_valid && b_valid;
      valid = a_false || b_false || (a_valid && b_valid);
    } else {
      const bool a_true = a_valid && x;
      const bool b_true = b_valid && y;
      value = a_true || b_true;
      valid = value || (a_valid && b_valid);
    }
    dst[i] = value ? 1 : 0;
    if (valid) {
      validity.Set(i, true);
    }
  }
  return FinishColumn(std::move(out), std::move(validity));
}

Scalar LogicalScalars(bool is_and, const Scalar& a, const Scalar& b) {
  // Kleene logic: a dominant value (false for AND, true for OR) wins over NULL.
  const bool dominant = !is_and;
  if ((!a.is_null() && a.bool_value() == dominant) ||
      (!b.is_null() && b.bool_value() == dominant)) {
    return Scalar::Bool(dominant);
  }
  if (a.is_null() || b.is_null()) {
    return Scalar::Null(TypeId::kBool);
  }
  return Scalar::Bool(!dominant);
}

Datum AsBoolDatum(const Datum& d) {
  // A kNull operand is a NULL boolean.
  if (d.type() == TypeId::kNull) {
    return Datum(Scalar::Null(TypeId::kBool));
  }
  return d;
}

absl::StatusOr<Datum> Concat(const Datum& left, const Datum& right) {
  if (IsNullDatum(left) || IsNullDatum(right)) {
    return Datum(Scalar::Null(TypeId::kString));
  }
  const int64_t rows = left.is_column()    ? left.column()->size()
                       : right.is_column() ? right.column()->size()
                                           : 1;
  return EvaluateScalarAware(
      {left, right},
      rows,
      [](const std::vector<Datum>& args, int64_t n) -> absl::StatusOr<ColumnPtr> {
        DatumReader a(args[0]);
        DatumReader b(args[1]);
        auto out = std::make_shared<Column>(TypeId::kString);
        out->Reserve(n);
        std::string buffer;
        for (int64_t i = 0; i < n; ++i) {
          if (a.IsNull(i) || b.IsNull(i)) {
            out->AppendNull();
            continue;
          }
          buffer.assign(a.String(i));
          buffer.append(b.String(i));
          out->AppendString(buffer);
        }
        return ColumnPtr(std::move(out));
      });
}

}  // namespace

absl::StatusOr<Datum> EvaluateLogical(BinaryOp op, const Datum& left, const Datum& right) {
  if (op == BinaryOp::kConcat) {
    return Concat(left, right);
  }
  const bool is_and = op == BinaryOp::kAnd;
  const Datum a = AsBoolDatum(left);
  const Datum b = AsBoolDatum(right);
  if (a.is_scalar() && b.is_scalar()) {
    return Datum(LogicalScalars(is_and, a.scalar(), b.scalar()));
  }
  if (a.is_scalar()) {
    return Datum(LogicalWithScalar(is_and, *b.column(), a.scalar()));
  }
  if (b.is_scalar()) {
    return Datum(LogicalWithScalar(is_and, *a.column(), b.scalar()));
  }
  return Datum(LogicalColumns(is_and, *a.column(), *b.column()));
}

absl::StatusOr<Datum> EvaluateNot(const Datum& operand) {
  if (IsNullDatum(operand)) {
    return Datum(Scalar::Null(TypeId::kBool));
  }
  if (operand.is_scalar()) {
    return Datum(Scalar::Bool(!operand.scalar().bool_value()));
  }
  const Column& a = *operand.column();
  const int64_t n = a.size();
  const uint8_t* av = a.data<uint8_t>();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = av[i] ^ 1;
  }
  return Datum(FinishColumn(std::move(out), CopyValidity(ValidityWords(a), n)));
}

bool HasBinaryKernel(BinaryOp op, TypeId left, TypeId right) {
  absl::StatusOr<BinarySignature> signature = ResolveBinary(op, left, right);
  if (!signature.ok()) {
    return false;
  }
  auto same = [](TypeId asked, TypeId have) {
    return asked == have || have == TypeId::kNull || (IsStringType(asked) && IsStringType(have));
  };
  return same(signature->left, left) && same(signature->right, right);
}

absl::StatusOr<Datum> EvaluateBinaryKernel(BinaryOp op,
                                           const Datum& left,
                                           const Datum& right,
                                           TypeId result_type) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
      return EvaluateArithmetic(op, left, right, result_type);
    case BinaryOp::kEq:
    case BinaryOp::kNotEq:
    case BinaryOp::kLt:
    case BinaryOp::kLtEq:
    case BinaryOp::kGt:
    case BinaryOp::kGtEq:
    case BinaryOp::kIsDistinctFrom:
    case BinaryOp::kIsNotDistinctFrom:
      return EvaluateComparison(op, left, right);
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
    case BinaryOp::kConcat:
      return EvaluateLogical(op, left, right);
    default:
      break;
  }
  return absl::InvalidArgumentError("regular expression operators need a compiled pattern");
}

}  // namespace strata::exec
