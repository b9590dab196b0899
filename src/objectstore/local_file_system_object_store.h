// LocalFileSystemObjectStore: an ObjectStore whose objects are files below a root directory
// (by default <data-dir>/objects), written atomically and durably with a temporary file, fsync,
// rename and a directory fsync.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "objectstore/object_path.h"
#include "objectstore/object_store.h"

namespace strata::objectstore {

// The object "a/b/c" is the file <root>/a/b/c. Directories are created as puts need them (each
// new directory made durable by an fsync of its parent) and removed by Delete once empty, so the
// tree holds no directories without objects below them, as S3 has none.
//
// A put writes the bytes to a new temporary file in the object's directory, named
// ".tmp-<16 random hex digits>" (ObjectPath segments never begin with '.', so it cannot clash with
// an object and List skips it), fsyncs it, renames it over the object's file and fsyncs the
// directory. PutIfAbsent moves the temporary file into place with renameat2(RENAME_NOREPLACE),
// or with link(2) (which also fails if the name exists) where the file system lacks that flag; it
// never checks and then renames. A crash can leave temporary files behind; CleanupTempFiles
// removes them.
//
// Every path is resolved one segment at a time from a descriptor of the root opened once, with
// O_NOFOLLOW: a symbolic link below the root is never followed (it is neither an object nor a
// directory to this store), so nothing outside the root is read or written even if one is
// planted there. Files below the root that are not valid object paths are ignored.
//
// Thread-safe. One process at a time may use a root: strata holds <data-dir>/LOCK.
class LocalFileSystemObjectStore final : public ObjectStore {
 public:
  // Temporary files' names begin with this.
  static constexpr std::string_view kTempFilePrefix = ".tmp-";

  // Opens the store rooted at directory `root`, creating it and missing parents (made durable
  // with an fsync of each new directory's parent). Does not clean up temporary files.
  static absl::StatusOr<std::unique_ptr<LocalFileSystemObjectStore>> Open(std::string root);

  // Closes the root's descriptor.
  ~LocalFileSystemObjectStore() override;

  // "file:<root>".
  std::string Description() const override;

  // Returns the root directory as given to Open.
  const std::string& root() const { return root_; }

  // Removes every temporary file below the root except those of puts in progress in this store,
  // i.e. the ones a crash left behind (in any process). Returns how many it removed. Run at
  // start-up (MakeObjectStore does); it is safe alongside other requests, but another process
  // writing to the same root would lose its temporary files.
  absl::StatusOr<uint64_t> CleanupTempFiles();

  // Makes PutIfAbsent use link(2) as on a file system without RENAME_NOREPLACE, so tests cover
  // that path.
  void DisableRenameNoReplaceForTesting() { use_rename_noreplace_ = false; }

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
  LocalFileSystemObjectStore(std::string root, int root_fd);

  // Returns "<root>/<path>", for messages.
  std::string FilePath(const ObjectPath& path) const;

  // Writes `bytes` to a new, synced temporary file in `path`'s directory (created if needed)
  // and moves it to `path`: over an existing object, or only if there is none (`if_absent`).
  absl::Status WriteObject(const ObjectPath& path, std::string_view bytes, bool if_absent);

  // Moves temporary file `temp_name` in `directory` to `path`'s file name there. Returns
  // AlreadyExists if `if_absent` and an object exists, FailedPrecondition if a non-empty
  // directory is in the way.
  absl::Status MoveIntoPlace(int directory,
                             const std::string& temp_name,
                             const ObjectPath& path,
                             bool if_absent);

  // Returns a fresh temporary file name and records it as in progress.
  std::string BeginTempFile() ABSL_LOCKS_EXCLUDED(temp_files_mutex_);
  // Forgets temporary file `name`.
  void EndTempFile(const std::string& name) ABSL_LOCKS_EXCLUDED(temp_files_mutex_);

  const std::string root_;
  const int root_fd_;
  std::atomic<bool> use_rename_noreplace_{true};

  // Temporary files being written by puts of this store, which CleanupTempFiles must not remove.
  // A name is added before its file is created and removed after the file was renamed or deleted.
  mutable absl::Mutex temp_files_mutex_;
  absl::flat_hash_set<std::string> temp_files_in_progress_ ABSL_GUARDED_BY(temp_files_mutex_);
};

}  // namespace strata::objectstore
