// LocalFileSystemObjectStore: objects as files, resolved segment by segment from the root's
// descriptor with O_NOFOLLOW, written through synced temporary files and renames.
#include "objectstore/local_file_system_object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <span>
#include <system_error>
#include <utility>

#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::objectstore {
namespace {

// Opens a directory for *at() calls and readdir, refusing a symbolic link in its place.
constexpr int kDirectoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// A put starts over when a concurrent Delete removed an empty directory it had just opened (the
// directory becomes non-empty, and safe from removal, once the temporary file is in it); a put
// that loses this race this many times in a row gives up.
constexpr int kMaxPutAttempts = 16;

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Returns the error for system call `operation` failing on `path` with errno `error`, with the
// code and the text absl::ErrnoToStatus gives it: "fsync /data/objects/a: Input/output error".
absl::Status PosixError(std::string_view operation, std::string_view path, int error) {
  return absl::ErrnoToStatus(error, fmt::format("{} {}", operation, path));
}

// Owns a file descriptor and closes it.
class Descriptor {
 public:
  Descriptor() = default;
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Descriptor& operator=(Descriptor&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Descriptor() { Reset(); }

  int get() const { return fd_; }

  // Gives up ownership: the caller closes the descriptor.
  int Release() { return std::exchange(fd_, -1); }

  // Closes the descriptor, reporting an error of close(2) (which on some file systems is the
  // first report of a failed write).
  absl::Status Close(std::string_view path) {
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) {
      return PosixError("close", path, errno);
    }
    return absl::OkStatus();
  }

 private:
  void Reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  int fd_ = -1;
};

// The directories along an object's path, opened in turn from the root.
struct DirectoryChain {
  int root_fd = -1;
  std::vector<Descriptor> directories;  // one per segment

  // Returns the last directory (the root if there are none).
  int last() const { return directories.empty() ? root_fd : directories.back().get(); }
  // Returns the directory that contains directories[i].
  int parent_of(size_t i) const { return i == 0 ? root_fd : directories[i - 1].get(); }
};

// Returns "<root>/<segments...>", for messages.
std::string JoinForMessage(std::string_view root, std::span<const std::string_view> segments) {
  std::string text(root);
  for (std::string_view segment : segments) {
    text += '/';
    text += segment;
  }
  return text;
}

// Opens the directories `segments` in turn below `root_fd`, without following symbolic links.
// A missing directory is NotFound; with `create` it is made (and its parent fsynced) instead, and
// NotFound means a concurrent Delete removed a directory on the way. A segment that names a file
// or a symbolic link is NotFound without `create`, FailedPrecondition with it.
absl::StatusOr<DirectoryChain> OpenDirectories(int root_fd,
                                               std::string_view root,
                                               std::span<const std::string_view> segments,
                                               bool create) {
  DirectoryChain chain{root_fd, {}};
  chain.directories.reserve(segments.size());
  for (size_t i = 0; i < segments.size(); ++i) {
    int parent = chain.last();
    std::string name(segments[i]);
    int fd = ::openat(parent, name.c_str(), kDirectoryFlags);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(parent, name.c_str(), 0755) == 0) {
        if (::fsync(parent) != 0) {
          int error = errno;
          return PosixError("fsync directory", JoinForMessage(root, segments.first(i)), error);
        }
      } else if (errno != EEXIST) {
        int error = errno;
        return PosixError("mkdir", JoinForMessage(root, segments.first(i + 1)), error);
      }
      fd = ::openat(parent, name.c_str(), kDirectoryFlags);
    }
    if (fd < 0) {
      int error = errno;
      std::string where = JoinForMessage(root, segments.first(i + 1));
      if (error == ENOTDIR || error == ELOOP) {
        if (create) {
          return absl::FailedPreconditionError(fmt::format(
              "{} is a file or a symbolic link, so it cannot be a directory of objects", where));
        }
        return absl::NotFoundError(fmt::format("{} is not a directory", where));
      }
      return PosixError("open directory", where, error);
    }
    chain.directories.emplace_back(fd);
  }
  return chain;
}

// Opens the directories that contain `path`'s file.
absl::StatusOr<DirectoryChain> OpenParentDirectories(int root_fd,
                                                     std::string_view root,
                                                     std::span<const std::string_view> segments,
                                                     bool create) {
  return OpenDirectories(root_fd, root, segments.first(segments.size() - 1), create);
}

std::chrono::system_clock::time_point ModificationTime(const struct stat& info) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(info.st_mtim.tv_sec) +
          std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
}

