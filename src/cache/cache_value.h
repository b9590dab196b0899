// Values held by the caches and the key filters queries push into a cache lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "catalog/write_batch.h"

namespace strata::cache {

// One cached value: null (the row had no value for the column), or a value of the column's type
// (tags and string fields as strings; time is kept apart, as the row's time).
using Value = std::variant<std::monostate, int64_t, uint64_t, double, bool, std::string>;

// The value of `cell`, a cell of `write`.
Value ValueOf(const TableWrite& write, const CellValue& cell);

// A condition on one column pushed into a lookup: the value must be one of `allowed` (when set:
// equality and IN lists, intersected) and none of `excluded` (NOT IN and <>). A null value passes
// only an empty filter (no condition), as SQL comparisons with NULL are never true.
struct ColumnFilter {
  std::optional<std::vector<Value>> allowed;
  std::vector<Value> excluded;

  bool Matches(const Value& value) const;
  // True when no value can pass (an empty allowed list).
  bool Impossible() const { return allowed.has_value() && allowed->empty(); }
};

}  // namespace strata::cache
