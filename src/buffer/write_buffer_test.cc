#include "buffer/write_buffer.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::buffer {
namespace {

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kTenMinutes = 10 * kMinute;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Column ids used by the tests: tags 1-3, fields 10-15.
constexpr uint32_t kHost = 1;
constexpr uint32_t kRegion = 2;
constexpr uint32_t kRack = 3;
constexpr uint32_t kUsage = 10;  // float
constexpr uint32_t kCount = 11;  // int64
constexpr uint32_t kBytes = 12;  // uint64
constexpr uint32_t kUp = 13;     // bool
constexpr uint32_t kNote = 14;   // string
constexpr uint32_t kExtra = 15;  // int64, appears late

// One materialized row: time and every non-null value, formatted with a type prefix.
struct Row {
  int64_t time;
  std::map<uint32_t, std::string> values;
  bool operator<(const Row& other) const {
    return std::tie(time, values) < std::tie(other.time, other.values);
  }
};

std::string FormatValue(const Column& column, int64_t i) {
  switch (column.type()) {
    case TypeId::kInt64:
      return fmt::format("i:{}", column.GetInt64(i));
    case TypeId::kUInt64:
      return fmt::format("u:{}", column.GetUInt64(i));
    case TypeId::kFloat64:
      return fmt::format("f:{}", column.GetFloat64(i));
    case TypeId::kBool:
      return column.GetBool(i) ? "b:true" : "b:false";
    case TypeId::kString:
      return fmt::format("s:{}", column.GetString(i));
    case TypeId::kDictionary:
      return fmt::format("t:{}", column.GetString(i));
    case TypeId::kTimestamp:
      return fmt::format("ts:{}", column.GetInt64(i));
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return "?";
}

std::vector<Row> RowsOf(const std::vector<ChunkSnapshotPtr>& chunks) {
  std::vector<Row> rows;
  for (const ChunkSnapshotPtr& chunk : chunks) {
    EXPECT_EQ(chunk->time_column()->size(), chunk->row_count());
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      Row row{chunk->time_column()->GetInt64(i), {}};
      for (const ChunkColumnSnapshot& column : chunk->columns()) {
        EXPECT_EQ(column.column->size(), chunk->row_count());
        if (column.column->IsValid(i)) {
          row.values[column.column_id] = FormatValue(*column.column, i);
        }
      }
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<Row> TableRows(const WriteBuffer& buffer, uint32_t table = 1) {
  return RowsOf(buffer.SnapshotTable(0, table));
}

WriteBufferOptions SmallChunks(int64_t rows) {
  WriteBufferOptions options;
  options.max_chunk_rows = rows;
  return options;
}

void ApplyRows(WriteBuffer* buffer, TableWriteBuilder* rows, uint64_t sequence = 0) {
  std::vector<TableWrite> tables;
  tables.push_back(rows->Build());
  buffer->Apply(MakeWriteBatch(0, std::move(tables)), sequence);
}

TEST(PartitionStartTest, FloorsTowardNegativeInfinity) {
  EXPECT_EQ(TableBuffer::PartitionStart(0, kTenMinutes), 0);
  EXPECT_EQ(TableBuffer::PartitionStart(kTenMinutes - 1, kTenMinutes), 0);
  EXPECT_EQ(TableBuffer::PartitionStart(kTenMinutes, kTenMinutes), kTenMinutes);
  EXPECT_EQ(TableBuffer::PartitionStart(-1, kTenMinutes), -kTenMinutes);
  EXPECT_EQ(TableBuffer::PartitionStart(-kTenMinutes, kTenMinutes), -kTenMinutes);
  EXPECT_EQ(TableBuffer::PartitionStart(-kTenMinutes - 1, kTenMinutes), -2 * kTenMinutes);
  EXPECT_EQ(TableBuffer::PartitionStart(-7, 5), -10);
  EXPECT_EQ(TableBuffer::PartitionStart(7, 5), 5);
  // The lowest partition would start below INT64_MIN: it is clamped.
  EXPECT_EQ(TableBuffer::PartitionStart(kMin, kTenMinutes), kMin);
  EXPECT_EQ(TableBuffer::PartitionStart(kMax, kTenMinutes), kMax - kMax % kTenMinutes);
  EXPECT_EQ(TableBuffer::PartitionStart(kMax, 1), kMax);
  EXPECT_EQ(TableBuffer::PartitionStart(kMin, 1), kMin);
}

TEST(WriteBufferTest, RowsGoToTheirTimePartitions) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  const int64_t times[] = {0,
                           kTenMinutes - 1,
                           kTenMinutes,
                           -1,
                           -kTenMinutes,
                           -kTenMinutes - 1,
                           kMin,
                           kMin + 1,
                           kMax,
                           kMax - 1};
  for (int64_t t : times) {
    rows.Row(t).Tag(kHost, "a").Int64(kCount, 1);
  }
  ApplyRows(&buffer, &rows);

  std::map<int64_t, std::vector<int64_t>> times_by_partition;
  for (const ChunkSnapshotPtr& chunk : buffer.SnapshotTable(0, 1)) {
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      int64_t t = chunk->time_column()->GetInt64(i);
      times_by_partition[chunk->partition_start()].push_back(t);
      EXPECT_GE(t, chunk->partition_start());
      EXPECT_LE(static_cast<__int128>(t),
                static_cast<__int128>(chunk->partition_start()) + kTenMinutes - 1);
    }
  }
  std::map<int64_t, std::vector<int64_t>> expected = {
      {0, {0, kTenMinutes - 1}},
      {kTenMinutes, {kTenMinutes}},
      {-kTenMinutes, {-1, -kTenMinutes}},
      {-2 * kTenMinutes, {-kTenMinutes - 1}},
      {kMin, {kMin, kMin + 1}},
      {kMax - kMax % kTenMinutes, {kMax, kMax - 1}},
  };
  EXPECT_EQ(times_by_partition, expected);
  auto stats = buffer.table_stats(0, 1);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->partitions, 6);
  EXPECT_EQ(stats->rows, 10);
  EXPECT_EQ(stats->min_time, kMin);
  EXPECT_EQ(stats->max_time, kMax);
}

TEST(WriteBufferTest, PartitionDurationIsConfigurable) {
  WriteBufferOptions options;
  options.partition_duration_ns = kMinute;
  WriteBuffer buffer(options);
  TableWriteBuilder rows(1);
  for (int i = 0; i < 10; ++i) {
    rows.Row(i * 30'000'000'000LL).Int64(kCount, i);  // every 30 s
  }
  ApplyRows(&buffer, &rows);
  EXPECT_EQ(buffer.table_stats(0, 1)->partitions, 5);
}

TEST(WriteBufferTest, ColumnSeenLateIsBackfilledWithNulls) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  rows.Row(2).Tag(kHost, "a").Int64(kCount, 2);
  rows.Row(3).Tag(kHost, "a").Int64(kCount, 3).Int64(kExtra, 30);
  ApplyRows(&buffer, &rows);
  rows.Row(4).Tag(kHost, "a").Tag(kRack, "r1").Int64(kCount, 4);
  ApplyRows(&buffer, &rows);

  std::vector<ChunkSnapshotPtr> chunks = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(chunks.size(), 1u);
  const ChunkColumnSnapshot* extra = chunks[0]->FindColumn(kExtra);
  ASSERT_NE(extra, nullptr);
  ASSERT_EQ(extra->column->size(), 4);
  EXPECT_TRUE(extra->column->IsNull(0));
  EXPECT_TRUE(extra->column->IsNull(1));
  EXPECT_EQ(extra->column->GetInt64(2), 30);
  EXPECT_TRUE(extra->column->IsNull(3));
  EXPECT_EQ(extra->statistics.null_count, 3);

  const ChunkColumnSnapshot* rack = chunks[0]->FindColumn(kRack);
  ASSERT_NE(rack, nullptr);
  EXPECT_EQ(rack->column->null_count(), 3);
  EXPECT_EQ(rack->column->GetString(3), "r1");
  // Column ids are listed in order; the time column is separate.
  std::vector<uint32_t> ids;
  for (const ChunkColumnSnapshot& column : chunks[0]->columns()) {
    ids.push_back(column.column_id);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{kHost, kRack, kCount, kExtra}));
  EXPECT_EQ(chunks[0]->FindColumn(kUsage), nullptr);
  EXPECT_EQ(chunks[0]->FindColumn(0), nullptr);
}

