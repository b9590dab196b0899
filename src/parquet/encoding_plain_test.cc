// Tests for the PLAIN encoding: exact bytes per physical type, bit-exact floating point round
// trips, BYTE_ARRAY views and heap references, batch decoding, and truncated pages.
#include "parquet/encoding_plain.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

template <typename T>
std::string Encode(const std::vector<T>& values) {
  std::string out;
  EncodePlain(std::span<const T>(values), &out);
  return out;
}

template <typename T>
uint64_t Bits(T value) {
  if constexpr (sizeof(T) == 4) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    return bits;
  } else {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    return bits;
  }
}

TEST(PlainTest, FixedWidthBytesAreLittleEndian) {
  EXPECT_EQ(Encode<int32_t>({1, -1, 0x01020304}),
            std::string("\x01\x00\x00\x00\xff\xff\xff\xff\x04\x03\x02\x01", 12));
  EXPECT_EQ(Encode<int64_t>({std::numeric_limits<int64_t>::min(), 2}),
            std::string("\x00\x00\x00\x00\x00\x00\x00\x80\x02\x00\x00\x00\x00\x00\x00\x00", 16));
  EXPECT_EQ(Encode<double>({1.0, -0.0}),
            std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x80", 16));
  EXPECT_EQ(Encode<float>({1.0f, -2.5f}), std::string("\x00\x00\x80\x3f\x00\x00\x20\xc0", 8));
  EXPECT_EQ(Encode<int32_t>({}), "");
}

template <typename T>
void CheckRoundTrip(const std::vector<T>& values) {
  const std::string encoded = Encode(values);
  ASSERT_EQ(encoded.size(), values.size() * sizeof(T));
  std::vector<T> decoded(values.size());
  absl::StatusOr<size_t> read = DecodePlain(encoded, std::span<T>(decoded));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, encoded.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(Bits(decoded[i]), Bits(values[i])) << "value " << i;
  }
}

TEST(PlainTest, EdgeValuesRoundTripBitExact) {
  CheckRoundTrip<int32_t>(
      {0, 1, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
  CheckRoundTrip<int64_t>(
      {0, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()});
  double payload_nan;
  const uint64_t nan_bits = 0x7ff8dead0000beefULL;
  std::memcpy(&payload_nan, &nan_bits, 8);
  CheckRoundTrip<double>({0.0,
                          -0.0,
                          std::numeric_limits<double>::quiet_NaN(),
                          -std::numeric_limits<double>::quiet_NaN(),
                          payload_nan,
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::lowest()});
  CheckRoundTrip<float>({0.0f,
                         -0.0f,
                         std::numeric_limits<float>::quiet_NaN(),
                         std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::denorm_min()});
  std::mt19937_64 random(7);
  std::vector<int64_t> many(10000);
  for (int64_t& value : many) {
    value = static_cast<int64_t>(random());
  }
  CheckRoundTrip(many);
}

TEST(PlainTest, DecodeInBatchesAdvancesByTheBytesRead) {
  const std::vector<double> values = {1.5, 2.5, 3.5, 4.5, 5.5};
  std::string encoded = Encode(values);
  encoded += "trailing";  // the rest of the page is left alone
  std::string_view input = encoded;
  std::vector<double> decoded;
  for (size_t batch : {2, 0, 3}) {
    std::vector<double> part(batch);
    absl::StatusOr<size_t> read = DecodePlain(input, std::span<double>(part));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, batch * 8);
    input.remove_prefix(*read);
    decoded.insert(decoded.end(), part.begin(), part.end());
  }
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(input, "trailing");
}

TEST(PlainTest, WideningDecoders) {
  const std::string ints = Encode<int32_t>({std::numeric_limits<int32_t>::min(), -1, 7});
  std::vector<int64_t> wide(3);
  ASSERT_EQ(DecodePlainInt32ToInt64(ints, std::span<int64_t>(wide)).value(), 12u);
  EXPECT_EQ(wide, (std::vector<int64_t>{std::numeric_limits<int32_t>::min(), -1, 7}));

  const std::string floats = Encode<float>({0.1f, -0.0f, std::numeric_limits<float>::quiet_NaN()});
  std::vector<double> doubles(3);
  ASSERT_EQ(DecodePlainFloatToDouble(floats, std::span<double>(doubles)).value(), 12u);
  EXPECT_EQ(doubles[0], static_cast<double>(0.1f));
  EXPECT_TRUE(std::signbit(doubles[1]) && doubles[1] == 0.0);
  EXPECT_TRUE(std::isnan(doubles[2]));

  EXPECT_EQ(DecodePlainInt32ToInt64(ints.substr(0, 11), std::span<int64_t>(wide)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      DecodePlainFloatToDouble(floats.substr(0, 11), std::span<double>(doubles)).status().code(),
      absl::StatusCode::kDataLoss);
}

TEST(PlainTest, ShortInputIsDataLossNamingTheSizes) {
  std::vector<int64_t> out(3);
  absl::StatusOr<size_t> read = DecodePlain(std::string(23, '\0'), std::span<int64_t>(out));
  ASSERT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(read.status().message(), "PLAIN INT64: 3 values need 24 bytes, only 23 remain");
  std::vector<float> floats(1);
  EXPECT_FALSE(DecodePlain(std::string(3, '\0'), std::span<float>(floats)).ok());
  std::vector<int32_t> none;
  EXPECT_EQ(DecodePlain(std::string_view(), std::span<int32_t>(none)).value(), 0u);
}

TEST(PlainBooleanTest, BitsArePackedLsbFirst) {
  const std::vector<uint8_t> values = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  std::string out;
  EncodePlainBoolean(values, &out);
  EXPECT_EQ(out, std::string("\x0d\x01", 2));
  // Any non-zero byte is true.
  out.clear();
  EncodePlainBoolean(std::vector<uint8_t>{0, 2, 0xff}, &out);
  EXPECT_EQ(out, "\x06");
}

TEST(PlainBooleanTest, DecodeFromAnyFirstValue) {
  std::mt19937_64 random(8);
  std::vector<uint8_t> values(333);
  for (uint8_t& value : values) {
    value = random() & 1;
  }
  std::string encoded;
  EncodePlainBoolean(values, &encoded);
  ASSERT_EQ(encoded.size(), 42u);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t first = random() % values.size();
    const size_t count = random() % (values.size() - first + 1);
    std::vector<uint8_t> decoded(count);
    ASSERT_TRUE(DecodePlainBoolean(encoded, first, std::span<uint8_t>(decoded)).ok());
    ASSERT_EQ(decoded,
              std::vector<uint8_t>(values.begin() + static_cast<ptrdiff_t>(first),
                                   values.begin() + static_cast<ptrdiff_t>(first + count)))
        << "first " << first << " count " << count;
  }
}

TEST(PlainBooleanTest, ShortInputIsDataLoss) {
  std::vector<uint8_t> out(9);
  absl::Status status = DecodePlainBoolean("\xff", 0, std::span<uint8_t>(out));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "PLAIN BOOLEAN: values 0 to 9 need 2 bytes, only 1 remain");
  std::vector<uint8_t> one(1);
  EXPECT_FALSE(DecodePlainBoolean("\xff", 8, std::span<uint8_t>(one)).ok());
  EXPECT_TRUE(DecodePlainBoolean("\xff", 7, std::span<uint8_t>(one)).ok());
  EXPECT_EQ(one[0], 1);
  // A first value so large that first + count wraps around.
  EXPECT_FALSE(
      DecodePlainBoolean("\xff", std::numeric_limits<size_t>::max(), std::span<uint8_t>(one)).ok());
}

