// Parsing of the `precision` parameter and the timestamp unit rules of InfluxDB 3.
#include "lineprotocol/precision.h"

#include <string>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace strata::lineprotocol {
namespace {

struct PrecisionSpelling {
  std::string_view text;
  Precision precision;
};

constexpr PrecisionSpelling kSpellings[] = {
    {"auto", Precision::kAuto},
    {"ns", Precision::kNanosecond},
    {"n", Precision::kNanosecond},
    {"nanosecond", Precision::kNanosecond},
    {"us", Precision::kMicrosecond},
    {"u", Precision::kMicrosecond},
    {"microsecond", Precision::kMicrosecond},
    {"ms", Precision::kMillisecond},
    {"millisecond", Precision::kMillisecond},
    {"s", Precision::kSecond},
    {"second", Precision::kSecond},
    {"m", Precision::kMinute},
    {"h", Precision::kHour},
};

// A hostile query string must not blow up the error message.
constexpr size_t kMaxEchoedLength = 64;

}  // namespace

absl::StatusOr<Precision> ParsePrecision(std::string_view text) {
  for (const PrecisionSpelling& spelling : kSpellings) {
    if (spelling.text == text) {
      return spelling.precision;
    }
  }
  std::string echoed(text.substr(0, kMaxEchoedLength));
  if (text.size() > kMaxEchoedLength) {
    echoed += "...";
  }
  return absl::InvalidArgumentError(fmt::format(
      "unrecognized precision unit: '{}'; expected one of auto, ns (n, nanosecond), us (u, "
      "microsecond), ms (millisecond), s (second), m (minute), h (hour)",
      echoed));
}

std::string_view PrecisionName(Precision precision) {
  switch (precision) {
    case Precision::kAuto:
      return "Auto";
    case Precision::kNanosecond:
      return "Nanosecond";
    case Precision::kMicrosecond:
      return "Microsecond";
    case Precision::kMillisecond:
      return "Millisecond";
    case Precision::kSecond:
      return "Second";
    case Precision::kMinute:
      return "Minute";
    case Precision::kHour:
      return "Hour";
  }
  return "Unknown";
}

int64_t TruncateToPrecision(int64_t time_ns, Precision precision) {
  const int64_t unit = NanosecondsPerUnit(precision);
  return time_ns / unit * unit;
}

}  // namespace strata::lineprotocol
