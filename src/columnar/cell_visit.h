// VisitCell: one cell of a column as a C++ value, for code that turns cells into values of its own
// (InfluxQL results, cache values, JSON of the debug API).
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "columnar/column.h"

namespace strata {

// Returns f(value) with the value at `row` of `column`: std::monostate for NULL (and for types
// without a scalar value: kNull, kInterval), bool, int64_t (kInt64 and kTimestamp), uint64_t,
// double, or std::string_view (kString and kDictionary; valid while the column lives).
template <typename F>
decltype(auto) VisitCell(const Column& column, int64_t row, F&& f) {
  if (column.IsNull(row)) {
    return f(std::monostate{});
  }
  switch (column.type()) {
    case TypeId::kBool:
      return f(column.GetBool(row));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return f(column.GetInt64(row));
    case TypeId::kUInt64:
      return f(column.GetUInt64(row));
    case TypeId::kFloat64:
      return f(column.GetFloat64(row));
    case TypeId::kString:
    case TypeId::kDictionary:
      return f(column.GetString(row));
    default:
      return f(std::monostate{});
  }
}

}  // namespace strata
