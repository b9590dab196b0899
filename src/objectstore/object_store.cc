// ObjectStore's shared argument checks and counters, and the factory that picks an
// implementation by name.
#include "objectstore/object_store.h"

#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"
#include "objectstore/in_memory_object_store.h"
#include "objectstore/local_file_system_object_store.h"

namespace strata::objectstore {
namespace {

absl::Status RootPathError(std::string_view operation) {
  return absl::InvalidArgumentError(
      fmt::format("{}: the root path names no object; give an object's path", operation));
}

}  // namespace

absl::Status ObjectStore::Put(const ObjectPath& path, std::string_view bytes) {
  absl::Status status = path.is_root() ? RootPathError("put") : PutImpl(path, bytes);
  Count(puts_, status.ok());
  if (status.ok()) {
    bytes_put_.fetch_add(bytes.size(), std::memory_order_relaxed);
  }
  return status;
}

absl::Status ObjectStore::PutIfAbsent(const ObjectPath& path, std::string_view bytes) {
  absl::Status status =
      path.is_root() ? RootPathError("put if absent") : PutIfAbsentImpl(path, bytes);
  Count(puts_, status.ok());
  if (status.ok()) {
    bytes_put_.fetch_add(bytes.size(), std::memory_order_relaxed);
  }
  return status;
}

absl::StatusOr<std::string> ObjectStore::Get(const ObjectPath& path) {
  absl::StatusOr<std::string> bytes =
      path.is_root() ? absl::StatusOr<std::string>(RootPathError("get")) : GetImpl(path);
  Count(gets_, bytes.ok());
  if (bytes.ok()) {
    bytes_read_.fetch_add(bytes->size(), std::memory_order_relaxed);
  }
  return bytes;
}

absl::StatusOr<std::string> ObjectStore::GetRange(const ObjectPath& path,
                                                  uint64_t offset,
                                                  uint64_t length) {
  absl::StatusOr<std::string> bytes;
  if (path.is_root()) {
    bytes = RootPathError("get range");
  } else if (length > kMaxRangeLength) {
    bytes = absl::InvalidArgumentError(
        fmt::format("get range of {}: length {} is above the limit of {} bytes per request",
                    path,
                    length,
                    kMaxRangeLength));
  } else {
    bytes = GetRangeImpl(path, offset, length);
  }
  Count(gets_, bytes.ok());
  if (bytes.ok()) {
    bytes_read_.fetch_add(bytes->size(), std::memory_order_relaxed);
  }
  return bytes;
}

absl::StatusOr<ObjectMeta> ObjectStore::Head(const ObjectPath& path) {
  absl::StatusOr<ObjectMeta> meta =
      path.is_root() ? absl::StatusOr<ObjectMeta>(RootPathError("head")) : HeadImpl(path);
  Count(heads_, meta.ok());
  return meta;
}

absl::StatusOr<std::vector<ObjectMeta>> ObjectStore::List(const ObjectPath& prefix) {
  absl::StatusOr<std::vector<ObjectMeta>> objects = ListImpl(prefix);
  Count(lists_, objects.ok());
  return objects;
}

absl::Status ObjectStore::Delete(const ObjectPath& path) {
  absl::Status status = path.is_root() ? RootPathError("delete") : DeleteImpl(path);
  Count(deletes_, status.ok());
  return status;
}

ObjectStoreStats ObjectStore::stats() const {
  ObjectStoreStats stats;
  stats.puts = puts_.load(std::memory_order_relaxed);
  stats.gets = gets_.load(std::memory_order_relaxed);
  stats.heads = heads_.load(std::memory_order_relaxed);
  stats.lists = lists_.load(std::memory_order_relaxed);
  stats.deletes = deletes_.load(std::memory_order_relaxed);
  stats.errors = errors_.load(std::memory_order_relaxed);
  stats.bytes_put = bytes_put_.load(std::memory_order_relaxed);
  stats.bytes_read = bytes_read_.load(std::memory_order_relaxed);
  return stats;
}

absl::Status ObjectStore::NotFound(const ObjectPath& path) const {
  return absl::NotFoundError(fmt::format("object {} not found in {}", path, Description()));
}

absl::Status ObjectStore::CheckRange(const ObjectPath& path,
                                     uint64_t offset,
                                     uint64_t length,
                                     uint64_t size) const {
  if (offset > size) {
    return absl::OutOfRangeError(fmt::format(
        "get range of {}: offset {} is past the end of the object ({} bytes)", path, offset, size));
  }
  if (length > size - offset) {
    return absl::OutOfRangeError(
        fmt::format("get range of {}: {} bytes at offset {} reach past the end of the object ({} "
                    "bytes)",
                    path,
                    length,
                    offset,
                    size));
  }
  return absl::OkStatus();
}

void ObjectStore::Count(std::atomic<uint64_t>& counter, bool ok) {
  counter.fetch_add(1, std::memory_order_relaxed);
  if (!ok) {
    errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

absl::StatusOr<std::unique_ptr<ObjectStore>> MakeObjectStore(std::string_view kind,
                                                             std::string_view data_dir) {
  if (kind == "memory") {
    return std::make_unique<InMemoryObjectStore>();
  }
  if (kind == "file") {
    std::string root = fmt::format("{}/{}", data_dir, kObjectStoreDirectoryName);
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<LocalFileSystemObjectStore> store,
                            LocalFileSystemObjectStore::Open(root));
    STRATA_ASSIGN_OR_RETURN(uint64_t removed, store->CleanupTempFiles());
    if (removed > 0) {
      STRATA_LOG_INFO("Object store removed stale temporary files store={} files={}",
                      store->Description(),
                      removed);
    }
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown object store kind \"{}\" (expected \"file\" or \"memory\")", kind));
}

}  // namespace strata::objectstore
