// Tests of the v1 encodings against what InfluxDB 1.8 (Go's encoding/json, strconv and
// encoding/csv) writes for the same results.
#include "influxql/result_json.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "columnar/string_dictionary.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::influxql {
namespace {

using ::testing::ElementsAre;

constexpr int64_t k2016 = 1451606400LL * 1'000'000'000;  // 2016-01-01T00:00:00Z

std::string JsonFloat(double value) {
  std::string out;
  AppendGoJsonFloat(value, &out);
  return out;
}

std::string Positional(double value) {
  std::string out;
  AppendGoFloatPositional(value, &out);
  return out;
}

std::string Json(const std::vector<StatementResult>& results, EncodeOptions options = {}) {
  std::string out;
  AppendV1Json(results, options, &out);
  return out;
}

Series Cpu() {
  Series series;
  series.name = "cpu";
  series.tags = {{"region", "us"}, {"host", "a"}};
  series.columns = {"time", "mean"};
  series.values = {{ResultTime{k2016}, 1.5}, {ResultTime{k2016 + 500'000'000}, 2.0}};
  return series;
}

TEST(GoFloatTest, JsonUsesPositionalNotationBetween1eMinus6And1e21) {
  EXPECT_EQ(JsonFloat(2.0), "2");
  EXPECT_EQ(JsonFloat(1.5), "1.5");
  EXPECT_EQ(JsonFloat(0.1), "0.1");
  EXPECT_EQ(JsonFloat(-0.0), "-0");
  EXPECT_EQ(JsonFloat(0.0), "0");
  EXPECT_EQ(JsonFloat(123456789.0), "123456789");
  EXPECT_EQ(JsonFloat(1e-6), "0.000001");
  EXPECT_EQ(JsonFloat(1e20), "100000000000000000000");
  // Go pads the shortest digits with zeros; it does not print the double's exact value
  // (123456789012345677877...).
  EXPECT_EQ(JsonFloat(1.2345678901234568e20), "123456789012345680000");
  EXPECT_EQ(JsonFloat(9.999999999999999e20), "999999999999999900000");
}

TEST(GoFloatTest, JsonUsesExponentsOutsideThatRange) {
  EXPECT_EQ(JsonFloat(1e21), "1e+21");
  EXPECT_EQ(JsonFloat(-1.5e21), "-1.5e+21");
  EXPECT_EQ(JsonFloat(1e-7), "1e-7");
  EXPECT_EQ(JsonFloat(1.25e-7), "1.25e-7");
  EXPECT_EQ(JsonFloat(9.99e-10), "9.99e-10");
  EXPECT_EQ(JsonFloat(1e100), "1e+100");
  EXPECT_EQ(JsonFloat(5e-324), "5e-324");
  EXPECT_EQ(JsonFloat(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(GoFloatTest, PositionalNeverUsesAnExponent) {
  EXPECT_EQ(Positional(2.0), "2");
  EXPECT_EQ(Positional(1e21), "1000000000000000000000");
  EXPECT_EQ(Positional(1e-7), "0.0000001");
  EXPECT_EQ(Positional(std::nan("")), "NaN");
  EXPECT_EQ(Positional(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Positional(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(TimeTest, Rfc3339NanoTrimsTrailingZeros) {
  EXPECT_EQ(FormatRfc3339Nano(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(k2016), "2016-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 500'000'000), "2016-01-01T00:00:00.5Z");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 1), "2016-01-01T00:00:00.000000001Z");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 123'450'000), "2016-01-01T00:00:00.12345Z");
  EXPECT_EQ(FormatRfc3339Nano(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(TimeTest, Rfc3339NanoWithAnOffsetWritesLocalTimeAsGo) {
  constexpr int32_t kCst = -6 * 3600;
  constexpr int32_t kIst = 5 * 3600 + 30 * 60;
  EXPECT_EQ(FormatRfc3339Nano(k2016, kCst), "2015-12-31T18:00:00-06:00");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 500'000'000, kCst), "2015-12-31T18:00:00.5-06:00");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 123'450'000, kIst), "2016-01-01T05:30:00.12345+05:30");
  EXPECT_EQ(FormatRfc3339Nano(k2016 + 1, kIst), "2016-01-01T05:30:00.000000001+05:30");
  EXPECT_EQ(FormatRfc3339Nano(-1, 3600), "1970-01-01T00:59:59.999999999+01:00");
  EXPECT_EQ(FormatRfc3339Nano(k2016, -(9 * 3600 + 30 * 60)), "2015-12-31T14:30:00-09:30");
  // Offset 0 is `Z` in any zone (Go: tz('UTC'), Europe/London in winter).
  EXPECT_EQ(FormatRfc3339Nano(k2016, 0), "2016-01-01T00:00:00Z");
  // Go writes whole minutes, truncated toward zero: Chicago's local mean time before 1883 was
  // -5:50:36; the time itself keeps the seconds.
  EXPECT_EQ(FormatRfc3339Nano(k2016, -21036), "2015-12-31T18:09:24-05:50");
  EXPECT_EQ(FormatRfc3339Nano(k2016, 30), "2016-01-01T00:00:30+00:00");
}

TEST(TimeTest, Rfc3339NanoWithAnOffsetNearTheInt64Limits) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() - 1;  // InfluxDB's MaxTime
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min() + 2;  // InfluxDB's MinTime
  EXPECT_EQ(FormatRfc3339Nano(kMax), "2262-04-11T23:47:16.854775806Z");
  EXPECT_EQ(FormatRfc3339Nano(kMax, 9 * 3600), "2262-04-12T08:47:16.854775806+09:00");
  EXPECT_EQ(FormatRfc3339Nano(kMax, -5 * 3600), "2262-04-11T18:47:16.854775806-05:00");
  EXPECT_EQ(FormatRfc3339Nano(kMin), "1677-09-21T00:12:43.145224194Z");
  EXPECT_EQ(FormatRfc3339Nano(kMin, -5 * 3600), "1677-09-20T19:12:43.145224194-05:00");
  EXPECT_EQ(FormatRfc3339Nano(kMin, 14 * 3600), "1677-09-21T14:12:43.145224194+14:00");
}

TEST(TimeTest, EpochUnitsAsInfluxDB18) {
  EXPECT_EQ(ParseEpoch(""), EpochUnit::kRfc3339);
  EXPECT_EQ(ParseEpoch("ns"), EpochUnit::kNanoseconds);
  EXPECT_EQ(ParseEpoch("n"), EpochUnit::kNanoseconds);
  EXPECT_EQ(ParseEpoch("bogus"), EpochUnit::kNanoseconds);
  EXPECT_EQ(ParseEpoch("u"), EpochUnit::kMicroseconds);
  EXPECT_EQ(ParseEpoch("\xC2\xB5"), EpochUnit::kMicroseconds);
  EXPECT_EQ(ParseEpoch("ms"), EpochUnit::kMilliseconds);
  EXPECT_EQ(ParseEpoch("s"), EpochUnit::kSeconds);
  EXPECT_EQ(ParseEpoch("m"), EpochUnit::kMinutes);
  EXPECT_EQ(ParseEpoch("h"), EpochUnit::kHours);
  EXPECT_EQ(TimeInUnit(k2016 + 1'500'000, EpochUnit::kMilliseconds), 1451606400001);
  EXPECT_EQ(TimeInUnit(k2016, EpochUnit::kHours), 403224);
  // Go's integer division truncates toward zero.
  EXPECT_EQ(TimeInUnit(-1'500'000, EpochUnit::kMilliseconds), -1);
  EXPECT_EQ(TimeInUnit(-1, EpochUnit::kSeconds), 0);
}

TEST(V1JsonTest, SeriesWithTagsAndTimes) {
  StatementResult result;
  result.series.push_back(Cpu());
  EXPECT_EQ(Json({result}),
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a",)"
            R"("region":"us"},"columns":["time","mean"],"values":[["2016-01-01T00:00:00Z",1.5],)"
            R"(["2016-01-01T00:00:00.5Z",2]]}]}]})"
            "\n");
}

TEST(V1JsonTest, EpochWritesTimesAsIntegers) {
  StatementResult result;
  result.series.push_back(Cpu());
  result.series[0].tags.clear();
  EXPECT_EQ(Json({result}, {.epoch = EpochUnit::kMilliseconds}),
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","mean"],)"
            R"("values":[[1451606400000,1.5],[1451606400500,2]]}]}]})"
            "\n");
  EXPECT_EQ(Json({result}, {.epoch = EpochUnit::kNanoseconds}),
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","mean"],)"
            R"("values":[[1451606400000000000,1.5],[1451606400500000000,2]]}]}]})"
            "\n");
}

TEST(V1JsonTest, TimesWithAZoneOffset) {
  // tz('America/Chicago') across the 2016 daylight saving change: each time has the offset in
  // force at that instant. Integer times (epoch) and CSV do not change.
  constexpr int64_t kMarch13 = 1457848800LL * 1'000'000'000;  // 2016-03-13T06:00:00Z
  StatementResult result;
  Series series;
  series.name = "d";
  series.columns = {"time", "count"};
  series.values = {{ResultTime{kMarch13, -6 * 3600}, int64_t{2}},
                   {ResultTime{kMarch13 + 23 * 3'600'000'000'000, -5 * 3600}, int64_t{2}}};
  result.series.push_back(series);
  EXPECT_EQ(Json({result}),
            R"({"results":[{"statement_id":0,"series":[{"name":"d","columns":["time","count"],)"
            R"("values":[["2016-03-13T00:00:00-06:00",2],["2016-03-14T00:00:00-05:00",2]]}]}]})"
            "\n");
  EXPECT_EQ(Json({result}, {.epoch = EpochUnit::kSeconds}),
            R"({"results":[{"statement_id":0,"series":[{"name":"d","columns":["time","count"],)"
            R"("values":[[1457848800,2],[1457931600,2]]}]}]})"
            "\n");
  std::string csv;
  V1CsvWriter writer(EpochUnit::kRfc3339);
  writer.Append({result}, &csv);
  EXPECT_EQ(csv,
            "name,tags,time,count\n"
            "d,,1457848800000000000,2\n"
            "d,,1457931600000000000,2\n");
}

TEST(V1JsonTest, EmptyStatementsErrorsAndMessages) {
  StatementResult empty;
  StatementResult failed;
  failed.statement_id = 1;
  failed.error = "database not found: x";
  StatementResult warned;
  warned.statement_id = 2;
  warned.messages.push_back({"warning", "deprecated"});
  EXPECT_EQ(Json({empty, failed, warned}),
            R"({"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: x"},)"
            R"({"statement_id":2,"messages":[{"level":"warning","text":"deprecated"}]}]})"
            "\n");
}

TEST(V1JsonTest, EveryValueType) {
  StatementResult result;
  Series series;
  series.name = "m";
  series.columns = {"f", "i", "u", "s", "b", "n"};
  series.values = {{-2.5,
                    int64_t{-9223372036854775807 - 1},
                    uint64_t{18446744073709551615u},
                    std::string("x"),
                    true,
                    std::monostate{}},
                   {std::nan(""), int64_t{0}, uint64_t{0}, std::string(""), false, 1e21}};
  result.series.push_back(series);
  EXPECT_EQ(
      Json({result}),
      R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["f","i","u","s","b","n"],)"
      R"("values":[[-2.5,-9223372036854775808,18446744073709551615,"x",true,null],)"
      R"([null,0,0,"",false,1e+21]]}]}]})"
      "\n");
}

TEST(V1JsonTest, StringsAreEscapedAsGoDoes) {
  StatementResult result;
  Series series;
  series.columns = {"key"};
  series.values = {{std::string("a\"b\\c\n\t\r<>&\x01\x7f\xe2\x80\xa8\xff\xc3\xa9")}};
  result.series.push_back(series);
  EXPECT_EQ(Json({result}),
            R"({"results":[{"statement_id":0,"series":[{"columns":["key"],"values":)"
            R"([["a\"b\\c\n\t\r\u003c\u003e\u0026\u0001)"
            "\x7f"
            R"(\u2028\ufffd)"
            "\xc3\xa9"
            R"("]]}]}]})"
            "\n");
}

