// Tests of the reader on pages strata's writer never produces, built by hand: data page v2,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, dictionary-encoded numbers, RLE
// booleans, INT32 and FLOAT leaves, and malformed bodies of each.
#include <cstring>
#include <string>
#include <vector>

#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parquet/encoding_delta.h"
#include "parquet/encoding_plain.h"
#include "parquet/encoding_rle.h"
#include "parquet/file_reader.h"
#include "parquet/file_test_util.h"

// The pages below are designated initializers that leave the other members at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace strata::parquet {
namespace {

using testing::Cell;
using ::testing::HasSubstr;

// One page of a one-column file.
struct Page {
  PageType type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t num_values = 0;
  std::string body;  // v1: levels and values; v2: values only
  std::string v2_levels;
  int32_t v2_num_nulls = 0;
};

// A file with one OPTIONAL (or REQUIRED) leaf of `leaf` type, one row group of `rows` rows and
// the given uncompressed pages.
std::string HandmadeFile(SchemaElement leaf, int64_t rows, const std::vector<Page>& pages) {
  std::string file = "PAR1";
  FileMetaData metadata;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  leaf.name = "x";
  metadata.schema = {root, leaf};
  metadata.num_rows = rows;
  ColumnMetaData meta;
  meta.type = *leaf.type;
  meta.path_in_schema = {"x"};
  meta.codec = CompressionCodec::kUncompressed;
  meta.num_values = rows;
  const int64_t start = static_cast<int64_t>(file.size());
  meta.data_page_offset = start;
  for (const Page& page : pages) {
    PageHeader header;
    header.type = page.type;
    if (page.type == PageType::kDictionaryPage) {
      header.dictionary_page_header = DictionaryPageHeader{.num_values = page.num_values};
      meta.dictionary_page_offset = static_cast<int64_t>(file.size());
      header.uncompressed_page_size = static_cast<int32_t>(page.body.size());
    } else if (page.type == PageType::kDataPage) {
      header.data_page_header =
          DataPageHeader{.num_values = page.num_values, .encoding = page.encoding};
      header.uncompressed_page_size = static_cast<int32_t>(page.body.size());
    } else {
      header.data_page_header_v2 = DataPageHeaderV2{
          .num_values = page.num_values,
          .num_nulls = page.v2_num_nulls,
          .num_rows = page.num_values,
          .encoding = page.encoding,
          .definition_levels_byte_length = static_cast<int32_t>(page.v2_levels.size()),
          .repetition_levels_byte_length = 0,
          .is_compressed = false};
      header.uncompressed_page_size =
          static_cast<int32_t>(page.v2_levels.size() + page.body.size());
    }
    header.compressed_page_size = header.uncompressed_page_size;
    if (page.type != PageType::kDictionaryPage && meta.data_page_offset == start &&
        meta.dictionary_page_offset.has_value()) {
      meta.data_page_offset = static_cast<int64_t>(file.size());
    }
    file += Serialize(header);
    file += page.v2_levels;
    file += page.body;
  }
  meta.total_compressed_size = static_cast<int64_t>(file.size()) - start;
  meta.total_uncompressed_size = meta.total_compressed_size;
  ColumnChunk chunk;
  chunk.meta_data = meta;
  RowGroup rg;
  rg.columns = {chunk};
  rg.num_rows = rows;
  metadata.row_groups = {rg};
  const std::string footer = Serialize(metadata);
  file += footer;
  const auto length = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&length), 4);
  file += "PAR1";
  return file;
}

SchemaElement Leaf(Type type, bool optional = true) {
  SchemaElement leaf;
  leaf.type = type;
  leaf.repetition_type = optional ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
  return leaf;
}

std::string Levels(const std::vector<uint8_t>& levels) {
  std::string out;
  EncodeRleBitPackedLengthPrefixed(std::span<const uint8_t>(levels), 1, &out);
  return out;
}

std::string BareLevels(const std::vector<uint8_t>& levels) {
  std::string out;
  EncodeRleBitPacked(std::span<const uint8_t>(levels), 1, &out);
  return out;
}

std::string DeltaLengths(const std::vector<std::string>& values) {
  std::vector<int32_t> lengths;
  std::string bytes;
  for (const std::string& value : values) {
    lengths.push_back(static_cast<int32_t>(value.size()));
    bytes += value;
  }
  std::string out;
  EncodeDeltaBinaryPacked(std::span<const int32_t>(lengths), &out);
  return out + bytes;
}

absl::StatusOr<std::vector<std::string>> ReadCells(const std::string& file) {
  STRATA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(MemorySource(file)));
  STRATA_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadRowGroup(0, std::vector<int>{0}));
  std::vector<std::string> cells;
  for (int64_t i = 0; i < batch.num_rows(); ++i) {
    cells.push_back(Cell(*batch.column(0), i));
  }
  return cells;
}

