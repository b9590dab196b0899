// Tests for the RLE/bit-packing hybrid: exact bytes for the spec's examples and the encoder's run
// choices, round trips against a bit-by-bit reference decoder in assorted batch sizes, the three
// framings, and hostile streams.
#include "parquet/encoding_rle.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

using ::testing::HasSubstr;

template <typename T>
std::string Encode(const std::vector<T>& values, int bit_width) {
  std::string out;
  EncodeRleBitPacked(std::span<const T>(values), bit_width, &out);
  return out;
}

// Decodes a well-formed hybrid stream straight from the grammar in Encodings.md, one bit at a
// time: the reference the fast decoder is compared with.
std::vector<uint32_t> ReferenceDecode(std::string_view data, int bit_width, size_t count) {
  std::vector<uint32_t> values;
  size_t offset = 0;
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(data.at(i)); };
  while (values.size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = byte(offset++);
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (header & 1) {
      const size_t run = (header >> 1) * 8;
      for (size_t i = 0; i < run; ++i) {
        uint32_t value = 0;
        for (int b = 0; b < bit_width; ++b) {
          const size_t bit = i * bit_width + b;
          value |= static_cast<uint32_t>((byte(offset + bit / 8) >> (bit % 8)) & 1) << b;
        }
        if (values.size() < count) {
          values.push_back(value);
        }
      }
      offset += run * bit_width / 8;
    } else {
      uint32_t value = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b) {
        value |= static_cast<uint32_t>(byte(offset++)) << (8 * b);
      }
      values.insert(values.end(), header >> 1, value);
    }
  }
  return values;
}

template <typename T>
std::vector<T> DecodeAll(std::string_view data, int bit_width, size_t count) {
  RleBitPackedDecoder decoder;
  EXPECT_TRUE(decoder.Init(data, bit_width, count).ok());
  std::vector<T> out(count);
  const absl::Status status = decoder.Decode(std::span<T>(out));
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(decoder.values_remaining(), 0u);
  return out;
}

TEST(RleEncodeTest, SpecExampleIsOneBitPackedRun) {
  // Encodings.md: 0..7 in 3 bits are the bytes 10001000 11000110 11111010; as a run they follow
  // the header (1 group << 1) | 1.
  EXPECT_EQ(Encode<uint32_t>({0, 1, 2, 3, 4, 5, 6, 7}, 3), "\x03\x88\xc6\xfa");
}

TEST(RleEncodeTest, RepeatsBecomeRleRuns) {
  // 100 fives in 3 bits: header 100 << 1 = 200 (ULEB128 c8 01), value in one byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 5), 3), "\xc8\x01\x05");
  // A 9-bit value takes two little-endian bytes.
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 300), 9), "\x14\x2c\x01");
  // Bit width 0: the value takes no bytes at all.
  EXPECT_EQ(Encode(std::vector<uint32_t>(16, 0), 0), "\x20");
  // 32 bits: four bytes.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0xdeadbeef), 32), "\x10\xef\xbe\xad\xde");
}

TEST(RleEncodeTest, RunChoiceAroundGroupBoundaries) {
  // Ten ones then 2, 3: an RLE run, then a bit-packed group padded with zeros
  // (2 | 3 << 2 = 0x0e, then a zero byte).
  EXPECT_EQ(Encode<uint8_t>({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3}, 2),
            std::string("\x14\x01\x03\x0e\x00", 5));
  // Seven repeats are not worth a run: one bit-packed group.
  EXPECT_EQ(Encode<uint8_t>({1, 1, 1, 1, 1, 1, 1}, 1), "\x03\x7f");
  // Three distinct values then 12 repeats: the group borrows 5 of them, leaving 7 (too few for
  // a run), so everything is bit-packed: two groups.
  {
    std::vector<uint8_t> values = {1, 2, 3};
    values.insert(values.end(), 12, 0);
    EXPECT_EQ(Encode(values, 2), std::string("\x05\x39\x00\x00\x00", 5));
  }
  // With 13 repeats, 8 remain after borrowing: one group, then an RLE run of 8.
  {
    std::vector<uint8_t> values = {1, 2, 3};
    values.insert(values.end(), 13, 0);
    EXPECT_EQ(Encode(values, 2), std::string("\x03\x39\x00\x10\x00", 5));
  }
  EXPECT_EQ(Encode<uint8_t>({}, 1), "");
}

