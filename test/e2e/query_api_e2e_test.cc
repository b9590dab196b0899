// End-to-end tests of the SQL query API (/api/v3/query_sql) and `strata query` over real HTTP:
// request forms (GET, POST JSON, POST form), formats and their Content-Types, params, error
// statuses and bodies, limits, authentication, and the CLI's output and exit codes.
//
// The tests that need query results probe `SELECT 1` first and skip (saying so) while the engine
// answers 501 Not Implemented; everything else runs regardless.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parquet/file_reader.h"
#include "server/http_client.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

class QueryApiTest : public SuiteServerTest {
 protected:
  static void SetUpTestSuite() {
    StartServer();
    WriteLines(
        "q",
        "cpu,host=a usage=1.5,cores=4i 1451606400\ncpu,host=b usage=2.5,cores=8i 1451606460\n");
  }
  static void TearDownTestSuite() { StopServer(); }

  server::ClientResponse Post(const std::string& body,
                              const std::string& content_type = "application/json") {
    return Request("POST", "/api/v3/query_sql", body, {{"Content-Type", content_type}});
  }
  // Skips the calling test while the engine cannot run a query yet.
  bool EngineRuns() {
    server::ClientResponse probe = Get("/api/v3/query_sql?db=q&q=SELECT%201");
    return probe.status != 501;
  }
};

#define SKIP_UNTIL_THE_ENGINE_RUNS()                                                     \
  if (!EngineRuns()) {                                                                   \
    GTEST_SKIP() << "the SQL engine answers 501 Not Implemented: result checks skipped"; \
  }

TEST_F(QueryApiTest, UnknownDatabaseIs404) {
  for (const server::ClientResponse& response : {Get("/api/v3/query_sql?db=nosuch&q=SELECT%201"),
                                                 Post(R"({"db":"nosuch","q":"SELECT 1"})")}) {
    EXPECT_EQ(response.status, 404) << response.body;
    EXPECT_EQ(ErrorOf(response), "database 'nosuch' not found") << response.body;
    EXPECT_EQ(HeaderValue(response, "Content-Type"), "application/json");
  }
}

TEST_F(QueryApiTest, MissingAndMalformedParametersAre400) {
  const std::pair<server::ClientResponse, std::string> cases[] = {
      {Get("/api/v3/query_sql?q=SELECT%201"), "missing query parameter 'db'"},
      {Get("/api/v3/query_sql?db=q"), "missing query parameter 'q'"},
      {Get("/api/v3/query_sql?db=q&q=%20%20"), "query parameter 'q' is empty"},
      {Get("/api/v3/query_sql?db=q&q=SELECT%201&format=xml"), "xml"},
      {Get("/api/v3/query_sql?db=q&q=SELECT%201&params=%7Bnot-json"), "\"params\" is not valid"},
      {Post(R"({"db":"q","q":"SELECT $a","params":{"a":[1]}})"), "query parameter 'a' is array"},
      {Post(R"({"db":"q","q":"SELECT 1","params":[1]})"), "\"params\" must be a JSON object"},
      {Post(R"({"db":"q","q":1})"), "\"q\" must be a string"},
      {Post(R"({"db":"q",)"), "the request body is not valid JSON"},
      {Get("/api/v3/query_sql?db=q&q=SELECT%201", {{"Accept", "image/png"}}), "Accept header"},
  };
  for (const auto& [response, message] : cases) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_NE(ErrorOf(response).find(message), std::string::npos)
        << "expected '" << message << "' in " << response.body;
  }
}

TEST_F(QueryApiTest, UnsupportedThingsSayWhat) {
  // InfluxQL is answered on its own endpoints (influxql_api_e2e_test.cc), not here.
  server::ClientResponse influxql = Get("/api/v3/query_sql?db=q&q=SHOW%20MEASUREMENTS");
  EXPECT_EQ(influxql.status, 400) << influxql.body;
  server::ClientResponse xml = Post("<q/>", "application/xml");
  EXPECT_EQ(xml.status, 415) << xml.body;
  auto put = client_->Request("PUT", "/api/v3/query_sql?db=q&q=SELECT%201");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(HeaderValue(*put, "Allow"), "GET, POST");
}

