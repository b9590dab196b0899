// SegmentReader: buffered sequential reading and checking of WAL segment files.
#include "wal/segment_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "common/status.h"
#include "fmt/format.h"
#include "wal/segment_writer.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

// Reads at least this much at a time, so small records cost no system call each.
constexpr size_t kReadChunkBytes = 1 << 20;

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

SegmentReadResult Corrupt(std::string problem) {
  SegmentReadResult result;
  result.kind = SegmentReadResult::Kind::kCorrupt;
  result.problem = std::move(problem);
  return result;
}

}  // namespace

SegmentReader::SegmentReader(int fd,
                             std::string path,
                             uint64_t file_size,
                             uint32_t max_record_bytes)
    : fd_(fd), path_(std::move(path)), file_size_(file_size), max_record_bytes_(max_record_bytes) {}

SegmentReader::~SegmentReader() {
  close(fd_);
}

absl::StatusOr<std::unique_ptr<SegmentReader>> SegmentReader::Open(const std::string& path,
                                                                   uint32_t max_record_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return PosixError("open", path, errno);
  }
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    close(fd);
    return PosixError("fstat", path, error);
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<SegmentReader>(
      new SegmentReader(fd, path, static_cast<uint64_t>(info.st_size), max_record_bytes));
}

absl::StatusOr<std::string_view> SegmentReader::Read(uint64_t offset, size_t size) {
  if (offset >= buffer_offset_ && offset + size <= buffer_offset_ + buffer_length_) {
    return std::string_view(buffer_.data() + (offset - buffer_offset_), size);
  }
  // Callers bound `size` by the file's size, so this never allocates more than the file holds.
  size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(size, kReadChunkBytes),
                                                       file_size_ - std::min(offset, file_size_)));
  want = std::max(want, size);
  if (buffer_.size() < want) {
    buffer_.resize(want);
  }
  size_t got = 0;
  while (got < want) {
    ssize_t n = pread(fd_, buffer_.data() + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      buffer_length_ = 0;
      return PosixError("pread", path_, errno);
    }
    if (n == 0) {
      break;  // the file is shorter than it was when opened
    }
    got += static_cast<size_t>(n);
  }
  buffer_offset_ = offset;
  buffer_length_ = got;
  return std::string_view(buffer_.data(), std::min(size, got));
}

absl::StatusOr<uint64_t> SegmentReader::ReadHeader() {
  if (file_size_ < kSegmentHeaderSize) {
    return absl::DataLossError(
        fmt::format("segment header is cut short: the file has {} bytes, "
                    "the header {}",
                    file_size_,
                    kSegmentHeaderSize));
  }
  STRATA_ASSIGN_OR_RETURN(std::string_view header, Read(0, kSegmentHeaderSize));
  STRATA_ASSIGN_OR_RETURN(uint64_t first_sequence, DecodeSegmentHeader(header));
  offset_ = kSegmentHeaderSize;
  return first_sequence;
}

absl::StatusOr<SegmentReadResult> SegmentReader::Next(uint64_t expected_sequence) {
  if (offset_ >= file_size_) {
    return SegmentReadResult{};
  }
  uint64_t remaining = file_size_ - offset_;
  size_t header_bytes = static_cast<size_t>(std::min<uint64_t>(remaining, kRecordHeaderSize));
  STRATA_ASSIGN_OR_RETURN(std::string_view header_view, Read(offset_, header_bytes));
  if (AllZero(header_view)) {
    return Corrupt(fmt::format("zero-filled bytes where a record header belongs"));
  }
  if (header_view.size() < kRecordHeaderSize) {
    return Corrupt(fmt::format(
        "record header cut short: {} of {} bytes", header_view.size(), kRecordHeaderSize));
  }
  RecordHeader header = DecodeRecordHeader(header_view);
  bool over_limit = header.payload_length > max_record_bytes_;
  if (header.payload_length > remaining - kRecordHeaderSize) {
    if (over_limit) {
      return Corrupt(fmt::format("record length {} exceeds the limit of {} bytes",
                                 header.payload_length,
                                 max_record_bytes_));
    }
    return Corrupt(fmt::format("record of {} bytes is cut short: {} bytes left in the file",
                               header.payload_length,
                               remaining - kRecordHeaderSize));
  }
  // The length fits in the file, so reading it allocates no more than the file's size, even for
  // a record over the limit: that one is checked too, to tell damage from a lowered limit.
  STRATA_ASSIGN_OR_RETURN(std::string_view payload,
                          Read(offset_ + kRecordHeaderSize, header.payload_length));
  if (payload.size() < header.payload_length) {
    return Corrupt(fmt::format("record of {} bytes is cut short: the file shrank while reading",
                               header.payload_length));
  }
  bool checksum_matches = RecordChecksumMatches(header, payload);
  if (over_limit) {
    if (checksum_matches) {
      return absl::FailedPreconditionError(fmt::format(
          "{} at offset {}: intact record {} of {} bytes exceeds max_record_bytes ({}); raise "
          "the limit to replay it",
          path_,
          offset_,
          header.sequence,
          header.payload_length,
          max_record_bytes_));
    }
    return Corrupt(fmt::format("record length {} exceeds the limit of {} bytes",
                               header.payload_length,
                               max_record_bytes_));
  }
  if (!checksum_matches) {
    return Corrupt(fmt::format("checksum mismatch in record of {} bytes", header.payload_length));
  }
  if (header.sequence != expected_sequence) {
    return Corrupt(fmt::format(
        "record has sequence {} where {} was expected", header.sequence, expected_sequence));
  }
  offset_ += kRecordHeaderSize + header.payload_length;
  SegmentReadResult result;
  result.kind = SegmentReadResult::Kind::kRecord;
  result.sequence = header.sequence;
  result.payload = payload;
  return result;
}

}  // namespace strata::wal
