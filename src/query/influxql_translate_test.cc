// Unit tests of the InfluxQL SELECT compiler's parts: time strings and ranges, the SQL of
// conditions, InfluxQL arithmetic and GROUP BY time() windows. End-to-end behaviour is in
// influxql_select_test.cc.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "influxql/parser.h"
#include "query/influxql_arithmetic.h"
#include "query/influxql_condition.h"
#include "query/influxql_series.h"
#include "query/influxql_time_range.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryOperator;
using influxql::ResultValue;

constexpr int64_t kT0 = 1451606400000000000;  // 2016-01-01T00:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;

TEST(ParseTimeStringTest, Formats) {
  EXPECT_EQ(*ParseTimeString("2016-01-01", nullptr), kT0);
  EXPECT_EQ(*ParseTimeString("2016-01-01T00:00:00Z", nullptr), kT0);
  EXPECT_EQ(*ParseTimeString("2016-01-01 00:00:01", nullptr), kT0 + kSecondNs);
  EXPECT_EQ(*ParseTimeString("2016-01-01T00:00:00.123456789Z", nullptr), kT0 + 123456789);
  EXPECT_EQ(*ParseTimeString("2016-01-01T00:00:00.5Z", nullptr), kT0 + kSecondNs / 2);
  EXPECT_EQ(*ParseTimeString("2016-01-01T01:30:00+01:30", nullptr), kT0);
  EXPECT_EQ(*ParseTimeString("2015-12-31T19:00:00-05:00", nullptr), kT0);
  EXPECT_EQ(*ParseTimeString("1969-12-31T23:59:59Z", nullptr), -kSecondNs);
  absl::TimeZone paris;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  EXPECT_EQ(*ParseTimeString("2016-01-01 01:00:00", &paris), kT0);
  EXPECT_EQ(*ParseTimeString("2016-01-01T00:00:00Z", &paris), kT0);  // an offset wins
  for (const char* bad : {"2016-02-30",
                          "2016-1-01",
                          "2016-01-01T25:00:00Z",
                          "2016-01-01T00:00:00.1234567891Z",
                          "2016-01-01T00:00Z",
                          "2016-01-01T00:00:00+0100",
                          "2016-01-01X",
                          "3000-01-01"}) {
    EXPECT_FALSE(ParseTimeString(bad, nullptr).ok()) << bad;
  }
  EXPECT_TRUE(LooksLikeTime("2016-01-01 junk"));
  EXPECT_FALSE(LooksLikeTime("now"));
}

class ConditionTest : public ::testing::Test {
 protected:
  ConditionTest()
      : table_(7,
               "cpu",
               {
                   {0, "time", catalog::ColumnKind::kTime, TypeId::kTimestamp},
                   {1, "host", catalog::ColumnKind::kTag, TypeId::kDictionary},
                   {2, "usage", catalog::ColumnKind::kField, TypeId::kFloat64},
                   {3, "n", catalog::ColumnKind::kField, TypeId::kInt64},
                   {4, "s", catalog::ColumnKind::kField, TypeId::kString},
                   {5, "b", catalog::ColumnKind::kField, TypeId::kBool},
                   {6, "we\"ird", catalog::ColumnKind::kField, TypeId::kFloat64},
               }) {
    ctx_.now_ns = kT0;
    ctx_.params = &params_;
  }

  std::string Sql(std::string_view condition,
                  TimeComparisons time_comparisons = TimeComparisons::kInTimeRange) {
    auto expr = influxql::ParseExpression(condition);
    if (!expr.ok()) {
      return "parse error: " + std::string(expr.status().message());
    }
    auto sql = ConditionToSql(expr->get(), table_, ctx_, time_comparisons);
    return sql.ok() ? *sql : "error: " + std::string(sql.status().message());
  }

  // The SQL of `condition` as SHOW statements translate it: time comparisons included.
  std::string ShowSql(std::string_view condition) {
    return Sql(condition, TimeComparisons::kAsPredicates);
  }

  std::string Range(std::string_view condition) {
    auto expr = influxql::ParseExpression(condition);
    if (!expr.ok()) {
      return "parse error: " + std::string(expr.status().message());
    }
    auto range = ExtractTimeRange(expr->get(), ctx_);
    if (!range.ok()) {
      return "error: " + std::string(range.status().message());
    }
    auto bound = [](int64_t t, bool has) { return has ? std::to_string(t - kT0) : "-"; };
    return bound(range->min, range->has_min()) + ".." + bound(range->max, range->has_max());
  }

  catalog::TableSchema table_;
  std::map<std::string, ResultValue> params_;
  EvalContext ctx_;
};

