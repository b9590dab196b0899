// ULEB128 varints and zigzag integers, as Parquet's RLE/bit-packing hybrid (run headers) and
// DELTA_BINARY_PACKED (block headers) store them. Encodings.md refers to
// https://en.wikipedia.org/wiki/LEB128 and protobuf's zigzag mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::parquet {

// The longest ULEB128 encoding of a 64-bit value.
inline constexpr size_t kMaxUleb128Bytes = 10;

// Appends `value` as a ULEB128 varint (7 bits per byte, least significant group first, high bit
// set on every byte but the last).
inline void AppendUleb128(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Maps signed to unsigned so that small magnitudes stay small: 0, -1, 1, -2 -> 0, 1, 2, 3.
inline uint64_t ZigZagEncode(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

// The inverse of ZigZagEncode: 0, 1, 2, 3 -> 0, -1, 1, -2.
inline int64_t ZigZagDecode(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

namespace internal {
// The error ReadUleb128 returns; out of line so that the inline fast path stays small.
absl::Status Uleb128Error(std::string_view what, size_t offset, bool truncated);
}  // namespace internal

// Reads a ULEB128 varint that must fit in 64 bits from `data` at *offset and advances *offset
// past it. A DataLoss error names `what` (e.g. "DELTA_BINARY_PACKED block size") and the byte
// offset when the varint runs past the end of `data` or does not fit in 64 bits.
inline absl::Status ReadUleb128(std::string_view data,
                                size_t* offset,
                                uint64_t* value,
                                std::string_view what) {
  const size_t start = *offset;
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxUleb128Bytes; ++i) {
    if (start + i >= data.size()) {
      return internal::Uleb128Error(what, start, /*truncated=*/true);
    }
    const uint64_t byte = static_cast<uint8_t>(data[start + i]);
    // The tenth byte holds bit 63 only: anything more does not fit in 64 bits.
    if (i == kMaxUleb128Bytes - 1 && byte > 1) {
      break;
    }
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *offset = start + i + 1;
      *value = result;
      return absl::OkStatus();
    }
  }
  return internal::Uleb128Error(what, start, /*truncated=*/false);
}

}  // namespace strata::parquet
