// Tests of the SHOW statements (influxql_show.cc), on an in-process node: each statement's result
// as the v1 API encodes it, compared with what InfluxDB 1.8 returns for the same data, and what
// their WHERE conditions match (the SQL of conditions, shared with SELECT, is tested in
// influxql_translate_test.cc).
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/parser.h"
#include "influxql/result_json.h"
#include "query/cache_fill.h"
#include "query/influxql_executor.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path TestDir() {
  return std::filesystem::temp_directory_path() /
         fmt::format("influxql_show_test_{}_{}",
                     ::getpid(),
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t k2016 = 1451606400 * kSecond;  // 2016-01-01T00:00:00Z

class InfluxQLShowTest : public ::testing::Test {
 protected:
  InfluxQLShowTest() : node_(TestDir(), /*persist=*/false) {}

  void SetUp() override {
    ASSERT_TRUE(node_
                    .Write(fmt::format("cpu,host=a,region=us usage=1.5,idle=10i {}\n"
                                       "cpu,host=b,region=eu usage=2.5 {}\n"
                                       "cpu,host=c usage=3 {}\n"
                                       "cpu,host=a,region=us usage=4 {}\n"
                                       "mem,host=a free=100u,ok=true,label=\"x\" {}\n"
                                       "disk used=1 {}\n"
                                       "my\\ m\\,1,tag\\ k=v\\=1\\,2 f=1 {}",
                                       k2016,
                                       k2016 + 10 * kSecond,
                                       k2016 + 20 * kSecond,
                                       k2016 + 30 * kSecond,
                                       k2016,
                                       k2016,
                                       k2016))
                    .ok());
    request_.database = "db";
    request_.now_ns = k2016 + 60 * kSecond;
  }

  // The statement's result as v1 JSON, without the {"results":[...]} around it.
  std::string Show(const std::string& text) {
    auto statement = influxql::ParseStatement(text);
    if (!statement.ok()) {
      return statement.status().ToString();
    }
    auto result = ExecuteInfluxQLStatement(node_.engine(), **statement, 0, request_);
    if (!result.ok()) {
      return result.status().ToString();
    }
    std::string json;
    influxql::AppendV1Json({*result}, {}, &json);
    const std::string prefix = "{\"results\":[";
    const std::string suffix = "]}\n";
    EXPECT_TRUE(json.starts_with(prefix) && json.ends_with(suffix)) << json;
    return json.substr(prefix.size(), json.size() - prefix.size() - suffix.size());
  }

  void CreateDistinctCache(std::vector<std::string> columns) {
    auto created = node_.catalog().CreateDistinctCache(
        {.database = "db", .table = "cpu", .columns = std::move(columns)});
    ASSERT_TRUE(created.ok()) << created.status();
    auto cache = node_.caches().AddDistinctCache(
        created->database_id, created->table_id, created->definition, /*filled=*/false);
    ASSERT_NE(cache, nullptr);
    auto snapshot = node_.catalog().snapshot();
    auto filled = FillDistinctCache(node_.engine(),
                                    *snapshot->DatabaseById(created->database_id),
                                    *snapshot->FindTable("db", "cpu"),
                                    cache.get(),
                                    node_.caches().Now());
    ASSERT_TRUE(filled.ok()) << filled.status();
  }

  TestNode node_;
  InfluxQLRequest request_;
};

TEST_F(InfluxQLShowTest, ShowDatabases) {
  ASSERT_TRUE(node_.catalog().CreateDatabase("other").ok());
  EXPECT_EQ(Show("SHOW DATABASES"),
            R"({"statement_id":0,"series":[{"name":"databases","columns":["name"],)"
            R"("values":[["db"],["other"]]}]})");
}

TEST_F(InfluxQLShowTest, ShowRetentionPolicies) {
  const std::string autogen =
      R"({"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration",)"
      R"("replicaN","default"],"values":[["autogen","0s","168h0m0s",1,true]]}]})";
  EXPECT_EQ(Show("SHOW RETENTION POLICIES"), autogen);
  EXPECT_EQ(Show("SHOW RETENTION POLICIES ON db"), autogen);
  EXPECT_EQ(Show("SHOW RETENTION POLICIES ON nope"),
            R"({"statement_id":0,"error":"database not found: nope"})");
  request_.database.clear();
  EXPECT_EQ(Show("SHOW RETENTION POLICIES"),
            R"({"statement_id":0,"error":"database name required"})");
}

TEST_F(InfluxQLShowTest, ShowMeasurements) {
  EXPECT_EQ(Show("SHOW MEASUREMENTS"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"],["disk"],["mem"],["my m,1"]]}]})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS LIMIT 2 OFFSET 1"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["disk"],["mem"]]}]})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS WITH MEASUREMENT = mem"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["mem"]]}]})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^(cpu|disk)$/"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"],["disk"]]}]})");
  // Measurements with a series matching the condition.
  EXPECT_EQ(Show("SHOW MEASUREMENTS WHERE host = 'a'"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"],["mem"]]}]})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS WHERE region =~ /u/ AND host != 'a'"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"]]}]})");
  // A series without the tag has the value '': cpu's host=c, and every series of disk and mem.
  EXPECT_EQ(Show("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^[cdm]/ WHERE region = ''"),
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"],["disk"],["mem"],["my m,1"]]}]})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS WHERE host = 'zzz'"), R"({"statement_id":0})");
  EXPECT_EQ(Show("SHOW MEASUREMENTS WITH MEASUREMENT = nope"), R"({"statement_id":0})");
  // InfluxDB 1.8 lists nothing, without an error, for a database that does not exist.
  EXPECT_EQ(Show("SHOW MEASUREMENTS ON nope"), R"({"statement_id":0})");
  request_.database.clear();
  EXPECT_EQ(Show("SHOW MEASUREMENTS"), R"({"statement_id":0,"error":"database name required"})");
}

