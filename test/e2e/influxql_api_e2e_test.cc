// End-to-end tests of the InfluxQL endpoints over real HTTP: InfluxDB 1.x's /query (JSON as
// InfluxDB 1.8 writes it, CSV, pretty, chunked, epoch, params, form bodies, statement errors,
// parse errors, authentication) and InfluxDB 3's /api/v3/query_influxql (rows with an
// `iox::measurement` column in every format), the admission and query log they share with SQL,
// and `strata query --language influxql`.
//
// The SELECT checks probe `SELECT` first and skip, saying so, while the SELECT translator is not
// merged (the statement answers "SELECT is not implemented yet").
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parquet/file_reader.h"
#include "server/http_client.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// `?db=q&q=<text>` with the text URL-encoded, plus `extra`.
std::string V1Target(const std::string& text, const std::string& extra = "") {
  return fmt::format("/query?db=q&q={}{}", server::UrlEncode(text), extra);
}

class InfluxQLApiTest : public SuiteServerTest {
 protected:
  static void SetUpTestSuite() {
    StartServer();
    WriteLines("q",
               "cpu,host=a,region=us usage=1.5,cores=4i 1451606400\n"
               "cpu,host=b,region=eu usage=2.5,cores=8i 1451606460\n"
               "cpu,host=c usage=0.5 1451606520\n"
               "mem,host=a free=10u,label=\"<x>\" 1451606400\n");
  }
  static void TearDownTestSuite() { StopServer(); }

  server::ClientResponse Post(const std::string& target,
                              const std::string& body,
                              const std::string& content_type) {
    return Request("POST", target, body, {{"Content-Type", content_type}});
  }
};

TEST_F(InfluxQLApiTest, V1ShowStatementsAsInfluxDB18) {
  server::ClientResponse response =
      Get(V1Target("SHOW MEASUREMENTS; SHOW TAG KEYS; SHOW FIELD KEYS FROM mem; "
                   "SHOW TAG VALUES WITH KEY = host; SHOW SERIES WHERE region != ''"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(HeaderValue(response, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderValue(response, "trace-id").size(), 32u);
  EXPECT_EQ(response.body,
            R"({"results":[)"
            R"({"statement_id":0,"series":[{"name":"measurements","columns":["name"],)"
            R"("values":[["cpu"],["mem"]]}]},)"
            R"({"statement_id":1,"series":[{"name":"cpu","columns":["tagKey"],)"
            R"("values":[["host"],["region"]]},{"name":"mem","columns":["tagKey"],)"
            R"("values":[["host"]]}]},)"
            R"({"statement_id":2,"series":[{"name":"mem","columns":["fieldKey","fieldType"],)"
            R"("values":[["free","unsigned"],["label","string"]]}]},)"
            R"({"statement_id":3,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","a"],["host","b"],["host","c"]]},{"name":"mem",)"
            R"("columns":["key","value"],"values":[["host","a"]]}]},)"
            R"({"statement_id":4,"series":[{"columns":["key"],)"
            R"("values":[["cpu,host=a,region=us"],["cpu,host=b,region=eu"]]}]}]})"
            "\n");

  server::ClientResponse databases = Get("/query?q=SHOW+DATABASES");
  EXPECT_EQ(databases.status, 200);
  json parsed = json::parse(databases.body);
  EXPECT_EQ(parsed["results"][0]["series"][0]["name"], "databases");
  EXPECT_THAT(parsed["results"][0]["series"][0]["values"].dump(), HasSubstr(R"(["q"])"));

  server::ClientResponse policies = Get("/query?q=SHOW+RETENTION+POLICIES+ON+q");
  EXPECT_EQ(policies.body,
            R"({"results":[{"statement_id":0,"series":[{"columns":["name","duration",)"
            R"("shardGroupDuration","replicaN","default"],"values":[["autogen","0s",)"
            R"("168h0m0s",1,true]]}]}]})"
            "\n");
}

TEST_F(InfluxQLApiTest, V1FormBodyWinsOverTheQueryString) {
  server::ClientResponse response = Post("/query?db=nosuch&q=SHOW+DATABASES",
                                         "db=q&q=" + server::UrlEncode("SHOW TAG KEYS FROM mem"),
                                         "application/x-www-form-urlencoded");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            R"({"results":[{"statement_id":0,"series":[{"name":"mem","columns":["tagKey"],)"
            R"("values":[["host"]]}]}]})"
            "\n");
  // Other bodies are ignored, as InfluxDB ignores them.
  server::ClientResponse json_body =
      Post("/query?q=SHOW+MEASUREMENTS&db=q", R"({"q":"SHOW DATABASES"})", "application/json");
  EXPECT_THAT(json_body.body, HasSubstr("\"measurements\""));
}

