// The greedy memory pool and its reservations.
#include "exec/memory_pool.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "common/byte_size.h"
#include "common/check.h"
#include "fmt/format.h"

namespace strata::exec {

std::string FormatMemorySize(int64_t bytes) {
  return FormatByteSize(bytes < 0 ? 0 : static_cast<uint64_t>(bytes));
}

MemoryPool::MemoryPool(int64_t limit,
                       std::string hint,
                       std::shared_ptr<MemoryPool> parent,
                       std::string name)
    : limit_(limit < 0 ? 0 : limit),
      hint_(std::move(hint)),
      parent_(std::move(parent)),
      name_(std::move(name)) {}

absl::Status MemoryPool::TryReserve(const std::string& consumer, int64_t held, int64_t bytes) {
  int64_t current = reserved_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ - current) {
      std::string holding =
          held > 0 ? fmt::format(", {} of it by {}", FormatMemorySize(held), consumer) : "";
      return absl::ResourceExhaustedError(
          fmt::format("{} of {} exceeded: {} needed {} more (in use: {}{}){}{}",
                      name_,
                      FormatMemorySize(limit_),
                      consumer,
                      FormatMemorySize(bytes),
                      FormatMemorySize(current),
                      holding,
                      hint_.empty() ? "" : "; ",
                      hint_));
    }
  } while (!reserved_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
  if (parent_ != nullptr) {
    // The parent counts every query's bytes: what this consumer holds there is `held` too.
    if (absl::Status status = parent_->TryReserve(consumer, held, bytes); !status.ok()) {
      reserved_.fetch_sub(bytes, std::memory_order_relaxed);
      return status;
    }
  }
  const int64_t now = current + bytes;
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return absl::OkStatus();
}

void MemoryPool::Release(int64_t bytes) {
  int64_t before = reserved_.fetch_sub(bytes, std::memory_order_relaxed);
  STRATA_DCHECK(before >= bytes);
  (void)before;
  if (parent_ != nullptr) {
    parent_->Release(bytes);
  }
}

MemoryReservation::MemoryReservation(std::shared_ptr<MemoryPool> pool, std::string consumer)
    : pool_(std::move(pool)), consumer_(std::move(consumer)) {
  STRATA_CHECK(pool_ != nullptr);
}

MemoryReservation::MemoryReservation(MemoryReservation&& other) noexcept
    : pool_(std::move(other.pool_)),
      consumer_(std::move(other.consumer_)),
      size_(std::exchange(other.size_, 0)),
      peak_(std::exchange(other.peak_, 0)) {}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& other) noexcept {
  if (this != &other) {
    Free();
    pool_ = std::move(other.pool_);
    consumer_ = std::move(other.consumer_);
    size_ = std::exchange(other.size_, 0);
    peak_ = std::exchange(other.peak_, 0);
  }
  return *this;
}

absl::Status MemoryReservation::TryGrow(int64_t bytes) {
  STRATA_DCHECK(bytes >= 0);
  if (bytes <= 0) {
    return absl::OkStatus();
  }
  if (pool_ != nullptr) {
    if (absl::Status status = pool_->TryReserve(consumer_, size_, bytes); !status.ok()) {
      return status;
    }
  }
  size_ += bytes;
  peak_ = std::max(peak_, size_);
  return absl::OkStatus();
}

void MemoryReservation::Shrink(int64_t bytes) {
  STRATA_DCHECK(bytes >= 0 && bytes <= size_);
  bytes = std::clamp<int64_t>(bytes, 0, size_);
  if (pool_ != nullptr) {
    pool_->Release(bytes);
  }
  size_ -= bytes;
}

absl::Status MemoryReservation::TryResize(int64_t bytes) {
  if (bytes >= size_) {
    return TryGrow(bytes - size_);
  }
  Shrink(size_ - bytes);
  return absl::OkStatus();
}

void MemoryReservation::Free() {
  Shrink(size_);
}

}  // namespace strata::exec