TEST_F(InfluxQLShowTest, ShowTagKeys) {
  EXPECT_EQ(
      Show("SHOW TAG KEYS"),
      R"({"statement_id":0,"series":[{"name":"cpu","columns":["tagKey"],)"
      R"("values":[["host"],["region"]]},{"name":"mem","columns":["tagKey"],)"
      R"("values":[["host"]]},{"name":"my m,1","columns":["tagKey"],"values":[["tag k"]]}]})");
  EXPECT_EQ(Show("SHOW TAG KEYS FROM cpu LIMIT 1 OFFSET 1"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["tagKey"],)"
            R"("values":[["region"]]}]})");
  // Only the keys that series matching the condition have.
  EXPECT_EQ(Show("SHOW TAG KEYS FROM cpu, mem WHERE host = 'c'"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["tagKey"],)"
            R"("values":[["host"]]}]})");
  EXPECT_EQ(Show("SHOW TAG KEYS FROM nope"), R"({"statement_id":0})");
  EXPECT_EQ(Show("SHOW TAG KEYS ON nope"),
            R"({"statement_id":0,"error":"database not found: nope"})");
}

TEST_F(InfluxQLShowTest, ShowTagValues) {
  EXPECT_EQ(Show("SHOW TAG VALUES WITH KEY = host"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","a"],["host","b"],["host","c"]]},{"name":"mem",)"
            R"("columns":["key","value"],"values":[["host","a"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY IN (region, host) LIMIT 3 OFFSET 1"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","b"],["host","c"],["region","eu"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM /c/ WITH KEY =~ /^reg/"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["region","eu"],["region","us"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY != host WHERE host = 'a'"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["region","us"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY !~ /region/ WHERE region !~ /s/"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","b"],["host","c"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES WITH KEY = \"tag k\""),
            R"({"statement_id":0,"series":[{"name":"my m,1","columns":["key","value"],)"
            R"("values":[["tag k","v=1,2"]]}]})");
  // Time bounds: the rows of host=b and host=c only.
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE time >= '2016-01-01T00:00:10Z' "
                 "AND time < '2016-01-01T00:00:30Z'"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","b"],["host","c"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE time > now() - 35s"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","a"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES WITH KEY = nope"), R"({"statement_id":0})");
  EXPECT_EQ(
      Show("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE usage + 1 > 2"),
      "{\"statement_id\":0,\"error\":\"unsupported condition: usage + 1 \\u003e 2 (conditions "
      "compare time, tags or fields with values, joined by AND and OR)\"}");
}

