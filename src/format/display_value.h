// The display text of a non-string value, as arrow-cast's ArrayFormatter prints it with default
// options; InfluxDB's CSV and pretty outputs are made of it: integers in decimal, booleans as
// true/false, float64 as FloatNotation::kDisplay, timestamps as FormatTimestamp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "columnar/column.h"

namespace strata::format {

// The room WriteDisplayValue needs (as for WriteFloat, more than the longest text, 29 bytes).
inline constexpr size_t kMaxDisplayValueLength = 40;

// Writes the value at `row` of `column` and returns one past the last byte written.
// REQUIRES: the value is not null; the column is kBool, kInt64, kUInt64, kFloat64 or kTimestamp;
// `out` has room for kMaxDisplayValueLength bytes.
char* WriteDisplayValue(const Column& column, int64_t row, char* out);

}  // namespace strata::format
