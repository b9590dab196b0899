// End-to-end tests of the last-value and distinct-value caches over real HTTP: creating them
// (201, identical 204, conflicting 400, bad columns 400/404), read-your-writes through
// last_cache() and distinct_cache(), deletion, the system tables, filling a new cache from the
// table's rows, refill from the WAL and from Parquet files after a restart (clean and SIGKILL),
// and the `strata create/delete/show` commands.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The "error" member of a JSON error body, or the whole body if it is not one.
std::string ErrorOrBody(const server::ClientResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  return body.is_object() && body.contains("error") && body["error"].is_string()
             ? body["error"].get<std::string>()
             : response.body;
}

class CacheE2eTest : public ::testing::Test {
 protected:
  explicit CacheE2eTest(std::vector<std::string> server_args = {})
      : server_(dir_.path() + "/data", std::move(server_args)) {}

  void SetUp() override {
    server_.Start();
    // Times near now, so the rows stay in the WAL (their window is not persisted yet).
    now_s_ = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    Write("cpu,host=a,region=eu usage=1 {0}\ncpu,host=b,region=us usage=2 {0}");
  }

  void Write(const std::string& lines_template) {
    std::string lines = fmt::format(fmt::runtime(lines_template), now_s_, now_s_ + 1, now_s_ + 2);
    auto response = server_.Client()->Request("POST", "/api/v3/write_lp?db=db&precision=s", lines);
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->status, 204) << response->body;
  }
  server::ClientResponse Send(const std::string& method,
                              const std::string& path,
                              const json& body) {
    auto response = server_.Client()->Request(
        method, path, body.dump(), Headers{{"Content-Type", "application/json"}});
    EXPECT_TRUE(response.ok());
    return response.ok() ? *response : server::ClientResponse{};
  }
  // The rows of `sql` as JSON lines, or the error.
  std::string Query(const std::string& sql) {
    auto response =
        Send("POST", "/api/v3/query_sql", json{{"db", "db"}, {"q", sql}, {"format", "jsonl"}});
    return response.status == 200 ? response.body : "error " + ErrorOrBody(response);
  }
  TempDir dir_;
  ServerProcess server_;
  int64_t now_s_ = 0;
};

