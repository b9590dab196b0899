// Persistence end to end: the snapshot endpoint and `strata snapshot`, queries over Parquet files
// and the buffer together, restarts that read the files and replay only what the WAL still
// holds, late rows for persisted windows, the background snapshot thread, memory pressure, the
// in-memory object store and the serve flags of persistence.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/e2e/server_process.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

// 2024-01-01T00:00:00Z in ns; the windows of the tests are long closed.
constexpr int64_t kBase = 1'704'067'200'000'000'000;
constexpr int64_t kMinute = 60'000'000'000;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Write(server::HttpClient& client, const std::string& db, const std::string& body) {
  auto response = client.Request("POST", "/api/v3/write_lp?db=" + db + "&precision=ns", body);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status, 204) << response->body;
}

// The result of a query as JSON (an array of objects).
json Query(server::HttpClient& client, const std::string& db, const std::string& sql) {
  auto response = client.Request(
      "GET",
      fmt::format("/api/v3/query_sql?db={}&q={}", server::UrlEncode(db), server::UrlEncode(sql)));
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) {
    return json();
  }
  EXPECT_EQ(response->status, 200) << sql << "\n" << response->body;
  return json::parse(response->body, nullptr, false);
}

json Snapshot(server::HttpClient& client) {
  auto response = client.Request("POST", "/api/v3/snapshot");
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) {
    return json();
  }
  EXPECT_EQ(response->status, 200) << response->body;
  return json::parse(response->body, nullptr, false);
}

// Rows the write buffer holds for a table (GET /api/v3/debug/buffer).
int64_t BufferedRows(server::HttpClient& client, const std::string& db, const std::string& table) {
  auto response = client.Request("GET", "/api/v3/debug/buffer?db=" + db);
  EXPECT_TRUE(response.ok() && response->status == 200);
  if (!response.ok()) {
    return -1;
  }
  json buffer = json::parse(response->body);
  for (const auto& database : buffer["databases"]) {
    for (const auto& entry : database["tables"]) {
      if (entry["name"] == table) {
        return entry["rows"].get<int64_t>();
      }
    }
  }
  return 0;
}

// Files below `directory` (recursively) whose names end with `extension`.
int CountFiles(const std::string& directory, const std::string& extension) {
  int count = 0;
  std::error_code ec;
  if (!std::filesystem::exists(directory, ec)) {
    return 0;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    count += entry.is_regular_file() && entry.path().extension() == extension ? 1 : 0;
  }
  return count;
}

// Runs a shell command; returns its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (pipe != nullptr && fgets(buf, sizeof(buf), pipe) != nullptr) {
    output += buf;
  }
  int status = pipe == nullptr ? -1 : pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Waits up to 15 s for `done`.