TEST(V1JsonTest, PrettyIndentsWithFourSpaces) {
  StatementResult result;
  Series series;
  series.name = "databases";
  series.columns = {"name"};
  series.values = {{std::string("db")}};
  result.series.push_back(series);
  StatementResult empty;
  empty.statement_id = 1;
  EXPECT_EQ(Json({result, empty}, {.pretty = true}),
            "{\n"
            "    \"results\": [\n"
            "        {\n"
            "            \"statement_id\": 0,\n"
            "            \"series\": [\n"
            "                {\n"
            "                    \"name\": \"databases\",\n"
            "                    \"columns\": [\n"
            "                        \"name\"\n"
            "                    ],\n"
            "                    \"values\": [\n"
            "                        [\n"
            "                            \"db\"\n"
            "                        ]\n"
            "                    ]\n"
            "                }\n"
            "            ]\n"
            "        },\n"
            "        {\n"
            "            \"statement_id\": 1\n"
            "        }\n"
            "    ]\n"
            "}\n");
}

TEST(V1JsonTest, RequestError) {
  std::string out;
  AppendV1JsonError("error parsing query: found X", false, &out);
  EXPECT_EQ(out, "{\"error\":\"error parsing query: found X\"}\n");
  out.clear();
  AppendV1JsonError("bad", true, &out);
  EXPECT_EQ(out, "{\n    \"error\": \"bad\"\n}\n");
}

