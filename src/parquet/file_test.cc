// Tests of the Parquet file writer and reader: round trips of every type and codec, row groups
// and pages, dictionaries and their fallback, projections, statistics, the DuckDB-written test
// file, and corrupt files.
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parquet/file_reader.h"
#include "parquet/file_test_util.h"
#include "parquet/file_writer.h"

#ifndef STRATA_PARQUET_TESTDATA_DIR
#error "STRATA_PARQUET_TESTDATA_DIR must name src/parquet/testdata"
#endif

namespace strata::parquet {
namespace {

using testing::Cell;
using testing::ExpectColumnEquals;
using ::testing::HasSubstr;
using testing::MakeBatch;
using testing::OpenFile;
using testing::ReadAll;
using testing::WriteFile;

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUInt64Max = std::numeric_limits<uint64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SchemaPtr AllTypesSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"b", TypeId::kBool, true},
      {"i", TypeId::kInt64, true},
      {"u", TypeId::kUInt64, true},
      {"f", TypeId::kFloat64, true},
      {"s", TypeId::kString, true},
      {"tag", TypeId::kDictionary, true},
      {"time", TypeId::kTimestamp, false},
      {"i_required", TypeId::kInt64, false},
      {"s_required", TypeId::kString, false},
  });
}

// `rows` rows of every type with nulls, extremes, NaN, infinities, -0.0, empty and unicode
// strings and negative timestamps, in patterns that repeat with different periods.
RecordBatch AllTypesBatch(const SchemaPtr& schema, int64_t rows, int64_t seed = 0) {
  std::vector<std::shared_ptr<Column>> columns;
  for (const Field& field : schema->fields()) {
    columns.push_back(std::make_shared<Column>(field.type));
  }
  const int64_t ints[] = {0, -1, 1, kInt64Min, kInt64Max, 42, -1'000'000'007};
  const uint64_t uints[] = {0, 1, kUInt64Max, uint64_t{1} << 63, 12345};
  const double doubles[] = {0.0, -0.0, 1.5, -2.25, kInf, -kInf, kNaN, 1e300, -1e-300};
  const char* strings[] = {"", "a", "héllo wörld", "日本語", "emoji 🎉", "x\0y", "zzz"};
  const char* tags[] = {"host_a", "host_b", "", "ホスト", "host_e"};
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t k = r + seed;
    if (k % 11 == 3) {
      columns[0]->AppendNull();
    } else {
      columns[0]->AppendBool(k % 3 == 0);
    }
    if (k % 7 == 5) {
      columns[1]->AppendNull();
    } else {
      columns[1]->AppendInt64(ints[k % 7] + (k % 7 == 5 ? 0 : 0));
    }
    if (k % 13 == 0) {
      columns[2]->AppendNull();
    } else {
      columns[2]->AppendUInt64(uints[k % 5] - (k % 5 == 4 ? static_cast<uint64_t>(k) : 0));
    }
    if (k % 17 == 1) {
      columns[3]->AppendNull();
    } else {
      columns[3]->AppendFloat64(doubles[k % 9]);
    }
    if (k % 5 == 2) {
      columns[4]->AppendNull();
    } else {
      const char* s = strings[k % 7];
      columns[4]->AppendString(k % 7 == 5 ? std::string_view(s, 3) : std::string_view(s));
    }
    if (k % 19 == 7) {
      columns[5]->AppendNull();
    } else {
      columns[5]->AppendString(tags[k % 5]);
    }
    // Negative timestamps (before 1970) and nanosecond precision.
    columns[6]->AppendInt64(-1'000'000'000'000'000'000 + k * 1'000'000'007);
    columns[7]->AppendInt64(k * k - 5000);
    columns[8]->AppendString("row " + std::to_string(k));
  }
  return MakeBatch(schema, columns);
}

void ExpectBatchesEqual(const RecordBatch& expected,
                        int64_t offset,
                        const RecordBatch& actual,
                        const std::string& what) {
  ASSERT_EQ(expected.num_columns(), actual.num_columns()) << what;
  for (int c = 0; c < actual.num_columns(); ++c) {
    ASSERT_EQ(actual.column(c)->size(), actual.num_rows()) << what;
    ExpectColumnEquals(*expected.column(c),
                       offset,
                       *actual.column(c),
                       what + " column " + expected.schema()->field(c).name);
  }
}

class CodecRoundTripTest : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(CodecRoundTripTest, EveryTypeWithNullsAndExtremes) {
  const SchemaPtr schema = AllTypesSchema();
  const RecordBatch batch = AllTypesBatch(schema, 5000);
  WriterOptions options;
  options.codec = GetParam();
  options.max_row_group_rows = 2000;
  options.target_page_bytes = 4096;
  const std::string file = WriteFile(schema, {batch}, options);
  ASSERT_GT(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");

  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->num_rows(), 5000);
  ASSERT_EQ(reader->num_row_groups(), 3);
  EXPECT_EQ(reader->row_group_rows(0), 2000);
  EXPECT_EQ(reader->row_group_rows(2), 1000);
  // Strings read back as kString in the file's schema (a read may give kDictionary).
  std::vector<Field> expected_fields = schema->fields();
  expected_fields[5].type = TypeId::kString;
  EXPECT_EQ(*reader->schema(), Schema(expected_fields));
  const std::vector<RecordBatch> batches = ReadAll(*reader);
  ASSERT_EQ(batches.size(), 3u);
  int64_t offset = 0;
  for (const RecordBatch& read : batches) {
    ExpectBatchesEqual(batch, offset, read, "row group at " + std::to_string(offset));
    // Dictionary-encoded strings come back as kDictionary.
    EXPECT_EQ(read.schema()->field(4).type, TypeId::kDictionary);
    EXPECT_EQ(read.schema()->field(5).type, TypeId::kDictionary);
    EXPECT_EQ(read.column(5)->type(), TypeId::kDictionary);
    offset += read.num_rows();
  }
  EXPECT_EQ(offset, 5000);
  for (const RowGroup& rg : reader->metadata().row_groups) {
    for (const ColumnChunk& chunk : rg.columns) {
      EXPECT_EQ(chunk.meta_data->codec, GetParam());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs,
                         CodecRoundTripTest,
                         ::testing::Values(CompressionCodec::kUncompressed,
                                           CompressionCodec::kSnappy,
                                           CompressionCodec::kGzip,
                                           CompressionCodec::kZstd),
                         [](const auto& param_info) { return ToString(param_info.param); });

TEST(FileRoundTripTest, StringsAsPlainStringsWhenAsked) {
  const SchemaPtr schema = AllTypesSchema();
  const RecordBatch batch = AllTypesBatch(schema, 300);
  const std::string file = WriteFile(schema, {batch});
  ReaderOptions options;
  options.strings_as_dictionary = false;
  auto reader = OpenFile(file, options);
  ASSERT_NE(reader, nullptr);
  const std::vector<RecordBatch> batches = ReadAll(*reader);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].column(5)->type(), TypeId::kString);
  ExpectBatchesEqual(batch, 0, batches[0], "plain strings");
}

TEST(FileRoundTripTest, SchemaMetadataAndTypes) {
  const SchemaPtr schema = AllTypesSchema();
  WriterOptions options;
  options.key_value_metadata = {{"strata.schema", "{\"x\": 1}"}, {"empty", std::nullopt}};
  const std::string file = WriteFile(schema, {AllTypesBatch(schema, 10)}, options);
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const FileMetaData& metadata = reader->metadata();
  EXPECT_THAT(*metadata.created_by, ::testing::StartsWith("strata version "));
  EXPECT_THAT(reader->key_value_metadata(),
              ::testing::ElementsAre(KeyValue{"strata.schema", "{\"x\": 1}"},
                                     KeyValue{"empty", std::nullopt}));
  ASSERT_EQ(metadata.schema.size(), 10u);
  const SchemaElement& time = metadata.schema[7];
  EXPECT_EQ(time.type, Type::kInt64);
  EXPECT_EQ(time.logical_type, LogicalType::Timestamp(true, TimeUnit::kNanos));
  EXPECT_FALSE(time.converted_type.has_value());
  EXPECT_EQ(time.repetition_type, FieldRepetitionType::kRequired);
  EXPECT_EQ(metadata.schema[3].logical_type, LogicalType::Integer(64, false));
  EXPECT_EQ(metadata.schema[3].converted_type, ConvertedType::kUint64);
  EXPECT_EQ(metadata.schema[2].logical_type, LogicalType::Integer(64, true));
  EXPECT_EQ(metadata.schema[5].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(metadata.schema[5].repetition_type, FieldRepetitionType::kOptional);
  EXPECT_EQ(metadata.schema[1].type, Type::kBoolean);
  EXPECT_EQ(metadata.schema[4].type, Type::kDouble);
  ASSERT_TRUE(metadata.column_orders.has_value());
  EXPECT_EQ(metadata.column_orders->size(), 9u);
  const RowGroup& rg = metadata.row_groups[0];
  EXPECT_EQ(rg.ordinal, 0);
  EXPECT_EQ(rg.file_offset, 4);
  EXPECT_GT(rg.total_byte_size, 0);
  EXPECT_GT(rg.total_compressed_size.value_or(0), 0);
  // Encodings: DELTA_BINARY_PACKED integers, dictionary strings, PLAIN doubles and booleans.
  auto encodings = [&](int c) { return rg.columns[static_cast<size_t>(c)].meta_data->encodings; };
  EXPECT_THAT(encodings(1), ::testing::Contains(Encoding::kDeltaBinaryPacked));
  EXPECT_THAT(encodings(6), ::testing::Contains(Encoding::kDeltaBinaryPacked));
  EXPECT_THAT(encodings(4), ::testing::Contains(Encoding::kRleDictionary));
  EXPECT_THAT(encodings(3), ::testing::Contains(Encoding::kPlain));
  EXPECT_THAT(encodings(0), ::testing::Contains(Encoding::kPlain));
  EXPECT_TRUE(rg.columns[4].meta_data->dictionary_page_offset.has_value());
  EXPECT_FALSE(rg.columns[3].meta_data->dictionary_page_offset.has_value());
}

TEST(FileRoundTripTest, LocalTimestampsWhenAsked) {
  const SchemaPtr schema = AllTypesSchema();
  const RecordBatch batch = AllTypesBatch(schema, 100);
  WriterOptions options;
  options.timestamps_adjusted_to_utc = false;
  auto reader = OpenFile(WriteFile(schema, {batch}, options));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->metadata().schema[7].logical_type,
            LogicalType::Timestamp(false, TimeUnit::kNanos));
  EXPECT_EQ(reader->schema()->field(6).type, TypeId::kTimestamp);
  ExpectBatchesEqual(batch, 0, ReadAll(*reader)[0], "local timestamps");
}

TEST(FileRoundTripTest, AllNullColumnsAndZeroRows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"i", TypeId::kInt64, true},
      {"s", TypeId::kString, true},
      {"f", TypeId::kFloat64, true},
      {"b", TypeId::kBool, true},
      {"tag", TypeId::kDictionary, true},
  });
  std::vector<std::shared_ptr<Column>> columns;
  for (const Field& field : schema->fields()) {
    columns.push_back(std::make_shared<Column>(field.type));
    columns.back()->AppendNulls(1000);
  }
  const RecordBatch batch = MakeBatch(schema, columns);
  const std::string file = WriteFile(schema, {batch});
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const std::vector<RecordBatch> batches = ReadAll(*reader);
  ASSERT_EQ(batches.size(), 1u);
  for (int c = 0; c < 5; ++c) {
    EXPECT_EQ(batches[0].column(c)->null_count(), 1000) << c;
    const ColumnChunkStatistics stats = reader->Statistics(0, c);
    EXPECT_EQ(stats.null_count, 1000);
    EXPECT_FALSE(stats.min.has_value());
    EXPECT_FALSE(stats.max.has_value());
  }

  // No rows at all: a valid file with no row groups.
  const std::string empty = WriteFile(schema, {});
  auto empty_reader = OpenFile(empty);
  ASSERT_NE(empty_reader, nullptr);
  EXPECT_EQ(empty_reader->num_rows(), 0);
  EXPECT_EQ(empty_reader->num_row_groups(), 0);
  EXPECT_EQ(empty_reader->schema()->num_fields(), 5);
  // A batch of zero rows changes nothing.
  std::vector<std::shared_ptr<Column>> none;
  for (const Field& field : schema->fields()) {
    none.push_back(std::make_shared<Column>(field.type));
  }
  const std::string still_empty = WriteFile(schema, {MakeBatch(schema, none)});
  auto still_empty_reader = OpenFile(still_empty);
  ASSERT_NE(still_empty_reader, nullptr);
  EXPECT_EQ(still_empty_reader->num_row_groups(), 0);
}