TEST_F(InfluxQLApiTest, V1ErrorsAsInfluxDB18) {
  server::ClientResponse missing = Get("/query?db=q");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, "{\"error\":\"missing required parameter \\\"q\\\"\"}\n");

  server::ClientResponse syntax = Get(V1Target("SHOW MEASUREMENTS; SHOW NONSENSE"));
  EXPECT_EQ(syntax.status, 400);
  EXPECT_THAT(ErrorOf(syntax), StartsWith("error parsing query: syntax error at line 1, column"));

  server::ClientResponse unsupported = Get(V1Target("DROP MEASUREMENT cpu"));
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_THAT(ErrorOf(unsupported), HasSubstr("not supported by strata"));

  server::ClientResponse params = Get(V1Target("SHOW DATABASES", "&params=%5B1%5D"));
  EXPECT_EQ(params.status, 400);
  EXPECT_THAT(ErrorOf(params), StartsWith("error parsing query parameters"));

  // A statement's error is in its result; the statements after it are not run.
  server::ClientResponse statement =
      Get(V1Target("SHOW DATABASES; SHOW TAG KEYS ON nosuch; SHOW MEASUREMENTS"));
  EXPECT_EQ(statement.status, 200);
  json results = json::parse(statement.body)["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1].dump(), R"({"error":"database not found: nosuch","statement_id":1})");
  EXPECT_EQ(results[2].dump(), R"({"error":"not executed","statement_id":2})");

  server::ClientResponse no_database = Get("/query?q=SHOW+MEASUREMENTS");
  EXPECT_EQ(no_database.body,
            "{\"results\":[{\"statement_id\":0,\"error\":\"database name required\"}]}\n");

  auto method = client_->Request("DELETE", "/query?q=SHOW+DATABASES");
  ASSERT_TRUE(method.ok());
  EXPECT_EQ(method->status, 405);
}

TEST_F(InfluxQLApiTest, V1PrettyCsvAndParams) {
  server::ClientResponse pretty = Get(V1Target("SHOW TAG KEYS FROM mem", "&pretty=true"));
  EXPECT_EQ(pretty.body,
            "{\n"
            "    \"results\": [\n"
            "        {\n"
            "            \"statement_id\": 0,\n"
            "            \"series\": [\n"
            "                {\n"
            "                    \"name\": \"mem\",\n"
            "                    \"columns\": [\n"
            "                        \"tagKey\"\n"
            "                    ],\n"
            "                    \"values\": [\n"
            "                        [\n"
            "                            \"host\"\n"
            "                        ]\n"
            "                    ]\n"
            "                }\n"
            "            ]\n"
            "        }\n"
            "    ]\n"
            "}\n");

  for (const char* accept : {"application/csv", "text/csv"}) {
    server::ClientResponse csv =
        Get(V1Target("SHOW TAG VALUES WITH KEY = region; SHOW DATABASES"), {{"Accept", accept}});
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(HeaderValue(csv, "Content-Type"), accept);
    EXPECT_THAT(csv.body,
                StartsWith("name,tags,key,value\ncpu,,region,eu\ncpu,,region,us\n\n"
                           "name,tags,name\ndatabases,,"));
  }

  server::ClientResponse bound =
      Get(V1Target("SHOW SERIES FROM cpu WHERE host = $h OR host = $i",
                   "&params=" + server::UrlEncode(R"({"h":"c","i":"b"})")));
  EXPECT_EQ(bound.body,
            R"({"results":[{"statement_id":0,"series":[{"columns":["key"],)"
            R"("values":[["cpu,host=b,region=eu"],["cpu,host=c"]]}]}]})"
            "\n");
}

TEST_F(InfluxQLApiTest, V1ChunkedSendsOneLinePerChunk) {
  server::ClientResponse response = Get(V1Target(
      "SHOW TAG VALUES FROM cpu WITH KEY = host; SHOW MEASUREMENTS", "&chunked=true&chunk_size=2"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","a"],["host","b"]],"partial":true}],"partial":true}]})"
            "\n"
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["key","value"],)"
            R"("values":[["host","c"]]}]}]})"
            "\n"
            R"({"results":[{"statement_id":1,"series":[{"name":"measurements","columns":)"
            R"(["name"],"values":[["cpu"],["mem"]]}]}]})"
            "\n");
}