TEST(PlainByteArrayTest, LengthPrefixedBytes) {
  const std::vector<std::string_view> values = {"", "a", "h\xc3\xa9llo", "\xf0\x9f\x98\x80"};
  std::string out;
  ASSERT_TRUE(EncodePlainByteArray(values, &out).ok());
  EXPECT_EQ(out,
            std::string("\x00\x00\x00\x00"
                        "\x01\x00\x00\x00"
                        "a"
                        "\x06\x00\x00\x00"
                        "h\xc3\xa9llo"
                        "\x04\x00\x00\x00"
                        "\xf0\x9f\x98\x80",
                        4 + 5 + 10 + 8));

  std::vector<std::string_view> views(values.size());
  absl::StatusOr<size_t> read = DecodePlainByteArray(out, std::span<std::string_view>(views));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, out.size());
  EXPECT_EQ(views, values);
  // The views point into the page, not at copies.
  EXPECT_EQ(views[1].data(), out.data() + 8);
}

TEST(PlainByteArrayTest, StringRefsIndexThePageBuffer) {
  const std::string page = "head" + [] {
    std::string encoded;
    const std::vector<std::string_view> values = {"xyz", "", "hello"};
    EXPECT_TRUE(EncodePlainByteArray(values, &encoded).ok());
    return encoded;
  }();
  std::vector<StringRef> refs(3);
  absl::StatusOr<size_t> read =
      DecodePlainByteArray(std::string_view(page).substr(4), 4, std::span<StringRef>(refs));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, page.size() - 4);
  EXPECT_EQ(page.substr(refs[0].offset, refs[0].length), "xyz");
  EXPECT_EQ(refs[1].length, 0u);
  EXPECT_EQ(page.substr(refs[2].offset, refs[2].length), "hello");
  EXPECT_EQ(refs[0].offset, 8u);

  std::vector<StringRef> one(1);
  EXPECT_EQ(DecodePlainByteArray(std::string_view(page).substr(4),
                                 std::numeric_limits<uint32_t>::max() - 4,
                                 std::span<StringRef>(one))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PlainByteArrayTest, EncodeFromAColumnHeap) {
  const std::string heap = "hello world";
  const std::vector<StringRef> refs = {{6, 5}, {0, 0}, {0, 5}};
  std::string from_refs;
  ASSERT_TRUE(EncodePlainByteArray(refs, heap, &from_refs).ok());
  std::string from_views;
  const std::vector<std::string_view> views = {"world", "", "hello"};
  ASSERT_TRUE(EncodePlainByteArray(views, &from_views).ok());
  EXPECT_EQ(from_refs, from_views);
}

