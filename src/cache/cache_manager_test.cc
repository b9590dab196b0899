#include "cache/cache_manager.h"

#include "cache/cache_test_rows.h"
#include "gtest/gtest.h"

namespace strata::cache {
namespace {

TEST(CacheManagerTest, AppliesBatchesToTheCachesOfTheirTable) {
  int64_t now = 0;
  CacheManager manager([&] { return now; });
  catalog::LastCacheDefinition last;
  last.name = "l";
  last.key_column_ids = {1};
  manager.AddLastCache(0, 2, last);
  manager.AddLastCache(0, 2, last);  // same name: kept once
  catalog::DistinctCacheDefinition distinct;
  distinct.name = "d";
  distinct.column_ids = {1};
  manager.AddDistinctCache(0, 2, distinct);

  WriteBatch batch;
  batch.database_id = 0;
  batch.tables.resize(2);
  batch.tables[0].table_id = 2;
  AddRow(&batch.tables[0], 5, {{1, std::string("a"), true}});
  batch.tables[1].table_id = 3;  // another table: no cache
  AddRow(&batch.tables[1], 5, {{1, std::string("b"), true}});
  manager.Apply(batch);

  auto lvc = manager.FindLastCache(0, 2, "l");
  ASSERT_NE(lvc, nullptr);
  EXPECT_EQ(lvc->Lookup({}, now).size(), 1u);
  auto dvc = manager.FindDistinctCache(0, 2, "d");
  ASSERT_NE(dvc, nullptr);
  EXPECT_EQ(dvc->cardinality(), 1);
  EXPECT_EQ(manager.FindLastCache(0, 3, "l"), nullptr);

  EXPECT_TRUE(manager.RemoveLastCache(0, 2, "l"));
  EXPECT_FALSE(manager.RemoveLastCache(0, 2, "l"));
  EXPECT_EQ(manager.FindLastCache(0, 2, "l"), nullptr);
  EXPECT_TRUE(manager.RemoveDistinctCache(0, 2, "d"));
  // No cache left: Apply is a no-op and the removed caches keep their state for their holders.
  manager.Apply(batch);
  EXPECT_EQ(lvc->key_count(), 1u);
}

}  // namespace
}  // namespace strata::cache
