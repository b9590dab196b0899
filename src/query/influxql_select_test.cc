// Tests of ExecuteInfluxQLSelect: InfluxQL SELECT and EXPLAIN over an in-process node, with the
// expected results worked out by hand from InfluxDB 1.8's documented behaviour.
#include <charconv>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/parser.h"
#include "influxql/result_json.h"
#include "query/influxql_executor.h"
#include "query/influxql_series.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 2016-01-01T00:00:00Z in nanoseconds.
constexpr int64_t kT0 = 1451606400000000000;
constexpr int64_t kMinute = 60'000'000'000;

std::string FormatValue(const influxql::ResultValue& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    return "null";
  }
  if (const auto* d = std::get_if<double>(&value)) {
    char text[64];
    auto [end, ec] = std::to_chars(text, text + sizeof(text), *d);
    return std::string(text, end);
  }
  if (const auto* i = std::get_if<int64_t>(&value)) {
    return absl::StrCat(*i, "i");
  }
  if (const auto* u = std::get_if<uint64_t>(&value)) {
    return absl::StrCat(*u, "u");
  }
  if (const auto* s = std::get_if<std::string>(&value)) {
    return absl::StrCat("'", *s, "'");
  }
  if (const auto* b = std::get_if<bool>(&value)) {
    return *b ? "true" : "false";
  }
  const auto& time = std::get<influxql::ResultTime>(value);
  const int64_t nanos = time.nanos;
  // Times with a tz() offset print as the v1 API writes them ("2016-01-01T05:30:00+05:30").
  if (time.utc_offset_seconds != 0) {
    return influxql::FormatRfc3339Nano(nanos, time.utc_offset_seconds);
  }
  // Times of 2016 print as offsets from kT0 in minutes ("T0+3m") when whole, else ISO 8601.
  if (nanos >= kT0 && (nanos - kT0) % kMinute == 0 && nanos - kT0 < 1000 * kMinute) {
    return nanos == kT0 ? "T0" : absl::StrCat("T0+", (nanos - kT0) / kMinute, "m");
  }
  return FormatIso8601(nanos, SecondFraction::kTrimmed) + "Z";
}

// A result as compact text: one line per series ("name tags: columns"), then one per row.
std::string FormatResult(const influxql::StatementResult& result) {
  if (result.error.has_value()) {
    return "error: " + *result.error;
  }
  std::vector<std::string> lines;
  for (const influxql::Series& series : result.series) {
    std::string header = series.name;
    if (!series.tags.empty()) {
      std::vector<std::string> tags;
      for (const auto& [key, value] : series.tags) {
        tags.push_back(absl::StrCat(key, "=", value));
      }
      absl::StrAppend(&header, "[", absl::StrJoin(tags, ","), "]");
    }
    absl::StrAppend(&header, ": ", absl::StrJoin(series.columns, ","));
    lines.push_back(header);
    for (size_t r = 0; r < series.num_rows(); ++r) {
      std::vector<std::string> cells;
      for (size_t c = 0; c < series.columns.size(); ++c) {
        cells.push_back(FormatValue(series.cell(r, c)));
      }
      lines.push_back("  " + absl::StrJoin(cells, " "));
    }
  }
  return absl::StrJoin(lines, "\n");
}

class InfluxQLSelectTest : public ::testing::Test {
 protected:
  InfluxQLSelectTest()
      : node_(std::filesystem::temp_directory_path() /
                  ("influxql_select_test_" + std::to_string(::getpid()) + "_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name()),
              /*persist=*/false) {}

  void Write(std::string_view lines) {
    absl::Status status = node_.Write(lines);
    ASSERT_TRUE(status.ok()) << status;
  }

  // The cpu measurement: hosts a and b in regions, c without a region, a gap at T0+2m.
  void WriteCpu() {
    Write(absl::StrCat("cpu,host=a,region=us usage_user=10,usage_idle=90,n=1i ",
                       kT0,
                       "\n",
                       "cpu,host=b,region=eu usage_user=20,usage_idle=80,n=2i ",
                       kT0,
                       "\n",
                       "cpu,host=a,region=us usage_user=30,n=3i ",
                       kT0 + kMinute,
                       "\n",
                       "cpu,host=b,region=eu usage_user=40,usage_idle=60,n=4i ",
                       kT0 + kMinute,
                       "\n",
                       "cpu,host=a,region=us usage_user=50,usage_idle=50,n=5i ",
                       kT0 + 3 * kMinute,
                       "\n",
                       "cpu,host=c usage_user=70,n=7i ",
                       kT0 + 4 * kMinute,
                       "\n"));
  }

  // Runs one statement.
  absl::StatusOr<influxql::StatementResult> Execute(std::string_view text,
                                                    int64_t now = kT0 + 10 * kMinute) {
    auto statement = influxql::ParseStatement(text);
    if (!statement.ok()) {
      return statement.status();
    }
    InfluxQLRequest request;
    request.database = "db";
    request.now_ns = now;
    request.params = params_;
    return ExecuteInfluxQLSelect(node_.engine(), **statement, 0, request);
  }

  // Runs one statement and returns its result as text.
  std::string Run(std::string_view text, int64_t now = kT0 + 10 * kMinute) {
    if (!influxql::ParseStatement(text).ok()) {
      return "parse error: " + std::string(influxql::ParseStatement(text).status().message());
    }
    auto result = Execute(text, now);
    if (!result.ok()) {
      return "failed: " + result.status().ToString();
    }
    return FormatResult(*result);
  }

  TestNode node_;
  std::map<std::string, influxql::ResultValue> params_;
};

// A WHERE clause for [T0, T0+5m).
constexpr char kRange[] = "time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T00:05:00Z'";

TEST_F(InfluxQLSelectTest, RawFieldsAndTags) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT usage_user, host FROM cpu"),
            "cpu: time,usage_user,host\n"
            "  T0 10 'a'\n"
            "  T0 20 'b'\n"
            "  T0+1m 30 'a'\n"
            "  T0+1m 40 'b'\n"
            "  T0+3m 50 'a'\n"
            "  T0+4m 70 'c'");
}

TEST_F(InfluxQLSelectTest, RawRowsWithoutTheSelectedFieldsAreDropped) {
  WriteCpu();
  // Only three points have usage_idle... four: a@T0, b@T0, b@1m, a@3m.
  EXPECT_EQ(Run("SELECT usage_idle FROM cpu"),
            "cpu: time,usage_idle\n"
            "  T0 90\n"
            "  T0 80\n"
            "  T0+1m 60\n"
            "  T0+3m 50");
}

// Every point has a field: a query reading all of them needs no "one of them is set" filter,
// one reading some does (and a cast of one counts as not reading it as it is).
TEST_F(InfluxQLSelectTest, RawReadsOfEveryFieldNeedNoPresenceFilter) {
  WriteCpu();
  EXPECT_THAT(Run("EXPLAIN SELECT * FROM cpu"), Not(HasSubstr("IS NOT NULL")));
  EXPECT_THAT(Run("EXPLAIN SELECT usage_user, usage_idle, n FROM cpu"),
              Not(HasSubstr("IS NOT NULL")));
  EXPECT_THAT(Run("EXPLAIN SELECT usage_user, usage_idle FROM cpu"), HasSubstr("IS NOT NULL"));
  EXPECT_THAT(Run("EXPLAIN SELECT usage_user, usage_idle, n::float FROM cpu"),
              HasSubstr("IS NOT NULL"));
  EXPECT_THAT(Run("EXPLAIN SELECT * FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1"),
              Not(HasSubstr("IS NOT NULL")));
  // The rows are the same with the filter or without: every point of cpu.
  EXPECT_EQ(Run("SELECT usage_user, usage_idle, n FROM cpu WHERE time >= 0"),
            Run("SELECT usage_user, usage_idle, n FROM cpu WHERE usage_user = usage_user OR "
                "usage_idle = usage_idle OR n = n"));
}

TEST_F(InfluxQLSelectTest, RawWildcardSortsColumnsByName) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT * FROM cpu WHERE host = 'c' OR host = 'b'"),
            "cpu: time,host,n,region,usage_idle,usage_user\n"
            "  T0 'b' 2i 'eu' 80 20\n"
            "  T0+1m 'b' 4i 'eu' 60 40\n"
            "  T0+4m 'c' 7i null null 70");
}

TEST_F(InfluxQLSelectTest, WhereTagsAndFields) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE host = 'a' AND usage_user > 20"),
            "cpu: time,usage_user\n"
            "  T0+1m 30\n"
            "  T0+3m 50");
  // A series without the tag has the value ''.
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE region = ''"),
            "cpu: time,usage_user\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE region != 'us'"),
            "cpu: time,usage_user\n"
            "  T0 20\n"
            "  T0+1m 40\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE host =~ /^[bc]$/ AND (n = 2 OR n >= 7)"),
            "cpu: time,usage_user\n"
            "  T0 20\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE host !~ /a|b/"),
            "cpu: time,usage_user\n"
            "  T0+4m 70");
  // A name the measurement does not have is a tag without a value.
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE nosuch = 'x'"), "");
  // Comparing a number field with a string is false, not an error.
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE usage_user = 'x'"), "");
  // Float literals reach the SQL as the same doubles, whatever notation their SQL text takes
  // (1e20 and 1e-7 get exponents).
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE usage_user > 49.99999999999999 AND "
                "usage_user < 50.0000001 AND usage_user < 100000000000000000000.0 AND "
                "usage_user > 0.0000001"),
            "cpu: time,usage_user\n"
            "  T0+3m 50");
}

