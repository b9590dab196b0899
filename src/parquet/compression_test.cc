// Tests for the page codecs: round trips, data written by other tools (gzip and zstd command
// lines, a hand-made Snappy block), multi-member and multi-frame pages, the size checks, and
// corrupt or random input.
#include "parquet/compression.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kLimit = 64 << 20;

const Codec& Get(CodecId id) {
  absl::StatusOr<const Codec*> codec = GetCodec(id);
  EXPECT_TRUE(codec.ok()) << codec.status();
  return **codec;
}

std::string Decompressed(CodecId id, std::string_view input, int64_t size) {
  std::string out = "stale";
  const absl::Status status = Get(id).Decompress(input, size, kLimit, &out);
  EXPECT_TRUE(status.ok()) << CodecName(id) << ": " << status;
  return out;
}

// Inputs that compress well, badly, and not at all.
std::vector<std::string> Inputs() {
  std::mt19937_64 random(30);
  std::vector<std::string> inputs = {"", "x", std::string(100000, 'a')};
  std::string noise(70000, '\0');
  for (char& c : noise) {
    c = static_cast<char>(random());
  }
  inputs.push_back(noise);
  std::string text;
  while (text.size() < 300000) {
    text += "cpu,host=server" + std::to_string(random() % 50) +
            " usage=" + std::to_string(random() % 100) + "\n";
  }
  inputs.push_back(text);
  return inputs;
}

constexpr CodecId kSupported[] = {
    CodecId::kUncompressed, CodecId::kSnappy, CodecId::kGzip, CodecId::kZstd};

TEST(CompressionTest, RoundTripsAtEveryDefaultAndSomeLevels) {
  for (const CodecId id : kSupported) {
    const Codec& codec = Get(id);
    EXPECT_EQ(codec.id(), id);
    for (const std::string& input : Inputs()) {
      std::string compressed = "stale";
      ASSERT_TRUE(codec.Compress(input, std::nullopt, &compressed).ok()) << CodecName(id);
      EXPECT_EQ(Decompressed(id, compressed, static_cast<int64_t>(input.size())), input)
          << CodecName(id) << " " << input.size();
      if (input.size() == 100000 && id != CodecId::kUncompressed) {
        EXPECT_LT(compressed.size(), 6000u) << CodecName(id);
      }
    }
  }
  const std::string input = Inputs().back();
  for (const auto& [id, level] : std::vector<std::pair<CodecId, int>>{
           {CodecId::kGzip, 0}, {CodecId::kGzip, 9}, {CodecId::kZstd, -5}, {CodecId::kZstd, 19}}) {
    std::string compressed;
    ASSERT_TRUE(Get(id).Compress(input, level, &compressed).ok()) << CodecName(id) << level;
    EXPECT_EQ(Decompressed(id, compressed, static_cast<int64_t>(input.size())), input);
  }
}

TEST(CompressionTest, DataFromOtherImplementations) {
  // `printf hello | gzip -n`
  const std::string gzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00\x86\xa6\x10\x36\x05"
      "\x00\x00\x00",
      25);
  EXPECT_EQ(Decompressed(CodecId::kGzip, gzip, 5), "hello");
  // Several gzip members in one page (Compression.md: readers should accept them).
  EXPECT_EQ(Decompressed(CodecId::kGzip, gzip + gzip + gzip, 15), "hellohellohello");
  // A zlib stream (Python's zlib.compress(b"hello")), as some writers produce for GZIP.
  EXPECT_EQ(Decompressed(CodecId::kGzip,
                         std::string("\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00\x06\x2c\x02\x15", 13),
                         5),
            "hello");
  // `printf hello | zstd`: a frame without a content size.
  const std::string zstd("\x28\xb5\x2f\xfd\x04\x58\x29\x00\x00\x68\x65\x6c\x6c\x6f\xa3\x6d\x9f\x88",
                         18);
  EXPECT_EQ(Decompressed(CodecId::kZstd, zstd, 5), "hello");
  EXPECT_EQ(Decompressed(CodecId::kZstd, zstd + zstd, 10), "hellohello");
  // Snappy: the length 5, then one literal tag ((5 - 1) << 2) and the bytes.
  EXPECT_EQ(Decompressed(CodecId::kSnappy, "\x05\x10hello", 5), "hello");
}

