// Civil-time conversion after Howard Hinnant's days_from_civil/civil_from_days algorithms.
#include "exec/expr/calendar.h"

#include <algorithm>

namespace strata::exec {

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;  // [0, 399]
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // shift the epoch to 0000-03-01, the start of a 400-year era
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

CivilTime SplitTimestamp(int64_t nanos) {
  return {CivilFromDays(FloorDiv(nanos, kNanosPerDay)), FloorMod(nanos, kNanosPerDay)};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

std::optional<int64_t> MakeTimestamp(const CivilDate& date, int64_t nanos_of_day) {
  // Years far outside 1677..2262 would overflow the day count multiplication below.
  if (date.year < -300000 || date.year > 300000) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(date.year, date.month, date.day);
  int64_t result;
  if (__builtin_mul_overflow(days, kNanosPerDay, &result) ||
      __builtin_add_overflow(result, nanos_of_day, &result)) {
    return std::nullopt;
  }
  return result;
}

std::optional<int64_t> AddMonths(int64_t nanos, int64_t months) {
  if (months == 0) {
    return nanos;
  }
  const CivilTime t = SplitTimestamp(nanos);
  const int64_t month_index = t.date.year * 12 + (t.date.month - 1) + months;
  const int64_t year = FloorDiv(month_index, 12);
  const int month = static_cast<int>(FloorMod(month_index, 12)) + 1;
  if (year < -300000 || year > 300000) {
    return std::nullopt;
  }
  const int day = std::min(t.date.day, DaysInMonth(year, month));
  return MakeTimestamp({year, month, day}, t.nanos_of_day);
}

std::optional<int64_t> AddInterval(int64_t nanos, const Interval& interval) {
  std::optional<int64_t> result = AddMonths(nanos, interval.months);
  if (!result) {
    return std::nullopt;
  }
  int64_t value = *result;
  int64_t day_nanos;
  if (__builtin_mul_overflow(int64_t{interval.days}, kNanosPerDay, &day_nanos) ||
      __builtin_add_overflow(value, day_nanos, &value) ||
      __builtin_add_overflow(value, interval.nanos, &value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace strata::exec
