// Text forms of query values: parsing timestamps and intervals, printing floats, timestamps and
// intervals. Kept apart from the cast kernels (cast.cc) that loop over columns.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/civil_time.h"
#include "exec/expr/cast.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads exactly `digits` decimal digits at s[*pos].
bool ReadFixedDigits(std::string_view s, size_t* pos, int digits, int* value) {
  if (*pos + static_cast<size_t>(digits) > s.size()) {
    return false;
  }
  int v = 0;
  for (int i = 0; i < digits; ++i) {
    char c = s[*pos + static_cast<size_t>(i)];
    if (!IsDigit(c)) {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(digits);
  *value = v;
  return true;
}

bool Consume(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  const std::string_view s = TrimSpaces(text);
  size_t pos = 0;
  int year;
  int month;
  int day;
  if (!ReadFixedDigits(s, &pos, 4, &year) || !Consume(s, &pos, '-') ||
      !ReadFixedDigits(s, &pos, 2, &month) || !Consume(s, &pos, '-') ||
      !ReadFixedDigits(s, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  int64_t nanos_of_day = 0;
  int64_t offset_nanos = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
      return std::nullopt;
    }
    ++pos;
    int hour;
    int minute;
    int second = 0;
    if (!ReadFixedDigits(s, &pos, 2, &hour) || !Consume(s, &pos, ':') ||
        !ReadFixedDigits(s, &pos, 2, &minute)) {
      return std::nullopt;
    }
    if (Consume(s, &pos, ':') && !ReadFixedDigits(s, &pos, 2, &second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return std::nullopt;
    }
    int64_t fraction = 0;
    if (Consume(s, &pos, '.')) {
      int digits = 0;
      while (pos < s.size() && IsDigit(s[pos])) {
        if (digits < 9) {
          fraction = fraction * 10 + (s[pos] - '0');
        }
        ++digits;
        ++pos;
      }
      if (digits == 0) {
        return std::nullopt;
      }
      for (int i = digits; i < 9; ++i) {
        fraction *= 10;
      }
    }
    nanos_of_day =
        hour * kNanosPerHour + minute * kNanosPerMinute + second * kNanosPerSecond + fraction;
    if (pos < s.size() && s[pos] == ' ') {
      ++pos;  // `2016-01-01 00:00:00 +02:00`
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        const bool negative = s[pos] == '-';
        ++pos;
        int offset_hours;
        int offset_minutes = 0;
        if (!ReadFixedDigits(s, &pos, 2, &offset_hours)) {
          return std::nullopt;
        }
        if (pos < s.size()) {
          Consume(s, &pos, ':');
          if (!ReadFixedDigits(s, &pos, 2, &offset_minutes)) {
            return std::nullopt;
          }
        }
        if (offset_hours > 23 || offset_minutes > 59) {
          return std::nullopt;
        }
        offset_nanos = offset_hours * kNanosPerHour + offset_minutes * kNanosPerMinute;
        if (negative) {
          offset_nanos = -offset_nanos;
        }
      }
    }
    if (pos != s.size()) {
      return std::nullopt;
    }
  }
  std::optional<int64_t> local = MakeTimestamp({year, month, day}, nanos_of_day);
  int64_t result;
  if (!local.has_value() || __builtin_sub_overflow(*local, offset_nanos, &result)) {
    return std::nullopt;
  }
  return result;
}

namespace {

enum class IntervalUnit { kYear, kMonth, kWeek, kDay, kNanos };

struct UnitSpec {
  std::string_view name;
  IntervalUnit unit;
  int64_t nanos;  // for kNanos
};

constexpr UnitSpec kIntervalUnits[] = {
    {"century", IntervalUnit::kYear, 100},
    {"centuries", IntervalUnit::kYear, 100},
    {"decade", IntervalUnit::kYear, 10},
    {"decades", IntervalUnit::kYear, 10},
    {"year", IntervalUnit::kYear, 1},
    {"years", IntervalUnit::kYear, 1},
    {"y", IntervalUnit::kYear, 1},
    {"month", IntervalUnit::kMonth, 1},
    {"months", IntervalUnit::kMonth, 1},
    {"mon", IntervalUnit::kMonth, 1},
    {"mons", IntervalUnit::kMonth, 1},
    {"week", IntervalUnit::kWeek, 1},
    {"weeks", IntervalUnit::kWeek, 1},
    {"w", IntervalUnit::kWeek, 1},
    {"day", IntervalUnit::kDay, 1},
    {"days", IntervalUnit::kDay, 1},
    {"d", IntervalUnit::kDay, 1},
    {"hour", IntervalUnit::kNanos, kNanosPerHour},
    {"hours", IntervalUnit::kNanos, kNanosPerHour},
    {"h", IntervalUnit::kNanos, kNanosPerHour},
    {"minute", IntervalUnit::kNanos, kNanosPerMinute},
    {"minutes", IntervalUnit::kNanos, kNanosPerMinute},
    {"min", IntervalUnit::kNanos, kNanosPerMinute},
    {"mins", IntervalUnit::kNanos, kNanosPerMinute},
    {"m", IntervalUnit::kNanos, kNanosPerMinute},
    {"second", IntervalUnit::kNanos, kNanosPerSecond},
    {"seconds", IntervalUnit::kNanos, kNanosPerSecond},
    {"sec", IntervalUnit::kNanos, kNanosPerSecond},
    {"secs", IntervalUnit::kNanos, kNanosPerSecond},
    {"s", IntervalUnit::kNanos, kNanosPerSecond},
    {"millisecond", IntervalUnit::kNanos, kNanosPerMilli},
    {"milliseconds", IntervalUnit::kNanos, kNanosPerMilli},
    {"ms", IntervalUnit::kNanos, kNanosPerMilli},
    {"microsecond", IntervalUnit::kNanos, kNanosPerMicro},
    {"microseconds", IntervalUnit::kNanos, kNanosPerMicro},
    {"us", IntervalUnit::kNanos, kNanosPerMicro},
    {"nanosecond", IntervalUnit::kNanos, 1},
    {"nanoseconds", IntervalUnit::kNanos, 1},
    {"ns", IntervalUnit::kNanos, 1},
};

// Adds whole * scale + round(fraction * scale) to *total; false on overflow.
bool AddScaled(int64_t whole, double fraction, int64_t scale, int64_t* total) {
  int64_t product;
  if (__builtin_mul_overflow(whole, scale, &product) ||
      __builtin_add_overflow(*total, product, total)) {
    return false;
  }
  const double extra = std::round(fraction * static_cast<double>(scale));
  if (std::abs(extra) > 9e18) {
    return false;
  }
  return !__builtin_add_overflow(*total, static_cast<int64_t>(extra), total);
}

}  // namespace

std::optional<Interval> ParseInterval(std::string_view text) {
  std::string lower(TrimSpaces(text));
  for (char& c : lower) {
    c = ToLowerAscii(c);
  }
  const std::string_view s = lower;
  if (s.empty()) {
    return std::nullopt;
  }
  int64_t months = 0;
  int64_t days = 0;
  int64_t nanos = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    if (pos == s.size()) {
      break;
    }
    // The amount: [+-]digits[.digits]
    bool negative = false;
    if (s[pos] == '+' || s[pos] == '-') {
      negative = s[pos] == '-';
      ++pos;
    }
    const size_t digits_start = pos;
    int64_t whole = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (__builtin_mul_overflow(whole, 10, &whole) ||
          __builtin_add_overflow(whole, s[pos] - '0', &whole)) {
        return std::nullopt;
      }
      ++pos;
    }
    double fraction = 0;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      double scale = 0.1;
      while (pos < s.size() && IsDigit(s[pos])) {
        fraction += scale * (s[pos] - '0');
        scale /= 10;
        ++pos;
      }
    }
    if (pos == digits_start || (pos == digits_start + 1 && s[digits_start] == '.')) {
      return std::nullopt;
    }
    if (negative) {
      whole = -whole;
      fraction = -fraction;
    }
    while (pos < s.size() && s[pos] == ' ') {
      ++pos;
    }
    const size_t unit_start = pos;
    while (pos < s.size() && s[pos] >= 'a' && s[pos] <= 'z') {
      ++pos;
    }
    const std::string_view unit_name = s.substr(unit_start, pos - unit_start);
    const UnitSpec* spec = nullptr;
    static constexpr UnitSpec kSeconds = {"", IntervalUnit::kNanos, kNanosPerSecond};
    if (unit_name.empty()) {
      spec = &kSeconds;  // a bare number counts seconds
    } else {
      for (const UnitSpec& candidate : kIntervalUnits) {
        if (candidate.name == unit_name) {
          spec = &candidate;
          break;
        }
      }
    }
    if (spec == nullptr) {
      return std::nullopt;
    }
    bool ok = true;
    switch (spec->unit) {
      case IntervalUnit::kYear: {
        const double total_months =
            (static_cast<double>(whole) + fraction) * 12.0 * static_cast<double>(spec->nanos);
        const double month_whole = std::trunc(total_months);
        ok = std::abs(month_whole) < 1e12 &&
             AddScaled(static_cast<int64_t>(month_whole), 0, 1, &months) &&
             AddScaled(0, total_months - month_whole, 30, &days);
        break;
      }
      case IntervalUnit::kMonth:
        ok = AddScaled(whole, 0, 1, &months);
        if (ok && fraction != 0) {
          const double day_amount = fraction * 30;
          const double day_whole = std::trunc(day_amount);
          ok = AddScaled(static_cast<int64_t>(day_whole), 0, 1, &days) &&
               AddScaled(0, day_amount - day_whole, kNanosPerDay, &nanos);
        }
        break;
      case IntervalUnit::kWeek:
        ok = AddScaled(whole, 0, 7, &days);
        if (ok && fraction != 0) {
          const double day_amount = fraction * 7;
          const double day_whole = std::trunc(day_amount);
          ok = AddScaled(static_cast<int64_t>(day_whole), 0, 1, &days) &&
               AddScaled(0, day_amount - day_whole, kNanosPerDay, &nanos);
        }
        break;
      case IntervalUnit::kDay:
        ok = AddScaled(whole, 0, 1, &days) && AddScaled(0, fraction, kNanosPerDay, &nanos);
        break;
      case IntervalUnit::kNanos:
        ok = AddScaled(whole, fraction, spec->nanos, &nanos);
        break;
    }
    if (!ok) {
      return std::nullopt;
    }
    if (unit_name.empty() && pos != s.size()) {
      return std::nullopt;
    }
  }
  if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX) {
    return std::nullopt;
  }
  return Interval{static_cast<int32_t>(months), static_cast<int32_t>(days), nanos};
}

