#include "format/result_writer.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "format/timestamp_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace strata::format {
namespace {

constexpr int64_t k2016 = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <typename T>
using Values = std::vector<std::optional<T>>;

ColumnPtr Timestamps(const Values<int64_t>& values) {
  auto column = std::make_shared<Column>(TypeId::kTimestamp);
  for (const auto& v : values) v ? column->AppendInt64(*v) : column->AppendNull();
  return column;
}
ColumnPtr Int64s(const Values<int64_t>& values) {
  auto column = std::make_shared<Column>(TypeId::kInt64);
  for (const auto& v : values) v ? column->AppendInt64(*v) : column->AppendNull();
  return column;
}
ColumnPtr UInt64s(const Values<uint64_t>& values) {
  auto column = std::make_shared<Column>(TypeId::kUInt64);
  for (const auto& v : values) v ? column->AppendUInt64(*v) : column->AppendNull();
  return column;
}
ColumnPtr Float64s(const Values<double>& values) {
  auto column = std::make_shared<Column>(TypeId::kFloat64);
  for (const auto& v : values) v ? column->AppendFloat64(*v) : column->AppendNull();
  return column;
}
ColumnPtr Bools(const Values<bool>& values) {
  auto column = std::make_shared<Column>(TypeId::kBool);
  for (const auto& v : values) v ? column->AppendBool(*v) : column->AppendNull();
  return column;
}
ColumnPtr Strings(const Values<std::string>& values,
                  TypeId type = TypeId::kString,
                  std::shared_ptr<StringDictionary> dictionary = nullptr) {
  auto column = std::make_shared<Column>(type, std::move(dictionary));
  for (const auto& v : values) v ? column->AppendString(*v) : column->AppendNull();
  return column;
}
ColumnPtr Tags(const Values<std::string>& values,
               std::shared_ptr<StringDictionary> dictionary = nullptr) {
  return Strings(values, TypeId::kDictionary, std::move(dictionary));
}

SchemaPtr SchemaOf(std::vector<Field> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

RecordBatch Batch(const SchemaPtr& schema, std::vector<ColumnPtr> columns) {
  absl::StatusOr<std::shared_ptr<RecordBatch>> batch =
      RecordBatch::Make(schema, std::move(columns));
  EXPECT_TRUE(batch.ok()) << batch.status();
  return **batch;
}

// Runs a writer over `batches` and returns everything it wrote.
std::string Encode(ResultFormat format,
                   const SchemaPtr& schema,
                   const std::vector<RecordBatch>& batches) {
  absl::StatusOr<std::unique_ptr<ResultWriter>> writer = ResultWriter::Create(format, schema);
  EXPECT_TRUE(writer.ok()) << writer.status();
  std::string out;
  (*writer)->Begin(&out);
  for (const RecordBatch& batch : batches) {
    (*writer)->WriteBatch(batch, &out);
  }
  (*writer)->Finish(&out);
  return out;
}

// One column of every type, and a row of each kind: plain values, extreme values, all null.
class AllTypesTest : public ::testing::Test {
 protected:
  SchemaPtr schema_ = SchemaOf({{"time", TypeId::kTimestamp, false},
                                {"b", TypeId::kBool},
                                {"i", TypeId::kInt64},
                                {"u", TypeId::kUInt64},
                                {"f", TypeId::kFloat64},
                                {"s", TypeId::kString},
                                {"t", TypeId::kDictionary}});
  RecordBatch batch_ = Batch(schema_,
                             {Timestamps({k2016, k2016 + 500'000'000, k2016 + 1}),
                              Bools({true, false, std::nullopt}),
                              Int64s({-42, std::numeric_limits<int64_t>::min(), std::nullopt}),
                              UInt64s({std::numeric_limits<uint64_t>::max(), 0, std::nullopt}),
                              Float64s({1.0, 0.1, std::nullopt}),
                              Strings({"hello", "", std::nullopt}),
                              Tags({"tag", "tag", std::nullopt})});
};

TEST_F(AllTypesTest, Json) {
  EXPECT_EQ(Encode(ResultFormat::kJson, schema_, {batch_}),
            R"([{"time":"2016-01-01T00:00:00","b":true,"i":-42,"u":18446744073709551615,)"
            R"("f":1.0,"s":"hello","t":"tag"},)"
            R"({"time":"2016-01-01T00:00:00.500","b":false,"i":-9223372036854775808,"u":0,)"
            R"("f":0.1,"s":"","t":"tag"},)"
            R"({"time":"2016-01-01T00:00:00.000000001"}])");
}

TEST_F(AllTypesTest, JsonLines) {
  EXPECT_EQ(Encode(ResultFormat::kJsonLines, schema_, {batch_}),
            R"({"time":"2016-01-01T00:00:00","b":true,"i":-42,"u":18446744073709551615,)"
            R"("f":1.0,"s":"hello","t":"tag"})"
            "\n"
            R"({"time":"2016-01-01T00:00:00.500","b":false,"i":-9223372036854775808,"u":0,)"
            R"("f":0.1,"s":"","t":"tag"})"
            "\n"
            R"({"time":"2016-01-01T00:00:00.000000001"})"
            "\n");
}

TEST_F(AllTypesTest, Csv) {
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema_, {batch_}),
            "time,b,i,u,f,s,t\n"
            "2016-01-01T00:00:00,true,-42,18446744073709551615,1.0,hello,tag\n"
            "2016-01-01T00:00:00.500,false,-9223372036854775808,0,0.1,,tag\n"
            "2016-01-01T00:00:00.000000001,,,,,,\n");
}

