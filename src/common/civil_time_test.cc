#include "common/civil_time.h"

#include <chrono>
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace strata {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t k2016 = 1'451'606'400 * kNanosPerSecond;  // 2016-01-01T00:00:00

void ExpectDate(const CivilDate& date, int64_t year, int month, int day) {
  EXPECT_EQ(date.year, year);
  EXPECT_EQ(date.month, month);
  EXPECT_EQ(date.day, day);
}

TEST(CivilTimeTest, FloorDivisionRoundsTowardNegativeInfinity) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(-8, 2), -4);
  EXPECT_EQ(FloorMod(7, 2), 1);
  EXPECT_EQ(FloorMod(-7, 2), 1);
  EXPECT_EQ(FloorMod(-8, 2), 0);
  EXPECT_EQ(FloorDiv(-1, kNanosPerDay), -1);
  EXPECT_EQ(FloorMod(-1, kNanosPerDay), kNanosPerDay - 1);
  EXPECT_EQ(FloorDiv(kInt64Min, kNanosPerDay), -106752);
  EXPECT_EQ(FloorMod(kInt64Min, kNanosPerDay), 763'145'224'192);
}

TEST(CivilTimeTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2016));
  EXPECT_TRUE(IsLeapYear(2000));   // divisible by 400
  EXPECT_FALSE(IsLeapYear(1900));  // a century that is not
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_FALSE(IsLeapYear(2015));
  EXPECT_TRUE(IsLeapYear(0));  // 1 BC
  EXPECT_TRUE(IsLeapYear(-4));
  EXPECT_FALSE(IsLeapYear(-1));
  EXPECT_FALSE(IsLeapYear(-100));
  EXPECT_TRUE(IsLeapYear(-400));
  EXPECT_EQ(DaysInMonth(2016, 2), 29);
  EXPECT_EQ(DaysInMonth(2015, 2), 28);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(-400, 2), 29);
  EXPECT_EQ(DaysInMonth(-100, 2), 28);
}

TEST(CivilTimeTest, MonthEnds) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int month = 1; month <= 12; ++month) {
    EXPECT_EQ(DaysInMonth(2015, month), kDays[month - 1]) << month;
    // The last day of a month is followed by the first of the next.
    const int64_t last = DaysFromCivil(2015, month, kDays[month - 1]);
    const CivilDate next = CivilFromDays(last + 1);
    ExpectDate(next, month == 12 ? 2016 : 2015, month == 12 ? 1 : month + 1, 1);
  }
  // Days beyond the month's length roll into the next month, day 0 is the previous month's last.
  EXPECT_EQ(DaysFromCivil(2016, 2, 30), DaysFromCivil(2016, 3, 1));
  EXPECT_EQ(DaysFromCivil(2015, 2, 29), DaysFromCivil(2015, 3, 1));
  EXPECT_EQ(DaysFromCivil(2016, 3, 0), DaysFromCivil(2016, 2, 29));
  EXPECT_EQ(DaysFromCivil(2016, 12, 32), DaysFromCivil(2017, 1, 1));
}

TEST(CivilTimeTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2016, 1, 1), 16801);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), -25567);
  EXPECT_EQ(DaysFromCivil(0, 3, 1), -719468);  // the start of the algorithm's eras
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(0, 1, 1), -719528);
  ExpectDate(CivilFromDays(0), 1970, 1, 1);
  ExpectDate(CivilFromDays(-1), 1969, 12, 31);
  ExpectDate(CivilFromDays(16801), 2016, 1, 1);
  ExpectDate(CivilFromDays(-719468), 0, 3, 1);
  ExpectDate(CivilFromDays(-719469), 0, 2, 29);
  ExpectDate(CivilFromDays(-719529), -1, 12, 31);
  ExpectDate(CivilFromDays(DaysFromCivil(-4713, 11, 24)), -4713, 11, 24);  // Julian day 0
  // The extremes of the int64 nanosecond range.
  ExpectDate(CivilFromDays(-106752), 1677, 9, 21);
  ExpectDate(CivilFromDays(106751), 2262, 4, 11);
}

