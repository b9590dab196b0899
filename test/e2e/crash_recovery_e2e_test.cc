// The durability promise, end to end: concurrent clients write while the server is killed with
// SIGKILL; after a restart every acknowledged write is there with its values, and nothing that
// was never sent appears. Repeated over several kill/restart rounds, so later rounds replay a
// WAL whose tail an earlier kill may have torn. The rows' time window closed long ago, so the
// snapshot thread persists them to Parquet files as they arrive (every 100 ms): kills land
// before, during and after snapshots, and the rows are read back through SQL, which reads the
// files and the buffer.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/e2e/server_process.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

constexpr int kWriters = 4;
constexpr int kLinesPerRequest = 200;

// The value written for point (writer, sequence): recomputable, so read-back can check values.
int64_t ValueOf(int writer, int64_t sequence) {
  return sequence * 7 + writer;
}

TEST(CrashRecoveryTest, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--wal-max-segment-size", "256KiB", "--snapshot-check-interval", "100ms"});
  // acked[writer] = the request numbers that got 204.
  std::vector<std::set<int64_t>> acked(kWriters);
  std::vector<int64_t> next_request(kWriters, 0);
  int64_t sent_requests_upper_bound = 0;
  int64_t forced_snapshots = 0;
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed());

  for (int round = 0; round < 3; ++round) {
    server.Start();
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        auto client = server.Client();
        while (!stop.load()) {
          int64_t request;
          {
            std::lock_guard<std::mutex> lock(mu);
            request = next_request[w]++;
          }
          std::string body;
          for (int j = 0; j < kLinesPerRequest; ++j) {
            int64_t seq = request * kLinesPerRequest + j;
            body += fmt::format("points,writer=w{} value={}i,text=\"v{}\" {}\n",
                                w,
                                ValueOf(w, seq),
                                seq,
                                1'000'000'000 + seq * 1000);
          }
          auto response = client->Request("POST", "/api/v3/write_lp?db=crash&precision=ns", body);
          if (!response.ok()) {
            return;  // the server is gone
          }
          ASSERT_EQ(response->status, 204) << response->body;
          std::lock_guard<std::mutex> lock(mu);
          acked[w].insert(request);
        }
      });
    }
    // Snapshots forced over HTTP on top of the snapshot thread's.
    threads.emplace_back([&] {
      auto client = server.Client();
      while (!stop.load()) {
        auto response = client->Request("POST", "/api/v3/snapshot", "");
        if (!response.ok()) {
          return;
        }
        ASSERT_EQ(response->status, 200) << response->body;
        std::lock_guard<std::mutex> lock(mu);
        ++forced_snapshots;
      }
    });
    // A kill at a random moment: of a write, of a snapshot's steps, of a WAL trim.
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(500, 1300)(rng)));
    server.Stop(SIGKILL);
    stop = true;
    for (auto& t : threads) t.join();
  }
  for (int w = 0; w < kWriters; ++w) sent_requests_upper_bound += next_request[w];

  server.Start();
  auto client = server.Client();
  auto response = client->Request(
      "GET",
      "/api/v3/query_sql?db=crash&format=jsonl&q=SELECT%20writer%2C%20CAST(time%20AS%20BIGINT)"
      "%20AS%20time%2C%20value%2C%20text%20FROM%20points");
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->status, 200) << response->body;
  std::map<std::pair<int, int64_t>, int64_t> found;  // (writer, seq) -> value
  std::istringstream lines(response->body);
  std::string line;
  while (std::getline(lines, line)) {
    json row = json::parse(line);
    int writer = std::stoi(row["writer"].get<std::string>().substr(1));
    int64_t seq = (row["time"].get<int64_t>() - 1'000'000'000) / 1000;
    ASSERT_EQ(row["value"].get<int64_t>(), ValueOf(writer, seq)) << line;
    ASSERT_EQ(row["text"].get<std::string>(), fmt::format("v{}", seq)) << line;
    ASSERT_TRUE(found.emplace(std::make_pair(writer, seq), row["value"].get<int64_t>()).second)
        << "duplicate row " << line;
    ASSERT_LT(seq / kLinesPerRequest, next_request[static_cast<size_t>(writer)])
        << "a row that was never sent: " << line;
  }
  int64_t acked_requests = 0;
  for (int w = 0; w < kWriters; ++w) {
    acked_requests += static_cast<int64_t>(acked[w].size());
    for (int64_t request : acked[w]) {
      for (int j = 0; j < kLinesPerRequest; ++j) {
        ASSERT_TRUE(found.count({w, request * kLinesPerRequest + j}))
            << "acknowledged write lost: writer " << w << " request " << request << " line " << j;
      }
    }
  }
  // A request is one WAL record: after a crash it is there whole or not at all.
  std::map<std::pair<int, int64_t>, int> lines_per_request;
  for (const auto& [key, value] : found) {
    ++lines_per_request[{key.first, key.second / kLinesPerRequest}];
  }
  for (const auto& [request, line_count] : lines_per_request) {
    EXPECT_EQ(line_count, kLinesPerRequest)
        << "request " << request.second << " of writer " << request.first << " is torn";
  }
  // The same rows through SQL: per writer, the count and the sum of values.
  std::map<std::string, std::pair<int64_t, int64_t>> expected_by_writer;
  for (const auto& [key, value] : found) {
    auto& [count, sum] = expected_by_writer[fmt::format("w{}", key.first)];
    ++count;
    sum += value;
  }
  auto sql = client->Request(
      "GET",
      "/api/v3/query_sql?db=crash&format=jsonl&q=SELECT%20writer%2C%20count(*)%20AS%20n%2C%20"
      "sum(value)%20AS%20s%20FROM%20points%20GROUP%20BY%20writer");
  ASSERT_TRUE(sql.ok());
  ASSERT_EQ(sql->status, 200) << sql->body;
  std::map<std::string, std::pair<int64_t, int64_t>> sql_by_writer;
  std::istringstream sql_lines(sql->body);
  while (std::getline(sql_lines, line)) {
    json row = json::parse(line);
    sql_by_writer[row["writer"].get<std::string>()] = {row["n"].get<int64_t>(),
                                                       row["s"].get<int64_t>()};
  }
  EXPECT_EQ(sql_by_writer, expected_by_writer);
  EXPECT_GT(acked_requests, 10) << "the test wrote too little to mean anything";
  EXPECT_LE(static_cast<int64_t>(found.size()), sent_requests_upper_bound * kLinesPerRequest);
  int parquet_files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir.path() + "/data/objects/files")) {
    parquet_files += entry.path().extension() == ".parquet" ? 1 : 0;
  }
  // Every row is in one time window, so compaction (which the kills also interrupt) may have
  // merged its files into one.
  EXPECT_GE(parquet_files, 1) << "the snapshot thread persisted nothing: the test did not cover "
                                 "reading rows back from files";
  EXPECT_GT(forced_snapshots, 0);
  // No row is held twice (in a file and replayed into the buffer, or in two files): points are
  // never rewritten, so a scan that finds one point in two places merges it and counts it, and
  // the count must be 0. (The read-back above cannot see such doubles: the merge hides them.)
  auto explain = client->Request(
      "GET",
      "/api/v3/query_sql?db=crash&format=jsonl&q=EXPLAIN%20ANALYZE%20SELECT%20count(*)%20FROM%20"
      "points");
  ASSERT_TRUE(explain.ok());
  ASSERT_EQ(explain->status, 200) << explain->body;
  EXPECT_NE(explain->body.find("files_scanned="), std::string::npos) << explain->body;
  const size_t merged = explain->body.find("duplicate_rows_merged=");
  if (merged != std::string::npos) {
    EXPECT_EQ(explain->body.substr(merged, 23), "duplicate_rows_merged=0") << explain->body;
  }
  std::printf("acknowledged requests=%lld rows found=%zu parquet files=%d forced snapshots=%lld\n",
              static_cast<long long>(acked_requests),
              found.size(),
              parquet_files,
              static_cast<long long>(forced_snapshots));
}

}  // namespace
}  // namespace strata::e2e