TEST_F(AllTypesTest, Pretty) {
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema_, {batch_}),
            "+-------------------------------+-------+----------------------+"
            "----------------------+-----+-------+-----+\n"
            "| time                          | b     | i                    |"
            " u                    | f   | s     | t   |\n"
            "+-------------------------------+-------+----------------------+"
            "----------------------+-----+-------+-----+\n"
            "| 2016-01-01T00:00:00           | true  | -42                  |"
            " 18446744073709551615 | 1.0 | hello | tag |\n"
            "| 2016-01-01T00:00:00.500       | false | -9223372036854775808 |"
            " 0                    | 0.1 |       | tag |\n"
            "| 2016-01-01T00:00:00.000000001 |       |                      |"
            "                      |     |       |     |\n"
            "+-------------------------------+-------+----------------------+"
            "----------------------+-----+-------+-----+");
}

TEST(ResultWriterTest, PrettyMatchesArrowsDocumentedExample) {
  // arrow-cast's pretty_format_batches example (strings and int32 there; int64 here).
  SchemaPtr schema = SchemaOf({{"a", TypeId::kString}, {"b", TypeId::kInt64}});
  RecordBatch batch =
      Batch(schema, {Strings({"a", "b", std::nullopt, "d"}), Int64s({1, std::nullopt, 10, 100})});
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema, {batch}),
            "+---+-----+\n"
            "| a | b   |\n"
            "+---+-----+\n"
            "| a | 1   |\n"
            "| b |     |\n"
            "|   | 10  |\n"
            "| d | 100 |\n"
            "+---+-----+");
}

class FloatTest : public ::testing::Test {
 protected:
  SchemaPtr schema_ = SchemaOf({{"f", TypeId::kFloat64}});
  RecordBatch batch_ =
      Batch(schema_, {Float64s({1e10, 1e-7, -0.0, kNaN, kInf, -kInf, 1e16, 123.25})});
};

TEST_F(FloatTest, JsonWritesNonFiniteAsNullAndLexicalExponents) {
  EXPECT_EQ(Encode(ResultFormat::kJson, schema_, {batch_}),
            R"([{"f":1.0e10},{"f":1.0e-7},{"f":-0.0},{"f":null},{"f":null},{"f":null},)"
            R"({"f":1.0e16},{"f":123.25}])");
}