TEST_F(InfluxQLSelectTest, WhereTime) {
  WriteCpu();
  const std::string expected =
      "cpu: time,usage_user\n"
      "  T0+1m 30\n"
      "  T0+1m 40\n"
      "  T0+3m 50";
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time > '2016-01-01T00:00:00Z' AND "
                "time <= '2016-01-01T00:03:00Z'"),
            expected);
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time >= '2016-01-01 00:00:00.5' AND "
                "time < '2016-01-01T01:03:30+01:00'"),
            expected);
  EXPECT_EQ(
      Run(absl::StrCat("SELECT usage_user FROM cpu WHERE time > ", kT0, " AND time < 1451606640s")),
      expected);
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time >= now() - 9m AND time < now() - 6m"),
            expected);
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE '2016-01-01T00:03:00Z' >= time AND "
                "time > '2016-01-01T00:00:00Z'"),
            expected);
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time = '2016-01-01T00:03:00Z'"),
            "cpu: time,usage_user\n"
            "  T0+3m 50");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time > '2016-01-02'"), "");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time > '2016-13-01T00:00:00Z'"),
            "error: invalid timestamp string");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time > 'yesterday'"),
            "error: invalid operation: time and *influxql.StringLiteral are not compatible");
  EXPECT_THAT(Run("SELECT usage_user FROM cpu WHERE time > now() - 1h OR host = 'a'"),
              HasSubstr("error: invalid time condition"));
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time != now()"),
            "error: invalid time comparison operator: !=");
}

TEST_F(InfluxQLSelectTest, Aggregates) {
  WriteCpu();
  EXPECT_EQ(Run(absl::StrCat("SELECT mean(usage_user), count(usage_user), sum(n), max(usage_user), "
                             "min(n), first(usage_user), last(usage_idle) FROM cpu WHERE ",
                             kRange)),
            "cpu: time,mean,count,sum,max,min,first,last\n"
            "  T0 36.666666666666664 6i 22i 70 1i 10 50");
  // Without a lower time bound the time of an aggregate is the epoch.
  EXPECT_EQ(Run("SELECT sum(usage_user) FROM cpu"),
            "cpu: time,sum\n"
            "  1970-01-01T00:00:00Z 220");
  // Integers: mean is a float, sum stays an integer.
  EXPECT_EQ(Run("SELECT mean(n), sum(n), spread(n), median(n) FROM cpu WHERE host = 'a'"),
            "cpu: time,mean,sum,spread,median\n"
            "  1970-01-01T00:00:00Z 3 9i 4i 3");
  EXPECT_EQ(Run("SELECT mean(usage_user) FROM nosuch"), "");
  EXPECT_EQ(Run("SELECT mean(nosuch) FROM cpu"), "");
}

TEST_F(InfluxQLSelectTest, ColumnNames) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT mean(usage_user), mean(usage_idle) AS m, mean(n), max(n) AS mean FROM cpu "
                "WHERE host = 'a'"),
            "cpu: time,mean_1,m,mean_2,mean\n"
            "  1970-01-01T00:00:00Z 30 70 3 5i");
  EXPECT_EQ(Run("SELECT time AS ts, usage_user + usage_idle FROM cpu WHERE host = 'a'"),
            "cpu: ts,usage_user_usage_idle\n"
            "  T0 100\n"
            "  T0+1m null\n"
            "  T0+3m 100");
}

TEST_F(InfluxQLSelectTest, GroupByTimeFills) {
  WriteCpu();
  const std::string query =
      absl::StrCat("SELECT mean(usage_user), count(usage_user) FROM cpu WHERE host = 'a' AND ",
                   kRange,
                   " GROUP BY time(1m)");
  EXPECT_EQ(Run(query),
            "cpu: time,mean,count\n"
            "  T0 10 1i\n"
            "  T0+1m 30 1i\n"
            "  T0+2m null 0i\n"
            "  T0+3m 50 1i\n"
            "  T0+4m null 0i");
  EXPECT_EQ(Run(query + " fill(none)"),
            "cpu: time,mean,count\n"
            "  T0 10 1i\n"
            "  T0+1m 30 1i\n"
            "  T0+3m 50 1i");
  EXPECT_EQ(Run(query + " fill(-1)"),
            "cpu: time,mean,count\n"
            "  T0 10 1i\n"
            "  T0+1m 30 1i\n"
            "  T0+2m -1 -1i\n"
            "  T0+3m 50 1i\n"
            "  T0+4m -1 -1i");
  EXPECT_EQ(Run(query + " fill(previous)"),
            "cpu: time,mean,count\n"
            "  T0 10 1i\n"
            "  T0+1m 30 1i\n"
            "  T0+2m 30 1i\n"
            "  T0+3m 50 1i\n"
            "  T0+4m 50 1i");
  EXPECT_EQ(Run(query + " fill(linear)"),
            "cpu: time,mean,count\n"
            "  T0 10 1i\n"
            "  T0+1m 30 1i\n"
            "  T0+2m 40 1i\n"
            "  T0+3m 50 1i\n"
            "  T0+4m null null");
}

TEST_F(InfluxQLSelectTest, GroupByTimeWithoutUpperBoundEndsAtNow) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT max(usage_user) FROM cpu WHERE time >= '2016-01-01T00:02:00Z' "
                "GROUP BY time(1m)",
                /*now=*/kT0 + 5 * kMinute),
            "cpu: time,max\n"
            "  T0+2m null\n"
            "  T0+3m 50\n"
            "  T0+4m 70\n"
            "  T0+5m null");
  // Without a lower bound, a series' intervals start at its first point.
  EXPECT_EQ(Run("SELECT max(usage_user) FROM cpu WHERE host = 'c' GROUP BY time(1m)",
                /*now=*/kT0 + 6 * kMinute),
            "cpu: time,max\n"
            "  T0+4m 70\n"
            "  T0+5m null\n"
            "  T0+6m null");
}

TEST_F(InfluxQLSelectTest, GroupByTags) {
  WriteCpu();
  EXPECT_EQ(
      Run(absl::StrCat(
          "SELECT max(usage_user) FROM cpu WHERE ", kRange, " GROUP BY time(2m), host fill(none)")),
      "cpu[host=a]: time,max\n"
      "  T0 30\n"
      "  T0+2m 50\n"
      "cpu[host=b]: time,max\n"
      "  T0 40\n"
      "cpu[host=c]: time,max\n"
      "  T0+4m 70");
  EXPECT_EQ(Run("SELECT count(usage_user) FROM cpu GROUP BY region"),
            "cpu[region=]: time,count\n"
            "  1970-01-01T00:00:00Z 1i\n"
            "cpu[region=eu]: time,count\n"
            "  1970-01-01T00:00:00Z 2i\n"
            "cpu[region=us]: time,count\n"
            "  1970-01-01T00:00:00Z 3i");
  EXPECT_EQ(Run("SELECT last(usage_user) FROM cpu GROUP BY *"),
            "cpu[host=a,region=us]: time,last\n"
            "  T0+3m 50\n"
            "cpu[host=b,region=eu]: time,last\n"
            "  T0+1m 40\n"
            "cpu[host=c,region=]: time,last\n"
            "  T0+4m 70");
}

// Raw rows of several series at one time come in the order of their tags (NULL first), as
// InfluxDB merges series: whether the SQL orders them (not every tag read) or the executor does
// (SELECT *, no GROUP BY tags, no LIMIT).
TEST_F(InfluxQLSelectTest, RawRowsAtTheSameTimeAreInTagOrder) {
  WriteCpu();
  Write(absl::StrCat("cpu,region=eu usage_user=1 ", kT0, "\n"));
  EXPECT_EQ(Run("SELECT * FROM cpu"),
            "cpu: time,host,n,region,usage_idle,usage_user\n"
            "  T0 null null 'eu' null 1\n"
            "  T0 'a' 1i 'us' 90 10\n"
            "  T0 'b' 2i 'eu' 80 20\n"
            "  T0+1m 'a' 3i 'us' null 30\n"
            "  T0+1m 'b' 4i 'eu' 60 40\n"
            "  T0+3m 'a' 5i 'us' 50 50\n"
            "  T0+4m 'c' 7i null null 70");
  EXPECT_EQ(Run("SELECT * FROM cpu WHERE time <= '2016-01-01T00:01:00Z' ORDER BY time DESC"),
            "cpu: time,host,n,region,usage_idle,usage_user\n"
            "  T0+1m 'a' 3i 'us' null 30\n"
            "  T0+1m 'b' 4i 'eu' 60 40\n"
            "  T0 null null 'eu' null 1\n"
            "  T0 'a' 1i 'us' 90 10\n"
            "  T0 'b' 2i 'eu' 80 20");
  // Not every tag read: the SQL orders the rows, the same way.
  EXPECT_EQ(Run("SELECT usage_user, host FROM cpu WHERE time <= '2016-01-01T00:01:00Z'"),
            "cpu: time,usage_user,host\n"
            "  T0 1 null\n"
            "  T0 10 'a'\n"
            "  T0 20 'b'\n"
            "  T0+1m 30 'a'\n"
            "  T0+1m 40 'b'");
  EXPECT_THAT(Run("EXPLAIN SELECT * FROM cpu"), Not(HasSubstr("ORDER BY")));
  EXPECT_THAT(Run("EXPLAIN SELECT usage_user, host FROM cpu"), HasSubstr("ORDER BY"));
}