TEST_F(InfluxQLApiTest, V1SelectTimesAndEpochs) {
  server::ClientResponse rfc3339 = Get(V1Target("SELECT usage FROM cpu WHERE host = 'a'"));
  EXPECT_EQ(rfc3339.body,
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],)"
            R"("values":[["2016-01-01T00:00:00Z",1.5]]}]}]})"
            "\n");
  server::ClientResponse seconds =
      Get(V1Target("SELECT usage FROM cpu WHERE host = 'a'", "&epoch=s"));
  EXPECT_THAT(seconds.body, HasSubstr(R"("values":[[1451606400,1.5]])"));
  server::ClientResponse millis =
      Get(V1Target("SELECT usage FROM cpu WHERE host = 'a'", "&epoch=ms"));
  EXPECT_THAT(millis.body, HasSubstr(R"("values":[[1451606400000,1.5]])"));
  server::ClientResponse csv =
      Get(V1Target("SELECT usage FROM cpu WHERE host = 'a'"), {{"Accept", "application/csv"}});
  EXPECT_EQ(csv.body, "name,tags,time,usage\ncpu,,1451606400000000000,1.5\n");

  // tz(): RFC 3339 times in the zone's offset, as InfluxDB 1.8 writes them; epoch integers,
  // CSV and the v3 API keep the instant in UTC.
  const std::string zoned = "SELECT usage FROM cpu WHERE host = 'a' tz('Asia/Kolkata')";
  EXPECT_EQ(Get(V1Target(zoned)).body,
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],)"
            R"("values":[["2016-01-01T05:30:00+05:30",1.5]]}]}]})"
            "\n");
  EXPECT_THAT(Get(V1Target(zoned, "&epoch=s")).body, HasSubstr(R"("values":[[1451606400,1.5]])"));
  EXPECT_EQ(Get(V1Target(zoned), {{"Accept", "application/csv"}}).body,
            "name,tags,time,usage\ncpu,,1451606400000000000,1.5\n");
  EXPECT_EQ(Get("/api/v3/query_influxql?db=q&q=" + server::UrlEncode(zoned)).body,
            R"([{"iox::measurement":"cpu","time":"2016-01-01T00:00:00","usage":1.5}])");
}

// InfluxDB's version headers, which clients read from /ping, come with every response.
TEST_F(InfluxQLApiTest, VersionHeadersOnEveryResponse) {
  server::ClientResponse ping = Get("/ping");
  EXPECT_EQ(ping.status, 200);
  const std::string version = json::parse(ping.body)["version"].get<std::string>();
  EXPECT_FALSE(version.empty());
  EXPECT_EQ(HeaderValue(ping, "X-Influxdb-Version"), version);
  EXPECT_EQ(HeaderValue(ping, "X-Influxdb-Build"), "strata");
  for (const std::string& target : {V1Target("SHOW MEASUREMENTS"),
                                    V1Target("SHOW MEASUREMENTS", "&chunked=true"),
                                    V1Target("SHOW NOTHING"),
                                    std::string("/query?q=SHOW+MEASUREMENTS"),
                                    std::string("/api/v3/query_influxql?db=q&q=SHOW+DATABASES"),
                                    std::string("/no/such/path")}) {
    server::ClientResponse response = Get(target);
    EXPECT_EQ(HeaderValue(response, "X-Influxdb-Version"), version) << target;
    EXPECT_EQ(HeaderValue(response, "X-Influxdb-Build"), "strata") << target;
  }
}

