// Tests of TimeThenTagOrder: its one radix sort of time steps and tie keys, and its sort of each
// run of rows at one time, against std::stable_sort of the rows by (time, tags).
#include "query/influxql_row_order.h"

#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::query {
namespace {

struct Rows {
  std::vector<int64_t> times;
  std::vector<uint64_t> tags;  // the tags' order; NULL is 0
};

// The expected order: by time (descending when not `ascending`), then by tag, else input order.
std::vector<uint32_t> Reference(const Rows& rows, bool ascending) {
  std::vector<uint32_t> order(rows.times.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (rows.times[a] != rows.times[b]) {
      return ascending ? rows.times[a] < rows.times[b] : rows.times[a] > rows.times[b];
    }
    return rows.tags[a] < rows.tags[b];
  });
  return order;
}

// TimeThenTagOrder with the tags as tie keys (`keys`) or through the comparator (not `keys`).
// Counts the calls of each maker.
struct Ordered {
  std::vector<uint32_t> order;
  int tie_key_calls = 0;
  int comparator_calls = 0;
};
Ordered Order(const Rows& rows, bool ascending, bool keys) {
  Ordered out;
  out.order = TimeThenTagOrder(
      rows.times.size(),
      ascending,
      [&](size_t i) { return rows.times[i]; },
      [&]() -> std::optional<std::vector<uint64_t>> {
        ++out.tie_key_calls;
        if (!keys) {
          return std::nullopt;
        }
        return rows.tags;
      },
      [&]() {
        ++out.comparator_calls;
        return [&](uint32_t a, uint32_t b) { return rows.tags[a] < rows.tags[b]; };
      });
  return out;
}

void ExpectAllWays(const Rows& rows, const std::string& what) {
  for (const bool ascending : {true, false}) {
    const std::vector<uint32_t> expected = Reference(rows, ascending);
    for (const bool keys : {true, false}) {
      const Ordered got = Order(rows, ascending, keys);
      EXPECT_EQ(got.order, expected) << what << " ascending=" << ascending << " keys=" << keys;
      EXPECT_LE(got.tie_key_calls, 1) << what;
      EXPECT_LE(got.comparator_calls, 1) << what;
      EXPECT_EQ(got.comparator_calls, keys ? 0 : got.tie_key_calls) << what;
    }
  }
}

// Metrics written at an interval: many series share each time, so the times' steps and the tags
// go into one key. With NULL tags (0), equal rows (same time and tag) and times before 1970.
TEST(TimeThenTagOrderTest, RowsAtIntervalsShareTimes) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 50; ++round) {
    const int64_t step = int64_t{1} << (random() % 40);
    const int64_t base = static_cast<int64_t>(random() % 2'000'000'000) - 1'000'000'000;
    const size_t count = 1 + random() % 3000;
    const uint64_t series = 1 + random() % 200;
    const uint64_t instants = 1 + random() % 100;
    Rows rows;
    for (size_t i = 0; i < count; ++i) {
      rows.times.push_back(base + static_cast<int64_t>(random() % instants) * step);
      rows.tags.push_back(random() % (series + 1));
    }
    ExpectAllWays(rows, "round " + std::to_string(round));
  }
}

// Times whose steps and tie keys together need more than 64 bits: the runs at one time are
// sorted one by one, in the same order.
TEST(TimeThenTagOrderTest, StepsAndTagsWiderThanOneKey) {
  std::mt19937_64 random(12);
  Rows rows;
  for (int i = 0; i < 2000; ++i) {
    // Times across the whole int64 range in steps of 1 ns, tags of 40 bits.
    rows.times.push_back(i % 3 == 0 ? std::numeric_limits<int64_t>::min()
                                    : (i % 3 == 1 ? std::numeric_limits<int64_t>::max()
                                                  : static_cast<int64_t>(random() % 5)));
    rows.tags.push_back(random() & ((uint64_t{1} << 40) - 1));
  }
  ExpectAllWays(rows, "wide");
}

// Distinct times need no tags: neither maker is called.
TEST(TimeThenTagOrderTest, DistinctTimesAskForNoTags) {
  Rows rows;
  for (int i = 0; i < 500; ++i) {
    rows.times.push_back((i * 7919) % 500 * 1000);
    rows.tags.push_back(static_cast<uint64_t>(i % 3));
  }
  for (const bool ascending : {true, false}) {
    const Ordered got = Order(rows, ascending, true);
    EXPECT_EQ(got.order, Reference(rows, ascending));
    EXPECT_EQ(got.tie_key_calls, 0);
    EXPECT_EQ(got.comparator_calls, 0);
  }
}

// Every row at one time, one row, no rows.
TEST(TimeThenTagOrderTest, EdgeCases) {
  Rows same{{5, 5, 5, 5}, {3, 0, 2, 0}};
  ExpectAllWays(same, "one time");
  Rows one{{-7}, {1}};
  ExpectAllWays(one, "one row");
  Rows none;
  ExpectAllWays(none, "no rows");
  // Every tie key 0 (no tag bits) with times at a step.
  Rows untagged{{30, 10, 20, 10, 30}, {0, 0, 0, 0, 0}};
  ExpectAllWays(untagged, "no tag bits");
}

}  // namespace
}  // namespace strata::query