TEST(HandmadePageTest, DeltaLengthByteArrayInPageV1AndV2) {
  const std::vector<std::string> values = {"", "abc", "héllo", "", "xyz"};
  const std::string delta = DeltaLengths(values);
  // v1: levels then values; one null in the middle.
  Page v1{.encoding = Encoding::kDeltaLengthByteArray, .num_values = 6};
  v1.body = Levels({1, 1, 0, 1, 1, 1}) + delta;
  auto cells = ReadCells(HandmadeFile(Leaf(Type::kByteArray), 6, {v1}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("''", "'abc'", "null", "'héllo'", "''", "'xyz'"));
  // v2: levels outside the values; two pages.
  Page a{.type = PageType::kDataPageV2,
         .encoding = Encoding::kDeltaLengthByteArray,
         .num_values = 3,
         .v2_num_nulls = 1};
  a.v2_levels = BareLevels({1, 0, 1});
  a.body = DeltaLengths({"first", "second"});
  Page b{.type = PageType::kDataPageV2, .encoding = Encoding::kPlain, .num_values = 2};
  b.v2_levels = BareLevels({1, 1});
  std::vector<std::string_view> plain = {"p1", "p2"};
  ASSERT_TRUE(EncodePlainByteArray(std::span<const std::string_view>(plain), &b.body).ok());
  cells = ReadCells(HandmadeFile(Leaf(Type::kByteArray), 5, {a, b}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("'first'", "null", "'second'", "'p1'", "'p2'"));
}

TEST(HandmadePageTest, DeltaByteArray) {
  // "apple", "applesauce", "apply", "banana", "band": prefixes 0, 5, 4, 0, 3.
  std::vector<int32_t> prefixes = {0, 5, 4, 0, 3};
  std::string body;
  EncodeDeltaBinaryPacked(std::span<const int32_t>(prefixes), &body);
  body += DeltaLengths({"apple", "sauce", "y", "banana", "d"});
  Page page{.encoding = Encoding::kDeltaByteArray, .num_values = 5, .body = body};
  auto cells = ReadCells(HandmadeFile(Leaf(Type::kByteArray, false), 5, {page}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells,
              ::testing::ElementsAre("'apple'", "'applesauce'", "'apply'", "'banana'", "'band'"));
  // A prefix longer than the value before it.
  prefixes = {0, 9};
  std::string bad;
  EncodeDeltaBinaryPacked(std::span<const int32_t>(prefixes), &bad);
  bad += DeltaLengths({"ab", "c"});
  Page bad_page{.encoding = Encoding::kDeltaByteArray, .num_values = 2, .body = bad};
  auto failed = ReadCells(HandmadeFile(Leaf(Type::kByteArray, false), 2, {bad_page}));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(failed.status().message(), HasSubstr("prefix 9"));
  EXPECT_THAT(failed.status().message(), HasSubstr("parquet column 'x' (row group 0)"));
}

TEST(HandmadePageTest, ByteStreamSplitFloatsDoublesAndIntegers) {
  auto split = [](const void* data, size_t count, size_t width) {
    std::string out(count * width, '\0');
    const auto* bytes = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < count; ++i) {
      for (size_t k = 0; k < width; ++k) {
        out[k * count + i] = static_cast<char>(bytes[i * width + k]);
      }
    }
    return out;
  };
  const double doubles[] = {1.5, -0.0, 1e300};
  Page d{.encoding = Encoding::kByteStreamSplit, .num_values = 3, .body = split(doubles, 3, 8)};
  auto cells = ReadCells(HandmadeFile(Leaf(Type::kDouble, false), 3, {d}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_EQ((*cells)[0],
            Cell(
                *[] {
                  auto c = std::make_shared<Column>(TypeId::kFloat64);
                  c->AppendFloat64(1.5);
                  return c;
                }(),
                0));
  const float floats[] = {0.25f, -3.0f};
  Page f{.encoding = Encoding::kByteStreamSplit, .num_values = 3};
  f.body = Levels({1, 0, 1}) + split(floats, 2, 4);
  auto reader = FileReader::Open(MemorySource(HandmadeFile(Leaf(Type::kFloat), 3, {f})));
  ASSERT_TRUE(reader.ok());
  auto batch = (*reader)->ReadRowGroup(0, std::vector<int>{0});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->column(0)->GetFloat64(0), 0.25);
  EXPECT_TRUE(batch->column(0)->IsNull(1));
  EXPECT_EQ(batch->column(0)->GetFloat64(2), -3.0);
  const int64_t ints[] = {-1, 1LL << 40};
  Page i{.encoding = Encoding::kByteStreamSplit, .num_values = 2, .body = split(ints, 2, 8)};
  cells = ReadCells(HandmadeFile(Leaf(Type::kInt64, false), 2, {i}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("-1", "1099511627776"));
  // Too short.
  Page short_page{
      .encoding = Encoding::kByteStreamSplit, .num_values = 3, .body = std::string(20, '\0')};
  EXPECT_EQ(ReadCells(HandmadeFile(Leaf(Type::kDouble, false), 3, {short_page})).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(HandmadePageTest, DictionaryEncodedNumbersAndRleBooleans) {
  // An INT32 dictionary (DATE values: days) with RLE_DICTIONARY indices.
  SchemaElement date = Leaf(Type::kInt32);
  date.logical_type = LogicalType::Date();
  Page dictionary{.type = PageType::kDictionaryPage, .num_values = 2};
  const int32_t days[] = {-1, 19'723};
  EncodePlain(std::span<const int32_t>(days), &dictionary.body);
  Page data{.encoding = Encoding::kRleDictionary, .num_values = 4};
  const std::vector<int32_t> indices = {1, 0, 1};
  data.body = Levels({1, 1, 0, 1});
  EncodeRleDictionaryIndices(std::span<const int32_t>(indices), 2, &data.body);
  auto cells = ReadCells(HandmadeFile(date, 4, {dictionary, data}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells,
              ::testing::ElementsAre(
                  "1704067200000000000", "-86400000000000", "null", "1704067200000000000"));
  // An index past the dictionary.
  Page bad{.encoding = Encoding::kRleDictionary, .num_values = 1};
  const std::vector<int32_t> too_far = {2};
  EncodeRleDictionaryIndices(std::span<const int32_t>(too_far), 3, &bad.body);
  SchemaElement plain_int = Leaf(Type::kInt32, false);
  EXPECT_EQ(ReadCells(HandmadeFile(plain_int, 1, {dictionary, bad})).status().code(),
            absl::StatusCode::kDataLoss);
  // Indices without a dictionary page.
  EXPECT_THAT(ReadCells(HandmadeFile(plain_int, 1, {bad})).status().message(),
              HasSubstr("without a dictionary page"));
  // RLE booleans (data page v2 style, length-prefixed).
  Page booleans{.encoding = Encoding::kRle, .num_values = 3};
  booleans.body = Levels({1, 0, 1, 1}).substr(0, 0);
  EncodeRleBitPackedLengthPrefixed(
      std::span<const uint8_t>(std::vector<uint8_t>{1, 0, 1}), 1, &booleans.body);
  cells = ReadCells(HandmadeFile(Leaf(Type::kBoolean, false), 3, {booleans}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("true", "false", "true"));
}

TEST(HandmadePageTest, UnsignedInt32AndTimestampOverflow) {
  SchemaElement u32 = Leaf(Type::kInt32, false);
  u32.logical_type = LogicalType::Integer(32, false);
  Page page{.num_values = 2};
  const int32_t values[] = {-1, 7};
  EncodePlain(std::span<const int32_t>(values), &page.body);
  auto cells = ReadCells(HandmadeFile(u32, 2, {page}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("4294967295", "7"));
  // DELTA_BINARY_PACKED computed in 64 bits over unsigned values, as DuckDB writes UINT32.
  Page delta{.encoding = Encoding::kDeltaBinaryPacked, .num_values = 3};
  const int64_t wide[] = {4294967295, 0, 7};
  EncodeDeltaBinaryPacked(std::span<const int64_t>(wide), &delta.body);
  cells = ReadCells(HandmadeFile(u32, 3, {delta}));
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_THAT(*cells, ::testing::ElementsAre("4294967295", "0", "7"));
  // Milliseconds that do not fit in int64 nanoseconds.
  SchemaElement millis = Leaf(Type::kInt64, false);
  millis.logical_type = LogicalType::Timestamp(true, TimeUnit::kMillis);
  Page big{.num_values = 1};
  const int64_t huge[] = {int64_t{1} << 60};
  EncodePlain(std::span<const int64_t>(huge), &big.body);
  auto overflow = ReadCells(HandmadeFile(millis, 1, {big}));
  EXPECT_EQ(overflow.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(overflow.status().message(), HasSubstr("timestamp(ns)"));
}

TEST(HandmadePageTest, PagesThatDisagreeWithTheRowCount) {
  Page page{.num_values = 3};
  const int64_t values[] = {1, 2, 3};
  EncodePlain(std::span<const int64_t>(values), &page.body);
  // More values than rows, and fewer.
  EXPECT_THAT(ReadCells(HandmadeFile(Leaf(Type::kInt64, false), 2, {page})).status().message(),
              HasSubstr("pass the 2 rows expected"));
  EXPECT_THAT(ReadCells(HandmadeFile(Leaf(Type::kInt64, false), 4, {page})).status().message(),
              HasSubstr("ends after 3 of its 4 rows"));
  // A PLAIN page too short for its values.
  Page short_page{.num_values = 3, .body = page.body.substr(0, 20)};
  EXPECT_EQ(ReadCells(HandmadeFile(Leaf(Type::kInt64, false), 3, {short_page})).status().code(),
            absl::StatusCode::kDataLoss);
  // An unsupported encoding says so.
  Page odd{.encoding = Encoding::kDeltaBinaryPacked, .num_values = 3, .body = page.body};
  EXPECT_EQ(ReadCells(HandmadeFile(Leaf(Type::kDouble, false), 3, {odd})).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace strata::parquet
