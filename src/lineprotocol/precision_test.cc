// Tests of the precision parameter, InfluxDB 3's `auto` magnitude rule and timestamp scaling.
#include "lineprotocol/precision.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace strata::lineprotocol {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(ParsePrecisionTest, AcceptsInfluxDbSpellings) {
  const std::pair<std::string, Precision> cases[] = {
      {"auto", Precision::kAuto},
      {"ns", Precision::kNanosecond},
      {"n", Precision::kNanosecond},
      {"nanosecond", Precision::kNanosecond},
      {"us", Precision::kMicrosecond},
      {"u", Precision::kMicrosecond},
      {"microsecond", Precision::kMicrosecond},
      {"ms", Precision::kMillisecond},
      {"millisecond", Precision::kMillisecond},
      {"s", Precision::kSecond},
      {"second", Precision::kSecond},
      {"m", Precision::kMinute},
      {"h", Precision::kHour},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<Precision> precision = ParsePrecision(text);
    ASSERT_TRUE(precision.ok()) << text;
    EXPECT_EQ(*precision, expected) << text;
  }
}

TEST(ParsePrecisionTest, RejectsUnknownValuesNamingThem) {
  for (const std::string text : {"", "sec", "milliseconds", "NS", "Auto", "nano", " s"}) {
    absl::StatusOr<Precision> precision = ParsePrecision(text);
    ASSERT_FALSE(precision.ok()) << text;
    EXPECT_EQ(precision.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(precision.status().message());
    EXPECT_NE(message.find("unrecognized precision unit: '" + text + "'"), std::string::npos)
        << message;
    EXPECT_NE(message.find("auto, ns"), std::string::npos) << message;
  }
}

TEST(ParsePrecisionTest, TruncatesLongValuesInTheMessage) {
  const std::string text(10000, 'x');
  absl::StatusOr<Precision> precision = ParsePrecision(text);
  ASSERT_FALSE(precision.ok());
  EXPECT_LT(precision.status().message().size(), 300u);
}

TEST(GuessPrecisionTest, UsesInfluxDb3Thresholds) {
  EXPECT_EQ(GuessPrecision(0), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(1), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(1'708'976'567), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(4'999'999'999), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(5'000'000'000), Precision::kMillisecond);
  EXPECT_EQ(GuessPrecision(1'708'976'567'000), Precision::kMillisecond);
  EXPECT_EQ(GuessPrecision(4'999'999'999'999), Precision::kMillisecond);
  EXPECT_EQ(GuessPrecision(5'000'000'000'000), Precision::kMicrosecond);
  EXPECT_EQ(GuessPrecision(4'999'999'999'999'999), Precision::kMicrosecond);
  EXPECT_EQ(GuessPrecision(5'000'000'000'000'000), Precision::kNanosecond);
  EXPECT_EQ(GuessPrecision(1'708'976'567'000'000'000), Precision::kNanosecond);
  EXPECT_EQ(GuessPrecision(kMax), Precision::kNanosecond);
}

TEST(GuessPrecisionTest, UsesTheMagnitudeOfNegativeTimestamps) {
  EXPECT_EQ(GuessPrecision(-1), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(-4'999'999'999), Precision::kSecond);
  EXPECT_EQ(GuessPrecision(-5'000'000'000), Precision::kMillisecond);
  EXPECT_EQ(GuessPrecision(-5'000'000'000'000), Precision::kMicrosecond);
  EXPECT_EQ(GuessPrecision(-5'000'000'000'000'000), Precision::kNanosecond);
  EXPECT_EQ(GuessPrecision(kMin), Precision::kNanosecond);
}

TEST(TimestampToNanosecondsTest, ScalesByTheUnit) {
  int64_t ns = 0;
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kNanosecond, &ns));
  EXPECT_EQ(ns, 7);
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kMicrosecond, &ns));
  EXPECT_EQ(ns, 7'000);
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kMillisecond, &ns));
  EXPECT_EQ(ns, 7'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kSecond, &ns));
  EXPECT_EQ(ns, 7'000'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kMinute, &ns));
  EXPECT_EQ(ns, 420'000'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(7, Precision::kHour, &ns));
  EXPECT_EQ(ns, 25'200'000'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(-7, Precision::kSecond, &ns));
  EXPECT_EQ(ns, -7'000'000'000);
}

TEST(TimestampToNanosecondsTest, AutoGuessesPerValue) {
  int64_t ns = 0;
  ASSERT_TRUE(TimestampToNanoseconds(1'708'976'567, Precision::kAuto, &ns));
  EXPECT_EQ(ns, 1'708'976'567'000'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(1'708'976'567'123, Precision::kAuto, &ns));
  EXPECT_EQ(ns, 1'708'976'567'123'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(1'708'976'567'123'456, Precision::kAuto, &ns));
  EXPECT_EQ(ns, 1'708'976'567'123'456'000);
  ASSERT_TRUE(TimestampToNanoseconds(1'708'976'567'123'456'789, Precision::kAuto, &ns));
  EXPECT_EQ(ns, 1'708'976'567'123'456'789);
  ASSERT_TRUE(TimestampToNanoseconds(-1'708'976'567, Precision::kAuto, &ns));
  EXPECT_EQ(ns, -1'708'976'567'000'000'000);
}

TEST(TimestampToNanosecondsTest, DetectsOverflow) {
  int64_t ns = 0;
  EXPECT_FALSE(TimestampToNanoseconds(kMax, Precision::kSecond, &ns));
  EXPECT_FALSE(TimestampToNanoseconds(kMin, Precision::kMillisecond, &ns));
  EXPECT_FALSE(TimestampToNanoseconds(kMax / 1000 + 1, Precision::kMicrosecond, &ns));
  ASSERT_TRUE(TimestampToNanoseconds(kMax / 1000, Precision::kMicrosecond, &ns));
  EXPECT_EQ(ns, kMax / 1000 * 1000);
  ASSERT_TRUE(TimestampToNanoseconds(kMax / 1'000'000'000, Precision::kSecond, &ns));
  EXPECT_EQ(ns, kMax / 1'000'000'000 * 1'000'000'000);
  ASSERT_TRUE(TimestampToNanoseconds(kMin / 1'000'000'000, Precision::kSecond, &ns));
  EXPECT_EQ(ns, kMin / 1'000'000'000 * 1'000'000'000);
  EXPECT_FALSE(TimestampToNanoseconds(kMin / 1'000'000'000 - 1, Precision::kSecond, &ns));
  ASSERT_TRUE(TimestampToNanoseconds(kMax, Precision::kNanosecond, &ns));
  EXPECT_EQ(ns, kMax);
  ASSERT_TRUE(TimestampToNanoseconds(kMin, Precision::kAuto, &ns));
  EXPECT_EQ(ns, kMin);
}

TEST(TruncateToPrecisionTest, RoundsTowardsZero) {
  constexpr int64_t kNanos = 1'761'048'000'123'456'789;
  EXPECT_EQ(TruncateToPrecision(kNanos, Precision::kAuto), kNanos);
  EXPECT_EQ(TruncateToPrecision(kNanos, Precision::kNanosecond), kNanos);
  EXPECT_EQ(TruncateToPrecision(kNanos, Precision::kMicrosecond), 1'761'048'000'123'456'000);
  EXPECT_EQ(TruncateToPrecision(kNanos, Precision::kMillisecond), 1'761'048'000'123'000'000);
  EXPECT_EQ(TruncateToPrecision(kNanos, Precision::kSecond), 1'761'048'000'000'000'000);
  constexpr int64_t kLater = 1'761'051'599'123'456'789;  // kNanos + 59 min 59 s.
  EXPECT_EQ(TruncateToPrecision(kLater, Precision::kMinute), 1'761'051'540'000'000'000);
  EXPECT_EQ(TruncateToPrecision(kLater, Precision::kHour), 1'761'048'000'000'000'000);
  EXPECT_EQ(TruncateToPrecision(-1'500'000'000, Precision::kSecond), -1'000'000'000);
  EXPECT_EQ(TruncateToPrecision(999, Precision::kMicrosecond), 0);
}

TEST(PrecisionNameTest, UsesInfluxDbNames) {
  EXPECT_EQ(PrecisionName(Precision::kAuto), "Auto");
  EXPECT_EQ(PrecisionName(Precision::kSecond), "Second");
  EXPECT_EQ(PrecisionName(Precision::kNanosecond), "Nanosecond");
}

}  // namespace
}  // namespace strata::lineprotocol