TEST_F(FloatTest, CsvSpellsOutNonFiniteAndUsesRyuExponents) {
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema_, {batch_}),
            "f\n10000000000.0\n1e-7\n-0.0\nNaN\ninf\n-inf\n1e16\n123.25\n");
}

TEST_F(FloatTest, Pretty) {
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema_, {batch_}),
            "+---------------+\n"
            "| f             |\n"
            "+---------------+\n"
            "| 10000000000.0 |\n"
            "| 1e-7          |\n"
            "| -0.0          |\n"
            "| NaN           |\n"
            "| inf           |\n"
            "| -inf          |\n"
            "| 1e16          |\n"
            "| 123.25        |\n"
            "+---------------+");
}

class EmptyResultTest : public ::testing::Test {
 protected:
  SchemaPtr schema_ = SchemaOf({{"time", TypeId::kTimestamp}, {"value", TypeId::kFloat64}});
  RecordBatch empty_ = Batch(schema_, {Timestamps({}), Float64s({})});
};

TEST_F(EmptyResultTest, NoBatches) {
  EXPECT_EQ(Encode(ResultFormat::kJson, schema_, {}), "[]");
  EXPECT_EQ(Encode(ResultFormat::kJsonLines, schema_, {}), "");
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema_, {}), "time,value\n");
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema_, {}),
            "+------+-------+\n"
            "| time | value |\n"
            "+------+-------+\n"
            "+------+-------+");
}

TEST_F(EmptyResultTest, EmptyBatchesAreTheSameAsNone) {
  for (ResultFormat format :
       {ResultFormat::kJson, ResultFormat::kJsonLines, ResultFormat::kCsv, ResultFormat::kPretty}) {
    EXPECT_EQ(Encode(format, schema_, {empty_, empty_}), Encode(format, schema_, {}))
        << FormatName(format);
  }
}

class MultipleBatchesTest : public ::testing::Test {
 protected:
  SchemaPtr schema_ = SchemaOf({{"a", TypeId::kInt64}});
  std::vector<RecordBatch> batches_ = {Batch(schema_, {Int64s({1, 2})}),
                                       Batch(schema_, {Int64s({})}),
                                       Batch(schema_, {Int64s({3})}),
                                       Batch(schema_, {Int64s({std::nullopt, 40})})};
};

TEST_F(MultipleBatchesTest, RowsContinueAcrossBatches) {
  EXPECT_EQ(Encode(ResultFormat::kJson, schema_, batches_),
            R"([{"a":1},{"a":2},{"a":3},{},{"a":40}])");
  EXPECT_EQ(Encode(ResultFormat::kJsonLines, schema_, batches_),
            "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{}\n{\"a\":40}\n");
  // A line that would be empty is written as "" (csv crate).
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema_, batches_), "a\n1\n2\n3\n\"\"\n40\n");
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema_, batches_),
            "+----+\n| a  |\n+----+\n| 1  |\n| 2  |\n| 3  |\n|    |\n| 40 |\n+----+");
}

// Each call appends only its own part, so the caller can send and clear between calls.
TEST_F(MultipleBatchesTest, StreamsBatchByBatch) {
  auto chunks = [&](ResultFormat format) {
    std::unique_ptr<ResultWriter> writer = *ResultWriter::Create(format, schema_);
    std::vector<std::string> parts;
    std::string out;
    writer->Begin(&out);
    parts.push_back(std::exchange(out, ""));
    for (const RecordBatch& batch : batches_) {
      writer->WriteBatch(batch, &out);
      parts.push_back(std::exchange(out, ""));
    }
    writer->Finish(&out);
    parts.push_back(out);
    return parts;
  };
  EXPECT_THAT(
      chunks(ResultFormat::kJson),
      ::testing::ElementsAre("[", R"({"a":1},{"a":2})", "", R"(,{"a":3})", R"(,{},{"a":40})", "]"));
  EXPECT_THAT(chunks(ResultFormat::kJsonLines),
              ::testing::ElementsAre(
                  "", "{\"a\":1}\n{\"a\":2}\n", "", "{\"a\":3}\n", "{}\n{\"a\":40}\n", ""));
  EXPECT_THAT(chunks(ResultFormat::kCsv),
              ::testing::ElementsAre("a\n", "1\n2\n", "", "3\n", "\"\"\n40\n", ""));
  std::vector<std::string> pretty = chunks(ResultFormat::kPretty);
  EXPECT_THAT(std::vector<std::string>(pretty.begin(), pretty.end() - 1),
              ::testing::Each(::testing::IsEmpty()));
  EXPECT_EQ(pretty.back(), Encode(ResultFormat::kPretty, schema_, batches_));
}

