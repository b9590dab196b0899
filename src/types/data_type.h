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
  // Types that exist only in queries, never as a stored column (catalog, WAL, buffer, Parquet):
  // kNull is the type of an untyped NULL literal (every value null, no value buffer);
  // kInterval is a calendar interval (months, days, nanoseconds), e.g. INTERVAL '1 hour'.
  kNull = 7,
  kInterval = 8,
};

// The stored types are the TypeIds below this value (kBool ... kTimestamp).
inline constexpr int kNumTypeIds = 7;

// True for the types a table column can have.
constexpr bool IsStorageType(TypeId type) {
  return static_cast<int>(type) < kNumTypeIds;
}

// A calendar interval, the value of kInterval: months and days have no fixed length in
// nanoseconds, so they are kept apart (as PostgreSQL and Arrow's MonthDayNano do).
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t nanos = 0;

  bool operator==(const Interval&) const = default;
};

// Returns the SQL-ish name of a type ("int64", "timestamp(ns)", "dictionary(string)").
std::string_view TypeName(TypeId type);

// True for the types whose values are strings (plain or dictionary-encoded).
constexpr bool IsStringType(TypeId type) {
  return type == TypeId::kString || type == TypeId::kDictionary;
}

// The number of bytes one value occupies in a column's value buffer (a StringRef for kString,
// an int32 code for kDictionary, a byte for kBool, an Interval for kInterval, 0 for kNull).
int FixedWidth(TypeId type);

}  // namespace strata
