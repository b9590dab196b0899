// The snapshot protocol.
#include "persist/persister.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"
#include "persist/snapshot_log.h"

namespace strata::persist {

Persister::Persister(buffer::WriteBuffer* buffer,
                     objectstore::ObjectStore* store,
                     PartitionEncoder encode,
                     WalHooks wal,
                     PersisterOptions options)
    : buffer_(buffer),
      store_(store),
      encode_(std::move(encode)),
      wal_(std::move(wal)),
      options_(std::move(options)),
      index_(std::make_shared<FileIndex>()) {}

absl::Status Persister::Open() {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  STRATA_ASSIGN_OR_RETURN(working_, LoadFileIndex(store_));
  STRATA_ASSIGN_OR_RETURN(int removed,
                          RemoveUncommittedFiles(store_, working_.last_sequence() + 1));
  if (removed > 0) {
    STRATA_LOG_INFO("removed the files of an uncommitted snapshot sequence={} files={}",
                    working_.last_sequence() + 1,
                    removed);
  }
  for (const auto& [key, window] : working_.windows()) {
    buffer_->SetPersistedThrough(
        window.database_id, window.table_id, window.start, window.last, window.wal_sequence);
  }
  std::lock_guard<std::mutex> index_lock(index_mu_);
  index_ = std::make_shared<FileIndex>(working_);
  return absl::OkStatus();
}

std::shared_ptr<const FileIndex> Persister::index() const {
  std::lock_guard<std::mutex> lock(index_mu_);
  return index_;
}

Persister::TableView Persister::ViewTable(uint32_t database_id,
                                          uint32_t table_id,
                                          int64_t min_time,
                                          int64_t max_time) const {
  std::shared_lock<std::shared_mutex> publish_lock(publish_mu_);
  TableView view;
  view.index = index();
  view.chunks = buffer_->SnapshotTable(database_id, table_id, min_time, max_time);
  return view;
}

absl::StatusOr<SnapshotSummary> Persister::Snapshot(int64_t max_last) {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  for (auto& frozen : buffer_->Freeze(max_last)) {
    pending_.push_back(std::move(frozen));
  }
  SnapshotSummary summary;
  if (pending_.empty()) {
    return summary;
  }
  const uint64_t sequence = working_.last_sequence() + 1;
  // A failed attempt at this sequence may have left files: start clean.
  STRATA_RETURN_IF_ERROR(RemoveUncommittedFiles(store_, sequence).status());

  SnapshotRecord record;
  record.sequence = sequence;
  record.created_unix_nanos = options_.clock_ns ? options_.clock_ns() : 0;
  uint64_t next_file_id = working_.next_file_id();
  uint64_t max_wal_sequence = 0;
  int file_number = 0;
  for (const auto& frozen : pending_) {
    STRATA_ASSIGN_OR_RETURN(EncodedFile encoded, encode_(frozen));
    objectstore::ObjectPath path =
        ParquetFilePath(sequence, frozen.database_id, frozen.table_id, file_number++);
    STRATA_RETURN_IF_ERROR(store_->Put(path, encoded.bytes));
    ParquetFileInfo file;
    file.file_id = next_file_id++;
    file.database_id = frozen.database_id;
    file.table_id = frozen.table_id;
    file.path = path.str();
    file.size_bytes = encoded.bytes.size();
    file.row_count = encoded.row_count;
    file.min_time = encoded.min_time;
    file.max_time = encoded.max_time;
    file.snapshot_sequence = sequence;
    file.columns = std::move(encoded.columns);
    summary.rows += file.row_count;
    summary.bytes += file.size_bytes;
    record.files.push_back(std::move(file));
    record.windows.push_back(PersistedWindow{frozen.database_id,
                                             frozen.table_id,
                                             frozen.partition.start,
                                             frozen.partition.last,
                                             frozen.partition.max_sequence});
    max_wal_sequence = std::max(max_wal_sequence, frozen.partition.max_sequence);
  }
  record.next_file_id = next_file_id;
  // The record says these WAL records are persisted; they must also be in the WAL, or after a
  // crash new writes could reuse their sequence numbers (writes acknowledged before the fsync
  // with no_sync reach the buffer first).
  if (max_wal_sequence > 0 && wal_.wait_durable) {
    STRATA_RETURN_IF_ERROR(wal_.wait_durable(max_wal_sequence));
  }
  STRATA_RETURN_IF_ERROR(CommitSnapshotRecord(store_, record));

  // Committed: the rows are durable in the files. From here on nothing may fail the snapshot.
  working_.Apply(record);
  auto published = std::make_shared<FileIndex>(working_);
  {
    std::unique_lock<std::shared_mutex> publish_lock(publish_mu_);
    {
      std::lock_guard<std::mutex> index_lock(index_mu_);
      index_ = std::move(published);
    }
    for (const auto& frozen : pending_) {
      buffer_->Release(frozen.database_id, frozen.table_id, frozen.partition.freeze_id);
    }
  }
  pending_.clear();
  summary.sequence = sequence;
  summary.files = static_cast<int>(record.files.size());

  // Every record below both bounds is applied and, if it has rows left in the buffer, is not
  // below MinSequence: read the apply bound first (see WritePath::NextApplySequence).
  if (wal_.next_apply_sequence && wal_.remove_through) {
    const uint64_t applied_below = wal_.next_apply_sequence();
    const uint64_t keep_from = std::min(applied_below, buffer_->MinSequence());
    if (keep_from > 1) {
      if (absl::Status removed = wal_.remove_through(keep_from - 1); !removed.ok()) {
        STRATA_LOG_WARN("could not remove persisted WAL segments error={}", removed.ToString());
      } else {
        summary.wal_removed_through = keep_from - 1;
      }
    }
  }
  if (options_.checkpoint_interval > 0 &&
      sequence % static_cast<uint64_t>(options_.checkpoint_interval) == 0) {
    if (absl::Status written = WriteCheckpoint(store_, working_, record.created_unix_nanos);
        !written.ok()) {
      STRATA_LOG_WARN("could not write the file index checkpoint sequence={} error={}",
                      sequence,
                      written.ToString());
    }
  }
  return summary;
}

}  // namespace strata::persist
