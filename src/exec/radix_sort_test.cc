#include "exec/radix_sort.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace strata::exec {
namespace {

std::vector<KeyedRow> StableSorted(std::vector<KeyedRow> rows) {
  std::stable_sort(
      rows.begin(), rows.end(), [](const KeyedRow& a, const KeyedRow& b) { return a.key < b.key; });
  return rows;
}

void ExpectSameOrder(const std::vector<KeyedRow>& actual, const std::vector<KeyedRow>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(actual[i].key, expected[i].key) << "at " << i;
    ASSERT_EQ(actual[i].row, expected[i].row) << "at " << i;
  }
}

// Random keys of several shapes (all bits, few distinct values, only middle digits differing,
// sizes on both sides of the comparison-sort cutoff) come out as a stable sort has them.
TEST(RadixSortTest, MatchesAStableSort) {
  std::mt19937_64 random(42);
  for (size_t n : {0, 1, 2, 100, 511, 512, 513, 5000, 70000}) {
    for (int shape = 0; shape < 4; ++shape) {
      std::vector<KeyedRow> rows(n);
      for (size_t i = 0; i < n; ++i) {
        uint64_t key = random();
        if (shape == 1) {
          key %= 7;  // many equal keys: stability shows
        } else if (shape == 2) {
          key = (uint64_t{0x1234} << 48) | ((key & 0xFFFFF) << 12);  // digits 1-2 only
        } else if (shape == 3) {
          key = OrderedKey(static_cast<int64_t>(key % 2000) - 1000, /*ascending=*/false);
        }
        rows[i] = KeyedRow{key, static_cast<uint32_t>(i)};
      }
      const std::vector<KeyedRow> expected = StableSorted(rows);
      RadixSortByKey(&rows);
      ExpectSameOrder(rows, expected);
    }
  }
}

TEST(RadixSortTest, OrderedKeysOrderSignedValues) {
  const std::vector<int64_t> values = {
      std::numeric_limits<int64_t>::min(), -5, -1, 0, 1, 7, std::numeric_limits<int64_t>::max()};
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(OrderedKey(values[i - 1], true), OrderedKey(values[i], true)) << values[i];
    EXPECT_GT(OrderedKey(values[i - 1], false), OrderedKey(values[i], false)) << values[i];
  }
}

}  // namespace
}  // namespace strata::exec
