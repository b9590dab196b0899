// Concurrent writers and readers, and the isolation of snapshots from later writes.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "buffer/table_write_builder.h"
#include "buffer/write_buffer.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::buffer {
namespace {

constexpr uint32_t kHost = 1;
constexpr uint32_t kRack = 2;
constexpr uint32_t kCount = 10;
constexpr uint32_t kNote = 11;

WriteBatch OneTable(TableWrite write, uint32_t database_id = 0) {
  std::vector<TableWrite> tables;
  tables.push_back(std::move(write));
  return MakeWriteBatch(database_id, std::move(tables));
}

// Checks what every snapshot must satisfy, whatever writers do meanwhile.
void ExpectConsistent(const ChunkSnapshot& chunk) {
  ASSERT_EQ(chunk.time_column()->size(), chunk.row_count());
  for (const ChunkColumnSnapshot& column : chunk.columns()) {
    ASSERT_EQ(column.column->size(), chunk.row_count());
    if (column.column->type() == TypeId::kDictionary) {
      for (int64_t i = 0; i < chunk.row_count(); ++i) {
        if (column.column->IsValid(i)) {
          ASSERT_LT(column.column->GetDictionaryCode(i), column.column->dictionary()->size());
          ASSERT_FALSE(column.column->GetString(i).empty());
        }
      }
    }
  }
}

TEST(WriteBufferConcurrencyTest, SnapshotIsUnchangedByLaterWrites) {
  WriteBufferOptions options;
  options.max_chunk_rows = 4;
  WriteBuffer buffer(options);
  TableWriteBuilder rows(1);
  for (int i = 0; i < 6; ++i) {
    rows.Row(i).Tag(kHost, "a").Int64(kCount, i).String(kNote, "old");
  }
  buffer.Apply(OneTable(rows.Build()));
  std::vector<ChunkSnapshotPtr> before = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(before.size(), 2u);
  const std::shared_ptr<StringDictionary> old_dictionary =
      before[1]->FindColumn(kHost)->column->dictionary();
  const int32_t old_dictionary_size = old_dictionary->size();

  // Later writes: merges into both chunks, appends to the active chunk (which seals it and starts
  // another), a new tag value (which must not touch the dictionary the snapshot reads), a new
  // column.
  rows.Row(0).Tag(kHost, "a").Int64(kCount, 1000).String(kNote, "new");
  rows.Row(5).Tag(kHost, "a").Int64(kCount, 5000);
  for (int i = 6; i < 12; ++i) {
    rows.Row(i).Tag(kHost, fmt::format("new-host-{}", i)).Int64(kCount, i).Int64(99, i);
  }
  buffer.Apply(OneTable(rows.Build()));

  // The old snapshot: same rows, values, statistics and dictionary.
  EXPECT_EQ(before[0]->row_count(), 4);
  EXPECT_EQ(before[1]->row_count(), 2);
  EXPECT_EQ(before[0]->FindColumn(kCount)->column->GetInt64(0), 0);
  EXPECT_EQ(before[0]->FindColumn(kNote)->column->GetString(0), "old");
  EXPECT_EQ(std::get<int64_t>(before[0]->FindColumn(kCount)->statistics.max), 3);
  EXPECT_EQ(before[1]->FindColumn(kCount)->column->GetInt64(1), 5);
  EXPECT_EQ(before[1]->time_column()->size(), 2);
  EXPECT_EQ(before[1]->FindColumn(99), nullptr);
  EXPECT_EQ(old_dictionary->size(), old_dictionary_size);
  EXPECT_EQ(before[1]->FindColumn(kHost)->column->GetString(1), "a");
  ExpectConsistent(*before[0]);
  ExpectConsistent(*before[1]);

  // A new snapshot sees everything, and the dictionary was copied once, not modified.
  std::vector<ChunkSnapshotPtr> after = buffer.SnapshotTable(0, 1);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0]->FindColumn(kCount)->column->GetInt64(0), 1000);
  EXPECT_EQ(after[0]->FindColumn(kNote)->column->GetString(0), "new");
  EXPECT_EQ(after[1]->FindColumn(kCount)->column->GetInt64(1), 5000);
  EXPECT_EQ(after[1]->row_count(), 4);
  EXPECT_EQ(after[2]->row_count(), 4);
  EXPECT_EQ(after[2]->FindColumn(kHost)->column->GetString(3), "new-host-11");
  EXPECT_EQ(buffer.table_stats(0, 1)->dictionary_copies, 1);
  for (const ChunkSnapshotPtr& chunk : after) {
    ExpectConsistent(*chunk);
  }
  // Codes still agree between generations of the dictionary.
  const Column& old_hosts = *before[0]->FindColumn(kHost)->column;
  const Column& new_hosts = *after[2]->FindColumn(kHost)->column;
  EXPECT_EQ(new_hosts.dictionary()->Find("a"), old_hosts.GetDictionaryCode(0));
}