TEST_F(InfluxQLApiTest, V3RowsHaveTheMeasurementColumn) {
  const std::string target =
      "/api/v3/query_influxql?db=q&q=" + server::UrlEncode("SHOW TAG VALUES WITH KEY = host");
  server::ClientResponse json_rows = Get(target);
  EXPECT_EQ(json_rows.status, 200);
  EXPECT_EQ(HeaderValue(json_rows, "Content-Type"), "application/json");
  EXPECT_EQ(json_rows.body,
            R"([{"iox::measurement":"cpu","key":"host","value":"a"},)"
            R"({"iox::measurement":"cpu","key":"host","value":"b"},)"
            R"({"iox::measurement":"cpu","key":"host","value":"c"},)"
            R"({"iox::measurement":"mem","key":"host","value":"a"}])");
  server::ClientResponse pretty = Get(target + "&format=pretty");
  EXPECT_EQ(pretty.body,
            "+------------------+------+-------+\n"
            "| iox::measurement | key  | value |\n"
            "+------------------+------+-------+\n"
            "| cpu              | host | a     |\n"
            "| cpu              | host | b     |\n"
            "| cpu              | host | c     |\n"
            "| mem              | host | a     |\n"
            "+------------------+------+-------+");
  server::ClientResponse csv = Get(target + "&format=csv");
  EXPECT_EQ(HeaderValue(csv, "Content-Type"), "text/csv");
  EXPECT_THAT(csv.body, StartsWith("iox::measurement,key,value\ncpu,host,a\n"));
  server::ClientResponse jsonl = Get(target, {{"Accept", "application/jsonl"}});
  EXPECT_THAT(jsonl.body, StartsWith("{\"iox::measurement\":\"cpu\",\"key\":\"host\""));
  server::ClientResponse parquet = Get(target + "&format=parquet");
  EXPECT_EQ(parquet.status, 200);
  EXPECT_EQ(HeaderValue(parquet, "Content-Type"), "application/vnd.apache.parquet");
  EXPECT_EQ(parquet.body.substr(0, 4), "PAR1");

  // POST JSON, like /api/v3/query_sql; no db when the statement names it.
  auto posted = client_->Request("POST",
                                 "/api/v3/query_influxql",
                                 R"({"q":"SHOW FIELD KEYS ON q FROM cpu","format":"jsonl"})",
                                 {{"Content-Type", "application/json"}});
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->body,
            "{\"iox::measurement\":\"cpu\",\"fieldKey\":\"cores\",\"fieldType\":\"integer\"}\n"
            "{\"iox::measurement\":\"cpu\",\"fieldKey\":\"usage\",\"fieldType\":\"float\"}\n");
}

TEST_F(InfluxQLApiTest, V3Errors) {
  server::ClientResponse two = Get("/api/v3/query_influxql?db=q&q=SHOW+DATABASES;SHOW+DATABASES");
  EXPECT_EQ(two.status, 400);
  EXPECT_THAT(ErrorOf(two), HasSubstr("runs one statement, not 2"));
  server::ClientResponse syntax = Get("/api/v3/query_influxql?db=q&q=SHOW+NOTHING");
  EXPECT_EQ(syntax.status, 400);
  EXPECT_THAT(ErrorOf(syntax), StartsWith("error parsing query: "));
  server::ClientResponse database = Get("/api/v3/query_influxql?db=nosuch&q=SHOW+MEASUREMENTS");
  EXPECT_EQ(database.status, 404);
  EXPECT_EQ(ErrorOf(database), "database 'nosuch' not found");
  server::ClientResponse statement =
      Get("/api/v3/query_influxql?db=q&q=" + server::UrlEncode("SHOW TAG KEYS ON nosuch"));
  EXPECT_EQ(statement.status, 400);
  EXPECT_EQ(ErrorOf(statement), "database not found: nosuch");
  server::ClientResponse missing = Get("/api/v3/query_influxql?db=q");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(ErrorOf(missing), "missing query parameter 'q' (the InfluxQL query)");
  server::ClientResponse format = Get("/api/v3/query_influxql?db=q&q=SHOW+DATABASES&format=xml");
  EXPECT_EQ(format.status, 400);
}

TEST_F(InfluxQLApiTest, V3SelectRows) {
  server::ClientResponse rows = Get("/api/v3/query_influxql?db=q&q=" +
                                    server::UrlEncode("SELECT usage FROM cpu WHERE host = 'a'"));
  EXPECT_EQ(rows.body, R"([{"iox::measurement":"cpu","time":"2016-01-01T00:00:00","usage":1.5}])");
}

