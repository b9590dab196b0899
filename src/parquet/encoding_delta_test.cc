// Tests for DELTA_BINARY_PACKED: exact bytes for the spec's examples (with a legal block size),
// hand-built streams in other writers' block shapes, round trips of edge data against a
// bit-by-bit reference decoder in assorted batch sizes, and hostile headers and blocks.
#include "parquet/encoding_delta.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parquet/encoding_varint.h"

namespace strata::parquet {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

template <typename T>
std::string Encode(const std::vector<T>& values, DeltaBinaryPackedOptions options = {}) {
  std::string out;
  EncodeDeltaBinaryPacked(std::span<const T>(values), &out, options);
  return out;
}

template <typename T>
std::vector<T> Decode(std::string_view data, size_t count) {
  std::vector<T> out(count);
  absl::StatusOr<size_t> read = DecodeDeltaBinaryPacked(data, std::span<T>(out));
  EXPECT_TRUE(read.ok()) << read.status();
  return out;
}

// Decodes a well-formed stream straight from Encodings.md, one bit at a time, in uint64
// arithmetic truncated to T at the end: the reference the fast decoder is compared with.
template <typename T>
std::vector<T> ReferenceDecode(std::string_view data) {
  size_t offset = 0;
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(data.at(i)); };
  const auto varint = [&] {
    uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = byte(offset++);
      value |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  };
  const uint64_t block_size = varint();
  const uint64_t miniblocks = varint();
  const uint64_t total = varint();
  uint64_t last = static_cast<uint64_t>(ZigZagDecode(varint()));
  std::vector<T> values;
  if (total > 0) {
    values.push_back(static_cast<T>(last));
  }
  const uint64_t per_miniblock = block_size / miniblocks;
  while (values.size() < total) {
    const uint64_t min_delta = static_cast<uint64_t>(ZigZagDecode(varint()));
    const size_t widths = offset;
    offset += miniblocks;
    for (uint64_t m = 0; m < miniblocks && values.size() < total; ++m) {
      const int width = byte(widths + m);
      for (uint64_t i = 0; i < per_miniblock; ++i) {
        uint64_t delta = 0;
        for (int b = 0; b < width; ++b) {
          const size_t bit = i * width + b;
          delta |= static_cast<uint64_t>((byte(offset + bit / 8) >> (bit % 8)) & 1) << b;
        }
        last += min_delta + delta;
        if (values.size() < total) {
          values.push_back(static_cast<T>(last));
        }
      }
      offset += per_miniblock * width / 8;
    }
  }
  return values;
}

