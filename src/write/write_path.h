// The write path: a line protocol request body goes through parsing, validation against the
// catalog, the WAL (group commit) and into the write buffer, and is acknowledged only after the
// WAL has made it durable (unless the caller asked for no_sync). Also replays the WAL into the
// buffer at start-up.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "cache/cache_manager.h"
#include "catalog/catalog.h"
#include "lineprotocol/parser.h"
#include "lineprotocol/precision.h"
#include "wal/wal.h"

namespace strata::write {

// One write request as the HTTP layer received it.
struct WriteRequest {
  std::string_view database;
  std::string_view body;
  lineprotocol::Precision precision = lineprotocol::Precision::kAuto;
  // true: valid lines are written even if others fail; false: any error rejects the whole body.
  bool accept_partial = true;
  // true: acknowledge once the write is in the WAL queue and the buffer, before the fsync.
  bool no_sync = false;
  // Server time at arrival (ns since the epoch), for lines without a timestamp.
  int64_t now_ns = 0;
};

// What happened to a request that was well-formed at the request level.
struct WriteOutcome {
  int64_t lines_written = 0;
  // Per-line errors (parse and schema), ordered by line number. With accept_partial=false and
  // errors present, nothing was written.
  std::vector<lineprotocol::LineError> errors;
};

// Counters for /metrics-style reporting and tests.
struct WritePathStats {
  int64_t requests = 0;
  int64_t lines_written = 0;
  int64_t lines_rejected = 0;
  int64_t wal_records_replayed = 0;
  int64_t rows_replayed = 0;
};

// How Write gets write buffer memory from persistence (the server's snapshot scheduler). Without
// it, a write that finds the buffer full is refused at once.
struct BufferRoom {
  // Called after every write that added rows; must be cheap (it wakes persistence when the
  // buffer nears its limit).
  std::function<void()> note_growth;
  // Called before a write is accepted when the buffer is at its limit: blocks until there is
  // room again (OK) or returns the error to answer with (Unavailable: HTTP 503).
  std::function<absl::Status()> wait_for_room;
};

// Thread-safe: many HTTP threads call Write concurrently. The catalog, WAL and buffer are owned
// by the caller and must outlive this object.
class WritePath {
 public:
  WritePath(catalog::Catalog* catalog, wal::Wal* wal, buffer::WriteBuffer* buffer);

  // Replays every WAL record into the write buffer. Call once, before the first Write.
  absl::Status Recover();

  // Keeps `caches` up to date with every write, before it is acknowledged, and with the WAL
  // replay. Call before Recover; `caches` must outlive this object.
  void SetCaches(cache::CacheManager* caches) { caches_ = caches; }

  // Connects the write path to persistence. Call before the first Write.
  void SetBufferRoom(BufferRoom room) { room_ = std::move(room); }

  // Writes one request. Returns a non-OK status for request-level failures: invalid database
  // name (InvalidArgument), write buffer full and no room made for it (Unavailable), limits
  // reached (ResourceExhausted), WAL or catalog I/O failure (Internal / DataLoss). Per-line
  // problems are in WriteOutcome::errors.
  absl::StatusOr<WriteOutcome> Write(const WriteRequest& request);

  WritePathStats stats() const;

  // The WAL sequence of the next record to be applied to the buffer: every lower one is applied
  // (or was skipped because the WAL failed). With WriteBuffer::MinSequence read after it, the
  // lower of the two bounds the WAL records persistence may remove.
  uint64_t NextApplySequence() const;

 private:
  // Applies `batch` (WAL record `sequence`) to the buffer in WAL order, so that concurrent
  // duplicate points resolve the same way live as on replay. `durable` is false when the WAL
  // failed to persist the record: it is then skipped, but its turn still passes.
  void ApplyInOrder(uint64_t sequence, const WriteBatch& batch, bool durable);

  catalog::Catalog* const catalog_;
  wal::Wal* const wal_;
  buffer::WriteBuffer* const buffer_;
  BufferRoom room_;                        // set before the first Write, read-only after
  cache::CacheManager* caches_ = nullptr;  // set before Recover, read-only after

  mutable std::mutex apply_mu_;
  std::condition_variable apply_cv_;
  uint64_t next_apply_sequence_ = 1;  // GUARDED_BY(apply_mu_)

  mutable std::mutex stats_mu_;
  WritePathStats stats_;  // GUARDED_BY(stats_mu_)
};

}  // namespace strata::write
