// Duration parsing and formatting.
#include "influxql/duration.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "fmt/format.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace {

// "µ" (U+00B5 MICRO SIGN) in UTF-8.
constexpr std::string_view kMicroSign = "\xC2\xB5";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

absl::Status InvalidDuration(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      fmt::format("invalid duration {}: {}", sql::AbbreviateForMessage(text), why));
}

absl::Status OutOfRange(std::string_view text) {
  return absl::InvalidArgumentError(fmt::format(
      "duration {} is out of range (the limit is 9223372036854775807ns, about 292 years)",
      sql::AbbreviateForMessage(text)));
}

// Returns the unit that starts at text[pos] in nanoseconds and sets *length to its length in
// bytes, or returns 0 if no unit starts there.
int64_t UnitAt(std::string_view text, size_t pos, size_t* length) {
  const std::string_view rest = text.substr(pos);
  if (rest.starts_with("ns")) {
    *length = 2;
    return kNanosecond;
  }
  if (rest.starts_with("ms")) {
    *length = 2;
    return kMillisecond;
  }
  if (rest.starts_with(kMicroSign)) {
    *length = kMicroSign.size();
    return kMicrosecond;
  }
  *length = 1;
  switch (rest.empty() ? '\0' : rest.front()) {
    case 'u':
      return kMicrosecond;
    case 's':
      return kSecond;
    case 'm':
      return kMinute;
    case 'h':
      return kHour;
    case 'd':
      return kDay;
    case 'w':
      return kWeek;
    default:
      return 0;
  }
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  const bool negative = text.starts_with('-');
  size_t pos = negative ? 1 : 0;
  if (pos == text.size()) {
    return InvalidDuration(text, "expected digits and a unit");
  }
  int64_t total = 0;
  while (pos < text.size()) {
    const size_t digits_start = pos;
    int64_t count = 0;
    bool overflow = false;
    while (pos < text.size() && IsDigit(text[pos])) {
      overflow = overflow || __builtin_mul_overflow(count, 10, &count) ||
                 __builtin_add_overflow(count, text[pos] - '0', &count);
      ++pos;
    }
    if (pos == digits_start) {
      return InvalidDuration(text, "expected digits before each unit");
    }
    size_t unit_length = 0;
    const int64_t unit = UnitAt(text, pos, &unit_length);
    if (unit == 0) {
      return InvalidDuration(text,
                             pos == text.size()
                                 ? "the number has no unit (ns, u, µ, ms, s, m, h, d or w)"
                                 : "units are ns, u, µ, ms, s, m, h, d and w");
    }
    pos += unit_length;
    int64_t part = 0;
    if (overflow || __builtin_mul_overflow(count, unit, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return OutOfRange(text);
    }
  }
  return negative ? -total : total;
}

std::string FormatDuration(int64_t nanoseconds) {
  if (nanoseconds == 0) {
    return "0s";
  }
  struct Unit {
    int64_t nanoseconds;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{kWeek, "w"},
                                    {kDay, "d"},
                                    {kHour, "h"},
                                    {kMinute, "m"},
                                    {kSecond, "s"},
                                    {kMillisecond, "ms"},
                                    {kMicrosecond, "u"}};
  for (const Unit& unit : kUnits) {
    if (nanoseconds % unit.nanoseconds == 0) {
      return fmt::format("{}{}", nanoseconds / unit.nanoseconds, unit.suffix);
    }
  }
  return fmt::format("{}ns", nanoseconds);
}

}  // namespace strata::influxql
