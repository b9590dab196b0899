// Shared pieces of the aggregate functions: row iteration over selections and nulls, typed
// column building, argument type checks, and the registration hooks of each file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "columnar/record_batch.h"
#include "common/status.h"
#include "exec/batch.h"
#include "exec/function.h"
#include "fmt/format.h"

namespace strata::exec {

// The number of rows an Update call covers: the selection's size, or the rows of the first
// argument. (Zero-argument calls such as count(*) are always given a selection.)
inline int64_t UpdateRowCount(const std::vector<ColumnPtr>& args,
                              const SelectionVector* selection) {
  if (selection != nullptr) {
    return static_cast<int64_t>(selection->size());
  }
  return args.empty() ? 0 : args[0]->size();
}

// Calls f(i, row) for the i-th covered row whose value in `column` is not null. Four loops so
// that the common no-null, no-selection case is a plain counted loop.
template <typename F>
inline void ForEachValidRow(const Column& column,
                            const SelectionVector* selection,
                            int64_t n,
                            F&& f) {
  if (column.type() == TypeId::kNull) {
    return;
  }
  const bool nulls = column.has_nulls();
  if (selection == nullptr) {
    if (!nulls) {
      for (int64_t i = 0; i < n; ++i) {
        f(i, i);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (column.IsValid(i)) {
          f(i, i);
        }
      }
    }
  } else {
    const uint32_t* rows = selection->data();
    if (!nulls) {
      for (int64_t i = 0; i < n; ++i) {
        f(i, static_cast<int64_t>(rows[i]));
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        int64_t row = rows[i];
        if (column.IsValid(row)) {
          f(i, row);
        }
      }
    }
  }
}

// A column of `type` from typed values; rows whose `valid` byte is 0 are null (valid may be
// null: all valid). T is the type's value layout (uint8_t for bool, int64_t for timestamps).
template <typename T>
ColumnPtr MakeFixedColumn(TypeId type, const T* values, const uint8_t* valid, int64_t n) {
  auto column = std::make_shared<Column>(type);
  column->ResizeFixed(n);
  if (n > 0) {
    std::copy(values, values + n, column->mutable_data<T>());
  }
  if (valid != nullptr) {
    Bitmap validity(n, true);
    bool any_null = false;
    for (int64_t i = 0; i < n; ++i) {
      if (valid[i] == 0) {
        validity.Set(i, false);
        any_null = true;
      }
    }
    if (any_null) {
      column->SetValidity(std::move(validity));
    }
  }
  return column;
}

// The result type for a value of `type` kept by an aggregate (strings come out plain).
inline TypeId ValueResultType(TypeId type) {
  return type == TypeId::kDictionary ? TypeId::kString : type;
}

inline bool IsNumericType(TypeId type) {
  return type == TypeId::kInt64 || type == TypeId::kUInt64 || type == TypeId::kFloat64;
}

// True for the types min/max/first_value keep (everything orderable).
inline bool IsOrderableType(TypeId type) {
  switch (type) {
    case TypeId::kBool:
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kString:
    case TypeId::kDictionary:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

inline absl::Status ArgCountError(std::string_view name, std::string_view expected, size_t got) {
  return absl::InvalidArgumentError(fmt::format("function '{}' expects {} argument{}, got {}",
                                                name,
                                                expected,
                                                expected == "1" ? "" : "s",
                                                got));
}

inline absl::Status ArgTypeError(std::string_view name, TypeId type) {
  return absl::InvalidArgumentError(
      fmt::format("function '{}' does not accept {}", name, TypeName(type)));
}

// Wraps `inner` (a factory of the plain accumulator) so that each group aggregates its distinct
// non-null values only. Its partial state is one kString column per group (the serialized
// distinct values), whatever the plain function's state types are.
std::unique_ptr<GroupsAccumulator> MakeDistinctAccumulator(
    TypeId arg_type, std::function<std::unique_ptr<GroupsAccumulator>()> inner);

// The state column types of one aggregate call as HashAggregateExec emits them in kPartial mode
// (a DISTINCT call has one kString state column).
std::vector<TypeId> AggregateStateTypes(const AggregateFunction& function,
                                        const FunctionSignature& signature,
                                        const AggregateCallOptions& options);

// Registration hooks, one per source file.
void RegisterBasicAggregates(FunctionRegistry* registry);        // count sum avg min max bool_*
void RegisterStatisticalAggregates(FunctionRegistry* registry);  // stddev var median percentile
void RegisterOrderedAggregates(FunctionRegistry* registry);      // first/last_value selector_*

}  // namespace strata::exec