TEST_F(ConditionTest, Tags) {
  EXPECT_EQ(Sql("host = 'a'"), "\"host\" = 'a'");
  EXPECT_EQ(Sql("'a' = host"), "\"host\" = 'a'");
  EXPECT_EQ(Sql("host = ''"), "(\"host\" IS NULL OR \"host\" = '')");
  EXPECT_EQ(Sql("host != 'a'"), "(\"host\" IS NULL OR \"host\" <> 'a')");
  EXPECT_EQ(Sql("host <> ''"), "(\"host\" IS NOT NULL AND \"host\" <> '')");
  EXPECT_EQ(Sql("host =~ /^a'/"), "coalesce(\"host\", '') ~ '^a'''");
  EXPECT_EQ(Sql("host !~ /x/"), "coalesce(\"host\", '') !~ 'x'");
  // '' matches these patterns, so a series without the tag does.
  EXPECT_EQ(Sql("host =~ /a*/"), "coalesce(\"host\", '') ~ 'a*'");
  EXPECT_EQ(Sql("host !~ /.*/"), "coalesce(\"host\", '') !~ '.*'");
  EXPECT_EQ(Sql("host > 'm'"), "coalesce(\"host\", '') > 'm'");
  EXPECT_EQ(Sql("'m' > host"), "coalesce(\"host\", '') < 'm'");
  EXPECT_EQ(Sql("host = 1"), "FALSE");
  EXPECT_EQ(Sql("host::tag = 'a'"), "\"host\" = 'a'");
  // Names the table does not have are tags without a value.
  EXPECT_EQ(Sql("nosuch = ''"), "TRUE");
  EXPECT_EQ(Sql("nosuch = 'x'"), "FALSE");
  EXPECT_EQ(Sql("nosuch != 'x'"), "TRUE");
  EXPECT_EQ(Sql("nosuch =~ /^$/"), "TRUE");
  EXPECT_EQ(Sql("nosuch !~ /^$/"), "FALSE");
  EXPECT_EQ(Sql("nosuch > 1"), "FALSE");
}

TEST_F(ConditionTest, Fields) {
  EXPECT_EQ(Sql("usage > 1.5 AND n <= 3"), "(\"usage\" > 1.5 AND \"n\" <= 3)");
  EXPECT_EQ(Sql("s = 'it\\'s' OR b = true"), "(\"s\" = 'it''s' OR \"b\" = TRUE)");
  EXPECT_EQ(Sql("\"we\\\"ird\" > 0"), "\"we\"\"ird\" > 0");
  EXPECT_EQ(Sql("2.0 < usage"), "2.0 < \"usage\"");
  EXPECT_EQ(Sql("usage = 'x'"), "FALSE");
  EXPECT_EQ(Sql("s = 1"), "FALSE");
  EXPECT_EQ(Sql("b > true"), "FALSE");
  EXPECT_EQ(Sql("usage::tag = 1"), "FALSE");
  EXPECT_EQ(Sql("s =~ /a/"), "\"s\" ~ 'a'");
  EXPECT_EQ(Sql("usage =~ /a/"), "FALSE");
  EXPECT_EQ(Sql("n / 2 > 1"), "(CASE WHEN 2 = 0 THEN 0.0 ELSE CAST(\"n\" AS double) / 2 END) > 1");
  EXPECT_EQ(Sql("abs(usage - n) < 1"), "abs((\"usage\" - \"n\")) < 1");
  EXPECT_EQ(Sql("usage::integer = 1"), "TRY_CAST(\"usage\" AS bigint) = 1");
  EXPECT_EQ(Sql("host::field = 'a'"), "FALSE");
  EXPECT_EQ(Sql("mean(usage) > 1"), "error: invalid function call in condition: mean(usage)");
  EXPECT_EQ(Sql("usage"), "error: invalid condition expression: usage");
}

TEST_F(ConditionTest, TimeIsLeftToTheRange) {
  EXPECT_EQ(Sql("time > now() - 1h AND host = 'a'"), "\"host\" = 'a'");
  EXPECT_EQ(Sql("time > now() - 1h"), "TRUE");
}