// Opens the object's file for reading and stats it. NotFound if it is missing, is not a regular
// file or a directory on its way is not a directory.
absl::StatusOr<Descriptor> OpenObject(int root_fd,
                                      std::string_view root,
                                      const ObjectPath& path,
                                      struct stat* info) {
  std::vector<std::string_view> segments = path.Segments();
  STRATA_ASSIGN_OR_RETURN(DirectoryChain chain,
                          OpenParentDirectories(root_fd, root, segments, /*create=*/false));
  std::string name(segments.back());
  std::string where = fmt::format("{}/{}", root, path);
  // O_NONBLOCK: a FIFO planted in the tree must not block the open (regular files ignore it).
  int fd = ::openat(chain.last(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT || error == ELOOP) {
      return absl::NotFoundError(where);
    }
    return PosixError("open", where, error);
  }
  Descriptor file(fd);
  if (::fstat(fd, info) != 0) {
    return PosixError("fstat", where, errno);
  }
  if (!S_ISREG(info->st_mode)) {
    return absl::NotFoundError(where);
  }
  return file;
}

// Reads exactly `length` bytes at `offset` from `fd`.
absl::StatusOr<std::string> ReadAt(int fd,
                                   uint64_t offset,
                                   uint64_t length,
                                   std::string_view where) {
  std::string bytes(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    ssize_t count =
        ::pread(fd, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (count < 0) {
      if (errno == EINTR) {
        continue;
      }
      return PosixError("pread", where, errno);
    }
    if (count == 0) {
      return absl::DataLossError(
          fmt::format("pread {}: the file ended after {} of the {} bytes at offset {}",
                      where,
                      done,
                      length,
                      offset));
    }
    done += static_cast<uint64_t>(count);
  }
  return bytes;
}

absl::Status WriteAll(int fd, std::string_view bytes, std::string_view where) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t count = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (count < 0) {
      if (errno == EINTR) {
        continue;
      }
      return PosixError("write", where, errno);
    }
    done += static_cast<size_t>(count);
  }
  return absl::OkStatus();
}

// Makes entries created in or removed from directory `fd` durable.
absl::Status SyncDirectory(int fd, std::string_view where) {
  if (::fsync(fd) != 0) {
    return PosixError("fsync directory", where, errno);
  }
  return absl::OkStatus();
}

// What Walk reports.
struct WalkVisitor {
  // Called for each regular file whose name is a valid path segment.
  std::function<void(ObjectPath path, const struct stat& info)> object;
  // Called for each regular file whose name begins with kTempFilePrefix, with its directory's
  // descriptor; may be empty. An error stops the walk.
  std::function<absl::Status(int directory, const std::string& name, std::string_view where)>
      temp_file;
};

// Visits every file below `directory` (whose object path is `directory_path`), descending into
// subdirectories; takes ownership of `directory`. Symbolic links, other non-regular files and
// names that are not valid segments are skipped; so are entries that vanish during the walk.
absl::Status Walk(Descriptor directory,
                  const std::string& where,
                  const ObjectPath& directory_path,
                  const WalkVisitor& visitor) {
  DIR* stream = ::fdopendir(directory.get());
  if (stream == nullptr) {
    return PosixError("opendir", where, errno);
  }
  directory.Release();  // now owned by `stream`
  std::unique_ptr<DIR, int (*)(DIR*)> closer(stream, &::closedir);
  int fd = ::dirfd(stream);
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(stream);
    if (entry == nullptr) {
      if (errno != 0) {
        return PosixError("readdir", where, errno);
      }
      return absl::OkStatus();
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    bool temp_file = name.starts_with(LocalFileSystemObjectStore::kTempFilePrefix);
    absl::StatusOr<ObjectPath> child;
    if (temp_file) {
      if (!visitor.temp_file) {
        continue;
      }
    } else {
      child = directory_path.Child(name);
      if (!child.ok()) {
        continue;  // not a name this store writes
      }
    }
    std::string child_where = fmt::format("{}/{}", where, name);
    struct stat info;
    if (::fstatat(fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) {
        continue;
      }
      return PosixError("stat", child_where, errno);
    }
    if (temp_file) {
      if (S_ISREG(info.st_mode)) {
        STRATA_RETURN_IF_ERROR(visitor.temp_file(fd, std::string(name), child_where));
      }
    } else if (S_ISREG(info.st_mode)) {
      if (visitor.object) {
        visitor.object(*std::move(child), info);
      }
    } else if (S_ISDIR(info.st_mode)) {
      int subdirectory = ::openat(fd, entry->d_name, kDirectoryFlags);
      if (subdirectory < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
          continue;  // removed or replaced since the stat
        }
        return PosixError("open directory", child_where, errno);
      }
      STRATA_RETURN_IF_ERROR(Walk(Descriptor(subdirectory), child_where, *child, visitor));
    }
  }
}

