#include "persist/partition_encoder.h"

#include <limits>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parquet/file_reader.h"

namespace strata::persist {
namespace {

using buffer::TableWriteBuilder;
using buffer::WriteBuffer;

constexpr int64_t kTenMinutes = 600'000'000'000;

// Table 1: time, tags host (1) and dc (2), fields value (3, float), count (4, int64), note (5,
// string), never (6, int64, never written).
std::shared_ptr<const catalog::TableSchema> Table() {
  std::vector<catalog::ColumnSchema> columns = {
      {0, "time", catalog::ColumnKind::kTime, TypeId::kTimestamp},
      {1, "host", catalog::ColumnKind::kTag, TypeId::kDictionary},
      {2, "dc", catalog::ColumnKind::kTag, TypeId::kDictionary},
      {3, "value", catalog::ColumnKind::kField, TypeId::kFloat64},
      {4, "count", catalog::ColumnKind::kField, TypeId::kInt64},
      {5, "note", catalog::ColumnKind::kField, TypeId::kString},
      {6, "never", catalog::ColumnKind::kField, TypeId::kInt64},
  };
  return std::make_shared<const catalog::TableSchema>(1, "cpu", std::move(columns));
}

void Apply(WriteBuffer* buffer, TableWriteBuilder* rows, uint64_t sequence) {
  std::vector<TableWrite> tables;
  tables.push_back(rows->Build());
  buffer->Apply(buffer::MakeWriteBatch(0, std::move(tables)), sequence);
}

TEST(PartitionEncoderTest, WritesRowsSortedBySeriesThenTimeWithStatistics) {
  buffer::WriteBufferOptions options;
  options.max_chunk_rows = 3;  // several chunks, and dictionary generations
  WriteBuffer buffer(options);
  TableWriteBuilder rows(1);
  rows.Row(50).Tag(1, "b").Tag(2, "eu").Float64(3, 1.5).Int64(4, 7);
  rows.Row(10).Tag(1, "b").Tag(2, "eu").Float64(3, -2.0).String(5, "x\xc3\xa9");
  rows.Row(30).Tag(1, "a").Int64(4, std::numeric_limits<int64_t>::min());
  rows.Row(20).Tag(1, "c").Tag(2, "us").Float64(3, 0.0);
  Apply(&buffer, &rows, 1);
  rows.Row(5).Tag(1, "a").Tag(2, "eu").Int64(4, 3);
  rows.Row(kTenMinutes + 1).Tag(1, "a").Int64(4, 99);  // another window: not in this file
  Apply(&buffer, &rows, 2);

  std::vector<WriteBuffer::FrozenTablePartition> frozen = buffer.Freeze(kTenMinutes - 1);
  ASSERT_EQ(frozen.size(), 1u);
  parquet::WriterOptions writer_options;
  writer_options.max_row_group_rows = 2;
  absl::StatusOr<EncodedFile> file = EncodePartition(frozen[0], *Table(), writer_options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->row_count, 5);
  EXPECT_EQ(file->min_time, 5);
  EXPECT_EQ(file->max_time, 50);

  auto reader = parquet::FileReader::Open(parquet::MemorySource(file->bytes));
  ASSERT_TRUE(reader.ok()) << reader.status();
  const Schema& schema = *(*reader)->schema();
  // "never" has no value in any row: left out.
  ASSERT_EQ(schema.num_fields(), 6);
  std::vector<std::string> names;
  for (const Field& field : schema.fields()) {
    names.push_back(field.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"time", "host", "dc", "value", "count", "note"}));
  EXPECT_EQ((*reader)->num_row_groups(), 3);

  // Rows in (host, dc, time) order; an absent dc sorts first.
  std::vector<std::string> got;
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    std::vector<int> all = {0, 1, 2, 3, 4, 5};
    absl::StatusOr<RecordBatch> batch = (*reader)->ReadRowGroup(rg, all);
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string row = std::to_string(batch->column(0)->GetInt64(r));
      for (int c = 1; c <= 2; ++c) {
        row +=
            "," + (batch->column(c)->IsNull(r) ? "-" : std::string(batch->column(c)->GetString(r)));
      }
      row += "," +
             (batch->column(3)->IsNull(r) ? "-" : std::to_string(batch->column(3)->GetFloat64(r)));
      row +=
          "," + (batch->column(4)->IsNull(r) ? "-" : std::to_string(batch->column(4)->GetInt64(r)));
      row +=
          "," + (batch->column(5)->IsNull(r) ? "-" : std::string(batch->column(5)->GetString(r)));
      got.push_back(row);
    }
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "30,a,-,-,-9223372036854775808,-",
                "5,a,eu,-,3,-",
                "10,b,eu,-2.000000,-,x\xc3\xa9",
                "50,b,eu,1.500000,7,-",
                "20,c,us,0.000000,-,-",
            }));

  ASSERT_EQ(file->columns.size(), 5u);
  EXPECT_EQ(file->columns[0],
            (ColumnStats{1, 0, StatValue{std::string("a")}, StatValue{std::string("c")}}));
  EXPECT_EQ(file->columns[1],
            (ColumnStats{2, 1, StatValue{std::string("eu")}, StatValue{std::string("us")}}));
  EXPECT_EQ(file->columns[2], (ColumnStats{3, 2, StatValue{-2.0}, StatValue{1.5}}));
  EXPECT_EQ(
      file->columns[3],
      (ColumnStats{4, 2, StatValue{std::numeric_limits<int64_t>::min()}, StatValue{int64_t{7}}}));
  EXPECT_EQ(file->columns[4].null_count, 4);

  // The file describes its columns for strata's reader.
  bool found = false;
  for (const parquet::KeyValue& kv : (*reader)->key_value_metadata()) {
    if (kv.key == kStrataColumnsKey) {
      found = true;
      nlohmann::json described = nlohmann::json::parse(kv.value.value_or(""));
      EXPECT_EQ(described["table_id"], 1);
      EXPECT_EQ(described["columns"][1],
                (nlohmann::json{{"name", "host"}, {"id", 1}, {"kind", "tag"}, {"type", "tag"}}));
      EXPECT_EQ(described["columns"].size(), 6u);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace strata::persist
