// Immutable views of write buffer chunks: what the query engine scans and prunes and what
// persistence writes to Parquet. A snapshot never changes after it is taken, and holding one
// never blocks writers (see docs/write_buffer.md, "Concurrency").
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "buffer/column_statistics.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"

namespace strata::buffer {

class BufferChunk;
class ReadLease;

// One column of a chunk snapshot, identified by its catalog column id.
struct ChunkColumnSnapshot {
  uint32_t column_id = 0;
  // row_count() values. Tag columns are kDictionary; their dictionary() extends every earlier
  // dictionary of the same tag in the same table, so a code means the same string in every chunk
  // of a table. Readers must not modify the column or its dictionary.
  ColumnPtr column;
  ColumnStatistics statistics;
};

// The rows of one chunk at one moment: a time column, one column per column id that has a value
// in any of its rows, and statistics. A column id absent from columns() is null in every row.
// Held as std::shared_ptr<const ChunkSnapshot>; its columns stay valid and unchanged for as long
// as the snapshot or a ColumnPtr taken from it lives, whatever is written afterwards. (Keep a
// ColumnPtr rather than a copy of a column's dictionary() pointer: only the former keeps the
// dictionary from being appended to.)
class ChunkSnapshot {
 public:
  uint32_t database_id() const { return database_id_; }
  uint32_t table_id() const { return table_id_; }
  // Identifies the chunk within its table for the life of the write buffer.
  uint64_t chunk_id() const { return chunk_id_; }
  // Grows whenever the chunk changes; equal (chunk_id, version) means equal contents, so a cache
  // or a persister can tell whether its copy is current.
  uint64_t version() const { return version_; }
  // The start of the time partition holding the chunk: every row has
  // partition_start() <= time < partition_start() + partition duration. (The partition of the
  // most negative times starts at INT64_MIN rather than below it.)
  int64_t partition_start() const { return partition_start_; }
  // The partition holding the chunk, unique in its table for the life of the write buffer. A
  // window can have several partitions (one frozen for a snapshot, a newer one for rows that
  // arrived since); ids grow in creation order, so of two partitions of one window the higher id
  // holds the later writes. Chunks of one partition never hold the same point (series and time)
  // twice; chunks of different partitions of one window may.
  uint64_t partition_id() const { return partition_id_; }
  // True once the chunk reached the row limit: it gets no more rows, only merged duplicates.
  bool sealed() const { return sealed_; }

  int64_t row_count() const { return row_count_; }
  // Exact bounds of the time column (duplicates merge at equal times, so they stay exact).
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }
  // True when some row may have min <= time <= max.
  bool OverlapsTime(int64_t min, int64_t max) const { return min_time_ <= max && max_time_ >= min; }

  // The time column (kTimestamp, never null), in insertion order (not sorted).
  const ColumnPtr& time_column() const { return time_column_; }
  // Every other column, sorted by column_id.
  const std::vector<ChunkColumnSnapshot>& columns() const { return columns_; }
  // Returns the column with id `column_id`, or nullptr when every row is null for it.
  const ChunkColumnSnapshot* FindColumn(uint32_t column_id) const;

 private:
  friend class BufferChunk;
  ChunkSnapshot() = default;

  uint32_t database_id_ = 0;
  uint32_t table_id_ = 0;
  uint64_t chunk_id_ = 0;
  uint64_t version_ = 0;
  int64_t partition_start_ = 0;
  uint64_t partition_id_ = 0;
  bool sealed_ = false;
  int64_t row_count_ = 0;
  int64_t min_time_ = 0;
  int64_t max_time_ = 0;
  ColumnPtr time_column_;
  std::vector<ChunkColumnSnapshot> columns_;
  // Marks the chunk's columns and the table's tag dictionaries as being read, so that writers
  // copy them instead of modifying them. Every ColumnPtr above shares ownership of the lease.
  std::shared_ptr<const ReadLease> lease_;
};

using ChunkSnapshotPtr = std::shared_ptr<const ChunkSnapshot>;

}  // namespace strata::buffer
