// Civil-time conversion after Howard Hinnant's days_from_civil/civil_from_days algorithms
// (proleptic Gregorian calendar, no time zones, no leap seconds), with two-digit table writes.
#include "format/timestamp_format.h"

namespace strata::format {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

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

struct CivilDate {
  int64_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
};

// The date `days` days after 1970-01-01.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // shift the epoch to 0000-03-01, the start of a 400-year era
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<uint32_t>(days - era * 146097);  // [0, 146096]
  const uint32_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) /
      365;  // [0, 399]
  const uint32_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const uint32_t month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11], March is 0
  const uint32_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const uint32_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

}  // namespace

char* WriteTimestamp(int64_t nanos, char* out) {
  // Floor division, so times before 1970 count back from the second that precedes them.
  int64_t seconds = nanos / kNanosPerSecond;
  int64_t fraction = nanos % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);

  // The int64 range keeps the year within 1677..2262, so it always has exactly four digits.
  out = WriteDigits(static_cast<uint32_t>(date.year), 4, out);
  *out++ = '-';
  out = WriteTwoDigits(date.month, out);
  *out++ = '-';
  out = WriteTwoDigits(date.day, out);
  *out++ = 'T';
  const auto sod = static_cast<uint32_t>(second_of_day);
  out = WriteTwoDigits(sod / 3600, out);
  *out++ = ':';
  out = WriteTwoDigits(sod / 60 % 60, out);
  *out++ = ':';
  out = WriteTwoDigits(sod % 60, out);

  // chrono prints the shortest of milli-, micro- and nanosecond precision that is exact.
  const auto frac = static_cast<uint32_t>(fraction);
  if (frac == 0) {
    return out;
  }
  *out++ = '.';
  if (frac % 1'000'000 == 0) {
    return WriteDigits(frac / 1'000'000, 3, out);
  }
  if (frac % 1'000 == 0) {
    return WriteDigits(frac / 1'000, 6, out);
  }
  return WriteDigits(frac, 9, out);
}

void AppendTimestamp(int64_t nanos, std::string* out) {
  char buffer[kMaxTimestampLength];
  const char* end = WriteTimestamp(nanos, buffer);
  out->append(buffer, static_cast<size_t>(end - buffer));
}

std::string FormatTimestamp(int64_t nanos) {
  std::string text;
  AppendTimestamp(nanos, &text);
  return text;
}

}  // namespace strata::format