TEST(ChunkTest, SplitsSeriesIntoPartialChunks) {
  StatementResult result;
  result.statement_id = 3;
  result.messages.push_back({"info", "hello"});
  Series a = Cpu();
  a.values.push_back({ResultTime{k2016 + 1'000'000'000}, 3.0});  // 3 rows
  Series b = Cpu();
  b.name = "mem";
  b.values.resize(1);  // 1 row
  result.series = {a, b};
  std::vector<ResultChunk> chunks = SplitIntoChunks(result, 2);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].result.series[0].values.size(), 2u);
  EXPECT_TRUE(chunks[0].result.series[0].partial);
  EXPECT_TRUE(chunks[0].partial);
  EXPECT_THAT(chunks[0].result.messages, ElementsAre(ResultMessage{"info", "hello"}));
  EXPECT_EQ(chunks[1].result.series[0].values.size(), 1u);
  EXPECT_FALSE(chunks[1].result.series[0].partial);
  EXPECT_TRUE(chunks[1].partial);
  EXPECT_TRUE(chunks[1].result.messages.empty());
  EXPECT_EQ(chunks[2].result.series[0].name, "mem");
  EXPECT_FALSE(chunks[2].partial);
  EXPECT_EQ(chunks[2].result.statement_id, 3);

  std::string line;
  AppendV1JsonChunk(chunks[1], {.epoch = EpochUnit::kSeconds}, &line);
  EXPECT_EQ(line,
            R"({"results":[{"statement_id":3,"series":[{"name":"cpu","tags":{"host":"a",)"
            R"("region":"us"},"columns":["time","mean"],"values":[[1451606401,3]]}],)"
            R"("partial":true}]})"
            "\n");
}

// A series whose rows stay in engine columns: two blocks with different dictionaries, every
// column type, nulls, a string to escape and a NaN; rows in an order that jumps between blocks.
Series ColumnarCpu() {
  auto blocks = std::make_shared<std::vector<ColumnarRows::Block>>();
  for (int b = 0; b < 2; ++b) {
    auto dictionary = std::make_shared<StringDictionary>();
    if (b == 1) {
      dictionary->GetOrInsert("unused");
    }
    auto time = std::make_shared<Column>(TypeId::kTimestamp);
    auto usage = std::make_shared<Column>(TypeId::kFloat64);
    auto host = std::make_shared<Column>(TypeId::kDictionary, dictionary);
    auto note = std::make_shared<Column>(TypeId::kString);
    auto count = std::make_shared<Column>(TypeId::kInt64);
    auto bytes = std::make_shared<Column>(TypeId::kUInt64);
    auto up = std::make_shared<Column>(TypeId::kBool);
    for (int r = 0; r < 3; ++r) {
      // Rows 0 and 1 of a block share a time.
      time->AppendInt64(k2016 + (b * 3 + (r == 2 ? 1 : 0)) * 500'000'000);
      if (r == 1) {
        usage->AppendNull();
        host->AppendNull();
        note->AppendNull();
        count->AppendNull();
        bytes->AppendNull();
        up->AppendNull();
        continue;
      }
      usage->AppendFloat64(b == 1 && r == 2 ? std::nan("") : 1.5 * (b + r));
      host->AppendDictionaryCode(dictionary->GetOrInsert(r == 0 ? "<a>" : "b"));
      note->AppendString(b == 0 ? "say \"hi\"" : "");
      count->AppendInt64(-7 * (b + r));
      bytes->AppendUInt64(std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(r));
      up->AppendBool(r == 0);
    }
    blocks->push_back(ColumnarRows::Block{{time, usage, host, note, count, bytes, up}});
  }
  Series series;
  series.name = "cpu";
  series.columns = {"time", "usage", "host", "note", "count", "bytes", "up"};
  ColumnarRows& rows = series.columnar.emplace();
  rows.blocks = blocks;
  for (auto [b, r] : {std::pair{1, 2}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 2}}) {
    rows.rows.push_back(ColumnarRows::Ref(static_cast<size_t>(b), r));
  }
  return series;
}

