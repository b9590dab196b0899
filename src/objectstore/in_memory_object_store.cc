// InMemoryObjectStore: the map, its prefix-conflict rule, listing and fault injection.
#include "objectstore/in_memory_object_store.h"

#include <utility>

#include "common/check.h"
#include "fmt/format.h"

namespace strata::objectstore {

std::string_view ObjectStoreOperationName(ObjectStoreOperation operation) {
  switch (operation) {
    case ObjectStoreOperation::kPut:
      return "put";
    case ObjectStoreOperation::kPutIfAbsent:
      return "put if absent";
    case ObjectStoreOperation::kGet:
      return "get";
    case ObjectStoreOperation::kGetRange:
      return "get range";
    case ObjectStoreOperation::kHead:
      return "head";
    case ObjectStoreOperation::kList:
      return "list";
    case ObjectStoreOperation::kDelete:
      return "delete";
  }
  return "unknown operation";
}

void InMemoryObjectStore::FailNext(ObjectStoreOperation operation, int count, absl::Status status) {
  STRATA_CHECK(!status.ok());
  absl::MutexLock lock(&mutex_);
  for (PendingFailure& pending : pending_failures_) {
    if (pending.operation == operation) {
      pending.count = count;
      pending.status = std::move(status);
      return;
    }
  }
  pending_failures_.push_back(PendingFailure{operation, count, std::move(status)});
}

void InMemoryObjectStore::SetFaultInjector(ObjectStoreFaultInjector injector) {
  absl::MutexLock lock(&mutex_);
  fault_injector_ = std::move(injector);
}

size_t InMemoryObjectStore::object_count() const {
  absl::MutexLock lock(&mutex_);
  return objects_.size();
}

uint64_t InMemoryObjectStore::total_bytes() const {
  absl::MutexLock lock(&mutex_);
  return total_bytes_;
}

absl::Status InMemoryObjectStore::InjectedFault(ObjectStoreOperation operation,
                                                const ObjectPath& path) {
  ObjectStoreFaultInjector injector;
  {
    absl::MutexLock lock(&mutex_);
    for (PendingFailure& pending : pending_failures_) {
      if (pending.operation == operation && pending.count > 0) {
        --pending.count;
        return pending.status;
      }
    }
    injector = fault_injector_;
  }
  if (!injector) {
    return absl::OkStatus();
  }
  return injector(operation, path);
}

absl::Status InMemoryObjectStore::CheckNoPrefixConflict(const ObjectPath& path) const {
  for (ObjectPath ancestor = path.Parent(); !ancestor.is_root(); ancestor = ancestor.Parent()) {
    if (objects_.contains(ancestor)) {
      return absl::FailedPreconditionError(
          fmt::format("put {}: {} is an object, so it cannot also be a prefix of other objects",
                      path,
                      ancestor));
    }
  }
  std::string below = path.str() + "/";
  auto next = objects_.lower_bound(std::string_view(below));
  if (next != objects_.end() && next->first.str().starts_with(below)) {
    return absl::FailedPreconditionError(fmt::format(
        "put {}: it is a prefix of object {}, so it cannot also be an object", path, next->first));
  }
  return absl::OkStatus();
}

absl::Status InMemoryObjectStore::Store(const ObjectPath& path,
                                        std::string_view bytes,
                                        bool if_absent) {
  // Copy the bytes before taking the lock.
  auto copy = std::make_shared<const std::string>(bytes);
  auto now = std::chrono::system_clock::now();
  std::shared_ptr<const std::string> replaced;  // released after the lock
  absl::MutexLock lock(&mutex_);
  auto found = objects_.find(path);
  if (found != objects_.end()) {
    if (if_absent) {
      return absl::AlreadyExistsError(
          fmt::format("put if absent {}: the object already exists in {}", path, Description()));
    }
    total_bytes_ -= found->second.bytes->size();
    replaced = std::exchange(found->second.bytes, std::move(copy));
    found->second.last_modified = now;
    total_bytes_ += bytes.size();
    return absl::OkStatus();
  }
  if (absl::Status status = CheckNoPrefixConflict(path); !status.ok()) {
    return status;
  }
  objects_.emplace(path, Object{std::move(copy), now});
  total_bytes_ += bytes.size();
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const std::string>> InMemoryObjectStore::Find(
    const ObjectPath& path) const {
  absl::MutexLock lock(&mutex_);
  auto found = objects_.find(path);
  if (found == objects_.end()) {
    return NotFound(path);
  }
  return found->second.bytes;
}

absl::Status InMemoryObjectStore::PutImpl(const ObjectPath& path, std::string_view bytes) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kPut, path); !fault.ok()) {
    return fault;
  }
  return Store(path, bytes, /*if_absent=*/false);
}

absl::Status InMemoryObjectStore::PutIfAbsentImpl(const ObjectPath& path, std::string_view bytes) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kPutIfAbsent, path); !fault.ok()) {
    return fault;
  }
  return Store(path, bytes, /*if_absent=*/true);
}

absl::StatusOr<std::string> InMemoryObjectStore::GetImpl(const ObjectPath& path) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kGet, path); !fault.ok()) {
    return fault;
  }
  absl::StatusOr<std::shared_ptr<const std::string>> bytes = Find(path);
  if (!bytes.ok()) {
    return bytes.status();
  }
  return **bytes;
}

absl::StatusOr<std::string> InMemoryObjectStore::GetRangeImpl(const ObjectPath& path,
                                                              uint64_t offset,
                                                              uint64_t length) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kGetRange, path); !fault.ok()) {
    return fault;
  }
  absl::StatusOr<std::shared_ptr<const std::string>> bytes = Find(path);
  if (!bytes.ok()) {
    return bytes.status();
  }
  const std::string& object = **bytes;
  if (absl::Status status = CheckRange(path, offset, length, object.size()); !status.ok()) {
    return status;
  }
  return object.substr(offset, length);
}

absl::StatusOr<ObjectMeta> InMemoryObjectStore::HeadImpl(const ObjectPath& path) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kHead, path); !fault.ok()) {
    return fault;
  }
  absl::MutexLock lock(&mutex_);
  auto found = objects_.find(path);
  if (found == objects_.end()) {
    return NotFound(path);
  }
  return ObjectMeta{path, found->second.bytes->size(), found->second.last_modified};
}

absl::StatusOr<std::vector<ObjectMeta>> InMemoryObjectStore::ListImpl(const ObjectPath& prefix) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kList, prefix); !fault.ok()) {
    return fault;
  }
  std::vector<ObjectMeta> objects;
  absl::MutexLock lock(&mutex_);
  // Everything strictly below "a/b" sorts from "a/b/" on, and contiguously.
  std::string below = prefix.is_root() ? std::string() : prefix.str() + "/";
  for (auto it = objects_.lower_bound(std::string_view(below));
       it != objects_.end() && it->first.str().starts_with(below);
       ++it) {
    objects.push_back(ObjectMeta{it->first, it->second.bytes->size(), it->second.last_modified});
  }
  return objects;
}

absl::Status InMemoryObjectStore::DeleteImpl(const ObjectPath& path) {
  if (absl::Status fault = InjectedFault(ObjectStoreOperation::kDelete, path); !fault.ok()) {
    return fault;
  }
  std::shared_ptr<const std::string> deleted;  // released after the lock
  absl::MutexLock lock(&mutex_);
  auto found = objects_.find(path);
  if (found != objects_.end()) {
    total_bytes_ -= found->second.bytes->size();
    deleted = std::move(found->second.bytes);
    objects_.erase(found);
  }
  return absl::OkStatus();
}

}  // namespace strata::objectstore
