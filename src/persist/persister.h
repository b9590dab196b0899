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

// Merges the rows of several files of one table window into one file (sorted by series key and
// time, one row per point: per column the value of the latest file that has one, files ordered
// by (snapshot_sequence, file_id)). The inputs come in that order.
using CompactionEncoder =
    std::function<absl::StatusOr<EncodedFile>(const std::vector<ParquetFileInfo>& inputs)>;

// A table window whose rows are in more than one file.
struct CompactionCandidate {
  uint32_t database_id = 0;
  uint32_t table_id = 0;
  int64_t window_start = 0;
  int files = 0;
  int64_t rows = 0;  // in its files together
};

// What one compaction did.
struct CompactionSummary {
  uint64_t sequence = 0;  // 0: there was nothing to compact
  int input_files = 0;
  int64_t input_rows = 0;
  int64_t rows = 0;  // in the merged file (input_rows minus the points written more than once)
  uint64_t bytes = 0;
};

// Thread-safe; snapshots and compactions run one at a time. The buffer and store must outlive
// it.
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

  // Table windows with at least `min_files` files, oldest window first.
  std::vector<CompactionCandidate> CompactionCandidates(int min_files) const;

  // Rewrites every file of the window of (database, table) starting at `window_start` into one,
  // with `encode`, and commits a record that adds it and removes them. The merged file takes
  // the snapshot sequence of its newest input, so files written for the window later still win
  // over it. Queries that hold an older index keep reading the old files: they are deleted by
  // DeleteRetiredFiles once no such index is in use. A window with fewer than two files is left
  // alone (sequence 0).
  absl::StatusOr<CompactionSummary> Compact(uint32_t database_id,
                                            uint32_t table_id,
                                            int64_t window_start,
                                            const CompactionEncoder& encode);

  // Deletes the files compactions replaced that no index in use (held by a query) lists any
  // more. Returns how many it deleted. Cheap when there are none.
  int DeleteRetiredFiles();

  // Files replaced by compactions and not deleted yet.
  int retired_files() const;

 private:
  // Publishes `next` as the index (under publish_mu_ held by the caller) and remembers it, so
  // that DeleteRetiredFiles knows which indexes are still in use.
  void PublishLocked(std::shared_ptr<const FileIndex> next);
  // Writes a checkpoint every options_.checkpoint_interval sequences. Under snapshot_mu_.
  void MaybeCheckpoint(uint64_t sequence, int64_t created_unix_nanos);

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
  // Every index published, by its last sequence, while a query may hold it; and the paths of
  // files removed by the compaction of a sequence. Guarded by index_mu_.
  std::vector<std::pair<uint64_t, std::weak_ptr<const FileIndex>>> published_;
  std::vector<std::pair<uint64_t, std::string>> retired_;
  // Held exclusively while a commit publishes its index and releases its partitions, shared by
  // ViewTable.
  mutable std::shared_mutex publish_mu_;
};

}  // namespace strata::persist
