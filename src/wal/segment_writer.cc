// SegmentWriter: creating, reopening, appending to and syncing WAL segment files with POSIX calls.
#include "wal/segment_writer.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

std::string SegmentPath(const std::string& directory, uint64_t first_sequence) {
  return fmt::format("{}/{}", directory, SegmentFileName(first_sequence));
}

}  // namespace

absl::Status PosixError(std::string_view operation, std::string_view path, int error) {
  // ErrnoToStatus appends ": <strerror>" itself.
  return absl::ErrnoToStatus(error, fmt::format("{} {}", operation, path));
}

absl::Status SyncDirectory(const std::string& directory) {
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return PosixError("open directory", directory, errno);
  }
  absl::Status status;
  if (fsync(fd) != 0) {
    status = PosixError("fsync directory", directory, errno);
  }
  close(fd);
  return status;
}

SegmentWriter::SegmentWriter(int fd,
                             std::string path,
                             uint64_t first_sequence,
                             uint64_t size,
                             const IoFaultInjector* fault_injector)
    : fd_(fd),
      path_(std::move(path)),
      first_sequence_(first_sequence),
      size_(size),
      fault_injector_(fault_injector) {}

SegmentWriter::~SegmentWriter() {
  close(fd_);
}

absl::StatusOr<std::unique_ptr<SegmentWriter>> SegmentWriter::Create(
    const std::string& directory, uint64_t first_sequence, const IoFaultInjector* fault_injector) {
  std::string path = SegmentPath(directory, first_sequence);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return PosixError("create", path, errno);
  }
  std::unique_ptr<SegmentWriter> writer(
      new SegmentWriter(fd, std::move(path), first_sequence, 0, fault_injector));
  std::array<char, kSegmentHeaderSize> header = EncodeSegmentHeader(first_sequence);
  iovec piece{header.data(), header.size()};
  STRATA_RETURN_IF_ERROR(writer->Write(std::span<const iovec>(&piece, 1)));
  STRATA_RETURN_IF_ERROR(writer->Sync());
  STRATA_RETURN_IF_ERROR(SyncDirectory(directory));
  return writer;
}

absl::StatusOr<std::unique_ptr<SegmentWriter>> SegmentWriter::OpenForAppend(
    const std::string& directory,
    uint64_t first_sequence,
    uint64_t valid_bytes,
    const IoFaultInjector* fault_injector) {
  std::string path = SegmentPath(directory, first_sequence);
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return PosixError("open", path, errno);
  }
  std::unique_ptr<SegmentWriter> writer(
      new SegmentWriter(fd, path, first_sequence, valid_bytes, fault_injector));
  struct stat info;
  if (fstat(fd, &info) != 0) {
    return PosixError("fstat", path, errno);
  }
  uint64_t file_size = static_cast<uint64_t>(info.st_size);
  bool rewrite_header = valid_bytes < kSegmentHeaderSize;
  uint64_t keep = rewrite_header ? 0 : valid_bytes;
  if (file_size != keep) {
    if (file_size < keep) {
      return absl::InternalError(
          fmt::format("segment {} is {} bytes, shorter than the {} valid bytes replay found",
                      path,
                      file_size,
                      keep));
    }
    if (ftruncate(fd, static_cast<off_t>(keep)) != 0) {
      return PosixError("ftruncate", path, errno);
    }
  }
  writer->size_ = keep;
  if (rewrite_header) {
    std::array<char, kSegmentHeaderSize> header = EncodeSegmentHeader(first_sequence);
    iovec piece{header.data(), header.size()};
    STRATA_RETURN_IF_ERROR(writer->Write(std::span<const iovec>(&piece, 1)));
  }
  if (file_size != keep || rewrite_header) {
    // fsync rather than fdatasync: the new file size is metadata that must reach the disk.
    STRATA_RETURN_IF_ERROR(writer->InjectedFault("fsync"));
    if (fsync(fd) != 0) {
      return PosixError("fsync", path, errno);
    }
  }
  return writer;
}

absl::Status SegmentWriter::InjectedFault(std::string_view operation) const {
  if (fault_injector_ == nullptr || !*fault_injector_) {
    return absl::OkStatus();
  }
  return Annotate((*fault_injector_)(operation), fmt::format("{} {}", operation, path_));
}

absl::Status SegmentWriter::Write(std::span<const iovec> pieces) {
  STRATA_RETURN_IF_ERROR(InjectedFault("write"));
  std::vector<iovec> remaining(pieces.begin(), pieces.end());
  size_t next = 0;  // first piece of `remaining` not fully written
  while (next < remaining.size()) {
    if (remaining[next].iov_len == 0) {
      ++next;
      continue;
    }
    int count = static_cast<int>(std::min<size_t>(remaining.size() - next, IOV_MAX));
    ssize_t written = pwritev(fd_, &remaining[next], count, static_cast<off_t>(size_));
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return PosixError("pwritev", path_, errno);
    }
    if (written == 0) {
      return absl::InternalError(fmt::format("pwritev {}: wrote 0 bytes", path_));
    }
    size_ += static_cast<uint64_t>(written);
    size_t left = static_cast<size_t>(written);
    while (left > 0) {
      iovec& piece = remaining[next];
      size_t used = std::min(left, piece.iov_len);
      piece.iov_base = static_cast<char*>(piece.iov_base) + used;
      piece.iov_len -= used;
      left -= used;
      if (piece.iov_len == 0) {
        ++next;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SegmentWriter::Sync() {
  STRATA_RETURN_IF_ERROR(InjectedFault("fsync"));
  if (fdatasync(fd_) != 0) {
    return PosixError("fdatasync", path_, errno);
  }
  return absl::OkStatus();
}

}  // namespace strata::wal
