// The buffered rows of one table: time partitions of columnar chunks, series identity, shared tag
// dictionaries, the duplicate-point index, and immutable snapshots for readers. Internal to the
// buffer module; WriteBuffer (write_buffer.h) owns one TableBuffer per (database, table).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "buffer/buffer_chunk.h"
#include "buffer/chunk_snapshot.h"
#include "buffer/series_registry.h"
#include "buffer/write_buffer_options.h"
#include "catalog/write_batch.h"
#include "columnar/string_dictionary.h"

namespace strata::buffer {

// Counts and bounds of one table's buffered data, for tests, /debug and metrics.
struct TableStats {
  int64_t rows = 0;
  int64_t chunks = 0;
  int64_t partitions = 0;
  // Over all rows; INT64_MAX / INT64_MIN when there are none.
  int64_t min_time = std::numeric_limits<int64_t>::max();
  int64_t max_time = std::numeric_limits<int64_t>::min();
  // Distinct tag sets seen.
  int64_t series = 0;
  // Rows that were duplicates of a buffered point (same series and time) and merged into it.
  int64_t merged_rows = 0;
  // Partitions frozen for persistence and not yet released (included in rows and chunks).
  int64_t frozen_partitions = 0;
  // Rows Apply skipped because their window was already persisted (WAL replay).
  int64_t skipped_persisted_rows = 0;
  // Cells ignored because they contradicted the type the table's column already has (or were
  // malformed); the catalog prevents this, so anything but 0 points at a bug upstream.
  int64_t dropped_cells = 0;
  // Times a tag dictionary was copied because a snapshot was reading it (see docs/write_buffer.md).
  int64_t dictionary_copies = 0;
  // Approximate bytes held, as counted in WriteBuffer::memory_usage().
  int64_t memory_bytes = 0;
};

// A partition taken out of the writable set to be persisted (TableBuffer::Freeze). Its chunks no
// longer change; later rows for its time window start a new partition. Queries keep seeing it
// until it is released, once its rows are durable elsewhere.
struct FrozenPartition {
  uint64_t freeze_id = 0;
  int64_t start = 0;
  int64_t last = 0;  // the window's last nanosecond (inclusive)
  // The WAL sequences of the first and last writes into it: every WAL record up to max_sequence
  // that wrote a row of this window is in it (or in an earlier frozen partition of the window).
  uint64_t min_sequence = 0;
  uint64_t max_sequence = 0;
  int64_t rows = 0;
  std::vector<ChunkSnapshotPtr> chunks;
};

// Thread-safe: Apply, Snapshot and Stats take the table's lock, so writes to one table are
// serialized and a snapshot sees whole TableWrites. Snapshots share column storage with the
// table; a later write copies a column (copy-on-write) only if a snapshot still holds it.
class TableBuffer {
 public:
  TableBuffer(uint32_t database_id, uint32_t table_id, const WriteBufferOptions& options);
  TableBuffer(const TableBuffer&) = delete;
  TableBuffer& operator=(const TableBuffer&) = delete;

  uint32_t database_id() const { return database_id_; }
  uint32_t table_id() const { return table_id_; }

  // Appends the rows of `write` in order, merging duplicate points (same tag set and time) into
  // the buffered row, the later value winning per field. Never fails: malformed cells are dropped
  // and counted. `sequence` is the WAL record's (0: none, as in tests); a row of a window already
  // persisted through that sequence (SetPersistedThrough) is skipped, as replay needs. Returns the
  // change in memory usage, in bytes.
  int64_t Apply(const TableWrite& write, uint64_t sequence = 0);

  // Freezes every writable partition whose last nanosecond is <= max_last and returns them, in
  // time order; *memory_delta gets the change in memory usage (their duplicate indexes go).
  std::vector<FrozenPartition> Freeze(int64_t max_last, int64_t* memory_delta);
  // Drops frozen partition `freeze_id` (its rows are persisted) and returns the change in memory
  // usage. Unknown ids are ignored.
  int64_t Release(uint64_t freeze_id);
  // Rows of WAL records up to `sequence` in [start, last] are persisted: Apply skips them.
  void SetPersistedThrough(int64_t start, int64_t last, uint64_t sequence);
  // The lowest WAL sequence of a row still buffered here (writable or frozen), or UINT64_MAX.
  uint64_t MinSequence() const;