TEST_F(CacheE2eTest, CreateIdenticalConflictAndErrors) {
  auto created = Send("POST",
                      "/api/v3/configure/last_cache",
                      json{{"db", "db"}, {"table", "cpu"}, {"count", 2}, {"ttl", 600}});
  ASSERT_EQ(created.status, 201) << created.body;
  json definition = json::parse(created.body);
  EXPECT_EQ(definition["name"], "cpu_host_region_last_cache");
  EXPECT_EQ(definition["key_columns"], json({"host", "region"}));
  EXPECT_TRUE(definition["value_columns"].is_null());
  EXPECT_EQ(definition["count"], 2);
  EXPECT_EQ(definition["ttl"], 600);

  auto again = Send("POST",
                    "/api/v3/configure/last_cache",
                    json{{"db", "db"}, {"table", "cpu"}, {"count", 2}, {"ttl", 600}});
  EXPECT_EQ(again.status, 204) << again.body;
  auto conflict = Send("POST",
                       "/api/v3/configure/last_cache",
                       json{{"db", "db"}, {"table", "cpu"}, {"count", 3}, {"ttl", 600}});
  EXPECT_EQ(conflict.status, 400);
  EXPECT_EQ(ErrorOrBody(conflict),
            "a last cache named 'cpu_host_region_last_cache' already exists on table 'cpu' with "
            "a different configuration");

  auto bad_column = Send("POST",
                         "/api/v3/configure/last_cache",
                         json{{"db", "db"}, {"table", "cpu"}, {"key_columns", {"hostname"}}});
  EXPECT_EQ(bad_column.status, 400);
  EXPECT_EQ(ErrorOrBody(bad_column), "key column 'hostname' not found in table 'cpu'");
  auto bad_count = Send(
      "POST", "/api/v3/configure/last_cache", json{{"db", "db"}, {"table", "cpu"}, {"count", "2"}});
  EXPECT_EQ(bad_count.status, 400);
  EXPECT_EQ(ErrorOrBody(bad_count), "'count' must be an integer, not \"2\"");
  auto no_table =
      Send("POST", "/api/v3/configure/last_cache", json{{"db", "db"}, {"table", "mem"}});
  EXPECT_EQ(no_table.status, 404);
  EXPECT_EQ(ErrorOrBody(no_table), "table 'mem' not found in database 'db'");
  auto not_json = server_.Client()->Request("POST", "/api/v3/configure/distinct_cache", "{");
  ASSERT_TRUE(not_json.ok());
  EXPECT_EQ(not_json->status, 400);
  auto no_columns =
      Send("POST", "/api/v3/configure/distinct_cache", json{{"db", "db"}, {"table", "cpu"}});
  EXPECT_EQ(no_columns.status, 400);
  EXPECT_EQ(ErrorOrBody(no_columns), "missing 'columns' in the request body");
  auto wrong_method = Send("GET", "/api/v3/configure/last_cache", json::object());
  EXPECT_EQ(wrong_method.status, 405);

  auto missing = Send("DELETE",
                      "/api/v3/configure/last_cache",
                      json{{"db", "db"}, {"table", "cpu"}, {"name", "nope"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorOrBody(missing), "last cache 'nope' not found on table 'cpu'");
  // Query parameters work for DELETE too.
  auto deleted = server_.Client()->Request(
      "DELETE", "/api/v3/configure/last_cache?db=db&table=cpu&name=cpu_host_region_last_cache");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_THAT(Query("SELECT * FROM last_cache('cpu')"), HasSubstr("has no last cache"));
}

TEST_F(CacheE2eTest, ReadYourWritesAndRefillFromTheWalAfterRestart) {
  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/last_cache",
                 json{{"db", "db"}, {"table", "cpu"}, {"key_columns", {"host"}}, {"count", 2}})
                .status,
            201);
  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/distinct_cache",
                 json{{"db", "db"}, {"table", "cpu"}, {"columns", {"region", "host"}}})
                .status,
            201);
  // The new caches were filled with the rows written before they existed.
  EXPECT_EQ(Query("SELECT host, usage FROM last_cache('cpu')"),
            "{\"host\":\"a\",\"usage\":1.0}\n{\"host\":\"b\",\"usage\":2.0}\n");
  // Each write is visible to the query right after its 204.
  Write("cpu,host=a,region=eu usage=3 {1}");
  EXPECT_EQ(Query("SELECT host, usage FROM last_cache('cpu') WHERE host = 'a'"),
            "{\"host\":\"a\",\"usage\":3.0}\n{\"host\":\"a\",\"usage\":1.0}\n");
  Write("cpu,host=a,region=eu usage=4 {2}\ncpu,host=c,region=us usage=5 {1}");
  const std::string expected_last =
      "{\"host\":\"a\",\"usage\":4.0}\n{\"host\":\"a\",\"usage\":3.0}\n"
      "{\"host\":\"b\",\"usage\":2.0}\n{\"host\":\"c\",\"usage\":5.0}\n";
  EXPECT_EQ(Query("SELECT host, usage FROM last_cache('cpu')"), expected_last);
  const std::string expected_distinct =
      "{\"region\":\"eu\",\"host\":\"a\"}\n{\"region\":\"us\",\"host\":\"b\"}\n"
      "{\"region\":\"us\",\"host\":\"c\"}\n";
  EXPECT_EQ(Query("SELECT * FROM distinct_cache('cpu')"), expected_distinct);
  EXPECT_THAT(Query("SELECT name, key_column_names, count FROM system.last_caches"),
              HasSubstr("\"name\":\"cpu_host_last_cache\",\"key_column_names\":\"[host]\","
                        "\"count\":2"));

  // A clean restart and a crash both come back with the caches refilled (from the WAL here:
  // these rows are recent, their window is not persisted). Host a's first row stays out, older
  // than its two newest.
  for (int signal : {SIGTERM, SIGKILL}) {
    server_.Stop(signal);
    server_.Start();
    EXPECT_EQ(Query("SELECT host, usage FROM last_cache('cpu')"), expected_last) << signal;
    EXPECT_EQ(Query("SELECT * FROM distinct_cache('cpu')"), expected_distinct) << signal;
  }
}

// Lookups count in /metrics: a hit returned rows, a miss none.
TEST_F(CacheE2eTest, HitsAndMissesInMetrics) {
  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/last_cache",
                 json{{"db", "db"}, {"table", "cpu"}, {"key_columns", {"host"}}})
                .status,
            201);
  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/distinct_cache",
                 json{{"db", "db"}, {"table", "cpu"}, {"columns", {"host"}}})
                .status,
            201);
  EXPECT_EQ(Query("SELECT host FROM last_cache('cpu') WHERE host = 'a'"), "{\"host\":\"a\"}\n");
  EXPECT_EQ(Query("SELECT host FROM last_cache('cpu') WHERE host = 'a'"), "{\"host\":\"a\"}\n");
  EXPECT_EQ(Query("SELECT host FROM last_cache('cpu') WHERE host = 'nosuch'"), "");
  EXPECT_EQ(Query("SELECT host FROM distinct_cache('cpu') WHERE host = 'nosuch'"), "");
  auto metrics = server_.Client()->Request("GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr("strata_cache_hits_total{cache=\"last\"} 2\n"));
  EXPECT_THAT(metrics->body, HasSubstr("strata_cache_misses_total{cache=\"last\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("strata_cache_hits_total{cache=\"distinct\"} 0\n"));
  EXPECT_THAT(metrics->body, HasSubstr("strata_cache_misses_total{cache=\"distinct\"} 1\n"));
}

// One WAL segment per record, so that a snapshot removes the records it persisted (all but the
// last, whose segment is still being written).
class CacheFromFilesE2eTest : public CacheE2eTest {
 protected:
  CacheFromFilesE2eTest() : CacheE2eTest({"--wal-max-segment-size", "1"}) {}
};

