// Bulk operations of Bitmap.
#include "columnar/bitmap.h"

#include <bit>

namespace strata {

void Bitmap::Resize(int64_t size, bool value) {
  STRATA_CHECK_GE(size, 0);
  int64_t old_size = size_;
  words_.resize(static_cast<size_t>((size + 63) >> 6), 0);
  size_ = size;
  if (size > old_size && value) {
    for (int64_t i = old_size; i < size; ++i) {
      Set(i, true);
    }
  }
  if (size < old_size && (size & 63) != 0) {
    words_.back() &= (uint64_t{1} << (size & 63)) - 1;  // keep trailing bits zero
  }
}

int64_t Bitmap::CountSet() const {
  int64_t count = 0;
  for (uint64_t word : words_) {
    count += std::popcount(word);
  }
  return count;
}

}  // namespace strata
