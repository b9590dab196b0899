// Civil-time conversion after Howard Hinnant's days_from_civil/civil_from_days algorithms
// (http://howardhinnant.github.io/date_algorithms.html): days are counted from 0000-03-01, so that
// February 29th ends a year, in 400-year eras of 146097 days.
#include "common/civil_time.h"

#include <algorithm>
#include <limits>

namespace strata {
namespace {

// Days from 0000-03-01 to 1970-01-01.
constexpr int64_t kEpochShift = 719468;
constexpr int64_t kDaysPerEra = 146097;

constexpr char kTwoDigits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char* WriteTwoDigits(uint32_t value, char* out) {
  out[0] = kTwoDigits[2 * value];
  out[1] = kTwoDigits[2 * value + 1];
  return out + 2;
}

// Writes the low `digits` decimal digits of `value`, zero-padded.
char* WriteDigits(uint32_t value, int digits, char* out) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + digits;
}

}  // namespace

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    return IsLeapYear(year) ? 29 : 28;
  }
  return kDays[month - 1];
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;  // [0, 399]
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * kDaysPerEra + day_of_era - kEpochShift;
}

CivilDate CivilFromDays(int64_t days) {
  days += kEpochShift;
  const int64_t era = (days >= 0 ? days : days - (kDaysPerEra - 1)) / kDaysPerEra;
  // Within an era everything fits 32 bits, which the formatting hot path appreciates.
  const auto day_of_era = static_cast<uint32_t>(days - era * kDaysPerEra);  // [0, 146096]
  const uint32_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) /
      365;  // [0, 399]
  const uint32_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const uint32_t month_from_march = (5 * day_of_year + 2) / 153;               // [0, 11]
  const auto day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const auto month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

CivilTime SplitTimestamp(int64_t nanos) {
  return {CivilFromDays(FloorDiv(nanos, kNanosPerDay)), FloorMod(nanos, kNanosPerDay)};
}

std::optional<int64_t> MakeTimestamp(const CivilDate& date, int64_t nanos_of_day) {
  // Years far outside 1677..2262 would overflow the day count multiplication below.
  if (date.year < -300000 || date.year > 300000) {
    return std::nullopt;
  }
  // In 128 bits: the first day of the range, 1677-09-21, starts before INT64_MIN.
  const __int128 result =
      static_cast<__int128>(DaysFromCivil(date.year, date.month, date.day)) * kNanosPerDay +
      nanos_of_day;
  if (result < std::numeric_limits<int64_t>::min() ||
      result > std::numeric_limits<int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(result);
}

std::optional<int64_t> AddMonths(int64_t nanos, int64_t months) {
  if (months == 0) {
    return nanos;
  }
  // Far more months than the int64 nanosecond range spans (about 7000) overflow in any case.
  if (months < -1'000'000 || months > 1'000'000) {
    return std::nullopt;
  }
  const CivilTime t = SplitTimestamp(nanos);
  const int64_t month_index = t.date.year * 12 + (t.date.month - 1) + months;
  const int64_t year = FloorDiv(month_index, 12);
  const int month = static_cast<int>(FloorMod(month_index, 12)) + 1;
  const int day = std::min(t.date.day, DaysInMonth(year, month));
  return MakeTimestamp({year, month, day}, t.nanos_of_day);
}

char* WriteIso8601(int64_t nanos, SecondFraction fraction, char* out) {
  const CivilTime t = SplitTimestamp(nanos);
  // The int64 range keeps the year within 1677..2262, so it always has exactly four digits.
  out = WriteDigits(static_cast<uint32_t>(t.date.year), 4, out);
  *out++ = '-';
  out = WriteTwoDigits(static_cast<uint32_t>(t.date.month), out);
  *out++ = '-';
  out = WriteTwoDigits(static_cast<uint32_t>(t.date.day), out);
  *out++ = 'T';
  const auto second_of_day = static_cast<uint32_t>(t.nanos_of_day / kNanosPerSecond);
  out = WriteTwoDigits(second_of_day / 3600, out);
  *out++ = ':';
  out = WriteTwoDigits(second_of_day / 60 % 60, out);
  *out++ = ':';
  out = WriteTwoDigits(second_of_day % 60, out);

  auto nanos_of_second = static_cast<uint32_t>(t.nanos_of_day % kNanosPerSecond);
  if (nanos_of_second == 0) {
    return out;
  }
  *out++ = '.';
  switch (fraction) {
    case SecondFraction::kMillisMicrosOrNanos:
      if (nanos_of_second % 1'000'000 == 0) {
        return WriteDigits(nanos_of_second / 1'000'000, 3, out);
      }
      if (nanos_of_second % 1'000 == 0) {
        return WriteDigits(nanos_of_second / 1'000, 6, out);
      }
      return WriteDigits(nanos_of_second, 9, out);
    case SecondFraction::kTrimmed: {
      int digits = 9;
      while (nanos_of_second % 10 == 0) {
        nanos_of_second /= 10;
        --digits;
      }
      return WriteDigits(nanos_of_second, digits, out);
    }
  }
  return out;
}

std::string FormatIso8601(int64_t nanos, SecondFraction fraction) {
  char buffer[kMaxIso8601Length];
  const char* end = WriteIso8601(nanos, fraction, buffer);
  return std::string(buffer, static_cast<size_t>(end - buffer));
}

}  // namespace strata
