// Tests of the page index: what the writer puts in ColumnIndex and OffsetIndex, CandidateRows
// against a brute-force answer, and ranged reads that return exactly the rows asked for while
// fetching only the pages that hold them.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parquet/file_reader.h"
#include "parquet/file_test_util.h"
#include "parquet/file_writer.h"

namespace strata::parquet {
namespace {

using testing::Cell;
using testing::ExpectColumnEquals;
using testing::MakeBatch;
using testing::OpenFile;
using testing::WriteFile;

// Counts the bytes read through it.
class CountingSource : public RandomAccessSource {
 public:
  explicit CountingSource(std::string bytes) : inner_(MemorySource(std::move(bytes))) {}
  uint64_t size() const override { return inner_->size(); }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, uint64_t length) const override {
    bytes_read_ += length;
    return inner_->ReadAt(offset, length);
  }
  uint64_t bytes_read() const { return bytes_read_; }
  void Reset() { bytes_read_ = 0; }

 private:
  std::shared_ptr<RandomAccessSource> inner_;
  mutable std::atomic<uint64_t> bytes_read_{0};
};

SchemaPtr MetricsSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"time", TypeId::kTimestamp, false},
      {"host", TypeId::kDictionary, true},
      {"value", TypeId::kInt64, true},
      {"usage", TypeId::kFloat64, true},
      {"message", TypeId::kString, true},
      {"counter", TypeId::kUInt64, true},
      {"ok", TypeId::kBool, true},
      {"sparse", TypeId::kInt64, true},
  });
}