// Raw rows whose values are the result's (SELECT *, SELECT a, b) stay in the engine's columns
// (influxql::ColumnarRows): the same rows, times and offsets as cells would have.
TEST_F(InfluxQLSelectTest, RawRowsStayInTheEngineColumns) {
  WriteCpu();
  auto columnar = [this](std::string_view text) {
    auto result = Execute(text);
    EXPECT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->series.empty()) << text;
    for (const influxql::Series& series : result->series) {
      if (!series.columnar.has_value()) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(columnar("SELECT * FROM cpu"));
  EXPECT_TRUE(columnar("SELECT usage_user, host FROM cpu GROUP BY region LIMIT 1 OFFSET 1"));
  EXPECT_FALSE(columnar("SELECT usage_user * 2 FROM cpu"));
  EXPECT_FALSE(columnar("SELECT usage_user FROM (SELECT * FROM cpu)"));
  EXPECT_EQ(Run("SELECT usage_user, host FROM cpu GROUP BY region LIMIT 1 OFFSET 1"),
            "cpu[region=eu]: time,usage_user,host\n"
            "  T0+1m 40 'b'\n"
            "cpu[region=us]: time,usage_user,host\n"
            "  T0+1m 30 'a'");
  // A subquery's columnar rows read by the outer query.
  EXPECT_EQ(Run("SELECT max(usage_user), host FROM (SELECT * FROM cpu WHERE host != 'c')"),
            "cpu: time,max,host\n"
            "  T0+3m 50 'a'");
  // Offsets of a zone at each row's time: New York's daylight saving time starts on 2016-03-13.
  Write(
      "dst v=1 1457784000000000000\n"    // 2016-03-12T12:00:00Z
      "dst v=2 1457870400000000000\n");  // 2016-03-13T12:00:00Z
  EXPECT_TRUE(columnar("SELECT * FROM dst tz('America/New_York')"));
  EXPECT_EQ(Run("SELECT * FROM dst tz('America/New_York')"),
            "dst: time,v\n"
            "  2016-03-12T07:00:00-05:00 1\n"
            "  2016-03-13T08:00:00-04:00 2");
}

// Rows at one time whose tags have too many distinct values to pack their ranks into 64 bits
// are ordered by comparing the tags' strings: the same order.
TEST_F(InfluxQLSelectTest, RowsAtOneTimeWithManyDistinctTagsAreInTagOrder) {
  constexpr int kTags = 13;  // 13 tags x 6 bits (32 values and NULL) > 64 bits
  constexpr int kPoints = 32;
  std::string lines;
  for (int k = 0; k < kPoints; ++k) {
    absl::StrAppend(&lines, "m");
    for (int t = 0; t < kTags; ++t) {
      // t00 decides the order; the other tags only make the values many.
      const int value = t == 0 ? (k * 7) % kPoints : k;
      absl::StrAppend(&lines, absl::StrFormat(",t%02d=v%02d", t, value));
    }
    absl::StrAppend(&lines, " f=", k, "i ", kT0, "\n");
  }
  Write(lines);
  auto result = Execute("SELECT * FROM m");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->series.size(), 1u);
  const influxql::Series& series = result->series[0];
  ASSERT_EQ(series.columns[2], "t00");
  ASSERT_EQ(series.num_rows(), static_cast<size_t>(kPoints));
  for (size_t r = 0; r < series.num_rows(); ++r) {
    EXPECT_EQ(series.cell(r, 2), influxql::ResultValue(absl::StrFormat("v%02d", r))) << r;
    // f follows its point: t00 = v(7k mod 32).
    const auto f = std::get<int64_t>(series.cell(r, 1));
    EXPECT_EQ((f * 7) % kPoints, static_cast<int64_t>(r));
  }
}

// A series none of whose points has the functions' fields is no series, also with fill(): host c
// has no usage_idle.
TEST_F(InfluxQLSelectTest, SeriesWithoutTheFieldsAreLeftOut) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT max(usage_idle) FROM cpu GROUP BY host"),
            "cpu[host=a]: time,max\n"
            "  T0 90\n"
            "cpu[host=b]: time,max\n"
            "  T0 80");
  EXPECT_EQ(
      Run(absl::StrCat(
          "SELECT count(usage_idle) FROM cpu WHERE ", kRange, " GROUP BY time(2m), host fill(0)")),
      "cpu[host=a]: time,count\n"
      "  T0 1i\n"
      "  T0+2m 1i\n"
      "  T0+4m 0i\n"
      "cpu[host=b]: time,count\n"
      "  T0 2i\n"
      "  T0+2m 0i\n"
      "  T0+4m 0i");
}

// LIMIT 1 per series (TSBS's lastpoint) is read as the rows at each series' last (first) time,
// joined back to an aggregate, not numbered by a window: same rows, including series without the
// grouped tag, ties between tag sets at that time, and conditions on fields.
TEST_F(InfluxQLSelectTest, FirstAndLastPointPerSeries) {
  WriteCpu();
  Write(absl::StrCat("cpu,host=d,region=eu usage_user=45 ", kT0 + kMinute, "\n"));
  EXPECT_EQ(Run("SELECT usage_user, region FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1"),
            "cpu[host=a]: time,usage_user,region\n"
            "  T0+3m 50 'us'\n"
            "cpu[host=b]: time,usage_user,region\n"
            "  T0+1m 40 'eu'\n"
            "cpu[host=c]: time,usage_user,region\n"
            "  T0+4m 70 null\n"
            "cpu[host=d]: time,usage_user,region\n"
            "  T0+1m 45 'eu'");
  // host c has no region: its series is region=''. eu has two points at its last time (hosts b
  // and d): the first by tag values, as the row number orders them.
  EXPECT_EQ(Run("SELECT usage_user, host FROM cpu GROUP BY region ORDER BY time DESC LIMIT 1"),
            "cpu[region=]: time,usage_user,host\n"
            "  T0+4m 70 'c'\n"
            "cpu[region=eu]: time,usage_user,host\n"
            "  T0+1m 40 'b'\n"
            "cpu[region=us]: time,usage_user,host\n"
            "  T0+3m 50 'a'");
  EXPECT_EQ(Run("SELECT usage_user, host FROM cpu GROUP BY region ORDER BY time DESC LIMIT 2"),
            "cpu[region=]: time,usage_user,host\n"
            "  T0+4m 70 'c'\n"
            "cpu[region=eu]: time,usage_user,host\n"
            "  T0+1m 40 'b'\n"
            "  T0+1m 45 'd'\n"
            "cpu[region=us]: time,usage_user,host\n"
            "  T0+3m 50 'a'\n"
            "  T0+1m 30 'a'");
  EXPECT_EQ(Run("SELECT usage_idle FROM cpu WHERE usage_idle > 55 GROUP BY host ORDER BY time DESC "
                "LIMIT 1"),
            "cpu[host=a]: time,usage_idle\n"
            "  T0 90\n"
            "cpu[host=b]: time,usage_idle\n"
            "  T0+1m 60");
  EXPECT_EQ(Run("SELECT usage_idle FROM cpu GROUP BY host LIMIT 1"),
            "cpu[host=a]: time,usage_idle\n"
            "  T0 90\n"
            "cpu[host=b]: time,usage_idle\n"
            "  T0 80");
  // GROUP BY a tag the measurement lacks: one series, its last point.
  EXPECT_EQ(Run("SELECT usage_user FROM cpu GROUP BY nosuchtag ORDER BY time DESC LIMIT 1"),
            "cpu[nosuchtag=]: time,usage_user\n"
            "  T0+4m 70");
  EXPECT_THAT(Run("EXPLAIN SELECT * FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1"),
              HasSubstr("max(\"time\") AS \"__edge\""));
}

TEST_F(InfluxQLSelectTest, LimitOffsetAndOrder) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT usage_user FROM cpu GROUP BY host LIMIT 1"),
            "cpu[host=a]: time,usage_user\n"
            "  T0 10\n"
            "cpu[host=b]: time,usage_user\n"
            "  T0 20\n"
            "cpu[host=c]: time,usage_user\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1 OFFSET 1"),
            "cpu[host=a]: time,usage_user\n"
            "  T0+1m 30\n"
            "cpu[host=b]: time,usage_user\n"
            "  T0 20");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu ORDER BY time DESC LIMIT 2"),
            "cpu: time,usage_user\n"
            "  T0+4m 70\n"
            "  T0+3m 50");
  EXPECT_EQ(Run(absl::StrCat("SELECT mean(usage_user) FROM cpu WHERE ",
                             kRange,
                             " GROUP BY time(1m) ORDER BY time DESC LIMIT 3")),
            "cpu: time,mean\n"
            "  T0+4m 70\n"
            "  T0+3m 50\n"
            "  T0+2m null");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu GROUP BY host SLIMIT 1 SOFFSET 1"),
            "cpu[host=b]: time,usage_user\n"
            "  T0 20\n"
            "  T0+1m 40");
}