TEST(WriteBufferTest, MissingValuesAreNull) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1).Float64(kUsage, 0.5);
  rows.Row(2).Tag(kHost, "a").Float64(kUsage, 0.25);
  rows.Row(3).Tag(kHost, "a").Int64(kCount, 3);
  ApplyRows(&buffer, &rows);
  std::vector<Row> expected = {
      {1, {{kHost, "t:a"}, {kCount, "i:1"}, {kUsage, "f:0.5"}}},
      {2, {{kHost, "t:a"}, {kUsage, "f:0.25"}}},
      {3, {{kHost, "t:a"}, {kCount, "i:3"}}},
  };
  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].time, expected[i].time);
    EXPECT_EQ(actual[i].values, expected[i].values) << "row " << i;
  }
}

TEST(WriteBufferTest, DuplicatesMergeWithinABatchLastWriteWinsPerField) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(100).Tag(kHost, "a").Int64(kCount, 1).Float64(kUsage, 0.5);
  rows.Row(100).Tag(kHost, "b").Int64(kCount, 7);  // another series: not a duplicate
  rows.Row(100).Tag(kHost, "a").Int64(kCount, 2).String(kNote, "x");
  rows.Row(100).Tag(kHost, "a").Bool(kUp, true);
  ApplyRows(&buffer, &rows);

  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), 2u);
  EXPECT_EQ(
      actual[0].values,
      (std::map<uint32_t, std::string>{
          {kHost, "t:a"}, {kCount, "i:2"}, {kUsage, "f:0.5"}, {kUp, "b:true"}, {kNote, "s:x"}}));
  EXPECT_EQ(actual[1].values, (std::map<uint32_t, std::string>{{kHost, "t:b"}, {kCount, "i:7"}}));
  auto stats = buffer.table_stats(0, 1);
  EXPECT_EQ(stats->rows, 2);
  EXPECT_EQ(stats->merged_rows, 2);
  EXPECT_EQ(stats->series, 2);
}

