// The built-in scalar functions, registered by topic (math, string, conditional, time), and the
// pieces their resolve and execute callbacks share: arity and type checks with the registry's
// error wording, and row loops that turn a per-row body into a vectorized execute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/datum.h"
#include "exec/expr/datum_access.h"
#include "exec/function.h"

namespace strata::exec {

void RegisterMathFunctions(FunctionRegistry* registry);
void RegisterStringFunctions(FunctionRegistry* registry);
void RegisterConditionalFunctions(FunctionRegistry* registry);
void RegisterTimeFunctions(FunctionRegistry* registry);
void RegisterRegexFunctions(FunctionRegistry* registry);

inline constexpr size_t kVariadic = std::numeric_limits<size_t>::max();

// "function 'round' expects 1 or 2 arguments, got 3" unless min <= got <= max.
absl::Status CheckArity(std::string_view name, size_t got, size_t min, size_t max);
// "function 'lower' does not accept int64".
absl::Status NotAccepted(std::string_view name, TypeId type);

bool IsNumericType(TypeId type);
inline bool IsNumericOrNull(TypeId t) {
  return IsNumericType(t) || t == TypeId::kNull;
}
inline bool IsStringOrNull(TypeId t) {
  return IsStringType(t) || t == TypeId::kNull;
}
// Timestamps and what converts to one implicitly (strings, NULL).
inline bool IsTimestampLike(TypeId t) {
  return t == TypeId::kTimestamp || IsStringType(t) || t == TypeId::kNull;
}

// The number of rows a call produces: num_rows when an argument is a column, else 1.
inline int64_t CallRows(const std::vector<Datum>& args, int64_t num_rows) {
  return AllScalars(args) ? 1 : num_rows;
}

// Runs `body(readers, i, out)` for each row where no argument is NULL (those rows are NULL);
// body appends exactly one value (or null) to `out`, a column of `out_type`, and may fail.
// Scalar-only calls return a Scalar.
template <typename Body>
absl::StatusOr<Datum> MapRows(const std::vector<Datum>& args,
                              int64_t num_rows,
                              TypeId out_type,
                              Body&& body) {
  return EvaluateScalarAware(
      args, num_rows, [&](const std::vector<Datum>& a, int64_t rows) -> absl::StatusOr<ColumnPtr> {
        std::vector<DatumReader> readers;
        readers.reserve(a.size());
        for (const Datum& d : a) {
          readers.emplace_back(d);
        }
        auto out = std::make_shared<Column>(out_type);
        out->Reserve(rows);
        for (int64_t i = 0; i < rows; ++i) {
          bool any_null = false;
          for (const DatumReader& r : readers) {
            any_null = any_null || r.IsNull(i);
          }
          if (any_null) {
            out->AppendNull();
            continue;
          }
          absl::Status status = body(readers, i, out.get());
          if (!status.ok()) {
            return status;
          }
        }
        return ColumnPtr(std::move(out));
      });
}

// float64 -> float64 elementwise, a tight loop over a column.
template <typename Fn>
Datum MapFloat64(const Datum& x, Fn fn) {
  if (x.is_scalar()) {
    if (x.scalar().is_null() || x.type() != TypeId::kFloat64) {
      return Datum(Scalar::Null(TypeId::kFloat64));
    }
    return Datum(Scalar::Float64(fn(x.scalar().float64_value())));
  }
  const Column& in = *x.column();
  const int64_t n = in.size();
  if (in.type() != TypeId::kFloat64) {
    return Datum(ScalarToColumn(Scalar::Null(TypeId::kFloat64), n));
  }
  auto out = AllocateFixedColumn(TypeId::kFloat64, n);
  const double* src = in.data<double>();
  double* dst = out->mutable_data<double>();
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = fn(src[i]);
  }
  return Datum(FinishColumn(std::move(out), CopyValidity(ValidityWords(in), n)));
}

}  // namespace strata::exec
