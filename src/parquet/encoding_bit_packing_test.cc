// Tests for LSB-first bit packing: the spec's example bytes, every width against a bit-by-bit
// reference, unaligned ranges, and truncated final groups.
#include "parquet/encoding_bit_packing.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

// Value `index` of a packed stream, one bit at a time; bits past `data` read as zero.
uint64_t ReferenceValue(const std::string& data, int bit_width, size_t index) {
  uint64_t value = 0;
  for (int b = 0; b < bit_width; ++b) {
    const size_t bit = index * bit_width + b;
    if (bit / 8 < data.size() && ((static_cast<uint8_t>(data[bit / 8]) >> (bit % 8)) & 1)) {
      value |= uint64_t{1} << b;
    }
  }
  return value;
}

uint64_t Mask(int bit_width) {
  return bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
}

TEST(BitPackingTest, SpecExampleZeroToSevenInThreeBits) {
  // Encodings.md, RLE/bit-packing hybrid note 1: 0..7 with bit width 3 pack to
  // 10001000 11000110 11111010.
  const std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string packed;
  PackBits(std::span<const uint32_t>(values), 3, &packed);
  EXPECT_EQ(packed, std::string("\x88\xc6\xfa", 3));

  std::vector<uint32_t> unpacked(8);
  UnpackBits(
      reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), 3, 0, 8, unpacked.data());
  EXPECT_EQ(unpacked, values);
}

TEST(BitPackingTest, PackAppendsAndPadsTheLastByte) {
  std::string out = "xy";
  const std::vector<uint8_t> values = {1, 1, 1};
  PackBits(std::span<const uint8_t>(values), 1, &out);
  EXPECT_EQ(out, std::string("xy\x07", 3));
  EXPECT_EQ(BitPackedSize(3, 1), 1u);
  EXPECT_EQ(BitPackedSize(8, 3), 3u);
  EXPECT_EQ(BitPackedSize(9, 64), 72u);
  EXPECT_EQ(BitPackedSize(1000, 0), 0u);
}

// Packs random values of every width, checks the bytes bit by bit, then unpacks assorted
// unaligned ranges.
template <typename T>
void CheckEveryWidth(uint64_t seed) {
  std::mt19937_64 random(seed);
  constexpr int kMaxWidth = 8 * sizeof(T);
  for (int width = 0; width <= kMaxWidth; ++width) {
    SCOPED_TRACE(testing::Message() << "width " << width << " type size " << sizeof(T));
    const size_t count = 1 + random() % 300;
    std::vector<T> values(count);
    for (T& value : values) {
      value = static_cast<T>(random() & Mask(width));
    }
    std::string packed = "prefix";
    PackBits(std::span<const T>(values), width, &packed);
    ASSERT_EQ(packed.size(), 6 + BitPackedSize(count, width));
    packed.erase(0, 6);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(ReferenceValue(packed, width, i),
                static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(values[i])))
          << "value " << i;
    }
    // An exactly-sized heap copy, so that ASan catches any read past the end.
    const std::vector<uint8_t> exact(packed.begin(), packed.end());
    for (int trial = 0; trial < 40; ++trial) {
      const size_t first = random() % count;
      const size_t n = random() % (count - first + 1);
      std::vector<T> unpacked(n + 1, T{42});
      UnpackBits(exact.data(), exact.size(), width, first, n, unpacked.data());
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(unpacked[i], values[first + i]) << "first " << first << " index " << i;
      }
      EXPECT_EQ(unpacked[n], T{42}) << "wrote past the requested values";
    }
  }
}

TEST(BitPackingTest, EveryWidthRoundTripsUint8) {
  CheckEveryWidth<uint8_t>(1);
}
TEST(BitPackingTest, EveryWidthRoundTripsInt16) {
  CheckEveryWidth<int16_t>(2);
}
TEST(BitPackingTest, EveryWidthRoundTripsInt32) {
  CheckEveryWidth<int32_t>(3);
}
TEST(BitPackingTest, EveryWidthRoundTripsUint32) {
  CheckEveryWidth<uint32_t>(4);
}
TEST(BitPackingTest, EveryWidthRoundTripsUint64) {
  CheckEveryWidth<uint64_t>(5);
}

TEST(BitPackingTest, LongRunsTakeTheInPlacePathAndMatch) {
  // Thousands of groups: most go through the fast path, the last few through the padded copy.
  std::mt19937_64 random(6);
  for (int width : {1, 7, 13, 31, 32}) {
    std::vector<uint32_t> values(8 * 1000 + 5);
    for (uint32_t& value : values) {
      value = static_cast<uint32_t>(random() & Mask(width));
    }
    std::string packed;
    PackBits(std::span<const uint32_t>(values), width, &packed);
    const std::vector<uint8_t> exact(packed.begin(), packed.end());
    std::vector<uint32_t> unpacked(values.size());
    UnpackBits(exact.data(), exact.size(), width, 0, values.size(), unpacked.data());
    EXPECT_EQ(unpacked, values) << "width " << width;
  }
}

TEST(BitPackingTest, MissingBytesOfATruncatedGroupReadAsZero) {
  // Eight 8-bit values, of which only the first three bytes exist.
  const std::vector<uint8_t> bytes = {0x11, 0x22, 0x33};
  std::vector<uint32_t> out(8, 99);
  UnpackBits(bytes.data(), bytes.size(), 8, 0, 8, out.data());
  EXPECT_EQ(out, (std::vector<uint32_t>{0x11, 0x22, 0x33, 0, 0, 0, 0, 0}));
}

TEST(BitPackingTest, FullWidthExtremes) {
  const std::vector<uint64_t> values = {
      0, ~uint64_t{0}, uint64_t{1} << 63, 1, 0x0123456789abcdefULL, ~uint64_t{0} - 1, 2, 3, 4};
  for (int width : {63, 64}) {
    std::vector<uint64_t> masked = values;
    for (uint64_t& value : masked) {
      value &= Mask(width);
    }
    std::string packed;
    PackBits(std::span<const uint64_t>(masked), width, &packed);
    std::vector<uint64_t> out(masked.size());
    UnpackBits(reinterpret_cast<const uint8_t*>(packed.data()),
               packed.size(),
               width,
               0,
               out.size(),
               out.data());
    EXPECT_EQ(out, masked) << "width " << width;
  }
}

}  // namespace
}  // namespace strata::parquet
