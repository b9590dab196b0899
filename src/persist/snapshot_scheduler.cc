// The snapshot thread and the memory pressure protocol between writes and persistence.
#include "persist/snapshot_scheduler.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "common/byte_size.h"
#include "common/check.h"
#include "common/logging.h"
#include "fmt/format.h"

namespace strata::persist {
namespace {

constexpr int64_t kEverything = std::numeric_limits<int64_t>::max();

uint64_t ShareOf(uint64_t limit, double fraction) {
  return static_cast<uint64_t>(static_cast<double>(limit) * fraction);
}

}  // namespace

SnapshotScheduler::SnapshotScheduler(Persister* persister,
                                     buffer::WriteBuffer* buffer,
                                     SnapshotSchedulerOptions options)
    : persister_(persister),
      buffer_(buffer),
      options_(std::move(options)),
      pressure_bytes_(ShareOf(buffer->memory_limit_bytes(), options_.pressure_fraction)),
      relieved_bytes_(ShareOf(buffer->memory_limit_bytes(), options_.relieved_fraction)) {
  STRATA_CHECK(options_.gen1_duration_ns > 0);
  STRATA_CHECK(options_.clock_ns != nullptr);
}

SnapshotScheduler::~SnapshotScheduler() {
  Stop();
}

void SnapshotScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  STRATA_CHECK(!running_ && !stopping_);
  running_ = true;
  thread_ = std::thread([this] { Run(); });
}

void SnapshotScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  wake_cv_.notify_all();
  round_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

int64_t SnapshotScheduler::ClosedThrough() const {
  const int64_t now = options_.clock_ns();
  // A window whose last nanosecond is older than now - gen1, without overflow for clocks near
  // the ends of the int64 range.
  if (now < std::numeric_limits<int64_t>::min() + options_.gen1_duration_ns + 1) {
    return std::numeric_limits<int64_t>::min();
  }
  return now - options_.gen1_duration_ns - 1;
}

void SnapshotScheduler::Run() {
  using Clock = std::chrono::steady_clock;
  const bool periodic = options_.check_interval.count() > 0;
  Clock::time_point next_check = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    auto woken = [&] { return stopping_ || pressure_requested_.load(); };
    if (periodic) {
      wake_cv_.wait_until(lock, next_check, woken);
    } else {
      wake_cv_.wait(lock, woken);
    }
    if (stopping_) {
      break;
    }
    const bool pressure =
        pressure_requested_.exchange(false) || UnderPressure(buffer_->memory_usage());
    const bool due = periodic && Clock::now() >= next_check;
    if (!pressure && !due) {
      continue;
    }
    ++rounds_started_;
    lock.unlock();
    absl::Status status = RunRound(pressure);
    const size_t memory_after = buffer_->memory_usage();
    lock.lock();
    ++rounds_finished_;
    last_round_left_bytes_ = memory_after;
    ++stats_.rounds;
    if (pressure) {
      ++stats_.pressure_rounds;
    }
    last_error_ = status;
    if (due) {
      next_check = Clock::now() + options_.check_interval;
    }
    round_cv_.notify_all();
    if (!status.ok()) {
      // Do not hammer a failing object store; writes waiting for room are told at once.
      wake_cv_.wait_for(lock, options_.retry_delay, [&] { return stopping_; });
      if (periodic) {
        next_check = std::max(next_check, Clock::now());
      }
    }
  }
}

absl::Status SnapshotScheduler::RunRound(bool pressure) {
  absl::StatusOr<SnapshotSummary> closed =
      SnapshotThrough(ClosedThrough(), pressure ? Reason::kMemoryPressure : Reason::kWindowsClosed);
  if (!pressure) {
    if (closed.ok() && buffer_->memory_usage() < pressure_bytes_) {
      pressure_floor_.store(0);
    }
    if (!closed.ok()) {
      return closed.status();
    }
    return CompactWindows(/*idle=*/closed->sequence == 0);
  }
  if (!closed.ok()) {
    return closed.status();
  }
  // Under pressure, persist the oldest data first: windows that ended before now, then
  // everything (the open windows, and any in the future).
  for (int64_t max_last : {options_.clock_ns(), kEverything}) {
    if (buffer_->memory_usage() <= relieved_bytes_) {
      break;
    }
    absl::StatusOr<SnapshotSummary> summary = SnapshotThrough(max_last, Reason::kMemoryPressure);
    if (!summary.ok()) {
      return summary.status();
    }
  }
  pressure_floor_.store(buffer_->memory_usage());
  return absl::OkStatus();
}

absl::Status SnapshotScheduler::CompactWindows(bool idle) {
  persister_->DeleteRetiredFiles();
  if (!options_.compaction_encoder) {
    return absl::OkStatus();
  }
  const int min_files = idle ? 2 : std::max(2, options_.compaction_busy_min_files);
  for (const CompactionCandidate& window : persister_->CompactionCandidates(min_files)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || pressure_requested_.load()) {
        break;
      }
    }
    if (window.rows > options_.compaction_max_rows) {
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    absl::StatusOr<CompactionSummary> summary = persister_->Compact(
        window.database_id, window.table_id, window.window_start, options_.compaction_encoder);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!summary.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.compaction_failures;
      }
      STRATA_LOG_ERROR(
          "compaction failed, will retry database_id={} table_id={} window_start={} error={}",
          window.database_id,
          window.table_id,
          window.window_start,
          summary.status().ToString());
      return summary.status();
    }
    if (summary->sequence == 0) {
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.compactions;
      stats_.compacted_files += static_cast<uint64_t>(summary->input_files);
    }
    STRATA_LOG_INFO(
        "compaction sequence={} database_id={} table_id={} window_start={} files={} "
        "rows_in={} rows_out={} bytes={} seconds={:.3f}",
        summary->sequence,
        window.database_id,
        window.table_id,
        window.window_start,
        summary->input_files,
        summary->input_rows,
        summary->rows,
        summary->bytes,
        seconds);
  }
  return absl::OkStatus();
}

