// Where snapshots live on the object store, and reading and writing their records:
//
//   snapshots/<sequence>.json       what snapshot <sequence> added (SnapshotRecord)
//   checkpoints/<sequence>.json     the whole index as of snapshot <sequence>
//   files/<sequence>/<database id>-<table id>-<n>.parquet
//                                   the Parquet files snapshot <sequence> wrote
//
// Sequences are written as 20 digits, so names sort in sequence order. Paths hold only numbers
// strata generates, never a database or table name.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "objectstore/object_path.h"
#include "objectstore/object_store.h"
#include "persist/file_index.h"

namespace strata::persist {

objectstore::ObjectPath SnapshotRecordPath(uint64_t sequence);
objectstore::ObjectPath CheckpointPath(uint64_t sequence);
// The folder of snapshot `sequence`'s Parquet files, and one file in it.
objectstore::ObjectPath SnapshotFilesPrefix(uint64_t sequence);
objectstore::ObjectPath ParquetFilePath(uint64_t sequence,
                                        uint32_t database_id,
                                        uint32_t table_id,
                                        int file_number);

// Reads the index: the latest checkpoint (if any) and every record after it, which must be
// numbered without gaps. A missing, unreadable or malformed object that the index needs is an
// error (DataLoss for damage), never silently skipped: files would be lost from queries and WAL
// records replayed twice.
absl::StatusOr<FileIndex> LoadFileIndex(objectstore::ObjectStore* store);

// Commits `record` (not a checkpoint): creates snapshots/<sequence>.json, which must not exist.
// Once this returns OK the snapshot is durable.
absl::Status CommitSnapshotRecord(objectstore::ObjectStore* store, const SnapshotRecord& record);

// Writes a checkpoint of `index`, then removes the records and older checkpoints it makes
// redundant.
absl::Status WriteCheckpoint(objectstore::ObjectStore* store,
                             const FileIndex& index,
                             int64_t created_unix_nanos);

// Removes what an attempt at snapshot `sequence` left before it could commit (its Parquet files).
// Returns how many objects it removed.
absl::StatusOr<int> RemoveUncommittedFiles(objectstore::ObjectStore* store, uint64_t sequence);

}  // namespace strata::persist
