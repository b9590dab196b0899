// Tests of last_cache() and distinct_cache() through the QueryEngine: schemas, rows, errors,
// filter pushdown (same rows as the same filter applied above the scan), joins, LIMIT, and the
// system tables that list the caches.
#include "query/cache_table_functions.h"

#include <unistd.h>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path TestDir() {
  return std::filesystem::temp_directory_path() /
         fmt::format("cache_table_functions_test_{}_{}",
                     ::getpid(),
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

class CacheTableFunctionsTest : public ::testing::Test {
 protected:
  CacheTableFunctionsTest() : node_(TestDir(), /*persist=*/false) {}

  // Creates a last cache as the HTTP API does: in the catalog, then in the cache manager.
  void CreateLastCache(catalog::LastCacheRequest request) {
    request.database = "db";
    auto created = node_.catalog().CreateLastCache(request);
    ASSERT_TRUE(created.ok()) << created.status();
    node_.caches().AddLastCache(created->database_id, created->table_id, created->definition);
  }
  void CreateDistinctCache(catalog::DistinctCacheRequest request) {
    request.database = "db";
    auto created = node_.catalog().CreateDistinctCache(request);
    ASSERT_TRUE(created.ok()) << created.status();
    node_.caches().AddDistinctCache(created->database_id, created->table_id, created->definition);
  }
  std::vector<std::string> Rows(std::string_view sql) {
    auto rows = node_.Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
    return rows.ok() ? *rows : std::vector<std::string>{"error: " + rows.status().ToString()};
  }
  std::string Error(std::string_view sql) {
    auto rows = node_.Query(sql);
    return rows.ok() ? "ok" : std::string(rows.status().message());
  }
  std::string Columns(std::string_view sql) {
    SchemaPtr schema;
    auto rows = QueryRows(node_.engine(), "db", sql, true, &schema);
    if (!rows.ok()) {
      return rows.status().ToString();
    }
    std::vector<std::string> names;
    for (int i = 0; i < schema->num_fields(); ++i) {
      names.push_back(schema->field(i).name);
    }
    return absl::StrJoin(names, ",");
  }

  TestNode node_;
};

TEST_F(CacheTableFunctionsTest, LastCacheRowsAndColumnOrder) {
  ASSERT_TRUE(node_.Write("cpu,host=a,region=eu usage=1,idle=9i 10").ok());
  CreateLastCache({.table = "cpu", .count = 2});
  ASSERT_TRUE(node_
                  .Write("cpu,host=a,region=eu usage=2,idle=8i 20\n"
                         "cpu,host=a,region=eu usage=3,idle=7i 30\n"
                         "cpu,host=b,region=us usage=4 25\n"
                         "cpu,host=a,region=eu usage=0,idle=0i 5")
                  .ok());
  // Keys in key order, then the other columns in column order, time last. Rows written before
  // the cache existed are not in it; the late row at 5 does not replace newer ones.
  EXPECT_EQ(Columns("SELECT * FROM last_cache('cpu')"), "host,region,usage,idle,time");
  EXPECT_THAT(Rows("SELECT * FROM last_cache('cpu')"),
              ElementsAre("a|eu|3|7|30", "a|eu|2|8|20", "b|us|4|NULL|25"));
  // A column added later is a value column too.
  ASSERT_TRUE(node_.Write("cpu,host=b,region=us usage=5,temp=40 26").ok());
  EXPECT_THAT(Rows("SELECT host, temp, time FROM last_cache('cpu') ORDER BY host, time"),
              ElementsAre("a|NULL|20", "a|NULL|30", "b|NULL|25", "b|40|26"));
}

TEST_F(CacheTableFunctionsTest, ExplicitValueColumnsAndNonTagKeys) {
  ASSERT_TRUE(node_.Write("m,t=x code=1i,ok=true,v=1.5,s=\"p\" 1").ok());
  CreateLastCache({.table = "m",
                   .name = "by_code",
                   .key_columns = std::vector<std::string>{"code", "ok"},
                   .value_columns = std::vector<std::string>{"v"}});
  ASSERT_TRUE(node_
                  .Write("m,t=x code=1i,ok=true,v=2.5,s=\"q\" 2\n"
                         "m,t=y code=2i,ok=false,v=3.5 3")
                  .ok());
  EXPECT_EQ(Columns("SELECT * FROM last_cache('m')"), "code,ok,v,time");
  EXPECT_THAT(Rows("SELECT * FROM last_cache('m', 'by_code')"),
              ElementsAre("1|true|2.5|2", "2|false|3.5|3"));
  EXPECT_THAT(Rows("SELECT v FROM last_cache('m') WHERE code = 2 AND ok = false"),
              ElementsAre("3.5"));
}

TEST_F(CacheTableFunctionsTest, FilterPushdownMatchesTheSameFilterAboveTheScan) {
  ASSERT_TRUE(node_.Write("cpu,host=h0,region=r0 usage=0 1").ok());
  CreateLastCache({.table = "cpu", .count = 3});
  std::string lines;
  for (int i = 0; i < 60; ++i) {
    lines += fmt::format("cpu,host=h{},region=r{} usage={} {}\n", i % 7, i % 3, i, 100 + i);
  }
  ASSERT_TRUE(node_.Write(lines).ok());
  const std::vector<std::string> filters = {
      "host = 'h1'",
      "'h2' = host",
      "host IN ('h1', 'h3', 'h1', 'nope')",
      "host NOT IN ('h1', 'h3')",
      "host <> 'h4'",
      "host IN ('h1', 'h2', 'h3') AND region = 'r1'",
      "host IN ('h1', 'h2') AND host IN ('h2', 'h5')",
      "region NOT IN ('r0') AND host <> 'h6'",
      "host = 'h1' AND usage > 20",
      "host = 'h1' OR region = 'r2'",
      "host IN ('h1', NULL)",
      "host NOT IN ('h1', NULL)",
  };
  for (const std::string& filter : filters) {
    // `host || ''` is not a bare key column, so the provider leaves that filter to a Filter.
    std::string unpushed = filter;
    for (std::string_view column : {"host", "region"}) {
      std::string replaced;
      size_t at = 0;
      while (true) {
        size_t next = unpushed.find(column, at);
        if (next == std::string::npos) {
          replaced += unpushed.substr(at);
          break;
        }
        replaced += unpushed.substr(at, next - at) + "(" + std::string(column) + " || '')";
        at = next + column.size();
      }
      unpushed = replaced;
    }
    const std::string order = " ORDER BY host, region, time";
    auto pushed = Rows("SELECT * FROM last_cache('cpu') WHERE " + filter + order);
    auto above = Rows("SELECT * FROM last_cache('cpu') WHERE " + unpushed + order);
    EXPECT_EQ(pushed, above) << filter;
    EXPECT_EQ(
        pushed.empty(),
        filter.find("NULL") != std::string::npos && filter.find("NOT IN") != std::string::npos)
        << filter;
  }
  // The key conditions reach the scan; the others stay in a Filter above it.
  const std::string plan =
      node_.Analyze("SELECT * FROM last_cache('cpu') WHERE host IN ('h1', 'h2') AND usage > 1");
  // h1 and h2 have three keys of three rows each; the scan produced only those 18.
  EXPECT_THAT(plan, HasSubstr("ValuesExec: rows=18,")) << plan;
  EXPECT_THAT(plan, HasSubstr("FilterExec: last_cache.usage > 1.0")) << plan;
  EXPECT_THAT(plan, Not(HasSubstr("host IN"))) << plan;
  // Keys are (host, region): h1 has three, of three rows each.
  EXPECT_EQ(Rows("SELECT * FROM last_cache('cpu') WHERE host = 'h1'").size(), 9u);
  EXPECT_THAT(Rows("SELECT host, usage FROM last_cache('cpu') WHERE host = 'h1' AND region = 'r1' "
                   "ORDER BY usage"),
              ElementsAre("h1|1", "h1|22", "h1|43"));
}

TEST_F(CacheTableFunctionsTest, JoinsAndAggregates) {
  ASSERT_TRUE(node_.Write("cpu,host=a usage=1 1").ok());
  CreateLastCache({.table = "cpu"});
  ASSERT_TRUE(node_.Write("cpu,host=a usage=2 2\ncpu,host=b usage=3 3\ncpu,host=a usage=4 4").ok());
  EXPECT_THAT(Rows("SELECT l.host, l.usage, count(*) FROM last_cache('cpu') AS l "
                   "JOIN cpu ON cpu.host = l.host GROUP BY l.host, l.usage ORDER BY l.host"),
              ElementsAre("a|4|3", "b|3|1"));
  EXPECT_THAT(Rows("SELECT count(*) FROM last_cache('cpu')"), ElementsAre("2"));
  EXPECT_THAT(Rows("SELECT host FROM last_cache('cpu') ORDER BY usage DESC LIMIT 1"),
              ElementsAre("a"));
}

TEST_F(CacheTableFunctionsTest, NamingErrors) {
  ASSERT_TRUE(node_.Write("cpu,host=a usage=1 1\nmem,host=a used=1 1").ok());
  EXPECT_EQ(Error("SELECT * FROM last_cache('mem')"),
            "last_cache(): table 'mem' has no last cache at line 1, column 15");
  EXPECT_THAT(Error("SELECT * FROM last_cache('nope')"),
              HasSubstr("last_cache(): table 'nope' not found"));
  EXPECT_THAT(Error("SELECT * FROM last_cache(1)"), HasSubstr("takes a table name"));
  EXPECT_THAT(Error("SELECT * FROM no_such_function('cpu')"),
              HasSubstr("table function 'no_such_function' not found"));
  CreateLastCache({.table = "cpu", .name = "one"});
  CreateLastCache({.table = "cpu", .name = "two", .count = 2});
  EXPECT_THAT(Error("SELECT * FROM last_cache('cpu')"),
              HasSubstr("table 'cpu' has several last caches (one, two)"));
  EXPECT_THAT(Error("SELECT * FROM last_cache('cpu', 'three')"),
              HasSubstr("no last cache named 'three' on table 'cpu'"));
  EXPECT_EQ(Error("SELECT * FROM last_cache('cpu', 'two')"), "ok");
  EXPECT_THAT(Error("SELECT * FROM distinct_cache('cpu')"),
              HasSubstr("table 'cpu' has no distinct cache"));
}

TEST_F(CacheTableFunctionsTest, DistinctCacheRowsFiltersAndLimit) {
  ASSERT_TRUE(node_.Write("cpu,host=a,region=eu usage=1 1").ok());
  CreateDistinctCache({.table = "cpu", .columns = {"region", "host"}});
  ASSERT_TRUE(node_
                  .Write("cpu,host=b,region=us usage=1 2\n"
                         "cpu,host=a,region=us usage=1 3\n"
                         "cpu,host=c,region=eu usage=1 4\n"
                         "cpu,host=a,region=us usage=2 5\n"
                         "cpu,host=d usage=2 6")
                  .ok());
  EXPECT_EQ(Columns("SELECT * FROM distinct_cache('cpu')"), "region,host");
  EXPECT_THAT(Rows("SELECT * FROM distinct_cache('cpu')"),
              ElementsAre("NULL|d", "eu|c", "us|a", "us|b"));
  EXPECT_THAT(Rows("SELECT host FROM distinct_cache('cpu') WHERE region = 'us'"),
              ElementsAre("a", "b"));
  EXPECT_THAT(Rows("SELECT * FROM distinct_cache('cpu') WHERE host NOT IN ('a', 'c')"),
              ElementsAre("NULL|d", "us|b"));
  EXPECT_THAT(Rows("SELECT * FROM distinct_cache('cpu') LIMIT 2"), ElementsAre("NULL|d", "eu|c"));
  EXPECT_THAT(Rows("SELECT count(*) FROM distinct_cache('cpu') WHERE region IS NOT NULL"),
              ElementsAre("3"));
}

TEST_F(CacheTableFunctionsTest, SystemTablesListTheCaches) {
  ASSERT_TRUE(node_.Write("cpu,host=a,region=eu usage=1,idle=2 1").ok());
  CreateLastCache({.table = "cpu", .ttl_seconds = 60});
  CreateLastCache({.table = "cpu",
                   .name = "explicit",
                   .key_columns = std::vector<std::string>{"host"},
                   .value_columns = std::vector<std::string>{"idle"},
                   .count = 5});
  CreateDistinctCache({.table = "cpu", .columns = {"region", "host"}, .max_cardinality = 10});
  EXPECT_THAT(Rows("SELECT * FROM system.last_caches"),
              ElementsAre("cpu|cpu_host_region_last_cache|[1, 2]|[host, region]|[3, 4]|"
                          "[usage, idle]|1|60",
                          "cpu|explicit|[1]|[host]|[4]|[idle]|5|14400"));
  EXPECT_THAT(Rows("SELECT * FROM system.distinct_caches"),
              ElementsAre("cpu|cpu_region_host_distinct_cache|[2, 1]|[region, host]|10|86400"));
  EXPECT_THAT(Rows("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                   "'system' ORDER BY table_name"),
              testing::IsSupersetOf({"distinct_caches", "last_caches"}));
}

}  // namespace
}  // namespace strata::query
