#include "common/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace strata {
uint32_t Crc32cExtendPortableForTesting(uint32_t crc, const void* data, size_t size);
namespace {

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 (iSCSI) test vectors.
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(Crc32c(ones), 0x62a8ab43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46dd794eu);
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data = "the quick brown fox jumps over the lazy dog, twice over";
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t first = Crc32cExtend(0, data.data(), split);
    EXPECT_EQ(Crc32cExtend(first, data.data() + split, data.size() - split), Crc32c(data));
  }
}

TEST(Crc32cTest, HardwareMatchesPortable) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7919 % 251));
  for (size_t len : {0, 1, 7, 8, 9, 63, 64, 999, 1000}) {
    EXPECT_EQ(Crc32cExtend(0, data.data(), len),
              Crc32cExtendPortableForTesting(0, data.data(), len))
        << len;
  }
}

TEST(Crc32cTest, MaskRoundTrips) {
  for (uint32_t crc : {0u, 1u, 0xffffffffu, 0xe3069283u}) {
    EXPECT_NE(Crc32cMask(crc), crc);
    EXPECT_EQ(Crc32cUnmask(Crc32cMask(crc)), crc);
  }
}

}  // namespace
}  // namespace strata
