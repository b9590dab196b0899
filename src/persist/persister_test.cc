#include "persist/persister.h"

#include <limits>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "objectstore/in_memory_object_store.h"
#include "persist/snapshot_log.h"

namespace strata::persist {
namespace {

using buffer::TableWriteBuilder;
using buffer::WriteBuffer;
using objectstore::InMemoryObjectStore;
using objectstore::ObjectStoreOperation;

constexpr int64_t kTenMinutes = 600'000'000'000;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr uint32_t kHost = 1;
constexpr uint32_t kValue = 2;

// Stands in for the Parquet encoder: the file is the partition's times, as text.
absl::StatusOr<EncodedFile> FakeEncode(const WriteBuffer::FrozenTablePartition& frozen) {
  EncodedFile file;
  file.min_time = kMax;
  file.max_time = std::numeric_limits<int64_t>::min();
  for (const auto& chunk : frozen.partition.chunks) {
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      int64_t t = chunk->time_column()->GetInt64(i);
      file.bytes += fmt::format("{};", t);
      file.min_time = std::min(file.min_time, t);
      file.max_time = std::max(file.max_time, t);
      ++file.row_count;
    }
  }
  file.columns.push_back(ColumnStats{kValue, 0, StatValue{int64_t{1}}, StatValue{int64_t{2}}});
  return file;
}

// The WAL as the persister sees it: a durable mark, an applied mark, removals.
struct FakeWal {
  uint64_t durable = 0;
  uint64_t next_apply = 1;
  std::vector<uint64_t> waited;
  std::vector<uint64_t> removed;

  WalHooks Hooks() {
    return WalHooks{
        .wait_durable =
            [this](uint64_t sequence) {
              waited.push_back(sequence);
              durable = std::max(durable, sequence);
              return absl::OkStatus();
            },
        .next_apply_sequence = [this] { return next_apply; },
        .remove_through =
            [this](uint64_t sequence) {
              removed.push_back(sequence);
              return absl::OkStatus();
            },
    };
  }
};

class PersisterTest : public ::testing::Test {
 protected:
  // Writes one row per time as WAL record `sequence` of table 1.
  void Write(WriteBuffer* buffer, uint64_t sequence, std::vector<int64_t> times) {
    TableWriteBuilder rows(1);
    for (int64_t t : times) {
      rows.Row(t).Tag(kHost, "a").Int64(kValue, static_cast<int64_t>(sequence));
    }
    std::vector<TableWrite> tables;
    tables.push_back(rows.Build());
    buffer->Apply(buffer::MakeWriteBatch(0, std::move(tables)), sequence);
    wal_.next_apply = sequence + 1;
  }
  int64_t BufferedRows(const WriteBuffer& buffer) {
    auto stats = buffer.table_stats(0, 1);
    return stats ? stats->rows : 0;
  }
  std::unique_ptr<Persister> Make(WriteBuffer* buffer, PersisterOptions options = {}) {
    auto persister =
        std::make_unique<Persister>(buffer, &store_, FakeEncode, wal_.Hooks(), std::move(options));
    EXPECT_TRUE(persister->Open().ok());
    return persister;
  }
  std::vector<std::string> Objects(std::string_view prefix) {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<objectstore::ObjectMeta>> objects =
        store_.List(*objectstore::ObjectPath::Parse(prefix));
    EXPECT_TRUE(objects.ok()) << objects.status();
    if (objects.ok()) {
      for (const objectstore::ObjectMeta& object : *objects) {
        out.push_back(object.path.str());
      }
    }
    return out;
  }