TEST_F(InfluxQLSelectTest, SelectorTimes) {
  WriteCpu();
  // A lone selector returns its point's time; with other functions, the range's start.
  EXPECT_EQ(Run("SELECT max(usage_user) FROM cpu WHERE host = 'a'"),
            "cpu: time,max\n"
            "  T0+3m 50");
  EXPECT_EQ(Run(absl::StrCat("SELECT max(usage_user), min(usage_user) FROM cpu WHERE ", kRange)),
            "cpu: time,max,min\n"
            "  T0 70 10");
  // A selector with other fields returns the selected point's values.
  EXPECT_EQ(Run("SELECT max(usage_user), host, n FROM cpu"),
            "cpu: time,max,host,n\n"
            "  T0+4m 70 'c' 7i");
  EXPECT_EQ(Run("SELECT first(usage_idle), host FROM cpu WHERE time > '2016-01-01T00:00:00Z'"),
            "cpu: time,first,host\n"
            "  T0+1m 60 'b'");
}

TEST_F(InfluxQLSelectTest, Errors) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT mean(usage_user), host FROM cpu"),
            "error: mixing aggregate and non-aggregate queries is not supported");
  EXPECT_EQ(Run("SELECT max(usage_user), min(usage_user), host FROM cpu"),
            "error: mixing multiple selector functions with tags or fields is not supported");
  EXPECT_EQ(Run("SELECT foo(usage_user) FROM cpu"), "error: undefined function foo()");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu GROUP BY time(1m)"),
            "error: GROUP BY requires at least one aggregate function");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu fill(none)"),
            "error: fill(none) must be used with a function");
  EXPECT_EQ(Run("SELECT mean(usage_user) FROM other..cpu"), "error: database not found: other");
  EXPECT_EQ(Run("SELECT time FROM cpu"), "error: at least 1 non-time field must be queried");
  EXPECT_EQ(Run("SELECT top(usage_user, 2), max(n) FROM cpu"),
            "error: selector function top() cannot be combined with other functions");
}

TEST_F(InfluxQLSelectTest, FillRowsAreBounded) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT count(usage_user) FROM cpu WHERE time >= '2000-01-01T00:00:00Z' AND "
                "time < '2016-01-01T00:05:00Z' GROUP BY time(1s)"),
            "error: GROUP BY time(1s) from 2000-01-01T00:00:00Z to 2016-01-01T00:04:59.999999999Z "
            "makes 504921900 intervals, more than the 10000000 fill() may add to a query; narrow "
            "the time range or use a larger interval");
  // fill(none) adds no rows.
  EXPECT_EQ(Run("SELECT count(usage_user) FROM cpu WHERE time >= '2000-01-01T00:00:00Z' AND "
                "time < '2016-01-01T00:05:00Z' GROUP BY time(1s) fill(none) LIMIT 1"),
            "cpu: time,count\n"
            "  T0 2i");
}

TEST_F(InfluxQLSelectTest, TsbsSingleGroupBy) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT max(usage_user) from cpu where (host = 'a' or host = 'b') and "
                "time >= '2016-01-01T00:00:00Z' and time < '2016-01-01T00:05:00Z' "
                "group by time(1m)"),
            "cpu: time,max\n"
            "  T0 20\n"
            "  T0+1m 40\n"
            "  T0+2m null\n"
            "  T0+3m 50\n"
            "  T0+4m null");
  // lastpoint: the last row of each series.
  EXPECT_EQ(Run("SELECT * from cpu group by \"host\" order by time desc limit 1"),
            "cpu[host=a]: time,n,region,usage_idle,usage_user\n"
            "  T0+3m 5i 'us' 50 50\n"
            "cpu[host=b]: time,n,region,usage_idle,usage_user\n"
            "  T0+1m 4i 'eu' 60 40\n"
            "cpu[host=c]: time,n,region,usage_idle,usage_user\n"
            "  T0+4m 7i null null 70");
}

// Aggregates SQL computes stay in the engine's columns where they are the series' rows as they are
// (every window present, no value NULL): the same rows as the points a field expression makes
// (`mean(x) * 1` is not a bare aggregate, so it takes the points' path), with gaps, NULLs, fill
// modes, orders, limits and tags.
TEST_F(InfluxQLSelectTest, ColumnarAggregatesAreTheRowsOfPoints) {
  // Hosts a and b at every minute of [T0, T0+6m), host c with gaps (no T0+2m, T0+3m); host b
  // lacks usage_idle at T0+4m; n is an integer field.
  std::string lines;
  for (int minute = 0; minute < 6; ++minute) {
    for (const char* host : {"a", "b", "c"}) {
      if (std::string_view(host) == "c" && (minute == 2 || minute == 3)) {
        continue;
      }
      for (int second = 0; second < 60; second += 20) {
        const int value = minute * 7 + second / 20 + (host[0] - 'a') * 3;
        absl::StrAppend(&lines, "cpu,host=", host, ",region=", host[0] == 'c' ? "eu" : "us");
        absl::StrAppend(&lines, " usage_user=", value * 1.5);
        if (!(std::string_view(host) == "b" && minute == 4)) {
          absl::StrAppend(&lines, ",usage_idle=", 100 - value);
        }
        absl::StrAppend(
            &lines, ",n=", value, "i ", kT0 + minute * kMinute + second * 1'000'000'000LL);
        lines += "\n";
      }
    }
  }
  Write(lines);
  // The result's rows, without the series headers' column names.
  auto rows_of = [this](const std::string& text) {
    auto result = Execute(text);
    EXPECT_TRUE(result.ok()) << result.status();
    std::string out = FormatResult(*result);
    std::string rows;
    for (const std::string& line : std::vector<std::string>(absl::StrSplit(out, '\n'))) {
      rows += line.substr(0, line.find(": "));
      rows += "\n";
    }
    return rows;
  };
  auto columnar_series = [this](const std::string& text) {
    auto result = Execute(text);
    EXPECT_TRUE(result.ok()) << result.status();
    int count = 0;
    for (const influxql::Series& series : result->series) {
      count += series.columnar.has_value() ? 1 : 0;
    }
    return count;
  };
  const std::string range = "time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T00:06:00Z'";
  const std::vector<std::string> functions = {"mean", "sum", "min", "max", "first", "last"};
  const std::vector<std::string> tails = {
      "GROUP BY time(1m)",
      "GROUP BY time(1m), host",
      "GROUP BY time(2m), *",
      "GROUP BY time(1m), host fill(none)",
      "GROUP BY time(1m), host fill(null)",
      "GROUP BY time(90s, 30s), host",
      "GROUP BY time(1m), host ORDER BY time DESC",
      "GROUP BY time(1m), host LIMIT 2 OFFSET 1",
      "GROUP BY time(1m), host ORDER BY time DESC LIMIT 3 SLIMIT 2 SOFFSET 1",
  };
  for (const std::string& function : functions) {
    for (const std::string& fields :
         {std::string("usage_user"), std::string("usage_idle"), std::string("usage_idle, n")}) {
      std::vector<std::string> bare;
      std::vector<std::string> times_one;
      for (const std::string& field : std::vector<std::string>(absl::StrSplit(fields, ", "))) {
        bare.push_back(absl::StrCat(function, "(", field, ")"));
        times_one.push_back(absl::StrCat(function, "(", field, ") * 1"));
      }
      for (const std::string& tail : tails) {
        const std::string query = absl::StrCat(
            "SELECT ", absl::StrJoin(bare, ", "), " FROM cpu WHERE ", range, " ", tail);
        const std::string reference = absl::StrCat(
            "SELECT ", absl::StrJoin(times_one, ", "), " FROM cpu WHERE ", range, " ", tail);
        SCOPED_TRACE(query);
        EXPECT_EQ(rows_of(query), rows_of(reference));
        EXPECT_EQ(columnar_series(reference), 0);
      }
    }
  }
  // Hosts a and b have every window and, for usage_user, every value: columnar; host c has gaps
  // (filled with fill(null), so not columnar) and b a NULL usage_idle.
  const std::string by_host = absl::StrCat("FROM cpu WHERE ", range, " GROUP BY time(1m), host");
  EXPECT_EQ(columnar_series("SELECT max(usage_user) " + by_host), 2);
  EXPECT_EQ(columnar_series("SELECT max(usage_user) " + by_host + " fill(none)"), 3);
  EXPECT_EQ(columnar_series("SELECT max(usage_idle) " + by_host), 1);
  EXPECT_EQ(columnar_series("SELECT max(usage_idle) " + by_host + " fill(none)"), 2);
  // Not bare aggregates, or ones whose SQL value differs from InfluxQL's points.
  EXPECT_EQ(columnar_series("SELECT count(usage_user) " + by_host), 0);
  EXPECT_EQ(columnar_series("SELECT max(usage_user) " + by_host + " fill(0)"), 0);
  EXPECT_EQ(columnar_series("SELECT max(usage_user) " + by_host + " tz('Europe/Paris')"), 0);
  EXPECT_EQ(rows_of("SELECT mean(usage_user) " + by_host),
            rows_of("SELECT mean(usage_user) * 1 " + by_host));
}

TEST_F(InfluxQLSelectTest, OtherAggregates) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT median(usage_user), spread(usage_user), stddev(usage_user), "
                "count(distinct(n)) FROM cpu"),
            "cpu: time,median,spread,stddev,count\n"
            "  1970-01-01T00:00:00Z 35 60 21.602468994692867 6i");
  Write(absl::StrCat("m,k=x v=1i ",
                     kT0,
                     "\n",
                     "m,k=x v=2i ",
                     kT0 + kMinute,
                     "\n",
                     "m,k=x v=2i ",
                     kT0 + 2 * kMinute,
                     "\n",
                     "m,k=x v=3i ",
                     kT0 + 3 * kMinute,
                     "\n",
                     "m,k=x v=3i ",
                     kT0 + 4 * kMinute,
                     "\n"));
  // mode: the most frequent value; between as frequent ones, the one seen first.
  EXPECT_EQ(Run("SELECT mode(v) FROM m"),
            "m: time,mode\n"
            "  1970-01-01T00:00:00Z 2i");
  EXPECT_EQ(Run("SELECT distinct(v) FROM m WHERE time >= '2016-01-01T00:00:00Z'"),
            "m: time,distinct\n"
            "  T0 1i\n"
            "  T0 2i\n"
            "  T0 3i");
  EXPECT_EQ(Run("SELECT count(distinct(v)) FROM m"),
            "m: time,count\n"
            "  1970-01-01T00:00:00Z 3i");
}