TEST(PlainByteArrayTest, RandomRoundTripInBatches) {
  std::mt19937_64 random(9);
  std::vector<std::string> strings(500);
  for (std::string& s : strings) {
    s.resize(random() % 40);
    for (char& c : s) {
      c = static_cast<char>(random());
    }
  }
  const std::vector<std::string_view> values(strings.begin(), strings.end());
  std::string encoded;
  ASSERT_TRUE(EncodePlainByteArray(values, &encoded).ok());
  std::string_view input = encoded;
  std::vector<std::string_view> decoded;
  while (decoded.size() < values.size()) {
    std::vector<std::string_view> batch(
        std::min<size_t>(values.size() - decoded.size(), 1 + random() % 64));
    absl::StatusOr<size_t> read = DecodePlainByteArray(input, std::span<std::string_view>(batch));
    ASSERT_TRUE(read.ok()) << read.status();
    input.remove_prefix(*read);
    decoded.insert(decoded.end(), batch.begin(), batch.end());
  }
  EXPECT_EQ(decoded, values);
  EXPECT_TRUE(input.empty());
}

TEST(PlainByteArrayTest, HostileLengthsAreDataLoss) {
  std::vector<std::string_view> out(2);
  // A length prefix cut short.
  absl::StatusOr<size_t> read =
      DecodePlainByteArray(std::string("\x01\x00\x00\x00x\x05\x00", 7), std::span(out));
  ASSERT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(read.status().message(),
            "PLAIN BYTE_ARRAY: value 1 at byte offset 5: truncated length (2 of 4 bytes)");
  // A length beyond the page, including one that would wrap a 32-bit offset.
  read = DecodePlainByteArray(std::string("\x01\x00\x00\x00x\x05\x00\x00\x00"
                                          "abc",
                                          12),
                              std::span(out));
  ASSERT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(read.status().message(),
            "PLAIN BYTE_ARRAY: value 1 at byte offset 5: length 5 exceeds the 3 bytes remaining");
  read = DecodePlainByteArray(std::string("\xff\xff\xff\xff", 4), std::span(out).first(1));
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  std::vector<StringRef> refs(1);
  EXPECT_EQ(
      DecodePlainByteArray(std::string("\xfe\xff\xff\xff", 4), 0, std::span(refs)).status().code(),
      absl::StatusCode::kDataLoss);
  // Every strict prefix of a valid page fails cleanly.
  std::string encoded;
  const std::vector<std::string_view> values = {"alpha", "", "gamma"};
  ASSERT_TRUE(EncodePlainByteArray(values, &encoded).ok());
  std::vector<std::string_view> three(3);
  for (size_t length = 0; length < encoded.size(); ++length) {
    EXPECT_FALSE(
        DecodePlainByteArray(std::string_view(encoded).substr(0, length), std::span(three)).ok())
        << length;
  }
}

TEST(PlainFixedLenByteArrayTest, RoundTripAndErrors) {
  const std::vector<std::string_view> values = {"abcd", std::string_view("\0\0\0\0", 4), "wxyz"};
  std::string encoded;
  ASSERT_TRUE(EncodePlainFixedLenByteArray(values, 4, &encoded).ok());
  EXPECT_EQ(encoded, std::string("abcd\0\0\0\0wxyz", 12));
  std::vector<std::string_view> decoded(3);
  ASSERT_EQ(DecodePlainFixedLenByteArray(encoded, 4, std::span(decoded)).value(), 12u);
  EXPECT_EQ(decoded, values);

  EXPECT_EQ(
      DecodePlainFixedLenByteArray(encoded.substr(0, 11), 4, std::span(decoded)).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodePlainFixedLenByteArray(encoded, 0, std::span(decoded)).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string unchanged = "keep";
  const std::vector<std::string_view> ragged = {"abcd", "abc"};
  absl::Status status = EncodePlainFixedLenByteArray(ragged, 4, &unchanged);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "PLAIN FIXED_LEN_BYTE_ARRAY: value 1 is 3 bytes, the type length is 4");
  EXPECT_EQ(unchanged, "keep");
  EXPECT_EQ(EncodePlainFixedLenByteArray(values, -1, &unchanged).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::parquet
