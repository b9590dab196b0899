// A growable bitmap, one bit per row: the validity (non-null) mask of a column, and later
// selection and filter masks in the query engine.
#pragma once

#include <cstdint>
#include <vector>

#include "common/check.h"

namespace strata {

// A sequence of bits stored in 64-bit words. Bits past size() inside the last word are zero.
class Bitmap {
 public:
  Bitmap() = default;
  // Creates `size` bits, all set to `value`.
  Bitmap(int64_t size, bool value) { Resize(size, value); }

  int64_t size() const { return size_; }
  bool Get(int64_t i) const {
    STRATA_DCHECK_LT(i, size_);
    return (words_[static_cast<size_t>(i >> 6)] >> (i & 63)) & 1;
  }
  void Set(int64_t i, bool value) {
    STRATA_DCHECK_LT(i, size_);
    uint64_t mask = uint64_t{1} << (i & 63);
    uint64_t& word = words_[static_cast<size_t>(i >> 6)];
    word = value ? (word | mask) : (word & ~mask);
  }
  void Append(bool value) {
    if ((size_ & 63) == 0) {
      words_.push_back(0);
    }
    ++size_;
    Set(size_ - 1, value);
  }
  // Grows or shrinks to `size` bits; new bits are `value`.
  void Resize(int64_t size, bool value);
  void Reserve(int64_t size) { words_.reserve(static_cast<size_t>((size + 63) >> 6)); }
  // The number of set bits.
  int64_t CountSet() const;
  const uint64_t* words() const { return words_.data(); }
  // For kernels that compute validity a word at a time. Callers keep bits past size() zero.
  uint64_t* mutable_words() { return words_.data(); }
  size_t MemoryUsage() const { return words_.capacity() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> words_;
  int64_t size_ = 0;
};

}  // namespace strata
