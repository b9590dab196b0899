// Cached values and key filters.
#include "cache/cache_value.h"

#include <algorithm>

namespace strata::cache {

Value ValueOf(const TableWrite& write, const CellValue& cell) {
  switch (cell.type) {
    case TypeId::kDictionary:
    case TypeId::kString:
      return std::string(write.StringOf(cell));
    case TypeId::kInt64:
      return cell.i64;
    case TypeId::kUInt64:
      return cell.u64;
    case TypeId::kFloat64:
      return cell.f64;
    case TypeId::kBool:
      return cell.b;
    default:
      return std::monostate{};
  }
}

bool ColumnFilter::Matches(const Value& value) const {
  if (!allowed.has_value() && excluded.empty()) {
    return true;  // no condition on this column
  }
  if (std::holds_alternative<std::monostate>(value)) {
    return false;
  }
  if (allowed.has_value() && std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
    return false;
  }
  return std::find(excluded.begin(), excluded.end(), value) == excluded.end();
}

}  // namespace strata::cache
