// A bounded load test on loopback: 64 concurrent clients mixing writes and queries against a
// server with a small admission limit (--max-concurrent-queries 2, --query-queue-size 4), so some
// queries are refused with 503. No other request may fail, and afterwards every acknowledged
// line is in the table (counted by SQL).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"
#include "test/e2e/server_process.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

constexpr int kClients = 64;
constexpr int kRoundsPerClient = 24;
constexpr int kLinesPerWrite = 50;

TEST(LoadTest, MixedClientsLoseNothingAndOnlyOverflowFails) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--max-concurrent-queries", "2", "--query-queue-size", "4"});
  server.Start();
  {
    auto seed = server.Client();
    auto written = seed->Request("POST", "/api/v3/write_lp?db=load", "m,c=seed v=0i 1\n");
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_EQ(written->status, 204) << written->body;
  }
  std::atomic<int64_t> acknowledged_lines{1};
  std::atomic<int> queries_ok{0};
  std::atomic<int> queries_refused{0};
  std::atomic<int> failures{0};
  std::vector<std::string> failure_samples(kClients);
  const auto started = std::chrono::steady_clock::now();

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = server::HttpClient::Create(server.url());
      if (!client.ok()) {
        ++failures;
        failure_samples[c] = std::string(client.status().message());
        return;
      }
      for (int round = 0; round < kRoundsPerClient; ++round) {
        if ((round + c) % 2 == 0) {
          std::string lines;
          for (int i = 0; i < kLinesPerWrite; ++i) {
            // Unique series and time per line: no line replaces another.
            lines += fmt::format("m,c=c{} v={}i {}\n", c, i, 1000 + round * kLinesPerWrite + i);
          }
          auto response = (*client)->Request("POST", "/api/v3/write_lp?db=load", lines);
          if (response.ok() && response->status == 204) {
            acknowledged_lines += kLinesPerWrite;
          } else {
            ++failures;
            failure_samples[c] = response.ok()
                                     ? fmt::format("write {}: {}", response->status, response->body)
                                     : std::string(response.status().message());
          }
        } else {
          const std::string sql = round % 3 == 0
                                      ? "SELECT c, count(*), sum(v) FROM m GROUP BY c ORDER BY c"
                                      : "SELECT * FROM m WHERE c = 'c1' ORDER BY time DESC LIMIT 5";
          auto response = (*client)->Request("POST",
                                             "/api/v3/query_sql",
                                             json{{"db", "load"}, {"q", sql}}.dump(),
                                             {{"Content-Type", "application/json"}});
          if (response.ok() && response->status == 200 &&
              json::parse(response->body, nullptr, false).is_array()) {
            ++queries_ok;
          } else if (response.ok() && response->status == 503 &&
                     response->body.find("--max-concurrent-queries") != std::string::npos) {
            ++queries_refused;
          } else {
            ++failures;
            failure_samples[c] = response.ok()
                                     ? fmt::format("query {}: {}", response->status, response->body)
                                     : std::string(response.status().message());
          }
        }
      }
    });
  }
  for (std::thread& thread : clients) {
    thread.join();
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  std::string samples;
  for (const std::string& sample : failure_samples) {
    if (!sample.empty() && samples.size() < 2000) {
      samples += sample + "\n";
    }
  }
  EXPECT_EQ(failures.load(), 0) << samples;
  EXPECT_GT(queries_ok.load(), 0);
  std::printf("load: %d queries answered, %d refused with 503, %lld lines acknowledged, %.2f s\n",
              queries_ok.load(),
              queries_refused.load(),
              static_cast<long long>(acknowledged_lines.load()),
              std::chrono::duration<double>(elapsed).count());

  // Every acknowledged line is there. Retry while the queue drains (nothing else runs now).
  auto client = server.Client();
  auto counted = client->Request("POST",
                                 "/api/v3/query_sql",
                                 json{{"db", "load"}, {"q", "SELECT count(*) AS n FROM m"}}.dump(),
                                 {{"Content-Type", "application/json"}});
  ASSERT_TRUE(counted.ok()) << counted.status();
  ASSERT_EQ(counted->status, 200) << counted->body;
  EXPECT_EQ(json::parse(counted->body),
            json::parse(fmt::format("[{{\"n\":{}}}]", acknowledged_lines.load())));
  // Nothing is left running or queued, and the log agrees with what the clients saw.
  auto log =
      client->Request("POST",
                      "/api/v3/query_sql",
                      json{{"db", "load"},
                           {"q",
                            "SELECT count(*) FILTER (WHERE running) AS running, "
                            "count(*) FILTER (WHERE phase = 'fail') AS failed FROM system.queries"}}
                          .dump(),
                      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->status, 200) << log->body;
  json counts = json::parse(log->body);
  EXPECT_EQ(counts[0]["running"], 1) << log->body;  // this query
  EXPECT_EQ(counts[0]["failed"], queries_refused.load()) << log->body;
}

}  // namespace
}  // namespace strata::e2e