absl::StatusOr<SnapshotSummary> SnapshotScheduler::SnapshotThrough(int64_t max_last,
                                                                   Reason reason) {
  const size_t memory_before = buffer_->memory_usage();
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<SnapshotSummary> summary = persister_->Snapshot(max_last);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string_view why = reason == Reason::kWindowsClosed    ? "windows closed"
                               : reason == Reason::kMemoryPressure ? "memory pressure"
                                                                   : "request";
  if (!summary.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.failures;
    }
    STRATA_LOG_ERROR("snapshot failed, will retry reason=\"{}\" seconds={:.3f} error={}",
                     why,
                     seconds,
                     summary.status().ToString());
    return summary;
  }
  if (summary->sequence == 0) {
    if (reason == Reason::kRequest) {
      STRATA_LOG_INFO("snapshot: nothing to persist reason=\"{}\"", why);
    }
    return summary;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.snapshots;
  }
  STRATA_LOG_INFO(
      "snapshot sequence={} reason=\"{}\" files={} rows={} bytes={} seconds={:.3f} "
      "wal_removed_through={} buffer_bytes_before={} buffer_bytes_after={}",
      summary->sequence,
      why,
      summary->files,
      summary->rows,
      summary->bytes,
      seconds,
      summary->wal_removed_through,
      memory_before,
      buffer_->memory_usage());
  return summary;
}

absl::StatusOr<SnapshotSummary> SnapshotScheduler::SnapshotAll() {
  absl::StatusOr<SnapshotSummary> summary = SnapshotThrough(kEverything, Reason::kRequest);
  // Writes waiting for room may have some now.
  round_cv_.notify_all();
  return summary;
}

bool SnapshotScheduler::UnderPressure(uint64_t used) const {
  if (used < std::max<uint64_t>(pressure_bytes_, 1)) {
    return false;
  }
  // When the last pressure round could not bring the buffer below the threshold (series indexes
  // and dictionaries stay in memory), wait until it has grown a tenth of its limit past that, so
  // that such memory does not make every write persist the open windows; a write that finds the
  // buffer full asks regardless (WaitForRoom).
  const uint64_t floor = pressure_floor_.load();
  return floor < pressure_bytes_ || used >= floor + buffer_->memory_limit_bytes() / 10;
}

void SnapshotScheduler::NoteBufferGrowth() {
  if (!UnderPressure(buffer_->memory_usage()) || pressure_requested_.exchange(true)) {
    return;
  }
  // Taking the lock orders this with the thread's check of its wake condition.
  { std::lock_guard<std::mutex> lock(mu_); }
  wake_cv_.notify_one();
}

absl::Status SnapshotScheduler::NoRoomError(std::string_view why) const {
  const size_t used = buffer_->memory_usage();
  return absl::UnavailableError(fmt::format(
      "write buffer is full: {} in use of a {} limit (--write-buffer-limit); {}; retry later, or "
      "raise --write-buffer-limit",
      FormatByteSize(used),
      FormatByteSize(buffer_->memory_limit_bytes()),
      why));
}

absl::Status SnapshotScheduler::WaitForRoom() {
  if (buffer_->CheckCapacity().ok()) {
    return absl::OkStatus();
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.max_wait_for_room;
  std::unique_lock<std::mutex> lock(mu_);
  if (!running_ || stopping_) {
    return NoRoomError(stopping_ ? "the server is stopping"
                                 : "persisting to Parquet is not running");
  }
  // A round that starts after this point sees this write's request.
  uint64_t target = rounds_started_ + 1;
  pressure_requested_.store(true);
  wake_cv_.notify_one();
  while (true) {
    if (buffer_->CheckCapacity().ok()) {
      return absl::OkStatus();
    }
    if (stopping_) {
      return NoRoomError("the server is stopping");
    }
    if (rounds_finished_ >= target) {
      if (!last_error_.ok()) {
        return NoRoomError(
            fmt::format("persisting to Parquet failed: {}", std::string(last_error_.message())));
      }
      if (last_round_left_bytes_ >= buffer_->memory_limit_bytes()) {
        return NoRoomError(fmt::format(
            "persisting everything to Parquet left {} in use (the write buffer keeps every "
            "series key and tag value it has seen in memory; many distinct series need a larger "
            "limit)",
            FormatByteSize(last_round_left_bytes_)));
      }
      // Writes accepted before the buffer filled took what the round freed: ask for another.
      target = rounds_started_ + 1;
      pressure_requested_.store(true);
      wake_cv_.notify_one();
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return NoRoomError(
          fmt::format("persisting to Parquet is behind: no room within {:.1f} s",
                      std::chrono::duration<double>(options_.max_wait_for_room).count()));
    }
    // Also wake now and then: SnapshotAll, or a round in progress, may free memory before this
    // write's round ends.
    round_cv_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(20)));
  }
}

SnapshotSchedulerStats SnapshotScheduler::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace strata::persist
