// Wal: opening the directory, replay with torn-tail truncation, and group commit on a committer
// thread.
#include "wal/wal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <utility>

#include "common/check.h"
#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"
#include "wal/segment_reader.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

constexpr std::string_view kLockFileName = "LOCK";

// Takes an exclusive flock on `directory`/LOCK and returns the descriptor that holds it.
absl::StatusOr<int> LockDirectory(const std::string& directory) {
  std::string path = fmt::format("{}/{}", directory, kLockFileName);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return PosixError("open", path, errno);
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(fmt::format(
          "WAL directory {} is in use by another process or another open Wal ({} is locked)",
          directory,
          path));
    }
    return PosixError("flock", path, error);
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(WalOptions options) {
  if (options.directory.empty()) {
    return absl::InvalidArgumentError("WAL directory must not be empty");
  }
  if (options.max_record_bytes == 0 || options.max_segment_bytes == 0) {
    return absl::InvalidArgumentError(
        fmt::format("WAL max_record_bytes ({}) and max_segment_bytes ({}) must be positive",
                    options.max_record_bytes,
                    options.max_segment_bytes));
  }
  if (options.flush_interval.count() < 0) {
    return absl::InvalidArgumentError(fmt::format(
        "WAL flush_interval must not be negative, got {}us", options.flush_interval.count()));
  }
  namespace fs = std::filesystem;
  std::error_code error;
  bool created = fs::create_directories(options.directory, error);
  if (error) {
    return absl::FailedPreconditionError(
        fmt::format("cannot create WAL directory {}: {}", options.directory, error.message()));
  }
  if (created) {
    fs::path parent = fs::path(options.directory).parent_path();
    STRATA_RETURN_IF_ERROR(SyncDirectory(parent.empty() ? std::string(".") : parent.string()));
  }
  STRATA_ASSIGN_OR_RETURN(int lock_fd, LockDirectory(options.directory));

  std::vector<SegmentInfo> segments;
  for (fs::directory_iterator it(options.directory, error), end; !error && it != end;
       it.increment(error)) {
    std::string name = it->path().filename().string();
    std::optional<uint64_t> first_sequence = ParseSegmentFileName(name);
    if (!first_sequence.has_value() || !it->is_regular_file()) {
      if (name != kLockFileName) {
        STRATA_LOG_WARN("Ignoring unexpected file in WAL directory directory={} file={}",
                        options.directory,
                        name);
      }
      continue;
    }
    uint64_t bytes = it->file_size(error);
    if (error) {
      break;
    }
    segments.push_back(SegmentInfo{*first_sequence, bytes});
  }
  if (error) {
    close(lock_fd);
    return absl::FailedPreconditionError(
        fmt::format("cannot list WAL directory {}: {}", options.directory, error.message()));
  }
  std::sort(segments.begin(), segments.end(), [](const SegmentInfo& a, const SegmentInfo& b) {
    return a.first_sequence < b.first_sequence;
  });
  return std::unique_ptr<Wal>(new Wal(std::move(options), lock_fd, std::move(segments)));
}

Wal::Wal(WalOptions options, int lock_fd, std::vector<SegmentInfo> segments)
    : options_(std::move(options)),
      lock_fd_(lock_fd),
      segments_(segments.begin(), segments.end()) {}

Wal::~Wal() {
  absl::Status status = Close();
  if (!status.ok()) {
    STRATA_LOG_ERROR("WAL closed with an error directory={} error={}",
                     options_.directory,
                     std::string(status.message()));
  }
}

