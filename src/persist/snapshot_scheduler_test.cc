#include "persist/snapshot_scheduler.h"

#include <atomic>
#include <chrono>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "buffer/table_write_builder.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "objectstore/in_memory_object_store.h"

namespace strata::persist {
namespace {

using buffer::TableWriteBuilder;
using buffer::WriteBuffer;
using buffer::WriteBufferOptions;
using objectstore::InMemoryObjectStore;
using objectstore::ObjectStoreOperation;
using std::chrono::milliseconds;

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kWindow = 10 * kMinute;
constexpr uint32_t kHost = 1;
constexpr uint32_t kValue = 2;
constexpr uint32_t kText = 3;

// Stands in for the Parquet encoder: a small file with the partition's row count and range.
absl::StatusOr<EncodedFile> FakeEncode(const WriteBuffer::FrozenTablePartition& frozen) {
  EncodedFile file;
  file.min_time = std::numeric_limits<int64_t>::max();
  file.max_time = std::numeric_limits<int64_t>::min();
  for (const auto& chunk : frozen.partition.chunks) {
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      int64_t t = chunk->time_column()->GetInt64(i);
      file.min_time = std::min(file.min_time, t);
      file.max_time = std::max(file.max_time, t);
      ++file.row_count;
    }
  }
  file.bytes = fmt::format("{} rows", file.row_count);
  return file;
}

// Waits up to 10 s for `done`.
template <typename Condition>
bool Eventually(Condition done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

class SnapshotSchedulerTest : public ::testing::Test {
 protected:
  void Make(size_t memory_limit = WriteBufferOptions{}.memory_limit_bytes) {
    WriteBufferOptions buffer_options;
    buffer_options.partition_duration_ns = kWindow;
    buffer_options.memory_limit_bytes = memory_limit;
    buffer_ = std::make_unique<WriteBuffer>(buffer_options);
    WalHooks hooks{
        .wait_durable = [](uint64_t) { return absl::OkStatus(); },
        .next_apply_sequence = [this] { return next_sequence_.load(); },
        .remove_through = [](uint64_t) { return absl::OkStatus(); },
    };
    persister_ = std::make_unique<Persister>(buffer_.get(), &store_, FakeEncode, hooks);
    ASSERT_TRUE(persister_->Open().ok());
  }
  SnapshotSchedulerOptions Options(std::chrono::nanoseconds check_interval) {
    SnapshotSchedulerOptions options;
    options.gen1_duration_ns = kWindow;
    options.check_interval = check_interval;
    options.clock_ns = [this] { return now_.load(); };
    options.max_wait_for_room = std::chrono::seconds(5);
    options.retry_delay = milliseconds(10);
    return options;
  }
  // Writes `rows` rows from time `t` on, one nanosecond apart, over ten series, each with a
  // string of `text_bytes`, as one WAL record. Every row is a new point: none are merged.
  void Write(int64_t t, int rows = 1, size_t text_bytes = 0) {
    TableWriteBuilder builder(1);
    for (int i = 0; i < rows; ++i) {
      builder.Row(t + next_time_++)
          .Tag(kHost, fmt::format("host-{}", i % 10))
          .Int64(kValue, i)
          .String(kText, std::string(text_bytes, 'x'));
    }
    std::vector<TableWrite> tables;
    tables.push_back(builder.Build());
    buffer_->Apply(buffer::MakeWriteBatch(0, std::move(tables)), next_sequence_.fetch_add(1));
  }
  int64_t BufferedRows() const {
    auto stats = buffer_->table_stats(0, 1);
    return stats ? stats->rows : 0;
  }
  int64_t PersistedRows() const {
    int64_t rows = 0;
    for (const auto* file : persister_->index()->TableFiles(0, 1)) {
      rows += file->row_count;
    }
    return rows;
  }

  std::atomic<int64_t> now_{100 * kMinute};
  std::atomic<uint64_t> next_sequence_{1};
  int64_t next_time_ = 0;
  InMemoryObjectStore store_;
  std::unique_ptr<WriteBuffer> buffer_;
  std::unique_ptr<Persister> persister_;
};

TEST_F(SnapshotSchedulerTest, PersistsAWindowOnceItHasBeenClosedForAFullWindow) {
  Make();
  Write(85 * kMinute, 2);  // window [80m, 90m): closed at 90m, persisted from 100m on
  Write(95 * kMinute, 3);  // window [90m, 100m): closed now, still taking late rows
  Write(100 * kMinute);    // the open window
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(5)));
  scheduler.Start();
  ASSERT_TRUE(Eventually([&] { return scheduler.stats().snapshots == 1; }));
  EXPECT_EQ(PersistedRows(), 2);
  EXPECT_EQ(BufferedRows(), 4);

  // A late row for the persisted window goes to the buffer and is persisted on the next tick.
  Write(89 * kMinute);
  ASSERT_TRUE(Eventually([&] { return scheduler.stats().snapshots == 2; }));
  EXPECT_EQ(PersistedRows(), 3);