TEST(RleEncodeTest, LengthPrefixAndDictionaryFraming) {
  std::string out = "x";
  EncodeRleBitPackedLengthPrefixed(std::span<const uint8_t>(std::vector<uint8_t>(100, 1)), 1, &out);
  EXPECT_EQ(out, std::string("x\x03\x00\x00\x00\xc8\x01\x01", 8));

  out.clear();
  EncodeRleDictionaryIndices(std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7}, 8, &out);
  EXPECT_EQ(out, "\x03\x03\x88\xc6\xfa");

  EXPECT_EQ(RleDictionaryIndexBitWidth(0), 0);
  EXPECT_EQ(RleDictionaryIndexBitWidth(1), 0);
  EXPECT_EQ(RleDictionaryIndexBitWidth(2), 1);
  EXPECT_EQ(RleDictionaryIndexBitWidth(3), 2);
  EXPECT_EQ(RleDictionaryIndexBitWidth(256), 8);
  EXPECT_EQ(RleDictionaryIndexBitWidth(257), 9);
}

TEST(RleDecodeTest, SpecBytesDecode) {
  EXPECT_EQ(DecodeAll<uint32_t>("\x03\x88\xc6\xfa", 3, 8),
            (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  // Fewer values than the run holds: the padding is ignored.
  EXPECT_EQ(DecodeAll<uint8_t>("\x03\x88\xc6\xfa", 3, 5), (std::vector<uint8_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(DecodeAll<int16_t>("\xc8\x01\x05", 3, 100), std::vector<int16_t>(100, 5));
  EXPECT_EQ(DecodeAll<int32_t>(std::string("\x14\x01\x03\x0e\x00", 5), 2, 12),
            (std::vector<int32_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3}));
}

// Data with runs of assorted lengths, values below 2^bit_width.
std::vector<uint32_t> RandomRuns(std::mt19937_64& random, int bit_width, size_t count) {
  const uint64_t mask = bit_width == 32 ? 0xffffffffu : (uint64_t{1} << bit_width) - 1;
  std::vector<uint32_t> values;
  while (values.size() < count) {
    const uint32_t value = static_cast<uint32_t>(random() & mask);
    size_t run = 1;
    switch (random() % 4) {
      case 0:
        run = 1 + random() % 3;
        break;
      case 1:
        run = 5 + random() % 10;
        break;
      case 2:
        run = 8 + random() % 100;
        break;
      default:
        run = 1;
    }
    values.insert(values.end(), std::min(run, count - values.size()), value);
  }
  return values;
}

template <typename T>
void CheckRoundTrips(int max_width, uint64_t seed) {
  std::mt19937_64 random(seed);
  for (int width = 0; width <= max_width; ++width) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{1000}}) {
      SCOPED_TRACE(testing::Message() << "width " << width << " count " << count);
      const std::vector<uint32_t> wide = RandomRuns(random, width, count);
      const std::vector<T> values(wide.begin(), wide.end());
      const std::string encoded = Encode(values, width);
      ASSERT_EQ(ReferenceDecode(encoded, width, count), wide);
      // Decode in random batches into an exactly-sized copy of the stream.
      const std::string exact = encoded;
      RleBitPackedDecoder decoder;
      ASSERT_TRUE(decoder.Init(exact, width, count).ok());
      std::vector<T> decoded(count);
      size_t done = 0;
      while (done < count) {
        const size_t batch = std::min<size_t>(count - done, random() % 40);
        const absl::Status status = decoder.Decode(std::span<T>(decoded).subspan(done, batch));
        ASSERT_TRUE(status.ok()) << status;
        done += batch;
        ASSERT_EQ(decoder.values_remaining(), count - done);
      }
      ASSERT_EQ(decoded, values);
    }
  }
}