absl::Status Wal::Replay(
    const std::function<absl::Status(uint64_t sequence, std::string_view payload)>& fn) {
  std::vector<SegmentInfo> segments;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (replay_started_) {
      return absl::FailedPreconditionError("WAL Replay must be called only once");
    }
    if (closing_) {
      return absl::FailedPreconditionError("WAL is closed");
    }
    replay_started_ = true;
    segments.assign(segments_.begin(), segments_.end());
  }
  uint64_t expected_sequence = segments.empty() ? 1 : segments.front().first_sequence;
  uint64_t valid_bytes = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].first_sequence != expected_sequence) {
      return absl::DataLossError(fmt::format(
          "WAL segment {} should start at sequence {} (the previous segment ends at {}): "
          "records are missing",
          SegmentFileName(segments[i].first_sequence),
          expected_sequence,
          expected_sequence - 1));
    }
    STRATA_RETURN_IF_ERROR(ReplaySegment(segments[i].first_sequence,
                                         i + 1 == segments.size(),
                                         &expected_sequence,
                                         &valid_bytes,
                                         fn));
  }

  std::unique_ptr<SegmentWriter> writer;
  if (segments.empty()) {
    STRATA_ASSIGN_OR_RETURN(
        writer, SegmentWriter::Create(options_.directory, 1, &options_.io_fault_injector));
  } else {
    STRATA_ASSIGN_OR_RETURN(writer,
                            SegmentWriter::OpenForAppend(options_.directory,
                                                         segments.back().first_sequence,
                                                         valid_bytes,
                                                         &options_.io_fault_injector));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (segments_.empty()) {
    segments_.push_back(SegmentInfo{writer->first_sequence(), writer->size()});
  } else {
    segments_.back().bytes = writer->size();
  }
  active_ = std::move(writer);
  last_sequence_ = expected_sequence - 1;
  durable_sequence_ = last_sequence_;
  replayed_ = true;
  STRATA_LOG_INFO("WAL replayed directory={} segments={} records={} last_sequence={}",
                  options_.directory,
                  segments_.size(),
                  counters_.replayed_records,
                  last_sequence_);
  committer_ = std::thread([this] { CommitLoop(); });
  return absl::OkStatus();
}