TEST(WriteBufferTest, DuplicatesMergeAcrossBatchesInApplyOrder) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(5).Tag(kHost, "a").Tag(kRegion, "eu").Int64(kCount, 1).String(kNote, "first");
  ApplyRows(&buffer, &rows);
  rows.Row(5).Tag(kHost, "a").Tag(kRegion, "eu").String(kNote, "second").UInt64(kBytes, 9);
  ApplyRows(&buffer, &rows);
  rows.Row(5).Tag(kHost, "a").Tag(kRegion, "eu").Int64(kCount, 3);
  ApplyRows(&buffer, &rows);

  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_EQ(actual[0].values,
            (std::map<uint32_t, std::string>{{kHost, "t:a"},
                                             {kRegion, "t:eu"},
                                             {kCount, "i:3"},
                                             {kBytes, "u:9"},
                                             {kNote, "s:second"}}));
}

TEST(WriteBufferTest, DuplicateMergesIntoSealedChunk) {
  WriteBuffer buffer(SmallChunks(2));
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  rows.Row(2).Tag(kHost, "a").Int64(kCount, 2);
  rows.Row(3).Tag(kHost, "a").Int64(kCount, 3);
  rows.Row(4).Tag(kHost, "a").Int64(kCount, 4);
  rows.Row(5).Tag(kHost, "a").Int64(kCount, 5);
  ApplyRows(&buffer, &rows);
  std::vector<ChunkSnapshotPtr> before = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_TRUE(before[0]->sealed());
  EXPECT_TRUE(before[1]->sealed());
  EXPECT_FALSE(before[2]->sealed());

  // t=1 lives in the first (sealed) chunk; the new field appears only in this merge.
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 100).Float64(kUsage, 9.5);
  rows.Row(4).Tag(kHost, "a").Int64(kCount, -4);
  ApplyRows(&buffer, &rows);
  std::vector<ChunkSnapshotPtr> after = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0]->row_count(), 2);
  EXPECT_EQ(after[1]->row_count(), 2);
  EXPECT_EQ(after[2]->row_count(), 1);
  EXPECT_GT(after[0]->version(), before[0]->version());
  EXPECT_GT(after[1]->version(), before[1]->version());
  EXPECT_EQ(after[2]->version(), before[2]->version());  // untouched chunk: same version
  EXPECT_EQ(after[0]->chunk_id(), before[0]->chunk_id());

  const ChunkColumnSnapshot* count = after[0]->FindColumn(kCount);
  EXPECT_EQ(count->column->GetInt64(0), 100);
  EXPECT_EQ(std::get<int64_t>(count->statistics.max), 100);
  const ChunkColumnSnapshot* usage = after[0]->FindColumn(kUsage);
  ASSERT_NE(usage, nullptr);
  EXPECT_EQ(usage->column->GetFloat64(0), 9.5);
  EXPECT_TRUE(usage->column->IsNull(1));
  EXPECT_EQ(usage->statistics.null_count, 1);
  EXPECT_EQ(std::get<int64_t>(after[1]->FindColumn(kCount)->statistics.min), -4);
  EXPECT_EQ(buffer.table_stats(0, 1)->rows, 5);
  EXPECT_EQ(buffer.table_stats(0, 1)->merged_rows, 2);
}