// Creates directory `root` and its missing parents, fsyncing the parent of each new one.
absl::Status CreateDirectories(const std::string& root) {
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path path(root); !path.empty(); path = path.parent_path()) {
    struct stat info;
    if (::stat(path.c_str(), &info) == 0) {
      break;
    }
    if (errno != ENOENT) {
      return PosixError("stat", path.native(), errno);
    }
    missing.push_back(path);
    if (path == path.parent_path()) {
      break;
    }
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) {
      return PosixError("mkdir", it->native(), errno);
    }
    std::filesystem::path parent = it->parent_path();
    if (parent.empty()) {
      parent = ".";
    }
    int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return PosixError("open directory", parent.native(), errno);
    }
    Descriptor directory(fd);
    STRATA_RETURN_IF_ERROR(SyncDirectory(fd, parent.native()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalFileSystemObjectStore>> LocalFileSystemObjectStore::Open(
    std::string root) {
  while (root.size() > 1 && root.back() == '/') {
    root.pop_back();
  }
  if (root.empty()) {
    return absl::InvalidArgumentError("object store root directory is empty");
  }
  STRATA_RETURN_IF_ERROR_CTX(CreateDirectories(root),
                             fmt::format("creating object store directory {}", root));
  // The root itself may be a symbolic link: it is the operator's choice, unlike links below it.
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return PosixError("open object store directory", root, errno);
  }
  return std::unique_ptr<LocalFileSystemObjectStore>(
      new LocalFileSystemObjectStore(std::move(root), fd));
}

LocalFileSystemObjectStore::LocalFileSystemObjectStore(std::string root, int root_fd)
    : root_(std::move(root)), root_fd_(root_fd) {}

LocalFileSystemObjectStore::~LocalFileSystemObjectStore() {
  ::close(root_fd_);
}

std::string LocalFileSystemObjectStore::Description() const {
  return "file:" + root_;
}

std::string LocalFileSystemObjectStore::FilePath(const ObjectPath& path) const {
  return path.is_root() ? root_ : fmt::format("{}/{}", root_, path);
}

std::string LocalFileSystemObjectStore::BeginTempFile() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string name = fmt::format("{}{:016x}", kTempFilePrefix, generator());
  absl::MutexLock lock(&temp_files_mutex_);
  temp_files_in_progress_.insert(name);
  return name;
}

void LocalFileSystemObjectStore::EndTempFile(const std::string& name) {
  absl::MutexLock lock(&temp_files_mutex_);
  temp_files_in_progress_.erase(name);
}

absl::Status LocalFileSystemObjectStore::PutImpl(const ObjectPath& path, std::string_view bytes) {
  return WriteObject(path, bytes, /*if_absent=*/false);
}

absl::Status LocalFileSystemObjectStore::PutIfAbsentImpl(const ObjectPath& path,
                                                         std::string_view bytes) {
  return WriteObject(path, bytes, /*if_absent=*/true);
}

absl::Status LocalFileSystemObjectStore::WriteObject(const ObjectPath& path,
                                                     std::string_view bytes,
                                                     bool if_absent) {
  std::vector<std::string_view> segments = path.Segments();
  std::string directory_where = FilePath(path.Parent());
  DirectoryChain chain;
  std::string temp_name;
  Descriptor file;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<DirectoryChain> opened =
        OpenParentDirectories(root_fd_, root_, segments, /*create=*/true);
    absl::Status status;
    if (opened.ok()) {
      chain = *std::move(opened);
      temp_name = BeginTempFile();
      int fd = ::openat(chain.last(),
                        temp_name.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0644);
      if (fd >= 0) {
        file = Descriptor(fd);
        break;
      }
      int error = errno;
      status = PosixError("create", fmt::format("{}/{}", directory_where, temp_name), error);
      EndTempFile(temp_name);
    } else {
      status = opened.status();
    }
    // NotFound: a concurrent Delete removed a directory on the way; AlreadyExists: the random
    // temporary name was taken. Both deserve another try.
    bool retry = absl::IsNotFound(status) || absl::IsAlreadyExists(status);
    if (!retry) {
      return Annotate(status, fmt::format("put {}", path));
    }
    if (attempt == kMaxPutAttempts) {
      // Not NotFound, which callers would take for a missing object.
      return absl::AbortedError(fmt::format(
          "put {}: gave up after {} attempts, the last: {}", path, attempt, status.ToString()));
    }
  }

  std::string temp_where = fmt::format("{}/{}", directory_where, temp_name);
  absl::Status status = WriteAll(file.get(), bytes, temp_where);
  // fsync rather than fdatasync: the file's size must be durable too.
  if (status.ok() && ::fsync(file.get()) != 0) {
    status = PosixError("fsync", temp_where, errno);
  }
  if (status.ok()) {
    status = file.Close(temp_where);
  }
  if (status.ok()) {
    status = MoveIntoPlace(chain.last(), temp_name, path, if_absent);
  }
  if (!status.ok()) {
    ::unlinkat(chain.last(), temp_name.c_str(), 0);
    EndTempFile(temp_name);
    return status;
  }
  EndTempFile(temp_name);
  return SyncDirectory(chain.last(), directory_where);
}

