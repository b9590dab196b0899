// The Parquet result writer: files read back through strata's own Parquet reader (types, NULLs,
// unicode, the untyped NULL column, empty results), row groups streamed as they fill, the memory
// it reports, and the column names it has to change.
#include "format/parquet_result_writer.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parquet/file_reader.h"

namespace strata::format {
namespace {

using ::testing::ElementsAre;

constexpr int64_t k2016 = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00

SchemaPtr SchemaOf(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

// Runs a parquet writer over `batches`; returns the file.
std::string Encode(const SchemaPtr& schema, const std::vector<RecordBatch>& batches) {
  absl::StatusOr<std::unique_ptr<ResultWriter>> writer =
      ResultWriter::Create(ResultFormat::kParquet, schema);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) {
    return "";
  }
  EXPECT_FALSE((*writer)->supports_fragments());
  std::string out;
  (*writer)->Begin(&out);
  for (const RecordBatch& batch : batches) {
    (*writer)->WriteBatch(batch, &out);
  }
  (*writer)->Finish(&out);
  EXPECT_TRUE((*writer)->status().ok()) << (*writer)->status();
  EXPECT_EQ((*writer)->buffered_bytes(), 0u);
  return out;
}

std::unique_ptr<parquet::FileReader> Open(const std::string& file) {
  absl::StatusOr<std::unique_ptr<parquet::FileReader>> reader =
      parquet::FileReader::Open(parquet::MemorySource(file));
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

// Every row of the file as "v1|v2|..." ("null" for NULL).
std::vector<std::string> Rows(const parquet::FileReader& reader) {
  std::vector<int> columns;
  for (int c = 0; c < reader.num_columns(); ++c) {
    columns.push_back(c);
  }
  std::vector<std::string> rows;
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    absl::StatusOr<RecordBatch> batch = reader.ReadRowGroup(rg, columns);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) {
      return rows;
    }
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < batch->num_columns(); ++c) {
        const Column& column = *batch->column(c);
        row += c > 0 ? "|" : "";
        if (column.IsNull(r)) {
          row += "null";
          continue;
        }
        switch (column.type()) {
          case TypeId::kBool:
            row += column.GetBool(r) ? "true" : "false";
            break;
          case TypeId::kInt64:
          case TypeId::kTimestamp:
            row += std::to_string(column.GetInt64(r));
            break;
          case TypeId::kUInt64:
            row += std::to_string(column.GetUInt64(r));
            break;
          case TypeId::kFloat64:
            row += fmt::format("{}", column.GetFloat64(r));
            break;
          case TypeId::kString:
          case TypeId::kDictionary:
            row += column.GetString(r);
            break;
          default:
            row += "?";
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// Every result type, NULLs in each, unicode and empty strings, tags from a shared dictionary
// and the untyped NULL column; two batches make one row group.
TEST(ParquetResultWriterTest, EveryTypeRoundTrips) {
  const SchemaPtr schema = SchemaOf({{"time", TypeId::kTimestamp, false},
                                     {"b", TypeId::kBool},
                                     {"i", TypeId::kInt64},
                                     {"u", TypeId::kUInt64},
                                     {"f", TypeId::kFloat64},
                                     {"s", TypeId::kString},
                                     {"host", TypeId::kDictionary},
                                     {"nothing", TypeId::kNull}});
  auto dictionary = std::make_shared<StringDictionary>();
  auto batch = [&](int64_t first_time, int rows) {
    std::vector<std::shared_ptr<Column>> columns;
    for (const Field& field : schema->fields()) {
      columns.push_back(std::make_shared<Column>(
          field.type, field.type == TypeId::kDictionary ? dictionary : nullptr));
    }
    const char* strings[] = {"héllo wörld", "", "日本語 🎉", "a\"b,c\nd"};
    const char* hosts[] = {"a", "ホスト", "c"};
    for (int r = 0; r < rows; ++r) {
      const int k = static_cast<int>(first_time % 7) + r;
      columns[0]->AppendInt64(first_time + r);
      k % 4 == 3 ? columns[1]->AppendNull() : columns[1]->AppendBool(k % 2 == 0);
      if (k % 5 == 4) {
        columns[2]->AppendNull();
      } else {
        columns[2]->AppendInt64(k % 2 == 0 ? std::numeric_limits<int64_t>::min() + k : -k);
      }
      if (k % 6 == 5) {
        columns[3]->AppendNull();
      } else {
        columns[3]->AppendUInt64(std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(k));
      }
      k % 3 == 2 ? columns[4]->AppendNull() : columns[4]->AppendFloat64(k * 0.5 - 1);
      k % 5 == 0 ? columns[5]->AppendNull() : columns[5]->AppendString(strings[k % 4]);
      k % 7 == 6 ? columns[6]->AppendNull() : columns[6]->AppendString(hosts[k % 3]);
      columns[7]->AppendNull();
    }
    std::vector<ColumnPtr> shared(columns.begin(), columns.end());
    return RecordBatch(schema, std::move(shared), rows);
  };
  const std::vector<RecordBatch> batches = {batch(k2016, 3), batch(k2016 - 1'000'000'001, 40)};
  const std::string file = Encode(schema, batches);
  ASSERT_EQ(file.substr(0, 4), "PAR1");
  ASSERT_EQ(file.substr(file.size() - 4), "PAR1");
  auto reader = Open(file);
  ASSERT_NE(reader, nullptr);

  // The schema: the result's names and types, every column nullable; tags are strings.
  EXPECT_THAT(reader->schema()->fields(),
              ElementsAre(Field{"time", TypeId::kTimestamp, true},
                          Field{"b", TypeId::kBool, true},
                          Field{"i", TypeId::kInt64, true},
                          Field{"u", TypeId::kUInt64, true},
                          Field{"f", TypeId::kFloat64, true},
                          Field{"s", TypeId::kString, true},
                          Field{"host", TypeId::kString, true},
                          Field{"nothing", TypeId::kNull, true}));
  EXPECT_TRUE(reader->ColumnSupport(7).ok()) << reader->ColumnSupport(7);
  const std::vector<parquet::SchemaElement>& leaves = reader->metadata().schema;
  ASSERT_EQ(leaves.size(), 9u);
  ASSERT_TRUE(leaves[1].logical_type.has_value());
  EXPECT_EQ(leaves[1].logical_type->kind, parquet::LogicalType::Kind::kTimestamp);
  EXPECT_FALSE(leaves[1].logical_type->is_adjusted_to_utc);
  EXPECT_EQ(leaves[1].logical_type->unit, parquet::TimeUnit::kNanos);
  EXPECT_EQ(leaves[8].type, parquet::Type::kInt32);
  ASSERT_TRUE(leaves[8].logical_type.has_value());
  EXPECT_EQ(leaves[8].logical_type->kind, parquet::LogicalType::Kind::kUnknown);
  ASSERT_EQ(reader->num_row_groups(), 1);
  const auto& chunks = reader->metadata().row_groups[0].columns;
  for (int c : {5, 6}) {  // strings and tags: dictionary pages
    const parquet::ColumnMetaData& meta = *chunks[static_cast<size_t>(c)].meta_data;
    EXPECT_TRUE(meta.dictionary_page_offset.has_value()) << c;
    EXPECT_EQ(meta.codec, parquet::CompressionCodec::kZstd);
  }

  // The values, row by row, as the batches had them.
  std::vector<std::string> expected;
  for (const RecordBatch& b : batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < b.num_columns(); ++c) {
        const Column& column = *b.column(c);
        row += c > 0 ? "|" : "";
        if (column.IsNull(r)) {
          row += "null";
        } else if (column.type() == TypeId::kFloat64) {
          row += fmt::format("{}", column.GetFloat64(r));
        } else if (column.type() == TypeId::kBool) {
          row += column.GetBool(r) ? "true" : "false";
        } else if (column.type() == TypeId::kUInt64) {
          row += std::to_string(column.GetUInt64(r));
        } else if (IsStringType(column.type())) {
          row += column.GetString(r);
        } else {
          row += std::to_string(column.GetInt64(r));
        }
      }
      expected.push_back(std::move(row));
    }
  }
  const std::vector<std::string> rows = Rows(*reader);
  EXPECT_EQ(rows, expected);
  ASSERT_EQ(rows.size(), 43u);
  // Spot checks, so that a mistake shared by both sides above still shows.
  EXPECT_EQ(rows[0], "1451606400000000000|false|-1|18446744073709551614|-0.5||ホスト|null");
  EXPECT_EQ(rows[2], "1451606400000000002|null|-3|18446744073709551612|0.5|a\"b,c\nd|a|null");
  EXPECT_EQ(rows[3], "1451606398999999999|false|-1|18446744073709551614|-0.5||ホスト|null");
  EXPECT_EQ(rows[6],
            "1451606399000000002|true|null|18446744073709551611|1|héllo wörld|ホスト|null");
  EXPECT_EQ(rows[8],
            "1451606399000000004|true|-9223372036854775802|18446744073709551609|2|日本語 🎉|null|"
            "null");
}

// A result without rows is still a Parquet file, with the schema and no row group, whether the
// query produced no batch or an empty one.
TEST(ParquetResultWriterTest, EmptyResultIsAFileWithTheSchema) {
  const SchemaPtr schema = SchemaOf(
      {{"host", TypeId::kDictionary}, {"time", TypeId::kTimestamp, false}, {"n", TypeId::kNull}});
  std::vector<ColumnPtr> empty_columns;
  for (const Field& field : schema->fields()) {
    empty_columns.push_back(std::make_shared<Column>(field.type));
  }
  for (const std::vector<RecordBatch>& batches :
       {std::vector<RecordBatch>{},
        std::vector<RecordBatch>{RecordBatch(schema, empty_columns, 0)}}) {
    const std::string file = Encode(schema, batches);
    auto reader = Open(file);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->num_rows(), 0);
    EXPECT_EQ(reader->num_row_groups(), 0);
    EXPECT_THAT(reader->schema()->fields(),
                ElementsAre(Field{"host", TypeId::kString, true},
                            Field{"time", TypeId::kTimestamp, true},
                            Field{"n", TypeId::kNull, true}));
  }
}

// Rows go out a row group at a time, as each fills: the writer holds (and reports for the query
// memory limit) one unfinished row group's batches, never the whole result.
TEST(ParquetResultWriterTest, RowGroupsStreamAsTheyFill) {
  const SchemaPtr schema = SchemaOf({{"time", TypeId::kTimestamp}, {"v", TypeId::kFloat64}});
  constexpr int64_t kBatchRows = 8192;
  constexpr int64_t kRows = 550'000;
  absl::StatusOr<std::unique_ptr<ResultWriter>> writer =
      ResultWriter::Create(ResultFormat::kParquet, schema);
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::string file;
  (*writer)->Begin(&file);
  EXPECT_EQ(file, "PAR1");
  int pieces = 0;
  size_t most_buffered = 0;
  size_t total_bytes = 0;
  for (int64_t first = 0; first < kRows; first += kBatchRows) {
    const int64_t rows = std::min(kBatchRows, kRows - first);
    auto time = std::make_shared<Column>(TypeId::kTimestamp);
    auto v = std::make_shared<Column>(TypeId::kFloat64);
    for (int64_t r = first; r < first + rows; ++r) {
      time->AppendInt64(k2016 + r * 1'000'000'000);
      r % 10 == 0 ? v->AppendNull() : v->AppendFloat64(static_cast<double>(r) / 8);
    }
    total_bytes += time->MemoryUsage() + v->MemoryUsage();
    std::string out;
    (*writer)->WriteBatch(RecordBatch(schema, {time, v}, rows), &out);
    pieces += out.empty() ? 0 : 1;
    file += out;
    const size_t buffered = (*writer)->buffered_bytes();
    EXPECT_GT(buffered, 0u);
    most_buffered = std::max(most_buffered, buffered);
  }
  EXPECT_EQ(pieces, 5);  // rows 100,000, 200,000, ... 500,000 each closed a row group
  // At most the batches of one row group (14 of the 68).
  EXPECT_LT(most_buffered, total_bytes / 4);
  const size_t before_finish = file.size();
  (*writer)->Finish(&file);
  EXPECT_GT(file.size(), before_finish);
  EXPECT_TRUE((*writer)->status().ok());
  EXPECT_EQ((*writer)->buffered_bytes(), 0u);

  auto reader = Open(file);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->num_row_groups(), 6);
  EXPECT_EQ(reader->row_group_rows(0), 100'000);
  EXPECT_EQ(reader->row_group_rows(5), 50'000);
  const std::vector<std::string> rows = Rows(*reader);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(rows[0], fmt::format("{}|null", k2016));
  EXPECT_EQ(rows[123'457], fmt::format("{}|{}", k2016 + 123'457'000'000'000, 123'457.0 / 8));
  EXPECT_EQ(rows[kRows - 1],
            fmt::format(
                "{}|{}", k2016 + (kRows - 1) * 1'000'000'000, static_cast<double>(kRows - 1) / 8));
}

// Parquet readers find columns by name, so the file's names are unique and not empty.
TEST(ParquetResultWriterTest, RepeatedAndEmptyNamesAreMadeUnique) {
  absl::StatusOr<std::unique_ptr<ParquetResultWriter>> writer =
      ParquetResultWriter::Create(SchemaOf({{"a", TypeId::kInt64},
                                            {"a", TypeId::kInt64},
                                            {"a_1", TypeId::kString},
                                            {"", TypeId::kBool},
                                            {"a", TypeId::kFloat64}}));
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::vector<std::string> names;
  for (const Field& field : (*writer)->file_schema()->fields()) {
    names.push_back(field.name);
  }
  EXPECT_THAT(names, ElementsAre("a", "a_2", "a_1", "column3", "a_3"));
}

TEST(ParquetResultWriterTest, WhatCannotBeWritten) {
  absl::StatusOr<std::unique_ptr<ResultWriter>> interval = ResultWriter::Create(
      ResultFormat::kParquet, SchemaOf({{"a", TypeId::kInt64}, {"gap", TypeId::kInterval}}));
  ASSERT_FALSE(interval.ok());
  EXPECT_EQ(interval.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(interval.status().message(),
            "column 'gap' has type interval, which parquet output cannot write yet");
  absl::StatusOr<std::unique_ptr<ResultWriter>> no_columns =
      ResultWriter::Create(ResultFormat::kParquet, SchemaOf({}));
  ASSERT_FALSE(no_columns.ok());
  EXPECT_EQ(no_columns.status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace strata::format