absl::Status Wal::ReplaySegment(
    uint64_t first_sequence,
    bool is_last,
    uint64_t* expected_sequence,
    uint64_t* valid_bytes,
    const std::function<absl::Status(uint64_t sequence, std::string_view payload)>& fn) {
  std::string name = SegmentFileName(first_sequence);
  std::string path = fmt::format("{}/{}", options_.directory, name);
  std::string context = fmt::format("replaying WAL segment {}", name);
  absl::StatusOr<std::unique_ptr<SegmentReader>> opened =
      SegmentReader::Open(path, options_.max_record_bytes);
  STRATA_RETURN_IF_ERROR_CTX(opened.status(), context);
  SegmentReader& reader = **opened;

  absl::StatusOr<uint64_t> header_sequence = reader.ReadHeader();
  if (!header_sequence.ok()) {
    // A segment's header is synced before any record is written to it, so a damaged header with
    // nothing after it is a creation cut short by a crash; with records after it, it is damage.
    if (is_last && reader.file_size() <= kSegmentHeaderSize &&
        header_sequence.status().code() == absl::StatusCode::kDataLoss) {
      STRATA_LOG_WARN(
          "WAL segment header is torn; rewriting it segment={} offset=0 dropped_bytes={} "
          "problem=\"{}\"",
          name,
          reader.file_size(),
          std::string(header_sequence.status().message()));
      *valid_bytes = 0;
      std::lock_guard<std::mutex> lock(mu_);
      counters_.truncated_bytes += reader.file_size();
      return absl::OkStatus();
    }
    return Annotate(header_sequence.status(), fmt::format("{} at offset 0", context));
  }
  if (*header_sequence != first_sequence) {
    return absl::DataLossError(
        fmt::format("{}: its header says it starts at sequence {}, its name says {}",
                    context,
                    *header_sequence,
                    first_sequence));
  }

  uint64_t replayed = 0;
  absl::Status result;
  while (true) {
    absl::StatusOr<SegmentReadResult> read = reader.Next(*expected_sequence);
    if (!read.ok()) {
      result = Annotate(read.status(), fmt::format("{} at offset {}", context, reader.offset()));
      break;
    }
    if (read->kind == SegmentReadResult::Kind::kEnd) {
      *valid_bytes = reader.offset();
      break;
    }
    if (read->kind == SegmentReadResult::Kind::kRecord) {
      absl::Status status = fn(read->sequence, read->payload);
      if (!status.ok()) {
        result = Annotate(
            status, fmt::format("replaying WAL record {} from segment {}", read->sequence, name));
        break;
      }
      ++*expected_sequence;
      ++replayed;
      continue;
    }
    uint64_t dropped = reader.file_size() - reader.offset();
    if (!is_last) {
      result = absl::DataLossError(fmt::format(
          "{}: corrupt record at offset {} ({}); this is not the last segment, so intact "
          "records after it would be lost (the segment has {} more bytes); refusing to start",
          context,
          reader.offset(),
          read->problem,
          dropped));
      break;
    }
    STRATA_LOG_WARN(
        "WAL segment has a torn or corrupt tail; cutting it off segment={} offset={} "
        "dropped_bytes={} problem=\"{}\"",
        name,
        reader.offset(),
        dropped,
        read->problem);
    *valid_bytes = reader.offset();
    std::lock_guard<std::mutex> lock(mu_);
    counters_.truncated_bytes += dropped;
    break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  counters_.replayed_records += replayed;
  return result;
}

absl::StatusOr<uint64_t> Wal::Append(std::string payload) {
  if (payload.size() > options_.max_record_bytes) {
    return absl::InvalidArgumentError(
        fmt::format("WAL record of {} bytes exceeds the limit of {} bytes (max_record_bytes)",
                    payload.size(),
                    options_.max_record_bytes));
  }
  uint32_t payload_crc = PayloadCrc(payload);
  uint64_t size = payload.size();
  std::unique_lock<std::mutex> lock(mu_);
  if (!replayed_) {
    return absl::FailedPreconditionError("WAL Append called before Replay");
  }
  auto has_space = [&] {
    return options_.max_pending_bytes == 0 || closing_ || !failure_.ok() || pending_bytes_ == 0 ||
           pending_bytes_ + size <= options_.max_pending_bytes;
  };
  if (!has_space()) {
    ++blocked_appenders_;
    work_cv_.notify_one();  // cut a flush_interval wait short: the queue is full
    space_cv_.wait(lock, has_space);
    --blocked_appenders_;
  }
  if (!failure_.ok()) {
    return failure_;
  }
  if (closing_) {
    return absl::FailedPreconditionError("WAL is closed");
  }
  uint64_t sequence = ++last_sequence_;
  if (pending_.empty()) {
    first_pending_time_ = std::chrono::steady_clock::now();
    work_cv_.notify_one();
  }
  pending_.push_back(PendingRecord{sequence, payload_crc, std::move(payload)});
  pending_bytes_ += size;
  ++counters_.records_appended;
  return sequence;
}

absl::Status Wal::WaitDurable(uint64_t sequence) {
  std::unique_lock<std::mutex> lock(mu_);
  if (sequence > last_sequence_) {
    return absl::InvalidArgumentError(fmt::format(
        "WAL sequence {} has not been assigned (the last is {})", sequence, last_sequence_));
  }
  durable_cv_.wait(lock, [&] { return durable_sequence_ >= sequence || !failure_.ok(); });
  if (durable_sequence_ >= sequence) {
    return absl::OkStatus();
  }
  return failure_;
}

void Wal::CommitLoop() {
  std::vector<PendingRecord> group;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return !pending_.empty() || closing_; });
    if (pending_.empty()) {
      break;  // closing, and everything appended is durable
    }
    if (options_.flush_interval.count() > 0 && !closing_) {
      work_cv_.wait_until(lock, first_pending_time_ + options_.flush_interval, [&] {
        return closing_ || blocked_appenders_ > 0;
      });
    }
    group.swap(pending_);
    pending_bytes_ = 0;
    space_cv_.notify_all();
    lock.unlock();

    absl::Status status = WriteGroup(group);
    uint64_t last = group.back().sequence;
    group.clear();  // frees the payloads outside the lock

    lock.lock();
    if (!status.ok()) {
      failure_ = Annotate(status, "WAL commit failed; the WAL accepts no more writes");
      STRATA_LOG_ERROR("WAL commit failed directory={} error={}",
                       options_.directory,
                       std::string(status.message()));
      // These records were assigned sequences but will never be written; their waiters get
      // failure_.
      pending_.clear();
      pending_bytes_ = 0;
      durable_cv_.notify_all();
      space_cv_.notify_all();
      break;
    }
    STRATA_DCHECK_LT(durable_sequence_, last);
    durable_sequence_ = last;
    durable_cv_.notify_all();
  }
}

