// Bit packing as Parquet's RLE/bit-packing hybrid and DELTA_BINARY_PACKED use it: values of a
// fixed bit width laid end to end, each starting at the least significant free bit of the
// current byte (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid", note 1). Eight values
// of width W occupy exactly W bytes, so both encodings pack in groups of eight and the unpacker
// works a group at a time with code specialized for every width.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace strata::parquet {

// The number of bytes `count` values of `bit_width` bits occupy once packed (the last byte
// padded with zero bits).
inline size_t BitPackedSize(size_t count, int bit_width) {
  return (count * static_cast<size_t>(bit_width) + 7) / 8;
}

// Appends `values` packed with `bit_width` bits each: BitPackedSize(values.size(), bit_width)
// bytes. T is uint8_t, int16_t, int32_t, uint32_t or uint64_t; negative values pack as their
// two's complement bits. REQUIRES: 0 <= bit_width <= 8 * sizeof(T), and every value (as
// unsigned) below 2^bit_width.
template <typename T>
void PackBits(std::span<const T> values, int bit_width, std::string* out);

// Unpacks values [first, first + count) of a packed stream of `bit_width`-bit values starting at
// `data` into `out`. Only bytes [0, size) of `data` are read; a value's missing bits (a
// truncated final group) read as zero, so callers check that the values they need are all
// there. T is as for PackBits; with a signed T the low 8 * sizeof(T) bits are reinterpreted.
// REQUIRES: 0 <= bit_width <= 8 * sizeof(T).
template <typename T>
void UnpackBits(
    const uint8_t* data, size_t size, int bit_width, size_t first, size_t count, T* out);

}  // namespace strata::parquet