TEST(WriteBufferTest, SeriesWithDifferentTagSetsAreDistinct) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(7).Int64(kCount, 1);                                     // no tags at all
  rows.Row(7).Tag(kHost, "a").Int64(kCount, 2);                     // host=a
  rows.Row(7).Tag(kHost, "a").Tag(kRegion, "eu").Int64(kCount, 3);  // host=a,region=eu
  rows.Row(7).Tag(kRegion, "a").Int64(kCount, 4);                   // same value, another tag
  rows.Row(7).Tag(kHost, "ab").Int64(kCount, 5);
  rows.Row(7).Tag(kHost, "a").Tag(kRegion, "b").Int64(kCount, 6);   // not the same as host=ab
  rows.Row(7).Tag(kHost, "a").Tag(kRegion, "eu").Int64(kCount, 7);  // duplicate of count=3
  rows.Row(7).Int64(kCount, 8);                                     // duplicate of count=1
  ApplyRows(&buffer, &rows);
  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), 6u);
  std::map<std::string, std::string> count_by_tags;
  for (const Row& row : actual) {
    std::string tags;
    for (uint32_t id : {kHost, kRegion}) {
      auto it = row.values.find(id);
      tags += fmt::format("{}={};", id, it == row.values.end() ? "<null>" : it->second);
    }
    count_by_tags[tags] = row.values.at(kCount);
  }
  std::map<std::string, std::string> expected = {
      {"1=<null>;2=<null>;", "i:8"},
      {"1=t:a;2=<null>;", "i:2"},
      {"1=t:a;2=t:eu;", "i:7"},
      {"1=<null>;2=t:a;", "i:4"},
      {"1=t:ab;2=<null>;", "i:5"},
      {"1=t:a;2=t:b;", "i:6"},
  };
  EXPECT_EQ(count_by_tags, expected);
  EXPECT_EQ(buffer.table_stats(0, 1)->series, 6);
}

TEST(WriteBufferTest, SameSeriesInOtherTablesAndDatabasesIsSeparate) {
  WriteBuffer buffer;
  TableWriteBuilder t1(1), t2(2);
  t1.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  t2.Row(1).Tag(kHost, "a").Int64(kCount, 2);
  std::vector<TableWrite> writes;
  writes.push_back(t1.Build());
  writes.push_back(t2.Build());
  buffer.Apply(MakeWriteBatch(0, writes));
  buffer.Apply(MakeWriteBatch(3, writes));
  EXPECT_EQ(buffer.tables(),
            (std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {0, 2}, {3, 1}, {3, 2}}));
  EXPECT_EQ(TableRows(buffer, 1)[0].values.at(kCount), "i:1");
  EXPECT_EQ(TableRows(buffer, 2)[0].values.at(kCount), "i:2");
  EXPECT_EQ(buffer.table_stats(3, 2)->rows, 1);
  EXPECT_FALSE(buffer.table_stats(3, 3).has_value());
  EXPECT_FALSE(buffer.table_stats(1, 1).has_value());
  EXPECT_TRUE(buffer.SnapshotTable(1, 1).empty());
}

TEST(WriteBufferTest, StatisticsAfterAppends) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(30)
      .Tag(kHost, "m")
      .Float64(kUsage, 0.5)
      .Int64(kCount, -5)
      .UInt64(kBytes, 10)
      .Bool(kUp, true)
      .String(kNote, "beta");
  rows.Row(10)
      .Tag(kHost, "b")
      .Tag(kRegion, "eu")
      .Float64(kUsage, -1.5)
      .Int64(kCount, 7)
      .Bool(kUp, true)
      .String(kNote, "alpha");
  rows.Row(20).Tag(kHost, "z").UInt64(kBytes, 3).String(kNote, "gamma");
  ApplyRows(&buffer, &rows);
  std::vector<ChunkSnapshotPtr> chunks = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(chunks.size(), 1u);
  const ChunkSnapshot& chunk = *chunks[0];
  EXPECT_EQ(chunk.row_count(), 3);
  EXPECT_EQ(chunk.min_time(), 10);
  EXPECT_EQ(chunk.max_time(), 30);

  auto stats = [&](uint32_t id) { return chunk.FindColumn(id)->statistics; };
  EXPECT_EQ(std::get<std::string>(stats(kHost).min), "b");
  EXPECT_EQ(std::get<std::string>(stats(kHost).max), "z");
  EXPECT_EQ(stats(kHost).null_count, 0);
  EXPECT_EQ(std::get<std::string>(stats(kRegion).min), "eu");
  EXPECT_EQ(stats(kRegion).null_count, 2);
  EXPECT_EQ(std::get<double>(stats(kUsage).min), -1.5);
  EXPECT_EQ(std::get<double>(stats(kUsage).max), 0.5);
  EXPECT_EQ(stats(kUsage).null_count, 1);
  EXPECT_EQ(std::get<int64_t>(stats(kCount).min), -5);
  EXPECT_EQ(std::get<int64_t>(stats(kCount).max), 7);
  EXPECT_EQ(std::get<uint64_t>(stats(kBytes).min), 3u);
  EXPECT_EQ(std::get<uint64_t>(stats(kBytes).max), 10u);
  EXPECT_EQ(std::get<bool>(stats(kUp).min), true);
  EXPECT_EQ(std::get<bool>(stats(kUp).max), true);
  EXPECT_EQ(stats(kUp).null_count, 1);
  EXPECT_EQ(std::get<std::string>(stats(kNote).min), "alpha");
  EXPECT_EQ(std::get<std::string>(stats(kNote).max), "gamma");
}