// Rows sorted by time; `sparse` is null except in rows [3000, 3500).
RecordBatch MetricsBatch(int64_t rows) {
  const SchemaPtr schema = MetricsSchema();
  std::vector<std::shared_ptr<Column>> c;
  for (const Field& field : schema->fields()) {
    c.push_back(std::make_shared<Column>(field.type));
  }
  for (int64_t r = 0; r < rows; ++r) {
    c[0]->AppendInt64(-500'000'000'000 + r * 1'000'000'000);
    c[1]->AppendString("host_" + std::to_string((r / 700) % 13));
    if (r % 97 == 0) {
      c[2]->AppendNull();
    } else {
      c[2]->AppendInt64((r * 7919) % 10'007 - 5000);
    }
    c[3]->AppendFloat64(static_cast<double>(r % 1000) / 10.0);
    if (r % 5 == 0) {
      c[4]->AppendNull();
    } else {
      c[4]->AppendString("message " + std::to_string(r) + (r % 2 ? " ünïcode" : ""));
    }
    // Ascending in unsigned order across 2^63, where signed order would wrap.
    c[5]->AppendUInt64((uint64_t{1} << 63) - 5000 + static_cast<uint64_t>(r));
    c[6]->AppendBool(r % 3 == 0);
    if (r >= 3000 && r < 3500) {
      c[7]->AppendInt64(r);
    } else {
      c[7]->AppendNull();
    }
  }
  return MakeBatch(schema, c);
}

WriterOptions SmallPages() {
  WriterOptions options;
  options.max_page_rows = 500;
  options.max_row_group_rows = 6000;
  return options;
}

template <typename T>
absl::StatusOr<T> ParseIndex(const std::string& file, int64_t offset, int32_t length) {
  return Parse<T>(
      std::string_view(file).substr(static_cast<size_t>(offset), static_cast<size_t>(length)),
      "index");
}

TEST(PageIndexTest, WriterRecordsEveryPage) {
  const RecordBatch batch = MetricsBatch(10'000);
  const std::string file = WriteFile(MetricsSchema(), {batch}, SmallPages());
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->num_row_groups(), 2);
  const RowGroup& rg = reader->metadata().row_groups[0];
  for (size_t c = 0; c < rg.columns.size(); ++c) {
    SCOPED_TRACE(c);
    const ColumnChunk& chunk = rg.columns[c];
    ASSERT_TRUE(chunk.offset_index_offset.has_value());
    ASSERT_TRUE(chunk.column_index_offset.has_value());
    auto offsets =
        ParseIndex<OffsetIndex>(file, *chunk.offset_index_offset, *chunk.offset_index_length);
    ASSERT_TRUE(offsets.ok()) << offsets.status();
    ASSERT_EQ(offsets->page_locations.size(), 12u);
    for (size_t p = 0; p < 12; ++p) {
      EXPECT_EQ(offsets->page_locations[p].first_row_index, static_cast<int64_t>(p) * 500);
      // Each location is a page header of a data page.
      size_t consumed = 0;
      auto header = ParsePageHeader(
          std::string_view(file).substr(static_cast<size_t>(offsets->page_locations[p].offset)),
          &consumed);
      ASSERT_TRUE(header.ok());
      EXPECT_EQ(header->type, PageType::kDataPage);
      EXPECT_EQ(static_cast<int64_t>(consumed) + header->compressed_page_size,
                offsets->page_locations[p].compressed_page_size);
      ASSERT_TRUE(header->data_page_header->statistics.has_value());
    }
    EXPECT_EQ(offsets->page_locations[0].offset, chunk.meta_data->data_page_offset);
    auto index =
        ParseIndex<ColumnIndex>(file, *chunk.column_index_offset, *chunk.column_index_length);
    ASSERT_TRUE(index.ok()) << index.status();
    EXPECT_EQ(index->null_pages.size(), 12u);
    ASSERT_TRUE(index->null_counts.has_value());
  }
  // Time is sorted: ascending bounds; the sparse column has null pages around its values.
  auto time_index = ParseIndex<ColumnIndex>(
      file, *rg.columns[0].column_index_offset, *rg.columns[0].column_index_length);
  EXPECT_EQ(time_index->boundary_order, BoundaryOrder::kAscending);
  auto sparse_index = ParseIndex<ColumnIndex>(
      file, *rg.columns[7].column_index_offset, *rg.columns[7].column_index_length);
  EXPECT_THAT(sparse_index->null_pages,
              ::testing::ElementsAre(
                  true, true, true, true, true, true, false, true, true, true, true, true));
  EXPECT_EQ((*sparse_index->null_counts)[6], 0);
  EXPECT_EQ((*sparse_index->null_counts)[0], 500);
  EXPECT_EQ(sparse_index->min_values[0], "");
  auto counter_index = ParseIndex<ColumnIndex>(
      file, *rg.columns[5].column_index_offset, *rg.columns[5].column_index_length);
  EXPECT_EQ(counter_index->boundary_order, BoundaryOrder::kAscending);
}

// The candidate pages by brute force: pages with a non-null value in [min, max].
std::vector<RowRange> ExpectedCandidates(const Column& column,
                                         int64_t first_row,
                                         int64_t rows,
                                         int64_t page_rows,
                                         const Value& min,
                                         const Value& max) {
  std::vector<RowRange> ranges;
  for (int64_t begin = 0; begin < rows; begin += page_rows) {
    const int64_t end = std::min(rows, begin + page_rows);
    bool match = false;
    for (int64_t r = begin; r < end && !match; ++r) {
      const int64_t row = first_row + r;
      if (column.IsNull(row)) {
        continue;
      }
      Value value;
      switch (column.type()) {
        case TypeId::kUInt64:
          value = column.GetUInt64(row);
          break;
        case TypeId::kFloat64:
          value = column.GetFloat64(row);
          break;
        case TypeId::kBool:
          value = column.GetBool(row);
          break;
        case TypeId::kString:
        case TypeId::kDictionary:
          value = std::string(column.GetString(row));
          break;
        default:
          value = column.GetInt64(row);
      }
      match = CompareValues(value, min) >= 0 && CompareValues(value, max) <= 0;
    }
    if (match) {
      if (!ranges.empty() && ranges.back().end == begin) {
        ranges.back().end = end;
      } else {
        ranges.push_back({begin, end});
      }
    }
  }
  return ranges;
}

TEST(PageIndexTest, CandidateRowsMatchBruteForce) {
  const RecordBatch batch = MetricsBatch(10'000);
  auto reader = OpenFile(WriteFile(MetricsSchema(), {batch}, SmallPages()));
  ASSERT_NE(reader, nullptr);
  const struct {
    int column;
    Value min;
    Value max;
  } queries[] = {
      {0,
       int64_t{-500'000'000'000 + 1200 * 1'000'000'000LL},
       int64_t{-500'000'000'000 + 1300 * 1'000'000'000LL}},
      {0, int64_t{0}, int64_t{1'000'000'000'000}},
      {0, int64_t{-1'000'000'000'000'000}, int64_t{-999'000'000'000'000}},  // nothing
      {2, int64_t{4990}, int64_t{5000}},
      {3, 99.0, 99.95},
      {1, std::string("host_3"), std::string("host_3")},
      {4, std::string("message 42"), std::string("message 43")},
      {5, (uint64_t{1} << 63) - 10, (uint64_t{1} << 63) + 10},  // unsigned order
      {6, true, true},
      {7, int64_t{3200}, int64_t{3201}},
      {7, int64_t{-10}, int64_t{10}},  // only null pages around: nothing
  };
  for (const auto& query : queries) {
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      SCOPED_TRACE(::testing::Message()
                   << "column " << query.column << " row group " << rg << " ["
                   << ValueToString(query.min) << ", " << ValueToString(query.max) << "]");
      const std::vector<RowRange> expected = ExpectedCandidates(*batch.column(query.column),
                                                                rg * 6000,
                                                                reader->row_group_rows(rg),
                                                                500,
                                                                query.min,
                                                                query.max);
      const std::vector<RowRange> actual =
          reader->CandidateRows(rg, query.column, query.min, query.max);
      // Pages whose bounds straddle the range without holding a value in it may be kept; pages
      // with a value in it must be.
      for (const RowRange& want : expected) {
        EXPECT_TRUE(std::any_of(
            actual.begin(),
            actual.end(),
            [&](const RowRange& got) { return got.begin <= want.begin && want.end <= got.end; }))
            << want.begin << "-" << want.end;
      }
      if (query.column == 0 || query.column == 5 || query.column == 7) {
        // Sorted or sparse columns: the bounds are exact, so the answer is too.
        EXPECT_EQ(actual, expected);
      }
    }
  }
  // A time range inside one page selects that page alone.
  const auto one = reader->CandidateRows(0,
                                         0,
                                         Value(int64_t{-500'000'000'000 + 1200 * 1'000'000'000LL}),
                                         Value(int64_t{-500'000'000'000 + 1201 * 1'000'000'000LL}));
  EXPECT_THAT(one, ::testing::ElementsAre(RowRange{1000, 1500}));
  // A bound of the wrong type, or a NaN, keeps the whole row group.
  EXPECT_THAT(reader->CandidateRows(0, 0, Value(1.0), Value(2.0)),
              ::testing::ElementsAre(RowRange{0, 6000}));
  EXPECT_THAT(reader->CandidateRows(0, 3, Value(std::nan("")), Value(2.0)),
              ::testing::ElementsAre(RowRange{0, 6000}));
  EXPECT_TRUE(reader->CandidateRows(5, 0, Value(int64_t{0}), Value(int64_t{1})).empty());
}

TEST(PageIndexTest, RangedReadsReturnExactlyTheRows) {
  const RecordBatch batch = MetricsBatch(10'000);
  const std::string file = WriteFile(MetricsSchema(), {batch}, SmallPages());
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const std::vector<int> all = {0, 1, 2, 3, 4, 5, 6, 7};
  std::mt19937 random(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int rg = trial % 2;
    const int64_t rows = reader->row_group_rows(rg);
    std::vector<RowRange> ranges;
    int64_t at = 0;
    while (true) {
      at += static_cast<int64_t>(random() % (trial % 3 == 0 ? 2000 : 300));
      const int64_t length = 1 + static_cast<int64_t>(random() % (trial % 4 == 0 ? 900 : 40));
      if (at + length > rows) {
        break;
      }
      ranges.push_back({at, at + length});
      at += length;
    }
    if (trial == 5) {
      ranges = {{0, rows}};
    }
    if (trial == 6) {
      ranges = {{rows - 1, rows}};
    }
    auto read = reader->ReadRowGroup(rg, all, ranges);
    ASSERT_TRUE(read.ok()) << read.status();
    int64_t expected_rows = 0;
    for (const RowRange& range : ranges) {
      expected_rows += range.end - range.begin;
    }
    ASSERT_EQ(read->num_rows(), expected_rows);
    for (int c = 0; c < read->num_columns(); ++c) {
      ASSERT_EQ(read->column(c)->size(), expected_rows);
      int64_t out = 0;
      for (const RowRange& range : ranges) {
        for (int64_t r = range.begin; r < range.end; ++r, ++out) {
          ASSERT_EQ(Cell(*read->column(c), out), Cell(*batch.column(c), rg * 6000 + r))
              << "trial " << trial << " column " << c << " row " << r;
        }
      }
    }
  }
  // Empty and unsorted ranges.
  auto empty = reader->ReadRowGroup(0, all, std::vector<RowRange>{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_rows(), 0);
  EXPECT_EQ(empty->column(4)->size(), 0);
  EXPECT_EQ(reader->ReadRowGroup(0, all, std::vector<RowRange>{{10, 20}, {5, 8}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->ReadRowGroup(0, all, std::vector<RowRange>{{10, 6001}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Adjacent ranges are fine.
  auto adjacent = reader->ReadRowGroup(0, all, std::vector<RowRange>{{10, 20}, {20, 30}});
  ASSERT_TRUE(adjacent.ok());
  EXPECT_EQ(adjacent->num_rows(), 20);
}

TEST(PageIndexTest, RangedReadsFetchOnlyTheirPages) {
  const RecordBatch batch = MetricsBatch(10'000);
  const std::string file = WriteFile(MetricsSchema(), {batch}, SmallPages());
  auto source = std::make_shared<CountingSource>(file);
  auto reader = FileReader::Open(source);
  ASSERT_TRUE(reader.ok());
  // Columns without a dictionary page, which a ranged read fetches whole.
  const std::vector<int> columns = {2, 3};
  source->Reset();
  ASSERT_TRUE((*reader)->ReadRowGroup(0, columns).ok());
  const uint64_t whole = source->bytes_read();
  // Warm the page index cache, then read two rows of one page.
  (void)(*reader)->CandidateRows(0, 0, Value(int64_t{0}), Value(int64_t{1}));
  source->Reset();
  auto read = (*reader)->ReadRowGroup(0, columns, std::vector<RowRange>{{2100, 2102}});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->num_rows(), 2);
  // One page of twelve per column.
  EXPECT_LT(source->bytes_read() * 6, whole) << source->bytes_read() << " of " << whole;
  EXPECT_EQ(Cell(*read->column(0), 0), Cell(*batch.column(2), 2100));
  EXPECT_EQ(Cell(*read->column(1), 1), Cell(*batch.column(3), 2101));
}

TEST(PageIndexTest, WithoutPageIndexReadsWholeChunks) {
  // Strip the page index from the footer: CandidateRows keeps everything, ranged reads decode
  // the whole chunk and still return exactly the rows.
  const RecordBatch batch = MetricsBatch(3000);
  WriterOptions options = SmallPages();
  const std::string file = WriteFile(MetricsSchema(), {batch}, options);
  auto footer = ParseFooter(file);
  ASSERT_TRUE(footer.ok());
  FileMetaData stripped = *footer;
  for (RowGroup& rg : stripped.row_groups) {
    for (ColumnChunk& chunk : rg.columns) {
      chunk.column_index_offset.reset();
      chunk.column_index_length.reset();
      chunk.offset_index_offset.reset();
      chunk.offset_index_length.reset();
    }
  }
  const uint32_t old_length = static_cast<uint32_t>(
      static_cast<uint8_t>(file[file.size() - 8]) |
      static_cast<uint8_t>(file[file.size() - 7]) << 8 |
      static_cast<uint8_t>(file[file.size() - 6]) << 16 |
      static_cast<uint32_t>(static_cast<uint8_t>(file[file.size() - 5])) << 24);
  std::string rewritten = file.substr(0, file.size() - 8 - old_length);
  const std::string bytes = Serialize(stripped);
  rewritten += bytes;
  const auto length = static_cast<uint32_t>(bytes.size());
  rewritten.append(reinterpret_cast<const char*>(&length), 4);
  rewritten += "PAR1";
  auto reader = OpenFile(rewritten);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->CandidateRows(0, 0, Value(int64_t{0}), Value(int64_t{1})),
              ::testing::ElementsAre(RowRange{0, 3000}));
  auto read =
      reader->ReadRowGroup(0, std::vector<int>{4, 2}, std::vector<RowRange>{{7, 9}, {2500, 2503}});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->num_rows(), 5);
  const int64_t rows[] = {7, 8, 2500, 2501, 2502};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Cell(*read->column(0), i), Cell(*batch.column(4), rows[i]));
    EXPECT_EQ(Cell(*read->column(1), i), Cell(*batch.column(2), rows[i]));
  }
}

TEST(PageIndexTest, CorruptOffsetIndexIsNotTrusted) {
  // Garbage where the offset indexes are: they no longer parse (or check out), so reads fall
  // back to whole chunks and stay exact.
  const RecordBatch batch = MetricsBatch(3000);
  std::string file = WriteFile(MetricsSchema(), {batch}, SmallPages());
  auto footer = ParseFooter(file);
  ASSERT_TRUE(footer.ok());
  for (const ColumnChunk& chunk : footer->row_groups[0].columns) {
    for (int32_t i = 0; i < *chunk.offset_index_length; ++i) {
      file[static_cast<size_t>(*chunk.offset_index_offset + i)] = static_cast<char>(0x15 + i);
    }
  }
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  auto read = reader->ReadRowGroup(0, std::vector<int>{0, 1}, std::vector<RowRange>{{1999, 2001}});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Cell(*read->column(0), 0), Cell(*batch.column(0), 1999));
  EXPECT_EQ(Cell(*read->column(1), 1), Cell(*batch.column(1), 2000));
}

TEST(PageIndexTest, APageOfOnlyNaNsLeavesTheChunkWithoutColumnIndex) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"f", TypeId::kFloat64, true}});
  auto f = std::make_shared<Column>(TypeId::kFloat64);
  for (int i = 0; i < 1000; ++i) {
    f->AppendFloat64(i < 500 ? static_cast<double>(i) : std::nan(""));
  }
  WriterOptions options;
  options.max_page_rows = 500;
  const std::string file = WriteFile(schema, {MakeBatch(schema, {f})}, options);
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const ColumnChunk& chunk = reader->metadata().row_groups[0].columns[0];
  EXPECT_FALSE(chunk.column_index_offset.has_value());
  EXPECT_TRUE(chunk.offset_index_offset.has_value());
  // No ColumnIndex: every row is a candidate; the chunk's bounds ignore the NaNs.
  EXPECT_THAT(reader->CandidateRows(0, 0, Value(1000.0), Value(2000.0)),
              ::testing::ElementsAre(RowRange{0, 1000}));
  EXPECT_EQ(reader->Statistics(0, 0).max, Value(499.0));
  // Ranged reads still use the OffsetIndex.
  auto read = reader->ReadRowGroup(0, std::vector<int>{0}, std::vector<RowRange>{{700, 701}});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(std::isnan(read->column(0)->GetFloat64(0)));
}

}  // namespace
}  // namespace strata::parquet