TEST_F(InfluxQLShowTest, ShowTagValuesReadsADistinctValueCache) {
  const std::string expected =
      R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
      R"("values":[["host","a"],["host","b"],["host","c"]]}]})";
  auto trace = std::make_shared<observe::Trace>();
  request_.options.trace = trace;
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY = host"), expected);
  CreateDistinctCache({"host"});
  auto cached_trace = std::make_shared<observe::Trace>();
  request_.options.trace = cached_trace;
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY = host"), expected);

  // The SQL the statement ran, from its trace; the cache answers it (EXPLAIN says so, and so do
  // the operator spans of the run itself).
  auto statements = [](const observe::Trace& t) {
    std::vector<std::string> sql;
    std::string operators;
    for (const observe::Span& span : t.spans()) {
      for (const auto& [key, value] : span.attributes) {
        if (key == "db.statement") {
          sql.push_back(std::get<std::string>(value));
        } else if (key == "operator") {
          operators += std::get<std::string>(value) + "\n";
        }
      }
    }
    return std::make_pair(sql, operators);
  };
  auto [sql, operators] = statements(*cached_trace);
  ASSERT_EQ(sql, std::vector<std::string>{"SELECT DISTINCT \"host\" FROM \"cpu\" ORDER BY 1"});
  EXPECT_THAT(operators, HasSubstr("distinct_cache"));
  EXPECT_THAT(absl::StrJoin(*node_.Query("EXPLAIN " + sql[0]), "\n"),
              HasSubstr("source=distinct_cache"));
  EXPECT_THAT(statements(*trace).second, Not(HasSubstr("distinct_cache")));
}

TEST_F(InfluxQLShowTest, ShowFieldKeys) {
  EXPECT_EQ(Show("SHOW FIELD KEYS"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["fieldKey","fieldType"],)"
            R"("values":[["idle","integer"],["usage","float"]]},{"name":"disk","columns":)"
            R"(["fieldKey","fieldType"],"values":[["used","float"]]},{"name":"mem","columns":)"
            R"(["fieldKey","fieldType"],"values":[["free","unsigned"],["label","string"],)"
            R"(["ok","boolean"]]},{"name":"my m,1","columns":["fieldKey","fieldType"],)"
            R"("values":[["f","float"]]}]})");
  EXPECT_EQ(Show("SHOW FIELD KEYS FROM mem LIMIT 1 OFFSET 2"),
            R"({"statement_id":0,"series":[{"name":"mem","columns":["fieldKey","fieldType"],)"
            R"("values":[["ok","boolean"]]}]})");
}

TEST_F(InfluxQLShowTest, ShowSeries) {
  EXPECT_EQ(Show("SHOW SERIES"),
            R"({"statement_id":0,"series":[{"columns":["key"],"values":[["cpu,host=a,region=us"],)"
            R"(["cpu,host=b,region=eu"],["cpu,host=c"],["disk"],["mem,host=a"],)"
            R"(["my\\ m\\,1,tag\\ k=v\\=1\\,2"]]}]})");
  EXPECT_EQ(Show("SHOW SERIES FROM cpu WHERE region != 'eu' LIMIT 1 OFFSET 1"),
            R"({"statement_id":0,"series":[{"columns":["key"],"values":[["cpu,host=c"]]}]})");
  EXPECT_EQ(Show("SHOW SERIES WHERE host = 'a' LIMIT 5"),
            R"({"statement_id":0,"series":[{"columns":["key"],"values":[["cpu,host=a,region=us"],)"
            R"(["mem,host=a"]]}]})");
  EXPECT_EQ(Show("SHOW SERIES FROM disk WHERE time > now()"), R"({"statement_id":0})");
}