// Fragments written by separate writers (as the partitions of a query write them, each on its own
// thread) and joined by a third give the output of one writer, in the order they are joined.
TEST_F(MultipleBatchesTest, FragmentsJoinIntoTheSameOutput) {
  for (ResultFormat format : {ResultFormat::kJson, ResultFormat::kJsonLines, ResultFormat::kCsv}) {
    std::unique_ptr<ResultWriter> joiner = *ResultWriter::Create(format, schema_);
    ASSERT_TRUE(joiner->supports_fragments()) << FormatName(format);
    // Batches 0 and 2 from one writer, 1 and 3 from another; joined in batch order.
    std::unique_ptr<ResultWriter> even = *ResultWriter::Create(format, schema_);
    std::unique_ptr<ResultWriter> odd = *ResultWriter::Create(format, schema_);
    std::vector<std::string> fragments;
    for (size_t i = 0; i < batches_.size(); ++i) {
      std::string fragment;
      (i % 2 == 0 ? even : odd)->WriteFragment(batches_[i], &fragment);
      fragments.push_back(std::move(fragment));
    }
    std::string out;
    joiner->Begin(&out);
    for (std::string& fragment : fragments) {
      joiner->AppendFragment(&fragment, &out);
    }
    joiner->Finish(&out);
    EXPECT_EQ(out, Encode(format, schema_, batches_)) << FormatName(format);

    // Joined into an output that the caller cleared (sent) in between: pieces, not a copy.
    std::unique_ptr<ResultWriter> streaming = *ResultWriter::Create(format, schema_);
    std::string piece;
    std::string sent;
    streaming->Begin(&piece);
    for (const RecordBatch& batch : batches_) {
      std::string fragment;
      odd->WriteFragment(batch, &fragment);
      streaming->AppendFragment(&fragment, &piece);
      sent += std::exchange(piece, "");
    }
    streaming->Finish(&piece);
    EXPECT_EQ(sent + piece, Encode(format, schema_, batches_)) << FormatName(format);
  }
  std::unique_ptr<ResultWriter> pretty = *ResultWriter::Create(ResultFormat::kPretty, schema_);
  EXPECT_FALSE(pretty->supports_fragments());
}

TEST(ResultWriterTest, JsonArrayOfOnlyEmptyFragmentsIsEmpty) {
  SchemaPtr schema = SchemaOf({{"a", TypeId::kInt64}});
  std::unique_ptr<ResultWriter> part = *ResultWriter::Create(ResultFormat::kJson, schema);
  std::unique_ptr<ResultWriter> joiner = *ResultWriter::Create(ResultFormat::kJson, schema);
  std::string fragment;
  part->WriteFragment(Batch(schema, {Int64s({})}), &fragment);
  EXPECT_EQ(fragment, "");
  std::string out;
  joiner->Begin(&out);
  joiner->AppendFragment(&fragment, &out);
  fragment.clear();
  part->WriteFragment(Batch(schema, {Int64s({7})}), &fragment);
  EXPECT_EQ(fragment, R"(,{"a":7})");
  joiner->AppendFragment(&fragment, &out);
  joiner->Finish(&out);
  EXPECT_EQ(out, R"([{"a":7}])");
}