TEST_F(QueryApiTest, OversizedQueryIs413) {
  std::string sql = "SELECT 1 -- " + std::string(1u << 20, 'x');
  server::ClientResponse response = Post(json{{"db", "q"}, {"q", sql}}.dump());
  EXPECT_EQ(response.status, 413) << response.body.substr(0, 200);
  EXPECT_NE(ErrorOf(response).find("exceeds the limit of 1048576 bytes"), std::string::npos)
      << response.body.substr(0, 200);
}

TEST_F(QueryApiTest, EveryFormatWithItsContentType) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  const std::string sql = "SELECT host, usage, cores, time FROM cpu ORDER BY host";
  const struct {
    const char* format;
    const char* content_type;
    std::string body;
  } cases[] = {
      {"json",
       "application/json",
       R"([{"host":"a","usage":1.5,"cores":4,"time":"2016-01-01T00:00:00"},)"
       R"({"host":"b","usage":2.5,"cores":8,"time":"2016-01-01T00:01:00"}])"},
      {"jsonl",
       "application/jsonl",
       "{\"host\":\"a\",\"usage\":1.5,\"cores\":4,\"time\":\"2016-01-01T00:00:00\"}\n"
       "{\"host\":\"b\",\"usage\":2.5,\"cores\":8,\"time\":\"2016-01-01T00:01:00\"}\n"},
      {"csv",
       "text/csv",
       "host,usage,cores,time\na,1.5,4,2016-01-01T00:00:00\nb,2.5,8,2016-01-01T00:01:00\n"},
      {"pretty",
       "text/plain; charset=utf-8",
       "+------+-------+-------+---------------------+\n"
       "| host | usage | cores | time                |\n"
       "+------+-------+-------+---------------------+\n"
       "| a    | 1.5   | 4     | 2016-01-01T00:00:00 |\n"
       "| b    | 2.5   | 8     | 2016-01-01T00:01:00 |\n"
       "+------+-------+-------+---------------------+"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format);
    // GET with format=, POST JSON, POST form: the same answer.
    server::ClientResponse get =
        Get(fmt::format("/api/v3/query_sql?db=q&q={}&format={}", server::UrlEncode(sql), c.format));
    server::ClientResponse post = Post(json{{"db", "q"}, {"q", sql}, {"format", c.format}}.dump());
    server::ClientResponse form =
        Post(fmt::format("db=q&q={}&format={}", server::UrlEncode(sql), c.format),
             "application/x-www-form-urlencoded");
    for (const server::ClientResponse* response : {&get, &post, &form}) {
      EXPECT_EQ(response->status, 200) << response->body;
      EXPECT_EQ(HeaderValue(*response, "Content-Type"), c.content_type);
      EXPECT_EQ(HeaderValue(*response, "Transfer-Encoding"), "chunked");
      EXPECT_EQ(response->body, c.body);
    }
  }
  // Without a format, the Accept header chooses; without either, JSON.
  server::ClientResponse csv = Get(
      fmt::format("/api/v3/query_sql?db=q&q={}", server::UrlEncode(sql)), {{"Accept", "text/csv"}});
  EXPECT_EQ(HeaderValue(csv, "Content-Type"), "text/csv");
  EXPECT_EQ(csv.body, cases[2].body);
  server::ClientResponse plain =
      Get(fmt::format("/api/v3/query_sql?db=q&q={}", server::UrlEncode(sql)));
  EXPECT_EQ(HeaderValue(plain, "Content-Type"), "application/json");
}

