// Parsing of humantime-style durations.
#include "cli/human_duration.h"

#include <cctype>
#include <string>

#include "fmt/format.h"

namespace strata::cli {
namespace {

int64_t UnitSeconds(std::string_view unit) {
  for (std::string_view s : {"s", "sec", "secs", "second", "seconds"}) {
    if (unit == s) {
      return 1;
    }
  }
  for (std::string_view m : {"m", "min", "mins", "minute", "minutes"}) {
    if (unit == m) {
      return 60;
    }
  }
  for (std::string_view h : {"h", "hr", "hrs", "hour", "hours"}) {
    if (unit == h) {
      return 3600;
    }
  }
  for (std::string_view d : {"d", "day", "days"}) {
    if (unit == d) {
      return 86400;
    }
  }
  for (std::string_view w : {"w", "week", "weeks"}) {
    if (unit == w) {
      return 7 * 86400;
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<int64_t> ParseHumanDurationSeconds(std::string_view text) {
  constexpr int64_t kLimit = int64_t{100} * 365 * 86400;
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("invalid duration '{}': {}", text, why));
  };
  size_t i = 0;
  int64_t total = 0;
  int terms = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
  };
  skip_spaces();
  while (i < text.size()) {
    size_t start = i;
    int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > kLimit) {
        return invalid("longer than 100 years");
      }
      ++i;
    }
    if (i == start) {
      return invalid("expected a number, like 10s, 1min 30sec or 4h");
    }
    skip_spaces();
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t seconds = 1;
    if (!unit.empty()) {
      seconds = UnitSeconds(unit);
      if (seconds == 0) {
        return invalid(fmt::format("unknown unit '{}' (use s, min, h, d or w)", unit));
      }
    } else if (terms > 0 || i < text.size()) {
      return invalid("a number without a unit");
    }
    total += number * seconds;
    if (total > kLimit) {
      return invalid("longer than 100 years");
    }
    ++terms;
    skip_spaces();
  }
  if (terms == 0) {
    return invalid("empty");
  }
  if (total <= 0) {
    return invalid("not positive");
  }
  return total;
}

}  // namespace strata::cli
