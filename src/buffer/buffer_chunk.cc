// Chunk columns: creation, copy-on-write, padding, snapshots.
#include "buffer/buffer_chunk.h"

#include <limits>

#include "common/check.h"

namespace strata::buffer {

ReadLease::~ReadLease() {
  for (const std::shared_ptr<ReaderCount>& count : counts_) {
    count->fetch_sub(1, std::memory_order_release);
  }
}

void ReadLease::Hold(const std::shared_ptr<ReaderCount>& count) {
  count->fetch_add(1, std::memory_order_relaxed);
  counts_.push_back(count);
}

ColumnPtr ReadLease::Share(const std::shared_ptr<ReadLease>& lease,
                           std::shared_ptr<Column> column) {
  const Column* raw = column.get();
  lease->columns_.push_back(std::move(column));
  return ColumnPtr(lease, raw);  // aliasing: owns the lease, points at the column
}

BufferChunk::BufferChunk(uint64_t id, int64_t partition_start, uint64_t partition_id)
    : id_(id),
      partition_start_(partition_start),
      partition_id_(partition_id),
      min_time_(std::numeric_limits<int64_t>::max()),
      max_time_(std::numeric_limits<int64_t>::min()),
      time_(std::make_shared<Column>(TypeId::kTimestamp)),
      readers_(std::make_shared<ReaderCount>(0)) {}

void BufferChunk::BeginWrite(uint64_t epoch, uint64_t version) {
  write_epoch_ = epoch;
  version_ = version;
  // Copy-on-write: while a snapshot may read the columns they are copied once, here, and the rest
  // of the write modifies only the copies, which nobody else can see. No snapshot can start until
  // the write ends (the table lock is held), so the copies stay private for the whole write.
  if (!HasReaders(*readers_)) {
    return;
  }
  time_ = std::make_shared<Column>(*time_);
  for (BufferChunkColumn& column : columns_) {
    if (column.column != nullptr) {
      column.column = std::make_shared<Column>(*column.column);
    }
  }
  readers_ = std::make_shared<ReaderCount>(0);
}

BufferChunkColumn& BufferChunk::CreateColumn(size_t slot,
                                             TypeId type,
                                             const std::shared_ptr<StringDictionary>& dictionary) {
  if (slot >= columns_.size()) {
    columns_.resize(slot + 1);
  }
  BufferChunkColumn& column = columns_[slot];
  column.column =
      std::make_shared<Column>(type, type == TypeId::kDictionary ? dictionary : nullptr);
  column.statistics = ColumnStatisticsBuilder(type);
  return column;
}

void BufferChunk::RebindDictionary(BufferChunkColumn* column,
                                   const std::shared_ptr<StringDictionary>& dictionary) {
  const Column& old = *column->column;
  STRATA_CHECK(old.type() == TypeId::kDictionary);
  STRATA_CHECK_LE(old.dictionary()->size(), dictionary->size());
  auto fresh = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  fresh->Reserve(old.size());
  for (int64_t i = 0; i < old.size(); ++i) {
    if (old.IsNull(i)) {
      fresh->AppendNull();
    } else {
      fresh->AppendDictionaryCode(old.GetDictionaryCode(i));
    }
  }
  column->column = std::move(fresh);
}

void BufferChunk::PadColumns() {
  for (BufferChunkColumn& column : columns_) {
    if (column.column != nullptr && column.column->size() < rows_) {
      column.column->AppendNulls(rows_ - column.column->size());
    }
  }
}

size_t BufferChunk::MemoryUsage() const {
  size_t bytes = sizeof(BufferChunk) + time_->MemoryUsage() + sizeof(Column) +
                 columns_.capacity() * sizeof(BufferChunkColumn);
  for (const BufferChunkColumn& column : columns_) {
    if (column.column != nullptr) {
      bytes += sizeof(Column) + column.column->MemoryUsage() + column.statistics.MemoryUsage();
    }
  }
  return bytes;
}

ChunkSnapshotPtr BufferChunk::Snapshot(uint32_t database_id,
                                       uint32_t table_id,
                                       const std::vector<uint32_t>& column_ids,
                                       const std::vector<uint32_t>& slot_order,
                                       const std::shared_ptr<ReadLease>& lease) const {
  STRATA_CHECK_EQ(time_->size(), rows_);
  std::shared_ptr<ChunkSnapshot> snapshot(new ChunkSnapshot());
  snapshot->database_id_ = database_id;
  snapshot->table_id_ = table_id;
  snapshot->chunk_id_ = id_;
  snapshot->version_ = version_;
  snapshot->partition_start_ = partition_start_;
  snapshot->partition_id_ = partition_id_;
  snapshot->sealed_ = sealed_;
  snapshot->row_count_ = rows_;
  snapshot->min_time_ = min_time_;
  snapshot->max_time_ = max_time_;
  lease->Hold(readers_);
  snapshot->time_column_ = ReadLease::Share(lease, time_);
  snapshot->lease_ = lease;
  snapshot->columns_.reserve(columns_.size());
  for (uint32_t slot : slot_order) {
    if (slot >= columns_.size() || columns_[slot].column == nullptr) {
      continue;
    }
    const BufferChunkColumn& column = columns_[slot];
    STRATA_CHECK_EQ(column.column->size(), rows_);
    snapshot->columns_.push_back(
        ChunkColumnSnapshot{column_ids[slot],
                            ReadLease::Share(lease, column.column),
                            column.statistics.Finish(column.column->null_count())});
  }
  return snapshot;
}

}  // namespace strata::buffer
