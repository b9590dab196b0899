// The admission semaphore and its queue.
#include "query/query_admission.h"

#include <algorithm>
#include <utility>

namespace strata::query {

// Shared by the admission and its permits, so a permit outliving the admission stays valid.
struct QueryAdmission::Permit::State {
  struct Waiter {
    uint64_t ticket;
    OnPermit on_permit;
  };
  int max_concurrent = 1;
  int queue_size = 0;
  mutable std::mutex mu;
  int64_t running = 0;         // GUARDED_BY(mu)
  std::deque<Waiter> waiting;  // GUARDED_BY(mu)
  uint64_t next_ticket = 1;    // GUARDED_BY(mu)
  int64_t rejected = 0;        // GUARDED_BY(mu)
  bool closed = false;         // GUARDED_BY(mu)
};

void QueryAdmission::Permit::Release() {
  if (state_ == nullptr) {
    return;
  }
  std::shared_ptr<State> state = std::move(state_);
  OnPermit next;
  {
    std::lock_guard lock(state->mu);
    if (state->waiting.empty()) {
      --state->running;
      return;
    }
    // The slot passes to the oldest waiter: running stays the same.
    next = std::move(state->waiting.front().on_permit);
    state->waiting.pop_front();
  }
  next(Permit(std::move(state)));
}

QueryAdmission::QueryAdmission(int max_concurrent, int queue_size)
    : max_concurrent_(std::max(1, max_concurrent)),
      queue_size_(std::max(0, queue_size)),
      state_(std::make_shared<Permit::State>()) {
  state_->max_concurrent = max_concurrent_;
  state_->queue_size = queue_size_;
}

QueryAdmission::~QueryAdmission() = default;

QueryAdmission::Outcome QueryAdmission::Acquire(OnPermit on_permit,
                                                Permit* permit,
                                                uint64_t* ticket) {
  std::lock_guard lock(state_->mu);
  if (state_->closed) {
    return Outcome::kRejected;
  }
  if (state_->running < state_->max_concurrent) {
    ++state_->running;
    *permit = Permit(state_);
    return Outcome::kAdmitted;
  }
  if (static_cast<int64_t>(state_->waiting.size()) < state_->queue_size) {
    *ticket = state_->next_ticket++;
    state_->waiting.push_back({*ticket, std::move(on_permit)});
    return Outcome::kQueued;
  }
  ++state_->rejected;
  return Outcome::kRejected;
}

bool QueryAdmission::Withdraw(uint64_t ticket) {
  OnPermit dropped;  // destroyed after the lock is released: it may own anything
  std::lock_guard lock(state_->mu);
  auto it = std::find_if(state_->waiting.begin(),
                         state_->waiting.end(),
                         [ticket](const auto& waiter) { return waiter.ticket == ticket; });
  if (it == state_->waiting.end()) {
    return false;
  }
  dropped = std::move(it->on_permit);
  state_->waiting.erase(it);
  return true;
}

void QueryAdmission::Close() {
  std::deque<Permit::State::Waiter> dropped;  // destroyed after the lock is released
  std::lock_guard lock(state_->mu);
  state_->closed = true;
  dropped.swap(state_->waiting);
}

bool QueryAdmission::closed() const {
  std::lock_guard lock(state_->mu);
  return state_->closed;
}

int64_t QueryAdmission::running() const {
  std::lock_guard lock(state_->mu);
  return state_->running;
}

int64_t QueryAdmission::queued() const {
  std::lock_guard lock(state_->mu);
  return static_cast<int64_t>(state_->waiting.size());
}

int64_t QueryAdmission::rejected() const {
  std::lock_guard lock(state_->mu);
  return state_->rejected;
}

}  // namespace strata::query
