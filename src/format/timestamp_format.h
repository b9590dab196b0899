// Timestamp text as InfluxDB 3 prints it in query results: arrow's display of a timestamp column
// without a time zone, which is chrono's NaiveDateTime debug format, `2016-01-01T00:00:00` plus
// a fraction only when it is non-zero, in 3, 6 or 9 digits (`.500`, `.123456`, `.000000001`).
// The same text appears in JSON, CSV and pretty output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace strata::format {

// The longest text WriteTimestamp produces: every int64 nanosecond timestamp falls between
// 1677-09-21T00:12:43.145224192 and 2262-04-11T23:47:16.854775807, so the year has 4 digits.
inline constexpr size_t kMaxTimestampLength = 29;

// Writes `nanos` (nanoseconds since the Unix epoch, UTC; negative is before 1970) and returns one
// past the last byte written. REQUIRES: `out` has room for kMaxTimestampLength bytes.
char* WriteTimestamp(int64_t nanos, char* out);

// Appends the text of `nanos` to `*out`.
void AppendTimestamp(int64_t nanos, std::string* out);

// Returns the text of `nanos`, e.g. FormatTimestamp(1451606400500000000) is
// "2016-01-01T00:00:00.500".
std::string FormatTimestamp(int64_t nanos);

}  // namespace strata::format