TEST_F(InfluxQLShowTest, BoundParameters) {
  request_.params["h"] = std::string("b");
  request_.params["re"] = std::string("^[ab]$");
  request_.params["t"] = std::string("2016-01-01T00:00:25Z");
  EXPECT_EQ(
      Show("SHOW SERIES FROM cpu WHERE host = $h"),
      R"({"statement_id":0,"series":[{"columns":["key"],"values":[["cpu,host=b,region=eu"]]}]})");
  EXPECT_EQ(Show("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE host =~ $re AND time < $t"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","a"],["host","b"]]}]})");
  EXPECT_EQ(Show("SHOW SERIES WHERE host = $nope"),
            R"({"statement_id":0,"error":"missing parameter: nope"})");
}

// What SHOW's WHERE matches, on the rows of the fixture: the series SHOW SERIES lists (keys
// joined by " | "), or the statement's error. These pin down the meaning of each kind of
// condition independently of the SQL the translator writes for it.
TEST_F(InfluxQLShowTest, WhereConditionsMatchAsInfluxQL) {
  request_.params["p"] = std::string("b");
  request_.params["re"] = std::string("^[ab]$");
  request_.params["n"] = int64_t{3};
  auto series = [&](const std::string& condition) -> std::string {
    auto statement = influxql::ParseStatement("SHOW SERIES WHERE " + condition);
    if (!statement.ok()) {
      return statement.status().ToString();
    }
    auto result = ExecuteInfluxQLStatement(node_.engine(), **statement, 0, request_);
    if (!result.ok()) {
      return result.status().ToString();
    }
    if (result->error.has_value()) {
      return "error: " + *result->error;
    }
    std::vector<std::string> keys;
    for (const influxql::Series& s : result->series) {
      for (const auto& row : s.values) {
        keys.push_back(std::get<std::string>(row.at(0)));
      }
    }
    return absl::StrJoin(keys, " | ");
  };
  const std::string my = "my\\ m\\,1,tag\\ k=v\\=1\\,2";
  const std::string cpu = "cpu,host=a,region=us | cpu,host=b,region=eu | cpu,host=c";
  const std::string all = cpu + " | disk | mem,host=a | " + my;
  const std::string no_host = "disk | " + my;
  // Tags; a series without the tag has the value ''.
  EXPECT_EQ(series("host = 'a'"), "cpu,host=a,region=us | mem,host=a");
  EXPECT_EQ(series("'a' = host"), "cpu,host=a,region=us | mem,host=a");
  EXPECT_EQ(series("host = ''"), no_host);
  EXPECT_EQ(series("host != 'a'"), "cpu,host=b,region=eu | cpu,host=c | " + no_host);
  EXPECT_EQ(series("host <> ''"), cpu + " | mem,host=a");
  EXPECT_EQ(series("host =~ /^a/"), "cpu,host=a,region=us | mem,host=a");
  EXPECT_EQ(series("host =~ /a*/"), all);
  EXPECT_EQ(series("host !~ /^a/"), "cpu,host=b,region=eu | cpu,host=c | " + no_host);
  EXPECT_EQ(series("host !~ /.*/"), "");
  EXPECT_EQ(series("host > 'b'"), "cpu,host=c");
  EXPECT_EQ(series("'b' > host"), "cpu,host=a,region=us | disk | mem,host=a | " + my);
  EXPECT_EQ(series("host = 5"), "");
  EXPECT_EQ(series("host = $p"), "cpu,host=b,region=eu");
  EXPECT_EQ(series("host =~ $re"), "cpu,host=a,region=us | cpu,host=b,region=eu | mem,host=a");
  EXPECT_EQ(series("\"tag k\" = 'v=1,2'"), my);
  EXPECT_EQ(series("host::tag = 'a'"), "cpu,host=a,region=us | mem,host=a");
  EXPECT_EQ(series("host::field = 'a'"), "");
  // A name a measurement lacks is a tag with the value '' there.
  EXPECT_EQ(series("region = ''"), "cpu,host=c | disk | mem,host=a | " + my);
  EXPECT_EQ(series("region != 'us'"),
            "cpu,host=b,region=eu | cpu,host=c | disk | mem,host=a | " + my);
  EXPECT_EQ(series("region =~ /^$/"), "cpu,host=c | disk | mem,host=a | " + my);
  EXPECT_EQ(series("nope > 1"), "");
  // Fields: compared with a value of their kind, else false.
  EXPECT_EQ(series("usage > 2"), cpu);
  EXPECT_EQ(series("usage >= 3"), "cpu,host=a,region=us | cpu,host=c");
  EXPECT_EQ(series("3.0 < usage"), "cpu,host=a,region=us");
  EXPECT_EQ(series("usage = $n"), "cpu,host=c");
  EXPECT_EQ(series("idle = 10"), "cpu,host=a,region=us");
  EXPECT_EQ(series("free > 50"), "mem,host=a");
  EXPECT_EQ(series("usage = 'a'"), "");
  EXPECT_EQ(series("label = 'x'"), "mem,host=a");
  EXPECT_EQ(series("label =~ /x/"), "mem,host=a");
  EXPECT_EQ(series("label = 1"), "");
  EXPECT_EQ(series("ok = true"), "mem,host=a");
  EXPECT_EQ(series("ok > true"), "");
  EXPECT_EQ(series("usage::tag = 1"), "");
  // Time: each comparison filters the rows, also under OR and with !=.
  EXPECT_EQ(series("time > '2016-01-01T00:00:00.5Z'"), cpu);
  EXPECT_EQ(series("time <= now() - 35s"), all);
  EXPECT_EQ(series("now() - 35s < time"), "cpu,host=a,region=us");
  EXPECT_EQ(series("time = 1451606410000000000"), "cpu,host=b,region=eu");
  EXPECT_EQ(series("time >= '2016-01-01 00:00:20'"), "cpu,host=a,region=us | cpu,host=c");
  EXPECT_EQ(series("time >= '2016-01-01' + 25s"), "cpu,host=a,region=us");
  EXPECT_EQ(series("time != '2016-01-01T00:00:00Z'"), cpu);
  EXPECT_EQ(series("host = 'b' OR time >= '2016-01-01T00:00:20Z'"), cpu);
  EXPECT_EQ(series("host = 'a' AND (usage > 3 OR time > now())"), "cpu,host=a,region=us");
  EXPECT_EQ(series("true"), all);
  EXPECT_EQ(series("false"), "");
  // What SHOW's WHERE does not take.
  EXPECT_THAT(series("time > 'yesterday'"), HasSubstr("error: "));
  EXPECT_THAT(series("time =~ /x/"), HasSubstr("error: "));
  EXPECT_EQ(series("usage > idle"), "error: unsupported value in a condition: idle");
  EXPECT_EQ(series("mean(usage) > 1"),
            "error: unsupported condition: mean(usage) > 1 (conditions compare time, tags or "
            "fields with values, joined by AND and OR)");
  EXPECT_EQ(series("'a' =~ /a/"),
            "error: unsupported condition: 'a' =~ /a/ (conditions compare time, tags or "
            "fields with values, joined by AND and OR)");
  EXPECT_EQ(series("host = $nope"), "error: missing parameter: nope");
}

// The dispatcher hands SELECT to its executor. With the request's own context (as the APIs
// give it), a statement that runs several SQL queries runs each in a child context: the first
// query's end must not cancel the next.
TEST_F(InfluxQLShowTest, SelectGoesToItsExecutor) {
  EXPECT_EQ(Show("SELECT usage FROM cpu"),
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],"values":)"
            R"([["2016-01-01T00:00:00Z",1.5],["2016-01-01T00:00:10Z",2.5],)"
            R"(["2016-01-01T00:00:20Z",3],["2016-01-01T00:00:30Z",4]]}]})");
  request_.options.context = std::make_shared<exec::TaskContext>();
  // Three measurements (only cpu has usage): a SQL query each where the field exists.
  const std::string both = Show("SELECT count(usage) AS n FROM cpu, disk, mem");
  EXPECT_EQ(both,
            R"({"statement_id":0,"series":[{"name":"cpu","columns":["time","n"],)"
            R"("values":[["1970-01-01T00:00:00Z",4]]}]})");
  const std::string used = Show("SELECT used FROM /^d/");
  EXPECT_EQ(used,
            R"({"statement_id":0,"series":[{"name":"disk","columns":["time","used"],)"
            R"("values":[["2016-01-01T00:00:00Z",1]]}]})");
}

TEST_F(InfluxQLShowTest, CancelledRequestsFailAsAWhole) {
  request_.options.context = std::make_shared<exec::TaskContext>();
  EXPECT_EQ(Show("SHOW SERIES").substr(0, 9), "{\"stateme");
  request_.options.context->Cancel();
  EXPECT_EQ(Show("SHOW SERIES"), "CANCELLED: query cancelled");
  EXPECT_EQ(Show("SHOW DATABASES"), "CANCELLED: query cancelled");
}

}  // namespace
}  // namespace strata::query
