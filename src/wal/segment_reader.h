// SegmentReader reads one WAL segment file front to back for replay, checking every record's
// framing, checksum and sequence, and says exactly where and why the intact records stop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::wal {

// What SegmentReader::Next found at the current offset.
struct SegmentReadResult {
  enum class Kind {
    kRecord,   // an intact record: `sequence` and `payload` are set
    kEnd,      // the clean end of the file
    kCorrupt,  // a torn or corrupt record starts at the reader's offset(): `problem` says why
  };
  Kind kind = Kind::kEnd;
  uint64_t sequence = 0;
  // Points into the reader's buffer; valid until the next call to Next.
  std::string_view payload;
  std::string problem;
};

// Reads one segment file sequentially through a buffer (no mmap, so an I/O error is a Status,
// not a signal). Every length read from the file is checked against the file's size and the
// record size limit before any memory is allocated for it. Not thread-safe.
class SegmentReader {
 public:
  // Opens the segment at `path`. Records longer than `max_record_bytes` are reported as corrupt.
  static absl::StatusOr<std::unique_ptr<SegmentReader>> Open(const std::string& path,
                                                             uint32_t max_record_bytes);

  ~SegmentReader();

  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  // Returns the file's size when it was opened.
  uint64_t file_size() const { return file_size_; }

  // Reads and checks the segment header and returns the first sequence it records; the next
  // record is read after the header. Errors are DataLoss (bad magic, checksum, short file) or
  // FailedPrecondition (unsupported format version).
  absl::StatusOr<uint64_t> ReadHeader();

  // Reads the record at offset() and, if it is intact and carries `expected_sequence`, moves past
  // it. A record that is cut short, zero-filled, longer than the limit, fails its checksum or has
  // another sequence is reported as kCorrupt and the offset stays at its start. I/O errors are
  // returned as errors, and so is an intact record longer than the limit (FailedPrecondition:
  // the limit was lowered; cutting the record off would lose data).
  absl::StatusOr<SegmentReadResult> Next(uint64_t expected_sequence);

  // Returns the offset of the next record to read: after ReadHeader and Next, the end of the
  // last intact record.
  uint64_t offset() const { return offset_; }

 private:
  SegmentReader(int fd, std::string path, uint64_t file_size, uint32_t max_record_bytes);

  // Returns up to `size` bytes starting at file offset `offset` (fewer only at the end of the
  // file), reading them into the buffer if needed. The view is valid until the next call.
  absl::StatusOr<std::string_view> Read(uint64_t offset, size_t size);

  int fd_;
  std::string path_;
  uint64_t file_size_;
  uint32_t max_record_bytes_;
  uint64_t offset_ = 0;
  std::string buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  size_t buffer_length_ = 0;    // bytes of buffer_ holding file data
};

}  // namespace strata::wal