TEST_F(InfluxQLSelectTest, Selectors) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT percentile(usage_user, 50) FROM cpu"),
            "cpu: time,percentile\n"
            "  T0+1m 30");
  EXPECT_EQ(Run("SELECT percentile(usage_user, 90), host FROM cpu"),
            "cpu: time,percentile,host\n"
            "  T0+3m 50 'a'");
  EXPECT_EQ(Run("SELECT top(usage_user, 2) FROM cpu"),
            "cpu: time,top\n"
            "  T0+3m 50\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT top(usage_user, host, 2) FROM cpu"),
            "cpu: time,top,host\n"
            "  T0+3m 50 'a'\n"
            "  T0+4m 70 'c'");
  EXPECT_EQ(Run("SELECT bottom(n, 2), region FROM cpu"),
            "cpu: time,bottom,region\n"
            "  T0 1i 'us'\n"
            "  T0 2i 'eu'");
  EXPECT_EQ(Run("SELECT top(usage_user, 3) FROM cpu LIMIT 2"),
            "error: limit (3) in top function can not be larger than the LIMIT (2) in the select "
            "statement");
  EXPECT_EQ(Run(absl::StrCat(
                "SELECT max(usage_user), host FROM cpu WHERE ", kRange, " GROUP BY time(2m)")),
            "cpu: time,max,host\n"
            "  T0 40 'b'\n"
            "  T0+2m 50 'a'\n"
            "  T0+4m 70 'c'");
  // sample() picks points at random: only their number is known.
  const std::string sample = Run("SELECT sample(usage_user, 2) FROM cpu");
  EXPECT_EQ(std::count(sample.begin(), sample.end(), '\n'), 2) << sample;
}

TEST_F(InfluxQLSelectTest, Integral) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT integral(usage_user, 1m) FROM cpu WHERE host = 'a'"),
            "cpu: time,integral\n"
            "  1970-01-01T00:00:00Z 100");
  // Split at interval boundaries by linear interpolation (the value at T0+2m is 40).
  EXPECT_EQ(Run("SELECT integral(usage_user, 1m) FROM cpu WHERE host = 'a' AND time >= "
                "'2016-01-01T00:00:00Z' AND time < '2016-01-01T00:04:00Z' GROUP BY time(2m)"),
            "cpu: time,integral\n"
            "  T0 55\n"
            "  T0+2m 45");
}

TEST_F(InfluxQLSelectTest, TransformationsOfFields) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT derivative(usage_user, 1m), difference(n), cumulative_sum(usage_user), "
                "moving_average(usage_user, 2), elapsed(usage_user, 1m) FROM cpu WHERE host = 'a'"),
            "cpu: time,derivative,difference,cumulative_sum,moving_average,elapsed\n"
            "  T0 null null 10 null null\n"
            "  T0+1m 20 2i 40 20 1i\n"
            "  T0+3m 10 2i 90 40 2i");
  EXPECT_EQ(Run("SELECT derivative(usage_user) FROM cpu WHERE host = 'a'"),
            "cpu: time,derivative\n"
            "  T0+1m 0.3333333333333333\n"
            "  T0+3m 0.16666666666666666");
  EXPECT_EQ(Run("SELECT derivative(usage_idle, 1m) FROM cpu GROUP BY host"),
            "cpu[host=a]: time,derivative\n"
            "  T0+3m -13.333333333333334\n"
            "cpu[host=b]: time,derivative\n"
            "  T0+1m -20");
  EXPECT_EQ(Run("SELECT non_negative_derivative(usage_idle, 1m) FROM cpu GROUP BY host"), "");
  EXPECT_EQ(Run("SELECT non_negative_difference(usage_idle) FROM cpu GROUP BY host"), "");
  // In descending order the differences are taken backwards in time (as InfluxDB does).
  EXPECT_EQ(Run("SELECT derivative(usage_user, 1m) FROM cpu WHERE host = 'a' ORDER BY time DESC"),
            "cpu: time,derivative\n"
            "  T0+1m -10\n"
            "  T0 -20");
  EXPECT_EQ(Run("SELECT derivative(usage_user) FROM cpu GROUP BY time(1m)"),
            "error: aggregate function required inside the call to derivative");
  EXPECT_EQ(Run("SELECT derivative(mean(usage_user)) FROM cpu"),
            "error: derivative aggregate requires a GROUP BY interval");
  EXPECT_EQ(Run("SELECT derivative(usage_user), usage_idle FROM cpu"),
            "error: mixing aggregate and non-aggregate queries is not supported");
}

TEST_F(InfluxQLSelectTest, TransformationsOfAggregates) {
  WriteCpu();
  const std::string where = absl::StrCat(" FROM cpu WHERE host = 'a' AND ", kRange);
  EXPECT_EQ(Run("SELECT derivative(mean(usage_user), 1m)" + where + " GROUP BY time(1m)"),
            "cpu: time,derivative\n"
            "  T0+1m 20\n"
            "  T0+3m 10");
  EXPECT_EQ(Run("SELECT difference(max(usage_user))" + where + " GROUP BY time(1m) fill(previous)"),
            "cpu: time,difference\n"
            "  T0+1m 20\n"
            "  T0+2m 0\n"
            "  T0+3m 20\n"
            "  T0+4m 0");
  // The interval before the range is read: moving_average's first point is at T0.
  EXPECT_EQ(
      Run("SELECT moving_average(mean(usage_user), 2)" + where + " GROUP BY time(1m) fill(0)"),
      "cpu: time,moving_average\n"
      "  T0 5\n"
      "  T0+1m 20\n"
      "  T0+2m 15\n"
      "  T0+3m 25\n"
      "  T0+4m 25");
  EXPECT_EQ(Run("SELECT cumulative_sum(sum(n))" + where + " GROUP BY time(2m)"),
            "cpu: time,cumulative_sum\n"
            "  T0 4i\n"
            "  T0+2m 9i");
  // An aggregate next to its transformation keeps its own range.
  EXPECT_EQ(Run("SELECT mean(usage_user), difference(mean(usage_user))" + where +
                " GROUP BY time(1m) fill(0)"),
            "cpu: time,mean,difference\n"
            "  T0 10 10\n"
            "  T0+1m 30 20\n"
            "  T0+2m 0 -30\n"
            "  T0+3m 50 50\n"
            "  T0+4m 0 -50");
}

TEST_F(InfluxQLSelectTest, Math) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT usage_user * 2 + n, n / 2, n % 2, abs(n - 4), round(usage_user / 3), "
                "-n FROM cpu WHERE host = 'a'"),
            "cpu: time,usage_user_n,n,n_1,abs,round,n_2\n"
            "  T0 21 0.5 1i 3i 3 -1i\n"
            "  T0+1m 63 1.5 1i 1i 10 -3i\n"
            "  T0+3m 105 2.5 1i 1i 17 -5i");
  EXPECT_EQ(Run("SELECT usage_user / 0, pow(n, 2), log(8, 2) + n FROM cpu WHERE host = 'c'"),
            "cpu: time,usage_user,pow,log_n\n"
            "  T0+4m 0 49 10");
  EXPECT_EQ(Run("SELECT max(n) - min(n), mean(usage_user) * 2 AS double FROM cpu"),
            "cpu: time,max_min,double\n"
            "  1970-01-01T00:00:00Z 6i 73.33333333333333");
  EXPECT_EQ(Run("SELECT 1 + 2 FROM cpu"), "error: field must contain at least one variable");
}

TEST_F(InfluxQLSelectTest, Wildcards) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT max(*) FROM cpu WHERE host = 'a'"),
            "cpu: time,max_n,max_usage_idle,max_usage_user\n"
            "  1970-01-01T00:00:00Z 5i 90 50");
  EXPECT_EQ(Run("SELECT mean(/usage/) AS m FROM cpu WHERE host = 'a'"),
            "cpu: time,m_usage_idle,m_usage_user\n"
            "  1970-01-01T00:00:00Z 70 30");
  EXPECT_EQ(Run("SELECT /usage/ FROM cpu WHERE host = 'b'"),
            "cpu: time,usage_idle,usage_user\n"
            "  T0 80 20\n"
            "  T0+1m 60 40");
  EXPECT_EQ(Run("SELECT *::field FROM cpu WHERE host = 'c'"),
            "cpu: time,n,usage_idle,usage_user\n"
            "  T0+4m 7i null 70");
  EXPECT_EQ(Run("SELECT * FROM cpu WHERE host = 'c' GROUP BY host, region"),
            "cpu[host=c,region=]: time,n,usage_idle,usage_user\n"
            "  T0+4m 7i null 70");
  EXPECT_EQ(
      Run("SELECT usage_user::integer, n::float, host::tag, n::tag FROM cpu WHERE host = 'c'"),
      "cpu: time,usage_user,n,host,n_1\n"
      "  T0+4m 70i 7 'c' null");
}

