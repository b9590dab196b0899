// CRC-32C (Castagnoli), the checksum of WAL records and other on-disk structures. Uses the SSE4.2
// crc32 instruction when the CPU has it and a table-driven implementation otherwise; both give
// identical results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata {

// Extends `crc` (the CRC-32C of earlier bytes, 0 to start) over `data[0, size)`.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size);

// The CRC-32C of `data`.
inline uint32_t Crc32c(std::string_view data) {
  return Crc32cExtend(0, data.data(), data.size());
}

// Returns a masked CRC for storing next to the data it covers, so that a CRC of data that itself
// contains CRCs stays well distributed (the same masking as LevelDB's log format).
inline uint32_t Crc32cMask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
inline uint32_t Crc32cUnmask(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace strata