template <typename Condition>
bool Eventually(Condition done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// One request per ten-minute window: `hosts` series, one row a minute, v = minute * 10 + host.
// Returns the sum of v.
int64_t WriteWindows(server::HttpClient& client, int windows, int hosts) {
  int64_t sum = 0;
  for (int w = 0; w < windows; ++w) {
    std::string body;
    for (int minute = w * 10; minute < w * 10 + 10; ++minute) {
      for (int h = 0; h < hosts; ++h) {
        body +=
            fmt::format("cpu,host=h{} v={}i {}\n", h, minute * 10 + h, kBase + minute * kMinute);
        sum += minute * 10 + h;
      }
    }
    Write(client, "snap", body);
  }
  return sum;
}

TEST(SnapshotTest, SnapshotPersistsEverythingAndQueriesReadTheFiles) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ServerProcess server(data, {"--snapshot-check-interval", "0"});
  server.Start();
  auto client = server.Client();
  const int64_t sum = WriteWindows(*client, 3, 10);  // WAL records 1-3
  Write(*client, "snap", "mem,host=h0 used=1.5 " + std::to_string(kBase) + "\n");  // record 4
  const json expected = json::parse(fmt::format(R"([{{"n":300,"s":{}}}])", sum));
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"), expected);

  json summary = Snapshot(*client);
  EXPECT_EQ(summary["sequence"], 1);
  EXPECT_EQ(summary["files"], 4);  // three windows of cpu, one of mem
  EXPECT_EQ(summary["rows"], 301);
  EXPECT_GT(summary["bytes"].get<int64_t>(), 0);
  EXPECT_EQ(summary["wal_removed_through"], 4);
  EXPECT_EQ(CountFiles(data + "/objects/files/00000000000000000001", ".parquet"), 4);
  EXPECT_TRUE(std::filesystem::exists(data + "/objects/snapshots/00000000000000000001.json"));

  // The buffer is empty: the answers come from the files.
  EXPECT_EQ(BufferedRows(*client, "snap", "cpu"), 0);
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"), expected);
  EXPECT_EQ(Query(*client,
                  "snap",
                  "SELECT count(*) AS n FROM cpu WHERE host = 'h3' AND time >= "
                  "'2024-01-01T00:10:00Z'"),
            json::parse(R"([{"n":20}])"));
  EXPECT_EQ(Query(*client, "snap", "SELECT host, used FROM mem"),
            json::parse(R"([{"host":"h0","used":1.5}])"));

  // Nothing left to persist.
  summary = Snapshot(*client);
  EXPECT_EQ(summary["sequence"], 0);
  EXPECT_EQ(summary["files"], 0);
  EXPECT_EQ(summary["rows"], 0);

  auto get = client->Request("GET", "/api/v3/snapshot");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405);
  bool allow_post = false;
  for (const auto& [name, value] : get->headers) allow_post |= name == "Allow" && value == "POST";
  EXPECT_TRUE(allow_post);

  // The CLI asks for the same.
  Write(*client, "snap", fmt::format("cpu,host=h0 v=1i {}\n", kBase + 100 * kMinute));
  auto [status, output] =
      RunCommand(fmt::format("{} snapshot --host {}", STRATA_BINARY, server.url()));
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output.rfind("snapshot 2: 1 row in 1 file, ", 0), 0u) << output;
  EXPECT_NE(output.find("WAL records through 5 removed"), std::string::npos) << output;
  std::tie(status, output) =
      RunCommand(fmt::format("{} snapshot --host {}", STRATA_BINARY, server.url()));
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "nothing to persist: the write buffer holds no rows\n");
}

TEST(SnapshotTest, RestartReadsTheFilesAndTheWalDropsWhatIsPersisted) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ServerProcess server(data, {"--snapshot-check-interval", "0", "--wal-max-segment-size", "4KiB"});
  server.Start();
  auto client = server.Client();
  int64_t sum = 0;
  for (int i = 0; i < 10; ++i) {
    sum += WriteWindows(*client, 2, 20);
  }
  // Ten identical rounds: the later write of a point wins, so the sum is that of one round.
  sum /= 10;
  const json expected = json::parse(fmt::format(R"([{{"n":400,"s":{}}}])", sum));
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"), expected);
  const int segments_before = CountFiles(data + "/wal", ".wal");
  EXPECT_GE(segments_before, 3) << "the test needs several WAL segments";

  json summary = Snapshot(*client);
  EXPECT_EQ(summary["files"], 2);
  EXPECT_EQ(summary["rows"], 400);
  EXPECT_EQ(summary["wal_removed_through"], 20);
  EXPECT_EQ(CountFiles(data + "/wal", ".wal"), 1) << "only the active segment is left";

  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();
  server.Start();
  client = server.Client();
  EXPECT_EQ(BufferedRows(*client, "snap", "cpu"), 0) << "persisted rows were replayed";
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"), expected);
  EXPECT_NE(server.Log().find("file index loaded"), std::string::npos);
  EXPECT_NE(server.Log().find("last_snapshot=1 files=2"), std::string::npos) << server.Log();

  // After a kill -9, rows only in the WAL are replayed, and the files are read as before.
  Write(*client, "snap", fmt::format("cpu,host=new v=1000i {}\n", kBase));
  server.Stop(SIGKILL);
  server.Start();
  client = server.Client();
  EXPECT_EQ(BufferedRows(*client, "snap", "cpu"), 1);
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"),
            json::parse(fmt::format(R"([{{"n":401,"s":{}}}])", sum + 1000)));
}

