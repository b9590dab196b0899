// End-to-end tests of query admission and limits over real HTTP: the admission queue and its 503,
// the time spent queued in system.queries, --query-timeout, a client that disconnects (its query
// is cancelled and its permit freed), the per-query and global memory limits, and the contents of
// system.queries, system.tables and system.columns.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Rows of the table the slow query joins with itself three times: 600^3 = 216 million joined
// rows, many seconds of work; the tests that use it end it (timeout, disconnect) long before.
constexpr int kSlowRows = 600;
const char* const kSlowQuery =
    "SELECT count(*) FROM big a, big b, big c WHERE a.v + b.v + c.v >= 0";

server::ClientResponse Query(server::HttpClient& client,
                             const std::string& sql,
                             const std::string& db = "a") {
  auto response = client.Request("POST",
                                 "/api/v3/query_sql",
                                 json{{"db", db}, {"q", sql}}.dump(),
                                 {{"Content-Type", "application/json"}});
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : server::ClientResponse{};
}

json Rows(server::HttpClient& client, const std::string& sql) {
  server::ClientResponse response = Query(client, sql);
  EXPECT_EQ(response.status, 200) << sql << ": " << response.body;
  json rows = json::parse(response.body, nullptr, false);
  return rows.is_array() ? rows : json::array();
}

void WriteBigTable(server::HttpClient& client) {
  std::string lines;
  for (int i = 0; i < kSlowRows; ++i) {
    lines += fmt::format("big,k=k{} v={}i {}\n", i % 10, i, 1451606400 + i);
  }
  auto written = client.Request("POST", "/api/v3/write_lp?db=a&precision=s", lines);
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->status, 204) << written->body;
}

// Sends a query on a raw socket and returns the socket without reading the answer.
int SendRawQuery(int port, const std::string& sql) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string body = json{{"db", "a"}, {"q", sql}}.dump();
  const std::string request = fmt::format(
      "POST /api/v3/query_sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\n\r\n{}",
      body.size(),
      body);
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  return fd;
}

// The system.queries row of the query with text `sql` (the last one), or null.
json QueryLogRow(server::HttpClient& client, const std::string& sql) {
  json rows = Rows(client,
                   "SELECT query_text, phase, success, running, cancelled, permit_duration, "
                   "plan_duration, execute_duration, end2end_duration, max_memory, partitions, "
                   "parquet_files, compute_duration FROM system.queries ORDER BY issue_time");
  json found;
  for (const json& row : rows) {
    if (row.value("query_text", "") == sql) {
      found = row;
    }
  }
  return found;
}