TEST(ResultWriterTest, JsonOmitsNullsButKeepsKeyOrder) {
  SchemaPtr schema =
      SchemaOf({{"a", TypeId::kInt64}, {"b", TypeId::kString}, {"c", TypeId::kBool}});
  RecordBatch batch = Batch(schema,
                            {Int64s({std::nullopt, 1, std::nullopt, 2}),
                             Strings({"x", std::nullopt, std::nullopt, "y"}),
                             Bools({true, true, std::nullopt, std::nullopt})});
  EXPECT_EQ(Encode(ResultFormat::kJson, schema, {batch}),
            R"([{"b":"x","c":true},{"a":1,"c":true},{},{"a":2,"b":"y"}])");
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, {batch}), "a,b,c\n,x,true\n1,,true\n,,\n2,y,\n");
}

TEST(ResultWriterTest, JsonEscaping) {
  SchemaPtr schema = SchemaOf({{"we\"ird\\key\n", TypeId::kString}});
  RecordBatch batch = Batch(schema,
                            {Strings({"quote\" backslash\\ slash/",
                                      "\b\f\n\r\t",
                                      std::string("\x00\x01\x1f\x7f", 4),
                                      "é 日本 😀 \u2028",
                                      "bad \xff utf8 \xc3",
                                      "<script>"})});
  EXPECT_EQ(Encode(ResultFormat::kJsonLines, schema, {batch}),
            "{\"we\\\"ird\\\\key\\n\":\"quote\\\" backslash\\\\ slash/\"}\n"
            "{\"we\\\"ird\\\\key\\n\":\"\\b\\f\\n\\r\\t\"}\n"
            "{\"we\\\"ird\\\\key\\n\":\"\\u0000\\u0001\\u001f\x7f\"}\n"
            "{\"we\\\"ird\\\\key\\n\":\"é 日本 😀 \u2028\"}\n"
            "{\"we\\\"ird\\\\key\\n\":\"bad \xEF\xBF\xBD utf8 \xEF\xBF\xBD\"}\n"
            "{\"we\\\"ird\\\\key\\n\":\"<script>\"}\n");
}

TEST(ResultWriterTest, CsvQuotesOnlyWhenNeeded) {
  SchemaPtr schema = SchemaOf({{"name, with comma", TypeId::kString}, {"n", TypeId::kInt64}});
  RecordBatch batch = Batch(schema,
                            {Strings({"plain",
                                      "a,b",
                                      "say \"hi\"",
                                      "line\nbreak",
                                      "carriage\rreturn",
                                      " padded ",
                                      "semi;colon\ttab",
                                      "é日本",
                                      "bad\xff",
                                      ""}),
                             Int64s({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})});
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, {batch}),
            "\"name, with comma\",n\n"
            "plain,1\n"
            "\"a,b\",2\n"
            "\"say \"\"hi\"\"\",3\n"
            "\"line\nbreak\",4\n"
            "\"carriage\rreturn\",5\n"
            " padded ,6\n"
            "semi;colon\ttab,7\n"
            "é日本,8\n"
            "bad\xEF\xBF\xBD,9\n"
            ",10\n");
}

TEST(ResultWriterTest, CsvSingleEmptyFieldIsQuoted) {
  SchemaPtr schema = SchemaOf({{"s", TypeId::kString}});
  RecordBatch batch = Batch(schema, {Strings({"", std::nullopt, "x"})});
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, {batch}), "s\n\"\"\n\"\"\nx\n");
  SchemaPtr unnamed = SchemaOf({{"", TypeId::kString}});
  EXPECT_EQ(Encode(ResultFormat::kCsv, unnamed, {}), "\"\"\n");
}

TEST(ResultWriterTest, PrettyWidthsCountTerminalColumns) {
  SchemaPtr schema = SchemaOf({{"name", TypeId::kDictionary}, {"n", TypeId::kInt64}});
  RecordBatch batch =
      Batch(schema, {Tags({"日本語", "ab", "e\u0301", "😀"}), Int64s({1, 22, 3, 4})});
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema, {batch}),
            "+--------+----+\n"
            "| name   | n  |\n"
            "+--------+----+\n"
            "| 日本語 | 1  |\n"
            "| ab     | 22 |\n"
            "| e\u0301      | 3  |\n"
            "| 😀     | 4  |\n"
            "+--------+----+");
}