TEST(SnapshotTest, LateWritesForAPersistedWindowAreNotCountedTwice) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data", {"--snapshot-check-interval", "0"});
  server.Start();
  auto client = server.Client();
  // 100 points of one window, v=1.
  std::string body;
  for (int h = 0; h < 10; ++h) {
    for (int t = 0; t < 10; ++t) {
      body += fmt::format("cpu,host=h{} v=1i {}\n", h, kBase + t * kMinute / 10);
    }
  }
  Write(*client, "late", body);
  EXPECT_EQ(Snapshot(*client)["rows"], 100);

  // Later: 50 of those points again with v=2 (the later write wins), 30 new points with v=3.
  body.clear();
  for (int h = 0; h < 5; ++h) {
    for (int t = 0; t < 10; ++t) {
      body += fmt::format("cpu,host=h{} v=2i {}\n", h, kBase + t * kMinute / 10);
    }
  }
  for (int h = 0; h < 3; ++h) {
    for (int t = 0; t < 10; ++t) {
      body += fmt::format("cpu,host=x{} v=3i {}\n", h, kBase + t * kMinute / 10 + 1);
    }
  }
  Write(*client, "late", body);
  const json expected = json::parse(R"([{"n":130,"s":240}])");  // 50*1 + 50*2 + 30*3
  const std::string sql = "SELECT count(*) AS n, sum(v) AS s FROM cpu";
  EXPECT_EQ(Query(*client, "late", sql), expected) << "one file and the buffer";
  EXPECT_EQ(
      Query(
          *client, "late", "SELECT v FROM cpu WHERE host = 'h0' AND time = '2024-01-01T00:00:00Z'"),
      json::parse(R"([{"v":2}])"));

  json summary = Snapshot(*client);
  EXPECT_EQ(summary["sequence"], 2);
  EXPECT_EQ(summary["files"], 1);
  EXPECT_EQ(summary["rows"], 80);
  EXPECT_EQ(Query(*client, "late", sql), expected) << "two files of one window";

  // A third write after the second snapshot stays in the WAL and the buffer; a kill -9 and a
  // restart replay it, and nothing persisted is replayed again.
  Write(*client, "late", fmt::format("cpu,host=h9 v=5i {}\n", kBase));  // was 1
  server.Stop(SIGKILL);
  server.Start();
  client = server.Client();
  EXPECT_EQ(BufferedRows(*client, "late", "cpu"), 1);
  EXPECT_EQ(Query(*client, "late", sql), json::parse(R"([{"n":130,"s":244}])"));
  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();
  server.Start();
  client = server.Client();
  EXPECT_EQ(Query(*client, "late", sql), json::parse(R"([{"n":130,"s":244}])"));
}

TEST(SnapshotTest, ClosedWindowsArePersistedInTheBackground) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ServerProcess server(data, {"--snapshot-check-interval", "100ms"});
  server.Start();
  auto client = server.Client();
  const int64_t sum = WriteWindows(*client, 2, 5);
  // A row of the current window: it stays in the buffer for the whole window and ten minutes.
  Write(*client, "snap", fmt::format("cpu,host=now v=7i {}\n", NowNs()));
  ASSERT_TRUE(Eventually([&] { return BufferedRows(*client, "snap", "cpu") == 1; }))
      << server.Log();
  EXPECT_EQ(CountFiles(data + "/objects/files", ".parquet"), 2);
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"),
            json::parse(fmt::format(R"([{{"n":101,"s":{}}}])", sum + 7)));
  EXPECT_NE(server.Log().find("reason=\"windows closed\""), std::string::npos) << server.Log();
}

