// Calendar arithmetic on nanosecond timestamps (UTC, proleptic Gregorian, no leap seconds), shared
// by casts, timestamp +/- interval, and the time functions (date_trunc, date_bin, date_part).
#pragma once

#include <cstdint>
#include <optional>

#include "types/data_type.h"

namespace strata::exec {

inline constexpr int64_t kNanosPerMicro = 1'000;
inline constexpr int64_t kNanosPerMilli = 1'000'000;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
inline constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
inline constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// A timestamp split into its date and the nanoseconds since that day's midnight.
struct CivilTime {
  CivilDate date;
  int64_t nanos_of_day;  // [0, kNanosPerDay)
};

// Division rounding toward negative infinity (times before 1970 belong to the earlier bin).
// REQUIRES: b > 0.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
// In [0, b); computed from the remainder so that a near INT64_MIN cannot overflow.
constexpr int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// Days since 1970-01-01 of a civil date (month 1..12; day may exceed the month's length, which
// then rolls into the next month).
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);
CivilTime SplitTimestamp(int64_t nanos);
int DaysInMonth(int64_t year, int month);

// Timestamp from a date and time of day; nullopt when it is outside the int64 nanosecond range.
std::optional<int64_t> MakeTimestamp(const CivilDate& date, int64_t nanos_of_day);

// `nanos` plus `months` calendar months, clamping the day to the target month's length
// (2016-01-31 + 1 month = 2016-02-29, as PostgreSQL). nullopt on overflow.
std::optional<int64_t> AddMonths(int64_t nanos, int64_t months);

// `nanos` + interval (months first, then days, then nanoseconds, as PostgreSQL); nullopt on
// overflow. Subtraction passes the negated interval.
std::optional<int64_t> AddInterval(int64_t nanos, const Interval& interval);

}  // namespace strata::exec
