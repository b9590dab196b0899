// Tests of the automatic cache rewrites (plan/optimizer/use_caches.cc with the providers of
// cache_table_functions.cc): a query of a table answered from a last-value or distinct-value
// cache gives the rows the same query gives without caches, EXPLAIN shows which scans read a
// cache, and the rewrite stands down when the cache cannot answer (too few rows per key, filters
// on values or upper time bounds, two series meeting at one key and time, rows without a key,
// an expired or failed cache).
#include <unistd.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/cache_fill.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path TestDir() {
  return std::filesystem::temp_directory_path() /
         fmt::format("cache_rewrite_test_{}_{}",
                     ::getpid(),
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

constexpr int64_t kBase = 1451606400;  // 2016-01-01, seconds
constexpr int64_t kSecond = 1'000'000'000;

class CacheRewriteTest : public ::testing::Test {
 protected:
  CacheRewriteTest() : node_(TestDir(), /*persist=*/true) {}

  void SetUp() override {
    // Ten hosts; each row at its own second, so no two rows tie on time. Host h3 moves from
    // region eu to us halfway (two series of one hostname). Half the rows are persisted to
    // Parquet files, the rest stay in the write buffer.
    std::mt19937 random(7);
    std::vector<std::string> lines;
    for (int i = 0; i < 400; ++i) {
      const int host = static_cast<int>(random() % 10);
      const char* region = host == 3 ? (i < 200 ? "eu" : "us") : (host % 2 == 0 ? "eu" : "us");
      lines.push_back(fmt::format("cpu,hostname=h{},region={} usage={},idle={}i {}",
                                  host,
                                  region,
                                  static_cast<int>(random() % 1000) / 10.0,
                                  random() % 100,
                                  (kBase + i) * kSecond));
      if (i == 199) {
        ASSERT_TRUE(node_.Write(absl::StrJoin(lines, "\n")).ok());
        lines.clear();
        ASSERT_TRUE(node_.Snapshot(INT64_MAX).ok());
      }
    }
    ASSERT_TRUE(node_.Write(absl::StrJoin(lines, "\n")).ok());
    ASSERT_GT(node_.Files(), 0u);
  }

  // Creates and fills the caches as the server does.
  void CreateLastCache(std::vector<std::string> keys, int64_t count) {
    auto created = node_.catalog().CreateLastCache(
        {.database = "db", .table = "cpu", .key_columns = std::move(keys), .count = count});
    ASSERT_TRUE(created.ok()) << created.status();
    auto cache = node_.caches().AddLastCache(
        created->database_id, created->table_id, created->definition, /*filled=*/false);
    ASSERT_NE(cache, nullptr);
    auto snapshot = node_.catalog().snapshot();
    auto filled = FillLastCache(node_.engine(),
                                *snapshot->DatabaseById(created->database_id),
                                *snapshot->FindTable("db", "cpu"),
                                cache.get(),
                                node_.caches().Now());
    ASSERT_TRUE(filled.ok()) << filled.status();
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

  std::string Explain(const std::string& sql) {
    auto rows = QueryRows(node_.engine(), "db", "EXPLAIN " + sql, true);
    return rows.ok() ? absl::StrJoin(*rows, "\n") : rows.status().ToString();
  }
  // Runs `sql` with and without the caches: the rows must be the same (sorted when `sort`),
  // and the plan must read a cache exactly when `cached`.
  void Check(const std::string& sql, bool cached, bool sort = false) {
    SCOPED_TRACE(sql);
    auto with = QueryRows(node_.engine(), "db", sql, true);
    auto without = QueryRows(node_.engine_without_caches(), "db", sql, true);
    ASSERT_TRUE(with.ok()) << with.status();
    ASSERT_TRUE(without.ok()) << without.status();
    ASSERT_FALSE(without->empty());
    if (sort) {
      std::sort(with->begin(), with->end());
      std::sort(without->begin(), without->end());
    }
    EXPECT_EQ(*with, *without);
    if (cached) {
      EXPECT_THAT(Explain(sql), HasSubstr("source=last_cache"));
    } else {
      EXPECT_THAT(Explain(sql), Not(HasSubstr("source=last_cache")));
    }
  }

  TestNode node_;
};

const std::string kLastpoint =
    "SELECT c.* FROM cpu c INNER JOIN (SELECT hostname, max(time) AS max_time FROM cpu GROUP BY "
    "hostname) m ON c.hostname = m.hostname AND c.time = m.max_time ORDER BY c.hostname";
const std::string kLastpointFlipped =
    "SELECT c.hostname, c.usage, m.max_time FROM (SELECT hostname, max(time) AS max_time FROM cpu "
    "GROUP BY hostname) m JOIN cpu c ON m.max_time = c.time AND m.hostname = c.hostname ORDER BY 1";

TEST_F(CacheRewriteTest, LastValueCacheAnswersLastpointAndTopN) {
  // Before any cache: nothing to rewrite.
  Check(kLastpoint, false);
  CreateLastCache({"hostname"}, 3);
  Check(kLastpoint, true);
  Check(kLastpointFlipped, true);
  // With a time lower bound on both sides, and on one.
  Check(
      "SELECT c.* FROM cpu c INNER JOIN (SELECT hostname, max(time) AS max_time FROM cpu WHERE "
      "time >= '2016-01-01T00:05:00Z' GROUP BY hostname) m ON c.hostname = m.hostname AND "
      "c.time = m.max_time WHERE c.time >= '2016-01-01T00:05:00Z' ORDER BY c.hostname",
      true);
  Check("SELECT * FROM cpu ORDER BY time DESC LIMIT 3", true);
  Check("SELECT time, usage FROM cpu WHERE hostname = 'h1' ORDER BY time DESC LIMIT 2", true);
  Check(
      "SELECT hostname, time FROM cpu WHERE hostname IN ('h1', 'h2') AND time > "
      "'2016-01-01T00:01:00Z' ORDER BY time DESC, hostname LIMIT 2 OFFSET 1",
      true);

  // What the cache cannot answer: more rows than it keeps per key, a filter on a value, an
  // upper bound on time, a sort not by newest time, other aggregates in the lastpoint side.
  Check("SELECT * FROM cpu ORDER BY time DESC LIMIT 4", false);
  Check("SELECT * FROM cpu WHERE usage > 50 ORDER BY time DESC LIMIT 2", false);
  Check("SELECT * FROM cpu WHERE time < '2016-01-01T00:03:00Z' ORDER BY time DESC LIMIT 2", false);
  Check("SELECT * FROM cpu ORDER BY time LIMIT 2", false);
  Check(
      "SELECT c.* FROM cpu c INNER JOIN (SELECT hostname, min(time) AS t FROM cpu GROUP BY "
      "hostname) m ON c.hostname = m.hostname AND c.time = m.t ORDER BY c.hostname",
      false);
  Check(
      "SELECT c.* FROM cpu c INNER JOIN (SELECT region, max(time) AS t FROM cpu GROUP BY "
      "region) m ON c.region = m.region AND c.time = m.t ORDER BY c.region",
      false);
}

TEST_F(CacheRewriteTest, FinerKeysAnswerCoarserGroups) {
  // Keyed by (hostname, region): each hostname's newest row is the newest of its series.
  CreateLastCache({"hostname", "region"}, 1);
  Check(kLastpoint, true);
  Check(
      "SELECT c.* FROM cpu c INNER JOIN (SELECT region, max(time) AS t FROM cpu GROUP BY "
      "region) m ON c.region = m.region AND c.time = m.t ORDER BY c.region",
      true);
  Check("SELECT * FROM cpu ORDER BY time DESC LIMIT 1", true);
  Check("SELECT * FROM cpu ORDER BY time DESC LIMIT 2", false);
}

TEST_F(CacheRewriteTest, StandsDownWhenTheCacheCannotKnow) {
  CreateLastCache({"hostname"}, 2);
  Check(kLastpoint, true);
  // A row without the key: the newest rows overall may be among the uncached, but the lastpoint
  // join drops the NULL group anyway.
  ASSERT_TRUE(node_.Write(fmt::format("cpu,region=eu usage=1 {}", (kBase + 1000) * kSecond)).ok());
  Check("SELECT * FROM cpu ORDER BY time DESC LIMIT 2", false);
  Check(kLastpoint, true);
  // Another series of h5 at the time of h5's newest row: the table has two rows there, the
  // cache one merged row.
  auto newest = node_.Query("SELECT max(time) FROM cpu WHERE hostname = 'h5'");
  ASSERT_TRUE(newest.ok());
  ASSERT_TRUE(
      node_.Write(fmt::format("cpu,hostname=h5,region=ap usage=7 {}", (kBase + 2000) * kSecond))
          .ok());
  ASSERT_TRUE(
      node_.Write(fmt::format("cpu,hostname=h5,region=eu usage=8 {}", (kBase + 2000) * kSecond))
          .ok());
  Check(kLastpoint, false);
}

TEST_F(CacheRewriteTest, DistinctValueCacheAnswersSelectDistinct) {
  Check("SELECT DISTINCT hostname FROM cpu ORDER BY 1", false);
  CreateDistinctCache({"region", "hostname"});
  auto distinct = [&](const std::string& sql, bool cached) {
    SCOPED_TRACE(sql);
    auto with = QueryRows(node_.engine(), "db", sql, true);
    auto without = QueryRows(node_.engine_without_caches(), "db", sql, true);
    ASSERT_TRUE(with.ok()) << with.status();
    ASSERT_TRUE(without.ok()) << without.status();
    EXPECT_EQ(*with, *without);
    EXPECT_EQ(Explain(sql).find("source=distinct_cache") != std::string::npos, cached);
  };
  distinct("SELECT DISTINCT hostname FROM cpu ORDER BY 1", true);
  distinct("SELECT DISTINCT region, hostname FROM cpu WHERE region = 'eu' ORDER BY 1, 2", true);
  distinct("SELECT hostname FROM cpu GROUP BY hostname ORDER BY 1", true);
  distinct("SELECT count(DISTINCT region) AS n FROM cpu", false);
  // Time and fields are not in the cache.
  distinct("SELECT DISTINCT hostname FROM cpu WHERE time > '2016-01-01T00:03:00Z' ORDER BY 1",
           false);
  distinct("SELECT DISTINCT hostname FROM cpu WHERE usage > 50 ORDER BY 1", false);
  distinct("SELECT hostname, count(*) FROM cpu GROUP BY hostname ORDER BY 1", false);
  // A row with neither column: the table has a NULL tuple the cache does not.
  ASSERT_TRUE(node_.Write(fmt::format("cpu usage=1 {}", (kBase + 1000) * kSecond)).ok());
  distinct("SELECT DISTINCT hostname FROM cpu ORDER BY 1", false);
}

}  // namespace
}  // namespace strata::query
