// Names and widths of the logical types.
#include "types/data_type.h"

#include "common/check.h"

namespace strata {

std::string_view TypeName(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kString:
      return "string";
    case TypeId::kDictionary:
      return "dictionary(string)";
    case TypeId::kTimestamp:
      return "timestamp(ns)";
    case TypeId::kNull:
      return "null";
    case TypeId::kInterval:
      return "interval";
  }
  return "unknown";
}

int FixedWidth(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kString:  // StringRef {uint32 offset, uint32 length}
      return 8;
    case TypeId::kDictionary:
      return 4;
    case TypeId::kInterval:
      return 16;
    case TypeId::kNull:
      return 0;
  }
  STRATA_CHECK(false);
}

}  // namespace strata
