// InfluxQL duration literals: `10s`, `1h30m`, `5µ`. A duration is an int64 count of nanoseconds,
// the unit of InfluxDB timestamps, so durations add to and compare with times directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::influxql {

inline constexpr int64_t kNanosecond = 1;
inline constexpr int64_t kMicrosecond = 1000 * kNanosecond;
inline constexpr int64_t kMillisecond = 1000 * kMicrosecond;
inline constexpr int64_t kSecond = 1000 * kMillisecond;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;
inline constexpr int64_t kWeek = 7 * kDay;

// Parses a duration: an optional '-', then one or more `<digits><unit>` parts whose values add
// up, with units ns (nanoseconds), u or µ (microseconds), ms, s, m (minutes), h, d (days) and
// w (weeks): "1h30m" is 5400000000000. A total beyond int64 (about 292 years) is an error, not
// a wrap-around as in InfluxDB 1.8. Errors are InvalidArgument without a position (the parser
// adds it): "invalid duration 1x: ..." or "duration 1000000w is out of range ...".
absl::StatusOr<int64_t> ParseDuration(std::string_view text);

// Formats nanoseconds as InfluxQL does: in the largest unit that divides the value exactly (w, d,
// h, m, s, ms, u, ns), "0s" for zero, with a '-' when negative: 5400000000000 is "90m".
// ParseDuration(FormatDuration(d)) == d for every d but INT64_MIN.
std::string FormatDuration(int64_t nanoseconds);

}  // namespace strata::influxql
