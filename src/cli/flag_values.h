// Parsing of human-friendly flag values: byte sizes ("10MiB", "512MB", "1048576"), memory sizes
// that may be a share of the machine's memory ("20%"), and durations ("1ms", "250us", "2s", "0").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace strata::cli {

// Parses a byte size: a non-negative integer with an optional unit B, KB, MB, GB, TB (powers of
// 1000), KiB, MiB, GiB, TiB (powers of 1024), K, M, G (powers of 1024), case-insensitive.
absl::StatusOr<uint64_t> ParseByteSize(const std::string& text);

// Parses a memory size: a byte size as ParseByteSize takes it, or a percentage of `total_bytes`
// ("20%", "12.5%"; at most 100%).
absl::StatusOr<uint64_t> ParseMemorySize(const std::string& text, uint64_t total_bytes);

// The memory this process can use: the machine's physical memory, or the memory limit of its
// cgroup (a container's) when that is lower; 0 if neither can be read. For percentages of memory.
uint64_t AvailableMemoryBytes();

// Parses a duration: a non-negative number with unit ns, us, ms, s, m or h ("0" alone is
// allowed). Fractions are allowed ("1.5s").
absl::StatusOr<std::chrono::nanoseconds> ParseDuration(const std::string& text);

}  // namespace strata::cli