std::string FormatFloat64(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "Infinity" : "-Infinity";
  }
  char buffer[64];
  auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view sci(buffer, static_cast<size_t>(result.ptr - buffer));
  // sci is [-]d[.ddd]e[+-]xx
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') {
      digits += c;
    }
  }
  const int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exponent < -4 || exponent >= 15) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    fmt::format_to(
        std::back_inserter(out), "e{}{:02}", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return out;
  }
  const auto integer_digits = static_cast<size_t>(exponent + 1);
  if (digits.size() <= integer_digits) {
    out += digits;
    out.append(integer_digits - digits.size(), '0');
    return out;
  }
  out.append(digits, 0, integer_digits);
  out += '.';
  out.append(digits, integer_digits);
  return out;
}

std::string FormatTimestampText(int64_t nanos) {
  return FormatIso8601(nanos, SecondFraction::kMillisMicrosOrNanos);
}

std::string FormatIntervalText(const Interval& value) {
  std::string out;
  auto add = [&out](int64_t n, std::string_view singular, std::string_view plural) {
    if (n == 0) {
      return;
    }
    if (!out.empty()) {
      out += ' ';
    }
    fmt::format_to(std::back_inserter(out), "{} {}", n, n == 1 ? singular : plural);
  };
  add(value.months / 12, "year", "years");
  add(value.months % 12, "mon", "mons");
  add(value.days, "day", "days");
  if (value.nanos != 0 || out.empty()) {
    if (!out.empty()) {
      out += ' ';
    }
    // |INT64_MIN| does not fit an int64; the unsigned magnitude does.
    uint64_t magnitude = value.nanos < 0 ? 0 - static_cast<uint64_t>(value.nanos)
                                         : static_cast<uint64_t>(value.nanos);
    if (value.nanos < 0) {
      out += '-';
    }
    const uint64_t seconds = magnitude / kNanosPerSecond;
    const uint64_t fraction = magnitude % kNanosPerSecond;
    fmt::format_to(std::back_inserter(out),
                   "{:02}:{:02}:{:02}",
                   seconds / 3600,
                   seconds / 60 % 60,
                   seconds % 60);
    if (fraction != 0) {
      std::string digits = fmt::format("{:09}", fraction);
      digits.erase(digits.find_last_not_of('0') + 1);
      out += '.';
      out += digits;
    }
  }
  return out;
}

}  // namespace strata::exec