TEST(ColumnarRowsTest, EncodeAsTheirCells) {
  const Series columnar = ColumnarCpu();
  Series cells = columnar;
  cells.Materialize();
  ASSERT_FALSE(cells.columnar.has_value());
  ASSERT_EQ(cells.values.size(), 6u);
  EXPECT_EQ(cells.values[0][0], ResultValue(ResultTime{k2016 + 2'000'000'000}));
  EXPECT_EQ(cells.values[1][2], ResultValue(std::string("<a>")));
  EXPECT_EQ(cells.values[2][1], ResultValue());
  EXPECT_EQ(cells.values[1][4], ResultValue(int64_t{0}));
  EXPECT_EQ(cells.values[3][6], ResultValue(true));
  // Equality by cell (without the first row's NaN, which equals nothing).
  Series without_nan = columnar;
  without_nan.columnar->rows.erase(without_nan.columnar->rows.begin());
  Series without_nan_cells = without_nan;
  without_nan_cells.Materialize();
  EXPECT_EQ(without_nan, without_nan_cells);
  without_nan_cells.values[4][3] = std::string("changed");
  EXPECT_FALSE(without_nan == without_nan_cells);

  for (const bool zoned : {false, true}) {
    StatementResult a;
    a.series = {columnar};
    if (zoned) {
      a.series[0].columnar->utc_offsets = {3600, -1800, -1800, 0, 0, 3600};
    }
    StatementResult b = a;
    b.series[0].Materialize();
    for (const EncodeOptions options : {EncodeOptions{EpochUnit::kRfc3339, false},
                                        EncodeOptions{EpochUnit::kRfc3339, true},
                                        EncodeOptions{EpochUnit::kMilliseconds, false}}) {
      EXPECT_EQ(Json({a}, options), Json({b}, options));
    }
    std::string csv_a;
    std::string csv_b;
    V1CsvWriter(EpochUnit::kRfc3339).Append({a}, &csv_a);
    V1CsvWriter(EpochUnit::kRfc3339).Append({b}, &csv_b);
    EXPECT_EQ(csv_a, csv_b);
    std::vector<ResultChunk> chunks_a = SplitIntoChunks(a, 4);
    std::vector<ResultChunk> chunks_b = SplitIntoChunks(b, 4);
    ASSERT_EQ(chunks_a.size(), 2u);
    ASSERT_EQ(chunks_b.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_TRUE(chunks_a[i].result.series[0].columnar.has_value());
      EXPECT_EQ(chunks_a[i].result.series[0].num_rows(), i == 0 ? 4u : 2u);
      std::string line_a;
      std::string line_b;
      AppendV1JsonChunk(chunks_a[i], {}, &line_a);
      AppendV1JsonChunk(chunks_b[i], {}, &line_b);
      EXPECT_EQ(line_a, line_b);
    }
  }
  // The values as InfluxDB 1.8 writes them.
  StatementResult result;
  result.series = {columnar};
  EXPECT_EQ(
      Json({result}),
      R"({"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage",)"
      R"("host","note","count","bytes","up"],"values":[)"
      R"(["2016-01-01T00:00:02Z",null,"b","",-21,18446744073709551613,false],)"
      R"(["2016-01-01T00:00:00Z",0,"\u003ca\u003e","say \"hi\"",0,18446744073709551615,true],)"
      R"(["2016-01-01T00:00:00Z",null,null,null,null,null,null],)"
      R"(["2016-01-01T00:00:01.5Z",1.5,"\u003ca\u003e","",-7,18446744073709551615,true],)"
      R"(["2016-01-01T00:00:01.5Z",null,null,null,null,null,null],)"
      R"(["2016-01-01T00:00:00.5Z",3,"b","say \"hi\"",-14,18446744073709551613,false]]}]}]})"
      "\n");
}