// Rows that only Parquet files hold (their window persisted, their WAL records removed) fill a
// new cache and refill every cache after a restart, clean or not; the cache answers what the
// same question asked of the table answers.
TEST_F(CacheFromFilesE2eTest, FillFromParquetFilesAtCreationAndAfterRestart) {
  // 2016: old windows, persisted by the forced snapshot below. Three hosts, five rows each; a
  // row without the key tag is not cached.
  std::string lines;
  for (int i = 0; i < 15; ++i) {
    lines += fmt::format("mem,host=h{},dc=d{} used={},free={}i {}\n",
                         i % 3,
                         i % 2,
                         i,
                         100 - i,
                         int64_t{1451606400} + 60 * i);
  }
  lines += "mem,dc=d9 used=99 1451610000\n";
  auto written = server_.Client()->Request("POST", "/api/v3/write_lp?db=db&precision=s", lines);
  ASSERT_TRUE(written.ok());
  ASSERT_EQ(written->status, 204) << written->body;
  Write("cpu,host=z usage=0 {0}");  // the last WAL record, which the snapshot keeps
  auto snapshot = server_.Client()->Request("POST", "/api/v3/snapshot");
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->status, 200) << snapshot->body;
  ASSERT_GT(json::parse(snapshot->body)["files"].get<int>(), 0) << snapshot->body;
  ASSERT_EQ(Query("SELECT count(*) > 0 AS persisted FROM system.parquet_files WHERE "
                  "table_name = 'mem'"),
            "{\"persisted\":true}\n");

  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/last_cache",
                 json{{"db", "db"}, {"table", "mem"}, {"key_columns", {"host"}}, {"count", 2}})
                .status,
            201);
  ASSERT_EQ(Send("POST",
                 "/api/v3/configure/distinct_cache",
                 json{{"db", "db"}, {"table", "mem"}, {"columns", {"dc", "host"}}})
                .status,
            201);
  // The same rows from the table: each host's two newest.
  const std::string from_table = Query(
      "SELECT host, dc, free, used, time FROM (SELECT *, row_number() OVER (PARTITION BY host "
      "ORDER BY time DESC) AS r FROM mem WHERE host IS NOT NULL) WHERE r <= 2 "
      "ORDER BY host, time DESC");
  const std::string distinct_from_table =
      Query("SELECT DISTINCT dc, host FROM mem ORDER BY dc, host NULLS FIRST");
  ASSERT_THAT(from_table, HasSubstr("\"host\":\"h2\""));
  const std::string last_sql =
      "SELECT host, dc, free, used, time FROM last_cache('mem') ORDER BY host, time DESC";
  const std::string distinct_sql =
      "SELECT * FROM distinct_cache('mem') ORDER BY dc, host NULLS FIRST";
  EXPECT_EQ(Query(last_sql), from_table);
  EXPECT_EQ(Query(distinct_sql), distinct_from_table);

  for (int signal : {SIGTERM, SIGKILL}) {
    server_.Stop(signal);
    server_.Start();
    EXPECT_EQ(Query(last_sql), from_table) << signal;
    EXPECT_EQ(Query(distinct_sql), distinct_from_table) << signal;
  }
}

TEST_F(CacheE2eTest, CommandLine) {
  int code = 0;
  std::string out = RunCommand(
      fmt::format("{} create last_cache {} --key-columns host --value-columns usage --count 3 "
                  "--ttl '1min 30sec' by_host",
                  STRATA_BINARY,
                  fmt::format("--host {} -d db -t cpu", server_.url())),
      &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("\"name\": \"by_host\""));
  out = RunCommand(fmt::format("{} create distinct_cache --host {} -d db -t cpu --columns region "
                               "--max-cardinality 50 --max-age 2h",
                               STRATA_BINARY,
                               server_.url()),
                   &code);
  EXPECT_EQ(code, 0) << out;
  out = RunCommand(fmt::format("{} create last_cache --host {} -d db -t cpu --ttl 5parsecs",
                               STRATA_BINARY,
                               server_.url()),
                   &code);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("unknown unit 'parsecs'"));
  out = RunCommand(fmt::format("{} show caches --host {} -d db", STRATA_BINARY, server_.url()),
                   &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("by_host"));
  EXPECT_THAT(out, HasSubstr("| 90 "));  // ttl in seconds
  EXPECT_THAT(out, HasSubstr("cpu_region_distinct_cache"));
  EXPECT_THAT(out, HasSubstr("| 7200 "));
  out = RunCommand(
      fmt::format(
          "{} delete last_cache --host {} -d db -t cpu by_host", STRATA_BINARY, server_.url()),
      &code);
  EXPECT_EQ(code, 0) << out;
  out = RunCommand(
      fmt::format(
          "{} delete last_cache --host {} -d db -t cpu by_host", STRATA_BINARY, server_.url()),
      &code);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("404: last cache 'by_host' not found on table 'cpu'"));
}

}  // namespace
}  // namespace strata::e2e