TEST(WriteBufferTest, StatisticsPerChunkAndWidenedByMerges) {
  WriteBuffer buffer(SmallChunks(2));
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "b").Int64(kCount, 10).Bool(kUp, true);
  rows.Row(2).Tag(kHost, "c").Int64(kCount, 20).Bool(kUp, true);
  rows.Row(3).Tag(kHost, "a").Int64(kCount, 30);
  ApplyRows(&buffer, &rows);
  std::vector<ChunkSnapshotPtr> chunks = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(chunks.size(), 2u);
  // Tag statistics are per chunk, even when the series was seen in an earlier chunk.
  EXPECT_EQ(std::get<std::string>(chunks[0]->FindColumn(kHost)->statistics.min), "b");
  EXPECT_EQ(std::get<std::string>(chunks[0]->FindColumn(kHost)->statistics.max), "c");
  EXPECT_EQ(std::get<std::string>(chunks[1]->FindColumn(kHost)->statistics.min), "a");
  EXPECT_EQ(std::get<std::string>(chunks[1]->FindColumn(kHost)->statistics.max), "a");
  EXPECT_EQ(std::get<int64_t>(chunks[1]->FindColumn(kCount)->statistics.min), 30);
  rows.Row(4).Tag(kHost, "b").Int64(kCount, 40);  // series b again, in chunk 2
  ApplyRows(&buffer, &rows);
  chunks = buffer.SnapshotTable(0, 1);
  EXPECT_EQ(std::get<std::string>(chunks[1]->FindColumn(kHost)->statistics.max), "b");

  // Merges: a new maximum and minimum in the sealed chunk, and a false that widens the booleans.
  rows.Row(1).Tag(kHost, "b").Int64(kCount, 99).Bool(kUp, false);
  rows.Row(2).Tag(kHost, "c").Int64(kCount, -1);
  ApplyRows(&buffer, &rows);
  chunks = buffer.SnapshotTable(0, 1);
  const ColumnStatistics& count = chunks[0]->FindColumn(kCount)->statistics;
  EXPECT_EQ(std::get<int64_t>(count.min), -1);
  EXPECT_EQ(std::get<int64_t>(count.max), 99);
  EXPECT_EQ(std::get<bool>(chunks[0]->FindColumn(kUp)->statistics.min), false);
  EXPECT_EQ(std::get<bool>(chunks[0]->FindColumn(kUp)->statistics.max), true);
  // The second chunk never had kUp.
  EXPECT_EQ(chunks[1]->FindColumn(kUp), nullptr);
  EXPECT_EQ(chunks[0]->min_time(), 1);
  EXPECT_EQ(chunks[0]->max_time(), 2);
}

TEST(WriteBufferTest, DictionaryCodesAreComparableAcrossChunks) {
  WriteBuffer buffer(SmallChunks(2));
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "x").Tag(kRegion, "eu");
  rows.Row(2).Tag(kHost, "y").Tag(kRegion, "us");
  rows.Row(3).Tag(kHost, "y").Tag(kRegion, "eu");
  rows.Row(kTenMinutes).Tag(kHost, "x").Tag(kRegion, "eu");  // another partition
  ApplyRows(&buffer, &rows);
  std::vector<ChunkSnapshotPtr> chunks = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(chunks.size(), 3u);
  const Column& first = *chunks[0]->FindColumn(kHost)->column;
  const Column& second = *chunks[1]->FindColumn(kHost)->column;
  const Column& third = *chunks[2]->FindColumn(kHost)->column;
  EXPECT_EQ(first.GetDictionaryCode(1), second.GetDictionaryCode(0));  // "y"
  EXPECT_EQ(first.GetDictionaryCode(0), third.GetDictionaryCode(0));   // "x"
  EXPECT_EQ(first.dictionary(), third.dictionary());
  // Tags of different columns have separate dictionaries.
  EXPECT_NE(first.dictionary(), chunks[0]->FindColumn(kRegion)->column->dictionary());
}