TEST(FileRoundTripTest, ManyRowGroupsFromBatchesOfAnySize) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"time", TypeId::kTimestamp, false},
      {"host", TypeId::kDictionary, true},
      {"value", TypeId::kInt64, true},
  });
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  auto host = std::make_shared<Column>(TypeId::kDictionary);
  auto value = std::make_shared<Column>(TypeId::kInt64);
  constexpr int64_t kRows = 250'000;
  for (int64_t r = 0; r < kRows; ++r) {
    time->AppendInt64(1'700'000'000'000'000'000 + r * 10'000'000'000);
    host->AppendString("host_" + std::to_string(r % 97));
    if (r % 1000 == 999) {
      value->AppendNull();
    } else {
      value->AppendInt64((r * 7919) % 100'003 - 50'000);
    }
  }
  const RecordBatch all = MakeBatch(schema, {time, host, value});
  // The same rows in batches of 7,777 rows (slices of the one batch, cut by TakeRanges-like
  // copies), so row groups start in the middle of batches.
  std::vector<RecordBatch> batches;
  for (int64_t begin = 0; begin < kRows; begin += 7777) {
    const int64_t end = std::min(kRows, begin + 7777);
    std::vector<std::shared_ptr<Column>> part;
    for (int c = 0; c < 3; ++c) {
      const Column& source = *all.column(c);
      auto column = std::make_shared<Column>(source.type(), source.dictionary());
      for (int64_t r = begin; r < end; ++r) {
        if (source.IsNull(r)) {
          column->AppendNull();
        } else if (source.type() == TypeId::kDictionary) {
          column->AppendDictionaryCode(source.GetDictionaryCode(r));
        } else {
          column->AppendInt64(source.GetInt64(r));
        }
      }
      part.push_back(std::move(column));
    }
    batches.push_back(MakeBatch(schema, part));
  }
  WriterOptions options;
  options.max_row_group_rows = 100'000;
  auto writer = FileWriter::Create(schema, options);
  ASSERT_TRUE(writer.ok());
  for (const RecordBatch& batch : batches) {
    ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
  }
  EXPECT_EQ((*writer)->rows_written(), kRows);
  auto file = (*writer)->Finish();
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*writer)->Finish().status().code(), absl::StatusCode::kFailedPrecondition);

  auto reader = OpenFile(*file);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->num_row_groups(), 3);
  EXPECT_EQ(reader->row_group_rows(0), 100'000);
  EXPECT_EQ(reader->row_group_rows(1), 100'000);
  EXPECT_EQ(reader->row_group_rows(2), 50'000);
  int64_t offset = 0;
  for (const RecordBatch& read : ReadAll(*reader)) {
    ExpectBatchesEqual(all, offset, read, "row group at " + std::to_string(offset));
    offset += read.num_rows();
  }
  EXPECT_EQ(offset, kRows);
  // Every row group's dictionary holds only the 97 hosts.
  for (int rg = 0; rg < 3; ++rg) {
    auto batch = reader->ReadRowGroup(rg, std::vector<int>{1});
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(batch->column(0)->dictionary()->size(), 97);
  }
}

// kNull (a query's untyped NULL column) is an OPTIONAL INT32 of the UNKNOWN logical type, read
// back as kNull nulls, even when the field says it is not nullable.
TEST(FileRoundTripTest, AlwaysNullColumnsAreUnknownInt32) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"n", TypeId::kNull, true},
      {"i", TypeId::kInt64, true},
      {"n_required", TypeId::kNull, false},
  });
  std::vector<RecordBatch> batches;
  for (int64_t rows : {3, 25'000}) {
    auto n = std::make_shared<Column>(TypeId::kNull);
    auto i = std::make_shared<Column>(TypeId::kInt64);
    auto n_required = std::make_shared<Column>(TypeId::kNull);
    n->AppendNulls(rows);
    n_required->AppendNulls(rows);
    for (int64_t r = 0; r < rows; ++r) {
      i->AppendInt64(r);
    }
    batches.push_back(MakeBatch(schema, {n, i, n_required}));
  }
  WriterOptions options;
  options.max_page_rows = 10'000;
  const std::string file = WriteFile(schema, batches, options);
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  for (int c : {0, 2}) {
    const SchemaElement& leaf = reader->metadata().schema[static_cast<size_t>(c) + 1];
    EXPECT_EQ(leaf.type, Type::kInt32);
    ASSERT_TRUE(leaf.logical_type.has_value());
    EXPECT_EQ(leaf.logical_type->kind, LogicalType::Kind::kUnknown);
    EXPECT_EQ(leaf.repetition_type, FieldRepetitionType::kOptional);
    EXPECT_EQ(reader->schema()->field(c).type, TypeId::kNull);
    EXPECT_TRUE(reader->ColumnSupport(c).ok()) << reader->ColumnSupport(c);
    const ColumnChunkStatistics stats = reader->Statistics(0, c);
    EXPECT_EQ(stats.null_count, 25'003);
    EXPECT_FALSE(stats.min.has_value());
    EXPECT_TRUE(reader->CandidateRows(0, c, Value(int64_t{0}), Value(int64_t{9})).empty());
  }
  const std::vector<RecordBatch> read = ReadAll(*reader);
  ASSERT_EQ(read.size(), 1u);
  ASSERT_EQ(read[0].num_rows(), 25'003);
  EXPECT_EQ(read[0].column(0)->type(), TypeId::kNull);
  EXPECT_EQ(read[0].column(0)->null_count(), 25'003);
  EXPECT_EQ(read[0].column(2)->null_count(), 25'003);
  EXPECT_EQ(read[0].column(1)->GetInt64(3), 0);
  EXPECT_EQ(read[0].column(1)->GetInt64(25'002), 24'999);
  // A ranged read counts the rows it was asked for.
  const RowRange ranges[] = {{1, 4}, {20'000, 20'010}};
  auto ranged = reader->ReadRowGroup(0, std::vector<int>{0, 1}, ranges);
  ASSERT_TRUE(ranged.ok()) << ranged.status();
  ASSERT_EQ(ranged->num_rows(), 13);
  EXPECT_EQ(ranged->column(0)->size(), 13);
  EXPECT_EQ(ranged->column(0)->null_count(), 13);
  EXPECT_EQ(ranged->column(1)->GetInt64(3), 20'000 - 3);
}

// TakeBytes hands out the file as it is written: the pieces and Finish's rest are the same bytes
// as a file written in one go, and the writer never holds more than a row group of them.
TEST(FileWriterTest, TakeBytesStreamsTheSameFile) {
  const SchemaPtr schema = AllTypesSchema();
  std::vector<RecordBatch> batches;
  for (int64_t b = 0; b < 12; ++b) {
    batches.push_back(AllTypesBatch(schema, 3'001, b * 3'001));
  }
  WriterOptions options;
  options.max_row_group_rows = 10'000;
  const std::string whole = WriteFile(schema, batches, options);

  auto writer = FileWriter::Create(schema, options);
  ASSERT_TRUE(writer.ok());
  std::string streamed;
  size_t most_held = 0;
  size_t takes_with_bytes = 0;
  for (const RecordBatch& batch : batches) {
    ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
    most_held = std::max(most_held, (*writer)->encoded_bytes());
    EXPECT_LT((*writer)->pending_rows(), options.max_row_group_rows);
    const size_t before = streamed.size();
    (*writer)->TakeBytes(&streamed);
    takes_with_bytes += streamed.size() > before ? 1 : 0;
    EXPECT_EQ((*writer)->encoded_bytes(), 0u);
  }
  EXPECT_EQ(takes_with_bytes, 4u);  // the magic, then row groups 1 to 3 as each fills
  auto rest = (*writer)->Finish();
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_LT(rest->size(), whole.size() / 2);
  streamed += *rest;
  EXPECT_EQ(streamed.size(), whole.size());
  EXPECT_TRUE(streamed == whole);
  EXPECT_LT(most_held, whole.size() / 2);
  auto reader = OpenFile(streamed);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->num_row_groups(), 4);
  EXPECT_EQ(reader->num_rows(), 12 * 3'001);
}

TEST(FileRoundTripTest, ManyPagesPerColumnChunk) {
  const SchemaPtr schema = AllTypesSchema();
  const RecordBatch batch = AllTypesBatch(schema, 20'000);
  WriterOptions options;
  options.target_page_bytes = 2000;
  const std::string file = WriteFile(schema, {batch}, options);
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  // The offset index lists each chunk's pages: many per chunk.
  const ColumnChunk& chunk = reader->metadata().row_groups[0].columns[1];
  ASSERT_TRUE(chunk.offset_index_offset.has_value());
  auto index = Parse<OffsetIndex>(
      std::string_view(file).substr(static_cast<size_t>(*chunk.offset_index_offset),
                                    static_cast<size_t>(*chunk.offset_index_length)),
      "offset index");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_GT(index->page_locations.size(), 50u);
  const std::vector<RecordBatch> batches = ReadAll(*reader);
  ASSERT_EQ(batches.size(), 1u);
  ExpectBatchesEqual(batch, 0, batches[0], "many pages");

  // max_page_rows also cuts pages.
  WriterOptions by_rows;
  by_rows.max_page_rows = 1000;
  auto reader2 = OpenFile(WriteFile(schema, {batch}, by_rows));
  ASSERT_NE(reader2, nullptr);
  const ColumnChunk& chunk2 = reader2->metadata().row_groups[0].columns[0];
  EXPECT_EQ(chunk2.meta_data->encoding_stats->back().count, 20);
  ExpectBatchesEqual(batch, 0, ReadAll(*reader2)[0], "pages by rows");
}

TEST(FileRoundTripTest, DictionaryFallsBackToPlain) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"s", TypeId::kString, true}});
  auto column = std::make_shared<Column>(TypeId::kString);
  for (int i = 0; i < 5000; ++i) {
    column->AppendString("distinct value " + std::to_string(i));
  }
  const RecordBatch batch = MakeBatch(schema, {column});
  WriterOptions options;
  options.max_dictionary_bytes = 10'000;
  const std::string file = WriteFile(schema, {batch}, options);
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[0].meta_data;
  EXPECT_FALSE(meta.dictionary_page_offset.has_value());
  EXPECT_THAT(meta.encodings, ::testing::Not(::testing::Contains(Encoding::kRleDictionary)));
  const std::vector<RecordBatch> batches = ReadAll(*reader);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].column(0)->type(), TypeId::kString);
  ExpectBatchesEqual(batch, 0, batches[0], "fallback");

  // With dictionaries off, every string column is PLAIN.
  WriterOptions off;
  off.dictionary = false;
  auto plain = OpenFile(WriteFile(AllTypesSchema(), {AllTypesBatch(AllTypesSchema(), 100)}, off));
  ASSERT_NE(plain, nullptr);
  EXPECT_FALSE(plain->metadata().row_groups[0].columns[5].meta_data->dictionary_page_offset);
  ExpectBatchesEqual(AllTypesBatch(AllTypesSchema(), 100), 0, ReadAll(*plain)[0], "off");
}

TEST(FileRoundTripTest, UnusedDictionaryEntriesAreNotWritten) {
  auto schema =
      std::make_shared<const Schema>(std::vector<Field>{{"tag", TypeId::kDictionary, true}});
  auto dictionary = std::make_shared<StringDictionary>();
  for (int i = 0; i < 1000; ++i) {
    dictionary->GetOrInsert("value_" + std::to_string(i));
  }
  auto column = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  for (int i = 0; i < 300; ++i) {
    column->AppendDictionaryCode(i % 3 == 0 ? 999 : (i % 3 == 1 ? 500 : 7));
  }
  const std::string file = WriteFile(schema, {MakeBatch(schema, {column})});
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(meta.dictionary_page_offset.has_value());
  size_t consumed = 0;
  auto header = ParsePageHeader(
      std::string_view(file).substr(static_cast<size_t>(*meta.dictionary_page_offset)), &consumed);
  ASSERT_TRUE(header.ok()) << header.status();
  ASSERT_EQ(header->type, PageType::kDictionaryPage);
  EXPECT_EQ(header->dictionary_page_header->num_values, 3);
  auto batch = reader->ReadRowGroup(0, std::vector<int>{0});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->column(0)->GetString(0), "value_999");
  EXPECT_EQ(batch->column(0)->GetString(1), "value_500");
  EXPECT_EQ(batch->column(0)->GetString(2), "value_7");
  EXPECT_EQ(batch->column(0)->dictionary()->size(), 3);
}

