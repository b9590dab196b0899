// Admission control for queries (--max-concurrent-queries, --query-queue-size): a counting
// semaphore with a bounded FIFO queue of waiters. A query that finds every permit taken waits in
// the queue without holding a thread (its continuation is called when a permit frees); one that
// also finds the queue full is rejected at once, so overload turns into quick 503s instead of
// unbounded memory and latency.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace strata::query {

class QueryAdmission {
 public:
  // The right to run one query; gives its slot back (to the next waiter, if any) when destroyed.
  // Move-only. A default-constructed permit holds nothing.
  class Permit {
   public:
    Permit() = default;
    ~Permit() { Release(); }
    Permit(Permit&& other) noexcept : state_(std::move(other.state_)) {}
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        Release();
        state_ = std::move(other.state_);
      }
      return *this;
    }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;

    bool held() const { return state_ != nullptr; }
    // Gives the slot back now.
    void Release();

   private:
    friend class QueryAdmission;
    struct State;
    explicit Permit(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
  };

  // Called with the permit once a queued query gets it, on the thread that released it, with no
  // lock held. It should hand the query to a thread of its own quickly.
  using OnPermit = std::function<void(Permit)>;

  enum class Outcome { kAdmitted, kQueued, kRejected };

  // `max_concurrent` >= 1 queries hold permits at once; `queue_size` >= 0 more may wait.
  QueryAdmission(int max_concurrent, int queue_size);
  ~QueryAdmission();
  QueryAdmission(const QueryAdmission&) = delete;
  QueryAdmission& operator=(const QueryAdmission&) = delete;

  int max_concurrent() const { return max_concurrent_; }
  int queue_size() const { return queue_size_; }

  // Takes a permit now (kAdmitted, *permit set), or queues `on_permit` under a new *ticket
  // (kQueued), or refuses (kRejected: the queue is full).
  Outcome Acquire(OnPermit on_permit, Permit* permit, uint64_t* ticket);
  // Removes a queued waiter: true if it was still waiting (its OnPermit will never be called),
  // false if it already got a permit (or never waited).
  bool Withdraw(uint64_t ticket);

  // Drops every waiter (their OnPermit is never called) and rejects later Acquire calls: server
  // shutdown.
  void Close();
  bool closed() const;

  int64_t running() const;
  int64_t queued() const;
  int64_t rejected() const;

 private:
  const int max_concurrent_;
  const int queue_size_;
  std::shared_ptr<Permit::State> state_;
};

}  // namespace strata::query