absl::Status LocalFileSystemObjectStore::MoveIntoPlace(int directory,
                                                       const std::string& temp_name,
                                                       const ObjectPath& path,
                                                       bool if_absent) {
  std::string name(path.Filename());
  const char* from = temp_name.c_str();
  const char* to = name.c_str();
  for (bool retried = false;; retried = true) {
    int error = 0;
    std::string_view call;
    if (!if_absent) {
      call = "rename";
      if (::renameat(directory, from, directory, to) == 0) {
        return absl::OkStatus();
      }
      error = errno;
    } else {
      bool link_instead = !use_rename_noreplace_.load(std::memory_order_relaxed);
      if (!link_instead) {
        call = "renameat2";
        if (::renameat2(directory, from, directory, to, RENAME_NOREPLACE) == 0) {
          return absl::OkStatus();
        }
        error = errno;
        if (error == EINVAL || error == ENOSYS || error == EOPNOTSUPP) {
          if (use_rename_noreplace_.exchange(false)) {
            STRATA_LOG_INFO(
                "Object store uses link() for put-if-absent, renameat2(RENAME_NOREPLACE) is not "
                "supported store={} error=\"{}\"",
                Description(),
                ErrnoText(error));
          }
          link_instead = true;
        }
      }
      if (link_instead) {
        call = "link";
        if (::linkat(directory, from, directory, to, 0) == 0) {
          if (::unlinkat(directory, from, 0) != 0) {
            int unlink_error = errno;
            // The object is in place; CleanupTempFiles will remove the extra name.
            STRATA_LOG_WARN(
                "Object store could not remove a temporary file file={}/{} error=\"{}\"",
                FilePath(path.Parent()),
                temp_name,
                ErrnoText(unlink_error));
          }
          return absl::OkStatus();
        }
        error = errno;
      }
    }
    if (error == EEXIST || error == EISDIR || error == ENOTEMPTY) {
      struct stat info;
      if (::fstatat(directory, to, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode)) {
        // An empty directory (left by a crash or a failed put) is no object: remove it and try
        // again. One with entries means objects below this path.
        if (!retried && ::unlinkat(directory, to, AT_REMOVEDIR) == 0) {
          continue;
        }
        return absl::FailedPreconditionError(
            fmt::format("put {}: {} is a directory with objects below it, so it cannot also be an "
                        "object",
                        path,
                        FilePath(path)));
      }
      if (if_absent && error == EEXIST) {
        return absl::AlreadyExistsError(
            fmt::format("put if absent {}: the object already exists in {}", path, Description()));
      }
    }
    return PosixError(call, FilePath(path), error);
  }
}

absl::StatusOr<std::string> LocalFileSystemObjectStore::GetImpl(const ObjectPath& path) {
  struct stat info;
  absl::StatusOr<Descriptor> file = OpenObject(root_fd_, root_, path, &info);
  if (!file.ok()) {
    return absl::IsNotFound(file.status()) ? NotFound(path) : file.status();
  }
  return ReadAt(file->get(), 0, static_cast<uint64_t>(info.st_size), FilePath(path));
}

absl::StatusOr<std::string> LocalFileSystemObjectStore::GetRangeImpl(const ObjectPath& path,
                                                                     uint64_t offset,
                                                                     uint64_t length) {
  struct stat info;
  absl::StatusOr<Descriptor> file = OpenObject(root_fd_, root_, path, &info);
  if (!file.ok()) {
    return absl::IsNotFound(file.status()) ? NotFound(path) : file.status();
  }
  STRATA_RETURN_IF_ERROR(CheckRange(path, offset, length, static_cast<uint64_t>(info.st_size)));
  return ReadAt(file->get(), offset, length, FilePath(path));
}

