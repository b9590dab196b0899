// Tests of cache definitions in the catalog: defaults, validation, identical and conflicting
// creation, deletion, persistence across a reload and corrupt definitions in the file.
#include "catalog/cache_definitions.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

using ::testing::HasSubstr;

class CacheDefinitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/cache_definitions_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    catalog_ = Open();
    CatalogChanges changes;
    changes.databases.push_back(
        DatabaseChange{"db",
                       {TableChange{"cpu",
                                    {{"host", ColumnKind::kTag, TypeId::kDictionary},
                                     {"region", ColumnKind::kTag, TypeId::kDictionary},
                                     {"usage", ColumnKind::kField, TypeId::kFloat64},
                                     {"note", ColumnKind::kField, TypeId::kString},
                                     {"n", ColumnKind::kField, TypeId::kInt64}}}}});
    ASSERT_TRUE(catalog_->Apply(changes).ok());
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<Catalog> Open() {
    auto catalog = Catalog::Open(directory_, {});
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }
  std::string Error(const LastCacheRequest& request) {
    auto created = catalog_->CreateLastCache(request);
    return created.ok() ? "ok" : std::string(created.status().message());
  }
  std::string Error(const DistinctCacheRequest& request) {
    auto created = catalog_->CreateDistinctCache(request);
    return created.ok() ? "ok" : std::string(created.status().message());
  }

  std::string directory_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CacheDefinitionsTest, LastCacheDefaults) {
  auto created = catalog_->CreateLastCache({.database = "db", .table = "cpu"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->created);
  const LastCacheDefinition& d = created->definition;
  EXPECT_EQ(d.name, "cpu_host_region_last_cache");
  EXPECT_EQ(d.key_column_ids, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(d.all_value_columns);
  EXPECT_EQ(d.count, 1);
  EXPECT_EQ(d.ttl_seconds, 4 * 3600);
}

TEST_F(CacheDefinitionsTest, ExplicitValueColumnsAlwaysIncludeTime) {
  LastCacheRequest request{.database = "db", .table = "cpu", .name = "x"};
  request.key_columns = std::vector<std::string>{"host"};
  request.value_columns = std::vector<std::string>{"usage"};
  auto created = catalog_->CreateLastCache(request);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->definition.all_value_columns);
  EXPECT_EQ(created->definition.value_column_ids, (std::vector<uint32_t>{3, 0}));
}

TEST_F(CacheDefinitionsTest, IdenticalIsANoOpAndDifferentIsAnError) {
  LastCacheRequest request{.database = "db", .table = "cpu", .count = 3};
  auto first = catalog_->CreateLastCache(request);
  ASSERT_TRUE(first.ok());
  uint64_t sequence = catalog_->snapshot()->sequence();
  auto again = catalog_->CreateLastCache(request);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(catalog_->snapshot()->sequence(), sequence);
  request.count = 4;
  EXPECT_EQ(Error(request),
            "a last cache named 'cpu_host_region_last_cache' already exists on table 'cpu' with "
            "a different configuration");
}

TEST_F(CacheDefinitionsTest, ErrorsNameTheOffendingColumnOrValue) {
  EXPECT_EQ(Error(LastCacheRequest{.database = "nope", .table = "cpu"}),
            "database 'nope' not found");
  EXPECT_EQ(Error(LastCacheRequest{.database = "db", .table = "mem"}),
            "table 'mem' not found in database 'db'");
  EXPECT_EQ(Error(LastCacheRequest{
                .database = "db", .table = "cpu", .key_columns = std::vector<std::string>{"hst"}}),
            "key column 'hst' not found in table 'cpu'");
  EXPECT_THAT(
      Error(LastCacheRequest{
          .database = "db", .table = "cpu", .key_columns = std::vector<std::string>{"usage"}}),
      HasSubstr("key column 'usage' has type float"));
  EXPECT_EQ(Error(LastCacheRequest{.database = "db",
                                   .table = "cpu",
                                   .key_columns = std::vector<std::string>{"host"},
                                   .value_columns = std::vector<std::string>{"host"}}),
            "column 'host' cannot be both a key column and a value column");
  EXPECT_THAT(Error(LastCacheRequest{.database = "db", .table = "cpu", .count = 11}),
              HasSubstr("count 11 is out of range"));
  EXPECT_THAT(Error(LastCacheRequest{.database = "db", .table = "cpu", .count = 0}),
              HasSubstr("count 0 is out of range"));
  EXPECT_THAT(Error(LastCacheRequest{.database = "db", .table = "cpu", .ttl_seconds = 0}),
              HasSubstr("ttl 0 is not positive"));
  EXPECT_EQ(Error(DistinctCacheRequest{.database = "db", .table = "cpu"}),
            "a distinct cache needs at least one column");
  EXPECT_THAT(Error(DistinctCacheRequest{.database = "db", .table = "cpu", .columns = {"n"}}),
              HasSubstr("column 'n' has type integer"));
  EXPECT_EQ(
      Error(DistinctCacheRequest{.database = "db", .table = "cpu", .columns = {"host", "host"}}),
      "column 'host' is listed twice");
  EXPECT_THAT(Error(DistinctCacheRequest{
                  .database = "db", .table = "cpu", .columns = {"host"}, .max_cardinality = 0}),
              HasSubstr("max_cardinality 0 is out of range"));
}

TEST_F(CacheDefinitionsTest, DefinitionsPersistAndSurviveColumnAdditions) {
  LastCacheRequest last{.database = "db", .table = "cpu", .count = 2, .ttl_seconds = 60};
  last.value_columns = std::vector<std::string>{"usage", "note"};
  ASSERT_TRUE(catalog_->CreateLastCache(last).ok());
  ASSERT_TRUE(catalog_
                  ->CreateDistinctCache(
                      {.database = "db", .table = "cpu", .columns = {"region", "host", "note"}})
                  .ok());
  CatalogChanges more;
  more.databases.push_back(
      DatabaseChange{"db", {TableChange{"cpu", {{"x", ColumnKind::kField, TypeId::kBool}}}}});
  ASSERT_TRUE(catalog_->Apply(more).ok());
  const TableCaches expected = catalog_->snapshot()->FindTable("db", "cpu")->caches();
  ASSERT_EQ(expected.last_caches.size(), 1u);
  ASSERT_EQ(expected.distinct_caches.size(), 1u);
  EXPECT_EQ(expected.distinct_caches[0].name, "cpu_region_host_note_distinct_cache");

  catalog_ = Open();
  EXPECT_EQ(catalog_->snapshot()->FindTable("db", "cpu")->caches(), expected);

  auto deleted = catalog_->DeleteLastCache("db", "cpu", expected.last_caches[0].name);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(catalog_->DeleteLastCache("db", "cpu", "nope").status().message(),
            "last cache 'nope' not found on table 'cpu'");
  EXPECT_EQ(catalog_->DeleteDistinctCache("db", "cpu", "nope").status().code(),
            absl::StatusCode::kNotFound);
  catalog_ = Open();
  EXPECT_TRUE(catalog_->snapshot()->FindTable("db", "cpu")->caches().last_caches.empty());
  EXPECT_EQ(catalog_->snapshot()->FindTable("db", "cpu")->caches().distinct_caches.size(), 1u);
}

TEST_F(CacheDefinitionsTest, CorruptDefinitionIsAStartupError) {
  ASSERT_TRUE(catalog_->CreateLastCache({.database = "db", .table = "cpu"}).ok());
  catalog_.reset();
  std::string path = directory_ + "/" + std::string(Catalog::kFileName);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::string content = text.str();
  size_t at = content.find("\"key_column_ids\"");
  ASSERT_NE(at, std::string::npos);
  size_t open = content.find('[', at);
  content.insert(open + 1, "99,");
  std::ofstream(path, std::ios::trunc) << content;
  auto reopened = Catalog::Open(directory_, {});
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(reopened.status().message()), HasSubstr("bad key column id 99"));
}

}  // namespace
}  // namespace strata::catalog