TEST(WriteBufferConcurrencyTest, NoCopiesWhenNoSnapshotIsHeld) {
  WriteBuffer buffer;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(kHost, "a").Int64(kCount, 1);
  buffer.Apply(OneTable(rows.Build()));
  const Column* column_before = nullptr;
  {
    std::vector<ChunkSnapshotPtr> snapshot = buffer.SnapshotTable(0, 1);
    column_before = snapshot[0]->FindColumn(kCount)->column.get();
  }  // released before the next write
  rows.Row(2).Tag(kHost, "b").Int64(kCount, 2);
  buffer.Apply(OneTable(rows.Build()));
  std::vector<ChunkSnapshotPtr> snapshot = buffer.SnapshotTable(0, 1);
  EXPECT_EQ(snapshot[0]->FindColumn(kCount)->column.get(), column_before);  // appended in place
  EXPECT_EQ(buffer.table_stats(0, 1)->dictionary_copies, 0);
}

TEST(WriteBufferConcurrencyTest, ConcurrentWritersAndReaders) {
  WriteBufferOptions options;
  options.max_chunk_rows = 1000;
  options.partition_duration_ns = 10'000;
  WriteBuffer buffer(options);
  constexpr int kThreads = 4;
  constexpr int kBatches = 40;
  constexpr int kRowsPerBatch = 250;

  // Writer w writes its own table (w + 10) and a share of the shared table 1. Rows of the shared
  // table: series "host-<w>-<i % 20>" with a new rack tag value in every batch (so dictionaries
  // grow while the reader holds snapshots), times unique per writer, plus every batch repeats the
  // previous batch's first row (a duplicate) with a new value.
  // A reader takes snapshots all along, so writes keep copying columns it holds.
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&buffer, w] {
      for (int b = 0; b < kBatches; ++b) {
        TableWriteBuilder own(static_cast<uint32_t>(w + 10));
        TableWriteBuilder shared(1);
        for (int i = 0; i < kRowsPerBatch; ++i) {
          int64_t t = int64_t{b} * kRowsPerBatch + i;
          own.Row(t).Tag(kHost, fmt::format("h{}", i % 7)).Int64(kCount, t);
          shared.Row(t * kThreads + w)
              .Tag(kHost, fmt::format("host-{}-{}", w, i % 20))
              .Tag(kRack, fmt::format("rack-{}-{}", w, b))
              .Int64(kCount, t);
        }
        if (b > 0) {  // duplicate of the previous batch's first shared row
          int64_t t = int64_t{b - 1} * kRowsPerBatch;
          shared.Row(t * kThreads + w)
              .Tag(kHost, fmt::format("host-{}-0", w))
              .Tag(kRack, fmt::format("rack-{}-{}", w, b - 1))
              .Int64(kCount, -t - 1);
        }
        std::vector<TableWrite> tables;
        tables.push_back(own.Build());
        tables.push_back(shared.Build());
        buffer.Apply(MakeWriteBatch(0, std::move(tables)));
      }
    });
  }
  std::thread reader([&] {
    int64_t last_rows = 0;
    while (!done.load()) {
      int64_t rows = 0;
      for (const ChunkSnapshotPtr& chunk : buffer.SnapshotTable(0, 1)) {
        ExpectConsistent(*chunk);
        rows += chunk->row_count();
      }
      EXPECT_GE(rows, last_rows);  // rows never disappear
      last_rows = rows;
      (void)buffer.memory_usage();
      (void)buffer.table_stats(0, 1);
    }
  });
  for (std::thread& thread : threads) {
    thread.join();
  }
  done = true;
  reader.join();

  for (int w = 0; w < kThreads; ++w) {
    auto stats = buffer.table_stats(0, static_cast<uint32_t>(w + 10));
    ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(stats->rows, kBatches * kRowsPerBatch);
    EXPECT_EQ(stats->series, 7);
    EXPECT_EQ(stats->merged_rows, 0);
  }
  auto shared = buffer.table_stats(0, 1);
  EXPECT_EQ(shared->rows, kThreads * kBatches * kRowsPerBatch);
  EXPECT_EQ(shared->merged_rows, kThreads * (kBatches - 1));
  EXPECT_EQ(shared->series, kThreads * kBatches * 20);
  RecordProperty("dictionary_copies", static_cast<int>(shared->dictionary_copies));
  EXPECT_EQ(shared->min_time, 0);
  EXPECT_EQ(shared->max_time, int64_t{kBatches * kRowsPerBatch - 1} * kThreads + kThreads - 1);

  // Every duplicate carries its value -t - 1; every other row its own time.
  int64_t negated = 0;
  int64_t rows = 0;
  for (const ChunkSnapshotPtr& chunk : buffer.SnapshotTable(0, 1)) {
    const Column& count = *chunk->FindColumn(kCount)->column;
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      int64_t t = chunk->time_column()->GetInt64(i) / kThreads;
      if (count.GetInt64(i) == -t - 1) {
        ++negated;
      } else {
        EXPECT_EQ(count.GetInt64(i), t);
      }
      ++rows;
    }
  }
  EXPECT_EQ(rows, shared->rows);
  EXPECT_EQ(negated, kThreads * (kBatches - 1));
  size_t sum = 0;
  for (auto [database_id, table_id] : buffer.tables()) {
    sum += static_cast<size_t>(buffer.table_stats(database_id, table_id)->memory_bytes);
  }
  EXPECT_EQ(sum, buffer.memory_usage());
}

}  // namespace
}  // namespace strata::buffer
