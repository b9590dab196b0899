#include "persist/file_cache.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "objectstore/in_memory_object_store.h"
#include "parquet/file_writer.h"
#include "persist/partition_encoder.h"

namespace strata::persist {
namespace {

using ::testing::HasSubstr;

// A file of `rows` rows with columns time (id 0) and value (id 7), described as table `table_id`
// unless `metadata` is false.
std::string MakeFile(int64_t rows, uint32_t table_id = 3, bool metadata = true) {
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  auto value = std::make_shared<Column>(TypeId::kFloat64);
  for (int64_t i = 0; i < rows; ++i) {
    time->AppendInt64(i);
    value->AppendFloat64(static_cast<double>(i) * 1.5);
  }
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      Field{"time", TypeId::kTimestamp, false}, Field{"value", TypeId::kFloat64, true}});
  parquet::WriterOptions options;
  options.max_row_group_rows = 1000;
  if (metadata) {
    nlohmann::json columns = nlohmann::json::array(
        {{{"name", "time"}, {"id", 0}, {"kind", "time"}, {"type", "timestamp"}},
         {{"name", "value"}, {"id", 7}, {"kind", "field"}, {"type", "float64"}}});
    options.key_value_metadata.push_back(
        parquet::KeyValue{std::string(kStrataColumnsKey),
                          nlohmann::json{{"table_id", table_id}, {"columns", columns}}.dump()});
  }
  auto writer = parquet::FileWriter::Create(schema, options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  EXPECT_TRUE((*writer)->WriteBatch(RecordBatch(schema, {time, value}, rows)).ok());
  auto bytes = (*writer)->Finish();
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return *bytes;
}

// A file of a tag column `host` (id 1), a row group per entry of `groups`, each row group that
// entry's values in turn for 100 rows.
std::string MakeTagFile(const std::vector<std::vector<std::string>>& groups) {
  auto host = std::make_shared<Column>(TypeId::kString);
  int64_t rows = 0;
  for (const std::vector<std::string>& values : groups) {
    for (int i = 0; i < 100; ++i, ++rows) {
      host->AppendString(values[static_cast<size_t>(i) % values.size()]);
    }
  }
  auto schema =
      std::make_shared<const Schema>(std::vector<Field>{Field{"host", TypeId::kString, true}});
  parquet::WriterOptions options;
  options.max_row_group_rows = 100;
  nlohmann::json columns =
      nlohmann::json::array({{{"name", "host"}, {"id", 1}, {"kind", "tag"}, {"type", "string"}}});
  options.key_value_metadata.push_back(
      parquet::KeyValue{std::string(kStrataColumnsKey),
                        nlohmann::json{{"table_id", 3}, {"columns", columns}}.dump()});
  auto writer = parquet::FileWriter::Create(schema, options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  EXPECT_TRUE((*writer)->WriteBatch(RecordBatch(schema, {host}, rows)).ok());
  auto bytes = (*writer)->Finish();
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return *bytes;
}

ParquetFileInfo Put(objectstore::InMemoryObjectStore* store,
                    const std::string& path,
                    const std::string& bytes,
                    uint32_t table_id = 3) {
  EXPECT_TRUE(store->Put(*objectstore::ObjectPath::Parse(path), bytes).ok());
  ParquetFileInfo info;
  info.table_id = table_id;
  info.path = path;
  info.size_bytes = bytes.size();
  return info;
}

TEST(ParquetFileCacheTest, KeepsFilesAndDecodedColumns) {
  objectstore::InMemoryObjectStore store;
  ParquetFileInfo info = Put(&store, "files/1/a.parquet", MakeFile(2500));
  ParquetFileCache cache(&store, 64 << 20);
  auto first = cache.Open(info);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->ColumnOf(0), 0);
  EXPECT_EQ((*first)->ColumnOf(7), 1);
  EXPECT_EQ((*first)->ColumnOf(8), -1);
  EXPECT_EQ((*first)->reader->num_row_groups(), 3);
  auto second = cache.Open(info);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(store.stats().gets, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 1u);

  auto read = cache.ReadColumns(**first, info, 1, {1});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0]->size(), 1000);
  EXPECT_EQ((*read)[0]->GetFloat64(0), 1500.0);
  const uint64_t decoded = cache.stats().decoded_bytes;
  EXPECT_GE(decoded, 8000u);
  auto again = cache.ReadColumns(**first, info, 1, {1, 0});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].get(), (*read)[0].get());  // the kept column, not decoded again
  EXPECT_EQ((*again)[1]->GetInt64(999), 1999);
  EXPECT_GT(cache.stats().decoded_bytes, decoded);
  EXPECT_EQ(cache.stats().bytes, info.size_bytes + cache.stats().decoded_bytes);
}