// A Parquet file's rows as JSON objects like the json format's (NULLs left out, timestamps in
// nanoseconds), for comparison.
json ParquetRows(const std::string& file) {
  json rows = json::array();
  absl::StatusOr<std::unique_ptr<parquet::FileReader>> reader =
      parquet::FileReader::Open(parquet::MemorySource(file));
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) {
    return rows;
  }
  std::vector<int> columns;
  for (int c = 0; c < (*reader)->num_columns(); ++c) {
    columns.push_back(c);
  }
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    absl::StatusOr<RecordBatch> batch = (*reader)->ReadRowGroup(rg, columns);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) {
      return rows;
    }
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      json row = json::object();
      for (int c = 0; c < batch->num_columns(); ++c) {
        const Column& column = *batch->column(c);
        const std::string& name = batch->schema()->field(c).name;
        if (column.IsNull(r)) {
          continue;
        }
        switch (column.type()) {
          case TypeId::kBool:
            row[name] = column.GetBool(r);
            break;
          case TypeId::kInt64:
          case TypeId::kTimestamp:
            row[name] = column.GetInt64(r);
            break;
          case TypeId::kUInt64:
            row[name] = column.GetUInt64(r);
            break;
          case TypeId::kFloat64:
            row[name] = column.GetFloat64(r);
            break;
          default:
            row[name] = std::string(column.GetString(r));
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// format=parquet: the body is a Parquet file of the result, by GET, POST and the Accept header;
// errors before the first byte are the usual JSON errors.
TEST_F(QueryApiTest, ParquetFormatIsAParquetFile) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  const std::string sql =
      "SELECT host, usage, cores, time, NULL AS nothing, 'é' AS e FROM cpu ORDER BY host";
  server::ClientResponse get =
      Get(fmt::format("/api/v3/query_sql?db=q&q={}&format=parquet", server::UrlEncode(sql)));
  server::ClientResponse post = Post(json{{"db", "q"}, {"q", sql}, {"format", "parquet"}}.dump());
  server::ClientResponse accept =
      Get(fmt::format("/api/v3/query_sql?db=q&q={}", server::UrlEncode(sql)),
          {{"Accept", "application/vnd.apache.parquet"}});
  const json expected =
      json::parse(R"([{"host":"a","usage":1.5,"cores":4,"time":1451606400000000000,"e":"é"},)"
                  R"({"host":"b","usage":2.5,"cores":8,"time":1451606460000000000,"e":"é"}])");
  for (const server::ClientResponse* response : {&get, &post, &accept}) {
    EXPECT_EQ(response->status, 200) << response->body.substr(0, 200);
    EXPECT_EQ(HeaderValue(*response, "Content-Type"), "application/vnd.apache.parquet");
    ASSERT_GE(response->body.size(), 8u);
    EXPECT_EQ(response->body.substr(0, 4), "PAR1");
    EXPECT_EQ(response->body.substr(response->body.size() - 4), "PAR1");
    EXPECT_EQ(ParquetRows(response->body), expected);
  }
  EXPECT_EQ(get.body, post.body);

  // No rows: a file with the columns and no row group.
  server::ClientResponse empty = Post(json{
      {"db", "q"},
      {"q", "SELECT host, usage FROM cpu WHERE usage > 100"},
      {"format", "parquet"}}.dump());
  EXPECT_EQ(empty.status, 200) << empty.body;
  auto reader = parquet::FileReader::Open(parquet::MemorySource(empty.body));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->num_rows(), 0);
  EXPECT_EQ((*reader)->schema()->num_fields(), 2);
  EXPECT_EQ((*reader)->schema()->field(1).name, "usage");

  // Errors before the first byte: JSON, with their statuses.
  server::ClientResponse bad =
      Post(json{{"db", "q"}, {"q", "SELEC 1"}, {"format", "parquet"}}.dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(HeaderValue(bad, "Content-Type"), "application/json");
  EXPECT_NE(ErrorOf(bad).find("syntax error"), std::string::npos) << bad.body;
  server::ClientResponse missing = Get("/api/v3/query_sql?db=nosuch&q=SELECT%201&format=parquet");
  EXPECT_EQ(missing.status, 404);
  server::ClientResponse interval =
      Get(fmt::format("/api/v3/query_sql?db=q&q={}&format=parquet",
                      server::UrlEncode("SELECT INTERVAL '1 hour' AS i")));
  EXPECT_EQ(interval.status, 501) << interval.body;
  EXPECT_EQ(ErrorOf(interval),
            "column 'i' has type interval, which parquet output cannot write yet");
}

TEST_F(QueryApiTest, ParamsBindPlaceholders) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  const std::string sql = "SELECT host FROM cpu WHERE usage > $min AND host <> $skip ORDER BY host";
  server::ClientResponse all =
      Post(json{{"db", "q"}, {"q", sql}, {"params", {{"min", 1}, {"skip", "z"}}}}.dump());
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.body, R"([{"host":"a"},{"host":"b"}])");
  server::ClientResponse one = Get(fmt::format("/api/v3/query_sql?db=q&q={}&params={}",
                                               server::UrlEncode(sql),
                                               server::UrlEncode(R"({"min":2.0,"skip":"a"})")));
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body, R"([{"host":"b"}])");
  // A parameter value is never SQL text.
  server::ClientResponse injected = Post(
      json{{"db", "q"}, {"q", sql}, {"params", {{"min", 0}, {"skip", "a' OR '1'='1"}}}}.dump());
  EXPECT_EQ(injected.body, R"([{"host":"a"},{"host":"b"}])");
}