TEST_F(ConditionTest, TimeAsPredicates) {
  EXPECT_EQ(ShowSql("time > '2016-01-01T00:00:00.5Z'"),
            "\"time\" > TIMESTAMP '2016-01-01T00:00:00.5Z'");
  EXPECT_EQ(ShowSql("time <= now() - 1h"), "\"time\" <= TIMESTAMP '2015-12-31T23:00:00Z'");
  EXPECT_EQ(ShowSql("now() < time"), "\"time\" > TIMESTAMP '2016-01-01T00:00:00Z'");
  EXPECT_EQ(ShowSql("time = 1451606400000000001"),
            "\"time\" = TIMESTAMP '2016-01-01T00:00:00.000000001Z'");
  EXPECT_EQ(ShowSql("time >= '2016-01-01'"), "\"time\" >= TIMESTAMP '2016-01-01T00:00:00Z'");
  EXPECT_EQ(ShowSql("time >= '2016-01-01 00:00:01' + 10s"),
            "\"time\" >= TIMESTAMP '2016-01-01T00:00:11Z'");
  EXPECT_EQ(ShowSql("time != '2016-01-01'"), "\"time\" <> TIMESTAMP '2016-01-01T00:00:00Z'");
  // Under OR too, where a SELECT's time range cannot have them.
  EXPECT_EQ(ShowSql("host = 'a' AND (usage > 1 OR time > now())"),
            "(\"host\" = 'a' AND (\"usage\" > 1 OR \"time\" > TIMESTAMP '2016-01-01T00:00:00Z'))");
  EXPECT_EQ(ShowSql("true"), "TRUE");
  // The errors of the time range's.
  EXPECT_EQ(ShowSql("time > 'yesterday'"),
            "error: invalid operation: time and *influxql.StringLiteral are not compatible");
  EXPECT_EQ(ShowSql("time =~ /x/"), "error: invalid time comparison operator: =~");
  EXPECT_EQ(ShowSql("time > usage"),
            "error: invalid operation: time and *influxql.VarRef are not compatible");
  ctx_.now_ns = -10;
  EXPECT_EQ(ShowSql("time > now() - 9223372036854775807"),
            "error: time arithmetic overflows the range of time");
}

TEST_F(ConditionTest, Parameters) {
  params_["h"] = std::string("a");
  params_["x"] = 1.5;
  params_["p"] = std::string("x'y");
  params_["n"] = int64_t{7};
  EXPECT_EQ(Sql("host = $h AND usage > $x"), "(\"host\" = 'a' AND \"usage\" > 1.5)");
  EXPECT_EQ(Sql("host = $p"), "\"host\" = 'x''y'");
  EXPECT_EQ(Sql("host =~ $p"), "coalesce(\"host\", '') ~ 'x''y'");
  EXPECT_EQ(Sql("usage = $n"), "\"usage\" = 7");
  EXPECT_EQ(Sql("host = $missing"), "error: missing parameter: missing");
}

TEST_F(ConditionTest, TimeRanges) {
  EXPECT_EQ(Range("time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T00:00:01Z'"),
            "0..999999999");
  EXPECT_EQ(Range("time > now() - 1s"), "-999999999..-");
  EXPECT_EQ(Range("now() - 1s < time"), "-999999999..-");
  EXPECT_EQ(Range("time = 1451606400s"), "0..0");
  EXPECT_EQ(Range("time <= 1451606400000000001"), "-..1");
  EXPECT_EQ(Range("time > '2016-01-01' + 10s AND time < now() + 1s * 2"),
            "10000000001..1999999999");
  EXPECT_EQ(Range("time > 1451606400000000000.0"), "1..-");
  EXPECT_EQ(Range("time >= now() AND time <= now() - 1s"), "0..-1000000000");
  EXPECT_EQ(Range("host = 'a' OR usage > 1"), "-..-");
  EXPECT_EQ(Range("time > now() OR host = 'a'"),
            "error: invalid time condition: time ranges joined with OR are not supported; use AND");
  EXPECT_EQ(Range("time =~ /x/"), "error: invalid time comparison operator: =~");
  EXPECT_EQ(Range("time > true"),
            "error: invalid operation: time and *influxql.BooleanLiteral are not compatible");
  EXPECT_EQ(Range("time > usage"),
            "error: invalid operation: time and *influxql.VarRef are not compatible");
  params_["t"] = std::string("2016-01-01T00:00:01Z");
  EXPECT_EQ(Range("time >= $t"), "1000000000..-");
}