  // Returns snapshots of every chunk with a row in [min_time, max_time], in partition order.
  std::vector<ChunkSnapshotPtr> Snapshot(int64_t min_time, int64_t max_time) const;

  TableStats Stats() const;

  // The start of the partition holding `time`: floor(time / d) * d, or INT64_MIN when that is
  // below the int64 range.
  static int64_t PartitionStart(int64_t time, int64_t duration);

 private:
  // A column of the table, in slot order (slot = dense per-table number, by first appearance).
  struct TableColumn {
    uint32_t column_id = 0;
    TypeId type = TypeId::kInt64;
    // Tags only: the current generation of the tag's dictionary and its readers. A dictionary
    // with readers is never modified: a new value goes into a copy that becomes the next
    // generation (same codes, plus the new value).
    std::shared_ptr<StringDictionary> dictionary;
    std::shared_ptr<ReaderCount> readers;
  };

  // One tag of a series: the table slot and the dictionary code of its value.
  struct SeriesTag {
    uint32_t slot;
    int32_t code;
  };

  // Duplicate index entry: the row of the partition (chunk * max_chunk_rows + row in chunk)
  // holding the point (series, time). Hash and equality ignore `row`.
  struct RowIndexEntry {
    int64_t time;
    uint32_t series;
    uint32_t row;
  };
  struct RowIndexHash {
    size_t operator()(const RowIndexEntry& e) const { return absl::HashOf(e.time, e.series); }
  };
  struct RowIndexEq {
    bool operator()(const RowIndexEntry& a, const RowIndexEntry& b) const {
      return a.time == b.time && a.series == b.series;
    }
  };

  // One time partition: chunks in order, all but the last full and sealed.
  struct Partition {
    uint64_t id = 0;  // ChunkSnapshot::partition_id
    int64_t start = 0;
    int64_t last = 0;  // the partition's last nanosecond (inclusive, saturated at INT64_MAX)
    std::vector<std::unique_ptr<BufferChunk>> chunks;
    absl::flat_hash_set<RowIndexEntry, RowIndexHash, RowIndexEq> index;
    int64_t rows = 0;
    uint64_t write_epoch = 0;
    size_t memory_bytes = 0;
    uint64_t min_sequence = 0;  // of the writes into it (0 until one with a sequence)
    uint64_t max_sequence = 0;
  };