// Rows from many blocks, each with its own dictionary, visited back and forth.
TEST(ColumnarRowsTest, ManyDictionaries) {
  auto blocks = std::make_shared<std::vector<ColumnarRows::Block>>();
  Series series;
  series.name = "m";
  series.columns = {"time", "tag"};
  ColumnarRows& rows = series.columnar.emplace();
  constexpr int kBlocks = 200;
  for (int b = 0; b < kBlocks; ++b) {
    auto dictionary = std::make_shared<StringDictionary>();
    auto time = std::make_shared<Column>(TypeId::kTimestamp);
    auto tag = std::make_shared<Column>(TypeId::kDictionary, dictionary);
    for (int r = 0; r < 3; ++r) {
      time->AppendInt64(k2016 + b);
      tag->AppendDictionaryCode(dictionary->GetOrInsert("v" + std::to_string((b + r) % 7)));
    }
    blocks->push_back(ColumnarRows::Block{{time, tag}});
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (int b = 0; b < kBlocks; ++b) {
      rows.rows.push_back(
          ColumnarRows::Ref(static_cast<size_t>(pass == 0 ? b : kBlocks - 1 - b), (b + pass) % 3));
    }
  }
  rows.blocks = blocks;
  StatementResult a;
  a.series = {series};
  StatementResult b = a;
  b.series[0].Materialize();
  ASSERT_EQ(b.series[0].values.size(), 2u * kBlocks);
  EXPECT_EQ(b.series[0].values[kBlocks + 1][1],
            ResultValue(std::string("v4")));  // block 198, row 2
  EXPECT_EQ(Json({a}), Json({b}));
}

