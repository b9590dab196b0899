// The write-ahead log: every accepted write is appended here, as an opaque payload, and made
// durable before it is acknowledged. Segment files on local disk, CRC32C-framed records, group
// commit (concurrent writers share one write and one fdatasync), and replay at start-up that cuts
// off a torn tail. The on-disk format is described in docs/wal_format.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/metrics.h"
#include "wal/segment_writer.h"

namespace strata::wal {

// How a Wal lays out and commits its files.
struct WalOptions {
  // The WAL's directory (<data-dir>/wal); created, with its parents, if missing.
  std::string directory;
  // A new segment file is started before the next write once the active one has reached this
  // size. A segment can exceed it by one commit group.
  uint64_t max_segment_bytes = 64ull << 20;
  // How long the committer waits after the first pending record to gather more before it writes
  // and syncs. 0 commits as soon as the previous fsync ends (records arriving during an fsync
  // form the next group).
  std::chrono::microseconds flush_interval{0};
  // Larger payloads are rejected (InvalidArgument); replay treats a longer record as corrupt.
  uint32_t max_record_bytes = 256u << 20;
  // Append blocks while this many payload bytes are waiting for the committer (backpressure when
  // the disk is slower than the writers), except that a single record is always accepted into an
  // empty queue. 0 means no limit.
  uint64_t max_pending_bytes = 256ull << 20;
  // Test hook, see IoFaultInjector: lets tests make segment writes and fsyncs fail.
  IoFaultInjector io_fault_injector;
  // When set, observes the duration in seconds of every commit group's fsync (the server's
  // strata_wal_fsync_duration_seconds). Must outlive the Wal.
  metrics::Histogram* fsync_seconds = nullptr;
};

// Counters describing a Wal, for tests, logs and metrics.
struct WalStats {
  uint64_t segments = 0;          // segment files on disk
  uint64_t bytes = 0;             // total size of the segment files
  uint64_t records_appended = 0;  // records appended since Open (replayed ones not counted)
  uint64_t fsyncs = 0;            // fdatasync calls for commit groups and rotations since Open
  uint64_t groups = 0;            // commit groups written since Open
  uint64_t last_sequence = 0;     // the last sequence assigned (or replayed); 0 if none
  uint64_t durable_sequence = 0;  // every record up to this sequence is on disk and synced
  uint64_t replayed_records = 0;  // records Replay passed to its callback
  uint64_t truncated_bytes = 0;   // bytes of torn or corrupt tail Replay cut off
};

// A write-ahead log in one directory. Thread-safe: Append, WaitDurable, RemoveSegmentsThrough and
// stats may be called from any thread concurrently; Replay must run once, before the first Append.
// A committer thread (started by Replay) owns the active segment: it takes every pending record,
// writes them with one pwritev, fdatasyncs, and then wakes the waiters. Another process cannot
// open the same directory at the same time (an flock on the LOCK file).
class Wal {
 public:
  // Opens (or creates) the WAL in options.directory and lists its segments. Does not read records
  // yet. Fails with FailedPrecondition if another Wal holds the directory.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(WalOptions options);

  // Calls Close and logs its error, if any.
  ~Wal();

  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Reads every intact record in sequence order and calls fn(sequence, payload); `payload` is
  // valid only during the call. Must be called once, before the first Append. A torn or corrupt
  // tail of the last segment (cut-short or zero-filled record, bad length, checksum or sequence)
  // is logged with the segment's file name and byte offset and cut off (ftruncate + fsync), and
  // appends continue after the last intact record. Damage anywhere else (an earlier segment, a
  // segment header, a gap in sequences) is a DataLoss error naming the segment and offset, since
  // intact records after it would be lost. An error returned by fn stops the replay and is
  // returned with the record's sequence and segment prepended.
  absl::Status Replay(
      const std::function<absl::Status(uint64_t sequence, std::string_view payload)>& fn);