TEST(DeltaEncodeTest, SpecExampleOneToFive) {
  // Encodings.md example 1 with the real block shape (128 values, 4 miniblocks): header
  // 128 (80 01), 4, 5 values, first value 1 (zigzag 2); one block: min delta 1 (zigzag 2) and
  // four zero bit widths, no miniblock bytes.
  const std::string expected("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10);
  EXPECT_EQ(Encode<int64_t>({1, 2, 3, 4, 5}), expected);
  EXPECT_EQ(Encode<int32_t>({1, 2, 3, 4, 5}), expected);
  EXPECT_EQ(Decode<int64_t>(expected, 5), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(DeltaEncodeTest, SpecExampleSevenFiveThree) {
  // Encodings.md example 2: deltas -2 -2 -2 1 1 1 1, min delta -2 (zigzag 3), relative deltas
  // 0 0 0 3 3 3 3 in 2 bits: bytes c0 3f, then zero padding to 32 values (8 bytes).
  const std::string expected(
      "\x80\x01\x04\x08\x0e"
      "\x03\x02\x00\x00\x00"
      "\xc0\x3f\x00\x00\x00\x00\x00\x00",
      18);
  EXPECT_EQ(Encode<int32_t>({7, 5, 3, 1, 2, 3, 4, 5}), expected);
  EXPECT_EQ(Decode<int32_t>(expected, 8), (std::vector<int32_t>{7, 5, 3, 1, 2, 3, 4, 5}));
}

TEST(DeltaEncodeTest, EmptySingleAndExtremes) {
  EXPECT_EQ(Encode<int64_t>({}), std::string("\x80\x01\x04\x00\x00", 5));
  EXPECT_EQ(Encode<int64_t>({42}), std::string("\x80\x01\x04\x01\x54", 5));
  // INT32 deltas wrap at 32 bits: MAX - MIN is -1, so the widths stay 0.
  EXPECT_EQ(Encode<int32_t>({kInt32Min, kInt32Max}),
            std::string("\x80\x01\x04\x02\xff\xff\xff\xff\x0f\x01\x00\x00\x00\x00", 14));
  // INT64 likewise at 64 bits.
  EXPECT_EQ(Encode<int64_t>({kInt64Min, kInt64Max}),
            std::string("\x80\x01\x04\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"
                        "\x01\x00\x00\x00\x00",
                        19));
}

TEST(DeltaDecodeTest, OtherBlockShapes) {
  // The spec's example 2 as a writer using one miniblock of 128 values would write it.
  std::string stream("\x80\x01\x01\x08\x0e\x03\x02\xc0\x3f", 9);
  stream.append(30, '\0');
  EXPECT_EQ(Decode<int64_t>(stream, 8), (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));

  // Block size 8 (the spec's illustration) is not a legal shape.
  std::vector<int64_t> out(8);
  const absl::Status status =
      DecodeDeltaBinaryPacked(std::string("\x08\x01\x08\x0e\x03\x02\xc0\x3f", 8), std::span(out))
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("block size 8 at byte offset 0 is not a positive"));
}

TEST(DeltaDecodeTest, UnusedMiniblockWidthsMayHoldAnything) {
  // 33 values, first 0, all deltas 1: the only block uses one of its four miniblocks. Header is
  // 5 bytes, then the min delta (1 byte) and the widths at bytes 6-9.
  std::vector<int64_t> values(33);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<int64_t>(i);
  }
  std::string encoded = Encode(values);
  ASSERT_EQ(encoded.size(), 10u);
  encoded[7] = '\xff';
  encoded[8] = '\x41';
  encoded[9] = '\x80';
  EXPECT_EQ(Decode<int64_t>(encoded, values.size()), values);
}

TEST(DeltaDecodeTest, Int32MinDeltaComputedIn64BitsStillDecodes) {
  // A writer that computed INT32 deltas in 64 bits writes MAX - MIN = 2^32 - 1 as the min delta;
  // modulo 2^32 that is -1 and the values come out right.
  std::string stream("\x80\x01\x04\x02\xff\xff\xff\xff\x0f", 9);
  AppendUleb128(ZigZagEncode(int64_t{kInt32Max} - kInt32Min), &stream);
  stream.append(4, '\0');
  EXPECT_EQ(Decode<int32_t>(stream, 2), (std::vector<int32_t>{kInt32Min, kInt32Max}));
}

TEST(DeltaDecodeTest, BytesConsumedIsTheStreamSize) {
  std::vector<int64_t> values(300);
  std::mt19937_64 random(20);
  for (int64_t& value : values) {
    value = static_cast<int64_t>(random() % 1000);
  }
  std::string encoded = Encode(values);
  const size_t size = encoded.size();
  encoded += "the byte array data that follows";
  std::vector<int64_t> out(values.size());
  absl::StatusOr<size_t> read = DecodeDeltaBinaryPacked(encoded, std::span(out));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, size);
  EXPECT_EQ(out, values);
  // With one value there is no block at all.
  const std::string single = Encode<int64_t>({-3});
  std::vector<int64_t> one(1);
  EXPECT_EQ(DecodeDeltaBinaryPacked(single + "xyz", std::span(one)).value(), single.size());
  EXPECT_EQ(one[0], -3);
}

template <typename T>
std::vector<std::vector<T>> EdgeData(std::mt19937_64& random, size_t count) {
  constexpr T kMin = std::numeric_limits<T>::min();
  constexpr T kMax = std::numeric_limits<T>::max();
  std::vector<std::vector<T>> sets;
  std::vector<T> values(count);
  for (T& value : values) {
    value = static_cast<T>(random());  // the full range: widths up to the type's
  }
  sets.push_back(values);
  for (size_t i = 0; i < count; ++i) {
    values[i] = i % 2 ? kMax : kMin;
  }
  sets.push_back(values);
  for (size_t i = 0; i < count; ++i) {
    values[i] = i % 3 == 0 ? kMin : (i % 3 == 1 ? 0 : kMax);
  }
  sets.push_back(values);
  std::fill(values.begin(), values.end(), T{-7});
  sets.push_back(values);
  // Timestamps in nanoseconds, ten seconds apart with a little jitter (INT64), or a counter
  // (INT32); and the same descending.
  int64_t t = 1700000000000000000;
  for (T& value : values) {
    t += sizeof(T) == 8 ? 10'000'000'000 + static_cast<int64_t>(random() % 1000) : 3;
    value = static_cast<T>(sizeof(T) == 8 ? t : t % 1000000);
  }
  sets.push_back(values);
  std::reverse(values.begin(), values.end());
  sets.push_back(values);
  // Small values around an extreme, so that deltas wrap.
  for (size_t i = 0; i < count; ++i) {
    values[i] = static_cast<T>(kMax - static_cast<T>(random() % 4));
  }
  sets.push_back(values);
  return sets;
}