  // A persisted window (SetPersistedThrough).
  struct PersistedWindow {
    int64_t last;
    uint64_t sequence;
  };
  bool IsPersisted(int64_t time, uint64_t sequence) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  uint32_t ResolveSeries(const TableWrite& write, const CellValue* begin, const CellValue* end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RegisterSeriesTags(const TableWrite& write, const CellValue* begin, const CellValue* end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int32_t InternTag(uint32_t slot, std::string_view value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Returns the slot of `column_id`, adding it with `type` when new; -1 (and counts a dropped
  // cell) when the column has another type or `type` is not a valid cell type.
  int32_t SlotFor(uint32_t column_id, TypeId type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (column_id < dense_slots_.size()) {
      int32_t slot = dense_slots_[column_id];
      if (slot >= 0 && columns_[static_cast<size_t>(slot)].type == type) {
        return slot;
      }
    }
    return SlotForSlow(column_id, type);
  }
  int32_t SlotForSlow(uint32_t column_id, TypeId type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Partition* PartitionFor(int64_t time) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  BufferChunk* WritableChunk(BufferChunk* chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rows that are new points of one partition are collected into a run and appended together
  // (column at a time when they have the same columns), which is several times cheaper than row
  // by row. A run ends before a merge (which may target one of its rows), at a partition change
  // and when the chunk is full.
  void StartRun(Partition* partition) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FlushRun(const TableWrite& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends the run column by column and returns true, or returns false (appending nothing) when
  // its rows differ in shape.
  bool AppendUniformRun(BufferChunk* chunk, const TableWrite& write)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AppendRow(BufferChunk* chunk, uint32_t series, const RowRef& row, const TableWrite& write)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MergeRow(Partition* partition,
                uint32_t partition_row,
                const RowRef& row,
                const TableWrite& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // False (and counts a dropped cell) when a field cell cannot be stored.
  bool FieldCellUsable(const TableWrite& write, const CellValue& cell)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NoteDroppedCell(uint32_t column_id, TypeId type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  size_t PartitionMemoryUsage(const Partition& partition) const;
  // Recomputes memory_bytes_ and returns its change.
  int64_t UpdateMemoryUsage() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::shared_ptr<ReadLease> NewLease() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends snapshots of the partition's chunks with a row in [min_time, max_time].
  void SnapshotPartition(const Partition& partition,
                         int64_t min_time,
                         int64_t max_time,
                         const std::shared_ptr<ReadLease>& lease,
                         std::vector<ChunkSnapshotPtr>* out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  size_t TableLevelMemoryUsage() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uint32_t database_id_;
  const uint32_t table_id_;
  const WriteBufferOptions options_;

  mutable std::mutex mu_;

  // Columns by slot; slot lookup by column id (dense vector for small ids, map for the rest);
  // slots ordered by column id (for snapshots) and each slot's column id.
  std::vector<TableColumn> columns_ ABSL_GUARDED_BY(mu_);
  std::vector<int32_t> dense_slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint32_t, int32_t> sparse_slots_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> slot_order_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> slot_column_ids_ ABSL_GUARDED_BY(mu_);
  // Older generations of tag dictionaries, kept alive by chunks or snapshots that use them;
  // counted in memory usage while alive.
  std::vector<std::weak_ptr<StringDictionary>> retired_dictionaries_ ABSL_GUARDED_BY(mu_);

  // Series: id by canonical tag-set key; the tags of series s are
  // series_tags_[series_tag_begin_[s] .. series_tag_begin_[s + 1]); the id of the last chunk a
  // row of series s was appended to (to update tag statistics once per chunk and series).
  SeriesRegistry series_ ABSL_GUARDED_BY(mu_);
  std::vector<SeriesTag> series_tags_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> series_tag_begin_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> series_last_chunk_ ABSL_GUARDED_BY(mu_);

  absl::btree_map<int64_t, std::unique_ptr<Partition>> partitions_ ABSL_GUARDED_BY(mu_);
  // Frozen partitions by freeze id (ids grow, so also in freezing order).
  absl::btree_map<uint64_t, std::unique_ptr<Partition>> frozen_ ABSL_GUARDED_BY(mu_);
  uint64_t next_freeze_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Persisted windows by start (several durations may have been used over time).
  absl::btree_map<int64_t, PersistedWindow> persisted_ ABSL_GUARDED_BY(mu_);
  int64_t longest_persisted_window_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Partition*> touched_partitions_ ABSL_GUARDED_BY(mu_);  // scratch for one Apply

  // The pending run (see StartRun): rows of `write` (index and series) that become the next rows
  // of run_partition_'s last chunk, at most run_capacity_ of them; and scratch for appending it.
  struct PendingRow {
    uint32_t row;
    uint32_t series;
  };
  std::vector<PendingRow> run_ ABSL_GUARDED_BY(mu_);
  Partition* run_partition_ ABSL_GUARDED_BY(mu_) = nullptr;
  int64_t run_capacity_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<uint32_t> run_cells_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> run_first_in_chunk_ ABSL_GUARDED_BY(mu_);

  uint64_t write_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_version_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_chunk_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_partition_id_ ABSL_GUARDED_BY(mu_) = 1;
  int64_t rows_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t merged_rows_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t skipped_persisted_rows_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t dropped_cells_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t dictionary_copies_ ABSL_GUARDED_BY(mu_) = 0;
  size_t partitions_memory_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  size_t memory_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace strata::buffer