  // One nanosecond before [90m, 100m) has been closed for ten minutes, nothing more happens.
  now_ = 110 * kMinute - 1;
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(scheduler.stats().snapshots, 2u);
  now_ = 110 * kMinute;
  ASSERT_TRUE(Eventually([&] { return scheduler.stats().snapshots == 3; }));
  EXPECT_EQ(PersistedRows(), 6);
  EXPECT_EQ(BufferedRows(), 1);
  scheduler.Stop();
  EXPECT_EQ(scheduler.stats().failures, 0u);
}

TEST_F(SnapshotSchedulerTest, ZeroIntervalMeansNoPeriodicSnapshots) {
  Make();
  Write(kMinute);
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(0)));
  scheduler.Start();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(scheduler.stats().rounds, 0u);
  EXPECT_EQ(BufferedRows(), 1);

  absl::StatusOr<SnapshotSummary> summary = scheduler.SnapshotAll();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->sequence, 1u);
  EXPECT_EQ(summary->rows, 1);
  EXPECT_EQ(BufferedRows(), 0);
  summary = scheduler.SnapshotAll();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->sequence, 0u) << "nothing was left to persist";
}

TEST_F(SnapshotSchedulerTest, MemoryPressurePersistsTheOpenWindowsToo) {
  Make(/*memory_limit=*/1 << 20);
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(0)));
  scheduler.Start();
  // Only the open window: no periodic check would persist it.
  int64_t written = 0;
  while (buffer_->memory_usage() < (1u << 20) * 9 / 10) {
    Write(now_.load(), 100);
    written += 100;
  }
  scheduler.NoteBufferGrowth();
  ASSERT_TRUE(Eventually([&] { return scheduler.stats().pressure_rounds == 1; }));
  EXPECT_EQ(PersistedRows(), written);
  EXPECT_EQ(BufferedRows(), 0);
  EXPECT_LT(buffer_->memory_usage(), (1u << 20) / 2);

  // Below the threshold a note does nothing.
  Write(now_.load(), 10);
  scheduler.NoteBufferGrowth();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(scheduler.stats().rounds, 1u);
}

TEST_F(SnapshotSchedulerTest, AWriteThatFindsTheBufferFullWaitsForRoom) {
  Make(/*memory_limit=*/1 << 20);
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(0)));
  scheduler.Start();
  while (buffer_->CheckCapacity().ok()) {
    Write(now_.load(), 100);
  }
  absl::Status room = scheduler.WaitForRoom();
  EXPECT_TRUE(room.ok()) << room;
  EXPECT_TRUE(buffer_->CheckCapacity().ok());
  EXPECT_EQ(BufferedRows(), 0);
  EXPECT_EQ(scheduler.stats().pressure_rounds, 1u);
}

TEST_F(SnapshotSchedulerTest, AWriteIsRefusedWhenSnapshotsFail) {
  Make(/*memory_limit=*/1 << 20);
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(0)));
  scheduler.Start();
  // Well past the limit, with rows whose values take most of the memory: freezing partitions
  // (which drops their duplicate indexes) does not make room by itself.
  while (buffer_->memory_usage() < (1u << 20) * 3 / 2) {
    Write(now_.load(), 100, 200);
  }
  store_.FailNext(ObjectStoreOperation::kPut, 1000, absl::UnavailableError("store is down"));
  absl::Status room = scheduler.WaitForRoom();
  EXPECT_EQ(room.code(), absl::StatusCode::kUnavailable) << room;
  EXPECT_NE(room.message().find("persisting to Parquet failed"), std::string_view::npos) << room;
  EXPECT_NE(room.message().find("store is down"), std::string_view::npos) << room;
  EXPECT_GE(scheduler.stats().failures, 1u);

  // Once the store is back, the rows the failed snapshots froze are persisted and there is room.
  store_.FailNext(ObjectStoreOperation::kPut, 0, absl::UnavailableError("unused"));
  const int64_t buffered = BufferedRows();
  room = scheduler.WaitForRoom();
  EXPECT_TRUE(room.ok()) << room;
  EXPECT_EQ(PersistedRows(), buffered);
}

TEST_F(SnapshotSchedulerTest, AWriteIsRefusedWhenNoThreadRuns) {
  Make(/*memory_limit=*/1 << 20);
  SnapshotScheduler scheduler(persister_.get(), buffer_.get(), Options(milliseconds(0)));
  while (buffer_->CheckCapacity().ok()) {
    Write(now_.load(), 100);
  }
  absl::Status room = scheduler.WaitForRoom();
  EXPECT_EQ(room.code(), absl::StatusCode::kUnavailable) << room;
  scheduler.Start();
  scheduler.Stop();
  room = scheduler.WaitForRoom();
  EXPECT_EQ(room.code(), absl::StatusCode::kUnavailable) << room;
  EXPECT_NE(room.message().find("stopping"), std::string_view::npos) << room;
  scheduler.Stop();  // idempotent
}

}  // namespace
}  // namespace strata::persist
