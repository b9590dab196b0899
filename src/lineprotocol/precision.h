// Timestamp precision of line protocol writes: the `precision` query parameter of the InfluxDB
// v1/v2/v3 write APIs, InfluxDB 3's magnitude rule for `auto`, and the checked conversion of a
// written timestamp to nanoseconds.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::lineprotocol {

// The unit of the timestamps in a write request. kAuto guesses the unit of each timestamp from
// its magnitude (InfluxDB 3's rule, see GuessPrecision). kMinute and kHour exist because the
// InfluxDB v1 write API accepts them ("m", "h").
enum class Precision { kAuto, kNanosecond, kMicrosecond, kMillisecond, kSecond, kMinute, kHour };

// Parses a `precision` query parameter. Accepts InfluxDB's spellings: "auto", "ns" "n"
// "nanosecond", "us" "u" "microsecond", "ms" "millisecond", "s" "second", and v1's "m" (minute)
// and "h" (hour). Anything else is InvalidArgument naming the value and the accepted ones.
absl::StatusOr<Precision> ParsePrecision(std::string_view text);

// Returns InfluxDB's name of a precision as printed in error messages ("Auto", "Second", ...).
std::string_view PrecisionName(Precision precision);

// Returns the number of nanoseconds in one unit of `precision`; 1 for kAuto and kNanosecond.
constexpr int64_t NanosecondsPerUnit(Precision precision) {
  switch (precision) {
    case Precision::kAuto:
    case Precision::kNanosecond:
      return 1;
    case Precision::kMicrosecond:
      return 1'000;
    case Precision::kMillisecond:
      return 1'000'000;
    case Precision::kSecond:
      return 1'000'000'000;
    case Precision::kMinute:
      return 60 * int64_t{1'000'000'000};
    case Precision::kHour:
      return 3600 * int64_t{1'000'000'000};
  }
  return 1;
}

// InfluxDB 3's `auto` rule: with q = |timestamp| / 1e9 (integer division), q < 5 means seconds,
// q < 5,000 milliseconds, q < 5,000,000 microseconds, anything larger nanoseconds. Never returns
// kAuto. Works for every int64, including INT64_MIN.
constexpr Precision GuessPrecision(int64_t timestamp) {
  // The magnitude as unsigned, so that INT64_MIN has one.
  const uint64_t magnitude = timestamp < 0 ? uint64_t{0} - static_cast<uint64_t>(timestamp)
                                           : static_cast<uint64_t>(timestamp);
  const uint64_t seconds_if_ns = magnitude / 1'000'000'000;
  if (seconds_if_ns < 5) {
    return Precision::kSecond;
  }
  if (seconds_if_ns < 5'000) {
    return Precision::kMillisecond;
  }
  if (seconds_if_ns < 5'000'000) {
    return Precision::kMicrosecond;
  }
  return Precision::kNanosecond;
}

// Converts a timestamp written in `precision` (kAuto: guessed per value) to nanoseconds. Returns
// false, leaving *time_ns unspecified, when the result does not fit in an int64.
inline bool TimestampToNanoseconds(int64_t timestamp, Precision precision, int64_t* time_ns) {
  if (precision == Precision::kAuto) {
    precision = GuessPrecision(timestamp);
  }
  return !__builtin_mul_overflow(timestamp, NanosecondsPerUnit(precision), time_ns);
}

// Truncates a server clock time in nanoseconds towards zero to a multiple of the precision's
// unit, as InfluxDB does for the default time of lines without a timestamp. kAuto and
// kNanosecond leave it as is.
int64_t TruncateToPrecision(int64_t time_ns, Precision precision);

}  // namespace strata::lineprotocol