// One permit and one queue slot: while a slow query holds the permit, a second query waits and
// a third is refused with 503 naming the flags. The slow query's client then disconnects, which
// cancels it and hands the permit to the waiting query; system.queries shows how long it waited.
TEST(AdmissionTest, QueueWaitsAndOverflowGets503) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--max-concurrent-queries", "1", "--query-queue-size", "2"});
  server.Start();
  auto client = server.Client();
  WriteBigTable(*client);

  int fd = SendRawQuery(server.port(), kSlowQuery);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string join = "SELECT count(*) AS n FROM big a, big b WHERE a.k = b.k";
  auto second = std::async(std::launch::async, [&] {
    auto own = server.Client();
    return Query(*own, join);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // A third query waits too, on a raw socket whose client will give up.
  const std::string abandoned = "SELECT 4 AS abandoned";
  int queued_fd = SendRawQuery(server.port(), abandoned);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server::ClientResponse refused = Query(*client, "SELECT 3");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(ErrorOf(refused),
            "too many queries: 1 running (--max-concurrent-queries) and 2 waiting "
            "(--query-queue-size); retry later");
  bool retry_after = false;
  for (const auto& [name, value] : refused.headers) {
    retry_after |= (name == "Retry-After" || name == "retry-after") && value == "1";
  }
  EXPECT_TRUE(retry_after);
  // The waiting raw client gives up: its query leaves the queue, cancelled.
  ::close(queued_fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::close(fd);
  server::ClientResponse queued = second.get();
  EXPECT_EQ(queued.status, 200) << queued.body;
  EXPECT_EQ(queued.body, "[{\"n\":36000}]");  // 10 keys of 60 rows each: 10 x 60 x 60

  json waited = QueryLogRow(*client, join);
  ASSERT_TRUE(waited.is_object());
  EXPECT_EQ(waited["phase"], "success");
  EXPECT_EQ(waited["success"], true);
  EXPECT_EQ(waited["running"], false);
  // It waited for the slow query, at least the 400 ms before its client went away.
  EXPECT_GT(waited["permit_duration"].get<int64_t>(), 300'000'000) << waited.dump();
  EXPECT_GE(waited["end2end_duration"].get<int64_t>(),
            waited["permit_duration"].get<int64_t>() + waited["plan_duration"].get<int64_t>() +
                waited["execute_duration"].get<int64_t>())
      << waited.dump();
  EXPECT_EQ(waited["partitions"], 2) << waited.dump();  // the table's one chunk, scanned twice
  EXPECT_EQ(waited["parquet_files"], 0) << waited.dump();
  EXPECT_GT(waited["max_memory"].get<int64_t>(), 0) << waited.dump();  // the join's build side
  // The join of 36,000 pairs computed for some time, within what its partitions (2 threads)
  // and the consumer could spend while it executed.
  EXPECT_GT(waited["compute_duration"].get<int64_t>(), 0) << waited.dump();
  EXPECT_LE(waited["compute_duration"].get<int64_t>(),
            3 * waited["execute_duration"].get<int64_t>())
      << waited.dump();
  json rejected = QueryLogRow(*client, "SELECT 3");
  ASSERT_TRUE(rejected.is_object());
  EXPECT_EQ(rejected["phase"], "fail");
  EXPECT_EQ(rejected["success"], false);
  json gave_up = QueryLogRow(*client, abandoned);
  ASSERT_TRUE(gave_up.is_object());
  EXPECT_EQ(gave_up["phase"], "cancel") << gave_up.dump();
  EXPECT_EQ(gave_up["cancelled"], true) << gave_up.dump();
  EXPECT_EQ(gave_up["running"], false);
  // It never got a permit (JSON leaves out nulls).
  EXPECT_FALSE(gave_up.contains("permit_duration")) << gave_up.dump();
  json slow = QueryLogRow(*client, kSlowQuery);
  ASSERT_TRUE(slow.is_object());
  EXPECT_EQ(slow["phase"], "cancel");
  EXPECT_EQ(slow["cancelled"], true);
  EXPECT_LT(slow["permit_duration"].get<int64_t>(), 100'000'000) << slow.dump();
}

// --query-timeout: a query that runs too long is cancelled and answered with 408; the log shows
// it cancelled; the server answers the next query.
TEST(AdmissionTest, TimeoutCancelsTheQuery) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {"--query-timeout", "300ms"});
  server.Start();
  auto client = server.Client();
  WriteBigTable(*client);
  Clock::time_point start = Clock::now();
  server::ClientResponse timed_out = Query(*client, kSlowQuery);
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(timed_out.status, 408) << timed_out.body;
  EXPECT_EQ(ErrorOf(timed_out),
            "query exceeded the time limit of 300ms (--query-timeout) and was cancelled");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  json row = QueryLogRow(*client, kSlowQuery);
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row["phase"], "cancel");
  EXPECT_EQ(row["cancelled"], true);
  EXPECT_EQ(row["success"], false);
  EXPECT_EQ(row["running"], false);
  EXPECT_GE(row["end2end_duration"].get<int64_t>(), 300'000'000);
  EXPECT_EQ(Rows(*client, "SELECT count(*) AS n FROM big"), json::parse("[{\"n\":600}]"));
}

// A client that disconnects while its query computes: the query is cancelled (it would run for
// many seconds) and its permit freed for the next query.
TEST(AdmissionTest, DisconnectCancelsTheQueryAndFreesThePermit) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--max-concurrent-queries", "1", "--query-queue-size", "0"});
  server.Start();
  auto client = server.Client();
  WriteBigTable(*client);
  int fd = SendRawQuery(server.port(), kSlowQuery);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The permit is taken: another query is refused.
  server::ClientResponse busy = Query(*client, "SELECT 1");
  EXPECT_EQ(busy.status, 503) << busy.body;
  ::close(fd);
  // Within a few watchdog rounds the permit is free again.
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (Clock::now() < deadline) {
    status = Query(*client, "SELECT 1").status;
    if (status == 200) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, 200) << "the disconnected query kept its permit";
  json row = QueryLogRow(*client, kSlowQuery);
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row["phase"], "cancel");
  EXPECT_EQ(row["cancelled"], true);
  EXPECT_EQ(row["running"], false);
  EXPECT_LT(row["end2end_duration"].get<int64_t>(), 5'000'000'000);
}

