// The write buffer: every accepted row, in memory, as columnar chunks per table partitioned by
// time, with statistics; duplicate points merged. What the query engine scans and prunes and what
// persistence will snapshot to Parquet. The model is described in docs/write_buffer.md.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "buffer/chunk_snapshot.h"
#include "buffer/table_buffer.h"
#include "buffer/write_buffer_options.h"
#include "catalog/write_batch.h"
#include "common/byte_size.h"

namespace strata::buffer {

// Thread-safe. Apply locks only the tables a batch writes to, so writers of different tables run
// in parallel; readers take snapshots that stay valid and unchanged while later writes proceed.
class WriteBuffer {
 public:
  using TableStats = buffer::TableStats;

  // REQUIRES: ValidateWriteBufferOptions(options).ok() (checked).
  explicit WriteBuffer(WriteBufferOptions options = {});
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;
  ~WriteBuffer();

  // Adds the rows of `batch`. Within a batch later rows win over earlier duplicates; across
  // batches the later Apply wins, so the caller applies batches in WAL order. Never fails, not
  // even past the memory limit: a batch that reached the WAL must be applied (callers check
  // CheckCapacity() before accepting a write). Each table's rows of the batch become visible to
  // snapshots at once.
  // `sequence` is the batch's WAL record (0: none, as in tests): rows of windows already
  // persisted through it are skipped (see SetPersistedThrough), and each partition remembers the
  // sequences written into it, for MinSequence.
  void Apply(const WriteBatch& batch, uint64_t sequence = 0);

  // Persistence. A snapshot freezes the partitions it persists (their rows stay visible to
  // queries), writes them elsewhere, then releases them; the WAL can drop every record below
  // MinSequence().

  // One frozen partition of a table (see TableBuffer::Freeze).
  struct FrozenTablePartition {
    uint32_t database_id = 0;
    uint32_t table_id = 0;
    FrozenPartition partition;
  };
  // Freezes, in every table, the writable partitions whose last nanosecond is <= max_last
  // (INT64_MAX: all of them), in (database, table, time) order.
  std::vector<FrozenTablePartition> Freeze(int64_t max_last);
  // Drops a frozen partition once its rows are durable elsewhere.
  void Release(uint32_t database_id, uint32_t table_id, uint64_t freeze_id);
  // Before replay: rows in [start, last] of WAL records up to `sequence` are persisted, and Apply
  // skips them.
  void SetPersistedThrough(
      uint32_t database_id, uint32_t table_id, int64_t start, int64_t last, uint64_t sequence);
  // The lowest WAL sequence of any buffered row (frozen or not), or UINT64_MAX when none is.
  uint64_t MinSequence() const;

  // Returns ResourceExhausted ("write buffer is full: ...") when memory_usage() has reached the
  // limit, else OK. Cheap (one atomic load): call it for every write request.
  absl::Status CheckCapacity() const;

  // Approximate bytes held by buffered data: columns, dictionaries, series and duplicate indexes.
  // Memory still held only by readers' snapshots is not included.
  size_t memory_usage() const { return static_cast<size_t>(memory_bytes_.load()); }
  size_t memory_limit_bytes() const { return options_.memory_limit_bytes; }
  const WriteBufferOptions& options() const { return options_; }

  // Returns immutable snapshots of every chunk of a table (empty when the table has no rows), in
  // time partition order. Copies no row data: see ChunkSnapshot.
  std::vector<ChunkSnapshotPtr> SnapshotTable(uint32_t database_id, uint32_t table_id) const;
  // Same, restricted to the chunks that may hold a row with min_time <= time <= max_time (pruned
  // by partition and by each chunk's time bounds).
  std::vector<ChunkSnapshotPtr> SnapshotTable(uint32_t database_id,
                                              uint32_t table_id,
                                              int64_t min_time,
                                              int64_t max_time) const;

  // Counts and bounds of one table, or nullopt when the buffer has never seen it.
  std::optional<TableStats> table_stats(uint32_t database_id, uint32_t table_id) const;

  // The (database_id, table_id) pairs present, sorted.
  std::vector<std::pair<uint32_t, uint32_t>> tables() const;

 private:
  static uint64_t TableKey(uint32_t database_id, uint32_t table_id) {
    return (uint64_t{database_id} << 32) | table_id;
  }
  std::shared_ptr<TableBuffer> FindTable(uint32_t database_id, uint32_t table_id) const;
  std::shared_ptr<TableBuffer> FindOrCreateTable(uint32_t database_id, uint32_t table_id);

  const WriteBufferOptions options_;
  mutable std::shared_mutex mu_;
  // Tables are never removed yet; they are shared_ptrs so that a future drop can run while
  // another thread still uses the table.
  absl::flat_hash_map<uint64_t, std::shared_ptr<TableBuffer>> tables_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> memory_bytes_{0};
};

}  // namespace strata::buffer
