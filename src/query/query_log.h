// The query log behind `system.queries` (InfluxDB 3's QueryLog): an in-memory ring of the last
// N queries the server received, each entry updated as its query moves through its phases
// (received, permit, planned, then success, fail or cancel), so running queries show too. It also
// holds what cancels a query from outside its thread (a deadline, a client that went away) and
// the counters /metrics reads.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata::query {

// Where a query is, as InfluxDB 3's QueryPhase: "received" (parsed from the request, possibly
// waiting in the admission queue), "permit" (admitted), "planned", and the end: "success",
// "fail" or "cancel". strata takes the permit before planning, because planning runs the
// uncorrelated subqueries.
enum class QueryPhase { kReceived, kPermit, kPlanned, kSuccess, kFail, kCancel };
std::string_view QueryPhaseName(QueryPhase phase);

// Why a query was cancelled from outside (kNone: it was not).
enum class CancelReason { kNone, kTimeout, kClientGone, kShutdown };

// One row of system.queries: a copy of an entry's state. Durations are nanoseconds; an unset
// optional is null (the phase was not reached, or the value is not measured).
struct QueryLogRow {
  std::string id;
  std::string database;
  QueryPhase phase = QueryPhase::kReceived;
  int64_t issue_time_ns = 0;  // wall clock, since the epoch
  std::string query_type;     // "sql"
  std::string query_text;
  std::optional<int64_t> partitions;     // write buffer chunks the scans read
  std::optional<int64_t> parquet_files;  // Parquet files the scans read
  std::optional<int64_t> plan_duration_ns;
  std::optional<int64_t> permit_duration_ns;  // time waiting for an admission permit
  std::optional<int64_t> execute_duration_ns;
  std::optional<int64_t> end2end_duration_ns;
  std::optional<int64_t> compute_duration_ns;  // see QueryResources
  int64_t max_memory = 0;                      // peak bytes reserved from the query's memory pool
  bool success = false;
  bool running = true;
  bool cancelled = false;
  std::optional<std::string> trace_id;
  std::string error;  // the failure's message (not a column: for logs and tests)
};

// Histogram bucket bounds of query latency (end to end), in seconds, as Prometheus' defaults.
inline constexpr std::array<double, 11> kQueryLatencyBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// Counters of every query the log has seen since the server started (/metrics reads them).
// running/queued/rejected come from the admission control (server/query_api).
struct QueryStats {
  int64_t received = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;
  int64_t cancelled = 0;  // including timed out and client gone
  int64_t timed_out = 0;
  int64_t running = 0;   // holding a permit
  int64_t queued = 0;    // waiting for one
  int64_t rejected = 0;  // refused with 503: the queue was full
  // Finished queries by end-to-end latency: latency_buckets[i] counts those at most
  // kQueryLatencyBuckets[i] seconds (cumulative, as Prometheus wants); latency_count all of them.
  std::array<int64_t, kQueryLatencyBuckets.size()> latency_buckets{};
  int64_t latency_count = 0;
  double latency_sum_seconds = 0;
};

// What a query used, known when it ends (unset: not measured, e.g. it failed before planning).
struct QueryResources {
  int64_t max_memory = 0;                // peak bytes reserved from the query's memory pool
  std::optional<int64_t> partitions;     // write buffer chunks the scans read
  std::optional<int64_t> parquet_files;  // Parquet files the scans read
  // Time the plan's operators spent computing, summed over operators and partitions (each
  // operator's own time, without its inputs'; EXPLAIN ANALYZE's elapsed).
  std::optional<int64_t> compute_duration_ns;
};

class QueryLog;

// One query's entry. Thread-safe: the query's own thread moves it through its phases while the
// watchdog checks its deadline and client, and system.queries copies it.
class QueryLogEntry {
 public:
  using Clock = std::chrono::steady_clock;

  ~QueryLogEntry();
  QueryLogEntry(const QueryLogEntry&) = delete;
  QueryLogEntry& operator=(const QueryLogEntry&) = delete;

