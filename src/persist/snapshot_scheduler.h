// SnapshotScheduler: decides when the write buffer is persisted. A background thread snapshots
// each time window once it has been closed for a full window (--gen1-duration), and at once when
// the buffer nears its memory limit; writes that find the buffer full wait for it to make room.
// The policy is described in docs/persistence.md ("When the server snapshots").
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "persist/persister.h"

namespace strata::persist {

struct SnapshotSchedulerOptions {
  // The time window size (InfluxDB 3's gen1 duration). A window is persisted once its last
  // nanosecond is older than now - gen1_duration_ns, so rows arriving late for it still find it
  // in the buffer for a full window. Must be positive.
  int64_t gen1_duration_ns = 600'000'000'000;
  // How often the thread looks for such windows. Zero: never; snapshots then happen only under
  // memory pressure and through SnapshotAll (tests use this to keep the buffer as written).
  std::chrono::nanoseconds check_interval = std::chrono::seconds(1);
  // At this share of the buffer's memory limit the thread is woken to persist at once...
  double pressure_fraction = 0.9;
  // ...and persists the oldest windows first until usage is at most this share of the limit.
  double relieved_fraction = 0.5;
  // How long a write that finds the buffer full waits for room before it is refused.
  std::chrono::nanoseconds max_wait_for_room = std::chrono::seconds(10);
  // After a failed snapshot, the thread waits this long before it tries again.
  std::chrono::nanoseconds retry_delay = std::chrono::seconds(1);
  // The clock (ns since the epoch) that decides which windows are closed.
  std::function<int64_t()> clock_ns;
  // Merges the files of a window (null: no compaction). After a round that had nothing to
  // persist, the thread compacts every window with at least two files; after any other round,
  // windows with at least `compaction_busy_min_files` (a backfill adding a file to a window
  // every round would otherwise rewrite it every round).
  CompactionEncoder compaction_encoder;
  int compaction_busy_min_files = 10;
  // Windows with more rows than this in their files are left as they are (a compaction holds a
  // window's rows in memory).
  int64_t compaction_max_rows = 20'000'000;
};

// Counters since start, for tests and logs.
struct SnapshotSchedulerStats {
  uint64_t rounds = 0;     // wake-ups that ran at least one snapshot attempt
  uint64_t snapshots = 0;  // committed snapshots (not counting those with nothing to persist)
  uint64_t failures = 0;   // snapshot attempts that returned an error
  uint64_t pressure_rounds = 0;
  uint64_t compactions = 0;          // committed compactions
  uint64_t compaction_failures = 0;  // compactions that returned an error
  uint64_t compacted_files = 0;      // files replaced by compactions
};

// Thread-safe. The persister and buffer must outlive it; Stop (or the destructor) must run
// before the WAL the persister trims is closed.
class SnapshotScheduler {
 public:
  SnapshotScheduler(Persister* persister,
                    buffer::WriteBuffer* buffer,
                    SnapshotSchedulerOptions options);
  ~SnapshotScheduler();

  SnapshotScheduler(const SnapshotScheduler&) = delete;
  SnapshotScheduler& operator=(const SnapshotScheduler&) = delete;

  // Starts the background thread; its first check runs at once (a WAL replay may have brought
  // back windows that closed while the server was down).
  void Start();
  // Stops the thread, waiting for a snapshot in progress to end. Writes waiting for room are
  // refused. Idempotent.
  void Stop();

  // Persists everything buffered (Snapshot(INT64_MAX)) on the calling thread, as
  // POST /api/v3/snapshot asks. Runs after a snapshot in progress ends.
  absl::StatusOr<SnapshotSummary> SnapshotAll();

  // Called after each write is applied. Cheap (an atomic load and a comparison) unless the buffer
  // is at the pressure threshold, when it wakes the thread.
  void NoteBufferGrowth();

  // Called before a write is accepted when the buffer is at its limit: wakes the thread and waits
  // until the buffer is below the limit again (OK). Unavailable, with a message saying why
  // persisting could not make room, when a snapshot that began after the call failed or left
  // the buffer full, when max_wait_for_room has passed (persisting is behind), or when the
  // scheduler is not running.
  absl::Status WaitForRoom();

  SnapshotSchedulerStats stats() const;

 private:
  // Why a snapshot runs, for the log.
  enum class Reason { kWindowsClosed, kMemoryPressure, kRequest };

  void Run();
  // One wake-up of the thread: persists closed windows or, under pressure, the oldest data until
  // the buffer is relieved. Returns the first error.
  absl::Status RunRound(bool pressure);
  // Compacts the windows that qualify (see SnapshotSchedulerOptions::compaction_encoder) until
  // none is left, a write asks for room, or Stop. Returns the first error.
  absl::Status CompactWindows(bool idle);
  // One Persister::Snapshot, logged.
  absl::StatusOr<SnapshotSummary> SnapshotThrough(int64_t max_last, Reason reason);
  // Whether `used` bytes of buffer call for a pressure round.
  bool UnderPressure(uint64_t used) const;
  // The newest window end that counts as closed now.
  int64_t ClosedThrough() const;
  // The 503 message for a write that found no room.
  absl::Status NoRoomError(std::string_view why) const;

  Persister* const persister_;
  buffer::WriteBuffer* const buffer_;
  const SnapshotSchedulerOptions options_;
  const uint64_t pressure_bytes_;
  const uint64_t relieved_bytes_;

  // Set by writes to ask the thread for a pressure round; cleared by the thread when it starts
  // one. Atomic so NoteBufferGrowth needs no lock when it is already set.
  std::atomic<bool> pressure_requested_{false};
  // Buffer usage after the last pressure round. Memory that persisting cannot free (series
  // indexes, dictionaries) stays; NoteBufferGrowth asks for another round only once the buffer
  // has grown well past it, so such memory does not make every write start a round.
  std::atomic<uint64_t> pressure_floor_{0};

  mutable std::mutex mu_;
  std::condition_variable wake_cv_;     // the thread waits here for work or Stop
  std::condition_variable round_cv_;    // WaitForRoom waits here for rounds to end
  bool running_ = false;                // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  uint64_t rounds_started_ = 0;         // guarded by mu_
  uint64_t rounds_finished_ = 0;        // guarded by mu_
  absl::Status last_error_;             // of the last round; guarded by mu_
  uint64_t last_round_left_bytes_ = 0;  // buffer usage as it ended; guarded by mu_
  SnapshotSchedulerStats stats_;        // guarded by mu_
  std::thread thread_;
};

}  // namespace strata::persist