TEST(WriteBufferTest, RepeatedColumnWithinARowKeepsTheLaterValue) {
  WriteBuffer buffer;
  TableWrite write =
      TableWriteBuilder(1).Row(1).Tag(kHost, "a").Int64(kCount, 1).Int64(kCount, 2).Build();
  std::vector<TableWrite> writes;
  writes.push_back(std::move(write));
  buffer.Apply(MakeWriteBatch(0, std::move(writes)));
  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_EQ(actual[0].values.at(kCount), "i:2");
}

TEST(WriteBufferTest, MalformedCellsAreDroppedAndCounted) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  rows.Row(2).Tag(kHost, "a").Float64(kCount, 2.5);  // kCount is int64 in this table
  rows.Row(3).Tag(kHost, "a").String(kNote, "ok");
  TableWrite write = rows.Build();
  write.cells.back().str.length = 1000;  // past the end of the string heap
  RowRef bad_range{4, 0, static_cast<uint32_t>(write.cells.size() + 5)};
  write.rows.push_back(bad_range);
  std::vector<TableWrite> writes;
  writes.push_back(std::move(write));
  buffer.Apply(MakeWriteBatch(0, std::move(writes)));

  auto stats = buffer.table_stats(0, 1);
  EXPECT_EQ(stats->rows, 3);  // the row with a bad cell range is skipped entirely
  EXPECT_EQ(stats->dropped_cells, 3);
  std::vector<Row> actual = TableRows(buffer);
  ASSERT_EQ(actual.size(), 3u);
  EXPECT_EQ(actual[1].values, (std::map<uint32_t, std::string>{{kHost, "t:a"}}));
  EXPECT_EQ(actual[2].values, (std::map<uint32_t, std::string>{{kHost, "t:a"}}));
}

TEST(WriteBufferTest, SnapshotByTimeRangePrunesPartitionsAndChunks) {
  WriteBuffer buffer(SmallChunks(2));
  TableWriteBuilder rows(1);
  rows.Row(0).Int64(kCount, 0);
  rows.Row(5).Int64(kCount, 5);
  rows.Row(100).Int64(kCount, 100);
  rows.Row(kTenMinutes + 1).Int64(kCount, 1);
  rows.Row(-kTenMinutes).Int64(kCount, -1);
  ApplyRows(&buffer, &rows);
  auto times = [&](int64_t min, int64_t max) {
    std::vector<int64_t> result;
    for (const ChunkSnapshotPtr& chunk : buffer.SnapshotTable(0, 1, min, max)) {
      EXPECT_TRUE(chunk->OverlapsTime(min, max));
      for (int64_t i = 0; i < chunk->row_count(); ++i) {
        result.push_back(chunk->time_column()->GetInt64(i));
      }
    }
    std::sort(result.begin(), result.end());
    return result;
  };
  EXPECT_EQ(times(kMin, kMax).size(), 5u);
  EXPECT_EQ(times(50, 200), (std::vector<int64_t>{100}));  // only the second chunk
  EXPECT_EQ(times(1, 4), (std::vector<int64_t>{0, 5}));    // chunk bounds 0..5 overlap
  EXPECT_EQ(times(kTenMinutes, kMax), (std::vector<int64_t>{kTenMinutes + 1}));
  EXPECT_EQ(times(kMin, -1), (std::vector<int64_t>{-kTenMinutes}));
  EXPECT_TRUE(times(6, 99).empty());
  EXPECT_TRUE(times(10, 5).empty());
}