template <typename T>
void CheckRoundTrips(uint64_t seed) {
  std::mt19937_64 random(seed);
  const DeltaBinaryPackedOptions shapes[] = {{128, 4}, {128, 1}, {256, 8}, {512, 2}, {1024, 32}};
  for (const DeltaBinaryPackedOptions& shape : shapes) {
    for (size_t count : {0, 1, 2, 3, 31, 32, 33, 127, 128, 129, 130, 257, 1000, 4099}) {
      const auto sets = EdgeData<T>(random, count);
      for (size_t set = 0; set < sets.size(); ++set) {
        SCOPED_TRACE(testing::Message()
                     << "block " << shape.block_size << "/" << shape.miniblocks_per_block
                     << " count " << count << " data set " << set);
        const std::vector<T>& values = sets[set];
        const std::string encoded = Encode(values, shape);
        ASSERT_EQ(ReferenceDecode<T>(encoded), values);
        DeltaBinaryPackedDecoder<T> decoder;
        ASSERT_TRUE(decoder.Init(encoded).ok());
        ASSERT_EQ(decoder.total_values(), count);
        std::vector<T> decoded(count);
        size_t done = 0;
        while (done < count) {
          const size_t batch = std::min<size_t>(count - done, random() % 300);
          const absl::Status status = decoder.Decode(std::span<T>(decoded).subspan(done, batch));
          ASSERT_TRUE(status.ok()) << status;
          done += batch;
        }
        ASSERT_EQ(decoded, values);
        EXPECT_EQ(decoder.values_remaining(), 0u);
        EXPECT_EQ(decoder.bytes_consumed(), encoded.size());
      }
    }
  }
}

TEST(DeltaRoundTripTest, Int32) {
  CheckRoundTrips<int32_t>(21);
}
TEST(DeltaRoundTripTest, Int64) {
  CheckRoundTrips<int64_t>(22);
}

TEST(DeltaRoundTripTest, TimestampsPackTightly) {
  // One value per second in nanoseconds with jitter under 1 ms: 20 bits per delta at most.
  std::mt19937_64 random(23);
  std::vector<int64_t> values(100000);
  int64_t t = 1700000000000000000;
  for (int64_t& value : values) {
    t += 1'000'000'000 + static_cast<int64_t>(random() % 1'000'000);
    value = t;
  }
  const std::string encoded = Encode(values);
  EXPECT_LT(encoded.size(), values.size() * 21 / 8);
  EXPECT_EQ(Decode<int64_t>(encoded, values.size()), values);
}

absl::Status DecodeStatus64(std::string_view data, size_t count) {
  std::vector<int64_t> out(count);
  return DecodeDeltaBinaryPacked(data, std::span(out)).status();
}

absl::Status DecodeStatus32(std::string_view data, size_t count) {
  std::vector<int32_t> out(count);
  return DecodeDeltaBinaryPacked(data, std::span(out)).status();
}

