// Cached values and key filters.
#include "cache/cache_value.h"

#include <algorithm>

#include "absl/hash/hash.h"

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

uint64_t MixSeriesHash(uint64_t hash, uint32_t column_id, std::string_view value) {
  // absl's hash: fast on short strings; seeded per process, which is all a cache needs.
  return absl::HashOf(hash, column_id, value);
}

void AppendEncodedValue(const Value& value, std::string* out) {
  out->push_back(static_cast<char>(value.index()));
  std::visit(
      [out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          uint32_t length = static_cast<uint32_t>(v.size());
          out->append(reinterpret_cast<const char*>(&length), sizeof(length));
          out->append(v);
        } else if constexpr (!std::is_same_v<T, std::monostate>) {
          out->append(reinterpret_cast<const char*>(&v), sizeof(v));
        }
      },
      value);
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
