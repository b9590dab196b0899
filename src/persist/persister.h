// Snapshots: moving closed time windows of the write buffer into Parquet files on the object
// store, recording them in the file index, and letting the WAL drop what is persisted. The
// protocol (why a crash at any step loses nothing and counts nothing twice) is in
// docs/persistence.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "objectstore/object_store.h"
#include "persist/file_index.h"

namespace strata::persist {

// One frozen partition as a Parquet file.
struct EncodedFile {
  std::string bytes;
  int64_t row_count = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  std::vector<ColumnStats> columns;
};

// Turns a frozen partition into a file (sorted by series key and time).
using PartitionEncoder =
    std::function<absl::StatusOr<EncodedFile>(const buffer::WriteBuffer::FrozenTablePartition&)>;

// What the persister needs from the write path and the WAL (functions, so that tests can stand
// in for them).
struct WalHooks {
  // Blocks until WAL records up to the sequence are durable (Wal::WaitDurable).
  std::function<absl::Status(uint64_t)> wait_durable;
  // The next WAL sequence to be applied to the buffer (WritePath::NextApplySequence).
  std::function<uint64_t()> next_apply_sequence;
  // Removes WAL segments holding only records up to the sequence (Wal::RemoveSegmentsThrough).
  std::function<absl::Status(uint64_t)> remove_through;
};

struct PersisterOptions {
  // A checkpoint of the whole index is written every this many snapshots.
  int checkpoint_interval = 100;
  // The clock for record timestamps (ns since the epoch).
  std::function<int64_t()> clock_ns;
};

// What one snapshot did.
struct SnapshotSummary {
  uint64_t sequence = 0;  // 0: there was nothing to persist
  int files = 0;
  int64_t rows = 0;
  uint64_t bytes = 0;
  // The WAL records up to this sequence were removable after it (0: none).
  uint64_t wal_removed_through = 0;
};

// Thread-safe; snapshots run one at a time. The buffer and store must outlive it.
class Persister {
 public:
  Persister(buffer::WriteBuffer* buffer,
            objectstore::ObjectStore* store,
            PartitionEncoder encode,
            WalHooks wal,
            PersisterOptions options = {});

  // Loads the file index, removes the files of a snapshot that never committed, and tells the
  // buffer which windows are persisted through which WAL record. Call once, before WAL replay.
  absl::Status Open();

  // Persists every writable partition of the buffer whose last nanosecond is <= max_last
  // (INT64_MAX: everything buffered), plus partitions a failed snapshot left frozen. Returns once
  // the files and the index record are durable and the WAL is trimmed. On error the frozen
  // partitions stay in the buffer (queries still see them) and the next snapshot retries them.
  absl::StatusOr<SnapshotSummary> Snapshot(int64_t max_last);

  // The index as of the last committed snapshot. Immutable; replaced on every commit.
  std::shared_ptr<const FileIndex> index() const;

  // What a query reads of one table: the file index and the buffer's chunks with a row in
  // [min_time, max_time], taken together. A snapshot publishes its index and releases the
  // partitions it persisted as one step with respect to this, so every row is in exactly one of
  // them (never in both, never in neither).
  struct TableView {
    std::shared_ptr<const FileIndex> index;
    std::vector<buffer::ChunkSnapshotPtr> chunks;
  };
  TableView ViewTable(uint32_t database_id,
                      uint32_t table_id,
                      int64_t min_time,
                      int64_t max_time) const;

 private:
  buffer::WriteBuffer* const buffer_;
  objectstore::ObjectStore* const store_;
  const PartitionEncoder encode_;
  const WalHooks wal_;
  const PersisterOptions options_;

  std::mutex snapshot_mu_;  // one snapshot at a time
  // Partitions frozen by a snapshot that failed, to retry. Guarded by snapshot_mu_.
  std::vector<buffer::WriteBuffer::FrozenTablePartition> pending_;
  FileIndex working_;  // guarded by snapshot_mu_

  mutable std::mutex index_mu_;
  std::shared_ptr<const FileIndex> index_;  // guarded by index_mu_
  // Held exclusively while a commit publishes its index and releases its partitions, shared by
  // ViewTable.
  mutable std::shared_mutex publish_mu_;
};

}  // namespace strata::persist