  const std::string& id() const { return id_; }
  const std::string& database() const { return database_; }

  // Phase changes; each records the duration of the step it ends.
  void Permitted();  // permit_duration: since received
  void Planned();    // plan_duration: since permitted
  // Ends the query (the first call wins): success, failure (with its message) or cancellation,
  // with what it used (as system.queries shows it).
  void Finish(QueryPhase end, std::string error, const QueryResources& used);
  bool finished() const;
  void set_trace_id(std::string trace_id);

  // Cancellation from outside. The hook cancels whatever the query is doing now (a waiting
  // permit, a running plan); it is called without the entry's lock held, at most once per
  // request. RequestCancel records the first reason, runs the hook and returns true, or returns
  // false when the query already ended or was cancelled.
  void set_cancel_hook(std::function<void()> hook);
  bool RequestCancel(CancelReason reason);
  CancelReason cancel_reason() const;

  // When the query must end (Clock::time_point::max(): never).
  void set_deadline(Clock::time_point deadline);
  Clock::time_point deadline() const;
  // A check whether the client is gone, used by the watchdog while set (null: none). The owner
  // clears it before the connection may be used by anyone else.
  void set_client_gone_check(std::function<bool()> check);
  // Runs the check under the entry's lock (so clearing it waits for a check in progress).
  bool ClientGone() const;

  QueryLogRow Row() const;

 private:
  friend class QueryLog;
  QueryLogEntry(QueryLog* log,
                uint64_t sequence,
                std::string id,
                std::string database,
                std::string query_type,
                std::string text,
                int64_t issue_time_ns);

  QueryLog* const log_;
  const uint64_t sequence_;  // the log's key for it among the running queries
  const std::string id_;
  const std::string database_;
  const Clock::time_point received_;
  mutable std::mutex mu_;
  QueryLogRow row_;                                        // GUARDED_BY(mu_)
  Clock::time_point permitted_;                            // GUARDED_BY(mu_)
  Clock::time_point planned_;                              // GUARDED_BY(mu_)
  CancelReason cancel_reason_ = CancelReason::kNone;       // GUARDED_BY(mu_)
  std::function<void()> cancel_hook_;                      // GUARDED_BY(mu_)
  Clock::time_point deadline_ = Clock::time_point::max();  // GUARDED_BY(mu_)
  std::function<bool()> client_gone_;                      // GUARDED_BY(mu_)
};

// The last `capacity` queries, oldest first, and the queries still running (even once they
// have left the ring). Thread-safe.
class QueryLog {
 public:
  // `capacity` 0 keeps no entries (system.queries is empty) but still counts and tracks running
  // queries.
  explicit QueryLog(size_t capacity);
  QueryLog(const QueryLog&) = delete;
  QueryLog& operator=(const QueryLog&) = delete;

  size_t capacity() const { return capacity_; }

  // A new entry in phase "received", issued now. `issue_time_ns` is the wall clock.
  std::shared_ptr<QueryLogEntry> Add(std::string_view database,
                                     std::string_view query_type,
                                     std::string_view text,
                                     int64_t issue_time_ns);

  // The rows of `database`'s entries in the ring, oldest first.
  std::vector<QueryLogRow> Rows(std::string_view database) const;
  // The entries that have not finished.
  std::vector<std::shared_ptr<QueryLogEntry>> Running() const;
  // Counters (running, queued and rejected stay 0: the admission control knows them).
  QueryStats stats() const;

 private:
  friend class QueryLogEntry;
  // Called by an entry as it finishes (without the entry's lock).
  void OnFinished(uint64_t sequence, QueryPhase end, CancelReason reason, int64_t end2end_ns);
  // Called by an entry destroyed without finishing.
  void Forget(uint64_t sequence);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<QueryLogEntry>> ring_;                     // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, std::weak_ptr<QueryLogEntry>> running_;  // GUARDED_BY(mu_)
  uint64_t next_sequence_ = 0;                                          // GUARDED_BY(mu_)
  QueryStats stats_;                                                    // GUARDED_BY(mu_)
};

}  // namespace strata::query