// Every day from year -32767 to 32767 (std::chrono's range), against std::chrono's calendar and
// against the day before it, and back through DaysFromCivil.
TEST(CivilTimeTest, RoundTripsOverSixtyFiveThousandYears) {
  using std::chrono::days;
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  const int64_t first = DaysFromCivil(-32767, 1, 1);
  const int64_t last = DaysFromCivil(32767, 12, 31);
  ASSERT_EQ(first, sys_days{std::chrono::year{-32767} / 1 / 1}.time_since_epoch().count());
  CivilDate previous = CivilFromDays(first - 1);
  ExpectDate(previous, -32768, 12, 31);
  for (int64_t day = first; day <= last; ++day) {
    const CivilDate date = CivilFromDays(day);
    const year_month_day expected{sys_days{days{day}}};
    ASSERT_EQ(date.year, static_cast<int>(expected.year())) << day;
    ASSERT_EQ(date.month, static_cast<int>(static_cast<unsigned>(expected.month()))) << day;
    ASSERT_EQ(date.day, static_cast<int>(static_cast<unsigned>(expected.day()))) << day;
    ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), day);
    // The next day of `previous`, without any calendar library.
    if (previous.day < DaysInMonth(previous.year, previous.month)) {
      ASSERT_TRUE(date.year == previous.year && date.month == previous.month &&
                  date.day == previous.day + 1)
          << day;
    } else if (previous.month < 12) {
      ASSERT_TRUE(date.year == previous.year && date.month == previous.month + 1 && date.day == 1)
          << day;
    } else {
      ASSERT_TRUE(date.year == previous.year + 1 && date.month == 1 && date.day == 1) << day;
    }
    previous = date;
  }
}

TEST(CivilTimeTest, FarYearsRoundTrip) {
  for (int64_t year : {-1'000'000'000LL, -292'277'022'657LL, 1'000'000'000LL, 292'277'026'596LL}) {
    for (int month : {1, 2, 3, 12}) {
      const int64_t days = DaysFromCivil(year, month, 28);
      ExpectDate(CivilFromDays(days), year, month, 28);
    }
  }
}

