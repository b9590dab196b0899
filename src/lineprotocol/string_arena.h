// A bump allocator for the unescaped copies of line protocol strings. The parser points most
// names and values straight into the request body; only strings that contained escapes are
// copied here, so the arena stays empty for typical input.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace strata::lineprotocol {

// Owns byte buffers with stable addresses: a buffer never moves once handed out, so
// std::string_views into it stay valid until Reset() or destruction. Not thread-safe.
class StringArena {
 public:
  StringArena() = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;
  StringArena(StringArena&&) = default;
  StringArena& operator=(StringArena&&) = default;

  // Returns a writable buffer of `size` bytes, valid until Reset().
  char* Allocate(size_t size);

  // Returns the unused tail of the most recent allocation `data` to the arena, keeping its first
  // `used` bytes. REQUIRES: `data` came from the latest Allocate() and `used` <= its size.
  void ShrinkLast(const char* data, size_t used);

  // Invalidates every buffer handed out. Keeps the largest block so that a reused arena does not
  // allocate again for inputs of the same shape.
  void Reset();

  // True if [data, data + size) lies inside one of the arena's blocks.
  bool Contains(const char* data, size_t size) const;

  // The number of bytes handed out (and not given back) since the last Reset().
  size_t bytes_used() const { return bytes_used_; }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };

  static constexpr size_t kMinBlockSize = 64 * 1024;

  std::vector<Block> blocks_;  // The last block is the one being filled.
  size_t used_in_last_ = 0;    // Bytes of blocks_.back() handed out.
  size_t bytes_used_ = 0;
};

}  // namespace strata::lineprotocol