// The encoder's pieces make the document AppendV1Json writes, whatever the piece size.
TEST(V1JsonEncoderTest, PiecesMakeTheSameDocument) {
  StatementResult first;
  first.series = {ColumnarCpu(), Cpu()};
  // A columnar series longer than one step of the encoder (its rows repeated).
  Series many = ColumnarCpu();
  const std::vector<uint64_t> six = many.columnar->rows;
  for (int i = 0; i < 100; ++i) {
    many.columnar->rows.insert(many.columnar->rows.end(), six.begin(), six.end());
  }
  first.series.push_back(many);
  first.messages.push_back({"warning", "careful"});
  StatementResult failed;
  failed.statement_id = 1;
  failed.error = "boom";
  StatementResult empty;
  empty.statement_id = 2;
  const std::vector<StatementResult> results = {first, failed, empty};
  for (const bool pretty : {false, true}) {
    const EncodeOptions options{EpochUnit::kRfc3339, pretty};
    std::string whole;
    AppendV1Json(results, options, &whole);
    for (const size_t piece_bytes : {size_t{1}, size_t{100}, size_t{4096}, SIZE_MAX}) {
      V1JsonEncoder encoder(results, options);
      std::string joined;
      int pieces = 0;
      bool more = true;
      while (more) {
        std::string piece;
        more = encoder.Next(&piece, piece_bytes);
        joined += piece;
        ++pieces;
        ASSERT_LT(pieces, 100000);
      }
      EXPECT_EQ(joined, whole) << "piece_bytes " << piece_bytes << (pretty ? " pretty" : "");
      if (piece_bytes == 4096) {
        EXPECT_GT(pieces, 2);
      }
    }
  }
  // The series of 606 rows, as the values written one by one would be.
  StatementResult cells = first;
  for (Series& series : cells.series) {
    series.Materialize();
  }
  std::string expected;
  AppendV1Json({cells}, {}, &expected);
  std::string actual;
  AppendV1Json({first}, {}, &actual);
  EXPECT_EQ(actual, expected);
}

