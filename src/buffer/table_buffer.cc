// Applying TableWrites to a table's partitions and chunks, and taking snapshots of them.
#include "buffer/table_buffer.h"

#include <algorithm>
#include <cstring>

#include "common/check.h"
#include "common/logging.h"

namespace strata::buffer {
namespace {

// Column ids below this use a vector for slot lookup (the catalog hands out dense ids from 0);
// larger ids fall back to a hash map so that a stray id cannot make the vector huge.
constexpr uint32_t kMaxDenseColumnId = 1 << 16;

// The most duplicate index entries reserved ahead for a new partition (16 bytes each).
constexpr int64_t kMaxIndexReserve = 1 << 22;

bool IsFieldType(TypeId type) {
  switch (type) {
    case TypeId::kBool:
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kString:
      return true;
    case TypeId::kDictionary:
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      return false;
  }
  return false;
}

bool StringInBounds(const TableWrite& write, const CellValue& cell) {
  size_t heap = write.string_heap.size();
  return cell.str.offset <= heap && cell.str.length <= heap - cell.str.offset;
}

void AppendField(BufferChunkColumn* target, const CellValue& cell, const TableWrite& write) {
  Column& column = *target->column;
  switch (cell.type) {
    case TypeId::kInt64:
      column.AppendInt64(cell.i64);
      target->statistics.AddInt64(cell.i64);
      break;
    case TypeId::kUInt64:
      column.AppendUInt64(cell.u64);
      target->statistics.AddUInt64(cell.u64);
      break;
    case TypeId::kFloat64:
      column.AppendFloat64(cell.f64);
      target->statistics.AddFloat64(cell.f64);
      break;
    case TypeId::kBool:
      column.AppendBool(cell.b);
      target->statistics.AddBool(cell.b);
      break;
    case TypeId::kString: {
      std::string_view value = write.StringOf(cell);
      column.AppendString(value);
      target->statistics.AddString(value);
      break;
    }
    case TypeId::kDictionary:
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      STRATA_CHECK(false);  // filtered by the caller
  }
}

void SetField(BufferChunkColumn* target,
              int64_t row,
              const CellValue& cell,
              const TableWrite& write) {
  Column& column = *target->column;
  switch (cell.type) {
    case TypeId::kInt64:
      column.SetInt64(row, cell.i64);
      target->statistics.AddInt64(cell.i64);
      break;
    case TypeId::kUInt64:
      column.SetUInt64(row, cell.u64);
      target->statistics.AddUInt64(cell.u64);
      break;
    case TypeId::kFloat64:
      column.SetFloat64(row, cell.f64);
      target->statistics.AddFloat64(cell.f64);
      break;
    case TypeId::kBool:
      column.SetBool(row, cell.b);
      target->statistics.AddBool(cell.b);
      break;
    case TypeId::kString: {
      std::string_view value = write.StringOf(cell);
      column.SetString(row, value);
      target->statistics.AddString(value);
      break;
    }
    case TypeId::kDictionary:
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      STRATA_CHECK(false);  // filtered by the caller
  }
}

}  // namespace

TableBuffer::TableBuffer(uint32_t database_id, uint32_t table_id, const WriteBufferOptions& options)
    : database_id_(database_id), table_id_(table_id), options_(options) {
  STRATA_CHECK(ValidateWriteBufferOptions(options).ok());
  series_tag_begin_.push_back(0);
}

namespace {

// floor(time / duration) * duration, in 128 bits: floor division must round toward negative
// infinity, and the result can fall below INT64_MIN for times within one duration of it.
__int128 AlignedPartitionStart(int64_t time, int64_t duration) {
  __int128 quotient = time / duration;
  if (time % duration < 0) {
    --quotient;
  }
  return quotient * duration;
}

}  // namespace

int64_t TableBuffer::PartitionStart(int64_t time, int64_t duration) {
  __int128 start = AlignedPartitionStart(time, duration);
  return start < std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::min()
                                                     : static_cast<int64_t>(start);
}

int64_t TableBuffer::Apply(const TableWrite& write, uint64_t sequence) {
  std::lock_guard lock(mu_);
  ++write_epoch_;
  touched_partitions_.clear();
  const CellValue* cells = write.cells.data();
  const bool check_persisted = sequence != 0 && !persisted_.empty();
  Partition* partition = nullptr;
  for (uint32_t i = 0; i < write.rows.size(); ++i) {
    const RowRef& row = write.rows[i];
    if (row.cell_begin > row.cell_end || row.cell_end > write.cells.size()) {
      ++dropped_cells_;
      continue;
    }
    if (partition == nullptr || row.time < partition->start || row.time > partition->last) {
      if (check_persisted && IsPersisted(row.time, sequence)) {
        // Replay of a record whose rows of this window are already in persisted files.
        ++skipped_persisted_rows_;
        partition = nullptr;
        continue;
      }
      partition = PartitionFor(row.time);
    }
    uint32_t series = ResolveSeries(write, cells + row.cell_begin, cells + row.cell_end);
    if (partition->write_epoch != write_epoch_) {
      partition->write_epoch = write_epoch_;
      touched_partitions_.push_back(partition);
      if (sequence != 0) {
        if (partition->min_sequence == 0) {
          partition->min_sequence = sequence;
        }
        partition->max_sequence = sequence;
      }
    }
    if (partition != run_partition_) {
      FlushRun(write);
      StartRun(partition);
    }
    // One probe finds a duplicate or reserves the point's place: the next row of the partition.
    auto [entry, inserted] = partition->index.insert(
        RowIndexEntry{row.time,
                      series,
                      static_cast<uint32_t>(partition->rows + static_cast<int64_t>(run_.size()))});
    if (inserted) {
      run_.push_back(PendingRow{i, series});
      if (static_cast<int64_t>(run_.size()) == run_capacity_) {
        FlushRun(write);
      }
    } else {
      // The duplicate may be one of the pending rows: append them first.
      uint32_t target = entry->row;
      FlushRun(write);
      MergeRow(partition, target, row, write);
    }
  }
  FlushRun(write);

  // Make every written chunk whole again (columns padded to the row count) before readers can see
  // it, and account for the memory the write took.
  for (Partition* touched : touched_partitions_) {
    for (const std::unique_ptr<BufferChunk>& chunk : touched->chunks) {
      if (chunk->write_epoch() == write_epoch_) {
        chunk->PadColumns();
      }
    }
    size_t bytes = PartitionMemoryUsage(*touched);
    partitions_memory_bytes_ += bytes;
    partitions_memory_bytes_ -= touched->memory_bytes;
    touched->memory_bytes = bytes;
  }
  return UpdateMemoryUsage();
}

int64_t TableBuffer::UpdateMemoryUsage() {
  size_t total = partitions_memory_bytes_ + TableLevelMemoryUsage();
  auto delta = static_cast<int64_t>(total) - static_cast<int64_t>(memory_bytes_);
  memory_bytes_ = total;
  return delta;
}

uint32_t TableBuffer::ResolveSeries(const TableWrite& write,
                                    const CellValue* begin,
                                    const CellValue* end) {
  bool added = false;
  uint32_t series = series_.FindOrAdd(RowTags{&write, begin, end}, &added);
  if (added) {
    RegisterSeriesTags(write, begin, end);
  }
  return series;
}

void TableBuffer::RegisterSeriesTags(const TableWrite& write,
                                     const CellValue* begin,
                                     const CellValue* end) {
  const size_t first = series_tags_.size();
  for (const CellValue* cell = begin; cell != end; ++cell) {
    if (cell->type != TypeId::kDictionary) {
      continue;
    }
    if (!StringInBounds(write, *cell)) {
      NoteDroppedCell(cell->column_id, cell->type);
      continue;
    }
    int32_t slot = SlotFor(cell->column_id, TypeId::kDictionary);
    if (slot < 0) {
      NoteDroppedCell(cell->column_id, cell->type);
      continue;
    }
    SeriesTag tag{static_cast<uint32_t>(slot),
                  InternTag(static_cast<uint32_t>(slot), write.StringOf(*cell))};
    // A tag repeated within one row: the later value wins, as for fields.
    auto same = std::find_if(series_tags_.begin() + static_cast<std::ptrdiff_t>(first),
                             series_tags_.end(),
                             [&](const SeriesTag& t) { return t.slot == tag.slot; });
    if (same != series_tags_.end()) {
      *same = tag;
    } else {
      series_tags_.push_back(tag);
    }
  }
  series_tag_begin_.push_back(static_cast<uint32_t>(series_tags_.size()));
  series_last_chunk_.push_back(0);
}

int32_t TableBuffer::InternTag(uint32_t slot, std::string_view value) {
  TableColumn& column = columns_[slot];
  int32_t code = column.dictionary->Find(value);
  if (code >= 0) {
    return code;
  }
  if (HasReaders(*column.readers)) {
    // A snapshot may be reading this dictionary right now, and StringDictionary does not allow
    // reads concurrent with an insert: continue in a copy. Codes stay the same, so chunks that
    // keep using the old generation remain comparable with the new one.
    auto copy = std::make_shared<StringDictionary>();
    for (int32_t c = 0; c < column.dictionary->size(); ++c) {
      copy->GetOrInsert(column.dictionary->Value(c));
    }
    retired_dictionaries_.push_back(column.dictionary);
    column.dictionary = std::move(copy);
    column.readers = std::make_shared<ReaderCount>(0);
    ++dictionary_copies_;
  }
  return column.dictionary->GetOrInsert(value);
}

int32_t TableBuffer::SlotForSlow(uint32_t column_id, TypeId type) {
  int32_t slot = -1;
  if (column_id < kMaxDenseColumnId) {
    if (column_id < dense_slots_.size()) {
      slot = dense_slots_[column_id];
    }
  } else if (auto it = sparse_slots_.find(column_id); it != sparse_slots_.end()) {
    slot = it->second;
  }
  if (slot >= 0) {
    if (columns_[static_cast<size_t>(slot)].type != type) {
      NoteDroppedCell(column_id, type);
      return -1;
    }
    return slot;
  }
  if (type != TypeId::kDictionary && !IsFieldType(type)) {
    NoteDroppedCell(column_id, type);
    return -1;
  }
  slot = static_cast<int32_t>(columns_.size());
  TableColumn& column = columns_.emplace_back();
  column.column_id = column_id;
  column.type = type;
  if (type == TypeId::kDictionary) {
    column.dictionary = std::make_shared<StringDictionary>();
    column.readers = std::make_shared<ReaderCount>(0);
  }
  if (column_id < kMaxDenseColumnId) {
    if (column_id >= dense_slots_.size()) {
      dense_slots_.resize(column_id + 1, -1);
    }
    dense_slots_[column_id] = slot;
  } else {
    sparse_slots_[column_id] = slot;
  }
  slot_column_ids_.push_back(column_id);
  auto position = std::lower_bound(
      slot_order_.begin(), slot_order_.end(), column_id, [&](uint32_t s, uint32_t id) {
        return slot_column_ids_[s] < id;
      });
  slot_order_.insert(position, static_cast<uint32_t>(slot));
  return slot;
}

void TableBuffer::NoteDroppedCell(uint32_t column_id, TypeId type) {
  if (dropped_cells_ == 0) {
    STRATA_LOG_WARN(
        "write buffer dropped a value that contradicts its column's type or is malformed "
        "database_id={} table_id={} column_id={} value_type={}",
        database_id_,
        table_id_,
        column_id,
        static_cast<int>(type));
  }
  ++dropped_cells_;
}

TableBuffer::Partition* TableBuffer::PartitionFor(int64_t time) {
  int64_t start = PartitionStart(time, options_.partition_duration_ns);
  auto found = partitions_.find(start);
  if (found != partitions_.end()) {
    return found->second.get();
  }
  auto partition = std::make_unique<Partition>();
  partition->id = next_partition_id_++;
  partition->start = start;
  __int128 last = AlignedPartitionStart(time, options_.partition_duration_ns) +
                  options_.partition_duration_ns - 1;
  partition->last = last > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max()
                                                               : static_cast<int64_t>(last);
  // When time moves forward, the next partition usually gets as many rows as the latest one did:
  // size the duplicate index for that up front instead of rehashing it ~16 times as it grows.
  if (!partitions_.empty() && partitions_.rbegin()->first < start) {
    int64_t expected = std::min(partitions_.rbegin()->second->rows, kMaxIndexReserve);
    partition->index.reserve(static_cast<size_t>(expected));
  }
  return partitions_.emplace(start, std::move(partition)).first->second.get();
}

BufferChunk* TableBuffer::WritableChunk(BufferChunk* chunk) {
  if (chunk->write_epoch() != write_epoch_) {
    chunk->BeginWrite(write_epoch_, ++next_version_);
  }
  return chunk;
}

void TableBuffer::StartRun(Partition* partition) {
  const int64_t max_rows = options_.max_chunk_rows;
  int64_t used = partition->chunks.empty() ? 0 : partition->chunks.back()->rows();
  run_partition_ = partition;
  run_capacity_ = used == max_rows ? max_rows : max_rows - used;
}

void TableBuffer::FlushRun(const TableWrite& write) {
  Partition* partition = run_partition_;
  run_partition_ = nullptr;
  if (run_.empty()) {
    return;
  }
  const int64_t max_rows = options_.max_chunk_rows;
  if (partition->chunks.empty() || partition->chunks.back()->rows() == max_rows) {
    if (!partition->chunks.empty()) {
      partition->chunks.back()->Seal();
    }
    // Partition rows are numbered in 32 bits in the duplicate index: 4 billion rows of one
    // partition (hundreds of GB) cannot be buffered under any sane memory limit.
    STRATA_CHECK_LE(static_cast<int64_t>(partition->chunks.size() + 1) * max_rows,
                    int64_t{std::numeric_limits<uint32_t>::max()});
    partition->chunks.push_back(
        std::make_unique<BufferChunk>(next_chunk_id_++, partition->start, partition->id));
  }
  BufferChunk* chunk = WritableChunk(partition->chunks.back().get());
  STRATA_DCHECK_LE(chunk->rows() + static_cast<int64_t>(run_.size()), max_rows);
  if (!AppendUniformRun(chunk, write)) {
    for (const PendingRow& pending : run_) {
      AppendRow(chunk, pending.series, write.rows[pending.row], write);
    }
  }
  partition->rows += static_cast<int64_t>(run_.size());
  rows_ += static_cast<int64_t>(run_.size());
  run_.clear();
}

bool TableBuffer::AppendUniformRun(BufferChunk* chunk, const TableWrite& write) {
  // Column at a time when every pending row has the same columns in the same order (the common
  // case: one measurement written by one kind of agent): one lookup per column instead of one
  // per value, and tight loops per column.
  const CellValue* cells = write.cells.data();
  const RowRef& first = write.rows[run_[0].row];
  const uint32_t width = first.cell_end - first.cell_begin;
  const CellValue* shape = cells + first.cell_begin;
  for (uint32_t j = 0; j < width; ++j) {
    if ((j > 0 && shape[j].column_id <= shape[j - 1].column_id) ||
        (shape[j].type != TypeId::kDictionary && !IsFieldType(shape[j].type))) {
      return false;  // a repeated column or an invalid type: the row path handles those
    }
  }
  const uint32_t first_series = run_[0].series;
  const uint32_t tag_count = series_tag_begin_[first_series + 1] - series_tag_begin_[first_series];
  const SeriesTag* first_tags = series_tags_.data() + series_tag_begin_[first_series];
  run_cells_.clear();
  for (const PendingRow& pending : run_) {
    const RowRef& row = write.rows[pending.row];
    if (row.cell_end - row.cell_begin != width ||
        series_tag_begin_[pending.series + 1] - series_tag_begin_[pending.series] != tag_count) {
      return false;
    }
    const CellValue* row_cells = cells + row.cell_begin;
    for (uint32_t j = 0; j < width; ++j) {
      if (row_cells[j].column_id != shape[j].column_id || row_cells[j].type != shape[j].type ||
          (row_cells[j].type == TypeId::kString && !StringInBounds(write, row_cells[j]))) {
        return false;
      }
    }
    const SeriesTag* tags = series_tags_.data() + series_tag_begin_[pending.series];
    for (uint32_t j = 0; j < tag_count; ++j) {
      if (tags[j].slot != first_tags[j].slot) {
        return false;
      }
    }
    run_cells_.push_back(row.cell_begin);
  }

  const int64_t r0 = chunk->rows();
  const auto k = static_cast<int64_t>(run_.size());
  run_first_in_chunk_.resize(run_.size());
  for (size_t p = 0; p < run_.size(); ++p) {
    const RowRef& row = write.rows[run_[p].row];
    chunk->AppendTime(row.time);
    uint64_t& last_chunk = series_last_chunk_[run_[p].series];
    run_first_in_chunk_[p] = last_chunk != chunk->id();
    last_chunk = chunk->id();
  }

  for (uint32_t j = 0; j < tag_count; ++j) {
    const uint32_t slot = first_tags[j].slot;
    const TableColumn& table_column = columns_[slot];
    BufferChunkColumn& target = chunk->ColumnAt(slot, TypeId::kDictionary, table_column.dictionary);
    if (target.column->dictionary() != table_column.dictionary) {
      chunk->RebindDictionary(&target, table_column.dictionary);
    }
    Column& column = *target.column;
    if (column.size() < r0) {
      column.AppendNulls(r0 - column.size());
    }
    column.Reserve(r0 + k);
    for (size_t p = 0; p < run_.size(); ++p) {
      int32_t code = series_tags_[series_tag_begin_[run_[p].series] + j].code;
      column.AppendDictionaryCode(code);
      if (run_first_in_chunk_[p]) {
        target.statistics.AddString(table_column.dictionary->Value(code));
      }
    }
  }

  for (uint32_t j = 0; j < width; ++j) {
    const TypeId type = shape[j].type;
    if (type == TypeId::kDictionary) {
      continue;
    }
    int32_t slot = SlotFor(shape[j].column_id, type);
    if (slot < 0) {
      dropped_cells_ += k - 1;  // SlotFor counted the first
      continue;
    }
    BufferChunkColumn& target = chunk->ColumnAt(static_cast<size_t>(slot), type, nullptr);
    Column& column = *target.column;
    if (column.size() < r0) {
      column.AppendNulls(r0 - column.size());
    }
    column.Reserve(r0 + k);
    ColumnStatisticsBuilder& statistics = target.statistics;
    switch (type) {
      case TypeId::kInt64:
        for (uint32_t begin : run_cells_) {
          int64_t v = cells[begin + j].i64;
          column.AppendInt64(v);
          statistics.AddInt64(v);
        }
        break;
      case TypeId::kUInt64:
        for (uint32_t begin : run_cells_) {
          uint64_t v = cells[begin + j].u64;
          column.AppendUInt64(v);
          statistics.AddUInt64(v);
        }
        break;
      case TypeId::kFloat64:
        for (uint32_t begin : run_cells_) {
          double v = cells[begin + j].f64;
          column.AppendFloat64(v);
          statistics.AddFloat64(v);
        }
        break;
      case TypeId::kBool:
        for (uint32_t begin : run_cells_) {
          bool v = cells[begin + j].b;
          column.AppendBool(v);
          statistics.AddBool(v);
        }
        break;
      case TypeId::kString:
        for (uint32_t begin : run_cells_) {
          std::string_view v = write.StringOf(cells[begin + j]);
          column.AppendString(v);
          statistics.AddString(v);
        }
        break;
      case TypeId::kDictionary:
      case TypeId::kTimestamp:
      case TypeId::kNull:
      case TypeId::kInterval:
        STRATA_CHECK(false);  // excluded above
    }
  }
  chunk->FinishRows(k);
  return true;
}

void TableBuffer::AppendRow(BufferChunk* chunk,
                            uint32_t series,
                            const RowRef& row,
                            const TableWrite& write) {
  const int64_t r = chunk->rows();
  chunk->AppendTime(row.time);

  // Tags, from the series (already interned). Their statistics change only when the series
  // appears in the chunk for the first time.
  const bool first_in_chunk = series_last_chunk_[series] != chunk->id();
  series_last_chunk_[series] = chunk->id();
  for (uint32_t i = series_tag_begin_[series]; i < series_tag_begin_[series + 1]; ++i) {
    const SeriesTag& tag = series_tags_[i];
    const TableColumn& table_column = columns_[tag.slot];
    BufferChunkColumn& target =
        chunk->ColumnAt(tag.slot, TypeId::kDictionary, table_column.dictionary);
    if (target.column->dictionary() != table_column.dictionary) {
      chunk->RebindDictionary(&target, table_column.dictionary);
    }
    Column& column = *target.column;
    if (column.size() < r) {
      column.AppendNulls(r - column.size());
    }
    column.AppendDictionaryCode(tag.code);
    if (first_in_chunk) {
      target.statistics.AddString(table_column.dictionary->Value(tag.code));
    }
  }

  // Fields, from the cells.
  for (const CellValue *cell = write.cells.data() + row.cell_begin,
                       *end = write.cells.data() + row.cell_end;
       cell != end;
       ++cell) {
    if (cell->type == TypeId::kDictionary || !FieldCellUsable(write, *cell)) {
      continue;
    }
    int32_t slot = SlotFor(cell->column_id, cell->type);
    if (slot < 0) {
      continue;
    }
    BufferChunkColumn& target = chunk->ColumnAt(static_cast<size_t>(slot), cell->type, nullptr);
    Column& column = *target.column;
    if (column.size() > r) {
      SetField(&target, r, *cell, write);  // the column repeats within the row: the later wins
      continue;
    }
    if (column.size() < r) {
      column.AppendNulls(r - column.size());
    }
    AppendField(&target, *cell, write);
  }
  chunk->FinishRows(1);
}

void TableBuffer::MergeRow(Partition* partition,
                           uint32_t partition_row,
                           const RowRef& row,
                           const TableWrite& write) {
  const auto max_rows = static_cast<uint32_t>(options_.max_chunk_rows);
  BufferChunk* chunk = WritableChunk(partition->chunks[partition_row / max_rows].get());
  const int64_t r = partition_row % max_rows;
  // Same series means the same tags, so only fields change: each field of the later row replaces
  // the buffered value; fields it omits keep theirs.
  for (const CellValue *cell = write.cells.data() + row.cell_begin,
                       *end = write.cells.data() + row.cell_end;
       cell != end;
       ++cell) {
    if (cell->type == TypeId::kDictionary || !FieldCellUsable(write, *cell)) {
      continue;
    }
    int32_t slot = SlotFor(cell->column_id, cell->type);
    if (slot < 0) {
      continue;
    }
    BufferChunkColumn& target = chunk->ColumnAt(static_cast<size_t>(slot), cell->type, nullptr);
    Column& column = *target.column;
    if (column.size() <= r) {
      column.AppendNulls(r + 1 - column.size());
    }
    SetField(&target, r, *cell, write);
  }
  ++merged_rows_;
}

bool TableBuffer::FieldCellUsable(const TableWrite& write, const CellValue& cell) {
  if (!IsFieldType(cell.type) || (cell.type == TypeId::kString && !StringInBounds(write, cell))) {
    NoteDroppedCell(cell.column_id, cell.type);
    return false;
  }
  return true;
}

size_t TableBuffer::PartitionMemoryUsage(const Partition& partition) const {
  size_t bytes = sizeof(Partition) + partition.chunks.capacity() * sizeof(void*) +
                 partition.index.capacity() * (sizeof(RowIndexEntry) + 1);
  for (const std::unique_ptr<BufferChunk>& chunk : partition.chunks) {
    bytes += chunk->MemoryUsage();
  }
  return bytes;
}

size_t TableBuffer::TableLevelMemoryUsage() {
  size_t bytes =
      sizeof(TableBuffer) + series_.MemoryUsage() + series_tags_.capacity() * sizeof(SeriesTag) +
      series_tag_begin_.capacity() * sizeof(uint32_t) +
      series_last_chunk_.capacity() * sizeof(uint64_t) + columns_.capacity() * sizeof(TableColumn) +
      dense_slots_.capacity() * sizeof(int32_t) +
      (partitions_.size() + frozen_.size()) * (sizeof(int64_t) + sizeof(void*) + 16) +
      persisted_.size() * (sizeof(int64_t) + sizeof(PersistedWindow) + 16);
  for (const TableColumn& column : columns_) {
    if (column.dictionary != nullptr) {
      bytes += sizeof(StringDictionary) + column.dictionary->MemoryUsage();
    }
  }
  // Retired dictionary generations are immutable, so reading their size is safe while snapshots
  // use them; the ones nobody holds any more are forgotten.
  size_t kept = 0;
  for (std::weak_ptr<StringDictionary>& retired : retired_dictionaries_) {
    if (std::shared_ptr<StringDictionary> dictionary = retired.lock()) {
      bytes += sizeof(StringDictionary) + dictionary->MemoryUsage();
      retired_dictionaries_[kept++] = std::move(retired);
    }
  }
  retired_dictionaries_.resize(kept);
  return bytes;
}

std::shared_ptr<ReadLease> TableBuffer::NewLease() const {
  // One lease for all chunks of a snapshot: it holds a reader on each chunk's columns and on the
  // current generation of every tag dictionary (older generations are never modified).
  auto lease = std::make_shared<ReadLease>();
  for (const TableColumn& column : columns_) {
    if (column.readers != nullptr) {
      lease->Hold(column.readers);
    }
  }
  return lease;
}

void TableBuffer::SnapshotPartition(const Partition& partition,
                                    int64_t min_time,
                                    int64_t max_time,
                                    const std::shared_ptr<ReadLease>& lease,
                                    std::vector<ChunkSnapshotPtr>* out) const {
  for (const std::unique_ptr<BufferChunk>& chunk : partition.chunks) {
    if (chunk->min_time() <= max_time && chunk->max_time() >= min_time) {
      out->push_back(
          chunk->Snapshot(database_id_, table_id_, slot_column_ids_, slot_order_, lease));
    }
  }
}

std::vector<ChunkSnapshotPtr> TableBuffer::Snapshot(int64_t min_time, int64_t max_time) const {
  std::lock_guard lock(mu_);
  std::vector<ChunkSnapshotPtr> snapshots;
  if (min_time > max_time) {
    return snapshots;
  }
  std::shared_ptr<ReadLease> lease = NewLease();
  // Frozen partitions (being persisted) first: they hold the older rows of their windows.
  for (const auto& [id, frozen] : frozen_) {
    if (frozen->start <= max_time && frozen->last >= min_time) {
      SnapshotPartition(*frozen, min_time, max_time, lease, &snapshots);
    }
  }
  for (auto it = partitions_.lower_bound(PartitionStart(min_time, options_.partition_duration_ns));
       it != partitions_.end() && it->first <= max_time;
       ++it) {
    SnapshotPartition(*it->second, min_time, max_time, lease, &snapshots);
  }
  return snapshots;
}

std::vector<FrozenPartition> TableBuffer::Freeze(int64_t max_last, int64_t* memory_delta) {
  std::lock_guard lock(mu_);
  std::vector<FrozenPartition> frozen;
  std::shared_ptr<ReadLease> lease;
  for (auto it = partitions_.begin(); it != partitions_.end() && it->second->last <= max_last;) {
    if (lease == nullptr) {
      lease = NewLease();
    }
    std::unique_ptr<Partition> partition = std::move(it->second);
    it = partitions_.erase(it);
    // No row is added or merged any more: the duplicate index can go.
    partition->index = {};
    const size_t bytes = PartitionMemoryUsage(*partition);
    partitions_memory_bytes_ += bytes;
    partitions_memory_bytes_ -= partition->memory_bytes;
    partition->memory_bytes = bytes;

    FrozenPartition out;
    out.freeze_id = next_freeze_id_++;
    out.start = partition->start;
    out.last = partition->last;
    out.min_sequence = partition->min_sequence;
    out.max_sequence = partition->max_sequence;
    out.rows = partition->rows;
    SnapshotPartition(*partition,
                      std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max(),
                      lease,
                      &out.chunks);
    frozen_.emplace(out.freeze_id, std::move(partition));
    frozen.push_back(std::move(out));
  }
  *memory_delta = UpdateMemoryUsage();
  return frozen;
}

int64_t TableBuffer::Release(uint64_t freeze_id) {
  std::lock_guard lock(mu_);
  auto it = frozen_.find(freeze_id);
  if (it == frozen_.end()) {
    return 0;
  }
  rows_ -= it->second->rows;
  partitions_memory_bytes_ -= it->second->memory_bytes;
  frozen_.erase(it);
  return UpdateMemoryUsage();
}

void TableBuffer::SetPersistedThrough(int64_t start, int64_t last, uint64_t sequence) {
  std::lock_guard lock(mu_);
  PersistedWindow& window = persisted_[start];
  window.last = std::max(window.last, last);
  window.sequence = std::max(window.sequence, sequence);
  // The span, saturated: IsPersisted only needs an upper bound.
  const __int128 span = static_cast<__int128>(window.last) - start;
  longest_persisted_window_ = std::max<int64_t>(longest_persisted_window_,
                                                span > std::numeric_limits<int64_t>::max()
                                                    ? std::numeric_limits<int64_t>::max()
                                                    : static_cast<int64_t>(span));
}

bool TableBuffer::IsPersisted(int64_t time, uint64_t sequence) const {
  // Windows recorded with another partition duration may overlap: check every window that starts
  // at most the longest span before `time`.
  for (auto it = persisted_.upper_bound(time); it != persisted_.begin();) {
    --it;
    if (static_cast<__int128>(time) - it->first > longest_persisted_window_) {
      break;
    }
    if (time <= it->second.last && sequence <= it->second.sequence) {
      return true;
    }
  }
  return false;
}

uint64_t TableBuffer::MinSequence() const {
  std::lock_guard lock(mu_);
  uint64_t min = std::numeric_limits<uint64_t>::max();
  for (const auto& [start, partition] : partitions_) {
    if (partition->min_sequence != 0) {
      min = std::min(min, partition->min_sequence);
    }
  }
  for (const auto& [id, partition] : frozen_) {
    if (partition->min_sequence != 0) {
      min = std::min(min, partition->min_sequence);
    }
  }
  return min;
}

TableStats TableBuffer::Stats() const {
  std::lock_guard lock(mu_);
  TableStats stats;
  stats.rows = rows_;
  stats.partitions = static_cast<int64_t>(partitions_.size() + frozen_.size());
  stats.frozen_partitions = static_cast<int64_t>(frozen_.size());
  auto add = [&](const Partition& partition) {
    stats.chunks += static_cast<int64_t>(partition.chunks.size());
    for (const std::unique_ptr<BufferChunk>& chunk : partition.chunks) {
      stats.min_time = std::min(stats.min_time, chunk->min_time());
      stats.max_time = std::max(stats.max_time, chunk->max_time());
    }
  };
  for (const auto& [start, partition] : partitions_) {
    add(*partition);
  }
  for (const auto& [id, partition] : frozen_) {
    add(*partition);
  }
  stats.skipped_persisted_rows = skipped_persisted_rows_;
  stats.series = series_.size();
  stats.merged_rows = merged_rows_;
  stats.dropped_cells = dropped_cells_;
  stats.dictionary_copies = dictionary_copies_;
  stats.memory_bytes = static_cast<int64_t>(memory_bytes_);
  return stats;
}

}  // namespace strata::buffer
