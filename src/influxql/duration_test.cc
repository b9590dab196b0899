// Tests of InfluxQL duration parsing and formatting.
#include "influxql/duration.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace strata::influxql {
namespace {

int64_t Parse(std::string_view text) {
  absl::StatusOr<int64_t> value = ParseDuration(text);
  EXPECT_TRUE(value.ok()) << text << ": " << value.status();
  return value.value_or(-1);
}

std::string Error(std::string_view text) {
  absl::StatusOr<int64_t> value = ParseDuration(text);
  if (value.ok()) {
    ADD_FAILURE() << "expected an error for " << text;
    return "";
  }
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(value.status().message());
}

TEST(DurationTest, Units) {
  EXPECT_EQ(Parse("1ns"), 1);
  EXPECT_EQ(Parse("5u"), 5000);
  EXPECT_EQ(Parse("5µ"), 5000);
  EXPECT_EQ(Parse("10ms"), 10'000'000);
  EXPECT_EQ(Parse("1s"), kSecond);
  EXPECT_EQ(Parse("1m"), 60 * kSecond);
  EXPECT_EQ(Parse("1h"), 3600 * kSecond);
  EXPECT_EQ(Parse("1d"), 86400 * kSecond);
  EXPECT_EQ(Parse("1w"), 7 * 86400 * kSecond);
  EXPECT_EQ(Parse("0s"), 0);
}

TEST(DurationTest, CombinationsAndSigns) {
  EXPECT_EQ(Parse("1h30m"), 90 * kMinute);
  EXPECT_EQ(Parse("1d2h3m4s5ms6u7ns"),
            kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5 * kMillisecond + 6 * kMicrosecond + 7);
  EXPECT_EQ(Parse("-5m"), -5 * kMinute);
  EXPECT_EQ(Parse("1m1m"), 2 * kMinute);  // InfluxQL adds repeated units.
  EXPECT_EQ(Parse("1600000000000ms"), 1'600'000'000'000'000'000);
  EXPECT_EQ(Parse("9223372036854775807ns"), std::numeric_limits<int64_t>::max());
}

TEST(DurationTest, Errors) {
  EXPECT_EQ(Error("5x"), "invalid duration 5x: units are ns, u, µ, ms, s, m, h, d and w");
  EXPECT_EQ(Error("5"),
            "invalid duration 5: the number has no unit (ns, u, µ, ms, s, m, h, d or w)");
  EXPECT_EQ(Error("1e5"), "invalid duration 1e5: units are ns, u, µ, ms, s, m, h, d and w");
  EXPECT_EQ(Error("5n"), "invalid duration 5n: units are ns, u, µ, ms, s, m, h, d and w");
  EXPECT_EQ(Error("1hm"), "invalid duration 1hm: expected digits before each unit");
  EXPECT_EQ(Error(""), "invalid duration : expected digits and a unit");
  EXPECT_EQ(Error("-"), "invalid duration -: expected digits and a unit");
  EXPECT_EQ(Error("h"), "invalid duration h: expected digits before each unit");
  EXPECT_EQ(Error("1000000w"),
            "duration 1000000w is out of range (the limit is 9223372036854775807ns, about 292 "
            "years)");
  EXPECT_EQ(Error("9223372036854775808ns"),
            "duration 9223372036854775808ns is out of range (the limit is 9223372036854775807ns, "
            "about 292 years)");
  EXPECT_EQ(Error("99999999999999999999999s"),
            "duration 99999999999999999999999s is out of range (the limit is "
            "9223372036854775807ns, about 292 years)");
  // The sum overflows although each part fits.
  EXPECT_EQ(Error("9223372036854775807ns1ns"),
            "duration 9223372036854775807ns1ns is out of range (the limit is "
            "9223372036854775807ns, about 292 years)");
}

TEST(DurationTest, FormatPicksTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(2 * kWeek), "2w");
  EXPECT_EQ(FormatDuration(3 * kDay), "3d");
  EXPECT_EQ(FormatDuration(90 * kMinute), "90m");
  EXPECT_EQ(FormatDuration(kHour), "1h");
  EXPECT_EQ(FormatDuration(1500 * kMillisecond), "1500ms");
  EXPECT_EQ(FormatDuration(5 * kMicrosecond), "5u");
  EXPECT_EQ(FormatDuration(1234), "1234ns");
  EXPECT_EQ(FormatDuration(-15 * kMinute), "-15m");
  EXPECT_EQ(FormatDuration(std::numeric_limits<int64_t>::max()), "9223372036854775807ns");
}

TEST(DurationTest, FormatRoundTrips) {
  for (const int64_t value : {int64_t{0},
                              int64_t{1},
                              -int64_t{1},
                              kWeek,
                              90 * kMinute,
                              1'600'000'000 * kSecond,
                              std::numeric_limits<int64_t>::max(),
                              -std::numeric_limits<int64_t>::max(),
                              int64_t{123456789012345}}) {
    EXPECT_EQ(Parse(FormatDuration(value)), value) << FormatDuration(value);
  }
}

}  // namespace
}  // namespace strata::influxql