TEST(DeltaHostileTest, MalformedHeaders) {
  const struct {
    std::string data;
    std::string message;
  } cases[] = {
      {"", "block size: truncated varint at byte offset 0"},
      {"\x80", "block size: truncated varint at byte offset 0"},
      {std::string("\x00\x04\x01\x00", 4),
       "block size 0 at byte offset 0 is not a positive multiple of 128"},
      {"\x64\x04\x01\x00", "block size 100 at byte offset 0"},
      {"\x80\x80\x80\x80\x20\x04\x01\x00", "block size 8589934592 at byte offset 0"},
      {std::string("\x80\x01\x00\x01\x00", 5),
       "0 miniblocks per block (byte offset 2) do not split the block size 128"},
      {"\x80\x01\x03\x01\x02", "3 miniblocks per block (byte offset 2)"},
      {"\x80\x01\x08\x01\x02", "8 miniblocks per block (byte offset 2)"},
      {"\x80\x01\x04", "value count: truncated varint at byte offset 3"},
      {"\x80\x01\x04\x01", "first value: truncated varint at byte offset 4"},
      {"\x80\x01\x04\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", "does not fit in 64 bits"},
  };
  for (const auto& c : cases) {
    const absl::Status status = DecodeStatus64(c.data, 1);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << c.message;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  // A first value beyond INT32 is fine for INT64 only.
  const std::string big("\x80\x01\x04\x01\x80\x80\x80\x80\x10", 9);
  EXPECT_TRUE(DecodeStatus64(big, 1).ok());
  const absl::Status status = DecodeStatus32(big, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("first value 2147483648 at byte offset 4 is outside the INT32 range"));
}

TEST(DeltaHostileTest, MalformedBlocks) {
  // Header: 128/4, 2 values, first value 0.
  const std::string header("\x80\x01\x04\x02\x00", 5);
  const struct {
    std::string block;
    bool int32;
    std::string message;
  } cases[] = {
      {"", false, "min delta: truncated varint at byte offset 5"},
      {std::string("\x00\x08\x00", 3),
       false,
       "block at byte offset 5 is truncated: 4 bit widths need 4 bytes, only 2 remain"},
      {std::string("\x00\x41\x00\x00\x00", 5),
       false,
       "miniblock 0 of the block at byte offset 5 has bit width 65 (byte offset 6), more than "
       "INT64 allows"},
      {std::string("\x00\x21\x00\x00\x00", 5),
       true,
       "miniblock 0 of the block at byte offset 5 has bit width 33 (byte offset 6), more than "
       "INT32 allows"},
      {std::string("\x00\x08\x00\x00\x00", 5),
       false,
       "miniblock 0 of the block at byte offset 5 is truncated: 1 values of 8 bits need 1 bytes "
       "at byte offset 10, only 0 remain"},
  };
  for (const auto& c : cases) {
    const std::string data = header + c.block;
    const absl::Status status = c.int32 ? DecodeStatus32(data, 2) : DecodeStatus64(data, 2);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << c.message;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  // The padding of the last miniblock may be missing: only the byte of the one wanted delta is
  // there, and the stream ends with it.
  std::vector<int64_t> out(2);
  absl::StatusOr<size_t> read =
      DecodeDeltaBinaryPacked(header + std::string("\x00\x08\x00\x00\x00\x2a", 6), std::span(out));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(out, (std::vector<int64_t>{0, 42}));
  EXPECT_EQ(*read, 11u);
}

TEST(DeltaHostileTest, CountMismatchesAndCallerErrors) {
  const std::string encoded = Encode<int64_t>({1, 2, 3, 4, 5});
  std::vector<int64_t> four(4);
  const absl::Status status = DecodeDeltaBinaryPacked(encoded, std::span(four)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "DELTA_BINARY_PACKED: the header declares 5 values, 4 expected");

  DeltaBinaryPackedDecoder<int64_t> decoder;
  ASSERT_TRUE(decoder.Init(encoded).ok());
  std::vector<int64_t> six(6);
  EXPECT_EQ(decoder.Decode(std::span(six)).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(decoder.Decode(std::span(six).first(5)).ok());
  EXPECT_EQ(six[4], 5);

  // A huge declared count is harmless: only what is asked for is decoded.
  std::string huge("\x80\x01\x04\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x02\x00\x00\x00\x00",
                   19);
  ASSERT_TRUE(decoder.Init(huge).ok());
  EXPECT_EQ(decoder.total_values(), std::numeric_limits<uint64_t>::max());
  std::vector<int64_t> many(100);  // the first value and 99 deltas of the one block
  ASSERT_TRUE(decoder.Decode(std::span(many)).ok());
  EXPECT_EQ(many[99], 99);
}

TEST(DeltaHostileTest, NothingMoreAfterAnError) {
  DeltaBinaryPackedDecoder<int64_t> decoder;
  ASSERT_TRUE(decoder.Init(std::string_view("\x80\x01\x04\x03\x00\x00\x41", 7)).ok());
  std::vector<int64_t> out(3);
  EXPECT_FALSE(decoder.Decode(std::span(out)).ok());
  EXPECT_EQ(decoder.values_remaining(), 0u);
  EXPECT_EQ(decoder.Decode(std::span(out).first(1)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(DeltaHostileTest, EveryPrefixAndByteFlipFailsCleanly) {
  std::mt19937_64 random(24);
  std::vector<int64_t> values(200);
  for (int64_t& value : values) {
    value = static_cast<int64_t>(random() % 100000) - 50000;
  }
  const std::string encoded = Encode(values);
  for (size_t length = 0; length < encoded.size(); ++length) {
    const absl::Status status = DecodeStatus64(encoded.substr(0, length), values.size());
    if (status.ok()) {
      // Only the zero padding of the last miniblock may be cut.
      EXPECT_GT(length, encoded.size() - 64) << length;
    }
  }
  for (size_t i = 0; i < encoded.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string corrupt = encoded;
      corrupt[i] ^= static_cast<char>(1 << bit);
      (void)DecodeStatus64(corrupt, values.size());
      (void)DecodeStatus32(corrupt, values.size());
    }
  }
}

}  // namespace
}  // namespace strata::parquet