TEST(ResultWriterTest, PrettyMultiLineCells) {
  SchemaPtr schema = SchemaOf({{"x", TypeId::kString}, {"y", TypeId::kInt64}});
  RecordBatch batch = Batch(schema, {Strings({"a\nbcd", "e"}), Int64s({1, 2})});
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema, {batch}),
            "+-----+---+\n"
            "| x   | y |\n"
            "+-----+---+\n"
            "| a   | 1 |\n"
            "| bcd |   |\n"
            "| e   | 2 |\n"
            "+-----+---+");
}

TEST(ResultWriterTest, PrettyEmptyColumnIsTwoSpacesWide) {
  SchemaPtr schema = SchemaOf({{"", TypeId::kString}});
  RecordBatch batch = Batch(schema, {Strings({std::nullopt})});
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema, {batch}), "+--+\n|  |\n+--+\n|  |\n+--+");
}

TEST(ResultWriterTest, DictionaryChangesBetweenBatches) {
  SchemaPtr schema = SchemaOf({{"t", TypeId::kDictionary}});
  auto first = std::make_shared<StringDictionary>();
  auto second = std::make_shared<StringDictionary>();
  // Code 0 means "x" in the first dictionary and "y,z" in the second.
  std::vector<RecordBatch> batches = {Batch(schema, {Tags({"x", "w"}, first)}),
                                      Batch(schema, {Tags({"y,z"}, second)}),
                                      Batch(schema, {Tags({"w", "v"}, first)})};
  EXPECT_EQ(Encode(ResultFormat::kJsonLines, schema, batches),
            "{\"t\":\"x\"}\n{\"t\":\"w\"}\n{\"t\":\"y,z\"}\n{\"t\":\"w\"}\n{\"t\":\"v\"}\n");
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, batches), "t\nx\nw\n\"y,z\"\nw\nv\n");
}

TEST(ResultWriterTest, StringColumnMayBePlainInOneBatchAndEncodedInAnother) {
  SchemaPtr schema = SchemaOf({{"s", TypeId::kString}});
  std::vector<RecordBatch> batches = {Batch(schema, {Strings({"a"})}),
                                      RecordBatch(schema, {Tags({"b"})}, 1)};
  EXPECT_EQ(Encode(ResultFormat::kJson, schema, batches), R"([{"s":"a"},{"s":"b"}])");
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, batches), "s\na\nb\n");
}

TEST(ResultWriterTest, NullTypedColumnIsWrittenAsNulls) {
  SchemaPtr schema = SchemaOf({{"a", TypeId::kInt64}, {"nothing", TypeId::kNull}});
  auto nulls = std::make_shared<Column>(TypeId::kNull);
  nulls->AppendNulls(2);
  RecordBatch batch = Batch(schema, {Int64s({1, 2}), nulls});
  EXPECT_EQ(Encode(ResultFormat::kJson, schema, {batch}), R"([{"a":1},{"a":2}])");
  EXPECT_EQ(Encode(ResultFormat::kCsv, schema, {batch}), "a,nothing\n1,\n2,\n");
  EXPECT_EQ(Encode(ResultFormat::kPretty, schema, {batch}),
            "+---+---------+\n"
            "| a | nothing |\n"
            "+---+---------+\n"
            "| 1 |         |\n"
            "| 2 |         |\n"
            "+---+---------+");
}

TEST(ResultWriterTest, CreateRejectsIntervalColumns) {
  absl::StatusOr<std::unique_ptr<ResultWriter>> writer = ResultWriter::Create(
      ResultFormat::kCsv, SchemaOf({{"a", TypeId::kInt64}, {"gap", TypeId::kInterval}}));
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(writer.status().message(),
            "column 'gap' has type interval, which csv output cannot write yet");
}