TEST(RleRoundTripTest, Uint8Levels) {
  CheckRoundTrips<uint8_t>(8, 10);
}
TEST(RleRoundTripTest, Int16Levels) {
  CheckRoundTrips<int16_t>(15, 11);
}
TEST(RleRoundTripTest, Int32Indices) {
  CheckRoundTrips<int32_t>(31, 12);
}
TEST(RleRoundTripTest, Uint32AllWidths) {
  CheckRoundTrips<uint32_t>(32, 13);
}

TEST(RleRoundTripTest, AlternatingAndAllEqual) {
  std::vector<uint8_t> alternating(1001);
  for (size_t i = 0; i < alternating.size(); ++i) {
    alternating[i] = i % 2;
  }
  std::string encoded = Encode(alternating, 1);
  EXPECT_EQ(encoded.size(), 2 + 126u);  // one bit-packed run: header of 2 bytes, 126 bytes
  EXPECT_EQ(DecodeAll<uint8_t>(encoded, 1, alternating.size()), alternating);

  const std::vector<uint32_t> equal(1 << 20, 77);
  encoded = Encode(equal, 7);
  EXPECT_EQ(encoded.size(), 5u);  // a 4-byte header (2^21) and the value
  EXPECT_EQ(DecodeAll<uint32_t>(encoded, 7, equal.size()), equal);
}

TEST(RleDecodeTest, LengthPrefixedStreamReportsItsEnd) {
  std::string page;
  EncodeRleBitPackedLengthPrefixed(
      std::span<const uint8_t>(std::vector<uint8_t>{1, 0, 1, 1, 1, 1, 1, 1, 1, 1}), 1, &page);
  const size_t levels_size = page.size();
  page += "values";
  RleBitPackedDecoder decoder;
  absl::StatusOr<size_t> end = decoder.InitLengthPrefixed(page, 1, 10);
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_EQ(*end, levels_size);
  EXPECT_EQ(std::string_view(page).substr(*end), "values");
  std::vector<uint8_t> levels(10);
  ASSERT_TRUE(decoder.Decode(std::span(levels)).ok());
  EXPECT_EQ(levels, (std::vector<uint8_t>{1, 0, 1, 1, 1, 1, 1, 1, 1, 1}));

  // The runs may not reach past the declared length, even when the page continues.
  RleBitPackedDecoder short_decoder;
  ASSERT_TRUE(
      short_decoder.InitLengthPrefixed(std::string_view("\x01\x00\x00\x00\xc8\x01\x01", 7), 1, 100)
          .ok());
  std::vector<uint8_t> many(100);
  EXPECT_EQ(short_decoder.Decode(std::span(many)).code(), absl::StatusCode::kDataLoss);

  EXPECT_EQ(decoder.InitLengthPrefixed(std::string_view("\x05\x00\x00", 3), 1, 1).status().code(),
            absl::StatusCode::kDataLoss);
  absl::StatusOr<size_t> too_long =
      decoder.InitLengthPrefixed(std::string_view("\x05\x00\x00\x00\x01", 5), 1, 1);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(too_long.status().message(), HasSubstr("length prefix says 5 bytes, only 1 follow"));
}

