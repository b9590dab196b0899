// CAST/TRY_CAST kernels and the text forms they read and write.
#include "exec/expr/cast.h"

#include <cmath>
#include <limits>

#include "exec/expr/expr_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using ::testing::ElementsAre;
using namespace ::strata::exec::testing;  // NOLINT

std::vector<std::string> Cast(const Datum& d, TypeId to, bool try_cast = false) {
  return Rows(CastDatum(d, to, try_cast));
}

TEST(CastTest, FloatToIntTruncatesTowardZero) {
  Datum f = Float64Column({1.5, -1.5, 2.9999, -0.5, 3.7, -3.7, std::nullopt});
  EXPECT_THAT(Cast(f, TypeId::kInt64), ElementsAre("1", "-1", "2", "0", "3", "-3", "NULL"));
  EXPECT_THAT(Cast(Float64Column({2.5, 0.99}), TypeId::kUInt64), ElementsAre("2", "0"));
  EXPECT_THAT(Cast(Float64Column({1e20}), TypeId::kInt64),
              ElementsAre("error:cannot cast 1e+20 to int64"));
  EXPECT_THAT(Cast(Float64Column({std::nan("")}), TypeId::kInt64),
              ElementsAre("error:cannot cast NaN to int64"));
  EXPECT_THAT(Cast(Float64Column({1e20, 3, std::nan("")}), TypeId::kInt64, true),
              ElementsAre("NULL", "3", "NULL"));
  // 2^63 does not fit; the largest double below it does.
  EXPECT_THAT(Cast(Float64Column({9223372036854775808.0}), TypeId::kInt64, true),
              ElementsAre("NULL"));
  EXPECT_THAT(Cast(Float64Column({-9223372036854775808.0}), TypeId::kInt64),
              ElementsAre("-9223372036854775808"));
  EXPECT_THAT(Cast(Float64Column({-0.4, -0.99, -1}), TypeId::kUInt64, true),
              ElementsAre("0", "0", "NULL"));
  // Out of range after truncation is still an error.
  EXPECT_THAT(Cast(Float64Column({-1.5}), TypeId::kUInt64),
              ElementsAre("error:cannot cast -1.5 to uint64"));
}

TEST(CastTest, IntegerRanges) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  EXPECT_THAT(Cast(Int64Column({min, -1, 5}), TypeId::kUInt64, true),
              ElementsAre("NULL", "NULL", "5"));
  EXPECT_THAT(Cast(Int64Column({-1}), TypeId::kUInt64),
              ElementsAre("error:cannot cast -1 to uint64"));
  EXPECT_THAT(Cast(UInt64Column({18446744073709551615ULL}), TypeId::kInt64),
              ElementsAre("error:cannot cast 18446744073709551615 to int64"));
  EXPECT_THAT(Cast(Int64Column({min}), TypeId::kFloat64), ElementsAre("-9.223372036854776e+18"));
  EXPECT_THAT(Cast(Int64Column({min, 0, 7}), TypeId::kString),
              ElementsAre("-9223372036854775808", "0", "7"));
  EXPECT_THAT(Cast(Int64Column({0, 2, std::nullopt}), TypeId::kBool),
              ElementsAre("false", "true", "NULL"));
  EXPECT_THAT(Cast(BoolColumn({true, false}), TypeId::kInt64), ElementsAre("1", "0"));
}