TEST(CivilTimeTest, SplitTimestamp) {
  CivilTime t = SplitTimestamp(0);
  ExpectDate(t.date, 1970, 1, 1);
  EXPECT_EQ(t.nanos_of_day, 0);
  t = SplitTimestamp(-1);
  ExpectDate(t.date, 1969, 12, 31);
  EXPECT_EQ(t.nanos_of_day, kNanosPerDay - 1);
  t = SplitTimestamp(k2016 + 3 * kNanosPerHour + 5);
  ExpectDate(t.date, 2016, 1, 1);
  EXPECT_EQ(t.nanos_of_day, 3 * kNanosPerHour + 5);
  t = SplitTimestamp(kInt64Min);
  ExpectDate(t.date, 1677, 9, 21);
  EXPECT_EQ(t.nanos_of_day, 763'145'224'192);  // 00:12:43.145224192
  t = SplitTimestamp(kInt64Max);
  ExpectDate(t.date, 2262, 4, 11);
  EXPECT_EQ(t.nanos_of_day, 85'636'854'775'807);  // 23:47:16.854775807
}

TEST(CivilTimeTest, MakeTimestamp) {
  EXPECT_EQ(MakeTimestamp({2016, 1, 1}, 0), k2016);
  EXPECT_EQ(MakeTimestamp({1969, 12, 31}, kNanosPerDay - 1), -1);
  EXPECT_EQ(MakeTimestamp({1968, 2, 29}, 6 * kNanosPerHour + 30 * kNanosPerMinute),
            -58'037'400 * kNanosPerSecond);
  EXPECT_EQ(MakeTimestamp({2262, 4, 11}, 85'636'854'775'807), kInt64Max);
  EXPECT_EQ(MakeTimestamp({2262, 4, 11}, 85'636'854'775'808), std::nullopt);
  EXPECT_EQ(MakeTimestamp({1677, 9, 21}, 763'145'224'192), kInt64Min);
  EXPECT_EQ(MakeTimestamp({1677, 9, 21}, 763'145'224'191), std::nullopt);
  EXPECT_EQ(MakeTimestamp({1500, 1, 1}, 0), std::nullopt);
  EXPECT_EQ(MakeTimestamp({-1'000'000'000, 1, 1}, 0), std::nullopt);
  for (int64_t nanos : {kInt64Min, int64_t{-1}, int64_t{0}, k2016 + 123, kInt64Max}) {
    const CivilTime t = SplitTimestamp(nanos);
    EXPECT_EQ(MakeTimestamp(t.date, t.nanos_of_day), nanos);
  }
}

TEST(CivilTimeTest, AddMonthsClampsToTheMonthEnd) {
  const auto at = [](int64_t year, int month, int day) {
    return *MakeTimestamp({year, month, day}, 7 * kNanosPerHour);
  };
  EXPECT_EQ(AddMonths(at(2016, 1, 31), 1), at(2016, 2, 29));
  EXPECT_EQ(AddMonths(at(2015, 1, 31), 1), at(2015, 2, 28));
  EXPECT_EQ(AddMonths(at(2016, 3, 31), -1), at(2016, 2, 29));
  EXPECT_EQ(AddMonths(at(2016, 1, 31), 3), at(2016, 4, 30));
  EXPECT_EQ(AddMonths(at(2016, 11, 15), 2), at(2017, 1, 15));
  EXPECT_EQ(AddMonths(at(2016, 1, 15), -1), at(2015, 12, 15));
  EXPECT_EQ(AddMonths(at(2016, 2, 29), 12), at(2017, 2, 28));
  EXPECT_EQ(AddMonths(at(2016, 2, 29), 48), at(2020, 2, 29));
  EXPECT_EQ(AddMonths(at(1968, 3, 31), -1), at(1968, 2, 29));
  EXPECT_EQ(AddMonths(at(1970, 1, 1), -1), at(1969, 12, 1));
  EXPECT_EQ(AddMonths(at(1900, 3, 31), -1), at(1900, 2, 28));
  EXPECT_EQ(AddMonths(k2016, 0), k2016);
  EXPECT_EQ(AddMonths(at(2262, 4, 1), 1), std::nullopt);
  EXPECT_EQ(AddMonths(at(1677, 10, 1), -1), std::nullopt);
  EXPECT_EQ(AddMonths(k2016, kInt64Max), std::nullopt);
  EXPECT_EQ(AddMonths(k2016, kInt64Min), std::nullopt);
}

TEST(CivilTimeTest, Iso8601Text) {
  using F = SecondFraction;
  EXPECT_EQ(FormatIso8601(0, F::kTrimmed), "1970-01-01T00:00:00");
  EXPECT_EQ(FormatIso8601(k2016 + 3723 * kNanosPerSecond, F::kTrimmed), "2016-01-01T01:02:03");
  EXPECT_EQ(FormatIso8601(k2016 + 500'000'000, F::kTrimmed), "2016-01-01T00:00:00.5");
  EXPECT_EQ(FormatIso8601(k2016 + 500'000'000, F::kMillisMicrosOrNanos), "2016-01-01T00:00:00.500");
  EXPECT_EQ(FormatIso8601(k2016 + 120'000, F::kTrimmed), "2016-01-01T00:00:00.00012");
  EXPECT_EQ(FormatIso8601(k2016 + 120'000, F::kMillisMicrosOrNanos), "2016-01-01T00:00:00.000120");
  EXPECT_EQ(FormatIso8601(k2016 + 10, F::kTrimmed), "2016-01-01T00:00:00.00000001");
  EXPECT_EQ(FormatIso8601(k2016 + 10, F::kMillisMicrosOrNanos), "2016-01-01T00:00:00.000000010");
  EXPECT_EQ(FormatIso8601(k2016 + 999'999'999, F::kTrimmed), "2016-01-01T00:00:00.999999999");
  EXPECT_EQ(FormatIso8601(-1, F::kTrimmed), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(FormatIso8601(-1'500'000'000, F::kTrimmed), "1969-12-31T23:59:58.5");
  EXPECT_EQ(FormatIso8601(-58'037'400 * kNanosPerSecond, F::kTrimmed), "1968-02-29T06:30:00");
  EXPECT_EQ(FormatIso8601(kInt64Min, F::kTrimmed), "1677-09-21T00:12:43.145224192");
  EXPECT_EQ(FormatIso8601(kInt64Max, F::kMillisMicrosOrNanos).size(), kMaxIso8601Length);
  char buffer[kMaxIso8601Length + 1];
  buffer[kMaxIso8601Length] = '#';
  char* end = WriteIso8601(kInt64Max, F::kTrimmed, buffer);
  EXPECT_EQ(end - buffer, static_cast<int64_t>(kMaxIso8601Length));
  EXPECT_EQ(buffer[kMaxIso8601Length], '#');  // nothing written past the maximum
}

}  // namespace
}  // namespace strata