TEST_F(QueryApiTest, BadSqlIs400WithTheMessage) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  for (const auto& [sql, message] : std::vector<std::pair<std::string, std::string>>{
           {"SELEC 1", "syntax error"},
           {"SELECT * FROM nosuch", "table 'nosuch' not found"},
           {"SELECT nosuchcol FROM cpu", "column 'nosuchcol' not found"}}) {
    server::ClientResponse response = Post(json{{"db", "q"}, {"q", sql}}.dump());
    EXPECT_EQ(response.status, 400) << sql;
    EXPECT_NE(ErrorOf(response).find(message), std::string::npos) << response.body;
  }
}

TEST(QueryApiAuthTest, TokenRequiredWhenConfigured) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {kWithAuth, "--auth-token", "s3cret", "--disable-authz", "health"});
  server.Start();
  auto client = server.Client();
  const std::string target = "/api/v3/query_sql?db=nosuch&q=SELECT%201";
  auto none = client->Request("GET", target);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(ErrorOf(*none), "the request was not authenticated") << none->body;
  auto wrong = client->Request("GET", target, "", {{"Authorization", "Bearer s3cre7"}});
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401);
  for (const char* scheme : {"Bearer", "Token"}) {
    auto right =
        client->Request("GET", target, "", {{"Authorization", fmt::format("{} s3cret", scheme)}});
    ASSERT_TRUE(right.ok());
    EXPECT_EQ(right->status, 404) << right->body;  // past authentication
  }
  auto write = client->Request("POST", "/api/v3/write_lp?db=a", "m f=1 1\n");
  ASSERT_TRUE(write.ok());
  EXPECT_EQ(write->status, 401);
  auto health = client->Request("GET", "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);

  // The CLI sends --token.
  int code = 0;
  std::string output = RunCommand(
      fmt::format("{} query --host {} --database nosuch 'SELECT 1'", STRATA_BINARY, server.url()),
      &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("query failed (401)"), std::string::npos) << output;
  output = RunCommand(fmt::format("{} query --host {} --token s3cret --database nosuch 'SELECT 1'",
                                  STRATA_BINARY,
                                  server.url()),
                      &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("query failed (404): database 'nosuch' not found"), std::string::npos)
      << output;
}