TEST(WriteBufferTest, MemoryGrowsAndCapacityCheckFailsPastTheLimit) {
  WriteBufferOptions options;
  options.memory_limit_bytes = 1 << 20;
  WriteBuffer buffer(options);
  EXPECT_EQ(buffer.memory_usage(), 0u);
  EXPECT_TRUE(buffer.CheckCapacity().ok());
  size_t previous = 0;
  int64_t t = 0;
  while (buffer.CheckCapacity().ok()) {
    TableWriteBuilder rows(1);
    for (int i = 0; i < 1000; ++i, ++t) {
      rows.Row(t).Tag(kHost, fmt::format("host-{}", t % 100)).Int64(kCount, t).String(kNote, "x");
    }
    ApplyRows(&buffer, &rows);
    // Capacity grows in steps (buffers double), so usage may stay flat for a batch, never shrink.
    EXPECT_GE(buffer.memory_usage(), previous);
    previous = buffer.memory_usage();
    ASSERT_LT(t, 1'000'000) << "memory usage does not grow with data";
  }
  EXPECT_GE(buffer.memory_usage(), options.memory_limit_bytes);
  // Rows this size take tens of bytes each; the estimate must not be wildly off.
  EXPECT_GT(t, 2'000);
  EXPECT_LT(t, 40'000);
  EXPECT_EQ(static_cast<int64_t>(buffer.memory_usage()), buffer.table_stats(0, 1)->memory_bytes);

  absl::Status status = buffer.CheckCapacity();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(status.message()),
            fmt::format("write buffer is full: {} in use of a 1.0 MiB limit "
                        "(--write-buffer-limit); writes are refused until buffered data is "
                        "persisted or the limit is raised",
                        FormatByteSize(buffer.memory_usage())));
  // Apply still takes rows past the limit (they are in the WAL already).
  int64_t rows_before = buffer.table_stats(0, 1)->rows;
  TableWriteBuilder more(1);
  more.Row(-1).Int64(kCount, 1);
  ApplyRows(&buffer, &more);
  EXPECT_EQ(buffer.table_stats(0, 1)->rows, rows_before + 1);
}

// Persistence: freezing closed windows, releasing them, and skipping persisted rows on replay.
TEST(WriteBufferPersistenceTest, FreezeTakesClosedWindowsWhichStayVisibleUntilReleased) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  rows.Row(kTenMinutes + 1).Tag(kHost, "a").Int64(kCount, 2);
  ApplyRows(&buffer, &rows, /*sequence=*/7);
  rows.Row(2).Tag(kHost, "b").Int64(kCount, 3);
  ApplyRows(&buffer, &rows, /*sequence=*/8);
  rows.Row(2 * kTenMinutes + 5).Tag(kHost, "b").Int64(kCount, 4);
  ApplyRows(&buffer, &rows, /*sequence=*/9);
  EXPECT_EQ(buffer.MinSequence(), 7u);

  // Windows ending before 2 x 10 min: the first two.
  std::vector<WriteBuffer::FrozenTablePartition> frozen = buffer.Freeze(2 * kTenMinutes - 1);
  ASSERT_EQ(frozen.size(), 2u);
  EXPECT_EQ(frozen[0].table_id, 1u);
  EXPECT_EQ(frozen[0].partition.start, 0);
  EXPECT_EQ(frozen[0].partition.last, kTenMinutes - 1);
  EXPECT_EQ(frozen[0].partition.min_sequence, 7u);
  EXPECT_EQ(frozen[0].partition.max_sequence, 8u);
  EXPECT_EQ(frozen[0].partition.rows, 2);
  EXPECT_EQ(RowsOf(frozen[0].partition.chunks).size(), 2u);
  EXPECT_EQ(frozen[1].partition.start, kTenMinutes);
  EXPECT_EQ(frozen[1].partition.min_sequence, 7u);
  EXPECT_EQ(frozen[1].partition.max_sequence, 7u);
  EXPECT_NE(frozen[0].partition.freeze_id, frozen[1].partition.freeze_id);
  // Frozen again: nothing new (they are not writable any more).
  EXPECT_TRUE(buffer.Freeze(2 * kTenMinutes - 1).empty());

  // Queries still see every row; a late row for a frozen window starts a new partition, and a
  // duplicate of a frozen point is not merged into it (the frozen chunks never change).
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 10);
  ApplyRows(&buffer, &rows, /*sequence=*/10);
  EXPECT_EQ(TableRows(buffer).size(), 5u);
  EXPECT_EQ(RowsOf(frozen[0].partition.chunks).size(), 2u);
  auto stats = buffer.table_stats(0, 1);
  EXPECT_EQ(stats->frozen_partitions, 2);
  EXPECT_EQ(stats->rows, 5);
  EXPECT_EQ(stats->partitions, 4);

  const size_t before = buffer.memory_usage();
  buffer.Release(0, 1, frozen[0].partition.freeze_id);
  EXPECT_LT(buffer.memory_usage(), before);
  EXPECT_EQ(buffer.MinSequence(), 7u);  // the second frozen window still holds record 7
  buffer.Release(0, 1, frozen[1].partition.freeze_id);
  buffer.Release(0, 1, frozen[1].partition.freeze_id);  // unknown ids are ignored
  EXPECT_EQ(buffer.MinSequence(), 9u);
  std::vector<Row> left = TableRows(buffer);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].time, 1);
  EXPECT_EQ(left[0].values[kCount], "i:10");
  EXPECT_EQ(left[1].time, 2 * kTenMinutes + 5);
  stats = buffer.table_stats(0, 1);
  EXPECT_EQ(stats->rows, 2);
  EXPECT_EQ(stats->frozen_partitions, 0);

  // Everything, including the open window at the end of time.
  frozen = buffer.Freeze(kMax);
  EXPECT_EQ(frozen.size(), 2u);
  for (const auto& f : frozen) {
    buffer.Release(0, 1, f.partition.freeze_id);
  }
  EXPECT_EQ(buffer.MinSequence(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(TableRows(buffer).empty());
}

TEST(WriteBufferPersistenceTest, ReplaySkipsRowsOfPersistedWindowsUpToTheirSequence) {
  WriteBuffer buffer;
  // Window [0, 10 min) persisted through record 5; [10 min, 20 min) through record 3.
  buffer.SetPersistedThrough(0, 1, 0, kTenMinutes - 1, 5);
  buffer.SetPersistedThrough(0, 1, kTenMinutes, 2 * kTenMinutes - 1, 3);
  TableWriteBuilder rows(1);
  auto record = [&](uint64_t sequence) {
    rows.Row(1).Tag(kHost, "a").Int64(kCount, static_cast<int64_t>(sequence));
    rows.Row(kTenMinutes + 1).Tag(kHost, "a").Int64(kCount, static_cast<int64_t>(sequence));
    rows.Row(3 * kTenMinutes).Tag(kHost, "a").Int64(kCount, static_cast<int64_t>(sequence));
    ApplyRows(&buffer, &rows, sequence);
  };
  record(3);  // only its row of the third window is kept
  std::vector<Row> kept = TableRows(buffer);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].time, 3 * kTenMinutes);
  record(4);  // the second window is persisted only through 3
  kept = TableRows(buffer);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].time, kTenMinutes + 1);
  record(6);  // nothing is persisted past 5
  kept = TableRows(buffer);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].time, 1);
  EXPECT_EQ(kept[0].values[kCount], "i:6");
  EXPECT_EQ(buffer.table_stats(0, 1)->skipped_persisted_rows, 3);
  // Rows without a sequence (not from the WAL) are never skipped.
  rows.Row(2).Tag(kHost, "z").Int64(kCount, 0);
  ApplyRows(&buffer, &rows);
  EXPECT_EQ(TableRows(buffer).size(), 4u);
}

