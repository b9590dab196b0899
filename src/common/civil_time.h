// Civil (calendar) time of nanosecond timestamps: the proleptic Gregorian calendar in UTC without
// leap seconds, after Howard Hinnant's days_from_civil/civil_from_days algorithms, and the ISO 8601
// text of a timestamp. The one implementation behind timestamp casts and time functions (exec),
// query result text (format) and the SQL test runner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace strata {

inline constexpr int64_t kNanosPerMicro = 1'000;
inline constexpr int64_t kNanosPerMilli = 1'000'000;
inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
inline constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
inline constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

// A day of the proleptic Gregorian calendar; year 0 is 1 BC, -1 is 2 BC (astronomical numbering).
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

// Division rounding toward negative infinity (times before 1970 belong to the earlier day or bin).
// REQUIRES: b > 0.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// In [0, b); computed from the remainder so that `a` near INT64_MIN cannot overflow.
// REQUIRES: b > 0.
constexpr int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// Whether `year` has a February 29th: divisible by 4, except centuries not divisible by 400.
constexpr bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// The number of days of `month` (1..12) in `year`.
int DaysInMonth(int64_t year, int month);

// Days since 1970-01-01 of a civil date (negative before it). `month` is 1..12; `day` may exceed
// the month's length (or be below 1), which then rolls into the next (or previous) month.
// REQUIRES: |year| small enough that year * 366 does not overflow (any year within +-10^15).
int64_t DaysFromCivil(int64_t year, int month, int day);

// The civil date `days` days after 1970-01-01 (before it when negative). Exact for every int64
// whose era arithmetic does not overflow, which covers every day of an int64 nanosecond timestamp.
CivilDate CivilFromDays(int64_t days);

// `nanos` (nanoseconds since the Unix epoch, UTC) as its date and time of day.
CivilTime SplitTimestamp(int64_t nanos);

// Nanoseconds since the epoch of a date and time of day; nullopt when that is outside the int64
// nanosecond range (1677-09-21 to 2262-04-11). `date` may have an out-of-range day, as for
// DaysFromCivil.
std::optional<int64_t> MakeTimestamp(const CivilDate& date, int64_t nanos_of_day);

// `nanos` plus `months` calendar months (negative: minus), clamping the day to the target month's
// length (2016-01-31 + 1 month = 2016-02-29, as PostgreSQL). nullopt on overflow.
std::optional<int64_t> AddMonths(int64_t nanos, int64_t months);

// How the fraction of a second is written after `.`; nothing is written for whole seconds.
enum class SecondFraction : uint8_t {
  // The shortest of 3, 6 or 9 digits that is exact (`.500`, `.123456`, `.000000001`): chrono's
  // NaiveDateTime display, which InfluxDB 3 uses for query results.
  kMillisMicrosOrNanos,
  // Nine digits without their trailing zeros (`.5`, `.123456`, `.000000001`): PostgreSQL's style.
  kTrimmed,
};

// The longest text WriteIso8601 produces: every int64 nanosecond timestamp falls between
// 1677-09-21T00:12:43.145224192 and 2262-04-11T23:47:16.854775807, so the year has 4 digits.
inline constexpr size_t kMaxIso8601Length = 29;

// Writes `nanos` as `YYYY-MM-DDTHH:MM:SS` plus the fraction (no time zone) and returns one past the
// last byte written. REQUIRES: `out` has room for kMaxIso8601Length bytes.
char* WriteIso8601(int64_t nanos, SecondFraction fraction, char* out);

// The text WriteIso8601 writes, e.g. FormatIso8601(1451606400500000000, kTrimmed) is
// "2016-01-01T00:00:00.5".
std::string FormatIso8601(int64_t nanos, SecondFraction fraction);

}  // namespace strata