// Row groups and files whose dictionary pages hold the same values share one decoded
// dictionary; others keep their own. Either way every row reads back its value.
TEST(ParquetFileCacheTest, EqualDictionariesAreShared) {
  objectstore::InMemoryObjectStore store;
  const std::vector<std::string> abc = {"a", "b", "c"};
  const std::vector<std::string> cab = {"c", "a", "b"};
  ParquetFileInfo one = Put(&store, "files/1/a.parquet", MakeTagFile({abc, abc, {"d", "e"}, cab}));
  ParquetFileInfo two = Put(&store, "files/1/b.parquet", MakeTagFile({abc}));
  ParquetFileCache cache(&store, 64 << 20);
  auto first = cache.Open(one);
  auto second = cache.Open(two);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ((*first)->reader->num_row_groups(), 4);
  std::vector<ColumnPtr> hosts;
  for (int group = 0; group < 4; ++group) {
    auto read = cache.ReadColumns(**first, one, group, {0});
    ASSERT_TRUE(read.ok()) << read.status();
    hosts.push_back((*read)[0]);
  }
  const uint64_t decoded = cache.stats().decoded_bytes;
  auto other = cache.ReadColumns(**second, two, 0, {0});
  ASSERT_TRUE(other.ok()) << other.status();
  hosts.push_back((*other)[0]);
  for (const ColumnPtr& host : hosts) {
    ASSERT_EQ(host->type(), TypeId::kDictionary);
  }
  EXPECT_EQ(hosts[0]->dictionary(), hosts[1]->dictionary());
  EXPECT_EQ(hosts[0]->dictionary(), hosts[4]->dictionary());  // across files too
  EXPECT_NE(hosts[0]->dictionary(), hosts[2]->dictionary());  // other values
  EXPECT_NE(hosts[0]->dictionary(), hosts[3]->dictionary());  // the same values, in another order
  EXPECT_EQ(cache.dictionaries().shared(), 2u);
  EXPECT_EQ(hosts[1]->GetString(4), "b");
  EXPECT_EQ(hosts[2]->GetString(3), "e");
  EXPECT_EQ(hosts[3]->GetString(4), "a");
  EXPECT_EQ(hosts[4]->GetString(99), "a");
  // A file counts each dictionary it holds once.
  uint64_t columns = 0;
  for (size_t i = 0; i < 4; ++i) {
    columns += hosts[i]->MemoryUsage();
  }
  EXPECT_EQ(decoded,
            columns + hosts[0]->dictionary()->MemoryUsage() +
                hosts[2]->dictionary()->MemoryUsage() + hosts[3]->dictionary()->MemoryUsage());
  EXPECT_EQ(cache.stats().decoded_bytes - decoded,
            hosts[4]->MemoryUsage() + hosts[4]->dictionary()->MemoryUsage());
}

TEST(ParquetFileCacheTest, EvictsLeastRecentlyUsed) {
  objectstore::InMemoryObjectStore store;
  std::string bytes = MakeFile(100);
  ParquetFileInfo a = Put(&store, "files/1/a.parquet", bytes);
  ParquetFileInfo b = Put(&store, "files/1/b.parquet", bytes);
  ParquetFileInfo c = Put(&store, "files/1/c.parquet", bytes);
  ParquetFileCache cache(&store, bytes.size() * 2);
  ASSERT_TRUE(cache.Open(a).ok());
  ASSERT_TRUE(cache.Open(b).ok());
  ASSERT_TRUE(cache.Open(a).ok());  // a is now the most recent
  ASSERT_TRUE(cache.Open(c).ok());  // evicts b
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_EQ(cache.stats().files, 2u);
  ASSERT_TRUE(cache.Open(a).ok());
  EXPECT_EQ(cache.stats().hits, 2u);
  ASSERT_TRUE(cache.Open(b).ok());
  EXPECT_EQ(cache.stats().misses, 4u);
  // Decoded columns count against the capacity too: reading them evicts files.
  auto file = cache.Open(b);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(cache.ReadColumns(**file, b, 0, {0, 1}).ok());
  EXPECT_LE(cache.stats().bytes, bytes.size() * 2);
}

TEST(ParquetFileCacheTest, NothingKeptWithoutCapacity) {
  objectstore::InMemoryObjectStore store;
  ParquetFileInfo info = Put(&store, "files/1/a.parquet", MakeFile(10));
  ParquetFileCache cache(&store, 0);
  auto file = cache.Open(info);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(cache.ReadColumns(**file, info, 0, {1}).ok());
  ASSERT_TRUE(cache.Open(info).ok());
  EXPECT_EQ(store.stats().gets, 2u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(ParquetFileCacheTest, BadFilesAreDataLossNamingThePath) {
  objectstore::InMemoryObjectStore store;
  ParquetFileCache cache(&store, 1 << 20);
  ParquetFileInfo missing;
  missing.path = "files/1/missing.parquet";
  auto status = cache.Open(missing).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("files/1/missing.parquet"));

  ParquetFileInfo garbage = Put(&store, "files/1/garbage.parquet", "not a parquet file at all");
  status = cache.Open(garbage).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("files/1/garbage.parquet"));

  ParquetFileInfo foreign = Put(&store, "files/1/foreign.parquet", MakeFile(10, 3, false));
  status = cache.Open(foreign).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("no strata.columns metadata"));

  ParquetFileInfo other_table = Put(&store, "files/1/other.parquet", MakeFile(10, 4), 3);
  status = cache.Open(other_table).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("holds table 4, the index says 3"));
}

}  // namespace
}  // namespace strata::persist
