// The mutable side of a write buffer chunk: its columns, their statistics, copy-on-write against
// readers' snapshots, and the snapshot itself. Internal to the buffer module; every function
// REQUIRES the owning TableBuffer's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "buffer/chunk_snapshot.h"
#include "buffer/column_statistics.h"
#include "columnar/column.h"
#include "columnar/string_dictionary.h"

namespace strata::buffer {

// The number of live snapshots that may read an object (a chunk's columns, a tag dictionary).
// Writers modify the object in place only while it is zero, and otherwise switch to a copy with
// a fresh count. Snapshots decrement it with release order when dropped, and writers read it with
// acquire order, so a reader's last reads happen before the writer's first write.
using ReaderCount = std::atomic<int64_t>;

// Held by every snapshot taken in one SnapshotTable call (and by every ColumnPtr they hand out):
// owns the columns they show and holds one reader on each ReaderCount they depend on.
class ReadLease {
 public:
  ReadLease() = default;
  ReadLease(const ReadLease&) = delete;
  ReadLease& operator=(const ReadLease&) = delete;
  ~ReadLease();

  // Counts this lease as a reader of `count` until the lease is destroyed.
  // REQUIRES: the lock of the table owning `count`, so that writers see the increment.
  void Hold(const std::shared_ptr<ReaderCount>& count);

  // Keeps `column` alive with the lease; returns it as a pointer that shares the lease's
  // ownership, so holding the column alone still holds the lease.
  static ColumnPtr Share(const std::shared_ptr<ReadLease>& lease, std::shared_ptr<Column> column);

 private:
  std::vector<std::shared_ptr<ReaderCount>> counts_;
  std::vector<std::shared_ptr<const Column>> columns_;
};

// True when a live snapshot may read the object counted by `count`. When false, the caller (which
// holds the table lock, so no snapshot can start) may modify the object.
inline bool HasReaders(const ReaderCount& count) {
  return count.load(std::memory_order_acquire) != 0;
}

// One column of a chunk under construction.
struct BufferChunkColumn {
  // Null when no row of the chunk has a value for this column yet. May be shared with snapshots:
  // BufferChunk::BeginWrite copies it before any write.
  std::shared_ptr<Column> column;
  ColumnStatisticsBuilder statistics{TypeId::kInt64};
};

// The rows of one partition that fit one chunk. Columns are indexed by the table's column slot
// (its dense per-table number, see TableBuffer). A column may be shorter than rows() during a
// write: the missing tail is implicitly null, and PadColumns() materializes it before the table
// lock is released, so snapshots always see full-length columns.
class BufferChunk {
 public:
  BufferChunk(uint64_t id, int64_t partition_start, uint64_t partition_id);
  BufferChunk(const BufferChunk&) = delete;
  BufferChunk& operator=(const BufferChunk&) = delete;

  uint64_t id() const { return id_; }
  int64_t partition_start() const { return partition_start_; }
  int64_t rows() const { return rows_; }
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }
  bool sealed() const { return sealed_; }
  void Seal() { sealed_ = true; }

  // The write epoch of the last write that touched this chunk (see TableBuffer::Apply).
  uint64_t write_epoch() const { return write_epoch_; }
  // Marks the chunk as written by epoch `epoch` with contents version `version`, and makes its
  // columns safe to modify (copy-on-write).
  void BeginWrite(uint64_t epoch, uint64_t version);

  // Appends a row's time. The rows are complete after their other values are appended (columns
  // may lag, see the class comment) and FinishRows() counted them.
  void AppendTime(int64_t time) {
    time_->AppendInt64(time);
    min_time_ = time < min_time_ ? time : min_time_;
    max_time_ = time > max_time_ ? time : max_time_;
  }
  void FinishRows(int64_t count) { rows_ += count; }

  // Returns the column in `slot`, creating it (empty: every row so far is implicitly null) with
  // `type` and, for kDictionary, `dictionary`.
  BufferChunkColumn& ColumnAt(size_t slot,
                              TypeId type,
                              const std::shared_ptr<StringDictionary>& dictionary) {
    if (slot < columns_.size() && columns_[slot].column != nullptr) {
      return columns_[slot];
    }
    return CreateColumn(slot, type, dictionary);
  }

  // Makes a kDictionary column use `dictionary`, a newer generation of its tag dictionary that
  // keeps every code of the old one. Copies the codes (a Column's dictionary is fixed).
  void RebindDictionary(BufferChunkColumn* column,
                        const std::shared_ptr<StringDictionary>& dictionary);

  // Appends nulls to every column shorter than rows().
  void PadColumns();

  // Heap bytes held by the columns and statistics (not the shared dictionaries).
  size_t MemoryUsage() const;

  // Returns an immutable view of the chunk. Shares the columns (no copy) and registers `lease` as
  // their reader, so the next write copies them first. `column_ids[slot]` is the catalog id of
  // each slot, `slot_order` lists the slots by increasing column id.
  // REQUIRES: no write in progress (columns padded).
  ChunkSnapshotPtr Snapshot(uint32_t database_id,
                            uint32_t table_id,
                            const std::vector<uint32_t>& column_ids,
                            const std::vector<uint32_t>& slot_order,
                            const std::shared_ptr<ReadLease>& lease) const;

 private:
  BufferChunkColumn& CreateColumn(size_t slot,
                                  TypeId type,
                                  const std::shared_ptr<StringDictionary>& dictionary);

  const uint64_t id_;
  const int64_t partition_start_;
  const uint64_t partition_id_;
  uint64_t write_epoch_ = 0;
  uint64_t version_ = 0;
  int64_t rows_ = 0;
  int64_t min_time_;
  int64_t max_time_;
  bool sealed_ = false;
  std::shared_ptr<Column> time_;
  std::vector<BufferChunkColumn> columns_;
  // Readers of the current time_ and columns_.
  std::shared_ptr<ReaderCount> readers_;
};

}  // namespace strata::buffer
