// A stable sort of rows by a 64-bit unsigned key: least-significant-digit radix sort.
#pragma once

#include <cstdint>
#include <vector>

namespace strata::exec {

struct KeyedRow {
  uint64_t key;
  uint32_t row;
};

// The key that orders signed integers (times) as unsigned ones do: ascending, or descending.
inline uint64_t OrderedKey(int64_t value, bool ascending) {
  const uint64_t key = static_cast<uint64_t>(value) ^ (uint64_t{1} << 63);
  return ascending ? key : ~key;
}

// Sorts `rows` by key, rows with equal keys keeping their order. Linear in the rows for each
// 11-bit digit the keys differ in (a digit every key shares costs no pass); short inputs go to a
// comparison sort.
void RadixSortByKey(std::vector<KeyedRow>* rows);

}  // namespace strata::exec