TEST_F(InfluxQLSelectTest, TypesOtherThanFloats) {
  Write(absl::StrCat("sw,dev=x up=true,cnt=5u,msg=\"hi\" ",
                     kT0,
                     "\n",
                     "sw,dev=x up=false,cnt=7u ",
                     kT0 + kMinute,
                     "\n",
                     "sw,dev=x up=true,cnt=9u,msg=\"yo\" ",
                     kT0 + 2 * kMinute,
                     "\n"));
  EXPECT_EQ(Run("SELECT max(up), min(up), count(up), first(msg), last(msg), count(msg) FROM sw"),
            "sw: time,max,min,count,first,last,count_1\n"
            "  1970-01-01T00:00:00Z true false 3i 'hi' 'yo' 2i");
  EXPECT_EQ(Run("SELECT sum(cnt), mean(cnt), max(cnt) FROM sw"),
            "sw: time,sum,mean,max\n"
            "  1970-01-01T00:00:00Z 21u 7 9u");
  EXPECT_EQ(Run("SELECT cnt + 1, difference(cnt) FROM sw"),
            "error: mixing aggregate and non-aggregate queries is not supported");
  EXPECT_EQ(Run("SELECT cnt + 1 FROM sw"),
            "sw: time,cnt\n"
            "  T0 6u\n"
            "  T0+1m 8u\n"
            "  T0+2m 10u");
  EXPECT_EQ(Run("SELECT up, msg FROM sw WHERE up = true AND msg =~ /y/"),
            "sw: time,up,msg\n"
            "  T0+2m true 'yo'");
  EXPECT_EQ(Run("SELECT mean(msg) FROM sw"),
            "error: unsupported mean iterator type: string field msg");
}

TEST_F(InfluxQLSelectTest, TimeZones) {
  WriteCpu();
  // India is 5h30 ahead of UTC: hourly intervals start at half past in UTC (05:00 local, which
  // is 2015-12-31T23:30:00Z). Result times carry the zone's offset.
  EXPECT_EQ(Run(absl::StrCat("SELECT count(usage_user) FROM cpu WHERE ",
                             kRange,
                             " GROUP BY time(1h) tz('Asia/Kolkata')")),
            "cpu: time,count\n"
            "  2016-01-01T05:00:00+05:30 6i");
  // Time strings without an offset are in the query's zone (05:31 local is T0+1m).
  EXPECT_EQ(Run("SELECT count(usage_user) FROM cpu WHERE time >= '2016-01-01 05:31:00' "
                "tz('Asia/Kolkata')"),
            "cpu: time,count\n"
            "  2016-01-01T05:31:00+05:30 4i");
  // tz('UTC'): offset 0, times as without tz().
  EXPECT_EQ(Run(absl::StrCat("SELECT count(usage_user) FROM cpu WHERE ", kRange, " tz('UTC')")),
            "cpu: time,count\n"
            "  T0 6i");
  EXPECT_EQ(Run("SELECT count(usage_user) FROM cpu tz('Mars/Olympus')"),
            "error: unable to find time zone Mars/Olympus");
  // Days across the start of daylight saving time in New York (2016-03-13): the 13th is 23
  // hours long.
  Write(
      "dst v=1 1457784000000000000\n"    // 2016-03-12T12:00:00Z
      "dst v=2 1457870400000000000\n"    // 2016-03-13T12:00:00Z
      "dst v=3 1457956800000000000\n");  // 2016-03-14T12:00:00Z
  EXPECT_EQ(Run("SELECT sum(v) FROM dst WHERE time >= '2016-03-12T05:00:00Z' AND "
                "time < '2016-03-15T04:00:00Z' GROUP BY time(1d) tz('America/New_York')"),
            "dst: time,sum\n"
            "  2016-03-12T00:00:00-05:00 1\n"
            "  2016-03-13T00:00:00-05:00 2\n"
            "  2016-03-14T00:00:00-04:00 3");
}

TEST_F(InfluxQLSelectTest, TimeZoneOffsetsOfSelectorTimes) {
  WriteCpu();
  // A lone selector (computed in SQL: no offset change in the range) keeps its point's time, with
  // the zone's offset: T0+4m is 05:34 in India.
  EXPECT_EQ(
      Run(absl::StrCat("SELECT max(usage_user) FROM cpu WHERE ", kRange, " tz('Asia/Kolkata')")),
      "cpu: time,max\n"
      "  2016-01-01T05:34:00+05:30 70");
  // A selector with other fields (computed by the executor).
  EXPECT_EQ(Run(absl::StrCat(
                "SELECT min(usage_user), host FROM cpu WHERE ", kRange, " tz('Asia/Kolkata')")),
            "cpu: time,min,host\n"
            "  2016-01-01T05:30:00+05:30 10 'a'");
  // The statement's zone formats the times of a subquery's points.
  EXPECT_EQ(Run(absl::StrCat("SELECT max(max) FROM (SELECT max(usage_user) FROM cpu WHERE ",
                             kRange,
                             " GROUP BY host) tz('Asia/Kolkata')")),
            "cpu: time,max\n"
            "  2016-01-01T05:34:00+05:30 70");
  // Across the start of daylight saving time in New York: each time has the offset in force at
  // its instant (-05:00 before 2016-03-13T07:00:00Z, -04:00 after).
  Write(
      "dst v=1 1457784000000000000\n"    // 2016-03-12T12:00:00Z
      "dst v=3 1457870400000000000\n"    // 2016-03-13T12:00:00Z
      "dst v=2 1457956800000000000\n");  // 2016-03-14T12:00:00Z
  const std::string range =
      "time >= '2016-03-12T05:00:00Z' AND time < '2016-03-15T04:00:00Z' tz('America/New_York')";
  EXPECT_EQ(Run("SELECT first(v) FROM dst WHERE " + range),
            "dst: time,first\n"
            "  2016-03-12T07:00:00-05:00 1");
  EXPECT_EQ(Run("SELECT max(v) FROM dst WHERE " + range),
            "dst: time,max\n"
            "  2016-03-13T08:00:00-04:00 3");
  EXPECT_EQ(Run("SELECT v FROM dst WHERE " + range),
            "dst: time,v\n"
            "  2016-03-12T07:00:00-05:00 1\n"
            "  2016-03-13T08:00:00-04:00 3\n"
            "  2016-03-14T08:00:00-04:00 2");
}

TEST_F(InfluxQLSelectTest, GroupByTimeOffset) {
  WriteCpu();
  EXPECT_EQ(Run(absl::StrCat(
                "SELECT count(usage_user) FROM cpu WHERE ", kRange, " GROUP BY time(2m, 1m)")),
            "cpu: time,count\n"
            "  2015-12-31T23:59:00Z 2i\n"
            "  T0+1m 2i\n"
            "  T0+3m 2i");
  EXPECT_EQ(Run(absl::StrCat(
                "SELECT count(usage_user) FROM cpu WHERE ", kRange, " GROUP BY time(2m, -1m)")),
            "cpu: time,count\n"
            "  2015-12-31T23:59:00Z 2i\n"
            "  T0+1m 2i\n"
            "  T0+3m 2i");
}

TEST_F(InfluxQLSelectTest, BoundParameters) {
  WriteCpu();
  params_["h"] = std::string("a");
  params_["t"] = std::string("2016-01-01T00:01:00Z");
  params_["min"] = int64_t{40};
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE host = $h AND time >= $t"),
            "cpu: time,usage_user\n"
            "  T0+1m 30\n"
            "  T0+3m 50");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE usage_user > $min"),
            "cpu: time,usage_user\n"
            "  T0+3m 50\n"
            "  T0+4m 70");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE host = $nope"), "error: missing parameter: nope");
}

TEST_F(InfluxQLSelectTest, Sources) {
  WriteCpu();
  Write(absl::StrCat("cpu2,host=z usage_user=5 ", kT0, "\n", "mem,host=a used=1 ", kT0, "\n"));
  EXPECT_EQ(Run("SELECT max(usage_user) FROM /^cpu/, nosuch GROUP BY host"),
            "cpu[host=a]: time,max\n"
            "  T0+3m 50\n"
            "cpu[host=b]: time,max\n"
            "  T0+1m 40\n"
            "cpu[host=c]: time,max\n"
            "  T0+4m 70\n"
            "cpu2[host=z]: time,max\n"
            "  T0 5");
  EXPECT_EQ(Run("SELECT used, usage_user FROM db.autogen.mem, db..cpu2"),
            "cpu2: time,used,usage_user\n"
            "  T0 null 5\n"
            "mem: time,used,usage_user\n"
            "  T0 1 null");
}

