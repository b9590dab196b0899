// The snapshot protocol.
#include "persist/persister.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
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
  // Files no record lists: replaced by a compaction that committed before the server stopped
  // and could delete them.
  {
    absl::flat_hash_set<std::string> listed;
    for (const auto& [id, file] : working_.files()) {
      listed.insert(file.path);
    }
    STRATA_ASSIGN_OR_RETURN(std::vector<objectstore::ObjectMeta> objects,
                            store_->List(objectstore::ObjectPath::Parse("files").value()));
    int orphans = 0;
    for (const objectstore::ObjectMeta& object : objects) {
      if (!listed.contains(object.path.str())) {
        STRATA_RETURN_IF_ERROR(store_->Delete(object.path));
        ++orphans;
      }
    }
    if (orphans > 0) {
      STRATA_LOG_INFO("removed Parquet files no longer in the file index files={}", orphans);
    }
  }
  for (const auto& [key, window] : working_.windows()) {
    buffer_->SetPersistedThrough(
        window.database_id, window.table_id, window.start, window.last, window.wal_sequence);
  }
  std::unique_lock<std::shared_mutex> publish_lock(publish_mu_);
  PublishLocked(std::make_shared<FileIndex>(working_));
  return absl::OkStatus();
}

void Persister::PublishLocked(std::shared_ptr<const FileIndex> next) {
  std::lock_guard<std::mutex> index_lock(index_mu_);
  std::erase_if(published_, [](const auto& entry) { return entry.second.expired(); });
  published_.emplace_back(next->last_sequence(), next);
  index_ = std::move(next);
}

std::vector<CompactionCandidate> Persister::CompactionCandidates(int min_files) const {
  std::shared_ptr<const FileIndex> index = this->index();
  absl::btree_map<std::tuple<uint32_t, uint32_t, int64_t>, CompactionCandidate> windows;
  for (const auto& [id, file] : index->files()) {
    const PersistedWindow* window = index->WindowOf(file.database_id, file.table_id, file.min_time);
    if (window != nullptr) {
      CompactionCandidate& candidate = windows[{file.database_id, file.table_id, window->start}];
      candidate.database_id = file.database_id;
      candidate.table_id = file.table_id;
      candidate.window_start = window->start;
      ++candidate.files;
      candidate.rows += file.row_count;
    }
  }
  std::vector<CompactionCandidate> out;
  for (const auto& [key, candidate] : windows) {
    if (candidate.files >= std::max(min_files, 2)) {
      out.push_back(candidate);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.window_start < b.window_start;
  });
  return out;
}

