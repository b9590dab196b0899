#include "common/byte_size.h"

#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(FormatByteSizeTest, BinaryUnitsWithOneDecimal) {
  EXPECT_EQ(FormatByteSize(0), "0 B");
  EXPECT_EQ(FormatByteSize(1023), "1023 B");
  EXPECT_EQ(FormatByteSize(1024), "1.0 KiB");
  EXPECT_EQ(FormatByteSize(1536), "1.5 KiB");
  EXPECT_EQ(FormatByteSize(uint64_t{120} << 20), "120.0 MiB");
  EXPECT_EQ(FormatByteSize(uint64_t{8} << 30), "8.0 GiB");
  EXPECT_EQ(FormatByteSize(uint64_t{3} << 40), "3.0 TiB");
  EXPECT_EQ(FormatByteSize(UINT64_MAX), "16.0 EiB");
}

}  // namespace
}  // namespace strata
