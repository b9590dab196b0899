// Tests of ExecuteInfluxQLSelect: InfluxQL SELECT and EXPLAIN over an in-process node, with the
// expected results worked out by hand from InfluxDB 1.8's documented behaviour.
#include <charconv>
#include <filesystem>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/parser.h"
#include "query/influxql_executor.h"
#include "query/influxql_series.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;

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
  const int64_t nanos = std::get<influxql::ResultTime>(value).nanos;
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
    for (const auto& row : series.values) {
      std::vector<std::string> cells;
      for (const auto& cell : row) {
        cells.push_back(FormatValue(cell));
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

  // Runs one statement and returns its result as text.
  std::string Run(std::string_view text, int64_t now = kT0 + 10 * kMinute) {
    auto statement = influxql::ParseStatement(text);
    if (!statement.ok()) {
      return "parse error: " + std::string(statement.status().message());
    }
    InfluxQLRequest request;
    request.database = "db";
    request.now_ns = now;
    request.params = params_;
    auto result = ExecuteInfluxQLSelect(node_.engine(), **statement, 0, request);
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

}  // namespace
}  // namespace strata::query