// A window written by several snapshots ends up as one file: the snapshot thread compacts it
// when it has nothing to persist, the replaced files are deleted, and answers do not change,
// before or after a restart. With --disable-compaction the files stay.
TEST(SnapshotTest, TheSnapshotThreadCompactsAWindowsFiles) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ServerProcess server(data, {"--snapshot-check-interval", "100ms"});
  server.Start();
  auto client = server.Client();
  auto body = [](int hosts, int value, int64_t offset) {
    std::string lines;
    for (int h = 0; h < hosts; ++h) {
      for (int t = 0; t < 10; ++t) {
        lines += fmt::format("cpu,host=h{} v={}i {}\n", h, value, kBase + t * kMinute + offset);
      }
    }
    return lines;
  };
  // 100 points, then 50 of them again (v=2) and 30 new ones (v=3), each persisted on its own.
  Write(*client, "compact", body(10, 1, 0));
  Snapshot(*client);
  Write(*client, "compact", body(5, 2, 0));
  Snapshot(*client);
  Write(*client, "compact", body(3, 3, 1));
  Snapshot(*client);
  const std::string sql = "SELECT count(*) AS n, sum(v) AS s FROM cpu";
  const json expected = json::parse(R"([{"n":130,"s":240}])");  // 50*1 + 50*2 + 30*3
  const std::string files_sql = "SELECT count(*) AS files FROM system.parquet_files";
  ASSERT_TRUE(Eventually([&] {
    return Query(*client, "compact", files_sql) == json::parse(R"([{"files":1}])") &&
           CountFiles(data + "/objects/files", ".parquet") == 1 &&
           server.Log().find("compaction sequence=") != std::string::npos;
  })) << server.Log();
  EXPECT_EQ(Query(*client, "compact", sql), expected);

  server.Stop(SIGKILL);
  server.Start();
  client = server.Client();
  EXPECT_EQ(Query(*client, "compact", sql), expected);
  EXPECT_EQ(CountFiles(data + "/objects/files", ".parquet"), 1);
  ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();

  TempDir off_dir;
  const std::string off_data = off_dir.path() + "/data";
  ServerProcess off(off_data, {"--snapshot-check-interval", "100ms", "--disable-compaction"});
  off.Start();
  client = off.Client();
  Write(*client, "compact", body(10, 1, 0));
  Snapshot(*client);
  Write(*client, "compact", body(5, 2, 0));
  Snapshot(*client);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CountFiles(off_data + "/objects/files", ".parquet"), 2);
  EXPECT_EQ(Query(*client, "compact", sql), json::parse(R"([{"n":100,"s":150}])"));
}

TEST(SnapshotTest, PartitionDurationIsAnAliasOfGen1Duration) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--snapshot-check-interval", "0", "--partition-duration", "5m"});
  server.Start();
  auto client = server.Client();
  WriteWindows(*client, 1, 2);  // ten minutes of rows: two five-minute windows
  EXPECT_EQ(Snapshot(*client)["files"], 2);
}

TEST(SnapshotTest, QueryFileLimitRefusesScansOfMoreFiles) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {"--snapshot-check-interval", "0", "--query-file-limit", "1"});
  server.Start();
  auto client = server.Client();
  WriteWindows(*client, 2, 2);
  EXPECT_EQ(Snapshot(*client)["files"], 2);
  auto response = client->Request(
      "GET", "/api/v3/query_sql?db=snap&q=" + server::UrlEncode("SELECT count(*) FROM cpu"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 400) << response->body;
  EXPECT_NE(response->body.find("--query-file-limit"), std::string::npos) << response->body;
  EXPECT_EQ(
      Query(*client, "snap", "SELECT count(*) AS n FROM cpu WHERE time < '2024-01-01T00:10:00Z'"),
      json::parse(R"([{"n":20}])"));
}

