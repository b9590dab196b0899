// Cached values and key filters.
#include "cache/cache_value.h"

#include <algorithm>
#include <cstring>

namespace strata::cache {

Value ValueOf(const CellValue& cell, std::string_view bytes) {
  switch (cell.type) {
    case TypeId::kDictionary:
    case TypeId::kString:
      return std::string(bytes);
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

Value ValueOf(const TableWrite& write, const CellValue& cell) {
  const bool string = cell.type == TypeId::kDictionary || cell.type == TypeId::kString;
  return ValueOf(cell, string ? write.StringOf(cell) : std::string_view());
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

static_assert(std::is_same_v<std::variant_alternative_t<1, Value>, int64_t> &&
              std::is_same_v<std::variant_alternative_t<2, Value>, uint64_t> &&
              std::is_same_v<std::variant_alternative_t<3, Value>, double> &&
              std::is_same_v<std::variant_alternative_t<4, Value>, bool> &&
              std::is_same_v<std::variant_alternative_t<5, Value>, std::string>);

size_t EncodedCellSize(const TableWrite& write, const CellValue& cell) {
  switch (cell.type) {
    case TypeId::kDictionary:
    case TypeId::kString:
      return 1 + sizeof(uint32_t) + cell.str.length;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
      return 1 + 8;
    case TypeId::kBool:
      return 1 + sizeof(bool);
    default:
      return 1;
  }
  (void)write;
}

char* EncodeCell(const TableWrite& write, const CellValue& cell, char* out) {
  // The type bytes are the Value alternatives' indexes, as AppendEncodedValue writes them.
  auto put = [&out](char index, const void* payload, size_t size) {
    *out++ = index;
    std::memcpy(out, payload, size);
    out += size;
  };
  switch (cell.type) {
    case TypeId::kDictionary:
    case TypeId::kString: {
      const uint32_t length = cell.str.length;
      put(5, &length, sizeof(length));
      std::memcpy(out, write.string_heap.data() + cell.str.offset, length);
      return out + length;
    }
    case TypeId::kInt64:
      put(1, &cell.i64, sizeof(cell.i64));
      return out;
    case TypeId::kUInt64:
      put(2, &cell.u64, sizeof(cell.u64));
      return out;
    case TypeId::kFloat64:
      put(3, &cell.f64, sizeof(cell.f64));
      return out;
    case TypeId::kBool:
      put(4, &cell.b, sizeof(cell.b));
      return out;
    default:
      *out++ = 0;
      return out;
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
