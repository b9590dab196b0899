// End-to-end tests of the write API over real HTTP: status codes, error bodies, the three write
// endpoints, gzip, limits, hostile requests, keep-alive, the CLI and a clean shutdown.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/gzip.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

// Reads back the rows of a table through the debug API, one JSON object per row.
std::vector<json> ReadRows(server::HttpClient& client,
                           const std::string& db,
                           const std::string& table) {
  auto response =
      client.Request("GET", fmt::format("/api/v3/debug/rows?db={}&table={}", db, table));
  EXPECT_TRUE(response.ok());
  std::vector<json> rows;
  if (!response.ok() || response->status != 200) {
    ADD_FAILURE() << (response.ok() ? response->body : "request failed");
    return rows;
  }
  std::istringstream lines(response->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty())
      rows.push_back(json::parse(line));
  }
  return rows;
}

class WriteApiTest : public SuiteServerTest {
 protected:
  static void SetUpTestSuite() {
    // No periodic snapshots: ReadRows reads the write buffer, which must keep every row.
    StartServer({"--max-http-request-size", "1MiB", "--snapshot-check-interval", "0"});
  }
  static void TearDownTestSuite() { StopServer(); }

  server::ClientResponse Post(const std::string& target,
                              const std::string& body,
                              const Headers& headers = {}) {
    return Request("POST", target, body, headers);
  }
};

TEST_F(WriteApiTest, HealthAndPing) {
  auto health = client_->Request("GET", "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "OK");
  for (const char* method : {"GET", "POST"}) {
    auto ping = client_->Request(method, "/ping");
    ASSERT_TRUE(ping.ok());
    EXPECT_EQ(ping->status, 200);
    EXPECT_TRUE(json::parse(ping->body).contains("version")) << ping->body;
  }
}

TEST_F(WriteApiTest, V3WriteIsReadBack) {
  auto r = Post("/api/v3/write_lp?db=e2e_v3&precision=s",
                "cpu,host=a usage=1.5,count=3i,ok=true,msg=\"hi\" 1700000000\n"
                "cpu,host=b usage=2.5 1700000001\n");
  EXPECT_EQ(r.status, 204) << r.body;
  auto rows = ReadRows(*client_, "e2e_v3", "cpu");
  ASSERT_EQ(rows.size(), 2u);
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a["time"].get<int64_t>() < b["time"].get<int64_t>();
  });
  EXPECT_EQ(rows[0]["time"], 1700000000000000000);
  EXPECT_EQ(rows[0]["host"], "a");
  EXPECT_EQ(rows[0]["usage"], 1.5);
  EXPECT_EQ(rows[0]["count"], 3);
  EXPECT_EQ(rows[0]["ok"], true);
  EXPECT_EQ(rows[0]["msg"], "hi");
  EXPECT_EQ(rows[1]["host"], "b");
  EXPECT_TRUE(rows[1]["count"].is_null());
}

TEST_F(WriteApiTest, PartialWriteReportsEachBadLine) {
  auto r = Post("/api/v3/write_lp?db=e2e_partial",
                "m,t=1 f=1i 1\n"
                "m,t=2 f=1.5 2\n"  // type conflict with line 1
                "m,t=3 1\n"        // no fields
                "m,t=4 f=4i 4\n");
  EXPECT_EQ(r.status, 400);
  json body = json::parse(r.body);
  EXPECT_EQ(body["error"], "partial write of line protocol occurred");
  ASSERT_EQ(body["data"].size(), 2u) << r.body;
  EXPECT_EQ(body["data"][0]["line_number"], 2);
  EXPECT_EQ(body["data"][0]["original_line"], "m,t=2 f=1.5 2");
  EXPECT_NE(body["data"][0]["error_message"].get<std::string>().find("f"), std::string::npos);
  EXPECT_EQ(body["data"][1]["line_number"], 3);
  EXPECT_EQ(ReadRows(*client_, "e2e_partial", "m").size(), 2u);
}

TEST_F(WriteApiTest, NoPartialWritesNothing) {
  auto r = Post("/api/v3/write_lp?db=e2e_nopartial&accept_partial=false",
                "m,t=1 f=1i 1\nm,t=2 f=oops 2\n");
  EXPECT_EQ(r.status, 400);
  json body = json::parse(r.body);
  EXPECT_EQ(body["data"]["line_number"], 2) << r.body;
  auto rows = client_->Request("GET", "/api/v3/debug/rows?db=e2e_nopartial&table=m");
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->status == 404 || rows->body.empty()) << rows->body;
}