absl::StatusOr<CompactionSummary> Persister::Compact(uint32_t database_id,
                                                     uint32_t table_id,
                                                     int64_t window_start,
                                                     const CompactionEncoder& encode) {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  CompactionSummary summary;
  std::vector<ParquetFileInfo> inputs;
  for (const ParquetFileInfo* file : working_.TableFiles(database_id, table_id)) {
    const PersistedWindow* window = working_.WindowOf(database_id, table_id, file->min_time);
    if (window != nullptr && window->start == window_start) {
      inputs.push_back(*file);
    }
  }
  if (inputs.size() < 2) {
    return summary;
  }
  std::sort(inputs.begin(), inputs.end(), [](const ParquetFileInfo& a, const ParquetFileInfo& b) {
    return std::tie(a.snapshot_sequence, a.file_id) < std::tie(b.snapshot_sequence, b.file_id);
  });
  const uint64_t sequence = working_.last_sequence() + 1;
  STRATA_RETURN_IF_ERROR(RemoveUncommittedFiles(store_, sequence).status());
  STRATA_ASSIGN_OR_RETURN(EncodedFile encoded, encode(inputs));
  objectstore::ObjectPath path = ParquetFilePath(sequence, database_id, table_id, 0);
  STRATA_RETURN_IF_ERROR(store_->Put(path, encoded.bytes));

  SnapshotRecord record;
  record.sequence = sequence;
  record.created_unix_nanos = options_.clock_ns ? options_.clock_ns() : 0;
  ParquetFileInfo file;
  file.file_id = working_.next_file_id();
  file.database_id = database_id;
  file.table_id = table_id;
  file.path = path.str();
  file.size_bytes = encoded.bytes.size();
  file.row_count = encoded.row_count;
  file.min_time = encoded.min_time;
  file.max_time = encoded.max_time;
  file.snapshot_sequence = inputs.back().snapshot_sequence;
  file.columns = std::move(encoded.columns);
  record.files.push_back(std::move(file));
  for (const ParquetFileInfo& input : inputs) {
    record.removed_file_ids.push_back(input.file_id);
    summary.input_rows += input.row_count;
  }
  record.next_file_id = working_.next_file_id() + 1;
  STRATA_RETURN_IF_ERROR(CommitSnapshotRecord(store_, record));

  working_.Apply(record);
  {
    std::unique_lock<std::shared_mutex> publish_lock(publish_mu_);
    PublishLocked(std::make_shared<FileIndex>(working_));
    std::lock_guard<std::mutex> index_lock(index_mu_);
    for (const ParquetFileInfo& input : inputs) {
      retired_.emplace_back(sequence, input.path);
    }
  }
  summary.sequence = sequence;
  summary.input_files = static_cast<int>(inputs.size());
  summary.rows = record.files[0].row_count;
  summary.bytes = record.files[0].size_bytes;
  MaybeCheckpoint(sequence, record.created_unix_nanos);
  DeleteRetiredFiles();
  return summary;
}

int Persister::DeleteRetiredFiles() {
  std::vector<std::string> deletable;
  {
    std::lock_guard<std::mutex> index_lock(index_mu_);
    if (retired_.empty()) {
      return 0;
    }
    std::erase_if(published_, [](const auto& entry) { return entry.second.expired(); });
    uint64_t oldest_in_use = UINT64_MAX;
    for (const auto& [sequence, index] : published_) {
      oldest_in_use = std::min(oldest_in_use, sequence);
    }
    // A file removed by the record of sequence S is listed by the indexes before S only.
    std::erase_if(retired_, [&](const auto& entry) {
      if (entry.first <= oldest_in_use) {
        deletable.push_back(entry.second);
        return true;
      }
      return false;
    });
  }
  int deleted = 0;
  for (const std::string& path : deletable) {
    absl::StatusOr<objectstore::ObjectPath> parsed = objectstore::ObjectPath::Parse(path);
    absl::Status status = parsed.ok() ? store_->Delete(*parsed) : parsed.status();
    if (!status.ok()) {
      // Left for the next start-up, which removes files the index does not list.
      STRATA_LOG_WARN(
          "could not delete a compacted Parquet file path={} error={}", path, status.ToString());
      continue;
    }
    ++deleted;
  }
  return deleted;
}

int Persister::retired_files() const {
  std::lock_guard<std::mutex> index_lock(index_mu_);
  return static_cast<int>(retired_.size());
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
  {
    std::unique_lock<std::shared_mutex> publish_lock(publish_mu_);
    PublishLocked(std::make_shared<FileIndex>(working_));
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
  MaybeCheckpoint(sequence, record.created_unix_nanos);
  return summary;
}

void Persister::MaybeCheckpoint(uint64_t sequence, int64_t created_unix_nanos) {
  if (options_.checkpoint_interval > 0 &&
      sequence % static_cast<uint64_t>(options_.checkpoint_interval) == 0) {
    if (absl::Status written = WriteCheckpoint(store_, working_, created_unix_nanos);
        !written.ok()) {
      STRATA_LOG_WARN("could not write the file index checkpoint sequence={} error={}",
                      sequence,
                      written.ToString());
    }
  }
}

}  // namespace strata::persist