// The global pool (--exec-mem-pool-bytes) and the per-query limit (--query-memory-limit) each
// fail the query that goes past them, naming the flag; the server keeps serving.
TEST(AdmissionTest, MemoryLimitsNameTheirFlags) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--exec-mem-pool-bytes", "8MiB", "--query-memory-limit", "1GiB"});
  server.Start();
  auto client = server.Client();
  WriteBigTable(*client);
  const std::string sort = "SELECT * FROM big a, big b ORDER BY a.v, b.v";
  server::ClientResponse pool = Query(*client, sort);
  EXPECT_EQ(pool.status, 500) << pool.body.substr(0, 300);
  EXPECT_EQ(
      ErrorOf(pool).rfind(
          "execution memory pool (all running queries) of 8.0 MiB exceeded: SortExec needed ", 0),
      0u)
      << pool.body.substr(0, 300);
  EXPECT_NE(ErrorOf(pool).find("raise --exec-mem-pool-bytes"), std::string::npos);
  json row = QueryLogRow(*client, sort);
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row["phase"], "fail");
  EXPECT_GT(row["max_memory"].get<int64_t>(), 4 << 20) << row.dump();
  EXPECT_EQ(Rows(*client, "SELECT count(*) AS n FROM big"), json::parse("[{\"n\":600}]"));
  server.Stop(SIGTERM);

  ServerProcess per_query(dir.path() + "/data",
                          {"--exec-mem-pool-bytes", "1GiB", "--query-memory-limit", "8MiB"});
  per_query.Start();
  auto other = per_query.Client();
  server::ClientResponse limited = Query(*other, sort);
  EXPECT_EQ(limited.status, 500) << limited.body.substr(0, 300);
  EXPECT_EQ(ErrorOf(limited).rfind("query memory limit of 8.0 MiB exceeded: SortExec needed ", 0),
            0u)
      << limited.body.substr(0, 300);
  EXPECT_NE(ErrorOf(limited).find("raise --query-memory-limit"), std::string::npos);
  EXPECT_EQ(Rows(*other, "SELECT count(*) AS n FROM big"), json::parse("[{\"n\":600}]"));
}

// system.queries over HTTP: the text, outcome and error state of earlier queries, the query
// reading it shown running, and only this database's queries.
TEST(AdmissionTest, SystemQueriesShowsOutcomes) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {"--query-log-size", "5"});
  server.Start();
  auto client = server.Client();
  WriteBigTable(*client);
  EXPECT_EQ(Query(*client, "SELECT count(*) FROM big").status, 200);
  EXPECT_EQ(Query(*client, "SELECT nope FROM big").status, 400);
  EXPECT_EQ(Query(*client, "SELECT 1", "nosuch").status, 404);
  json rows = Rows(*client,
                   "SELECT query_text, phase, success, running, cancelled, query_type, "
                   "length(trace_id) AS trace_len FROM system.queries ORDER BY issue_time");
  ASSERT_EQ(rows.size(), 3u) << rows.dump();  // the query for 'nosuch' is not in this database
  EXPECT_EQ(rows[0]["query_text"], "SELECT count(*) FROM big");
  EXPECT_EQ(rows[0]["phase"], "success");
  EXPECT_EQ(rows[0]["success"], true);
  EXPECT_EQ(rows[0]["running"], false);
  EXPECT_EQ(rows[0]["query_type"], "sql");
  EXPECT_EQ(rows[0]["trace_len"], 32);  // the trace-id of the response, in hex
  EXPECT_EQ(rows[1]["query_text"], "SELECT nope FROM big");
  EXPECT_EQ(rows[1]["phase"], "fail");
  EXPECT_EQ(rows[1]["success"], false);
  EXPECT_EQ(rows[1]["cancelled"], false);
  // The query reading the table, while it runs: system tables are read as the plan is made.
  EXPECT_EQ(rows[2]["phase"], "permit");
  EXPECT_EQ(rows[2]["running"], true);
  // The ring keeps the last five queries of all databases.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Query(*client, fmt::format("SELECT {}", i)).status, 200);
  }
  json last = Rows(*client, "SELECT query_text FROM system.queries ORDER BY issue_time");
  EXPECT_EQ(last.size(), 5u) << last.dump();
  EXPECT_EQ(last[0]["query_text"], "SELECT 2") << last.dump();

  // system.tables and system.columns, listed by SHOW TABLES.
  EXPECT_EQ(Rows(*client,
                 "SELECT table_name, column_count, tag_count, field_count, buffer_rows, "
                 "parquet_files FROM system.tables"),
            json::parse("[{\"table_name\":\"big\",\"column_count\":3,\"tag_count\":1,"
                        "\"field_count\":1,\"buffer_rows\":600,\"parquet_files\":0}]"));
  EXPECT_EQ(Rows(*client, "SELECT column_name, kind, influx_type FROM system.columns"),
            json::parse("[{\"column_name\":\"time\",\"kind\":\"time\",\"influx_type\":"
                        "\"timestamp\"},{\"column_name\":\"k\",\"kind\":\"tag\",\"influx_type\":"
                        "\"tag\"},{\"column_name\":\"v\",\"kind\":\"field\",\"influx_type\":"
                        "\"integer\"}]"));
  json tables = Rows(*client,
                     "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                     "'system' ORDER BY table_name");
  EXPECT_EQ(tables,
            json::parse("[{\"table_name\":\"columns\"},{\"table_name\":\"distinct_caches\"},"
                        "{\"table_name\":\"last_caches\"},{\"table_name\":\"parquet_files\"},"
                        "{\"table_name\":\"queries\"},{\"table_name\":\"tables\"}]"));
}

}  // namespace
}  // namespace strata::e2e
