// Parse -> validate -> WAL -> buffer, and WAL replay.
#include "write/write_path.h"

#include <string>
#include <utility>

#include "common/logging.h"
#include "common/status.h"
#include "fmt/format.h"
#include "ingest/validator.h"

namespace strata::write {

WritePath::WritePath(catalog::Catalog* catalog, wal::Wal* wal, buffer::WriteBuffer* buffer)
    : catalog_(catalog), wal_(wal), buffer_(buffer) {}

absl::Status WritePath::Recover() {
  int64_t records = 0;
  int64_t rows = 0;
  absl::Status status = wal_->Replay([&](uint64_t sequence, std::string_view payload) {
    absl::StatusOr<WriteBatch> batch = WriteBatch::Deserialize(payload);
    if (!batch.ok()) {
      return Annotate(batch.status(), fmt::format("decoding WAL record {}", sequence));
    }
    buffer_->Apply(*batch, sequence);
    if (caches_ != nullptr) {
      caches_->Apply(*batch);
    }
    ++records;
    rows += batch->row_count;
    return absl::OkStatus();
  });
  STRATA_RETURN_IF_ERROR_CTX(status, "replaying the WAL");
  {
    std::lock_guard<std::mutex> lock(apply_mu_);
    next_apply_sequence_ = wal_->stats().last_sequence + 1;
  }
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.wal_records_replayed = records;
    stats_.rows_replayed = rows;
  }
  STRATA_LOG_INFO(
      "WAL replayed records={} rows={} buffer_bytes={}", records, rows, buffer_->memory_usage());
  return absl::OkStatus();
}

absl::StatusOr<WriteOutcome> WritePath::Write(const WriteRequest& request) {
  if (absl::Status capacity = buffer_->CheckCapacity(); !capacity.ok()) {
    // A full buffer is temporary (HTTP 503 with Retry-After), unlike a catalog limit:
    // persistence frees it.
    absl::Status room =
        room_.wait_for_room ? room_.wait_for_room() : absl::UnavailableError(capacity.message());
    if (!room.ok()) {
      return room;
    }
  }

  // One parse result per thread keeps its vectors' capacity across requests.
  thread_local lineprotocol::ParseResult parsed;
  lineprotocol::ParseOptions parse_options;
  parse_options.precision = request.precision;
  parse_options.default_time_ns =
      lineprotocol::TruncateToPrecision(request.now_ns, request.precision);
  lineprotocol::Parse(request.body, parse_options, &parsed);

  STRATA_ASSIGN_OR_RETURN(
      ingest::ValidationResult validated,
      ingest::ValidateWrite(*catalog_, request.database, parsed, request.accept_partial));

  WriteOutcome outcome;
  outcome.errors = std::move(validated.errors);
  bool rejected = !request.accept_partial && !outcome.errors.empty();
  if (!rejected && validated.batch.row_count > 0) {
    std::string payload;
    validated.batch.SerializeTo(&payload);
    STRATA_ASSIGN_OR_RETURN(uint64_t sequence, wal_->Append(std::move(payload)));
    absl::Status durable = request.no_sync ? absl::OkStatus() : wal_->WaitDurable(sequence);
    ApplyInOrder(sequence, validated.batch, durable.ok());
    if (room_.note_growth) {
      room_.note_growth();
    }
    STRATA_RETURN_IF_ERROR_CTX(durable, "writing to the WAL");
    outcome.lines_written = validated.lines_accepted;
  }

  std::lock_guard<std::mutex> lock(stats_mu_);
  ++stats_.requests;
  stats_.lines_written += outcome.lines_written;
  stats_.lines_rejected += rejected
                               ? static_cast<int64_t>(parsed.lines.size() + parsed.errors.size())
                               : static_cast<int64_t>(outcome.errors.size());
  return outcome;
}

void WritePath::ApplyInOrder(uint64_t sequence, const WriteBatch& batch, bool durable) {
  std::unique_lock<std::mutex> lock(apply_mu_);
  apply_cv_.wait(lock, [&] { return next_apply_sequence_ == sequence; });
  if (durable) {
    // Under apply_mu_: the buffer sees batches exactly in WAL order.
    buffer_->Apply(batch, sequence);
    // In WAL order too, so the caches keep the same row of duplicate points as the buffer.
    if (caches_ != nullptr) {
      caches_->Apply(batch);
    }
  }
  ++next_apply_sequence_;
  apply_cv_.notify_all();
}

uint64_t WritePath::NextApplySequence() const {
  std::lock_guard<std::mutex> lock(apply_mu_);
  return next_apply_sequence_;
}

WritePathStats WritePath::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

}  // namespace strata::write
