// Parsing of human-friendly flag values: byte sizes ("10MiB", "512MB", "1048576") and durations
// ("1ms", "250us", "2s", "0").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace strata::cli {

// Parses a byte size: a non-negative integer with an optional unit B, KB, MB, GB, TB (powers of
// 1000), KiB, MiB, GiB, TiB (powers of 1024), K, M, G (powers of 1024), case-insensitive.
absl::StatusOr<uint64_t> ParseByteSize(const std::string& text);

// Parses a duration: a non-negative number with unit ns, us, ms, s, m or h ("0" alone is
// allowed). Fractions are allowed ("1.5s").
absl::StatusOr<std::chrono::nanoseconds> ParseDuration(const std::string& text);

}  // namespace strata::cli
