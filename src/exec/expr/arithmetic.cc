// Arithmetic kernels: + - * / % on int64 (overflow-checked), uint64 (checked), float64 (IEEE:
// x / 0.0 is infinity, as DataFusion), and timestamp/interval calendar arithmetic. Each loop
// runs over every row including null slots (their values are garbage) and only ORs error flags
// together; when a flag is up, a second pass finds the first *valid* row that failed, so nulls
// never raise "division by zero".
#include <cmath>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/calendar.h"
#include "exec/expr/datum_access.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// Error flags a per-row operation may return (0: none).
enum : uint8_t {
  kOverflow = 1,
  kDivisionByZero = 2,
  kTimestampOutOfRange = 4,
  kIntervalOutOfRange = 8,
};

absl::Status ArithmeticError(uint8_t flags) {
  if (flags & kDivisionByZero) {
    return absl::InvalidArgumentError("division by zero");
  }
  if (flags & kTimestampOutOfRange) {
    return absl::InvalidArgumentError("timestamp out of range");
  }
  if (flags & kIntervalOutOfRange) {
    return absl::InvalidArgumentError("interval out of range");
  }
  return absl::InvalidArgumentError("integer overflow");
}

// Runs op(a, b, &out) -> error flags over the rows. REQUIRES: at least one column; no null
// scalar.
template <typename L, typename R, typename O, typename Op>
absl::StatusOr<ColumnPtr> ArithmeticLoop(const Datum& left,
                                         const Datum& right,
                                         TypeId out_type,
                                         Op op) {
  const int64_t n = left.is_column() ? left.column()->size() : right.column()->size();
  auto out = AllocateFixedColumn(out_type, n);
  O* dst = out->mutable_data<O>();
  uint8_t flags = 0;
  const L* a = left.is_column() ? left.column()->template data<L>() : nullptr;
  const R* b = right.is_column() ? right.column()->template data<R>() : nullptr;
  if (a != nullptr && b != nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      flags |= op(a[i], b[i], &dst[i]);
    }
  } else if (a != nullptr) {
    const R bs = ScalarValue<R>(right.scalar());
    for (int64_t i = 0; i < n; ++i) {
      flags |= op(a[i], bs, &dst[i]);
    }
  } else {
    const L as = ScalarValue<L>(left.scalar());
    for (int64_t i = 0; i < n; ++i) {
      flags |= op(as, b[i], &dst[i]);
    }
  }
  const uint64_t* lv = ValidityWords(left);
  const uint64_t* rv = ValidityWords(right);
  if (flags != 0) {
    for (int64_t i = 0; i < n; ++i) {
      if (!RowIsValid(lv, i) || !RowIsValid(rv, i)) {
        continue;
      }
      O unused;
      const uint8_t row_flags = op(a != nullptr ? a[i] : ScalarValue<L>(left.scalar()),
                                   b != nullptr ? b[i] : ScalarValue<R>(right.scalar()),
                                   &unused);
      if (row_flags != 0) {
        return ArithmeticError(row_flags);
      }
    }
  }
  return FinishColumn(std::move(out), IntersectValidity(lv, rv, n));
}

template <typename T>
absl::StatusOr<ColumnPtr> IntegerArithmetic(BinaryOp op,
                                            const Datum& l,
                                            const Datum& r,
                                            TypeId type) {
  switch (op) {
    case BinaryOp::kAdd:
      return ArithmeticLoop<T, T, T>(l, r, type, [](T a, T b, T* out) -> uint8_t {
        return __builtin_add_overflow(a, b, out) ? kOverflow : 0;
      });
    case BinaryOp::kSubtract:
      return ArithmeticLoop<T, T, T>(l, r, type, [](T a, T b, T* out) -> uint8_t {
        return __builtin_sub_overflow(a, b, out) ? kOverflow : 0;
      });
    case BinaryOp::kMultiply:
      return ArithmeticLoop<T, T, T>(l, r, type, [](T a, T b, T* out) -> uint8_t {
        return __builtin_mul_overflow(a, b, out) ? kOverflow : 0;
      });
    case BinaryOp::kDivide:
      return ArithmeticLoop<T, T, T>(l, r, type, [](T a, T b, T* out) -> uint8_t {
        if (b == 0) {
          *out = 0;
          return kDivisionByZero;
        }
        if constexpr (std::is_signed_v<T>) {
          if (b == -1) {
            return __builtin_sub_overflow(T{0}, a, out) ? kOverflow : 0;  // INT64_MIN / -1
          }
        }
        *out = a / b;  // truncates toward zero
        return 0;
      });
    case BinaryOp::kModulo:
      return ArithmeticLoop<T, T, T>(l, r, type, [](T a, T b, T* out) -> uint8_t {
        if (b == 0) {
          *out = 0;
          return kDivisionByZero;
        }
        if constexpr (std::is_signed_v<T>) {
          if (b == -1) {
            *out = 0;  // INT64_MIN % -1 traps in hardware
            return 0;
          }
        }
        *out = a % b;  // the dividend's sign
        return 0;
      });
    default:
      break;
  }
  return absl::InvalidArgumentError("no arithmetic kernel");
}

