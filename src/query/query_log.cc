// The query log: entries, the ring, the running set and the counters.
#include "query/query_log.h"

#include <algorithm>
#include <random>

#include "fmt/format.h"

namespace strata::query {
namespace {

int64_t NanosBetween(QueryLogEntry::Clock::time_point from, QueryLogEntry::Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

// A random (version 4) UUID, as InfluxDB 3 names queries.
std::string RandomUuid() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  const uint64_t high = (generator() & ~uint64_t{0xF000}) | 0x4000;                     // version 4
  const uint64_t low = (generator() & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                     high >> 32,
                     (high >> 16) & 0xFFFF,
                     high & 0xFFFF,
                     low >> 48,
                     low & 0xFFFFFFFFFFFFull);
}

}  // namespace

std::string_view QueryPhaseName(QueryPhase phase) {
  switch (phase) {
    case QueryPhase::kReceived:
      return "received";
    case QueryPhase::kPermit:
      return "permit";
    case QueryPhase::kPlanned:
      return "planned";
    case QueryPhase::kSuccess:
      return "success";
    case QueryPhase::kFail:
      return "fail";
    case QueryPhase::kCancel:
      return "cancel";
  }
  return "unknown";
}

QueryLogEntry::QueryLogEntry(QueryLog* log,
                             uint64_t sequence,
                             std::string id,
                             std::string database,
                             std::string query_type,
                             std::string text,
                             int64_t issue_time_ns)
    : log_(log),
      sequence_(sequence),
      id_(std::move(id)),
      database_(std::move(database)),
      received_(Clock::now()) {
  row_.id = id_;
  row_.database = database_;
  row_.issue_time_ns = issue_time_ns;
  row_.query_type = std::move(query_type);
  row_.query_text = std::move(text);
}

QueryLogEntry::~QueryLogEntry() {
  if (row_.running) {
    log_->Forget(sequence_);
  }
}

void QueryLogEntry::Permitted() {
  std::lock_guard lock(mu_);
  if (!row_.running) {
    return;
  }
  permitted_ = Clock::now();
  row_.phase = QueryPhase::kPermit;
  row_.permit_duration_ns = NanosBetween(received_, permitted_);
}

void QueryLogEntry::Planned() {
  std::lock_guard lock(mu_);
  if (!row_.running) {
    return;
  }
  planned_ = Clock::now();
  row_.phase = QueryPhase::kPlanned;
  row_.plan_duration_ns = NanosBetween(permitted_, planned_);
}

void QueryLogEntry::Finish(QueryPhase end, std::string error, const QueryResources& used) {
  CancelReason reason;
  int64_t end2end;
  {
    std::lock_guard lock(mu_);
    if (!row_.running) {
      return;
    }
    const Clock::time_point now = Clock::now();
    if (row_.plan_duration_ns.has_value()) {
      row_.execute_duration_ns = NanosBetween(planned_, now);
    }
    end2end = NanosBetween(received_, now);
    row_.end2end_duration_ns = end2end;
    row_.phase = end;
    row_.success = end == QueryPhase::kSuccess;
    row_.cancelled = end == QueryPhase::kCancel;
    row_.running = false;
    row_.error = std::move(error);
    row_.max_memory = used.max_memory;
    row_.partitions = used.partitions;
    row_.parquet_files = used.parquet_files;
    row_.compute_duration_ns = used.compute_duration_ns;
    reason = cancel_reason_;
    cancel_hook_ = nullptr;
    client_gone_ = nullptr;
  }
  log_->OnFinished(sequence_, end, reason, end2end);
}

bool QueryLogEntry::finished() const {
  std::lock_guard lock(mu_);
  return !row_.running;
}

void QueryLogEntry::set_trace_id(std::string trace_id) {
  std::lock_guard lock(mu_);
  row_.trace_id = std::move(trace_id);
}

void QueryLogEntry::set_cancel_hook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  cancel_hook_ = std::move(hook);
}

