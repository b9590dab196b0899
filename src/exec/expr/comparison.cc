// Comparison kernels: = <> < <= > >= and IS [NOT] DISTINCT FROM over every comparable type.
// Floats order as PostgreSQL's: NaN equals NaN and sorts above every other value, -0 equals 0.
// Dictionary columns compare against a string scalar through the dictionary: one lookup for
// equality, one comparison per distinct value for ordering.
#include <cstring>
#include <type_traits>
#include <vector>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/calendar.h"
#include "exec/expr/datum_access.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

template <typename T>
struct Ordering {
  static bool Equal(T a, T b) { return a == b; }
  static bool Less(T a, T b) { return a < b; }
};

template <>
struct Ordering<double> {
  // Bitwise, not short-circuit, operators: the loops over them then vectorize.
  static bool Equal(double a, double b) { return (a == b) | ((a != a) & (b != b)); }
  static bool Less(double a, double b) { return (a < b) | ((a == a) & (b != b)); }
};

// Intervals compare as PostgreSQL's: a month is 30 days and a day 24 hours, so
// INTERVAL '1 month' = INTERVAL '30 days'.
template <>
struct Ordering<Interval> {
  static __int128 Key(const Interval& v) {
    return (static_cast<__int128>(v.months) * 30 + v.days) * kNanosPerDayWide + v.nanos;
  }
  static bool Equal(const Interval& a, const Interval& b) { return Key(a) == Key(b); }
  static bool Less(const Interval& a, const Interval& b) { return Key(a) < Key(b); }
  static constexpr __int128 kNanosPerDayWide = static_cast<__int128>(86'400) * 1'000'000'000;
};

template <>
struct Ordering<std::string_view> {
  // Bytewise (memcmp on unsigned bytes), as PostgreSQL's C collation.
  static bool Equal(std::string_view a, std::string_view b) { return a == b; }
  static bool Less(std::string_view a, std::string_view b) { return a < b; }
};

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

Cmp ToCmp(BinaryOp op) {
  switch (op) {
    case BinaryOp::kNotEq:
      return Cmp::kNe;
    case BinaryOp::kLt:
      return Cmp::kLt;
    case BinaryOp::kLtEq:
      return Cmp::kLe;
    case BinaryOp::kGt:
      return Cmp::kGt;
    case BinaryOp::kGtEq:
      return Cmp::kGe;
    default:
      return Cmp::kEq;
  }
}

// `b op a` == `a Flip(op) b`.
Cmp Flip(Cmp c) {
  switch (c) {
    case Cmp::kLt:
      return Cmp::kGt;
    case Cmp::kLe:
      return Cmp::kGe;
    case Cmp::kGt:
      return Cmp::kLt;
    case Cmp::kGe:
      return Cmp::kLe;
    default:
      return c;
  }
}

template <Cmp kCmp, typename T>
inline uint8_t Compare(const T& a, const T& b) {
  using O = Ordering<T>;
  if constexpr (kCmp == Cmp::kEq) {
    return O::Equal(a, b);
  } else if constexpr (kCmp == Cmp::kNe) {
    return !O::Equal(a, b);
  } else if constexpr (kCmp == Cmp::kLt) {
    return O::Less(a, b);
  } else if constexpr (kCmp == Cmp::kLe) {
    return !O::Less(b, a);
  } else if constexpr (kCmp == Cmp::kGt) {
    return O::Less(b, a);
  } else {
    return !O::Less(a, b);
  }
}

// Calls fn.template operator()<kCmp>() with the comparison as a template argument, so each loop
// is compiled for exactly one operator.
template <typename Fn>
auto WithCmp(Cmp c, Fn&& fn) {
  switch (c) {
    case Cmp::kEq:
      return fn.template operator()<Cmp::kEq>();
    case Cmp::kNe:
      return fn.template operator()<Cmp::kNe>();
    case Cmp::kLt:
      return fn.template operator()<Cmp::kLt>();
    case Cmp::kLe:
      return fn.template operator()<Cmp::kLe>();
    case Cmp::kGt:
      return fn.template operator()<Cmp::kGt>();
    case Cmp::kGe:
      break;
  }
  return fn.template operator()<Cmp::kGe>();
}

// Fixed-width operands. REQUIRES: at least one column; no null scalar.
template <typename T>
ColumnPtr CompareFixed(Cmp cmp, const Datum& left, const Datum& right) {
  if (left.is_scalar()) {
    return CompareFixed<T>(Flip(cmp), right, left);
  }
  const Column& a = *left.column();
  const int64_t n = a.size();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  const T* av = a.data<T>();
  if (right.is_scalar()) {
    const T b = ScalarValue<T>(right.scalar());
    if constexpr (std::is_same_v<T, double>) {
      if (b == b) {
        // Against a number only the column's NaNs need care (they sort above it): one or two
        // IEEE comparisons per value.
        switch (cmp) {
          case Cmp::kEq:
            for (int64_t i = 0; i < n; ++i) dst[i] = av[i] == b;
            break;
          case Cmp::kNe:
            for (int64_t i = 0; i < n; ++i) dst[i] = !(av[i] == b);
            break;
          case Cmp::kLt:
            for (int64_t i = 0; i < n; ++i) dst[i] = av[i] < b;
            break;
          case Cmp::kLe:
            for (int64_t i = 0; i < n; ++i) dst[i] = av[i] <= b;
            break;
          case Cmp::kGt:
            for (int64_t i = 0; i < n; ++i) dst[i] = (av[i] > b) | (av[i] != av[i]);
            break;
          case Cmp::kGe:
            for (int64_t i = 0; i < n; ++i) dst[i] = (av[i] >= b) | (av[i] != av[i]);
            break;
        }
        return FinishColumn(std::move(out), CopyValidity(ValidityWords(a), n));
      }
    }
    WithCmp(cmp, [&]<Cmp kCmp>() {
      for (int64_t i = 0; i < n; ++i) {
        dst[i] = Compare<kCmp, T>(av[i], b);
      }
    });
    return FinishColumn(std::move(out), CopyValidity(ValidityWords(a), n));
  }
  const Column& b = *right.column();
  const T* bv = b.data<T>();
  WithCmp(cmp, [&]<Cmp kCmp>() {
    for (int64_t i = 0; i < n; ++i) {
      dst[i] = Compare<kCmp, T>(av[i], bv[i]);
    }
  });
  return FinishColumn(std::move(out), IntersectValidity(ValidityWords(a), ValidityWords(b), n));
}

// out[i] = table[codes[i]]; a code outside the table (a null slot may hold anything) reads 0.
void LookupCodes(const int32_t* codes, int64_t n, const std::vector<uint8_t>& table, uint8_t* out) {
  const auto size = static_cast<uint32_t>(table.size());
  const uint8_t* t = table.data();
  for (int64_t i = 0; i < n; ++i) {
    const auto code = static_cast<uint32_t>(codes[i]);
    out[i] = code < size ? t[code] : 0;
  }
}

ColumnPtr CompareStrings(Cmp cmp, const Datum& left, const Datum& right) {
  if (left.is_scalar()) {
    return CompareStrings(Flip(cmp), right, left);
  }
  const Column& a = *left.column();
  const int64_t n = a.size();
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  const uint64_t* a_valid = ValidityWords(a);
  if (right.is_scalar()) {
    const std::string_view b = right.scalar().string_value();
    if (a.type() == TypeId::kDictionary) {
      const int32_t* codes = a.data<int32_t>();
      const StringDictionary& dictionary = *a.dictionary();
      if (cmp == Cmp::kEq || cmp == Cmp::kNe) {
        // One lookup; an absent value matches no row.
        const int32_t code = dictionary.Find(b);
        const uint8_t equal = cmp == Cmp::kEq ? 1 : 0;
        for (int64_t i = 0; i < n; ++i) {
          dst[i] = (codes[i] == code) ? equal : static_cast<uint8_t>(1 - equal);
        }
        return FinishColumn(std::move(out), CopyValidity(a_valid, n));
      }
      if (dictionary.size() <= n) {
        std::vector<uint8_t> table(static_cast<size_t>(dictionary.size()));
        WithCmp(cmp, [&]<Cmp kCmp>() {
          for (int32_t c = 0; c < dictionary.size(); ++c) {
            table[static_cast<size_t>(c)] = Compare<kCmp, std::string_view>(dictionary.Value(c), b);
          }
        });
        LookupCodes(codes, n, table, dst);
        return FinishColumn(std::move(out), CopyValidity(a_valid, n));
      }
    }
    StringReader av(a);
    WithCmp(cmp, [&]<Cmp kCmp>() {
      for (int64_t i = 0; i < n; ++i) {
        dst[i] = RowIsValid(a_valid, i) ? Compare<kCmp, std::string_view>(av[i], b) : 0;
      }
    });
    return FinishColumn(std::move(out), CopyValidity(a_valid, n));
  }
  const Column& b = *right.column();
  const uint64_t* b_valid = ValidityWords(b);
  std::optional<Bitmap> validity = IntersectValidity(a_valid, b_valid, n);
  if (a.type() == TypeId::kDictionary && b.type() == TypeId::kDictionary &&
      a.dictionary() == b.dictionary() && (cmp == Cmp::kEq || cmp == Cmp::kNe)) {
    const int32_t* ac = a.data<int32_t>();
    const int32_t* bc = b.data<int32_t>();
    const uint8_t equal = cmp == Cmp::kEq ? 1 : 0;
    for (int64_t i = 0; i < n; ++i) {
      dst[i] = ac[i] == bc[i] ? equal : static_cast<uint8_t>(1 - equal);
    }
    return FinishColumn(std::move(out), std::move(validity));
  }
  StringReader av(a);
  StringReader bv(b);
  const uint64_t* valid = validity.has_value() ? validity->words() : nullptr;
  WithCmp(cmp, [&]<Cmp kCmp>() {
    for (int64_t i = 0; i < n; ++i) {
      dst[i] = RowIsValid(valid, i) ? Compare<kCmp, std::string_view>(av[i], bv[i]) : 0;
    }
  });
  return FinishColumn(std::move(out), std::move(validity));
}

bool IsNullDatum(const Datum& d) {
  return d.type() == TypeId::kNull || (d.is_scalar() && d.scalar().is_null());
}

// REQUIRES: at least one column, no null operand.
absl::StatusOr<ColumnPtr> CompareColumns(Cmp cmp, const Datum& left, const Datum& right) {
  TypeId type = left.type();
  if (IsStringType(type) && IsStringType(right.type())) {
    return CompareStrings(cmp, left, right);
  }
  if (type != right.type()) {
    return absl::InvalidArgumentError(
        fmt::format("no comparison kernel for {} and {}", TypeName(type), TypeName(right.type())));
  }
  switch (type) {
    case TypeId::kBool:
      return CompareFixed<uint8_t>(cmp, left, right);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return CompareFixed<int64_t>(cmp, left, right);
    case TypeId::kUInt64:
      return CompareFixed<uint64_t>(cmp, left, right);
    case TypeId::kFloat64:
      return CompareFixed<double>(cmp, left, right);
    case TypeId::kInterval:
      return CompareFixed<Interval>(cmp, left, right);
    default:
      break;
  }
  return absl::InvalidArgumentError(
      fmt::format("no comparison kernel for {} and {}", TypeName(type), TypeName(right.type())));
}

// A one-row column for a scalar operand, so scalar-only comparisons reuse the column kernels.
Datum AsColumn(const Datum& d) {
  return d.is_scalar() ? Datum(ScalarToColumn(d.scalar(), 1)) : d;
}

absl::StatusOr<Datum> DistinctFrom(bool distinct, const Datum& left, const Datum& right) {
  if (left.is_scalar() && right.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(Datum one, DistinctFrom(distinct, AsColumn(left), AsColumn(right)));
    return Datum(ScalarAt(*one.column(), 0));
  }
  const int64_t n = left.is_column() ? left.column()->size() : right.column()->size();
  const bool left_null = IsNullDatum(left);
  const bool right_null = IsNullDatum(right);
  auto out = AllocateFixedColumn(TypeId::kBool, n);
  uint8_t* dst = out->mutable_data<uint8_t>();
  if (left_null || right_null) {
    // x IS DISTINCT FROM NULL is x IS NOT NULL (and NULL vs NULL is not distinct).
    const Datum& other = left_null ? right : left;
    const bool other_null = left_null && right_null;
    const uint64_t* valid = other_null ? nullptr : ValidityWords(other);
    for (int64_t i = 0; i < n; ++i) {
      const bool other_valid = !other_null && RowIsValid(valid, i);
      dst[i] = static_cast<uint8_t>(other_valid == distinct);
    }
    return Datum(ColumnPtr(std::move(out)));
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr equal, CompareColumns(Cmp::kEq, left, right));
  const uint8_t* eq = equal->data<uint8_t>();
  const uint64_t* lv = ValidityWords(left);
  const uint64_t* rv = ValidityWords(right);
  for (int64_t i = 0; i < n; ++i) {
    const bool a = RowIsValid(lv, i);
    const bool b = RowIsValid(rv, i);
    const bool same = a == b && (!a || eq[i] != 0);
    dst[i] = static_cast<uint8_t>(same != distinct);
  }
  return Datum(ColumnPtr(std::move(out)));
}

}  // namespace

absl::StatusOr<Datum> EvaluateComparison(BinaryOp op, const Datum& left, const Datum& right) {
  if (op == BinaryOp::kIsDistinctFrom || op == BinaryOp::kIsNotDistinctFrom) {
    return DistinctFrom(op == BinaryOp::kIsDistinctFrom, left, right);
  }
  if (IsNullDatum(left) || IsNullDatum(right)) {
    return Datum(Scalar::Null(TypeId::kBool));
  }
  const Cmp cmp = ToCmp(op);
  if (left.is_scalar() && right.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(ColumnPtr one, CompareColumns(cmp, AsColumn(left), AsColumn(right)));
    return Datum(ScalarAt(*one, 0));
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr result, CompareColumns(cmp, left, right));
  return Datum(std::move(result));
}

}  // namespace strata::exec