// A result of many pieces (InfluxQLRowBatches, 4096 rows at a time, encoded ahead): the same
// bytes, in the same order, as SQL's writer gives the same rows, in each text format.
TEST_F(InfluxQLApiTest, V3LargeResultsAreEncodedInOrder) {
  std::string lines;
  for (int i = 0; i < 10'000; ++i) {
    absl::StrAppend(&lines, "m,host=h", i % 3, " v=", i, "i ", 1451606400 + i, "\n");
  }
  WriteLines("big", lines);
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"SELECT v FROM m", "SELECT 'm' AS \"iox::measurement\", time, v FROM m ORDER BY time"},
      {"SELECT v FROM m GROUP BY host",
       "SELECT 'm' AS \"iox::measurement\", time, host, v FROM m ORDER BY host, time"},
      {"SELECT v FROM m WHERE v % 2 = 0 LIMIT 301",
       "SELECT 'm' AS \"iox::measurement\", time, v FROM m WHERE v % 2 = 0 ORDER BY time "
       "LIMIT 301"},
  };
  for (const auto& [influxql, sql] : queries) {
    for (const std::string format : {"json", "jsonl", "csv"}) {
      SCOPED_TRACE(influxql + " as " + format);
      server::ClientResponse got = Get("/api/v3/query_influxql?db=big&format=" + format +
                                       "&q=" + server::UrlEncode(influxql));
      server::ClientResponse want =
          Get("/api/v3/query_sql?db=big&format=" + format + "&q=" + server::UrlEncode(sql));
      ASSERT_EQ(got.status, 200) << got.body.substr(0, 300);
      ASSERT_EQ(want.status, 200) << want.body.substr(0, 300);
      EXPECT_GT(got.body.size(), 1000u);
      EXPECT_TRUE(got.body == want.body) << got.body.substr(0, 300) << "\n vs \n"
                                         << want.body.substr(0, 300);
    }
  }
}

TEST_F(InfluxQLApiTest, QueriesAreLoggedAsInfluxQL) {
  const std::string text = "SHOW MEASUREMENTS LIMIT 7; SHOW DATABASES";
  ASSERT_EQ(Get(V1Target(text)).status, 200);
  server::ClientResponse log =
      Get("/api/v3/query_sql?db=q&q=" +
          server::UrlEncode(
              "SELECT query_type, phase, success FROM system.queries WHERE query_text = '" + text +
              "'"));
  EXPECT_EQ(log.body, R"([{"query_type":"influxql","phase":"success","success":true}])");
}

// A request's entry sums what the SQL of its statements read and computed; one that reads no
// table (SHOW DATABASES) has none.
TEST_F(InfluxQLApiTest, LoggedQueriesSumTheirStatementsPlans) {
  // The values of `columns` in the entry of `text`, as CSV without the header.
  auto logged = [this](const std::string& text, const std::string& columns) {
    std::string body =
        Get("/api/v3/query_sql?db=q&format=csv&q=" +
            server::UrlEncode("SELECT " + columns + " FROM system.queries WHERE query_text = '" +
                              text + "'"))
            .body;
    return body.substr(body.find('\n') + 1);
  };
  // What a scan reads: write buffer chunks, or the Parquet files a snapshot (the suite's server
  // may take one any time) made of them.
  const std::string reads = "partitions + parquet_files";
  // Two statements scan what one does: twice as much. A snapshot between the requests can move
  // the rows from chunks to files: then the counts are taken again, with new texts.
  bool summed = false;
  for (int attempt = 1; attempt <= 5 && !summed; ++attempt) {
    const std::string one = absl::StrCat("SELECT usage FROM cpu WHERE time > ", attempt);
    const std::string two = absl::StrCat(one, "; SELECT cores FROM cpu WHERE time > ", attempt);
    ASSERT_EQ(Get(V1Target(one)).status, 200);
    ASSERT_EQ(Get(V1Target(two)).status, 200);
    EXPECT_EQ(logged(one, "compute_duration > 0 AS c"), "true\n");
    const int64_t single = std::stoll(logged(one, reads + " AS r"));
    ASSERT_GT(single, 0);
    summed = logged(two, reads + " AS r") == absl::StrCat(2 * single, "\n");
  }
  EXPECT_TRUE(summed);
  const std::string v3 = "SELECT usage FROM cpu WHERE time > 0 LIMIT 2";
  ASSERT_EQ(Get("/api/v3/query_influxql?db=q&q=" + server::UrlEncode(v3)).status, 200);
  EXPECT_EQ(logged(v3, reads + " > 0 AS r, compute_duration > 0 AS c"), "true,true\n");
  // A request that reads no table: NULL.
  ASSERT_EQ(Get(V1Target("show databases")).status, 200);
  EXPECT_EQ(logged("show databases", "partitions IS NULL AS a, compute_duration IS NULL AS c"),
            "true,true\n");
}