  // Enqueues a record (the payload is moved in, not copied) and returns its sequence number.
  // Sequence numbers are consecutive, start after the last replayed one (1 for a new WAL) and
  // follow call order. Does not wait for the disk, except for backpressure (max_pending_bytes).
  // Errors: InvalidArgument for a payload over max_record_bytes; FailedPrecondition before Replay
  // or after Close; the WAL's failure once a write or fsync has failed.
  absl::StatusOr<uint64_t> Append(std::string payload);

  // Blocks until every record up to `sequence` is written and fsynced, and returns OK. If a write
  // or fsync fails, the WAL enters a failed state: every record not yet durable stays so forever,
  // and this and all later Append and WaitDurable calls for such records return the error (an
  // fsync is never retried after a failure: the kernel may have dropped the data, see
  // "fsyncgate"). A sequence that was already durable before the failure still returns OK.
  // InvalidArgument for a sequence never assigned.
  absl::Status WaitDurable(uint64_t sequence);

  // Makes everything appended durable, stops the committer thread and releases the directory.
  // Returns the WAL's failure, if any. Idempotent; the destructor calls it.
  absl::Status Close();

  // Deletes the segment files whose records all have sequence <= `sequence` (after their data was
  // persisted elsewhere). Never deletes the active segment. Requires Replay to have run.
  absl::Status RemoveSegmentsThrough(uint64_t sequence);

  // Returns a snapshot of the counters.
  WalStats stats() const;

 private:
  // A record waiting for the committer.
  struct PendingRecord {
    uint64_t sequence;
    uint32_t payload_crc;
    std::string payload;
  };

  // A segment file on disk.
  struct SegmentInfo {
    uint64_t first_sequence;
    uint64_t bytes;
  };

  Wal(WalOptions options, int lock_fd, std::vector<SegmentInfo> segments);

  // Replays the segment starting at `first_sequence`; `*expected_sequence` is the sequence its
  // first record must carry, and is advanced past every record replayed. Sets `*valid_bytes` to
  // the end of its last intact record (0 for a torn header). A torn or corrupt tail is cut off
  // later (by SegmentWriter::OpenForAppend) if `is_last`, and an error otherwise.
  absl::Status ReplaySegment(
      uint64_t first_sequence,
      bool is_last,
      uint64_t* expected_sequence,
      uint64_t* valid_bytes,
      const std::function<absl::Status(uint64_t sequence, std::string_view payload)>& fn);

  // The committer thread's loop.
  void CommitLoop();

  // Writes and syncs one group (rotating first if the active segment is full). Runs on the
  // committer thread without holding mu_.
  absl::Status WriteGroup(const std::vector<PendingRecord>& group);

  // Starts a new active segment whose first record will be `first_sequence`.
  absl::Status Rotate(uint64_t first_sequence);

  const WalOptions options_;
  int lock_fd_;  // holds the flock on the directory's LOCK file; -1 after Close

  std::mutex close_mu_;  // serializes Close
  bool closed_ ABSL_GUARDED_BY(close_mu_) = false;
  absl::Status close_status_ ABSL_GUARDED_BY(close_mu_);

  // Owned by the committer thread once it runs (by Replay before that).
  std::unique_ptr<SegmentWriter> active_;
  std::thread committer_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // the committer waits here for records or closing_
  std::condition_variable durable_cv_;  // WaitDurable waits here for durable_sequence_/failure_
  std::condition_variable space_cv_;    // Append waits here for pending bytes to drain
  bool replay_started_ ABSL_GUARDED_BY(mu_) = false;
  bool replayed_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  std::vector<PendingRecord> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t pending_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int blocked_appenders_ ABSL_GUARDED_BY(mu_) = 0;  // Append calls waiting on space_cv_
  std::chrono::steady_clock::time_point first_pending_time_ ABSL_GUARDED_BY(mu_);
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t durable_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  // Every segment on disk in sequence order; the last one is the active segment after Replay.
  std::deque<SegmentInfo> segments_ ABSL_GUARDED_BY(mu_);
  WalStats counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::wal
