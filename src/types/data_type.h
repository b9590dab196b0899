// The logical data types of strata's columnar core. Every column of every table, buffer chunk,
// Parquet file and query result has one of these types.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata {

// A column's type. Timestamps are nanoseconds since the Unix epoch (UTC) in an int64.
// kDictionary is a string column stored as int32 codes into a dictionary (used for tags).
enum class TypeId : uint8_t {
  kBool = 0,
  kInt64 = 1,
  kUInt64 = 2,
  kFloat64 = 3,
  kString = 4,
  kDictionary = 5,
  kTimestamp = 6,
};

inline constexpr int kNumTypeIds = 7;

// Returns the SQL-ish name of a type ("int64", "timestamp(ns)", "dictionary(string)").
std::string_view TypeName(TypeId type);

// True for the types whose values are strings (plain or dictionary-encoded).
constexpr bool IsStringType(TypeId type) {
  return type == TypeId::kString || type == TypeId::kDictionary;
}

// The number of bytes one value occupies in a column's value buffer (a StringRef for kString,
// an int32 code for kDictionary, a byte for kBool).
int FixedWidth(TypeId type);

}  // namespace strata