TEST_F(InfluxQLApiTest, CliRunsInfluxQL) {
  int exit_code = -1;
  std::string output = RunCommand(
      fmt::format("{} query --host {} --language influxql --database q 'SHOW TAG KEYS FROM mem'",
                  STRATA_BINARY,
                  server_->url()),
      &exit_code);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_EQ(output,
            "+------------------+--------+\n"
            "| iox::measurement | tagKey |\n"
            "+------------------+--------+\n"
            "| mem              | host   |\n"
            "+------------------+--------+\n");
  // No database needed when the statement does not read one; statements from standard input.
  output =
      RunCommand(fmt::format("printf 'SHOW DATABASES;\\nSHOW MEASUREMENTS ON q;\\n' | {} query "
                             "--host {} -l influxql --format csv",
                             STRATA_BINARY,
                             server_->url()),
                 &exit_code);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("iox::measurement,name\ndatabases,q"));
  EXPECT_THAT(output, HasSubstr("iox::measurement,name\nmeasurements,cpu\nmeasurements,mem\n"));
  output = RunCommand(fmt::format("{} query --host {} -l influxql 'SHOW TAG KEYS ON nosuch'",
                                  STRATA_BINARY,
                                  server_->url()),
                      &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_THAT(output, HasSubstr("query failed (400): database not found: nosuch"));
  // \language switches the language of a script.
  output = RunCommand(
      fmt::format("printf 'SELECT 1 AS one;\\n\\\\language influxql\\nSHOW MEASUREMENTS;\\n' | {} "
                  "query --host {} --database q --format csv",
                  STRATA_BINARY,
                  server_->url()),
      &exit_code);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("one\n1\n"));
  EXPECT_THAT(output, HasSubstr("Language is InfluxQL.\n"));
  EXPECT_THAT(output, HasSubstr("measurements,cpu"));
}

// InfluxQL requests take the same admission permits as SQL: with one permit and no queue, a
// /query that arrives while a slow SQL query runs is refused with the same 503.
TEST(InfluxQLAdmissionTest, SharesPermitsWithSql) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--max-concurrent-queries", "1", "--query-queue-size", "0"});
  server.Start();
  auto client = server.Client();
  std::string lines;
  for (int i = 0; i < 600; ++i) {
    lines += fmt::format("big,k=k{} v={}i {}\n", i % 10, i, 1451606400 + i);
  }
  auto written = client->Request("POST", "/api/v3/write_lp?db=a&precision=s", lines);
  ASSERT_TRUE(written.ok());
  ASSERT_EQ(written->status, 204);

  auto slow = std::async(std::launch::async, [&] {
    auto own = server.Client();
    return own->Request(
        "GET",
        "/api/v3/query_sql?db=a&q=" +
            server::UrlEncode(
                "SELECT count(*) FROM big a, big b, big c WHERE a.v + b.v + c.v >= 0"),
        "");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto refused = client->Request("GET", "/query?db=a&q=SHOW+MEASUREMENTS");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_THAT(ErrorOf(*refused), HasSubstr("too many queries: 1 running"));
  server.Stop(SIGKILL);
  slow.wait();
}

TEST(InfluxQLAuthTest, V1CredentialsAndTokens) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {kWithAuth});
  server.Start();
  auto client = server.Client();
  auto created = client->Request("POST", "/api/v3/configure/token/admin");
  ASSERT_TRUE(created.ok());
  const std::string token = json::parse(created->body)["token"];

  auto none = client->Request("GET", "/query?q=SHOW+DATABASES");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(HeaderValue(*none, "WWW-Authenticate"), "Bearer, Basic realm=\"strata\"");
  auto wrong = client->Request("GET", "/query?q=SHOW+DATABASES&u=me&p=wrong");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401);
  for (const auto& [target, headers] : std::vector<std::pair<std::string, Headers>>{
           {"/query?q=SHOW+DATABASES&u=me&p=" + server::UrlEncode(token), {}},
           {"/query?q=SHOW+DATABASES",
            {{"Authorization", "Basic " + absl::Base64Escape("me:" + token)}}},
           {"/query?q=SHOW+DATABASES", {{"Authorization", "Token " + token}}},
           {"/api/v3/query_influxql?q=SHOW+DATABASES", {{"Authorization", "Bearer " + token}}}}) {
    auto response = client->Request("GET", target, "", headers);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 200) << target << ": " << response->body;
  }
}

}  // namespace
}  // namespace strata::e2e