TEST(ChunkTest, ErrorsAndEmptyResultsAreOneChunk) {
  StatementResult failed;
  failed.error = "boom";
  std::vector<ResultChunk> chunks = SplitIntoChunks(failed, 10);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].result.error, "boom");
  EXPECT_FALSE(chunks[0].partial);
  EXPECT_EQ(SplitIntoChunks(StatementResult{}, 1).size(), 1u);
}

TEST(V1CsvTest, TablesPerStatement) {
  StatementResult first;
  first.series.push_back(Cpu());
  first.series[0].tags = {{"host", "a b"}, {"dc", "x,y=z"}};
  Series other = Cpu();
  other.name = "mem";
  other.tags.clear();
  other.columns = {"time", "max"};
  other.values = {{ResultTime{k2016}, std::monostate{}}};
  first.series.push_back(other);
  StatementResult failed;
  failed.statement_id = 1;
  failed.error = "skipped in CSV";
  StatementResult third;
  third.statement_id = 2;
  Series strings;
  strings.name = "measurements";
  strings.columns = {"name"};
  strings.values = {{std::string("a,b")}, {std::string("say \"hi\"")}, {std::string(" lead")}};
  third.series.push_back(strings);

  std::string out;
  V1CsvWriter writer(EpochUnit::kRfc3339);
  writer.Append({first, failed, third}, &out);
  EXPECT_EQ(out,
            "name,tags,time,mean\n"
            "cpu,\"dc=x\\,y\\=z,host=a\\ b\",1451606400000000000,1.5\n"
            "cpu,\"dc=x\\,y\\=z,host=a\\ b\",1451606400500000000,2\n"
            "\n"
            "name,tags,time,max\n"
            "mem,,1451606400000000000,\n"
            "\n"
            "name,tags,name\n"
            "measurements,,\"a,b\"\n"
            "measurements,,\"say \"\"hi\"\"\"\n"
            "measurements,,\" lead\"\n");
}

TEST(V1CsvTest, ChunksOfOneStatementContinueItsTable) {
  StatementResult result;
  result.series.push_back(Cpu());
  result.series[0].tags.clear();
  std::string out;
  V1CsvWriter writer(EpochUnit::kSeconds);
  for (const ResultChunk& chunk : SplitIntoChunks(result, 1)) {
    writer.AppendOne(chunk.result, &out);
  }
  EXPECT_EQ(out,
            "name,tags,time,mean\n"
            "cpu,,1451606400,1.5\n"
            "cpu,,1451606400,2\n");
}

TEST(V1CsvTest, RequestError) {
  std::string out;
  V1CsvWriter::AppendError("error parsing query: x, y", &out);
  EXPECT_EQ(out, "error\n\"error parsing query: x, y\"\n");
}

TEST(SeriesKeyTest, SortsTagsAndEscapes) {
  EXPECT_EQ(SeriesKey("cpu", {{"region", "us"}, {"host", "a"}}), "cpu,host=a,region=us");
  EXPECT_EQ(SeriesKey("my cpu,x", {{"a=b", "c d,e"}}), "my\\ cpu\\,x,a\\=b=c\\ d\\,e");
  EXPECT_EQ(SeriesKey("cpu", {{"host", ""}}), "cpu");
  EXPECT_EQ(SeriesKey("m=1", {}), "m=1");
}

}  // namespace
}  // namespace strata::influxql
