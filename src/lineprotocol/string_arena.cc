// Block management of StringArena.
#include "lineprotocol/string_arena.h"

#include <algorithm>
#include <cstdint>

#include "common/check.h"

namespace strata::lineprotocol {

char* StringArena::Allocate(size_t size) {
  if (blocks_.empty() || blocks_.back().size - used_in_last_ < size) {
    Block block;
    block.size = std::max(kMinBlockSize, size);
    block.data = std::make_unique<char[]>(block.size);
    blocks_.push_back(std::move(block));
    used_in_last_ = 0;
  }
  char* data = blocks_.back().data.get() + used_in_last_;
  used_in_last_ += size;
  bytes_used_ += size;
  return data;
}

void StringArena::ShrinkLast(const char* data, size_t used) {
  STRATA_CHECK(!blocks_.empty());
  const char* block_start = blocks_.back().data.get();
  STRATA_CHECK(data >= block_start && data <= block_start + used_in_last_);
  const size_t old_used = used_in_last_;
  const size_t new_used = static_cast<size_t>(data - block_start) + used;
  STRATA_CHECK_LE(new_used, old_used);
  used_in_last_ = new_used;
  bytes_used_ -= old_used - new_used;
}

void StringArena::Reset() {
  if (blocks_.size() > 1) {
    auto largest = std::max_element(blocks_.begin(),
                                    blocks_.end(),
                                    [](const Block& a, const Block& b) { return a.size < b.size; });
    Block keep = std::move(*largest);
    blocks_.clear();
    blocks_.push_back(std::move(keep));
  }
  used_in_last_ = 0;
  bytes_used_ = 0;
}

bool StringArena::Contains(const char* data, size_t size) const {
  // Compare addresses as integers: relational operators on pointers into different arrays are
  // unspecified.
  const auto begin = reinterpret_cast<uintptr_t>(data);
  for (const Block& block : blocks_) {
    const auto block_begin = reinterpret_cast<uintptr_t>(block.data.get());
    if (begin >= block_begin && begin - block_begin <= block.size &&
        size <= block.size - (begin - block_begin)) {
      return true;
    }
  }
  return false;
}

}  // namespace strata::lineprotocol