absl::Status Wal::WriteGroup(const std::vector<PendingRecord>& group) {
  STRATA_CHECK(!group.empty());
  if (active_->size() >= options_.max_segment_bytes && active_->size() > kSegmentHeaderSize) {
    STRATA_RETURN_IF_ERROR(Rotate(group.front().sequence));
  }
  std::vector<std::array<char, kRecordHeaderSize>> headers(group.size());
  std::vector<iovec> pieces;
  pieces.reserve(2 * group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    const PendingRecord& record = group[i];
    EncodeRecordHeader(record.sequence,
                       static_cast<uint32_t>(record.payload.size()),
                       record.payload_crc,
                       headers[i].data());
    pieces.push_back(iovec{headers[i].data(), kRecordHeaderSize});
    if (!record.payload.empty()) {
      pieces.push_back(iovec{const_cast<char*>(record.payload.data()), record.payload.size()});
    }
  }
  absl::Status status = active_->Write(pieces);
  if (status.ok()) {
    const auto sync_start = std::chrono::steady_clock::now();
    status = active_->Sync();
    if (options_.fsync_seconds != nullptr) {
      options_.fsync_seconds->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - sync_start).count());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  segments_.back().bytes = active_->size();
  ++counters_.groups;
  if (status.ok()) {
    ++counters_.fsyncs;
  }
  return status;
}

absl::Status Wal::Rotate(uint64_t first_sequence) {
  // The active segment needs no sync here: every group was synced before it became durable.
  STRATA_ASSIGN_OR_RETURN(
      std::unique_ptr<SegmentWriter> next,
      SegmentWriter::Create(options_.directory, first_sequence, &options_.io_fault_injector));
  STRATA_LOG_DEBUG("WAL segment started segment={} previous_bytes={}",
                   SegmentFileName(first_sequence),
                   active_->size());
  active_ = std::move(next);
  std::lock_guard<std::mutex> lock(mu_);
  segments_.push_back(SegmentInfo{first_sequence, active_->size()});
  return absl::OkStatus();
}

absl::Status Wal::Close() {
  std::lock_guard<std::mutex> close_lock(close_mu_);
  if (closed_) {
    return close_status_;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  if (committer_.joinable()) {
    committer_.join();
  }
  absl::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    status = failure_;
  }
  active_.reset();
  if (lock_fd_ >= 0) {
    close(lock_fd_);
    lock_fd_ = -1;
  }
  closed_ = true;
  close_status_ = status;
  return status;
}

absl::Status Wal::RemoveSegmentsThrough(uint64_t sequence) {
  std::vector<uint64_t> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!replayed_) {
      return absl::FailedPreconditionError("WAL RemoveSegmentsThrough called before Replay");
    }
    // A segment's records end where the next segment starts; the last segment is the active one.
    while (segments_.size() > 1 && segments_[1].first_sequence - 1 <= sequence) {
      removed.push_back(segments_.front().first_sequence);
      segments_.pop_front();
    }
  }
  if (removed.empty()) {
    return absl::OkStatus();
  }
  for (uint64_t first_sequence : removed) {
    std::string path = fmt::format("{}/{}", options_.directory, SegmentFileName(first_sequence));
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return PosixError("unlink", path, errno);
    }
  }
  STRATA_RETURN_IF_ERROR(SyncDirectory(options_.directory));
  STRATA_LOG_INFO("WAL segments removed directory={} through_sequence={} segments={}",
                  options_.directory,
                  sequence,
                  removed.size());
  return absl::OkStatus();
}

WalStats Wal::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WalStats stats = counters_;
  stats.segments = segments_.size();
  stats.bytes = 0;
  for (const SegmentInfo& segment : segments_) {
    stats.bytes += segment.bytes;
  }
  stats.last_sequence = last_sequence_;
  stats.durable_sequence = durable_sequence_;
  return stats;
}

}  // namespace strata::wal
