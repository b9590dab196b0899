#include "buffer/series_registry.h"

#include <algorithm>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "gtest/gtest.h"

namespace strata::buffer {
namespace {

// Looks up the tag set of every row of `write`, returning the ids.
std::vector<uint32_t> Lookup(SeriesRegistry* registry,
                             const TableWrite& write,
                             std::vector<bool>* added = nullptr) {
  std::vector<uint32_t> ids;
  for (const RowRef& row : write.rows) {
    bool was_added = false;
    ids.push_back(registry->FindOrAdd(
        RowTags{&write, write.cells.data() + row.cell_begin, write.cells.data() + row.cell_end},
        &was_added));
    if (added != nullptr) {
      added->push_back(was_added);
    }
  }
  return ids;
}

TEST(SeriesRegistryTest, DenseIdsByTagSet) {
  SeriesRegistry registry;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(1, "a").Int64(9, 1);  // 0
  rows.Row(2).Int64(9, 2);              // 1: no tags is a series too
  rows.Row(3).Tag(1, "a").Tag(2, "b");  // 2
  rows.Row(4).Tag(1, "a").Int64(9, 7);  // 0 again: fields do not matter
  rows.Row(5).Tag(2, "a");              // 3: same value, other column
  rows.Row(6).Tag(1, "ab");             // 4
  rows.Row(7).Tag(1, "a").Tag(2, "b");  // 2 again
  rows.Row(8).Tag(1, "a").Tag(2, "");   // 5: an empty value differs from absence
  rows.Row(9);                          // 1 again
  TableWrite write = rows.Build();
  std::vector<bool> added;
  EXPECT_EQ(Lookup(&registry, write, &added), (std::vector<uint32_t>{0, 1, 2, 0, 3, 4, 2, 5, 1}));
  EXPECT_EQ(added, (std::vector<bool>{true, true, true, false, true, true, false, true, false}));
  EXPECT_EQ(registry.size(), 6u);
}

TEST(SeriesRegistryTest, KeysSurviveManyBlocksAndLongValues) {
  SeriesRegistry registry;
  TableWriteBuilder rows(1);
  for (int i = 0; i < 20'000; ++i) {
    rows.Row(i).Tag(1, "series-" + std::to_string(i)).Tag(2, "x");
  }
  rows.Row(0).Tag(1, std::string(200'000, 'x'));  // longer than an arena block
  TableWrite write = rows.Build();
  std::vector<uint32_t> ids = Lookup(&registry, write);
  for (uint32_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(ids[i], i);
  }
  EXPECT_GT(registry.MemoryUsage(), 200'000u + 20'000u * 20);
  // Stored keys are intact: a second pass finds every original id and adds nothing.
  std::vector<bool> added;
  EXPECT_EQ(Lookup(&registry, write, &added), ids);
  EXPECT_EQ(std::count(added.begin(), added.end(), true), 0);
}

TEST(SeriesRegistryTest, MalformedTagCellsAreIgnoredConsistently) {
  SeriesRegistry registry;
  TableWriteBuilder rows(1);
  rows.Row(1).Tag(1, "a").Tag(2, "b");
  rows.Row(2).Tag(1, "a");
  TableWrite write = rows.Build();
  write.cells[1].str.offset = 1'000'000;  // row 1's tag 2 points outside the heap
  std::vector<uint32_t> ids = Lookup(&registry, write);
  EXPECT_EQ(ids[0], ids[1]);
}

}  // namespace
}  // namespace strata::buffer