// Random values of every type survive a JSON round trip through an independent parser.
TEST(ResultWriterTest, JsonParsesBackWithNlohmann) {
  std::mt19937_64 random(1234);
  SchemaPtr schema = SchemaOf({{"time", TypeId::kTimestamp},
                               {"i", TypeId::kInt64},
                               {"u", TypeId::kUInt64},
                               {"f", TypeId::kFloat64},
                               {"b", TypeId::kBool},
                               {"s", TypeId::kString},
                               {"t", TypeId::kDictionary}});
  const std::vector<std::string> samples = {
      "", "plain", "quote\"", "back\\slash", "ctl\x01\x1f", "tab\tnl\n", "é日本😀", "\x7f"};
  constexpr int kRows = 3000;
  std::vector<ColumnPtr> columns;
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  auto i = std::make_shared<Column>(TypeId::kInt64);
  auto u = std::make_shared<Column>(TypeId::kUInt64);
  auto f = std::make_shared<Column>(TypeId::kFloat64);
  auto b = std::make_shared<Column>(TypeId::kBool);
  auto s = std::make_shared<Column>(TypeId::kString);
  auto t = std::make_shared<Column>(TypeId::kDictionary);
  for (int row = 0; row < kRows; ++row) {
    const bool null = random() % 5 == 0;
    time->AppendInt64(static_cast<int64_t>(random()));
    null ? i->AppendNull() : i->AppendInt64(static_cast<int64_t>(random()));
    null ? u->AppendNull() : u->AppendUInt64(random());
    double value;
    const uint64_t bits = random();
    std::memcpy(&value, &bits, sizeof(value));
    if (row % 3 == 0) {
      value = static_cast<double>(random() % 100000) / 100;
    }
    null ? f->AppendNull() : f->AppendFloat64(value);
    null ? b->AppendNull() : b->AppendBool(random() % 2 == 0);
    null ? s->AppendNull() : s->AppendString(samples[random() % samples.size()]);
    null ? t->AppendNull() : t->AppendString(samples[random() % samples.size()]);
  }
  RecordBatch batch = Batch(schema, {time, i, u, f, b, s, t});

  auto check_row = [&](const nlohmann::json& object, int64_t row) {
    ASSERT_TRUE(object.is_object());
    EXPECT_EQ(object.at("time").get<std::string>(), FormatTimestamp(time->GetInt64(row)));
    if (i->IsNull(row)) {
      EXPECT_EQ(object.size(), 1u);
      return;
    }
    EXPECT_EQ(object.at("i").get<int64_t>(), i->GetInt64(row));
    EXPECT_EQ(object.at("u").get<uint64_t>(), u->GetUInt64(row));
    const double value = f->GetFloat64(row);
    if (std::isfinite(value)) {
      EXPECT_EQ(object.at("f").get<double>(), value);
    } else {
      EXPECT_TRUE(object.at("f").is_null());
    }
    EXPECT_EQ(object.at("b").get<bool>(), b->GetBool(row));
    EXPECT_EQ(object.at("s").get<std::string>(), s->GetString(row));
    EXPECT_EQ(object.at("t").get<std::string>(), t->GetString(row));
  };

  const nlohmann::json array = nlohmann::json::parse(Encode(ResultFormat::kJson, schema, {batch}));
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.size(), static_cast<size_t>(kRows));
  for (int row = 0; row < kRows; ++row) {
    check_row(array[static_cast<size_t>(row)], row);
  }

  const std::string lines = Encode(ResultFormat::kJsonLines, schema, {batch});
  size_t begin = 0;
  for (int row = 0; row < kRows; ++row) {
    const size_t end = lines.find('\n', begin);
    ASSERT_NE(end, std::string::npos);
    check_row(nlohmann::json::parse(lines.substr(begin, end - begin)), row);
    begin = end + 1;
  }
  EXPECT_EQ(begin, lines.size());
}

}  // namespace
}  // namespace strata::format
