// How strata's column types and Parquet's physical and logical types map onto each other, and
// statistics values (Statistics.min_value, ColumnIndex bounds) decoded into strata's types. Used
// by the file writer (one Parquet type per strata type) and the file reader (many Parquet
// types onto a few strata types; docs/parquet.md lists them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/statusor.h"
#include "columnar/schema.h"
#include "parquet/metadata.h"
#include "types/data_type.h"

namespace strata::parquet {

// A statistics value in the strata type of its column: int64_t for kInt64 and kTimestamp
// (nanoseconds), uint64_t for kUInt64, double for kFloat64, bool for kBool, std::string for
// kString and kDictionary.
using Value = std::variant<int64_t, uint64_t, double, bool, std::string>;

// The schema leaf the writer emits for `field` (its type, logical and converted types, and
// OPTIONAL or REQUIRED from field.nullable); `adjusted_to_utc` is the isAdjustedToUTC flag of a
// kTimestamp. REQUIRES: IsStorageType(field.type) or field.type == kNull (an OPTIONAL INT32
// UNKNOWN leaf).
SchemaElement LeafForField(const Field& field, bool adjusted_to_utc = true);

// What a reader does to a leaf's physical values to get strata values.
enum class Conversion : uint8_t {
  kNone,             // BOOLEAN, INT64 (signed or unsigned), DOUBLE, BYTE_ARRAY
  kInt32,            // INT32 widened with sign to int64
  kUInt32,           // INT32 read as uint32 and widened to uint64
  kFloat,            // FLOAT widened to double
  kTimestampMillis,  // INT64 milliseconds to nanoseconds (overflow is an error)
  kTimestampMicros,  // INT64 microseconds to nanoseconds
  kDate,             // INT32 days since the epoch to nanoseconds at midnight UTC
};

// A leaf's strata type and how its physical values become that type's values.
struct LeafMapping {
  Type physical = Type::kBoolean;
  TypeId type = TypeId::kInt64;  // kString for strings; the reader may return kDictionary
  Conversion conversion = Conversion::kNone;
};

// The strata type of a primitive leaf: kNull for the UNKNOWN logical type (a column that is
// always null; its values are never read). Unimplemented, naming the Parquet type, for leaves
// strata cannot represent: DECIMAL, TIME, INT96, FIXED_LEN_BYTE_ARRAY, FLOAT16, BSON, UUID,
// INTERVAL, INT32/INT64 annotated as something else.
absl::StatusOr<LeafMapping> MapLeaf(const SchemaElement& leaf);

// A description of a leaf's Parquet type for messages: "INT64 TIMESTAMP(NANOS, UTC)",
// "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38, 2)".
std::string DescribeLeafType(const SchemaElement& leaf);

// Converts one physical INT64 value (already read as int64) per `conversion` into strata's
// representation: timestamps scaled to nanoseconds. False if the result does not fit.
bool ConvertInt64(Conversion conversion, int64_t* value);

// Decodes a PLAIN-encoded statistics value (no length prefix) of a leaf with `mapping`.
// nullopt for bytes of the wrong size, a NaN, or a value that does not fit strata's type; a
// caller then has no bound, which is always safe.
std::optional<Value> DecodeStatisticsValue(std::string_view bytes, const LeafMapping& mapping);

// Compares two values of the same alternative: negative, zero or positive. Strings compare as
// unsigned bytes, uint64 as unsigned, doubles numerically (-0.0 == 0.0). A mismatch of
// alternatives compares equal (callers use the result only to exclude).
int CompareValues(const Value& a, const Value& b);

// The alternative of Value that holds values of `type` (0 int64, 1 uint64, 2 double, 3 bool,
// 4 string).
size_t ValueIndexForType(TypeId type);

// "42", "\"abc\"", "1.5": a value for messages and tests.
std::string ValueToString(const Value& value);

}  // namespace strata::parquet