absl::StatusOr<ColumnPtr> FloatArithmetic(BinaryOp op, const Datum& l, const Datum& r) {
  const TypeId type = TypeId::kFloat64;
  switch (op) {
    case BinaryOp::kAdd:
      return ArithmeticLoop<double, double, double>(l, r, type, [](double a, double b, double* o) {
        *o = a + b;
        return uint8_t{0};
      });
    case BinaryOp::kSubtract:
      return ArithmeticLoop<double, double, double>(l, r, type, [](double a, double b, double* o) {
        *o = a - b;
        return uint8_t{0};
      });
    case BinaryOp::kMultiply:
      return ArithmeticLoop<double, double, double>(l, r, type, [](double a, double b, double* o) {
        *o = a * b;
        return uint8_t{0};
      });
    case BinaryOp::kDivide:
      return ArithmeticLoop<double, double, double>(l, r, type, [](double a, double b, double* o) {
        *o = a / b;
        return uint8_t{0};
      });
    case BinaryOp::kModulo:
      return ArithmeticLoop<double, double, double>(l, r, type, [](double a, double b, double* o) {
        *o = std::fmod(a, b);
        return uint8_t{0};
      });
    default:
      break;
  }
  return absl::InvalidArgumentError("no arithmetic kernel");
}

uint8_t AddIntervals(const Interval& a, const Interval& b, bool subtract, Interval* out) {
  int32_t months;
  int32_t days;
  int64_t nanos;
  bool overflow = subtract ? (__builtin_sub_overflow(a.months, b.months, &months) ||
                              __builtin_sub_overflow(a.days, b.days, &days) ||
                              __builtin_sub_overflow(a.nanos, b.nanos, &nanos))
                           : (__builtin_add_overflow(a.months, b.months, &months) ||
                              __builtin_add_overflow(a.days, b.days, &days) ||
                              __builtin_add_overflow(a.nanos, b.nanos, &nanos));
  if (overflow) {
    return kIntervalOutOfRange;
  }
  *out = Interval{months, days, nanos};
  return 0;
}

uint8_t ShiftTimestamp(int64_t t, const Interval& v, bool subtract, int64_t* out) {
  Interval shift = v;
  if (subtract) {
    if (v.months == INT32_MIN || v.days == INT32_MIN || v.nanos == INT64_MIN) {
      return kTimestampOutOfRange;
    }
    shift = Interval{-v.months, -v.days, -v.nanos};
  }
  std::optional<int64_t> result = AddInterval(t, shift);
  if (!result.has_value()) {
    return kTimestampOutOfRange;
  }
  *out = *result;
  return 0;
}

absl::StatusOr<ColumnPtr> TemporalArithmetic(BinaryOp op, const Datum& l, const Datum& r) {
  const TypeId lt = l.type();
  const TypeId rt = r.type();
  const bool subtract = op == BinaryOp::kSubtract;
  if (lt == TypeId::kTimestamp && rt == TypeId::kInterval) {
    return ArithmeticLoop<int64_t, Interval, int64_t>(
        l, r, TypeId::kTimestamp, [subtract](int64_t t, Interval v, int64_t* out) {
          return ShiftTimestamp(t, v, subtract, out);
        });
  }
  if (lt == TypeId::kInterval && rt == TypeId::kTimestamp && !subtract) {
    return ArithmeticLoop<Interval, int64_t, int64_t>(
        l, r, TypeId::kTimestamp, [](Interval v, int64_t t, int64_t* out) {
          return ShiftTimestamp(t, v, false, out);
        });
  }
  if (lt == TypeId::kTimestamp && rt == TypeId::kTimestamp && subtract) {
    return ArithmeticLoop<int64_t, int64_t, Interval>(
        l, r, TypeId::kInterval, [](int64_t a, int64_t b, Interval* out) -> uint8_t {
          int64_t nanos;
          if (__builtin_sub_overflow(a, b, &nanos)) {
            return kIntervalOutOfRange;
          }
          *out = Interval{0, 0, nanos};
          return 0;
        });
  }
  if (lt == TypeId::kInterval && rt == TypeId::kInterval) {
    return ArithmeticLoop<Interval, Interval, Interval>(
        l, r, TypeId::kInterval, [subtract](Interval a, Interval b, Interval* out) {
          return AddIntervals(a, b, subtract, out);
        });
  }
  return absl::InvalidArgumentError(fmt::format(
      "cannot apply operator '{}' to {} and {}", BinaryOpSymbol(op), TypeName(lt), TypeName(rt)));
}

absl::StatusOr<ColumnPtr> ArithmeticColumns(BinaryOp op, const Datum& l, const Datum& r) {
  const TypeId lt = l.type();
  if (lt == r.type()) {
    switch (lt) {
      case TypeId::kInt64:
        return IntegerArithmetic<int64_t>(op, l, r, lt);
      case TypeId::kUInt64:
        return IntegerArithmetic<uint64_t>(op, l, r, lt);
      case TypeId::kFloat64:
        return FloatArithmetic(op, l, r);
      default:
        break;
    }
  }
  return TemporalArithmetic(op, l, r);
}

}  // namespace

absl::StatusOr<Datum> EvaluateArithmetic(BinaryOp op,
                                         const Datum& left,
                                         const Datum& right,
                                         TypeId result_type) {
  auto is_null = [](const Datum& d) {
    return d.type() == TypeId::kNull || (d.is_scalar() && d.scalar().is_null());
  };
  if (is_null(left) || is_null(right)) {
    return Datum(Scalar::Null(result_type));
  }
  if (left.is_scalar() && right.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(
        ColumnPtr one,
        ArithmeticColumns(
            op, Datum(ScalarToColumn(left.scalar(), 1)), Datum(ScalarToColumn(right.scalar(), 1))));
    return Datum(ScalarAt(*one, 0));
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr result, ArithmeticColumns(op, left, right));
  return Datum(std::move(result));
}

}  // namespace strata::exec
