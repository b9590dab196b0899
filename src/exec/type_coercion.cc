// Type rules of operators, casts and combined values (DataFusion's coercion, PostgreSQL's
// behaviour where the two differ and the doc in type_coercion.h says so).
#include "exec/type_coercion.h"

#include "fmt/format.h"

namespace strata::exec {
namespace {

bool IsNumeric(TypeId t) {
  return t == TypeId::kInt64 || t == TypeId::kUInt64 || t == TypeId::kFloat64;
}

// The type two numerics widen to.
TypeId WidenNumeric(TypeId a, TypeId b) {
  if (a == TypeId::kFloat64 || b == TypeId::kFloat64) {
    return TypeId::kFloat64;
  }
  if (a == b) {
    return a;
  }
  return TypeId::kInt64;  // int64 with uint64
}

bool IsArithmetic(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
      return true;
    default:
      return false;
  }
}

absl::Status CannotApply(BinaryOp op, TypeId left, TypeId right) {
  return absl::InvalidArgumentError(fmt::format("cannot apply operator '{}' to {} and {}",
                                                BinaryOpSymbol(op),
                                                TypeName(left),
                                                TypeName(right)));
}

std::optional<BinarySignature> ResolveArithmetic(BinaryOp op, TypeId l, TypeId r) {
  if (l == TypeId::kNull && r == TypeId::kNull) {
    return BinarySignature{TypeId::kNull, TypeId::kNull, TypeId::kNull};
  }
  // An untyped NULL takes the other side's type; the result is what that pair would give.
  if (l == TypeId::kNull) {
    l = r == TypeId::kTimestamp && op == BinaryOp::kSubtract ? TypeId::kTimestamp : r;
    if (r == TypeId::kTimestamp && op == BinaryOp::kAdd) {
      l = TypeId::kInterval;
    }
  }
  if (r == TypeId::kNull) {
    r = l == TypeId::kTimestamp ? TypeId::kInterval : l;
  }
  if (IsNumeric(l) && IsNumeric(r)) {
    TypeId t = WidenNumeric(l, r);
    return BinarySignature{t, t, t};
  }
  if (op == BinaryOp::kAdd || op == BinaryOp::kSubtract) {
    if (l == TypeId::kTimestamp && r == TypeId::kInterval) {
      return BinarySignature{l, r, TypeId::kTimestamp};
    }
    if (op == BinaryOp::kAdd && l == TypeId::kInterval && r == TypeId::kTimestamp) {
      return BinarySignature{l, r, TypeId::kTimestamp};
    }
    if (op == BinaryOp::kSubtract && l == TypeId::kTimestamp && r == TypeId::kTimestamp) {
      return BinarySignature{l, r, TypeId::kInterval};
    }
    if (l == TypeId::kInterval && r == TypeId::kInterval) {
      return BinarySignature{l, r, TypeId::kInterval};
    }
  }
  return std::nullopt;
}

std::optional<BinarySignature> ResolveComparison(TypeId l, TypeId r) {
  if (l == TypeId::kNull && r == TypeId::kNull) {
    return BinarySignature{TypeId::kNull, TypeId::kNull, TypeId::kBool};
  }
  if (l == TypeId::kNull) {
    l = r;
  }
  if (r == TypeId::kNull) {
    r = l;
  }
  if (IsNumeric(l) && IsNumeric(r)) {
    TypeId t = WidenNumeric(l, r);
    return BinarySignature{t, t, TypeId::kBool};
  }
  if (IsStringType(l) && IsStringType(r)) {
    return BinarySignature{l, r, TypeId::kBool};
  }
  if (l == TypeId::kTimestamp && (r == TypeId::kTimestamp || IsStringType(r))) {
    return BinarySignature{TypeId::kTimestamp, TypeId::kTimestamp, TypeId::kBool};
  }
  if (IsStringType(l) && r == TypeId::kTimestamp) {
    return BinarySignature{TypeId::kTimestamp, TypeId::kTimestamp, TypeId::kBool};
  }
  if (l == r && (l == TypeId::kBool || l == TypeId::kInterval)) {
    return BinarySignature{l, r, TypeId::kBool};
  }
  return std::nullopt;
}

std::optional<TypeId> CommonPair(TypeId a, TypeId b) {
  if (a == TypeId::kDictionary) {
    a = TypeId::kString;
  }
  if (b == TypeId::kDictionary) {
    b = TypeId::kString;
  }
  if (a == b) {
    return a;
  }
  if (a == TypeId::kNull) {
    return b;
  }
  if (b == TypeId::kNull) {
    return a;
  }
  if (IsNumeric(a) && IsNumeric(b)) {
    return WidenNumeric(a, b);
  }
  if ((a == TypeId::kTimestamp && b == TypeId::kString) ||
      (a == TypeId::kString && b == TypeId::kTimestamp)) {
    return TypeId::kTimestamp;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<BinarySignature> ResolveBinary(BinaryOp op, TypeId left, TypeId right) {
  std::optional<BinarySignature> signature;
  if (IsArithmetic(op)) {
    signature = ResolveArithmetic(op, left, right);
  } else if (IsComparison(op)) {
    signature = ResolveComparison(left, right);
  } else if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
    if ((left == TypeId::kBool || left == TypeId::kNull) &&
        (right == TypeId::kBool || right == TypeId::kNull)) {
      signature = BinarySignature{TypeId::kBool, TypeId::kBool, TypeId::kBool};
    }
  } else if (op == BinaryOp::kConcat) {
    // PostgreSQL's anynonarray || text: any value is cast to text (an interval too).
    auto as_string = [](TypeId t) { return IsStringType(t) ? t : TypeId::kString; };
    if (IsStringType(left) || IsStringType(right) ||
        (left == TypeId::kNull && right == TypeId::kNull)) {
      signature = BinarySignature{as_string(left), as_string(right), TypeId::kString};
    }
  } else {  // regular expression matches
    auto ok = [](TypeId t) { return IsStringType(t) || t == TypeId::kNull; };
    if (ok(left) && ok(right)) {
      signature = BinarySignature{left == TypeId::kNull ? TypeId::kString : left,
                                  right == TypeId::kNull ? TypeId::kString : right,
                                  TypeId::kBool};
    }
  }
  if (!signature.has_value()) {
    return CannotApply(op, left, right);
  }
  return *signature;
}

absl::StatusOr<TypeId> CommonType(const std::vector<TypeId>& types) {
  if (types.empty()) {
    return TypeId::kNull;
  }
  TypeId common = types[0] == TypeId::kDictionary ? TypeId::kString : types[0];
  for (size_t i = 1; i < types.size(); ++i) {
    std::optional<TypeId> next = CommonPair(common, types[i]);
    if (!next.has_value()) {
      return absl::InvalidArgumentError(fmt::format(
          "cannot find a common type for {} and {}", TypeName(common), TypeName(types[i])));
    }
    common = *next;
  }
  return common;
}

bool CanCast(TypeId from, TypeId to) {
  if (from == to || from == TypeId::kNull) {
    return true;
  }
  if (from == TypeId::kDictionary) {
    from = TypeId::kString;
  }
  if (to == TypeId::kDictionary) {
    return from == TypeId::kString;
  }
  switch (to) {
    case TypeId::kString:
      return true;
    case TypeId::kBool:
      return IsNumeric(from) || from == TypeId::kString || from == TypeId::kBool;
    case TypeId::kInt64:
    case TypeId::kUInt64:
      return IsNumeric(from) || from == TypeId::kBool || from == TypeId::kString ||
             from == TypeId::kTimestamp;
    case TypeId::kFloat64:
      return IsNumeric(from) || from == TypeId::kBool || from == TypeId::kString;
    case TypeId::kTimestamp:
      return from == TypeId::kInt64 || from == TypeId::kUInt64 || from == TypeId::kString ||
             from == TypeId::kTimestamp;
    case TypeId::kInterval:
      return from == TypeId::kString || from == TypeId::kInterval;
    case TypeId::kNull:
    case TypeId::kDictionary:
      return false;
  }
  return false;
}

bool CanCoerceImplicitly(TypeId from, TypeId to) {
  if (from == to || from == TypeId::kNull) {
    return true;
  }
  if (IsStringType(from) && IsStringType(to)) {
    return true;
  }
  if ((from == TypeId::kInt64 || from == TypeId::kUInt64) && to == TypeId::kFloat64) {
    return true;
  }
  return IsStringType(from) && to == TypeId::kTimestamp;
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
    case BinaryOp::kNotEq:
    case BinaryOp::kLt:
    case BinaryOp::kLtEq:
    case BinaryOp::kGt:
    case BinaryOp::kGtEq:
    case BinaryOp::kIsDistinctFrom:
    case BinaryOp::kIsNotDistinctFrom:
      return true;
    default:
      return false;
  }
}

BinaryOp FlipComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kLt:
      return BinaryOp::kGt;
    case BinaryOp::kLtEq:
      return BinaryOp::kGtEq;
    case BinaryOp::kGt:
      return BinaryOp::kLt;
    case BinaryOp::kGtEq:
      return BinaryOp::kLtEq;
    default:
      return op;
  }
}

}  // namespace strata::exec
