#include "cli/flag_values.h"

#include "gtest/gtest.h"

namespace strata::cli {
namespace {

TEST(FlagValuesTest, ByteSizes) {
  EXPECT_EQ(*ParseByteSize("0"), 0u);
  EXPECT_EQ(*ParseByteSize("1048576"), 1048576u);
  EXPECT_EQ(*ParseByteSize("10MiB"), 10u << 20);
  EXPECT_EQ(*ParseByteSize("10mb"), 10'000'000u);
  EXPECT_EQ(*ParseByteSize("2G"), 2ull << 30);
  EXPECT_EQ(*ParseByteSize("1.5KiB"), 1536u);
  EXPECT_FALSE(ParseByteSize("").ok());
  EXPECT_FALSE(ParseByteSize("MiB").ok());
  EXPECT_FALSE(ParseByteSize("10 parsecs").ok());
  EXPECT_FALSE(ParseByteSize("-1").ok());
  EXPECT_FALSE(ParseByteSize("99999999999TiB").ok());
}

TEST(FlagValuesTest, MemorySizes) {
  const uint64_t total = 16ull << 30;
  EXPECT_EQ(*ParseMemorySize("512MiB", total), 512u << 20);
  EXPECT_EQ(*ParseMemorySize("0", total), 0u);
  EXPECT_EQ(*ParseMemorySize("25%", total), 4ull << 30);
  EXPECT_EQ(*ParseMemorySize("12.5%", total), 2ull << 30);
  EXPECT_EQ(*ParseMemorySize("100%", total), total);
  EXPECT_FALSE(ParseMemorySize("101%", total).ok());
  EXPECT_FALSE(ParseMemorySize("%", total).ok());
  EXPECT_FALSE(ParseMemorySize("20MiB%", total).ok());
  EXPECT_FALSE(ParseMemorySize("20%", 0).ok());
  EXPECT_FALSE(ParseMemorySize("lots", total).ok());
  // Whatever this machine has, it has some.
  EXPECT_GT(AvailableMemoryBytes(), 0u);
}

TEST(FlagValuesTest, Durations) {
  EXPECT_EQ(*ParseDuration("0"), std::chrono::nanoseconds(0));
  EXPECT_EQ(*ParseDuration("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(*ParseDuration("1ms"), std::chrono::milliseconds(1));
  EXPECT_EQ(*ParseDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(*ParseDuration("2m"), std::chrono::minutes(2));
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("5 fortnights").ok());
  EXPECT_FALSE(ParseDuration("1..2s").ok());
}

}  // namespace
}  // namespace strata::cli
