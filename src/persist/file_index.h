// The persisted file index: which Parquet files hold which tables' rows, and which WAL records
// they cover. It is kept on the object store as a sequence of snapshot records (each lists what one
// snapshot added) and periodic checkpoints (the whole index as of one snapshot), so a snapshot
// writes a small record instead of rewriting the index, and start-up reads one checkpoint plus the
// records after it. docs/persistence.md describes the layout and the recovery rules.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "buffer/column_statistics.h"

namespace strata::persist {

// A column statistic value in the column's own type (absent: no min/max, e.g. all nulls): the
// write buffer's statistic values, which the index records for persisted chunks.
using StatValue = buffer::StatisticValue;

// Statistics of one column of a Parquet file, by catalog column id.
struct ColumnStats {
  uint32_t column_id = 0;
  int64_t null_count = 0;
  StatValue min;
  StatValue max;

  bool operator==(const ColumnStats&) const = default;
};

// One Parquet file of one table.
struct ParquetFileInfo {
  uint64_t file_id = 0;  // unique in the index, grows with every file written
  uint32_t database_id = 0;
  uint32_t table_id = 0;
  std::string path;  // object store path (ids and numbers only, see SnapshotPaths)
  uint64_t size_bytes = 0;
  int64_t row_count = 0;
  int64_t min_time = 0;  // of the rows in it (inclusive)
  int64_t max_time = 0;
  // The snapshot that wrote it: of two files with the same point (series and time), the later
  // snapshot's wins, as the later write did.
  uint64_t snapshot_sequence = 0;
  std::vector<ColumnStats> columns;

  bool operator==(const ParquetFileInfo&) const = default;
};

// A time window of a table whose rows from WAL records up to `wal_sequence` are in files: WAL
// replay skips them (buffer::WriteBuffer::SetPersistedThrough).
struct PersistedWindow {
  uint32_t database_id = 0;
  uint32_t table_id = 0;
  int64_t start = 0;
  int64_t last = 0;  // inclusive
  uint64_t wal_sequence = 0;

  bool operator==(const PersistedWindow&) const = default;
};

// What one snapshot added (or, as a checkpoint, the whole index as of that snapshot). A
// compaction is a record too: it adds the merged file and removes the files it replaces.
struct SnapshotRecord {
  uint64_t sequence = 0;  // 1, 2, ...: snapshots are numbered without gaps
  int64_t created_unix_nanos = 0;
  bool checkpoint = false;
  std::vector<ParquetFileInfo> files;
  std::vector<PersistedWindow> windows;
  // Files this record replaces (a compaction's inputs): removed from the index. Never in a
  // checkpoint.
  std::vector<uint64_t> removed_file_ids;
  // The next file id to hand out after this snapshot.
  uint64_t next_file_id = 1;

  bool operator==(const SnapshotRecord&) const = default;
};

// Encoding of records on the object store: JSON with a format version. Decode rejects anything
// malformed with DataLoss naming `what` (the object's path) and the problem.
std::string EncodeSnapshotRecord(const SnapshotRecord& record);
absl::StatusOr<SnapshotRecord> DecodeSnapshotRecord(std::string_view bytes, std::string_view what);

// The index in memory: the fold of a checkpoint and the snapshot records after it. Not
// thread-safe (the persister guards it).
class FileIndex {
 public:
  // Adds a record's files and windows. A checkpoint replaces everything.
  // REQUIRES: record.sequence == last_sequence() + 1, or record.checkpoint.
  void Apply(const SnapshotRecord& record);

  // The whole index as a checkpoint record for snapshot last_sequence().
  SnapshotRecord ToCheckpoint(int64_t created_unix_nanos) const;

  uint64_t last_sequence() const { return last_sequence_; }
  uint64_t next_file_id() const { return next_file_id_; }
  // Every file, by file id.
  const std::map<uint64_t, ParquetFileInfo>& files() const { return files_; }
  // The files of one table, in file id order.
  std::vector<const ParquetFileInfo*> TableFiles(uint32_t database_id, uint32_t table_id) const;
  // The persisted window of (database, table) that holds `time`, or nullptr.
  const PersistedWindow* WindowOf(uint32_t database_id, uint32_t table_id, int64_t time) const;
  // Persisted windows, by (database, table, start).
  const std::map<std::tuple<uint32_t, uint32_t, int64_t>, PersistedWindow>& windows() const {
    return windows_;
  }

 private:
  uint64_t last_sequence_ = 0;
  uint64_t next_file_id_ = 1;
  std::map<uint64_t, ParquetFileInfo> files_;
  std::map<std::tuple<uint32_t, uint32_t, int64_t>, PersistedWindow> windows_;
};

}  // namespace strata::persist
