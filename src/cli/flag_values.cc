// Byte size and duration parsing for command-line flags.
#include "cli/flag_values.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include "fmt/format.h"

namespace strata::cli {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

// Splits "12.5ms" into 12.5 and "ms". Returns false if there is no leading number.
bool SplitNumber(const std::string& text, double* number, std::string* unit) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  std::string digits = text.substr(0, i);
  if (std::count(digits.begin(), digits.end(), '.') > 1 || digits == ".") {
    return false;
  }
  *number = std::stod(digits);
  *unit = Lower(text.substr(i));
  while (!unit->empty() && unit->front() == ' ') unit->erase(unit->begin());
  return true;
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(const std::string& text) {
  double number = 0;
  std::string unit;
  if (!SplitNumber(text, &number, &unit)) {
    return absl::InvalidArgumentError(
        fmt::format("invalid size '{}': expected a number with an optional unit like 10MiB", text));
  }
  double multiplier = 0;
  if (unit.empty() || unit == "b")
    multiplier = 1;
  else if (unit == "kb")
    multiplier = 1e3;
  else if (unit == "mb")
    multiplier = 1e6;
  else if (unit == "gb")
    multiplier = 1e9;
  else if (unit == "tb")
    multiplier = 1e12;
  else if (unit == "k" || unit == "kib")
    multiplier = 1024.0;
  else if (unit == "m" || unit == "mib")
    multiplier = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib")
    multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tib")
    multiplier = 1024.0 * 1024 * 1024 * 1024;
  else {
    return absl::InvalidArgumentError(fmt::format(
        "invalid size unit in '{}': expected B, KB, MB, GB, TB, KiB, MiB, GiB or TiB", text));
  }
  double bytes = number * multiplier;
  if (bytes >= static_cast<double>(std::numeric_limits<uint64_t>::max())) {
    return absl::InvalidArgumentError(fmt::format("size '{}' is too large", text));
  }
  return static_cast<uint64_t>(std::llround(bytes));
}

absl::StatusOr<uint64_t> ParseMemorySize(const std::string& text, uint64_t total_bytes) {
  if (text.empty() || text.back() != '%') {
    return ParseByteSize(text);
  }
  double percent = 0;
  std::string unit;
  if (!SplitNumber(text.substr(0, text.size() - 1), &percent, &unit) || !unit.empty() ||
      percent > 100) {
    return absl::InvalidArgumentError(fmt::format(
        "invalid memory size '{}': expected a size like 8GiB or a percentage up to 100%", text));
  }
  if (total_bytes == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "cannot use '{}': the machine's memory is unknown; give a size like 8GiB", text));
  }
  return static_cast<uint64_t>(static_cast<double>(total_bytes) * percent / 100);
}

uint64_t AvailableMemoryBytes() {
  uint64_t bytes = 0;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    bytes = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
  }
  // cgroup v2, then v1 (where "no limit" reads as a huge number, above physical memory).
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream file(path);
    std::string value;
    if (!(file >> value) || value.empty() ||
        !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
      continue;  // absent, or "max"
    }
    uint64_t limit = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), limit);
    if (error == std::errc() && limit > 0 && (bytes == 0 || limit < bytes)) {
      bytes = limit;
    }
    break;
  }
  return bytes;
}

absl::StatusOr<std::chrono::nanoseconds> ParseDuration(const std::string& text) {
  double number = 0;
  std::string unit;
  if (!SplitNumber(text, &number, &unit)) {
    return absl::InvalidArgumentError(
        fmt::format("invalid duration '{}': expected a number with a unit like 10ms", text));
  }
  double ns_per_unit = 0;
  if (unit == "ns")
    ns_per_unit = 1;
  else if (unit == "us" || unit == "µs")
    ns_per_unit = 1e3;
  else if (unit == "ms")
    ns_per_unit = 1e6;
  else if (unit == "s")
    ns_per_unit = 1e9;
  else if (unit == "m")
    ns_per_unit = 60e9;
  else if (unit == "h")
    ns_per_unit = 3600e9;
  else if (unit.empty() && number == 0)
    ns_per_unit = 1;
  else {
    return absl::InvalidArgumentError(
        fmt::format("invalid duration unit in '{}': expected ns, us, ms, s, m or h", text));
  }
  double ns = number * ns_per_unit;
  if (ns >= 9.2e18) {
    return absl::InvalidArgumentError(fmt::format("duration '{}' is too large", text));
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(ns)));
}

}  // namespace strata::cli
