// The ObjectStore interface: where strata keeps immutable files (Parquet files, snapshots, file
// indexes) by ObjectPath. Its operations are the ones S3 offers (whole and ranged reads, atomic
// whole-object writes, conditional create, prefix listing, delete; no rename, no append), so the
// local file system, memory and a later S3 store are interchangeable.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "objectstore/object_path.h"

namespace strata::objectstore {

// What a store knows about one object.
struct ObjectMeta {
  ObjectPath path;
  uint64_t size = 0;
  // When the object was last written (the file's mtime on a local file system).
  std::chrono::system_clock::time_point last_modified;
};

// Counts of a store's requests since it was created, for logs, metrics and tests. Each request
// counts once, whether it succeeded or not; `errors` counts the failed ones (a NotFound from Get
// or Head and an AlreadyExists from PutIfAbsent count as errors too; Delete of a missing object
// is a success).
struct ObjectStoreStats {
  uint64_t puts = 0;  // Put and PutIfAbsent
  uint64_t gets = 0;  // Get and GetRange
  uint64_t heads = 0;
  uint64_t lists = 0;
  uint64_t deletes = 0;
  uint64_t errors = 0;
  uint64_t bytes_put = 0;   // bytes of successful puts
  uint64_t bytes_read = 0;  // bytes returned by successful gets
};

// A flat namespace of immutable byte strings keyed by ObjectPath. Thread-safe: every operation
// may run concurrently with any other, on the same or different paths.
//
// Contract shared by every implementation (checked in one place, here, where it does not need
// the store's data; the rest is tested against each implementation by object_store_test.cc):
// - Writes are atomic: a reader sees the old object or the new one in full, never a part, and a
//   write that returns OK is durable (on the local file system: synced to disk).
// - Paths are never the root: operations other than List return InvalidArgument for it.
// - A missing object is NotFound (absl::IsNotFound) with a message naming the path.
// - An object's path cannot also be a proper prefix of another object's path ("a/b" and
//   "a/b/c" cannot both exist, as a file cannot also be a directory): such a put fails with
//   FailedPrecondition. Strata's layouts never do this; the memory store enforces it too so that
//   tests catch a layout that would fail on disk.
//
// Use the public non-virtual methods; implementations override the *Impl hooks.
class ObjectStore {
 public:
  // GetRange refuses longer ranges (InvalidArgument), so that a corrupt length read from a file
  // cannot make the server allocate gigabytes.
  static constexpr uint64_t kMaxRangeLength = 1ull << 30;

  virtual ~ObjectStore() = default;

  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // Creates or replaces the object at `path` with `bytes`, atomically.
  absl::Status Put(const ObjectPath& path, std::string_view bytes);

  // Creates the object at `path` with `bytes` unless an object exists there, atomically: when
  // several callers race for one path exactly one succeeds and the others get AlreadyExists
  // (absl::IsAlreadyExists); the existing object is left unchanged. This is how a writer claims
  // a sequence number (a snapshot's) without a lock.
  absl::Status PutIfAbsent(const ObjectPath& path, std::string_view bytes);

  // Returns the whole object at `path`.
  absl::StatusOr<std::string> Get(const ObjectPath& path);

  // Returns exactly `length` bytes of the object at `path`, starting at byte `offset`. Fails with
  // OutOfRange (naming the range and the object's size) unless offset + length <= size; an empty
  // range at the end (offset == size, length 0) is fine. Fails with InvalidArgument for a length
  // above kMaxRangeLength.
  absl::StatusOr<std::string> GetRange(const ObjectPath& path, uint64_t offset, uint64_t length);

  // Returns the size and modification time of the object at `path`.
  absl::StatusOr<ObjectMeta> Head(const ObjectPath& path);

  // Returns every object strictly below `prefix`, segment-wise (see ObjectPath::IsPrefixOf: the
  // prefix "a/b" lists "a/b/c" and "a/b/d/e", but not "a/bc" nor an object at "a/b" itself),
  // sorted by path. The root lists everything; a prefix with no objects below it lists nothing.
  // Objects written or deleted while List runs may or may not be listed.
  absl::StatusOr<std::vector<ObjectMeta>> List(const ObjectPath& prefix);

  // Deletes the object at `path`. Deleting a missing object succeeds, as on S3, so a retried
  // delete (after a crash or a timeout) is harmless.
  absl::Status Delete(const ObjectPath& path);

  // Returns a short description for logs, e.g. "file:/var/lib/strata/objects" or "memory".
  virtual std::string Description() const = 0;

  // Returns the request counters; each is read atomically, but not all at one instant.
  ObjectStoreStats stats() const;

 protected:
  ObjectStore() = default;

  // The operations, called with a non-root path (and for GetRangeImpl a length of at most
  // kMaxRangeLength). Errors must follow the contract above; they need not be counted.
  virtual absl::Status PutImpl(const ObjectPath& path, std::string_view bytes) = 0;
  virtual absl::Status PutIfAbsentImpl(const ObjectPath& path, std::string_view bytes) = 0;
  virtual absl::StatusOr<std::string> GetImpl(const ObjectPath& path) = 0;
  virtual absl::StatusOr<std::string> GetRangeImpl(const ObjectPath& path,
                                                   uint64_t offset,
                                                   uint64_t length) = 0;
  virtual absl::StatusOr<ObjectMeta> HeadImpl(const ObjectPath& path) = 0;
  virtual absl::StatusOr<std::vector<ObjectMeta>> ListImpl(const ObjectPath& prefix) = 0;
  virtual absl::Status DeleteImpl(const ObjectPath& path) = 0;

  // Returns the NotFound error for a missing object at `path` in this store.
  absl::Status NotFound(const ObjectPath& path) const;

  // Returns OK if [offset, offset + length) lies within an object of `size` bytes, else the
  // OutOfRange error GetRange promises.
  absl::Status CheckRange(const ObjectPath& path,
                          uint64_t offset,
                          uint64_t length,
                          uint64_t size) const;

 private:
  // Counts a finished request of kind `counter` and, when it failed, an error.
  void Count(std::atomic<uint64_t>& counter, bool ok);

  std::atomic<uint64_t> puts_{0};
  std::atomic<uint64_t> gets_{0};
  std::atomic<uint64_t> heads_{0};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> deletes_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> bytes_put_{0};
  std::atomic<uint64_t> bytes_read_{0};
};

// The name of the directory below --data-dir that holds a "file" store's objects, apart from the
// catalog and the WAL.
inline constexpr std::string_view kObjectStoreDirectoryName = "objects";

// Makes the store of `kind`: "file" (a LocalFileSystemObjectStore in <data_dir>/objects, created
// if missing, with stale temporary files removed) or "memory" (an InMemoryObjectStore; data_dir
// is not used). Returns InvalidArgument for any other kind.
absl::StatusOr<std::unique_ptr<ObjectStore>> MakeObjectStore(std::string_view kind,
                                                             std::string_view data_dir);

}  // namespace strata::objectstore