TEST(CastTest, FloatText) {
  EXPECT_EQ(FormatFloat64(1.5), "1.5");
  EXPECT_EQ(FormatFloat64(1e20), "1e+20");
  EXPECT_EQ(FormatFloat64(1e15), "1e+15");
  EXPECT_EQ(FormatFloat64(123456789012345.0), "123456789012345");
  EXPECT_EQ(FormatFloat64(0.1), "0.1");
  EXPECT_EQ(FormatFloat64(0.0001), "0.0001");
  EXPECT_EQ(FormatFloat64(0.00001), "1e-05");
  EXPECT_EQ(FormatFloat64(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatFloat64(-2.0), "-2");
  EXPECT_EQ(FormatFloat64(-0.0), "-0");
  EXPECT_EQ(FormatFloat64(100), "100");
  EXPECT_EQ(FormatFloat64(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatFloat64(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(FormatFloat64(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(FormatFloat64(std::nan("")), "NaN");
  EXPECT_EQ(FormatFloat64(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(CastTest, StringToNumbers) {
  Datum s = StringColumn({" 42 ", "+7", "-9223372036854775808", "abc", "1.5", "", std::nullopt});
  EXPECT_THAT(Cast(s, TypeId::kInt64, true),
              ElementsAre("42", "7", "-9223372036854775808", "NULL", "NULL", "NULL", "NULL"));
  EXPECT_THAT(Cast(StringColumn({"12", "abc"}), TypeId::kInt64),
              ElementsAre("error:cannot cast 'abc' to int64"));
  EXPECT_THAT(Cast(StringColumn({"9223372036854775808"}), TypeId::kInt64, true),
              ElementsAre("NULL"));
  EXPECT_THAT(Cast(StringColumn({"1.5", "-1e3", "NaN", "-Infinity", "inf", "x1", "1e999"}),
                   TypeId::kFloat64,
                   true),
              ElementsAre("1.5", "-1000", "NaN", "-Infinity", "Infinity", "NULL", "NULL"));
  EXPECT_THAT(Cast(StringColumn({"true", "F", "yes", "0", "maybe"}), TypeId::kBool, true),
              ElementsAre("true", "false", "true", "false", "NULL"));
  EXPECT_THAT(Cast(StringColumn({"it's"}), TypeId::kUInt64),
              ElementsAre("error:cannot cast 'it''s' to uint64"));
}

TEST(CastTest, DictionaryToNumbers) {
  EXPECT_THAT(Cast(DictColumn({"1", "2", "1", std::nullopt}), TypeId::kInt64),
              ElementsAre("1", "2", "1", "NULL"));
  // A dictionary column already is a string: passed through.
  Datum d = DictColumn({"a"});
  absl::StatusOr<Datum> same = CastDatum(d, TypeId::kString, false);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->column().get(), d.column().get());
}

TEST(CastTest, Timestamps) {
  EXPECT_EQ(ParseTimestamp("2016-01-01T00:00:00Z"), 1451606400000000000);
  EXPECT_EQ(ParseTimestamp("2016-01-01T00:00:00.5Z"), 1451606400500000000);
  EXPECT_EQ(ParseTimestamp("2016-01-01T02:00:00+02:00"), 1451606400000000000);
  EXPECT_EQ(ParseTimestamp("2015-12-31T22:30:00-01:30"), 1451606400000000000);
  EXPECT_EQ(ParseTimestamp("2016-01-01 00:00:00"), 1451606400000000000);
  EXPECT_EQ(ParseTimestamp("2016-01-01"), 1451606400000000000);
  EXPECT_EQ(ParseTimestamp("2016-01-01T00:00:00.123456789123Z"), 1451606400123456789);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.999999999Z"), -1);
  EXPECT_EQ(ParseTimestamp("1900-01-01T00:00:00Z"), -2208988800000000000);
  EXPECT_EQ(ParseTimestamp("2016-02-30"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2016-01-01T25:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2016-01-01T00:00:00Q"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("1500-01-01"), std::nullopt);  // outside the nanosecond range
  EXPECT_EQ(ParseTimestamp("1677-09-21T00:12:43.145224192Z"), INT64_MIN);  // its first value
  EXPECT_EQ(ParseTimestamp("1677-09-21T00:12:43.145224191Z"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("yesterday"), std::nullopt);
  EXPECT_THAT(Cast(StringColumn({"2016-01-01T00:00:00Z", "bad"}), TypeId::kTimestamp, true),
              ElementsAre("2016-01-01T00:00:00", "NULL"));
  EXPECT_THAT(Cast(StringColumn({"bad"}), TypeId::kTimestamp),
              ElementsAre("error:cannot cast 'bad' to timestamp(ns)"));
  EXPECT_THAT(Cast(Int64Column({1, -1000000}), TypeId::kTimestamp),
              ElementsAre("1970-01-01T00:00:00.000000001", "1969-12-31T23:59:59.999"));
  EXPECT_THAT(Cast(TimestampColumn({-1, 1451606400123456000}), TypeId::kInt64),
              ElementsAre("-1", "1451606400123456000"));
  EXPECT_THAT(Cast(TimestampColumn({1451606400123456000}), TypeId::kString),
              ElementsAre("2016-01-01T00:00:00.123456"));
  EXPECT_THAT(Cast(Scalar::String("2016-01-01"), TypeId::kTimestamp),
              ElementsAre("scalar:2016-01-01T00:00:00"));
}

TEST(CastTest, Intervals) {
  EXPECT_EQ(ParseInterval("1 hour"), (Interval{0, 0, 3600000000000}));
  EXPECT_EQ(ParseInterval("2 days 3 minutes"), (Interval{0, 2, 180000000000}));
  EXPECT_EQ(ParseInterval("1h30m"), (Interval{0, 0, 5400000000000}));
  EXPECT_EQ(ParseInterval("1 year 2 months"), (Interval{14, 0, 0}));
  EXPECT_EQ(ParseInterval("1.5 days"), (Interval{0, 1, 43200000000000}));
  EXPECT_EQ(ParseInterval("-1 week"), (Interval{0, -7, 0}));
  EXPECT_EQ(ParseInterval("10"), (Interval{0, 0, 10000000000}));
  EXPECT_EQ(ParseInterval("250 ms"), (Interval{0, 0, 250000000}));
  EXPECT_EQ(ParseInterval("1 MINUTE"), (Interval{0, 0, 60000000000}));
  EXPECT_EQ(ParseInterval("1 fortnight"), std::nullopt);
  EXPECT_EQ(ParseInterval(""), std::nullopt);
  EXPECT_EQ(ParseInterval("hour"), std::nullopt);
  EXPECT_EQ(ParseInterval("99999999999999999999 seconds"), std::nullopt);
  EXPECT_THAT(Cast(StringColumn({"5 minutes", "soon"}), TypeId::kInterval, true),
              ElementsAre("00:05:00", "NULL"));
  EXPECT_EQ(FormatIntervalText(Interval{14, 3, 4 * 3600000000000 + 5 * 60000000000 + 6500000000}),
            "1 year 2 mons 3 days 04:05:06.5");
  EXPECT_EQ(FormatIntervalText(Interval{-1, -1, 0}), "-1 mons -1 days");
  EXPECT_EQ(FormatIntervalText(Interval{}), "00:00:00");
}

TEST(CastTest, ToStringOfEveryType) {
  EXPECT_THAT(Cast(Float64Column({1.5, 1e20, std::nullopt}), TypeId::kString),
              ElementsAre("1.5", "1e+20", "NULL"));
  EXPECT_THAT(Cast(BoolColumn({true, false}), TypeId::kString), ElementsAre("true", "false"));
  EXPECT_THAT(Cast(UInt64Column({18446744073709551615ULL}), TypeId::kString),
              ElementsAre("18446744073709551615"));
  EXPECT_THAT(Cast(Scalar::FromInterval(Interval{0, 1, 0}), TypeId::kString),
              ElementsAre("scalar:1 day"));
  EXPECT_THAT(Cast(Scalar(), TypeId::kInt64), ElementsAre("scalar:NULL"));
  EXPECT_THAT(Cast(Scalar::Float64(2.5), TypeId::kInt64), ElementsAre("scalar:2"));
  EXPECT_THAT(Cast(Scalar::String("x"), TypeId::kInt64, true), ElementsAre("scalar:NULL"));
  EXPECT_THAT(Cast(Scalar::Bool(true), TypeId::kTimestamp),
              ElementsAre("error:cannot cast boolean to timestamp(ns)"));
}

}  // namespace
}  // namespace strata::exec