TEST(CompressionTest, DeclaredSizeIsCheckedBeforeAndAfter) {
  const std::string input(5000, 'z');
  for (const CodecId id : kSupported) {
    SCOPED_TRACE(CodecName(id));
    const Codec& codec = Get(id);
    std::string compressed;
    ASSERT_TRUE(codec.Compress(input, std::nullopt, &compressed).ok());
    std::string out;
    absl::Status status = codec.Decompress(compressed, 5000, 4999, &out);
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(status.message(),
                HasSubstr("declares 5000 uncompressed bytes, more than the limit"));
    EXPECT_EQ(codec.Decompress(compressed, -1, kLimit, &out).code(), absl::StatusCode::kDataLoss);
    // Smaller or larger than the data really is.
    status = codec.Decompress(compressed, 4999, kLimit, &out);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(codec.Decompress(compressed, 5001, kLimit, &out).code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(codec.Decompress(compressed, 0, kLimit, &out).code(), absl::StatusCode::kDataLoss);
    ASSERT_TRUE(codec.Decompress(compressed, 5000, 5000, &out).ok());
    EXPECT_EQ(out, input);
  }
}

TEST(CompressionTest, CorruptAndTruncatedDataIsDataLoss) {
  const std::string input = Inputs().back().substr(0, 20000);
  for (const CodecId id : {CodecId::kSnappy, CodecId::kGzip, CodecId::kZstd}) {
    SCOPED_TRACE(CodecName(id));
    const Codec& codec = Get(id);
    std::string compressed;
    ASSERT_TRUE(codec.Compress(input, std::nullopt, &compressed).ok());
    const int64_t size = static_cast<int64_t>(input.size());
    std::string out;
    for (size_t length : {size_t{0}, size_t{1}, compressed.size() / 2, compressed.size() - 1}) {
      EXPECT_EQ(codec.Decompress(compressed.substr(0, length), size, kLimit, &out).code(),
                absl::StatusCode::kDataLoss)
          << length;
    }
    // Flipped bytes either fail or (in literal data without a checksum) change the output;
    // neither may write outside the buffer.
    std::mt19937_64 random(31);
    for (int trial = 0; trial < 300; ++trial) {
      std::string corrupt = compressed;
      corrupt[random() % corrupt.size()] ^= static_cast<char>(1 + random() % 255);
      const absl::Status status = codec.Decompress(corrupt, size, kLimit, &out);
      if (!status.ok()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      } else {
        EXPECT_EQ(out.size(), input.size());
      }
    }
    // Random bytes.
    for (int trial = 0; trial < 300; ++trial) {
      std::string noise(random() % 64, '\0');
      for (char& c : noise) {
        c = static_cast<char>(random());
      }
      const absl::Status status = codec.Decompress(noise, random() % 100, kLimit, &out);
      EXPECT_TRUE(status.ok() || status.code() == absl::StatusCode::kDataLoss) << status;
    }
  }
  // Trailing garbage after a complete gzip member is not another member.
  std::string gzip;
  ASSERT_TRUE(Get(CodecId::kGzip).Compress("hello", std::nullopt, &gzip).ok());
  std::string out;
  EXPECT_EQ(Get(CodecId::kGzip).Decompress(gzip + "junk", 5, kLimit, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(CompressionTest, UncompressedSizeMustMatch) {
  std::string out;
  const absl::Status status = Get(CodecId::kUncompressed).Decompress("abc", 4, kLimit, &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "UNCOMPRESSED: the page holds 3 bytes, its header declares 4");
}

TEST(CompressionTest, DecompressToTheCallersBuffer) {
  std::string compressed;
  ASSERT_TRUE(Get(CodecId::kZstd).Compress("0123456789", std::nullopt, &compressed).ok());
  char buffer[12] = "xxxxxxxxxxx";
  ASSERT_TRUE(Get(CodecId::kZstd).DecompressTo(compressed, std::span<char>(buffer, 10)).ok());
  EXPECT_EQ(std::string(buffer, 11), "0123456789x");
  EXPECT_EQ(Get(CodecId::kZstd).DecompressTo(compressed, std::span<char>(buffer, 9)).code(),
            absl::StatusCode::kDataLoss);
}

TEST(CompressionTest, LevelsAreValidated) {
  std::string out;
  EXPECT_EQ(Get(CodecId::kGzip).Compress("x", 10, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(CodecId::kGzip).Compress("x", -1, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(CodecId::kZstd).Compress("x", 1000, &out).code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status status = Get(CodecId::kSnappy).Compress("x", 3, &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "SNAPPY has no compression levels (got level 3)");
  EXPECT_EQ(Get(CodecId::kUncompressed).Compress("x", 1, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompressionTest, UnsupportedAndUnknownCodecs) {
  for (const CodecId id : {CodecId::kLzo, CodecId::kBrotli, CodecId::kLz4, CodecId::kLz4Raw}) {
    const absl::Status status = GetCodec(id).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
    EXPECT_EQ(status.message(), "compression codec " + CodecName(id) + " is not supported");
  }
  EXPECT_EQ(CodecName(CodecId::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(CodecName(static_cast<CodecId>(42)), "CODEC(42)");
  EXPECT_EQ(GetCodec(static_cast<CodecId>(42)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetCodec(static_cast<CodecId>(-1)).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::parquet