  InMemoryObjectStore store_;
  FakeWal wal_;
};

TEST_F(PersisterTest, SnapshotPersistsClosedWindowsAndTrimsTheWal) {
  WriteBuffer buffer;
  auto persister = Make(&buffer);
  Write(&buffer, 1, {1, 2, kTenMinutes + 1});
  Write(&buffer, 2, {3});
  Write(&buffer, 3, {3 * kTenMinutes});

  absl::StatusOr<SnapshotSummary> summary = persister->Snapshot(2 * kTenMinutes - 1);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->sequence, 1u);
  EXPECT_EQ(summary->files, 2);
  EXPECT_EQ(summary->rows, 4);
  // Record 3 is still only in the buffer: the WAL keeps it and everything after.
  EXPECT_EQ(summary->wal_removed_through, 2u);
  EXPECT_EQ(wal_.removed, std::vector<uint64_t>{2});
  // The rows written by records up to 2 were made durable in the WAL before the commit.
  EXPECT_EQ(wal_.waited, std::vector<uint64_t>{2});

  EXPECT_EQ(BufferedRows(buffer), 1);
  std::shared_ptr<const FileIndex> index = persister->index();
  EXPECT_EQ(index->last_sequence(), 1u);
  ASSERT_EQ(index->TableFiles(0, 1).size(), 2u);
  const ParquetFileInfo& first = *index->TableFiles(0, 1)[0];
  EXPECT_EQ(first.path, "files/00000000000000000001/0-1-0.parquet");
  EXPECT_EQ(first.row_count, 3);
  EXPECT_EQ(first.min_time, 1);
  EXPECT_EQ(first.max_time, 3);
  EXPECT_EQ(*store_.Get(*objectstore::ObjectPath::Parse(first.path)), "1;2;3;");
  EXPECT_EQ(Objects("snapshots"), std::vector<std::string>{"snapshots/00000000000000000001.json"});

  // Nothing closed is left: no snapshot.
  summary = persister->Snapshot(2 * kTenMinutes - 1);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->sequence, 0u);

  // Everything: the buffer is empty, and every applied record can go.
  summary = persister->Snapshot(kMax);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->sequence, 2u);
  EXPECT_EQ(BufferedRows(buffer), 0);
  EXPECT_EQ(summary->wal_removed_through, 3u);
}

TEST_F(PersisterTest, RestartReplaysOnlyWhatIsNotPersisted) {
  // Records 1-3, a snapshot of the first two windows, a late row for the first window (record 4),
  // a crash; then the WAL replays every record into a fresh buffer.
  auto write_all = [&](WriteBuffer* buffer, bool with_late_row) {
    Write(buffer, 1, {1, 2, kTenMinutes + 1});
    Write(buffer, 2, {3});
    Write(buffer, 3, {3 * kTenMinutes, 4});
    if (with_late_row) {
      Write(buffer, 4, {5});
    }
  };
  {
    WriteBuffer buffer;
    auto persister = Make(&buffer);
    write_all(&buffer, false);
    ASSERT_TRUE(persister->Snapshot(2 * kTenMinutes - 1).ok());
    EXPECT_EQ(BufferedRows(buffer), 1);
    Write(&buffer, 4, {5});
    EXPECT_EQ(BufferedRows(buffer), 2);
  }
  WriteBuffer buffer;
  auto persister = Make(&buffer);
  write_all(&buffer, true);
  // Window 0 is persisted through record 3 and window 1 through record 1: their rows of records
  // 1-3 are skipped; record 3's row of window 3 and the late row of record 4 are kept.
  EXPECT_EQ(BufferedRows(buffer), 2);
  EXPECT_EQ(buffer.table_stats(0, 1)->skipped_persisted_rows, 5);
  EXPECT_EQ(persister->index()->TableFiles(0, 1).size(), 2u);
}