TEST(FileRoundTripTest, StringAndDictionaryBatchesMix) {
  // A field declared kDictionary accepts kString batches and the other way round; batches with
  // different dictionaries share one row group.
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"t", TypeId::kDictionary}});
  auto a = std::make_shared<Column>(TypeId::kDictionary);
  a->AppendString("x");
  a->AppendString("y");
  auto b = std::make_shared<Column>(TypeId::kDictionary);
  b->AppendString("y");
  b->AppendString("z");
  auto c = std::make_shared<Column>(TypeId::kString);
  c->AppendString("x");
  c->AppendNull();
  const std::string file =
      WriteFile(schema, {MakeBatch(schema, {a}), MakeBatch(schema, {b}), MakeBatch(schema, {c})});
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  auto batch = reader->ReadRowGroup(0, std::vector<int>{0});
  ASSERT_TRUE(batch.ok());
  std::vector<std::string> cells;
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    cells.push_back(Cell(*batch->column(0), i));
  }
  EXPECT_THAT(cells, ::testing::ElementsAre("'x'", "'y'", "'y'", "'z'", "'x'", "null"));
  EXPECT_EQ(batch->column(0)->dictionary()->size(), 3);
}

TEST(FileRoundTripTest, Projections) {
  const SchemaPtr schema = AllTypesSchema();
  const RecordBatch batch = AllTypesBatch(schema, 1000);
  auto reader = OpenFile(WriteFile(schema, {batch}));
  ASSERT_NE(reader, nullptr);
  const std::vector<int> projection = {6, 2, 4, 2};
  auto read = reader->ReadRowGroup(0, projection);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->num_columns(), 4);
  EXPECT_EQ(read->num_rows(), 1000);
  for (size_t i = 0; i < projection.size(); ++i) {
    EXPECT_EQ(read->schema()->field(static_cast<int>(i)).name, schema->field(projection[i]).name);
    ExpectColumnEquals(*batch.column(projection[i]),
                       0,
                       *read->column(static_cast<int>(i)),
                       "projected " + std::to_string(i));
  }
  auto none = reader->ReadRowGroup(0, std::vector<int>{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->num_columns(), 0);
  EXPECT_EQ(reader->ReadRowGroup(0, std::vector<int>{9}).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(reader->ReadRowGroup(1, std::vector<int>{0}).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(FileStatisticsTest, ChunkStatisticsInEachTypesOrder) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"i", TypeId::kInt64, true},
      {"u", TypeId::kUInt64, true},
      {"f", TypeId::kFloat64, true},
      {"nan", TypeId::kFloat64, true},
      {"s", TypeId::kString, true},
      {"b", TypeId::kBool, true},
      {"t", TypeId::kTimestamp, true},
      {"zero", TypeId::kFloat64, true},
  });
  auto i = std::make_shared<Column>(TypeId::kInt64);
  auto u = std::make_shared<Column>(TypeId::kUInt64);
  auto f = std::make_shared<Column>(TypeId::kFloat64);
  auto nan = std::make_shared<Column>(TypeId::kFloat64);
  auto s = std::make_shared<Column>(TypeId::kString);
  auto b = std::make_shared<Column>(TypeId::kBool);
  auto t = std::make_shared<Column>(TypeId::kTimestamp);
  auto zero = std::make_shared<Column>(TypeId::kFloat64);
  for (int64_t v : {int64_t{5}, kInt64Max, int64_t{-3}, kInt64Min}) {
    i->AppendInt64(v);
  }
  // Unsigned order: UINT64_MAX is the largest, not -1.
  for (uint64_t v : {uint64_t{7}, kUInt64Max, uint64_t{1}, uint64_t{1} << 63}) {
    u->AppendUInt64(v);
  }
  for (double v : {1.5, kNaN, -kInf, 3.0}) {
    f->AppendFloat64(v);
  }
  nan->AppendFloat64(kNaN);
  nan->AppendNull();
  nan->AppendFloat64(kNaN);
  nan->AppendFloat64(kNaN);
  for (std::string_view v : {"b", "\xc3\xa9", "a", ""}) {
    s->AppendString(v);
  }
  b->AppendBool(true);
  b->AppendNull();
  b->AppendBool(true);
  b->AppendBool(true);
  for (int64_t v : {int64_t{-5'000'000'000'000'000'000}, int64_t{0}, int64_t{1}, int64_t{2}}) {
    t->AppendInt64(v);
  }
  zero->AppendFloat64(0.0);
  zero->AppendFloat64(0.0);
  zero->AppendNull();
  zero->AppendFloat64(0.0);
  auto reader = OpenFile(WriteFile(schema, {MakeBatch(schema, {i, u, f, nan, s, b, t, zero})}));
  ASSERT_NE(reader, nullptr);
  auto stats = [&](int c) { return reader->Statistics(0, c); };
  EXPECT_EQ(stats(0).min, Value(kInt64Min));
  EXPECT_EQ(stats(0).max, Value(kInt64Max));
  EXPECT_EQ(stats(0).null_count, 0);
  EXPECT_EQ(stats(1).min, Value(uint64_t{1}));
  EXPECT_EQ(stats(1).max, Value(kUInt64Max));
  EXPECT_EQ(stats(2).min, Value(-kInf));
  EXPECT_EQ(stats(2).max, Value(3.0));
  EXPECT_FALSE(stats(3).min.has_value());
  EXPECT_FALSE(stats(3).max.has_value());
  EXPECT_EQ(stats(3).null_count, 1);
  EXPECT_EQ(stats(4).min, Value(std::string("")));
  EXPECT_EQ(stats(4).max, Value(std::string("\xc3\xa9")));  // bytes compare unsigned
  EXPECT_EQ(stats(5).min, Value(true));
  EXPECT_EQ(stats(5).max, Value(true));
  EXPECT_EQ(stats(5).null_count, 1);
  EXPECT_EQ(stats(6).min, Value(int64_t{-5'000'000'000'000'000'000}));
  EXPECT_EQ(stats(6).max, Value(int64_t{2}));
  // The spec's zero rule: min -0.0, max +0.0.
  ASSERT_TRUE(stats(7).min.has_value());
  EXPECT_TRUE(std::signbit(std::get<double>(*stats(7).min)));
  EXPECT_FALSE(std::signbit(std::get<double>(*stats(7).max)));
  // The raw footer holds the uint64 bounds as their bits.
  const Statistics& raw = *reader->metadata().row_groups[0].columns[1].meta_data->statistics;
  EXPECT_EQ(raw.max_value, std::string(8, '\xff'));
  // Out of range: nothing.
  EXPECT_FALSE(reader->Statistics(1, 0).null_count.has_value());
  EXPECT_FALSE(reader->Statistics(0, 99).min.has_value());
}