bool QueryLogEntry::RequestCancel(CancelReason reason) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    if (!row_.running || cancel_reason_ != CancelReason::kNone) {
      return false;
    }
    cancel_reason_ = reason;
    hook = cancel_hook_;
  }
  if (hook) {
    hook();
  }
  return true;
}

CancelReason QueryLogEntry::cancel_reason() const {
  std::lock_guard lock(mu_);
  return cancel_reason_;
}

void QueryLogEntry::set_deadline(Clock::time_point deadline) {
  std::lock_guard lock(mu_);
  deadline_ = deadline;
}

QueryLogEntry::Clock::time_point QueryLogEntry::deadline() const {
  std::lock_guard lock(mu_);
  return deadline_;
}

void QueryLogEntry::set_client_gone_check(std::function<bool()> check) {
  std::lock_guard lock(mu_);
  client_gone_ = std::move(check);
}

bool QueryLogEntry::ClientGone() const {
  std::lock_guard lock(mu_);
  return client_gone_ && client_gone_();
}

QueryLogRow QueryLogEntry::Row() const {
  std::lock_guard lock(mu_);
  return row_;
}

QueryLog::QueryLog(size_t capacity) : capacity_(capacity) {}

std::shared_ptr<QueryLogEntry> QueryLog::Add(std::string_view database,
                                             std::string_view query_type,
                                             std::string_view text,
                                             int64_t issue_time_ns) {
  std::lock_guard lock(mu_);
  const uint64_t sequence = next_sequence_++;
  std::shared_ptr<QueryLogEntry> entry(new QueryLogEntry(this,
                                                         sequence,
                                                         RandomUuid(),
                                                         std::string(database),
                                                         std::string(query_type),
                                                         std::string(text),
                                                         issue_time_ns));
  running_.emplace(sequence, entry);
  ++stats_.received;
  if (capacity_ > 0) {
    if (ring_.size() >= capacity_) {
      ring_.pop_front();
    }
    ring_.push_back(entry);
  }
  return entry;
}

std::vector<QueryLogRow> QueryLog::Rows(std::string_view database) const {
  std::vector<std::shared_ptr<QueryLogEntry>> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& entry : ring_) {
      if (entry->database() == database) {
        entries.push_back(entry);
      }
    }
  }
  std::vector<QueryLogRow> rows;
  rows.reserve(entries.size());
  for (const auto& entry : entries) {
    rows.push_back(entry->Row());
  }
  return rows;
}

std::vector<std::shared_ptr<QueryLogEntry>> QueryLog::Running() const {
  std::vector<std::shared_ptr<QueryLogEntry>> out;
  std::lock_guard lock(mu_);
  out.reserve(running_.size());
  for (const auto& [sequence, weak] : running_) {
    if (std::shared_ptr<QueryLogEntry> entry = weak.lock()) {
      out.push_back(std::move(entry));
    }
  }
  return out;
}

QueryStats QueryLog::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void QueryLog::Forget(uint64_t sequence) {
  std::lock_guard lock(mu_);
  running_.erase(sequence);
}

void QueryLog::OnFinished(uint64_t sequence,
                          QueryPhase end,
                          CancelReason reason,
                          int64_t end2end_ns) {
  std::lock_guard lock(mu_);
  running_.erase(sequence);
  switch (end) {
    case QueryPhase::kSuccess:
      ++stats_.succeeded;
      break;
    case QueryPhase::kCancel:
      ++stats_.cancelled;
      if (reason == CancelReason::kTimeout) {
        ++stats_.timed_out;
      }
      break;
    default:
      ++stats_.failed;
      break;
  }
  const double seconds = static_cast<double>(end2end_ns) / 1e9;
  for (size_t i = 0; i < kQueryLatencyBuckets.size(); ++i) {
    if (seconds <= kQueryLatencyBuckets[i]) {
      ++stats_.latency_buckets[i];
    }
  }
  ++stats_.latency_count;
  stats_.latency_sum_seconds += seconds;
}

}  // namespace strata::query
