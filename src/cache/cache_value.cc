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

uint64_t MixSeriesHash(uint64_t hash, uint32_t column_id, std::string_view value) {
  // FNV-1a over the column id, the length and the bytes.
  auto mix = [&hash](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
    }
  };
  const uint64_t length = value.size();
  mix(&column_id, sizeof(column_id));
  mix(&length, sizeof(length));
  mix(value.data(), value.size());
  return hash;
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
