// Routing of batches to tables, the memory limit, and table-level reads.
#include "buffer/write_buffer.h"

#include <algorithm>
#include <limits>

#include "common/check.h"
#include "fmt/format.h"

namespace strata::buffer {

absl::Status ValidateWriteBufferOptions(const WriteBufferOptions& options) {
  if (options.partition_duration_ns <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("write buffer partition duration must be positive, got {} ns",
                    options.partition_duration_ns));
  }
  if (options.max_chunk_rows < 1 || options.max_chunk_rows > (int64_t{1} << 24)) {
    return absl::InvalidArgumentError(
        fmt::format("write buffer chunk size must be between 1 and {} rows, got {}",
                    int64_t{1} << 24,
                    options.max_chunk_rows));
  }
  if (options.memory_limit_bytes == 0) {
    return absl::InvalidArgumentError(
        "write buffer memory limit (--write-buffer-limit) must be positive");
  }
  return absl::OkStatus();
}

WriteBuffer::WriteBuffer(WriteBufferOptions options) : options_(options) {
  absl::Status valid = ValidateWriteBufferOptions(options_);
  STRATA_CHECK(valid.ok());
}

WriteBuffer::~WriteBuffer() = default;

void WriteBuffer::Apply(const WriteBatch& batch, uint64_t sequence) {
  for (const TableWrite& write : batch.tables) {
    if (write.rows.empty()) {
      continue;
    }
    std::shared_ptr<TableBuffer> table = FindOrCreateTable(batch.database_id, write.table_id);
    memory_bytes_.fetch_add(table->Apply(write, sequence), std::memory_order_relaxed);
  }
}

std::vector<WriteBuffer::FrozenTablePartition> WriteBuffer::Freeze(int64_t max_last) {
  std::vector<FrozenTablePartition> out;
  for (const auto& [database_id, table_id] : tables()) {
    std::shared_ptr<TableBuffer> table = FindTable(database_id, table_id);
    int64_t delta = 0;
    for (FrozenPartition& partition : table->Freeze(max_last, &delta)) {
      out.push_back(FrozenTablePartition{database_id, table_id, std::move(partition)});
    }
    memory_bytes_.fetch_add(delta, std::memory_order_relaxed);
  }
  return out;
}

void WriteBuffer::Release(uint32_t database_id, uint32_t table_id, uint64_t freeze_id) {
  if (std::shared_ptr<TableBuffer> table = FindTable(database_id, table_id)) {
    memory_bytes_.fetch_add(table->Release(freeze_id), std::memory_order_relaxed);
  }
}

void WriteBuffer::SetPersistedThrough(
    uint32_t database_id, uint32_t table_id, int64_t start, int64_t last, uint64_t sequence) {
  FindOrCreateTable(database_id, table_id)->SetPersistedThrough(start, last, sequence);
}

uint64_t WriteBuffer::MinSequence() const {
  uint64_t min = std::numeric_limits<uint64_t>::max();
  std::shared_lock lock(mu_);
  for (const auto& [key, table] : tables_) {
    min = std::min(min, table->MinSequence());
  }
  return min;
}

absl::Status WriteBuffer::CheckCapacity() const {
  size_t used = memory_usage();
  if (used < options_.memory_limit_bytes) {
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(fmt::format(
      "write buffer is full: {} in use of a {} limit (--write-buffer-limit); writes are refused "
      "until buffered data is persisted or the limit is raised",
      FormatByteSize(used),
      FormatByteSize(options_.memory_limit_bytes)));
}

std::shared_ptr<TableBuffer> WriteBuffer::FindTable(uint32_t database_id, uint32_t table_id) const {
  std::shared_lock lock(mu_);
  auto it = tables_.find(TableKey(database_id, table_id));
  return it == tables_.end() ? nullptr : it->second;
}

std::shared_ptr<TableBuffer> WriteBuffer::FindOrCreateTable(uint32_t database_id,
                                                            uint32_t table_id) {
  if (std::shared_ptr<TableBuffer> table = FindTable(database_id, table_id)) {
    return table;
  }
  std::unique_lock lock(mu_);
  std::shared_ptr<TableBuffer>& table = tables_[TableKey(database_id, table_id)];
  if (table == nullptr) {
    table = std::make_shared<TableBuffer>(database_id, table_id, options_);
  }
  return table;
}

std::vector<ChunkSnapshotPtr> WriteBuffer::SnapshotTable(uint32_t database_id,
                                                         uint32_t table_id) const {
  return SnapshotTable(database_id,
                       table_id,
                       std::numeric_limits<int64_t>::min(),
                       std::numeric_limits<int64_t>::max());
}

std::vector<ChunkSnapshotPtr> WriteBuffer::SnapshotTable(uint32_t database_id,
                                                         uint32_t table_id,
                                                         int64_t min_time,
                                                         int64_t max_time) const {
  std::shared_ptr<TableBuffer> table = FindTable(database_id, table_id);
  if (table == nullptr) {
    return {};
  }
  return table->Snapshot(min_time, max_time);
}

std::optional<WriteBuffer::TableStats> WriteBuffer::table_stats(uint32_t database_id,
                                                                uint32_t table_id) const {
  std::shared_ptr<TableBuffer> table = FindTable(database_id, table_id);
  if (table == nullptr) {
    return std::nullopt;
  }
  return table->Stats();
}

std::vector<std::pair<uint32_t, uint32_t>> WriteBuffer::tables() const {
  std::vector<std::pair<uint32_t, uint32_t>> result;
  {
    std::shared_lock lock(mu_);
    result.reserve(tables_.size());
    for (const auto& [key, table] : tables_) {
      result.emplace_back(table->database_id(), table->table_id());
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace strata::buffer