// --query-memory-limit: a query whose sort needs more memory than the limit fails with 500 and
// a message that says what to do; the server stays up and answers the next queries.
TEST(QueryApiMemoryLimitTest, OversizedQueryFailsAndTheServerLives) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {"--query-memory-limit", "16MiB"});
  server.Start();
  EXPECT_NE(server.Log().find("memory_limit_bytes=16777216"), std::string::npos) << server.Log();
  auto client = server.Client();
  std::string lines;
  for (int i = 0; i < 2000; ++i) {
    lines += fmt::format("cpu,host=h{} usage={}.5 {}\n", i % 7, i % 100, 1451606400 + i);
  }
  auto written = client->Request("POST", "/api/v3/write_lp?db=m&precision=s", lines);
  ASSERT_TRUE(written.ok());
  ASSERT_EQ(written->status, 204) << written->body;
  auto query = [&](const std::string& sql, const std::string& format = "json") {
    auto response = client->Request("POST",
                                    "/api/v3/query_sql",
                                    json{{"db", "m"}, {"q", sql}, {"format", format}}.dump(),
                                    {{"Content-Type", "application/json"}});
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : server::ClientResponse{};
  };

  // Four million joined rows to sort: far beyond 16 MiB.
  const std::string huge = "SELECT * FROM cpu a, cpu b ORDER BY a.time, b.usage";
  server::ClientResponse refused = query(huge);
  EXPECT_EQ(refused.status, 500) << refused.body;
  EXPECT_EQ(HeaderValue(refused, "Content-Type"), "application/json");
  const std::string error = ErrorOf(refused);
  EXPECT_EQ(error.rfind("query memory limit of 16.0 MiB exceeded: SortExec needed ", 0), 0u)
      << refused.body;
  EXPECT_NE(error.find("raise --query-memory-limit, or add filters or a LIMIT"), std::string::npos)
      << refused.body;

  // The pretty table keeps every cell until the end: limited too, with a status code.
  server::ClientResponse pretty = query("SELECT * FROM cpu a, cpu b", "pretty");
  EXPECT_EQ(pretty.status, 500) << pretty.body.substr(0, 200);
  EXPECT_EQ(ErrorOf(pretty).rfind("query memory limit of 16.0 MiB exceeded: the pretty table ", 0),
            0u)
      << pretty.body.substr(0, 200);

  // The server is alive, and the memory was given back: the same join with a LIMIT (a TopK that
  // keeps 3 rows) and other queries run.
  auto health = client->Request("GET", "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  server::ClientResponse top = query(
      "SELECT a.time AS t, b.usage AS u FROM cpu a, cpu b ORDER BY a.time, b.usage DESC LIMIT 2");
  EXPECT_EQ(top.status, 200) << top.body;
  EXPECT_EQ(top.body,
            R"([{"t":"2016-01-01T00:00:00","u":99.5},{"t":"2016-01-01T00:00:00","u":99.5}])");
  server::ClientResponse count = query("SELECT count(*) AS n, max(usage) AS m FROM cpu");
  EXPECT_EQ(count.status, 200) << count.body;
  EXPECT_EQ(count.body, R"([{"n":2000,"m":99.5}])");
  server::ClientResponse small_pretty = query("SELECT count(*) AS n FROM cpu", "pretty");
  EXPECT_EQ(small_pretty.status, 200) << small_pretty.body;
  EXPECT_EQ(small_pretty.body, "+------+\n| n    |\n+------+\n| 2000 |\n+------+");
}

