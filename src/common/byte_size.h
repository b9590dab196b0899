// Human-readable byte counts for messages, logs and EXPLAIN ANALYZE: "1023 B", "1.5 KiB",
// "120.0 MiB", "8.0 GiB" (binary units, one decimal).
#pragma once

#include <cstdint>
#include <string>

namespace strata {

std::string FormatByteSize(uint64_t bytes);

}  // namespace strata