TEST_F(InfluxQLSelectTest, Explain) {
  WriteCpu();
  const std::string plan =
      Run(absl::StrCat("EXPLAIN SELECT max(usage_user) FROM cpu WHERE host = 'a' AND ",
                       kRange,
                       " GROUP BY time(1m)"));
  EXPECT_THAT(plan, HasSubstr("QUERY PLAN"));
  EXPECT_THAT(plan, HasSubstr("'sql: SELECT date_bin(INTERVAL '60000000000 nanoseconds'"));
  EXPECT_THAT(plan, HasSubstr("BufferScanExec"));
  const std::string analyze = Run("EXPLAIN ANALYZE SELECT usage_user FROM cpu");
  EXPECT_THAT(analyze, HasSubstr("output_rows"));
}

TEST_F(InfluxQLSelectTest, Subqueries) {
  WriteCpu();
  // The inner GROUP BY tags are tags of the outer query.
  EXPECT_EQ(Run("SELECT sum(max) FROM (SELECT max(usage_user) FROM cpu GROUP BY host)"),
            "cpu: time,sum\n"
            "  1970-01-01T00:00:00Z 160");
  EXPECT_EQ(Run("SELECT max FROM (SELECT max(usage_user) FROM cpu GROUP BY host) WHERE host = 'b'"),
            "cpu: time,max\n"
            "  T0+1m 40");
  EXPECT_EQ(Run("SELECT mean(m) FROM (SELECT mean(usage_user) AS m FROM cpu GROUP BY host) "
                "GROUP BY host"),
            "cpu[host=a]: time,mean\n"
            "  1970-01-01T00:00:00Z 30\n"
            "cpu[host=b]: time,mean\n"
            "  1970-01-01T00:00:00Z 30\n"
            "cpu[host=c]: time,mean\n"
            "  1970-01-01T00:00:00Z 70");
  // The outer range and interval reach the subquery; its empty intervals are not filled.
  EXPECT_EQ(Run(absl::StrCat("SELECT sum(max) FROM (SELECT max(usage_user) FROM cpu GROUP BY "
                             "time(1m), host) WHERE ",
                             kRange,
                             " GROUP BY time(1m)")),
            "cpu: time,sum\n"
            "  T0 30\n"
            "  T0+1m 70\n"
            "  T0+2m null\n"
            "  T0+3m 50\n"
            "  T0+4m 70");
  EXPECT_EQ(Run(absl::StrCat("SELECT max(m) FROM (SELECT mean(usage_user) AS m FROM cpu) WHERE ",
                             kRange,
                             " GROUP BY time(2m)")),
            "cpu: time,max\n"
            "  T0 25\n"
            "  T0+2m 50\n"
            "  T0+4m 70");
  // Conditions on the subquery's fields and raw rows.
  EXPECT_EQ(Run("SELECT d FROM (SELECT usage_user - usage_idle AS d FROM cpu) WHERE d > -70"),
            "cpu: time,d\n"
            "  T0 -60\n"
            "  T0+1m -20\n"
            "  T0+3m 0");
  EXPECT_EQ(Run("SELECT derivative(usage_user, 1m) FROM (SELECT usage_user FROM cpu WHERE "
                "host = 'a')"),
            "cpu: time,derivative\n"
            "  T0+1m 20\n"
            "  T0+3m 10");
  EXPECT_EQ(Run("SELECT max(x) FROM (SELECT usage_user AS x FROM cpu ORDER BY time DESC)"),
            "error: subqueries must be ordered in the same direction as the query itself");
}

TEST_F(InfluxQLSelectTest, FillPerFieldAndSeries) {
  WriteCpu();
  const std::string query =
      absl::StrCat("SELECT mean(usage_user), mean(usage_idle) FROM cpu WHERE host = 'a' AND ",
                   kRange,
                   " GROUP BY time(1m)");
  // fill(none): a row where one field has a value, the other null.
  EXPECT_EQ(Run(query + " fill(none)"),
            "cpu: time,mean,mean_1\n"
            "  T0 10 90\n"
            "  T0+1m 30 null\n"
            "  T0+3m 50 50");
  EXPECT_EQ(Run(query + " fill(previous)"),
            "cpu: time,mean,mean_1\n"
            "  T0 10 90\n"
            "  T0+1m 30 90\n"
            "  T0+2m 30 90\n"
            "  T0+3m 50 50\n"
            "  T0+4m 50 50");
  // Every series is filled over the whole range.
  EXPECT_EQ(
      Run(absl::StrCat(
          "SELECT max(usage_user) FROM cpu WHERE ", kRange, " GROUP BY time(2m), host fill(0)")),
      "cpu[host=a]: time,max\n"
      "  T0 30\n"
      "  T0+2m 50\n"
      "  T0+4m 0\n"
      "cpu[host=b]: time,max\n"
      "  T0 40\n"
      "  T0+2m 0\n"
      "  T0+4m 0\n"
      "cpu[host=c]: time,max\n"
      "  T0 0\n"
      "  T0+2m 0\n"
      "  T0+4m 70");
  // Linear interpolation of integers stays an integer.
  EXPECT_EQ(Run(absl::StrCat("SELECT max(n) FROM cpu WHERE host = 'a' AND ",
                             kRange,
                             " GROUP BY time(1m) fill(linear)")),
            "cpu: time,max\n"
            "  T0 1i\n"
            "  T0+1m 3i\n"
            "  T0+2m 4i\n"
            "  T0+3m 5i\n"
            "  T0+4m null");
}

TEST_F(InfluxQLSelectTest, EmptyResults) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT usage_user FROM cpu WHERE time > '2016-01-02' AND time < '2016-01-01'"),
            "");
  EXPECT_EQ(Run("SELECT max(usage_user) FROM cpu WHERE time > '2017-01-01' GROUP BY time(1m)",
                /*now=*/kT0 + 1000 * kMinute),
            "");
  EXPECT_EQ(Run("SELECT host FROM cpu"), "");
  EXPECT_EQ(Run("SELECT usage_user FROM cpu LIMIT 2 OFFSET 10"), "");
  EXPECT_EQ(Run("SELECT usage_user::string FROM cpu"), "");
}

TEST_F(InfluxQLSelectTest, DistinctKeyword) {
  WriteCpu();
  EXPECT_EQ(Run("SELECT DISTINCT usage_idle FROM cpu"),
            "cpu: time,distinct\n"
            "  1970-01-01T00:00:00Z 80\n"
            "  1970-01-01T00:00:00Z 90\n"
            "  1970-01-01T00:00:00Z 60\n"
            "  1970-01-01T00:00:00Z 50");
  EXPECT_EQ(Run("SELECT distinct(usage_idle), host FROM cpu"),
            "error: aggregate function distinct() cannot be combined with other functions or "
            "fields");
}

TEST_F(InfluxQLSelectTest, NamesAndStringsAreQuoted) {
  Write(absl::StrCat("q,t=it's v=1,we\"ird=3 ",
                     kT0,
                     "\n",
                     "q,t=plain v=2 ",
                     kT0 + kMinute,
                     "\n",
                     "q\\ x,t=a\\ b v=4 ",
                     kT0,
                     "\n"));
  EXPECT_EQ(Run("SELECT v FROM q WHERE t = 'it\\'s'"),
            "q: time,v\n"
            "  T0 1");
  EXPECT_EQ(Run("SELECT v FROM q WHERE t =~ /'/"),
            "q: time,v\n"
            "  T0 1");
  EXPECT_EQ(Run("SELECT \"we\\\"ird\" FROM q"),
            "q: time,we\"ird\n"
            "  T0 3");
  EXPECT_EQ(Run("SELECT max(v) FROM \"q x\" GROUP BY t"),
            "q x[t=a b]: time,max\n"
            "  T0 4");
}

// TSBS's IoT queries (stationary-trucks, high-load): tags of the subquery's series in the outer
// field list, conditions on its fields, and the outer GROUP BY passed down.
TEST_F(InfluxQLSelectTest, TsbsIotSubqueries) {
  Write(
      absl::StrCat("readings,name=t1,driver=d1,fleet=West velocity=0.5 ",
                   kT0 - 5 * kMinute,
                   "\n",
                   "readings,name=t2,driver=d2,fleet=West velocity=30 ",
                   kT0 - 5 * kMinute,
                   "\n",
                   "readings,name=t3,driver=d3,fleet=East velocity=0 ",
                   kT0 - 5 * kMinute,
                   "\n",
                   "diagnostics,name=t1,driver=d1,fleet=South current_load=950,load_capacity=1000 ",
                   kT0,
                   "\n",
                   "diagnostics,name=t2,driver=d2,fleet=South current_load=100,load_capacity=1000 ",
                   kT0,
                   "\n",
                   "diagnostics,name=t3,driver=d3,fleet=North current_load=990,load_capacity=1000 ",
                   kT0,
                   "\n"));
  EXPECT_EQ(Run("SELECT \"name\", \"driver\" FROM(SELECT mean(\"velocity\") as mean_velocity FROM "
                "\"readings\" WHERE time > '2016-01-01T00:00:00Z' - 10m AND time <= "
                "'2016-01-01T00:00:00Z' GROUP BY time(10m),\"name\",\"driver\",\"fleet\" LIMIT 1) "
                "WHERE \"fleet\" = 'West' AND \"mean_velocity\" < 1 GROUP BY \"name\""),
            "readings[name=t1]: time,name,driver\n"
            "  2015-12-31T23:50:00Z 't1' 'd1'");
  EXPECT_EQ(Run("SELECT \"name\", \"current_load\", \"load_capacity\" FROM (SELECT "
                "\"current_load\", \"load_capacity\" FROM \"diagnostics\" WHERE \"fleet\" = "
                "'South') WHERE \"current_load\" >= 0.9 * \"load_capacity\" GROUP BY \"name\""),
            "diagnostics[name=t1]: time,name,current_load,load_capacity\n"
            "  T0 't1' 950 1000");
}