TEST(WriteBufferPersistenceTest, PersistedWindowsOfAnotherDurationStillApply) {
  // Persisted with 1-hour windows; the buffer now uses 10 minutes.
  WriteBuffer buffer;
  const int64_t hour = 6 * kTenMinutes;
  buffer.SetPersistedThrough(0, 1, 0, hour - 1, 10);
  buffer.SetPersistedThrough(0, 1, hour, 2 * hour - 1, 2);
  TableWriteBuilder rows(1);
  for (int64_t t : {int64_t{0}, hour - 1, hour, 2 * hour}) {
    rows.Row(t).Tag(kHost, "a").Int64(kCount, 1);
  }
  ApplyRows(&buffer, &rows, /*sequence=*/9);
  std::vector<Row> kept = TableRows(buffer);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].time, hour);
  EXPECT_EQ(kept[1].time, 2 * hour);
}

TEST(WriteBufferTest, OptionsAreValidated) {
  WriteBufferOptions options;
  EXPECT_TRUE(ValidateWriteBufferOptions(options).ok());
  EXPECT_EQ(options.memory_limit_bytes, size_t{8} << 30);
  options.partition_duration_ns = 0;
  EXPECT_EQ(std::string(ValidateWriteBufferOptions(options).message()),
            "write buffer partition duration must be positive, got 0 ns");
  options = WriteBufferOptions();
  options.max_chunk_rows = 0;
  EXPECT_FALSE(ValidateWriteBufferOptions(options).ok());
  options = WriteBufferOptions();
  options.memory_limit_bytes = 0;
  EXPECT_FALSE(ValidateWriteBufferOptions(options).ok());
}

}  // namespace
}  // namespace strata::buffer
