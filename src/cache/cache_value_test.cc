#include "cache/cache_value.h"

#include "cache/cache_test_rows.h"
#include "gtest/gtest.h"

namespace strata::cache {
namespace {

// Keys are encoded from write cells on the write path and from values on lookups and fills: the
// two encodings must agree for every type, and differ between types and lengths.
TEST(CacheValueTest, CellEncodingMatchesValueEncoding) {
  TableWrite write;
  AddRow(&write,
         1,
         {{1, std::string("host_1"), true},
          {2, std::string("text")},
          {3, int64_t{-7}},
          {4, uint64_t{7}},
          {5, 2.5},
          {6, true},
          {7, std::string(""), true}});
  std::vector<std::string> encodings;
  for (const CellValue& cell : write.cells) {
    std::string from_cell(EncodedCellSize(write, cell), '\0');
    from_cell.resize(
        static_cast<size_t>(EncodeCell(write, cell, from_cell.data()) - from_cell.data()));
    std::string from_value;
    AppendEncodedValue(ValueOf(write, cell), &from_value);
    EXPECT_EQ(from_cell, from_value) << "column " << cell.column_id;
    EXPECT_EQ(from_cell.size(), EncodedCellSize(write, cell));
    encodings.push_back(from_cell);
  }
  // A tag and a string field of the same text encode alike (both are strings to a key).
  std::string tag;
  AppendEncodedValue(std::string("host_1"), &tag);
  EXPECT_EQ(encodings[0], tag);
  // int64 -7 and uint64 7 differ; so do the empty string and no value.
  EXPECT_NE(encodings[2], encodings[3]);
  std::string null;
  AppendEncodedValue(std::monostate{}, &null);
  EXPECT_NE(encodings[6], null);
}

}  // namespace
}  // namespace strata::cache
