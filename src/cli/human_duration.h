// Durations written as InfluxDB 3's CLI takes them (Rust's humantime): "10s", "1min 30sec",
// "3 hours", "4h", "1d", or a bare number of seconds.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::cli {

// Parses `text` into whole seconds: one or more <number><unit> terms, with optional spaces,
// summed. Units: s sec secs second seconds, m min mins minute minutes, h hr hrs hour hours,
// d day days, w week weeks. A bare non-negative integer is seconds. InvalidArgument naming the
// text otherwise, or when the result is not positive or passes 100 years.
absl::StatusOr<int64_t> ParseHumanDurationSeconds(std::string_view text);

}  // namespace strata::cli