TEST_F(PersisterTest, FailedSnapshotKeepsRowsAndTheNextOneRetriesThem) {
  WriteBuffer buffer;
  int fail_encodes = 1;
  Persister persister(
      &buffer,
      &store_,
      [&](const WriteBuffer::FrozenTablePartition& frozen) -> absl::StatusOr<EncodedFile> {
        if (frozen.partition.start == kTenMinutes && fail_encodes-- > 0) {
          return absl::InternalError("disk on fire");
        }
        return FakeEncode(frozen);
      },
      wal_.Hooks());
  ASSERT_TRUE(persister.Open().ok());
  Write(&buffer, 1, {1, kTenMinutes + 1});

  absl::StatusOr<SnapshotSummary> summary = persister.Snapshot(kMax);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().message(), "disk on fire");
  EXPECT_EQ(BufferedRows(buffer), 2);  // nothing released
  // The first window's file was written before the failure, but no record names it.
  EXPECT_EQ(Objects("files").size(), 1u);
  EXPECT_TRUE(Objects("snapshots").empty());
  EXPECT_TRUE(wal_.removed.empty());

  // The record's put fails too: still nothing committed.
  store_.FailNext(ObjectStoreOperation::kPutIfAbsent, 1, absl::UnavailableError("store down"));
  summary = persister.Snapshot(kMax);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().message(), "store down");
  EXPECT_EQ(BufferedRows(buffer), 2);

  // New rows arrive meanwhile; the retry persists the frozen windows and the new closed ones.
  Write(&buffer, 2, {2 * kTenMinutes + 5});
  summary = persister.Snapshot(kMax);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->sequence, 1u);
  EXPECT_EQ(summary->files, 3);
  EXPECT_EQ(summary->rows, 3);
  EXPECT_EQ(BufferedRows(buffer), 0);
  EXPECT_EQ(Objects("files").size(), 3u);  // the failed attempts left nothing behind
}

TEST_F(PersisterTest, CrashBeforeCommitLeavesNothingAfterRestart) {
  {
    WriteBuffer buffer;
    auto persister = Make(&buffer);
    Write(&buffer, 1, {1, kTenMinutes + 1});
    store_.FailNext(ObjectStoreOperation::kPutIfAbsent, 1, absl::UnavailableError("crash"));
    ASSERT_FALSE(persister->Snapshot(kMax).ok());
    EXPECT_EQ(Objects("files").size(), 2u);
  }
  WriteBuffer buffer;
  auto persister = Make(&buffer);  // Open removes the uncommitted files
  EXPECT_TRUE(Objects("files").empty());
  EXPECT_EQ(persister->index()->last_sequence(), 0u);
  Write(&buffer, 1, {1, kTenMinutes + 1});
  EXPECT_EQ(BufferedRows(buffer), 2);  // replay keeps every row
}

TEST_F(PersisterTest, CheckpointsReplaceRecordsAndLoadTheSameIndex) {
  WriteBuffer buffer;
  auto persister = Make(&buffer, PersisterOptions{.checkpoint_interval = 2, .clock_ns = {}});
  for (uint64_t s = 1; s <= 5; ++s) {
    Write(&buffer, s, {static_cast<int64_t>(s) * kTenMinutes});
    ASSERT_TRUE(persister->Snapshot(kMax).ok());
  }
  EXPECT_EQ(Objects("checkpoints"),
            std::vector<std::string>{"checkpoints/00000000000000000004.json"});
  EXPECT_EQ(Objects("snapshots"), std::vector<std::string>{"snapshots/00000000000000000005.json"});
  absl::StatusOr<FileIndex> loaded = LoadFileIndex(&store_);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->files(), persister->index()->files());
  EXPECT_EQ(loaded->windows(), persister->index()->windows());
  EXPECT_EQ(loaded->last_sequence(), 5u);
  EXPECT_EQ(loaded->next_file_id(), 6u);
}

TEST_F(PersisterTest, DamagedIndexIsAnErrorNotAnEmptyIndex) {
  WriteBuffer buffer;
  auto persister = Make(&buffer);
  for (uint64_t s = 1; s <= 3; ++s) {
    Write(&buffer, s, {static_cast<int64_t>(s) * kTenMinutes});
    ASSERT_TRUE(persister->Snapshot(kMax).ok());
  }
  ASSERT_TRUE(store_.Put(SnapshotRecordPath(2), "{garbage").ok());
  absl::StatusOr<FileIndex> loaded = LoadFileIndex(&store_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find("snapshots/00000000000000000002.json"),
            std::string::npos);

  ASSERT_TRUE(store_.Delete(SnapshotRecordPath(2)).ok());
  loaded = LoadFileIndex(&store_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("after snapshot 1 comes 3"), std::string::npos)
      << loaded.status();
}

}  // namespace
}  // namespace strata::persist
