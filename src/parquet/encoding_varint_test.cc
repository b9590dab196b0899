// Tests for ULEB128 varints and zigzag integers.
#include "parquet/encoding_varint.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

TEST(VarintTest, KnownEncodings) {
  const struct {
    uint64_t value;
    std::string bytes;
  } cases[] = {
      {0, std::string("\x00", 1)},
      {1, "\x01"},
      {127, "\x7f"},
      {128, "\x80\x01"},
      {300, "\xac\x02"},
      {std::numeric_limits<uint64_t>::max(), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
  };
  for (const auto& c : cases) {
    std::string out;
    AppendUleb128(c.value, &out);
    EXPECT_EQ(out, c.bytes) << c.value;
    size_t offset = 0;
    uint64_t value = 0;
    ASSERT_TRUE(ReadUleb128(out, &offset, &value, "test").ok()) << c.value;
    EXPECT_EQ(value, c.value);
    EXPECT_EQ(offset, out.size());
  }
}

TEST(VarintTest, ReadsFromTheGivenOffset) {
  const std::string data = "ab\x96\x01z";
  size_t offset = 2;
  uint64_t value = 0;
  ASSERT_TRUE(ReadUleb128(data, &offset, &value, "test").ok());
  EXPECT_EQ(value, 150u);
  EXPECT_EQ(offset, 4u);
}

TEST(VarintTest, TruncatedVarintNamesItsOffset) {
  const std::string data = "xx\x80\x80";
  size_t offset = 2;
  uint64_t value = 0;
  const absl::Status status = ReadUleb128(data, &offset, &value, "run header");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "run header: truncated varint at byte offset 2");
  EXPECT_EQ(offset, 2u);

  offset = 4;  // at the end
  EXPECT_EQ(ReadUleb128(data, &offset, &value, "run header").code(), absl::StatusCode::kDataLoss);
}

TEST(VarintTest, MoreThan64BitsIsRefused) {
  uint64_t value = 0;
  // Ten bytes whose last carries bit 64.
  size_t offset = 0;
  absl::Status status =
      ReadUleb128("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", &offset, &value, "count");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "count: varint at byte offset 0 does not fit in 64 bits");
  // Eleven bytes.
  offset = 0;
  status = ReadUleb128("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", &offset, &value, "count");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

TEST(ZigZagTest, MapsSmallMagnitudesToSmallValues) {
  EXPECT_EQ(ZigZagEncode(0), 0u);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
  EXPECT_EQ(ZigZagEncode(-2), 3u);
  EXPECT_EQ(ZigZagEncode(std::numeric_limits<int64_t>::max()),
            std::numeric_limits<uint64_t>::max() - 1);
  EXPECT_EQ(ZigZagEncode(std::numeric_limits<int64_t>::min()),
            std::numeric_limits<uint64_t>::max());
  for (int64_t value : {int64_t{0},
                        int64_t{-1},
                        int64_t{1},
                        int64_t{-123456789},
                        std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(value)), value);
  }
}

}  // namespace
}  // namespace strata::parquet