TEST_F(WriteApiTest, V1AndV2AreAllOrNothingWithNanosecondDefault) {
  EXPECT_EQ(Post("/write?db=e2e_v1", "m v=1 5\n").status, 204);
  EXPECT_EQ(Post("/api/v2/write?bucket=e2e_v2&org=ignored", "m v=1 6\n").status, 204);
  EXPECT_EQ(Post("/api/v2/write?bucket=e2e_v2", "m v=2 7\nm v=\n").status, 400);
  auto v1 = ReadRows(*client_, "e2e_v1", "m");
  ASSERT_EQ(v1.size(), 1u);
  EXPECT_EQ(v1[0]["time"], 5);
  EXPECT_EQ(ReadRows(*client_, "e2e_v2", "m").size(), 1u);
  EXPECT_EQ(Post("/write?db=e2e_v1&precision=ms", "m v=3 8\n").status, 204);
  bool found = false;
  for (const auto& row : ReadRows(*client_, "e2e_v1", "m")) {
    found |= row["time"] == 8000000;
  }
  EXPECT_TRUE(found);
}

TEST_F(WriteApiTest, GzipBody) {
  auto r = Post("/api/v3/write_lp?db=e2e_gzip",
                server::Gzip("g v=1i 1\ng v=2i 2\n"),
                {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(ReadRows(*client_, "e2e_gzip", "g").size(), 2u);
  auto bad =
      Post("/api/v3/write_lp?db=e2e_gzip", "definitely not gzip", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(json::parse(bad.body)["error"].get<std::string>().find("gzip"), std::string::npos);
}

TEST_F(WriteApiTest, BodyLimits) {
  std::string big(2 << 20, 'x');
  auto r = Post("/api/v3/write_lp?db=e2e_limits", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("--max-http-request-size"), std::string::npos) << r.body;
  // A small gzip body that inflates past the limit.
  std::string lines;
  while (lines.size() < (3u << 20)) lines += "m v=1i 1\n";
  client_ = server_->Client();
  auto bomb =
      Post("/api/v3/write_lp?db=e2e_limits", server::Gzip(lines), {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(bomb.status, 413) << bomb.body;
  EXPECT_EQ(Post("/api/v3/write_lp?db=e2e_limits", "").status, 400);
}

TEST_F(WriteApiTest, RequestErrors) {
  EXPECT_EQ(Post("/api/v3/write_lp", "m v=1\n").status, 400);  // no db
  EXPECT_EQ(Post("/api/v3/write_lp?db=x&precision=fortnight", "m v=1\n").status, 400);
  EXPECT_EQ(Post("/api/v3/write_lp?db=x&no_sync=maybe", "m v=1\n").status, 400);
  EXPECT_EQ(Post("/api/v3/write_lp?db=bad%20name", "m v=1\n").status, 400);
  auto not_found = client_->Request("GET", "/nope");
  ASSERT_TRUE(not_found.ok());
  EXPECT_EQ(not_found->status, 404);
  EXPECT_TRUE(json::parse(not_found->body).contains("error"));
  auto wrong_method = client_->Request("GET", "/api/v3/write_lp?db=x");
  ASSERT_TRUE(wrong_method.ok());
  EXPECT_EQ(wrong_method->status, 405);
}

// Sends raw bytes on a new connection and returns what the server answers.
std::string RawExchange(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  (void)!write(fd, bytes.data(), bytes.size());
  shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST_F(WriteApiTest, HostileRequestsDoNotHurtTheServer) {
  EXPECT_NE(RawExchange(server_->port(), "GARBAGE\r\n\r\n").find("400"), std::string::npos);
  EXPECT_NE(RawExchange(server_->port(), std::string(100000, 'A')).find("HTTP/1.1 4"),
            std::string::npos);
  std::string huge_header =
      "GET /health HTTP/1.1\r\nX-Big: " + std::string(200000, 'b') + "\r\n\r\n";
  EXPECT_NE(RawExchange(server_->port(), huge_header).find("431"), std::string::npos);
  RawExchange(server_->port(),
              "POST /api/v3/write_lp?db=x HTTP/1.1\r\nContent-Length: 100\r\n\r\nm");
  EXPECT_NE(RawExchange(server_->port(),
                        "POST /write?db=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                .find("HTTP/1.1 400"),
            std::string::npos);
  auto health = server_->Client()->Request("GET", "/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
}

TEST_F(WriteApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Post("/api/v3/write_lp?db=e2e_keepalive", fmt::format("k v={}i {}\n", i, i)).status,
              204);
  }
  EXPECT_EQ(ReadRows(*client_, "e2e_keepalive", "k").size(), 50u);
}

TEST_F(WriteApiTest, CliWritePrintsLineErrors) {
  std::string file = dir_->path() + "/input.lp";
  std::ofstream(file) << "c v=1i 1\nc v=bad 2\nc v=3i 3\n";
  std::string command = fmt::format(
      "{} write --host {} --database e2e_cli --file {} 2>&1", STRATA_BINARY, server_->url(), file);
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
  int status = pclose(pipe);
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(output.find("line 2:"), std::string::npos) << output;
  EXPECT_NE(output.find("c v=bad 2"), std::string::npos) << output;
  EXPECT_EQ(ReadRows(*client_, "e2e_cli", "c").size(), 2u);
}

TEST(ServerLimitsTest, FullBufferAnswers503AndCatalogLimitsAreReported) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {"--write-buffer-limit", "1MiB", "--max-tables", "2"});
  server.Start();
  auto client = server.Client();
  int status = 0;
  server::ClientResponse last;
  // Every row a new series: the buffer keeps series keys in memory after persisting their rows,
  // so persisting cannot make room for long (tests/e2e/snapshot_e2e_test.cc has the writes
  // that persisting does make room for).
  for (int i = 0; i < 200 && status != 503; ++i) {
    std::string body;
    for (int j = 0; j < 1000; ++j) {
      body += fmt::format(
          "fill,host=h{} v={}i,s=\"{}\" {}\n", i * 1000 + j, j, std::string(50, 'x'), i * 1000 + j);
    }
    auto r = client->Request("POST", "/api/v3/write_lp?db=limits", body);
    ASSERT_TRUE(r.ok());
    status = r->status;
    last = *r;
  }
  ASSERT_EQ(status, 503) << "the buffer never filled";
  EXPECT_NE(last.body.find("--write-buffer-limit"), std::string::npos) << last.body;
  EXPECT_NE(last.body.find("persisting everything to Parquet left"), std::string::npos)
      << last.body;
  bool retry_after = false;
  for (const auto& [name, value] : last.headers) retry_after |= name == "Retry-After";
  EXPECT_TRUE(retry_after);

  TempDir dir2;
  ServerProcess small(dir2.path() + "/data", {"--max-tables", "2"});
  small.Start();
  auto c2 = small.Client();
  EXPECT_EQ(c2->Request("POST", "/api/v3/write_lp?db=t", "a v=1\nb v=1\n")->status, 204);
  auto over = c2->Request("POST", "/api/v3/write_lp?db=t", "c v=1\n");
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->status, 400) << over->body;  // a per-line error: the table limit
  EXPECT_NE(over->body.find("--max-tables"), std::string::npos) << over->body;
  auto health = c2->Request("GET", "/health");
  EXPECT_EQ(health->status, 200);
}

TEST(ServerLifecycleTest, SigtermShutsDownCleanlyAndKeepsData) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data");
  server.Start();
  auto r = server.Client()->Request("POST", "/api/v3/write_lp?db=life&no_sync=true", "m v=1i 1\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  int status = server.Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << server.Log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << server.Log();
  server.Start();
  auto client = server.Client();
  // Through SQL: the row may be in the buffer or, persisted by the snapshot thread, in a file.
  auto count =
      client->Request("GET", "/api/v3/query_sql?db=life&q=SELECT%20count(*)%20AS%20n%20FROM%20m");
  ASSERT_TRUE(count.ok());
  ASSERT_EQ(count->status, 200) << count->body;
  EXPECT_EQ(json::parse(count->body), json::parse(R"([{"n":1}])")) << count->body;
  // A second server on the same data directory is refused with a clear message.
  std::string command =
      fmt::format("{} serve --without-auth --data-dir {}/data --http-bind 127.0.0.1:{} 2>&1",
                  STRATA_BINARY,
                  dir.path(),
                  FreePort());
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
  EXPECT_NE(WEXITSTATUS(pclose(pipe)), 0);
  EXPECT_NE(output.find("in use by another strata process"), std::string::npos) << output;
}

}  // namespace
}  // namespace strata::e2e
