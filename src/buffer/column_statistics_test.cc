#include "buffer/column_statistics.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace strata::buffer {
namespace {

TEST(ColumnStatisticsBuilderTest, EmptyHasNoBounds) {
  ColumnStatisticsBuilder builder(TypeId::kInt64);
  ColumnStatistics stats = builder.Finish(3);
  EXPECT_EQ(stats.null_count, 3);
  EXPECT_FALSE(stats.has_min_max());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(stats.max));
}

TEST(ColumnStatisticsBuilderTest, Int64IncludingExtremes) {
  ColumnStatisticsBuilder builder(TypeId::kInt64);
  builder.AddInt64(5);
  builder.AddInt64(-3);
  builder.AddInt64(4);
  EXPECT_EQ(std::get<int64_t>(builder.Min()), -3);
  EXPECT_EQ(std::get<int64_t>(builder.Max()), 5);
  builder.AddInt64(std::numeric_limits<int64_t>::max());
  builder.AddInt64(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(std::get<int64_t>(builder.Min()), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(std::get<int64_t>(builder.Max()), std::numeric_limits<int64_t>::max());
}

TEST(ColumnStatisticsBuilderTest, SingleValueIsBothBounds) {
  ColumnStatisticsBuilder builder(TypeId::kUInt64);
  builder.AddUInt64(0);
  EXPECT_EQ(std::get<uint64_t>(builder.Min()), 0u);
  EXPECT_EQ(std::get<uint64_t>(builder.Max()), 0u);
  builder.AddUInt64(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(std::get<uint64_t>(builder.Max()), std::numeric_limits<uint64_t>::max());
}

TEST(ColumnStatisticsBuilderTest, Float64) {
  ColumnStatisticsBuilder builder(TypeId::kFloat64);
  builder.AddFloat64(1.5);
  builder.AddFloat64(-2.25);
  builder.AddFloat64(0.0);
  EXPECT_EQ(std::get<double>(builder.Min()), -2.25);
  EXPECT_EQ(std::get<double>(builder.Max()), 1.5);
}

TEST(ColumnStatisticsBuilderTest, BoolFalseBeforeTrue) {
  ColumnStatisticsBuilder only_true(TypeId::kBool);
  only_true.AddBool(true);
  EXPECT_EQ(std::get<bool>(only_true.Min()), true);
  ColumnStatisticsBuilder both(TypeId::kBool);
  both.AddBool(true);
  both.AddBool(false);
  EXPECT_EQ(std::get<bool>(both.Min()), false);
  EXPECT_EQ(std::get<bool>(both.Max()), true);
}

TEST(ColumnStatisticsBuilderTest, StringsCompareAsUnsignedBytes) {
  ColumnStatisticsBuilder builder(TypeId::kDictionary);
  builder.AddString("m");
  builder.AddString("ab");
  builder.AddString("b");
  builder.AddString("\xc3\xa9");  // é sorts after every ASCII byte
  builder.AddString("a");
  EXPECT_EQ(std::get<std::string>(builder.Min()), "a");
  EXPECT_EQ(std::get<std::string>(builder.Max()), "\xc3\xa9");
  builder.AddString("");
  EXPECT_EQ(std::get<std::string>(builder.Min()), "");
}

TEST(ColumnStatisticsBuilderTest, TimestampUsesInt64) {
  ColumnStatisticsBuilder builder(TypeId::kTimestamp);
  builder.AddInt64(-10);
  builder.AddInt64(10);
  ColumnStatistics stats = builder.Finish(0);
  EXPECT_EQ(std::get<int64_t>(stats.min), -10);
  EXPECT_EQ(std::get<int64_t>(stats.max), 10);
}

}  // namespace
}  // namespace strata::buffer