TEST_F(QueryApiTest, CliReportsErrorsWithExitCodes) {
  int code = 0;
  std::string output = RunCommand(
      fmt::format("{} query --host {} --database nosuch 'SELECT 1'", STRATA_BINARY, server_->url()),
      &code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(output, "strata: error: query failed (404): database 'nosuch' not found\n");

  output = RunCommand(
      fmt::format(
          "{} query --host {} --database q --format xml 'SELECT 1'", STRATA_BINARY, server_->url()),
      &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("xml"), std::string::npos) << output;

  // Statements from standard input (not a terminal): \c switches the database; the first error
  // stops the script with exit code 1.
  output = RunCommand(fmt::format("printf '\\\\c nosuch\\nSELECT\\n 1;\\nSELECT 2;\\n' | {} query "
                                  "--host {}",
                                  STRATA_BINARY,
                                  server_->url()),
                      &code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(output,
            "Using database nosuch.\n"
            "strata: error: query failed (404): database 'nosuch' not found\n");

  output =
      RunCommand(fmt::format("echo 'SELECT 1;' | {} query --host http://127.0.0.1:1 --database q",
                             STRATA_BINARY),
                 &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("cannot connect"), std::string::npos) << output;
}

// `strata query --format parquet`: to a file with --output, to a pipe as is, never to a terminal.
TEST_F(QueryApiTest, CliWritesParquetFiles) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  TempDir dir;
  const std::string file = dir.path() + "/cpu.parquet";
  int code = 0;
  std::string output = RunCommand(fmt::format("{} query --host {} --database q --format parquet "
                                              "--output {} 'SELECT host, cores FROM cpu ORDER BY "
                                              "host'",
                                              STRATA_BINARY,
                                              server_->url(),
                                              file),
                                  &code);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "");
  std::string bytes;
  {
    FILE* in = fopen(file.c_str(), "rb");
    ASSERT_NE(in, nullptr);
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0) {
      bytes.append(buffer, n);
    }
    fclose(in);
  }
  EXPECT_EQ(ParquetRows(bytes), json::parse(R"([{"host":"a","cores":4},{"host":"b","cores":8}])"));

  // Standard output that is not a terminal gets the file as is.
  output = RunCommand(fmt::format("{} query --host {} --database q --format parquet 'SELECT host, "
                                  "cores FROM cpu ORDER BY host' | cmp - {}",
                                  STRATA_BINARY,
                                  server_->url(),
                                  file),
                      &code);
  EXPECT_EQ(code, 0) << output;

  // One result per file: a second statement is refused.
  output = RunCommand(fmt::format("printf 'SELECT 1;\nSELECT 2;\n' | {} query --host {} "
                                  "--database q --format parquet --output {}",
                                  STRATA_BINARY,
                                  server_->url(),
                                  file),
                      &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("run one statement per file"), std::string::npos) << output;

  // A failed query leaves no file behind.
  const std::string never = dir.path() + "/never.parquet";
  output = RunCommand(fmt::format("{} query --host {} --database q --format parquet --output {} "
                                  "'SELECT nosuch FROM cpu'",
                                  STRATA_BINARY,
                                  server_->url(),
                                  never),
                      &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("query failed (400)"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(never));

  // A terminal is refused (script(1) gives the command one), with a message that says what to do.
  if (system("command -v script >/dev/null 2>&1") == 0) {
    output = RunCommand(fmt::format("script -qec \"{} query --host {} --database q --format "
                                    "parquet 'SELECT 1'\" /dev/null",
                                    STRATA_BINARY,
                                    server_->url()),
                        &code);
    EXPECT_EQ(code, 1) << output;
    EXPECT_NE(output.find("pass --output FILE"), std::string::npos) << output;
    EXPECT_EQ(output.find("PAR1"), std::string::npos) << output;
  }
}

TEST_F(QueryApiTest, CliPrintsResults) {
  SKIP_UNTIL_THE_ENGINE_RUNS();
  int code = 0;
  std::string output =
      RunCommand(fmt::format("{} query --host {} --database q 'SELECT host, cores FROM "
                             "cpu ORDER BY host'",
                             STRATA_BINARY,
                             server_->url()),
                 &code);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output,
            "+------+-------+\n"
            "| host | cores |\n"
            "+------+-------+\n"
            "| a    | 4     |\n"
            "| b    | 8     |\n"
            "+------+-------+\n");
  output =
      RunCommand(fmt::format("printf 'SELECT host FROM cpu ORDER BY host;\\nSELECT count(*) AS n\\n"
                             "FROM cpu' | {} query --host {} --database q --format csv",
                             STRATA_BINARY,
                             server_->url()),
                 &code);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "host\na\nb\nn\n2\n");
}

}  // namespace
}  // namespace strata::e2e
