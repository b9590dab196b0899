// Packing and unpacking of fixed-width values, LSB first. The unpacker is a table of functions,
// one per (output type, bit width), each unpacking whole groups of eight values with every
// shift and mask a compile-time constant; groups near the end of the input go through a
// zero-padded copy so that the fast path's 8-byte loads never pass the end of the buffer.
#include "parquet/encoding_bit_packing.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>
#include <utility>

#include "common/check.h"

namespace strata::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the bit unpacker loads little-endian words directly");

inline uint64_t Load64(const uint8_t* p) {
  uint64_t value;
  std::memcpy(&value, p, sizeof(value));
  return value;
}

inline void Store64(uint8_t* p, uint64_t value) {
  std::memcpy(p, &value, sizeof(value));
}

// Bits 0..255 spread to bytes: entry b has byte i equal to bit i of b. Unpacks 1-bit values to
// uint8_t (booleans, definition levels of optional columns) eight at a time.
constexpr std::array<uint64_t, 256> kBitsToBytes = [] {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    for (int i = 0; i < 8; ++i) {
      table[b] |= static_cast<uint64_t>((b >> i) & 1) << (8 * i);
    }
  }
  return table;
}();

// Value K of a group of eight W-bit values starting at `in`. Reads bytes [0, W + 8) of `in` at
// most: the 8-byte word holding the value's first bit, plus one more byte when the value
// straddles that word (possible only for W > 57).
template <int W, int K>
inline uint64_t ExtractValue(const uint8_t* in) {
  constexpr int kBit = K * W;
  constexpr int kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  constexpr uint64_t kMask = W == 64 ? ~uint64_t{0} : (uint64_t{1} << W) - 1;
  uint64_t word = Load64(in + kByte) >> kShift;
  if constexpr (kShift + W > 64) {
    word |= static_cast<uint64_t>(in[kByte + 8]) << (64 - kShift);
  }
  return word & kMask;
}

template <int W, typename T, size_t... K>
inline void Unpack8(const uint8_t* in, T* out, std::index_sequence<K...>) {
  ((out[K] = static_cast<T>(ExtractValue<W, static_cast<int>(K)>(in))), ...);
}

// Unpacks `groups` groups of eight W-bit values. REQUIRES: `in` readable for
// groups * W + 8 bytes (the fast path's loads may look up to 8 bytes past the last group).
template <int W, typename T>
void UnpackGroups(const uint8_t* in, size_t groups, T* out) {
  if constexpr (W == 0) {
    std::fill_n(out, groups * 8, T{0});
  } else if constexpr (W == 1 && sizeof(T) == 1) {
    for (size_t g = 0; g < groups; ++g) {
      std::memcpy(out + 8 * g, &kBitsToBytes[in[g]], 8);
    }
  } else {
    for (size_t g = 0; g < groups; ++g) {
      Unpack8<W>(in, out, std::make_index_sequence<8>{});
      in += W;
      out += 8;
    }
  }
}

template <typename T>
using UnpackGroupsFn = void (*)(const uint8_t*, size_t, T*);

template <typename T, size_t... W>
constexpr std::array<UnpackGroupsFn<T>, sizeof...(W)> MakeUnpackTable(std::index_sequence<W...>) {
  return {&UnpackGroups<static_cast<int>(W), T>...};
}

// kUnpackTable<T>[w] unpacks groups of w-bit values to T, for w in [0, 8 * sizeof(T)].
template <typename T>
constexpr auto kUnpackTable = MakeUnpackTable<T>(std::make_index_sequence<8 * sizeof(T) + 1>{});

}  // namespace

template <typename T>
void PackBits(std::span<const T> values, int bit_width, std::string* out) {
  STRATA_DCHECK(bit_width >= 0 && bit_width <= static_cast<int>(8 * sizeof(T)));
  const size_t start = out->size();
  const size_t bytes = BitPackedSize(values.size(), bit_width);
  if (bytes == 0) {
    return;
  }
  // 8 bytes of slack so that every flush can store a whole word.
  out->resize(start + bytes + 8);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + start;
  uint64_t word = 0;
  int word_bits = 0;  // always < 64
  for (const T value : values) {
    const uint64_t bits = static_cast<std::make_unsigned_t<T>>(value);
    STRATA_DCHECK(bit_width == 64 || (bits >> bit_width) == 0);
    word |= bits << word_bits;
    word_bits += bit_width;
    if (word_bits >= 64) {
      Store64(dst, word);
      dst += 8;
      word_bits -= 64;
      // The bits of `value` that did not fit; none when it ended exactly at the word boundary.
      word = word_bits == 0 ? 0 : bits >> (bit_width - word_bits);
    }
  }
  if (word_bits > 0) {
    Store64(dst, word);
  }
  out->resize(start + bytes);
}

template <typename T>
void UnpackBits(
    const uint8_t* data, size_t size, int bit_width, size_t first, size_t count, T* out) {
  STRATA_DCHECK(bit_width >= 0 && bit_width <= static_cast<int>(8 * sizeof(T)));
  if (count == 0) {
    return;
  }
  if (bit_width == 0) {
    std::fill_n(out, count, T{0});
    return;
  }
  const UnpackGroupsFn<T> unpack = kUnpackTable<T>[bit_width];
  const size_t width = static_cast<size_t>(bit_width);
  // Unpacks group `g` from a zero-padded copy of whatever of its bytes exist.
  const auto unpack_padded = [&](size_t g, T* group_out) {
    uint8_t padded[64 + 8] = {};
    const size_t offset = g * width;
    if (offset < size) {
      std::memcpy(padded, data + offset, std::min(width, size - offset));
    }
    unpack(padded, 1, group_out);
  };

  size_t group = first / 8;
  const size_t skip = first % 8;
  if (skip != 0) {
    T values[8];
    unpack_padded(group, values);
    const size_t n = std::min(count, 8 - skip);
    std::copy_n(values + skip, n, out);
    out += n;
    count -= n;
    ++group;
  }
  const size_t full_groups = count / 8;
  // Groups g with (g + 1) * width + 8 <= size can be unpacked in place.
  const size_t fast_end = size >= 8 ? (size - 8) / width : 0;
  const size_t fast_groups = fast_end > group ? std::min(full_groups, fast_end - group) : 0;
  unpack(data + group * width, fast_groups, out);
  out += 8 * fast_groups;
  group += fast_groups;
  for (size_t g = fast_groups; g < full_groups; ++g) {
    unpack_padded(group++, out);
    out += 8;
  }
  const size_t tail = count % 8;
  if (tail != 0) {
    T values[8];
    unpack_padded(group, values);
    std::copy_n(values, tail, out);
  }
}

#define STRATA_PARQUET_INSTANTIATE_BIT_PACKING(T)                   \
  template void PackBits<T>(std::span<const T>, int, std::string*); \
  template void UnpackBits<T>(const uint8_t*, size_t, int, size_t, size_t, T*);

STRATA_PARQUET_INSTANTIATE_BIT_PACKING(uint8_t)
STRATA_PARQUET_INSTANTIATE_BIT_PACKING(int16_t)
STRATA_PARQUET_INSTANTIATE_BIT_PACKING(int32_t)
STRATA_PARQUET_INSTANTIATE_BIT_PACKING(uint32_t)
STRATA_PARQUET_INSTANTIATE_BIT_PACKING(uint64_t)

#undef STRATA_PARQUET_INSTANTIATE_BIT_PACKING

}  // namespace strata::parquet
