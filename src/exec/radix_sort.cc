// LSD radix sort of keyed rows.
#include "exec/radix_sort.h"

#include <algorithm>
#include <array>

namespace strata::exec {
namespace {

constexpr int kDigitBits = 11;
constexpr uint64_t kDigitMask = (uint64_t{1} << kDigitBits) - 1;
constexpr int kDigits = (64 + kDigitBits - 1) / kDigitBits;
// Below this many rows a comparison sort beats counting 2048 buckets a digit.
constexpr size_t kMinRadixRows = 512;

}  // namespace

void RadixSortByKey(std::vector<KeyedRow>* rows) {
  const size_t n = rows->size();
  if (n < 2) {
    return;
  }
  if (n < kMinRadixRows) {
    std::stable_sort(rows->begin(), rows->end(), [](const KeyedRow& a, const KeyedRow& b) {
      return a.key < b.key;
    });
    return;
  }
  // The bits that differ between keys, and every digit's counts in one pass.
  const uint64_t first = (*rows)[0].key;
  uint64_t differ = 0;
  std::vector<std::array<uint32_t, kDigitMask + 1>> counts(kDigits);  // zeroed
  for (const KeyedRow& row : *rows) {
    differ |= row.key ^ first;
    for (int d = 0; d < kDigits; ++d) {
      ++counts[static_cast<size_t>(d)][(row.key >> (d * kDigitBits)) & kDigitMask];
    }
  }
  std::vector<KeyedRow> scratch(n);
  KeyedRow* source = rows->data();
  KeyedRow* target = scratch.data();
  for (int d = 0; d < kDigits; ++d) {
    const int shift = d * kDigitBits;
    if (((differ >> shift) & kDigitMask) == 0) {
      continue;  // every key has this digit
    }
    // Each digit value's first slot.
    std::array<uint32_t, kDigitMask + 1>& offsets = counts[static_cast<size_t>(d)];
    uint32_t sum = 0;
    for (uint32_t& offset : offsets) {
      const uint32_t count = offset;
      offset = sum;
      sum += count;
    }
    for (size_t i = 0; i < n; ++i) {
      const KeyedRow row = source[i];
      target[offsets[(row.key >> shift) & kDigitMask]++] = row;
    }
    std::swap(source, target);
  }
  if (source != rows->data()) {
    rows->swap(scratch);
  }
}

}  // namespace strata::exec