TEST(FileStatisticsTest, LongStringsAreTruncatedToBounds) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"s", TypeId::kString, true}});
  auto s = std::make_shared<Column>(TypeId::kString);
  const std::string low(100, 'a');
  const std::string high = std::string(70, 'z') + std::string(30, '\xff');
  s->AppendString(high);
  s->AppendString(low);
  auto reader = OpenFile(WriteFile(schema, {MakeBatch(schema, {s})}));
  ASSERT_NE(reader, nullptr);
  const ColumnChunkStatistics stats = reader->Statistics(0, 0);
  ASSERT_TRUE(stats.min.has_value() && stats.max.has_value());
  const std::string& min = std::get<std::string>(*stats.min);
  const std::string& max = std::get<std::string>(*stats.max);
  EXPECT_LE(min.size(), 64u);
  EXPECT_LE(max.size(), 64u);
  EXPECT_LE(min, low);
  EXPECT_GE(max, high);
  const Statistics& raw = *reader->metadata().row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(raw.is_min_value_exact, false);
  EXPECT_EQ(raw.is_max_value_exact, false);
}

TEST(FileWriterTest, RejectsWhatItCannotWrite) {
  auto interval_schema =
      std::make_shared<const Schema>(std::vector<Field>{{"n", TypeId::kInterval, true}});
  auto created = FileWriter::Create(interval_schema, {});
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("'n'"));
  auto duplicate = std::make_shared<const Schema>(
      std::vector<Field>{{"a", TypeId::kInt64, true}, {"a", TypeId::kBool, true}});
  EXPECT_EQ(FileWriter::Create(duplicate, {}).status().code(), absl::StatusCode::kInvalidArgument);
  WriterOptions bad_level;
  bad_level.compression_level = 99;
  bad_level.codec = CompressionCodec::kGzip;
  EXPECT_FALSE(FileWriter::Create(AllTypesSchema(), bad_level).ok());
  WriterOptions lz4;
  lz4.codec = CompressionCodec::kLz4;
  EXPECT_FALSE(FileWriter::Create(AllTypesSchema(), lz4).ok());

  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"x", TypeId::kInt64, false}});
  auto writer = FileWriter::Create(schema, {});
  ASSERT_TRUE(writer.ok());
  auto with_null = std::make_shared<Column>(TypeId::kInt64);
  with_null->AppendNull();
  absl::Status status = (*writer)->WriteBatch(MakeBatch(schema, {with_null}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not nullable"));
  auto wrong_type = std::make_shared<Column>(TypeId::kFloat64);
  wrong_type->AppendFloat64(1);
  EXPECT_EQ((*writer)->WriteBatch(MakeBatch(schema, {wrong_type})).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->rows_written(), 0);
}

// ---------------------------------------------------------------------------------------------
// A file DuckDB wrote (testdata/generate_duckdb.mjs)

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(STRATA_PARQUET_TESTDATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(DuckDbFileReadTest, ValuesOfEverySupportedColumn) {
  auto reader = OpenFile(ReadTestFile("duckdb_types.parquet"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->num_rows(), 2100);
  const Schema& schema = *reader->schema();
  ASSERT_EQ(schema.num_fields(), 9);
  EXPECT_EQ(schema.field(0), (Field{"id", TypeId::kInt64, true}));
  EXPECT_EQ(schema.field(1), (Field{"big", TypeId::kInt64, true}));
  EXPECT_EQ(schema.field(2), (Field{"host", TypeId::kString, true}));
  EXPECT_EQ(schema.field(3), (Field{"value", TypeId::kFloat64, true}));
  EXPECT_EQ(schema.field(4), (Field{"ts", TypeId::kTimestamp, true}));
  EXPECT_EQ(schema.field(5), (Field{"day", TypeId::kTimestamp, true}));
  EXPECT_EQ(schema.field(6).type, TypeId::kNull);  // DECIMAL
  EXPECT_EQ(schema.field(7), (Field{"even", TypeId::kBool, true}));
  EXPECT_EQ(schema.field(8).type, TypeId::kNull);  // LIST
  EXPECT_TRUE(reader->ColumnSupport(4).ok());
  EXPECT_EQ(reader->ColumnSupport(6).code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(reader->ColumnSupport(6).message(), HasSubstr("'price'"));
  EXPECT_THAT(reader->ColumnSupport(6).message(), HasSubstr("DECIMAL(10, 2)"));
  EXPECT_THAT(reader->ColumnSupport(8).message(), HasSubstr("'pair'"));
  EXPECT_THAT(reader->ColumnSupport(8).message(), HasSubstr("LIST"));
  // Projecting an unsupported column fails; the others read.
  auto bad = reader->ReadRowGroup(0, std::vector<int>{0, 6});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(bad.status().message(), HasSubstr("price"));

  constexpr int64_t kJan2024 = 1'704'067'200'000'000'000;  // 2024-01-01T00:00:00Z in ns
  const std::vector<int> columns = {0, 1, 2, 3, 4, 5, 7};
  int64_t row = 0;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    auto batch = reader->ReadRowGroup(rg, columns);
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++row) {
      const int64_t i = row;
      SCOPED_TRACE(i);
      ASSERT_EQ(batch->column(0)->GetInt64(r), i);
      ASSERT_EQ(batch->column(1)->GetInt64(r), i * 1'000'000'000);
      if (i % 10 == 0) {
        ASSERT_TRUE(batch->column(2)->IsNull(r));
      } else {
        ASSERT_EQ(batch->column(2)->GetString(r), "host_" + std::to_string(i % 7));
      }
      ASSERT_EQ(batch->column(3)->GetFloat64(r), static_cast<double>(i) / 4.0);
      ASSERT_EQ(batch->column(4)->GetInt64(r), kJan2024 + i * 1'000'000'000);
      ASSERT_EQ(batch->column(5)->GetInt64(r), kJan2024 + (i % 30) * 86'400'000'000'000);
      ASSERT_EQ(batch->column(6)->GetBool(r), i % 2 == 0);
    }
  }
  EXPECT_EQ(row, 2100);
  // Footer statistics in strata's types: microseconds scaled to nanoseconds.
  const ColumnChunkStatistics ts = reader->Statistics(0, 4);
  EXPECT_EQ(ts.min, Value(kJan2024));
  EXPECT_EQ(reader->Statistics(0, 0).min, Value(int64_t{0}));
  EXPECT_EQ(reader->Statistics(0, 2).null_count, 205);
}

// ---------------------------------------------------------------------------------------------
// Corrupt files

// Reads everything a reader can read; errors are fine, crashes are not.
void ReadEverything(const std::string& bytes) {
  auto reader = FileReader::Open(MemorySource(bytes));
  if (!reader.ok()) {
    return;
  }
  std::vector<int> columns;
  for (int c = 0; c < (*reader)->num_columns(); ++c) {
    if ((*reader)->ColumnSupport(c).ok()) {
      columns.push_back(c);
    }
  }
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    (void)(*reader)->ReadRowGroup(rg, columns);
    for (int c : columns) {
      (void)(*reader)->Statistics(rg, c);
    }
  }
}

TEST(CorruptFileTest, TruncatedFilesFailCleanly) {
  const SchemaPtr schema = AllTypesSchema();
  WriterOptions options;
  options.target_page_bytes = 512;
  const std::string file = WriteFile(schema, {AllTypesBatch(schema, 300)}, options);
  for (size_t size = 0; size < file.size(); size += (size < 64 ? 1 : 37)) {
    auto reader = FileReader::Open(MemorySource(file.substr(0, size)));
    EXPECT_FALSE(reader.ok()) << size;
  }
  // A footer intact but pages cut: the reads fail with DataLoss naming the column and offset.
  auto reader = OpenFile(file);
  ASSERT_NE(reader, nullptr);
  std::string damaged = file;
  const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[1].meta_data;
  for (int64_t i = meta.data_page_offset; i < meta.data_page_offset + 8; ++i) {
    damaged[static_cast<size_t>(i)] = '\x7f';
  }
  auto damaged_reader = OpenFile(damaged);
  ASSERT_NE(damaged_reader, nullptr);
  auto batch = damaged_reader->ReadRowGroup(0, std::vector<int>{1});
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(batch.status().message(), HasSubstr("'i'"));
  EXPECT_THAT(batch.status().message(), HasSubstr("row group 0"));
  EXPECT_THAT(batch.status().message(),
              HasSubstr("offset " + std::to_string(meta.data_page_offset)));
}

TEST(CorruptFileTest, FlippedBytesNeverCrash) {
  const SchemaPtr schema = AllTypesSchema();
  WriterOptions options;
  options.target_page_bytes = 512;
  options.codec = CompressionCodec::kUncompressed;
  const std::string file = WriteFile(schema, {AllTypesBatch(schema, 200)}, options);
  std::mt19937 random(42);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string damaged = file;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f) {
      const size_t at = random() % damaged.size();
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << (random() % 8)));
    }
    ReadEverything(damaged);
  }
}

