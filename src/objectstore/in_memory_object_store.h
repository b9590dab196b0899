// InMemoryObjectStore: an ObjectStore in a map, for tests and `--object-store memory`. It has the
// same semantics as the file system store, plus fault injection so that tests can make chosen
// requests fail.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "objectstore/object_path.h"
#include "objectstore/object_store.h"

namespace strata::objectstore {

// The requests a fault can be injected into.
enum class ObjectStoreOperation { kPut, kPutIfAbsent, kGet, kGetRange, kHead, kList, kDelete };

// Returns the operation's name: "put", "put if absent", "get", "get range", "head", "list",
// "delete".
std::string_view ObjectStoreOperationName(ObjectStoreOperation operation);

// A test hook called before each request with the operation and its path (the prefix for List).
// A non-OK status fails the request with that status and without any effect.
using ObjectStoreFaultInjector =
    std::function<absl::Status(ObjectStoreOperation operation, const ObjectPath& path)>;

// Objects live in a std::map under one mutex. Each object's bytes are shared, immutable and
// copied out after the lock is released, so a large Get does not hold up other requests.
class InMemoryObjectStore final : public ObjectStore {
 public:
  InMemoryObjectStore() = default;

  std::string Description() const override { return "memory"; }

  // Makes the next `count` requests of `operation` fail with `status` (non-OK), without effect.
  // Adds to failures already pending for other operations; replaces the pending count and status
  // for the same operation.
  void FailNext(ObjectStoreOperation operation, int count, absl::Status status);

  // Installs `injector`, called for every request after the failures of FailNext are used up;
  // an empty function removes it. It runs without the store's lock held and may be called from
  // several threads at once.
  void SetFaultInjector(ObjectStoreFaultInjector injector);

  // Returns the number of objects and the sum of their sizes.
  size_t object_count() const;
  uint64_t total_bytes() const;

 protected:
  absl::Status PutImpl(const ObjectPath& path, std::string_view bytes) override;
  absl::Status PutIfAbsentImpl(const ObjectPath& path, std::string_view bytes) override;
  absl::StatusOr<std::string> GetImpl(const ObjectPath& path) override;
  absl::StatusOr<std::string> GetRangeImpl(const ObjectPath& path,
                                           uint64_t offset,
                                           uint64_t length) override;
  absl::StatusOr<ObjectMeta> HeadImpl(const ObjectPath& path) override;
  absl::StatusOr<std::vector<ObjectMeta>> ListImpl(const ObjectPath& prefix) override;
  absl::Status DeleteImpl(const ObjectPath& path) override;

 private:
  struct Object {
    std::shared_ptr<const std::string> bytes;
    std::chrono::system_clock::time_point last_modified;
  };

  // Orders paths by their text and lets the map be searched with a bare string_view.
  struct ByText {
    using is_transparent = void;
    bool operator()(const ObjectPath& a, const ObjectPath& b) const { return a.str() < b.str(); }
    bool operator()(const ObjectPath& a, std::string_view b) const { return a.str() < b; }
    bool operator()(std::string_view a, const ObjectPath& b) const { return a < b.str(); }
  };

  struct PendingFailure {
    ObjectStoreOperation operation;
    int count;
    absl::Status status;
  };

  // Returns the injected failure for this request, if any, or OK.
  absl::Status InjectedFault(ObjectStoreOperation operation, const ObjectPath& path)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Returns FailedPrecondition if an object's path is a proper prefix of `path` or `path` is a
  // proper prefix of an object's path.
  absl::Status CheckNoPrefixConflict(const ObjectPath& path) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  // Returns the bytes of the object at `path`, or NotFound.
  absl::StatusOr<std::shared_ptr<const std::string>> Find(const ObjectPath& path) const
      ABSL_LOCKS_EXCLUDED(mutex_);

  absl::Status Store(const ObjectPath& path, std::string_view bytes, bool if_absent)
      ABSL_LOCKS_EXCLUDED(mutex_);

  mutable absl::Mutex mutex_;
  std::map<ObjectPath, Object, ByText> objects_ ABSL_GUARDED_BY(mutex_);
  uint64_t total_bytes_ ABSL_GUARDED_BY(mutex_) = 0;
  std::vector<PendingFailure> pending_failures_ ABSL_GUARDED_BY(mutex_);
  ObjectStoreFaultInjector fault_injector_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace strata::objectstore
