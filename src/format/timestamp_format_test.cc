#include "format/timestamp_format.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::format {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86'400 * kSecond;
constexpr int64_t k2016 = 1'451'606'400 * kSecond;  // 2016-01-01T00:00:00

TEST(FormatTimestampTest, Epoch) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00");
  EXPECT_EQ(FormatTimestamp(kSecond), "1970-01-01T00:00:01");
  EXPECT_EQ(FormatTimestamp(kDay - kSecond), "1970-01-01T23:59:59");
  EXPECT_EQ(FormatTimestamp(kDay), "1970-01-02T00:00:00");
}

TEST(FormatTimestampTest, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(FormatTimestamp(k2016), "2016-01-01T00:00:00");
  EXPECT_EQ(FormatTimestamp(k2016 + 3723 * kSecond), "2016-01-01T01:02:03");
}

TEST(FormatTimestampTest, FractionUsesThreeSixOrNineDigits) {
  EXPECT_EQ(FormatTimestamp(k2016 + 500'000'000), "2016-01-01T00:00:00.500");
  EXPECT_EQ(FormatTimestamp(k2016 + 1'000'000), "2016-01-01T00:00:00.001");
  EXPECT_EQ(FormatTimestamp(k2016 + 999'000'000), "2016-01-01T00:00:00.999");
  EXPECT_EQ(FormatTimestamp(k2016 + 123'456'000), "2016-01-01T00:00:00.123456");
  EXPECT_EQ(FormatTimestamp(k2016 + 100'000), "2016-01-01T00:00:00.000100");
  EXPECT_EQ(FormatTimestamp(k2016 + 1'000), "2016-01-01T00:00:00.000001");
  EXPECT_EQ(FormatTimestamp(k2016 + 120'000), "2016-01-01T00:00:00.000120");
  EXPECT_EQ(FormatTimestamp(k2016 + 123'456'789), "2016-01-01T00:00:00.123456789");
  EXPECT_EQ(FormatTimestamp(k2016 + 1), "2016-01-01T00:00:00.000000001");
  EXPECT_EQ(FormatTimestamp(k2016 + 10), "2016-01-01T00:00:00.000000010");
  EXPECT_EQ(FormatTimestamp(k2016 + 100'000'001), "2016-01-01T00:00:00.100000001");
  EXPECT_EQ(FormatTimestamp(k2016 + 999'999'999), "2016-01-01T00:00:00.999999999");
}

TEST(FormatTimestampTest, BeforeTheEpoch) {
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(-1'000), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(FormatTimestamp(-1'000'000), "1969-12-31T23:59:59.999");
  EXPECT_EQ(FormatTimestamp(-kSecond), "1969-12-31T23:59:59");
  EXPECT_EQ(FormatTimestamp(-1'500'000'000), "1969-12-31T23:59:58.500");
  EXPECT_EQ(FormatTimestamp(-kDay), "1969-12-31T00:00:00");
  EXPECT_EQ(FormatTimestamp(-kDay - 1), "1969-12-30T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(-31'536'000 * kSecond), "1969-01-01T00:00:00");
  EXPECT_EQ(FormatTimestamp(-58'037'400 * kSecond), "1968-02-29T06:30:00");
}

TEST(FormatTimestampTest, LeapYears) {
  EXPECT_EQ(FormatTimestamp(1'456'747'200 * kSecond), "2016-02-29T12:00:00");
  EXPECT_EQ(FormatTimestamp(1'456'747'200 * kSecond + kDay / 2), "2016-03-01T00:00:00");
  EXPECT_EQ(FormatTimestamp(951'782'400 * kSecond), "2000-02-29T00:00:00");    // divisible by 400
  EXPECT_EQ(FormatTimestamp(4'107'542'400 * kSecond), "2100-03-01T00:00:00");  // 2100 is not
  EXPECT_EQ(FormatTimestamp(4'107'542'400 * kSecond - 1), "2100-02-28T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(-2'203'891'200 * kSecond), "1900-03-01T00:00:00");  // 1900 is not
  EXPECT_EQ(FormatTimestamp(-2'203'891'200 * kSecond - 1), "1900-02-28T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(1'735'689'599 * kSecond), "2024-12-31T23:59:59");  // day 366
}

TEST(FormatTimestampTest, ExtremesOfTheInt64Range) {
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224192");
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775807");
  EXPECT_EQ(FormatTimestamp(-9'223'372'036 * kSecond), "1677-09-21T00:12:44");
  EXPECT_EQ(FormatTimestamp(9'223'286'400 * kSecond), "2262-04-11T00:00:00");
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::max()).size(), kMaxTimestampLength);
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::min()).size(), kMaxTimestampLength);
}

TEST(FormatTimestampTest, AppendAndWriteAgree) {
  std::string text = "t=";
  AppendTimestamp(k2016 + 5, &text);
  EXPECT_EQ(text, "t=2016-01-01T00:00:00.000000005");
  char buffer[kMaxTimestampLength + 1];
  buffer[kMaxTimestampLength] = '#';
  char* end = WriteTimestamp(std::numeric_limits<int64_t>::max(), buffer);
  EXPECT_EQ(end - buffer, static_cast<int64_t>(kMaxTimestampLength));
  EXPECT_EQ(buffer[kMaxTimestampLength], '#');  // nothing written past the maximum
}

// Every day of the int64 range against std::chrono's calendar, at a random time of that day.
TEST(FormatTimestampTest, EveryDayMatchesStdChrono) {
  using std::chrono::days;
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  std::mt19937_64 random(42);
  const int64_t first_day = std::numeric_limits<int64_t>::min() / kDay;  // -106751
  const int64_t last_day = std::numeric_limits<int64_t>::max() / kDay - 1;
  for (int64_t day = first_day; day <= last_day; ++day) {
    // A random time of day, rounded to a random precision so every fraction length occurs.
    constexpr int64_t kPrecisions[] = {kSecond, 1'000'000, 1'000, 1};
    const int64_t precision = kPrecisions[random() % 4];
    const int64_t nanos_of_day =
        static_cast<int64_t>(random() % static_cast<uint64_t>(kDay)) / precision * precision;
    const int64_t nanos = day * kDay + nanos_of_day;
    const year_month_day date{sys_days{days{day}}};
    const int64_t seconds = nanos_of_day / kSecond;
    std::string expected = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                                       static_cast<int>(date.year()),
                                       static_cast<unsigned>(date.month()),
                                       static_cast<unsigned>(date.day()),
                                       seconds / 3600,
                                       seconds / 60 % 60,
                                       seconds % 60);
    const int64_t fraction = nanos_of_day % kSecond;
    if (fraction % 1'000'000 == 0 && fraction != 0) {
      expected += fmt::format(".{:03}", fraction / 1'000'000);
    } else if (fraction % 1'000 == 0 && fraction != 0) {
      expected += fmt::format(".{:06}", fraction / 1'000);
    } else if (fraction != 0) {
      expected += fmt::format(".{:09}", fraction);
    }
    ASSERT_EQ(FormatTimestamp(nanos), expected) << "day " << day;
  }
}

}  // namespace
}  // namespace strata::format