TEST(SnapshotTest, MemoryPressurePersistsInsteadOfRefusingWrites) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  // No periodic snapshots: only the memory limit makes the server persist.
  ServerProcess server(data, {"--write-buffer-limit", "4MiB", "--snapshot-check-interval", "0"});
  server.Start();
  auto client = server.Client();
  const int64_t start = NowNs();
  int64_t sum = 0;
  constexpr int kRequests = 200;
  constexpr int kLines = 1000;
  for (int i = 0; i < kRequests; ++i) {
    std::string body;
    for (int j = 0; j < kLines; ++j) {
      body += fmt::format("cpu,host=h{} v={}i,s=\"{}\" {}\n",
                          j % 100,
                          j,
                          std::string(40, 'x'),
                          start + int64_t{i} * kLines + j);
      sum += j;
    }
    auto response = client->Request("POST", "/api/v3/write_lp?db=pressure&precision=ns", body);
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->status, 204) << "request " << i << ": " << response->body;
  }
  EXPECT_GT(CountFiles(data + "/objects/files", ".parquet"), 0);
  EXPECT_NE(server.Log().find("reason=\"memory pressure\""), std::string::npos) << server.Log();
  EXPECT_EQ(Query(*client, "pressure", "SELECT count(*) AS n, sum(v) AS s FROM cpu"),
            json::parse(fmt::format(R"([{{"n":{},"s":{}}}])", kRequests * kLines, sum)));
}

TEST(SnapshotTest, InMemoryObjectStoreServes) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ServerProcess server(data, {"--object-store", "memory", "--snapshot-check-interval", "0"});
  server.Start();
  auto client = server.Client();
  const int64_t sum = WriteWindows(*client, 2, 3);
  EXPECT_EQ(Snapshot(*client)["rows"], 60);
  EXPECT_EQ(BufferedRows(*client, "snap", "cpu"), 0);
  EXPECT_EQ(Query(*client, "snap", "SELECT count(*) AS n, sum(v) AS s FROM cpu"),
            json::parse(fmt::format(R"([{{"n":60,"s":{}}}])", sum)));
  EXPECT_FALSE(std::filesystem::exists(data + "/objects"));
  EXPECT_NE(server.Log().find("lost when the server exits"), std::string::npos) << server.Log();
}

TEST(SnapshotTest, TheEndpointNeedsTheTokenWhenOneIsSet) {
  TempDir dir;
  ServerProcess server(dir.path() + "/data",
                       {kWithAuth, "--auth-token", "s3cret", "--snapshot-check-interval", "0"});
  server.Start();
  auto client = server.Client();
  auto denied = client->Request("POST", "/api/v3/snapshot");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 401);
  auto allowed =
      client->Request("POST", "/api/v3/snapshot", "", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 200) << allowed->body;

  auto [status, output] =
      RunCommand(fmt::format("{} snapshot --host {}", STRATA_BINARY, server.url()));
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("server answered 401"), std::string::npos) << output;
  std::tie(status, output) =
      RunCommand(fmt::format("{} snapshot --host {} --token s3cret", STRATA_BINARY, server.url()));
  EXPECT_EQ(status, 0) << output;
}

TEST(ServeFlagsTest, InvalidPersistenceFlagsAreRefusedClearly) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"--object-store s3", "--object-store must be 'file'"},
      {"--gen1-duration 0", "--gen1-duration (--partition-duration) must be positive"},
      {"--partition-duration 0s", "--gen1-duration (--partition-duration) must be positive"},
      {"--parquet-mem-cache-size 200%", "--parquet-mem-cache-size: invalid memory size '200%'"},
      {"--snapshot-check-interval soon", "--snapshot-check-interval: invalid duration 'soon'"},
      {"--query-file-limit -3", "--query-file-limit must be 0 (no limit) or positive"},
  };
  for (const auto& [flags, message] : cases) {
    auto [status, output] =
        RunCommand(fmt::format("timeout 20 {} serve --data-dir {}/data --http-bind 127.0.0.1:0 {}",
                               STRATA_BINARY,
                               dir.path(),
                               flags));
    EXPECT_NE(status, 0) << flags << ": " << output;
    EXPECT_NE(output.find(message), std::string::npos) << flags << ": " << output;
  }
}

}  // namespace
}  // namespace strata::e2e