TEST(RleDecodeTest, DictionaryIndicesAreRangeChecked) {
  std::mt19937_64 random(14);
  const std::vector<uint32_t> wide = RandomRuns(random, 9, 2000);
  std::vector<int32_t> indices(wide.begin(), wide.end());
  for (int32_t& index : indices) {
    index %= 300;
  }
  std::string page;
  EncodeRleDictionaryIndices(indices, 300, &page);
  EXPECT_EQ(page[0], 9);

  RleBitPackedDecoder decoder;
  ASSERT_TRUE(decoder.InitDictionaryIndices(page, indices.size()).ok());
  std::vector<int32_t> decoded(indices.size());
  ASSERT_TRUE(decoder.DecodeDictionaryIndices(std::span(decoded), 300).ok());
  EXPECT_EQ(decoded, indices);

  // The same page read against a smaller dictionary: an index is out of range.
  ASSERT_TRUE(decoder.InitDictionaryIndices(page, indices.size()).ok());
  const absl::Status status = decoder.DecodeDictionaryIndices(std::span(decoded), 200);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("out of range for a dictionary of 200 entries"));
  EXPECT_EQ(decoder.values_remaining(), 0u);

  // 32-bit indices above INT32_MAX are out of range too, not negative codes.
  ASSERT_TRUE(decoder.InitDictionaryIndices("\x20\x02\xff\xff\xff\xff", 1).ok());
  std::vector<int32_t> one(1);
  EXPECT_EQ(decoder.DecodeDictionaryIndices(std::span(one), 1000).code(),
            absl::StatusCode::kDataLoss);

  // A one-entry dictionary has bit width 0 and needs no value bytes.
  ASSERT_TRUE(decoder.InitDictionaryIndices(std::string_view("\x00\x10", 2), 8).ok());
  std::vector<int32_t> zeros(8, 5);
  ASSERT_TRUE(decoder.DecodeDictionaryIndices(std::span(zeros), 1).ok());
  EXPECT_EQ(zeros, std::vector<int32_t>(8, 0));
  // ... but an empty dictionary admits no index at all.
  ASSERT_TRUE(decoder.InitDictionaryIndices(std::string_view("\x00\x10", 2), 8).ok());
  EXPECT_FALSE(decoder.DecodeDictionaryIndices(std::span(zeros), 0).ok());
}

// Decodes `count` uint32 values of `data` and returns the status.
absl::Status DecodeStatus(std::string_view data, int bit_width, size_t count) {
  RleBitPackedDecoder decoder;
  absl::Status status = decoder.Init(data, bit_width, count);
  if (!status.ok()) {
    return status;
  }
  std::vector<uint32_t> out(count);
  return decoder.Decode(std::span(out));
}

