// An append-only dictionary of distinct strings, the value side of dictionary-encoded (tag)
// columns. Codes are dense int32 in insertion order and never change, so codes handed out stay
// valid while the dictionary grows.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace strata {

// Not thread-safe: the owner (a buffer chunk, a query operator) synchronizes access.
class StringDictionary {
 public:
  StringDictionary() = default;
  StringDictionary(const StringDictionary&) = delete;
  StringDictionary& operator=(const StringDictionary&) = delete;

  // Returns the code of `value`, inserting it if new.
  int32_t GetOrInsert(std::string_view value);
  // Returns the code of `value`, or -1 if absent.
  int32_t Find(std::string_view value) const;
  std::string_view Value(int32_t code) const { return values_[static_cast<size_t>(code)]; }
  int32_t size() const { return static_cast<int32_t>(values_.size()); }
  // Approximate heap bytes used.
  size_t MemoryUsage() const { return memory_usage_; }

 private:
  // std::deque keeps element addresses stable, so the map's string_view keys stay valid.
  std::deque<std::string> values_;
  absl::flat_hash_map<std::string_view, int32_t> codes_;
  size_t memory_usage_ = 0;
};

}  // namespace strata
