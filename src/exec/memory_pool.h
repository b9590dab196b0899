// Memory accounting for query execution (DataFusion's MemoryPool and MemoryReservation, with the
// greedy policy): an operator that buffers its input (sort, hash aggregation, a join's build
// side, window functions) reserves the bytes from a pool before it keeps them, and a reservation
// that would take the pool past its limit fails with ResourceExhausted. A huge query then fails
// with an error that says what to do, instead of taking the server's memory.
//
// The server gives every query a pool of its own (--query-memory-limit) whose parent is one pool
// shared by all running queries (--exec-mem-pool-bytes): a reservation must fit in both, so one
// query cannot take more than its share and concurrent queries together stay within the global
// limit; first come, first served. Accounting is approximate:
// it covers the large, long-lived buffers (materialized rows, hash tables, aggregate states, sort
// keys), not the batches in flight between operators nor expression temporaries. Nothing spills
// to disk.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "absl/status/status.h"

namespace strata::exec {

// "512 B", "1.5 KiB", "120.0 MiB", "8.0 GiB".
std::string FormatMemorySize(int64_t bytes);

// Bytes reserved by the queries of one process (or one query), against a limit. Thread-safe:
// reservations on many threads grow and shrink it concurrently. Memory is taken from it only
// through MemoryReservation, which gives back what it holds when destroyed.
class MemoryPool {
 public:
  static constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

  // A pool of `limit` bytes (kUnlimited: accounting only, never fails). `hint` ends the message
  // of every refusal, telling the user how to get more memory or use less, e.g. "raise
  // --query-memory-limit, or add filters or a LIMIT" (exec knows no flags: the server says).
  // With a `parent`, every reservation is also taken from the parent (and refused when the
  // parent has no room, with the parent's message): a per-query pool inside the global one.
  // `name` starts refusal messages: "<name> of 1.0 GiB exceeded: ...".
  explicit MemoryPool(int64_t limit = kUnlimited,
                      std::string hint = "",
                      std::shared_ptr<MemoryPool> parent = nullptr,
                      std::string name = "query memory limit");
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  int64_t limit() const { return limit_; }
  // Bytes reserved right now, by every reservation of this pool.
  int64_t reserved() const { return reserved_.load(std::memory_order_relaxed); }
  // The most bytes ever reserved at once.
  int64_t peak_reserved() const { return peak_.load(std::memory_order_relaxed); }
  // The pool this one takes its reservations from too, or null.
  const std::shared_ptr<MemoryPool>& parent() const { return parent_; }

 private:
  friend class MemoryReservation;

  // Adds `bytes` to reserved() if that stays within the limit, else returns ResourceExhausted
  // naming `consumer`, which already holds `held` bytes.
  absl::Status TryReserve(const std::string& consumer, int64_t held, int64_t bytes);
  void Release(int64_t bytes);

  const int64_t limit_;
  const std::string hint_;
  const std::shared_ptr<MemoryPool> parent_;
  const std::string name_;
  std::atomic<int64_t> reserved_{0};
  std::atomic<int64_t> peak_{0};
};

// The bytes one consumer (one operator's partition, or a join build shared by its probes) holds
// in a pool. Grows and shrinks as the consumer buffers and releases data; gives everything back
// when destroyed. Not thread-safe: one owner at a time (it may move between threads). A
// default-constructed reservation belongs to no pool and only counts.
class MemoryReservation {
 public:
  MemoryReservation() = default;
  // `consumer` names the holder in errors, e.g. "SortExec". REQUIRES: pool is not null.
  MemoryReservation(std::shared_ptr<MemoryPool> pool, std::string consumer);
  ~MemoryReservation() { Free(); }
  MemoryReservation(MemoryReservation&& other) noexcept;
  MemoryReservation& operator=(MemoryReservation&& other) noexcept;
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  int64_t size() const { return size_; }
  // The largest size() so far (for EXPLAIN ANALYZE's peak_mem_bytes).
  int64_t peak() const { return peak_; }
  const std::string& consumer() const { return consumer_; }

  // Reserves `bytes` more, or returns ResourceExhausted ("query memory limit of 8.0 GiB
  // exceeded: SortExec needed 120.0 MiB more (in use: 7.9 GiB, 2.0 GiB of it by SortExec);
  // <hint>") and changes nothing. REQUIRES: bytes >= 0.
  absl::Status TryGrow(int64_t bytes);
  // Gives back `bytes`. REQUIRES: 0 <= bytes <= size().
  void Shrink(int64_t bytes);
  // Grows or shrinks to `bytes` (only growing can fail, as TryGrow). REQUIRES: bytes >= 0.
  absl::Status TryResize(int64_t bytes);
  // Gives back everything.
  void Free();

 private:
  std::shared_ptr<MemoryPool> pool_;
  std::string consumer_;
  int64_t size_ = 0;
  int64_t peak_ = 0;
};

}  // namespace strata::exec