TEST(ArithmeticTest, InfluxQLSemantics) {
  EXPECT_EQ(EvalBinary(BinaryOperator::kDivide, int64_t{7}, int64_t{2}), ResultValue(3.5));
  EXPECT_EQ(EvalBinary(BinaryOperator::kDivide, int64_t{7}, int64_t{0}), ResultValue(0.0));
  EXPECT_EQ(EvalBinary(BinaryOperator::kDivide, 7.0, 0.0), ResultValue(0.0));
  EXPECT_EQ(EvalBinary(BinaryOperator::kModulo, int64_t{7}, int64_t{0}), ResultValue(int64_t{0}));
  EXPECT_EQ(EvalBinary(BinaryOperator::kModulo, int64_t{-7}, int64_t{3}), ResultValue(int64_t{-1}));
  EXPECT_EQ(EvalBinary(BinaryOperator::kAdd, INT64_MAX, int64_t{1}), ResultValue(INT64_MIN));
  EXPECT_EQ(EvalBinary(BinaryOperator::kSubtract, uint64_t{5}, int64_t{7}),
            ResultValue(static_cast<uint64_t>(-2)));
  EXPECT_EQ(EvalBinary(BinaryOperator::kMultiply, int64_t{3}, 0.5), ResultValue(1.5));
  EXPECT_EQ(EvalBinary(BinaryOperator::kBitwiseAnd, int64_t{6}, int64_t{3}),
            ResultValue(int64_t{2}));
  EXPECT_EQ(EvalBinary(BinaryOperator::kBitwiseXor, true, false), ResultValue(true));
  EXPECT_EQ(EvalBinary(BinaryOperator::kAdd, std::string("a"), std::string("b")), ResultValue());
  EXPECT_EQ(EvalBinary(BinaryOperator::kAdd, ResultValue(), 1.0), ResultValue());
  EXPECT_EQ(EvalMath("abs", {int64_t{-3}}), ResultValue(int64_t{3}));
  EXPECT_EQ(EvalMath("round", {2.5}), ResultValue(3.0));
  EXPECT_EQ(EvalMath("round", {-2.5}), ResultValue(-3.0));
  EXPECT_EQ(EvalMath("floor", {int64_t{3}}), ResultValue(int64_t{3}));
  EXPECT_EQ(EvalMath("log", {8.0, 2.0}), ResultValue(3.0));
  EXPECT_EQ(EvalMath("sqrt", {std::string("x")}), ResultValue());
  EXPECT_EQ(CastValue(2.9, influxql::DataType::kInteger), ResultValue(int64_t{2}));
  EXPECT_EQ(CastValue(-2.9, influxql::DataType::kInteger), ResultValue(int64_t{-2}));
  EXPECT_EQ(CastValue(int64_t{2}, influxql::DataType::kFloat), ResultValue(2.0));
  EXPECT_EQ(CastValue(std::string("x"), influxql::DataType::kFloat), ResultValue());
  EXPECT_EQ(CastValue(1e300, influxql::DataType::kInteger), ResultValue());
}

TEST(WindowsTest, StartsAndSteps) {
  constexpr int64_t kMinuteNs = 60 * kSecondNs;
  const Windows minutes(kMinuteNs, 0, nullptr);
  EXPECT_EQ(minutes.Start(kT0 + 59 * kSecondNs), kT0);
  EXPECT_EQ(minutes.Start(-1), -kMinuteNs);  // before 1970: the earlier window
  EXPECT_EQ(minutes.Step(kT0, true), kT0 + kMinuteNs);
  EXPECT_EQ(minutes.Step(kT0, false), kT0 - kMinuteNs);
  const Windows offset(10 * kMinuteNs, 3 * kMinuteNs, nullptr);
  EXPECT_EQ(offset.Start(kT0), kT0 - 7 * kMinuteNs);
  EXPECT_EQ(offset.Start(kT0 + 3 * kMinuteNs), kT0 + 3 * kMinuteNs);
  EXPECT_EQ(CountWindows(minutes, kT0, kT0 + 59 * kMinuteNs + 1), 60);
  EXPECT_EQ(CountWindows(minutes, kT0 + kMinuteNs, kT0), 0);
  EXPECT_EQ(CountWindows(Windows(1, 0, nullptr), kMinTime, kMaxTime), INT64_MAX);
  // The earliest window starts at InfluxDB's minimum time.
  EXPECT_EQ(minutes.Start(kMinTime), kMinTime);
  // Days in New York across the start of daylight saving time: local midnights.
  absl::TimeZone new_york;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  const Windows days(24 * 60 * kMinuteNs, 0, &new_york);
  const int64_t march13 = 1457845200000000000;  // 2016-03-13T05:00:00Z, midnight EST
  const int64_t march14 = 1457928000000000000;  // 2016-03-14T04:00:00Z, midnight EDT
  EXPECT_EQ(days.Start(march13 + 12 * 60 * kMinuteNs), march13);
  EXPECT_EQ(days.Step(march13, true), march14);
  EXPECT_EQ(days.Step(march14, false), march13);
  EXPECT_EQ(days.Start(march14 + kMinuteNs), march14);
}

}  // namespace
}  // namespace strata::query::influxql_select