// Runs longer than the values wanted are cut short, as Arrow and parquet-java do: DuckDB pads its
// last bit-packed run with whole groups, and enormous claimed lengths allocate nothing.
TEST(RleHostileTest, OverlongRunsAreCutToTheCount) {
  const struct {
    std::string data;
    int bit_width;
    size_t count;
  } cases[] = {
      {"\x14\x01", 1, 9},                     // RLE run of 10 values, 9 wanted
      {"\x05\xff\xff", 1, 8},                 // 2 groups of 8, 8 wanted
      {"\xfe\xff\xff\xff\x0f\x01", 1, 1000},  // RLE run of 2^31 - 1 values
      {"\x03\xff", 1, 3},                     // one group of 8, 3 wanted
  };
  for (const auto& c : cases) {
    RleBitPackedDecoder decoder;
    ASSERT_TRUE(decoder.Init(c.data, c.bit_width, c.count).ok());
    std::vector<uint32_t> out(c.count);
    ASSERT_TRUE(decoder.Decode(std::span(out)).ok()) << c.count;
    EXPECT_EQ(out, std::vector<uint32_t>(c.count, 1));
  }
  // A bit-packed run claiming 2^63 groups still needs the bytes of the values wanted.
  EXPECT_EQ(DecodeStatus("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 8, 1000).code(),
            absl::StatusCode::kDataLoss);
}

TEST(RleHostileTest, MalformedStreamsNameTheProblemAndOffset) {
  const struct {
    std::string data;
    int bit_width;
    size_t count;
    std::string message;
  } cases[] = {
      {"", 1, 1, "data ends at byte offset 0 with 1 values still expected"},
      {"\x04\x01", 1, 3, "data ends at byte offset 2 with 1 values still expected"},
      {"\x80", 1, 1, "run header: truncated varint at byte offset 0"},
      {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 1, 1, "does not fit in 64 bits"},
      {"\x03\x88\xc6",
       3,
       8,
       "bit-packed run at byte offset 0 is truncated: 8 values need 3 bytes, only 2 remain"},
      {"\x10\x2c",
       9,
       8,
       "RLE run at byte offset 0 is truncated: its value needs 2 bytes, only 1 remain"},
      {"\x10\x02", 1, 8, "RLE run at byte offset 0 repeats 2, which does not fit in bit width 1"},
      {std::string("\x10\x00\x02", 3),
       9,
       8,
       "RLE run at byte offset 0 repeats 512, which does not fit in bit width 9"},
  };
  for (const auto& c : cases) {
    const absl::Status status = DecodeStatus(c.data, c.bit_width, c.count);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << c.message;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
}

TEST(RleHostileTest, CallerErrorsAreInvalidArgument) {
  RleBitPackedDecoder decoder;
  EXPECT_EQ(decoder.Init("", 33, 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoder.Init("", -1, 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decoder.values_remaining(), 0u);

  ASSERT_TRUE(decoder.Init("\x10\x01", 1, 8).ok());
  std::vector<uint8_t> nine(9);
  EXPECT_EQ(decoder.Decode(std::span(nine)).code(), absl::StatusCode::kInvalidArgument);
  // A refused request consumes nothing.
  EXPECT_TRUE(decoder.Decode(std::span(nine).first(8)).ok());

  ASSERT_TRUE(decoder.Init("\x10\x01\x01", 9, 8).ok());
  std::vector<uint8_t> bytes(8);
  EXPECT_EQ(decoder.Decode(std::span(bytes)).code(), absl::StatusCode::kInvalidArgument);

  const absl::Status wide = decoder.InitDictionaryIndices(std::string_view("\x21\x02\x00", 3), 1);
  EXPECT_EQ(wide.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wide.message(), HasSubstr("bit width 33 at byte offset 0 is more than 32"));
  EXPECT_EQ(decoder.InitDictionaryIndices("", 1).code(), absl::StatusCode::kDataLoss);
}

TEST(RleHostileTest, LenientWhereHarmless) {
  // The final group's padding may be missing: 3 values of 8 bits need only 3 of the run's 8 bytes.
  EXPECT_EQ(DecodeAll<uint32_t>("\x03\x0a\x0b\x0c", 8, 3), (std::vector<uint32_t>{10, 11, 12}));
  // Empty runs (an RLE run of 1s, a bit-packed run) are skipped.
  EXPECT_EQ(DecodeAll<uint32_t>(std::string("\x00\x01\x01\x04\x07", 5), 3, 2),
            (std::vector<uint32_t>{7, 7}));
  // Bytes after the last needed run are ignored.
  EXPECT_EQ(DecodeAll<uint32_t>("\x04\x07garbage", 3, 2), (std::vector<uint32_t>{7, 7}));
}

TEST(RleHostileTest, NothingMoreAfterAnError) {
  RleBitPackedDecoder decoder;
  ASSERT_TRUE(decoder.Init("\x04\x01\x10\x05", 1, 10).ok());
  std::vector<uint8_t> out(10);
  EXPECT_EQ(decoder.Decode(std::span(out)).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(decoder.values_remaining(), 0u);
  EXPECT_EQ(decoder.Decode(std::span(out).first(1)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RleHostileTest, EveryPrefixAndByteFlipFailsCleanly) {
  std::mt19937_64 random(15);
  const std::vector<uint32_t> values = RandomRuns(random, 5, 300);
  const std::string encoded = Encode(values, 5);
  for (size_t length = 0; length < encoded.size(); ++length) {
    // A strict prefix cannot yield all the values, except when only padding is cut.
    const absl::Status status =
        DecodeStatus(std::string(encoded.substr(0, length)), 5, values.size());
    if (status.ok()) {
      EXPECT_GT(length, encoded.size() - 8) << length;
    }
  }
  for (size_t i = 0; i < encoded.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string corrupt = encoded;
      corrupt[i] ^= static_cast<char>(1 << bit);
      (void)DecodeStatus(corrupt, 5, values.size());  // must not crash or read out of bounds
    }
  }
}

}  // namespace
}  // namespace strata::parquet