// Real-world and odd statements (from the parser's fuzz corpus and beyond) end in a result or a
// statement error, never in a failed request.
TEST_F(InfluxQLSelectTest, OddStatementsAreStatementErrorsAtWorst) {
  WriteCpu();
  params_["param"] = int64_t{1};
  const char* statements[] = {
      "SELECT *::field, value::integer, /^usage_/, mean(/^disk_/) AS d FROM db..cpu, "
      "telegraf.autogen./^mem/ GROUP BY /^h/ SLIMIT 3 SOFFSET 1 tz('America/Chicago')",
      "SELECT \"my \\\"field\\\"\" AS \"a b\" FROM \"select\" WHERE \"tag\" = 'it\\'s \\\\ ok' AND "
      "x = "
      "5u",
      "EXPLAIN ANALYZE SELECT count(distinct(host)) FROM cpu WHERE time > now() - 1d",
      "SELECT non_negative_derivative(mean(\"usage_user\"), 1s) *8 FROM \"cpu\" WHERE (\"host\" = "
      "'a') AND time >= 1451606400000ms and time <= 1451610000000ms GROUP BY time(10s), \"host\" "
      "fill(none)",
      "SELECT -(usage_user + n) * usage_idle / n % 2 & 3 | 4 ^ 5, DISTINCT host FROM cpu WHERE n "
      "!= "
      "1 AND n <> 2 OR usage_user >= -1.5 AND host !~ /x\\/y/ AND n = $param",
      "SELECT max(m) FROM (SELECT mean(usage_idle) AS m FROM (SELECT usage_idle FROM cpu WHERE "
      "time "
      "> now() - 1h) GROUP BY time(1m), host) GROUP BY time(10m) ORDER BY DESC LIMIT 3",
      "SELECT last(*) from cpu group by \"host\"",
      "SELECT max(usage_user) from cpu where time < '2016-01-01T12:00:00Z' group by time(1m) ORDER "
      "BY time DESC LIMIT 5",
      "SELECT mean(usage_user) FROM cpu WHERE time > 0 GROUP BY time(1ns) fill(none) LIMIT 2",
      "SELECT percentile(usage_user, 100000000000000000000000000000000.0), percentile(usage_user, "
      "-5) FROM cpu",
      "SELECT top(usage_user, 9223372036854775807) FROM cpu",
      "SELECT moving_average(usage_user, 9223372036854775807) FROM cpu",
      "SELECT usage_user FROM cpu LIMIT 9223372036854775807 OFFSET 9223372036854775807",
      "SELECT usage_user FROM cpu GROUP BY host LIMIT 9223372036854775807 OFFSET 1",
      "SELECT sum(n) FROM cpu WHERE time >= '1677-09-21T00:12:43.145224194Z' GROUP BY time(1w) "
      "fill(0)",
      "SELECT count(usage_user) FROM cpu WHERE time <= '2262-04-11T23:47:16.854775806Z' AND time > "
      "now() GROUP BY time(1h, now()) tz('Pacific/Chatham')",
      "SELECT elapsed(usage_user, 1h), integral(n) FROM cpu",
      "SELECT usage_user FROM cpu WHERE usage_user / 0 = 0 AND n % 0 = 0 AND abs(n) > -1",
      "SELECT mode(host), count(host), max(host) FROM cpu",
      "SELECT usage_user FROM cpu WHERE time > now() - 9223372036854775807ns",
      "SELECT derivative(mean(n), 1ns) FROM cpu WHERE time >= '2016-01-01T00:00:00Z' GROUP BY "
      "time(1m), * fill(linear)",
      "SELECT * FROM (SELECT * FROM cpu) GROUP BY *",
      "SELECT sample(*, 2), top(n, host, region, 3) FROM cpu",
  };
  for (const char* text : statements) {
    SCOPED_TRACE(text);
    auto statement = influxql::ParseStatement(text);
    ASSERT_TRUE(statement.ok()) << statement.status();
    InfluxQLRequest request;
    request.database = "db";
    request.now_ns = kT0 + 10 * kMinute;
    request.params = params_;
    auto result = ExecuteInfluxQLSelect(node_.engine(), **statement, 3, request);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->statement_id, 3);
  }
}

TEST_F(InfluxQLSelectTest, CancellationFailsTheRequest) {
  WriteCpu();
  auto statement = influxql::ParseStatement("SELECT mean(usage_user) FROM cpu GROUP BY host");
  ASSERT_TRUE(statement.ok());
  InfluxQLRequest request;
  request.database = "db";
  request.options.context = std::make_shared<exec::TaskContext>();
  request.options.context->Cancel();
  auto result = ExecuteInfluxQLSelect(node_.engine(), **statement, 0, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
}

// Raw rows read from Parquet files whose row groups' dictionaries hold overlapping tag values in
// different orders, some of them NULL, and from the write buffer: at each time in tag order,
// the order the strings themselves give.
TEST(InfluxQLPersistedOrderTest, RowsFromManyDictionariesAreInTagOrder) {
  parquet::WriterOptions writer;
  writer.max_row_group_rows = 3;
  TestNode node(std::filesystem::temp_directory_path() /
                    ("influxql_persisted_order_test_" + std::to_string(::getpid())),
                /*persist=*/true,
                writer);
  struct Point {
    std::optional<std::string> host;
    std::optional<std::string> region;
    int64_t time;
    int64_t value;
  };
  std::vector<Point> points;
  // Each round's hosts and regions overlap the others' in a different order; each round is
  // snapshotted to its own file but the last, which stays in the write buffer.
  const std::vector<std::vector<std::string>> hosts = {
      {"m", "c", "x", "a"}, {"c", "b", "z", "m"}, {"y", "a", "b", "x"}};
  const std::vector<std::string> regions = {"eu", "us", "ap"};
  std::mt19937 random(5);
  auto query = [&](std::string_view text) {
    auto statement = influxql::ParseStatement(text);
    EXPECT_TRUE(statement.ok());
    InfluxQLRequest request;
    request.database = "db";
    request.now_ns = kT0 + 10 * kMinute;
    auto result = ExecuteInfluxQLSelect(node.engine(), **statement, 0, request);
    EXPECT_TRUE(result.ok()) << result.status();
    return FormatResult(*result);
  };
  // The rows by time, then host, then region (NULL first), as text.
  auto expected = [&](bool ascending) {
    std::vector<Point> sorted = points;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Point& a, const Point& b) {
      if (a.time != b.time) {
        return ascending ? a.time < b.time : a.time > b.time;
      }
      return std::tie(a.host, a.region) < std::tie(b.host, b.region);
    });
    std::string text = "cpu: time,host,region,v";
    for (const Point& point : sorted) {
      absl::StrAppend(&text,
                      "\n  T0+",
                      (point.time - kT0) / kMinute,
                      "m ",
                      point.host.has_value() ? "'" + *point.host + "'" : "null",
                      " ",
                      point.region.has_value() ? "'" + *point.region + "'" : "null",
                      " ",
                      point.value,
                      "i");
    }
    return text;
  };
  int64_t value = 0;
  for (size_t round = 0; round < hosts.size(); ++round) {
    std::string lines;
    for (int minute = 1; minute <= 4; ++minute) {
      for (size_t h = 0; h <= hosts[round].size(); ++h) {
        Point point;
        // The last point of each minute has no host; each series once per minute and round.
        if (h < hosts[round].size()) {
          point.host = hosts[round][h];
        }
        if (random() % 4 != 0) {
          point.region = regions[(h + round) % regions.size()];
        }
        point.time = kT0 + (minute + static_cast<int64_t>(round)) * kMinute;
        point.value = ++value;
        std::string series = "cpu";
        if (point.host.has_value()) {
          absl::StrAppend(&series, ",host=", *point.host);
        }
        if (point.region.has_value()) {
          absl::StrAppend(&series, ",region=", *point.region);
        }
        // Two rounds' points of one series at one time would be one point.
        bool taken = false;
        for (const Point& other : points) {
          taken = taken || (other.time == point.time && other.host == point.host &&
                            other.region == point.region);
        }
        if (taken) {
          continue;
        }
        absl::StrAppend(&lines, series, " v=", point.value, "i ", point.time, "\n");
        points.push_back(point);
      }
    }
    ASSERT_TRUE(node.Write(lines).ok());
    if (round + 1 < hosts.size()) {
      ASSERT_TRUE(node.Snapshot(INT64_MAX).ok());
      // Only files: their row groups' dictionaries alone.
      EXPECT_EQ(query("SELECT * FROM cpu"), expected(true)) << "round " << round;
      EXPECT_EQ(query("SELECT * FROM cpu ORDER BY time DESC"), expected(false)) << round;
    }
  }
  ASSERT_EQ(node.Files(), 2u);
  EXPECT_EQ(query("SELECT * FROM cpu"), expected(true));
  EXPECT_EQ(query("SELECT * FROM cpu ORDER BY time DESC"), expected(false));
}

}  // namespace
}  // namespace strata::query