absl::StatusOr<ObjectMeta> LocalFileSystemObjectStore::HeadImpl(const ObjectPath& path) {
  std::vector<std::string_view> segments = path.Segments();
  absl::StatusOr<DirectoryChain> chain =
      OpenParentDirectories(root_fd_, root_, segments, /*create=*/false);
  if (!chain.ok()) {
    return absl::IsNotFound(chain.status()) ? NotFound(path) : chain.status();
  }
  std::string name(segments.back());
  struct stat info;
  if (::fstatat(chain->last(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) {
      return NotFound(path);
    }
    int error = errno;
    return PosixError("stat", FilePath(path), error);
  }
  if (!S_ISREG(info.st_mode)) {
    return NotFound(path);
  }
  return ObjectMeta{path, static_cast<uint64_t>(info.st_size), ModificationTime(info)};
}

absl::StatusOr<std::vector<ObjectMeta>> LocalFileSystemObjectStore::ListImpl(
    const ObjectPath& prefix) {
  std::vector<std::string_view> segments = prefix.Segments();
  std::vector<ObjectMeta> objects;
  absl::StatusOr<DirectoryChain> chain =
      OpenDirectories(root_fd_, root_, segments, /*create=*/false);
  if (!chain.ok()) {
    if (absl::IsNotFound(chain.status())) {
      return objects;
    }
    return chain.status();
  }
  // A new open file description, so that concurrent walks do not share a directory position.
  int fd = ::openat(chain->last(), ".", kDirectoryFlags);
  if (fd < 0) {
    if (errno == ENOENT) {
      return objects;
    }
    int error = errno;
    return PosixError("open directory", FilePath(prefix), error);
  }
  WalkVisitor visitor;
  visitor.object = [&objects](ObjectPath path, const struct stat& info) {
    objects.push_back(
        ObjectMeta{std::move(path), static_cast<uint64_t>(info.st_size), ModificationTime(info)});
  };
  STRATA_RETURN_IF_ERROR(Walk(Descriptor(fd), FilePath(prefix), prefix, visitor));
  std::sort(objects.begin(), objects.end(), [](const ObjectMeta& a, const ObjectMeta& b) {
    return a.path < b.path;
  });
  return objects;
}

absl::Status LocalFileSystemObjectStore::DeleteImpl(const ObjectPath& path) {
  std::vector<std::string_view> segments = path.Segments();
  std::span<const std::string_view> directories(segments.data(), segments.size() - 1);
  absl::StatusOr<DirectoryChain> chain =
      OpenDirectories(root_fd_, root_, directories, /*create=*/false);
  if (!chain.ok()) {
    return absl::IsNotFound(chain.status()) ? absl::OkStatus() : chain.status();
  }
  std::string name(segments.back());
  if (::unlinkat(chain->last(), name.c_str(), 0) == 0) {
    STRATA_RETURN_IF_ERROR(SyncDirectory(chain->last(), FilePath(path.Parent())));
  } else if (errno != ENOENT && errno != EISDIR) {
    // EISDIR: a directory of other objects, not an object.
    int error = errno;
    return PosixError("unlink", FilePath(path), error);
  }
  // Remove the directories this leaves empty, deepest first, stopping at the first that is not
  // (ENOTEMPTY) or is gone. A put that had just opened one of them starts over.
  for (size_t i = directories.size(); i-- > 0;) {
    std::string directory(directories[i]);
    if (::unlinkat(chain->parent_of(i), directory.c_str(), AT_REMOVEDIR) != 0) {
      break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LocalFileSystemObjectStore::CleanupTempFiles() {
  uint64_t removed = 0;
  WalkVisitor visitor;
  visitor.temp_file = [this, &removed](
                          int directory, const std::string& name, std::string_view where) {
    {
      absl::MutexLock lock(&temp_files_mutex_);
      if (temp_files_in_progress_.contains(name)) {
        return absl::OkStatus();
      }
    }
    if (::unlinkat(directory, name.c_str(), 0) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      return PosixError("remove temporary file", where, errno);
    }
    return absl::OkStatus();
  };
  int fd = ::openat(root_fd_, ".", kDirectoryFlags);
  if (fd < 0) {
    return PosixError("open directory", root_, errno);
  }
  STRATA_RETURN_IF_ERROR(Walk(Descriptor(fd), root_, ObjectPath(), visitor));
  return removed;
}

}  // namespace strata::objectstore
