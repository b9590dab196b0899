// SegmentWriter appends framed records to one WAL segment file with write(2)-family calls and
// makes them durable with fdatasync(2). It is the only code that writes segment files; the Wal's
// committer thread owns the active one.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::wal {

// A test hook called before each segment write and fsync with the operation's name ("write" or
// "fsync"). A non-OK status is used as if the system call had failed with it, so tests can
// exercise the WAL's failure paths.
using IoFaultInjector = std::function<absl::Status(std::string_view operation)>;

// Returns the error for system call `operation` failing on `path` with errno `error`, e.g.
// "fdatasync /data/wal/00000000000000000001.wal: Input/output error".
absl::Status PosixError(std::string_view operation, std::string_view path, int error);

// Makes the creation and removal of entries in `directory` durable by fsyncing the directory.
absl::Status SyncDirectory(const std::string& directory);

// Appends to one segment file. Not thread-safe: one thread (the Wal's committer) uses it at a time.
class SegmentWriter {
 public:
  // Creates the segment file for `first_sequence` in `directory` (failing if it exists), writes
  // its header, syncs the file and then the directory. `fault_injector` may be null; otherwise it
  // must outlive the writer.
  static absl::StatusOr<std::unique_ptr<SegmentWriter>> Create(
      const std::string& directory, uint64_t first_sequence, const IoFaultInjector* fault_injector);

  // Opens the existing segment file for `first_sequence` in `directory` to append after its
  // first `valid_bytes` bytes. Anything after them (a torn tail found by replay) is cut off with
  // ftruncate and the cut is synced. When `valid_bytes` is less than a segment header (a segment
  // whose creation was cut short), the file is rewritten with a fresh header.
  static absl::StatusOr<std::unique_ptr<SegmentWriter>> OpenForAppend(
      const std::string& directory,
      uint64_t first_sequence,
      uint64_t valid_bytes,
      const IoFaultInjector* fault_injector);

  // Closes the file descriptor without syncing; callers sync first.
  ~SegmentWriter();

  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Writes the buffers of `pieces`, in order, contiguously at the end of the segment. Short
  // writes and EINTR are retried. On error the file may hold part of the data, which replay
  // would find as a torn tail; the caller must not write to this segment again.
  absl::Status Write(std::span<const iovec> pieces);

  // Makes everything written so far durable (fdatasync). After a failure the caller must not
  // retry: the kernel may have dropped the dirty pages and a second fsync would report success.
  absl::Status Sync();

  // Returns the sequence of the first record this segment holds (or will hold).
  uint64_t first_sequence() const { return first_sequence_; }
  // Returns the segment's size in bytes, header included, counting everything written.
  uint64_t size() const { return size_; }
  // Returns the segment file's path.
  const std::string& path() const { return path_; }

 private:
  SegmentWriter(int fd,
                std::string path,
                uint64_t first_sequence,
                uint64_t size,
                const IoFaultInjector* fault_injector);

  // Returns the injected error for `operation`, or OK when there is no injector.
  absl::Status InjectedFault(std::string_view operation) const;

  int fd_;
  std::string path_;
  uint64_t first_sequence_;
  uint64_t size_;
  const IoFaultInjector* fault_injector_;
};

}  // namespace strata::wal