TEST(CorruptFileTest, HostileFootersAreRefused) {
  const SchemaPtr schema = AllTypesSchema();
  const std::string file = WriteFile(schema, {AllTypesBatch(schema, 50)});
  auto footer = ParseFooter(file);
  ASSERT_TRUE(footer.ok());
  auto rewrite = [&](const FileMetaData& metadata) {
    std::string out = file.substr(0, 4);
    const std::string bytes = Serialize(metadata);
    out += file.substr(4, file.size() - 4);  // keep the pages where they were
    out += bytes;
    const auto length = static_cast<uint32_t>(bytes.size());
    out.append(reinterpret_cast<const char*>(&length), 4);
    out += "PAR1";
    return out;
  };
  auto open_error = [&](const FileMetaData& metadata) {
    return FileReader::Open(MemorySource(rewrite(metadata))).status();
  };
  {
    FileMetaData bad = *footer;
    bad.schema[0].num_children = 20;
    EXPECT_EQ(open_error(bad).code(), absl::StatusCode::kDataLoss);
  }
  {
    FileMetaData bad = *footer;
    bad.num_rows = 51;
    EXPECT_THAT(open_error(bad).message(), HasSubstr("the footer says 51"));
  }
  {
    FileMetaData bad = *footer;
    bad.row_groups[0].columns.pop_back();
    EXPECT_EQ(open_error(bad).code(), absl::StatusCode::kDataLoss);
  }
  {
    FileMetaData bad = *footer;
    bad.row_groups[0].columns[2].meta_data->type = Type::kDouble;
    EXPECT_EQ(open_error(bad).code(), absl::StatusCode::kDataLoss);
  }
  {
    FileMetaData bad = *footer;
    bad.schema[3].type.reset();
    EXPECT_EQ(open_error(bad).code(), absl::StatusCode::kDataLoss);
  }
  // Chunk offsets outside the file, and row counts beyond the limit, fail the read, not Open.
  {
    FileMetaData bad = *footer;
    bad.row_groups[0].columns[1].meta_data->data_page_offset = 1 << 30;
    auto reader = FileReader::Open(MemorySource(rewrite(bad)));
    ASSERT_TRUE(reader.ok());
    auto read = (*reader)->ReadRowGroup(0, std::vector<int>{1});
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(read.status().message(), HasSubstr("outside the file"));
  }
  {
    ReaderOptions small;
    small.max_row_group_rows = 10;
    auto reader = FileReader::Open(MemorySource(file), small);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->ReadRowGroup(0, std::vector<int>{1}).status().code(),
              absl::StatusCode::kResourceExhausted);
  }
  {
    ReaderOptions small;
    small.max_footer_bytes = 16;
    EXPECT_EQ(FileReader::Open(MemorySource(file), small).status().code(),
              absl::StatusCode::kResourceExhausted);
  }
}

}  // namespace
}  // namespace strata::parquet
