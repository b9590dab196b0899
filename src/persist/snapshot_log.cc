// Snapshot records, checkpoints and files on the object store.
#include "persist/snapshot_log.h"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::persist {
namespace {

using objectstore::ObjectMeta;
using objectstore::ObjectPath;
using objectstore::ObjectStore;

constexpr std::string_view kSnapshots = "snapshots";
constexpr std::string_view kCheckpoints = "checkpoints";
constexpr std::string_view kFiles = "files";

std::string SequenceName(uint64_t sequence) {
  return fmt::format("{:020}", sequence);
}

ObjectPath MustPath(std::initializer_list<std::string_view> segments) {
  absl::StatusOr<ObjectPath> path = ObjectPath::FromSegments(segments);
  STRATA_CHECK(path.ok());  // built from constants and numbers only
  return *std::move(path);
}

// The sequence of "<20 digits>.json", or nullopt for any other name.
std::optional<uint64_t> ParseRecordName(std::string_view name) {
  constexpr std::string_view kSuffix = ".json";
  if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  uint64_t sequence = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + 20, sequence);
  if (error != std::errc() || end != name.data() + 20) {
    return std::nullopt;
  }
  return sequence;
}

// The records under `folder`, by sequence (objects with other names are ignored).
absl::StatusOr<std::vector<std::pair<uint64_t, ObjectPath>>> ListRecords(ObjectStore* store,
                                                                         std::string_view folder) {
  STRATA_ASSIGN_OR_RETURN(std::vector<ObjectMeta> objects, store->List(MustPath({folder})));
  std::vector<std::pair<uint64_t, ObjectPath>> out;
  for (const ObjectMeta& object : objects) {
    if (std::optional<uint64_t> sequence = ParseRecordName(object.path.Filename())) {
      out.emplace_back(*sequence, object.path);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

absl::StatusOr<SnapshotRecord> ReadRecord(ObjectStore* store,
                                          const ObjectPath& path,
                                          uint64_t sequence,
                                          bool checkpoint) {
  STRATA_ASSIGN_OR_RETURN(std::string bytes, store->Get(path));
  STRATA_ASSIGN_OR_RETURN(SnapshotRecord record, DecodeSnapshotRecord(bytes, path.str()));
  if (record.sequence != sequence || record.checkpoint != checkpoint) {
    return absl::DataLossError(fmt::format("snapshot record {}: holds {} {} instead",
                                           path.str(),
                                           record.checkpoint ? "checkpoint" : "snapshot",
                                           record.sequence));
  }
  return record;
}

}  // namespace

ObjectPath SnapshotRecordPath(uint64_t sequence) {
  return MustPath({kSnapshots, SequenceName(sequence) + ".json"});
}

ObjectPath CheckpointPath(uint64_t sequence) {
  return MustPath({kCheckpoints, SequenceName(sequence) + ".json"});
}

ObjectPath SnapshotFilesPrefix(uint64_t sequence) {
  return MustPath({kFiles, SequenceName(sequence)});
}

ObjectPath ParquetFilePath(uint64_t sequence,
                           uint32_t database_id,
                           uint32_t table_id,
                           int file_number) {
  return MustPath({kFiles,
                   SequenceName(sequence),
                   fmt::format("{}-{}-{}.parquet", database_id, table_id, file_number)});
}

absl::StatusOr<FileIndex> LoadFileIndex(ObjectStore* store) {
  FileIndex index;
  STRATA_ASSIGN_OR_RETURN(auto checkpoints, ListRecords(store, kCheckpoints));
  if (!checkpoints.empty()) {
    const auto& [sequence, path] = checkpoints.back();
    STRATA_ASSIGN_OR_RETURN(SnapshotRecord checkpoint,
                            ReadRecord(store, path, sequence, /*checkpoint=*/true));
    index.Apply(checkpoint);
  }
  STRATA_ASSIGN_OR_RETURN(auto records, ListRecords(store, kSnapshots));
  for (const auto& [sequence, path] : records) {
    if (sequence <= index.last_sequence()) {
      continue;  // folded into the checkpoint; its removal was interrupted
    }
    if (sequence != index.last_sequence() + 1) {
      return absl::DataLossError(
          fmt::format("snapshot records are missing: after snapshot {} comes {} ({})",
                      index.last_sequence(),
                      sequence,
                      path.str()));
    }
    STRATA_ASSIGN_OR_RETURN(SnapshotRecord record,
                            ReadRecord(store, path, sequence, /*checkpoint=*/false));
    index.Apply(record);
  }
  return index;
}

absl::Status CommitSnapshotRecord(ObjectStore* store, const SnapshotRecord& record) {
  STRATA_CHECK(!record.checkpoint);
  absl::Status put =
      store->PutIfAbsent(SnapshotRecordPath(record.sequence), EncodeSnapshotRecord(record));
  if (absl::IsAlreadyExists(put)) {
    return absl::FailedPreconditionError(
        fmt::format("snapshot {} was already committed: is another server writing to the same "
                    "object store?",
                    record.sequence));
  }
  return put;
}

absl::Status WriteCheckpoint(ObjectStore* store,
                             const FileIndex& index,
                             int64_t created_unix_nanos) {
  const uint64_t sequence = index.last_sequence();
  STRATA_RETURN_IF_ERROR(store->Put(CheckpointPath(sequence),
                                    EncodeSnapshotRecord(index.ToCheckpoint(created_unix_nanos))));
  // Everything the checkpoint holds can go. A failure here only leaves redundant objects, which
  // the next checkpoint removes.
  STRATA_ASSIGN_OR_RETURN(auto records, ListRecords(store, kSnapshots));
  for (const auto& [record_sequence, path] : records) {
    if (record_sequence <= sequence) {
      STRATA_RETURN_IF_ERROR(store->Delete(path));
    }
  }
  STRATA_ASSIGN_OR_RETURN(auto checkpoints, ListRecords(store, kCheckpoints));
  for (const auto& [checkpoint_sequence, path] : checkpoints) {
    if (checkpoint_sequence < sequence) {
      STRATA_RETURN_IF_ERROR(store->Delete(path));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> RemoveUncommittedFiles(ObjectStore* store, uint64_t sequence) {
  STRATA_ASSIGN_OR_RETURN(std::vector<ObjectMeta> objects,
                          store->List(SnapshotFilesPrefix(sequence)));
  for (const ObjectMeta& object : objects) {
    STRATA_RETURN_IF_ERROR(store->Delete(object.path));
  }
  return static_cast<int>(objects.size());
}

}  // namespace strata::persist
