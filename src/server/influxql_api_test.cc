// Tests of the InfluxQL endpoints' request parsing and of the rows /api/v3/query_influxql makes
// of a statement's series.
#include "server/influxql_api.h"

#include <string>

#include "columnar/string_dictionary.h"
#include "format/result_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

using influxql::ResultTime;
using influxql::ResultValue;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string AsJson(const influxql::StatementResult& result) {
  std::shared_ptr<RecordBatch> batch = InfluxQLRowsBatch(result);
  auto writer = format::ResultWriter::Create(format::ResultFormat::kJson, batch->schema());
  EXPECT_TRUE(writer.ok()) << writer.status();
  std::string out;
  (*writer)->Begin(&out);
  if (batch->num_rows() > 0) {
    (*writer)->WriteBatch(*batch, &out);
  }
  (*writer)->Finish(&out);
  return batch->schema()->ToString() + "\n" + out;
}

HttpRequest Get(std::string target, std::map<std::string, std::string> headers = {}) {
  HttpRequest request;
  request.method = "GET";
  ParseTarget(target, &request.path, &request.query);
  request.headers = std::move(headers);
  return request;
}

TEST(InfluxQLRowsTest, SeriesBecomeRowsLedByTheMeasurement) {
  influxql::StatementResult result;
  influxql::Series a;
  a.name = "cpu";
  a.tags = {{"host", "a"}};
  a.columns = {"time", "mean", "count"};
  a.values = {{ResultTime{0}, 1.5, int64_t{2}}};
  influxql::Series b = a;
  b.name = "cpu";
  b.tags = {{"host", "b"}, {"dc", "x"}};
  b.values = {{ResultTime{1'000'000'000}, int64_t{3}, std::monostate{}}};
  result.series = {a, b};
  EXPECT_EQ(AsJson(result),
            "iox::measurement: string, time: timestamp(ns), dc: string, host: string, "
            "mean: float64, count: int64\n"
            R"([{"iox::measurement":"cpu","time":"1970-01-01T00:00:00","host":"a","mean":1.5,)"
            R"("count":2},{"iox::measurement":"cpu","time":"1970-01-01T00:00:01","dc":"x",)"
            R"("host":"b","mean":3.0}])");
}

TEST(InfluxQLRowsTest, ShowResultsAndMixedTypes) {
  influxql::StatementResult result;
  influxql::Series keys;
  keys.name = "measurements";
  keys.columns = {"name", "v"};
  keys.values = {{std::string("cpu"), true}, {std::string("mem"), std::string("x")}};
  result.series = {keys};
  EXPECT_EQ(AsJson(result),
            "iox::measurement: string, name: string, v: string\n"
            R"([{"iox::measurement":"measurements","name":"cpu","v":"true"},)"
            R"({"iox::measurement":"measurements","name":"mem","v":"x"}])");
  EXPECT_EQ(AsJson(influxql::StatementResult{}), "iox::measurement: string\n[]");
}

// Batch by batch, the rows are InfluxQLRowsBatch's: series of several rows, an empty one, a
// columnar one (engine columns, read in place).
TEST(InfluxQLRowsTest, BatchesHoldTheSameRows) {
  influxql::StatementResult result;
  influxql::Series a;
  a.name = "cpu";
  a.tags = {{"host", "a"}};
  a.columns = {"time", "v"};
  for (int i = 0; i < 5; ++i) {
    a.values.push_back({ResultTime{i}, int64_t{i}});
  }
  influxql::Series empty = a;
  empty.values.clear();
  influxql::Series columnar = a;
  columnar.tags = {{"host", "c"}};
  columnar.values.clear();
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  auto v = std::make_shared<Column>(TypeId::kInt64);
  for (int i = 0; i < 3; ++i) {
    time->AppendInt64(100 + i);
    v->AppendInt64(10 * i);
  }
  influxql::ColumnarRows& rows = columnar.columnar.emplace();
  rows.blocks = std::make_shared<std::vector<influxql::ColumnarRows::Block>>(
      std::vector<influxql::ColumnarRows::Block>{{{time, v}}});
  rows.rows = {influxql::ColumnarRows::Ref(0, 2), influxql::ColumnarRows::Ref(0, 0)};
  result.series = {a, empty, columnar};
  const std::shared_ptr<RecordBatch> whole = InfluxQLRowsBatch(result);
  ASSERT_EQ(whole->num_rows(), 7);
  InfluxQLRowBatches batches(result);
  std::vector<std::string> rows_seen;
  int count = 0;
  while (std::shared_ptr<RecordBatch> batch = batches.Next(2)) {
    EXPECT_LE(batch->num_rows(), 2);
    EXPECT_EQ(batch->schema()->ToString(), whole->schema()->ToString());
    for (int64_t r = 0; r < batch->num_rows(); ++r, ++count) {
      for (int c = 0; c < batch->num_columns(); ++c) {
        EXPECT_EQ(influxql::CellOf(*batch->column(c), r),
                  influxql::CellOf(*whole->column(c), count))
            << "row " << count << " column " << c;
      }
    }
  }
  EXPECT_EQ(count, 7);
  EXPECT_TRUE(batches.done());
  // The columnar rows in their order: times 102 and 100, values 20 and 0.
  EXPECT_EQ(influxql::CellOf(*whole->column(1), 5), influxql::ResultValue(int64_t{102}));
  EXPECT_EQ(influxql::CellOf(*whole->column(3), 6), influxql::ResultValue(int64_t{0}));
}

// A columnar series' block: times, a dictionary-coded tag and a float.
influxql::ColumnarRows::Block TagBlock(const std::shared_ptr<StringDictionary>& dictionary,
                                       const std::vector<std::string>& hosts,
                                       int64_t first_time) {
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  auto host = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  auto v = std::make_shared<Column>(TypeId::kFloat64);
  for (size_t i = 0; i < hosts.size(); ++i) {
    time->AppendInt64(first_time + static_cast<int64_t>(i));
    if (hosts[i].empty()) {
      host->AppendNull();
    } else {
      host->AppendDictionaryCode(dictionary->GetOrInsert(hosts[i]));
    }
    v->AppendFloat64(0.5 * static_cast<double>(i));
  }
  return {{time, host, v}};
}

// Strings go out dictionary-coded where every value comes from engine dictionaries or is a
// series' constant (measurement, GROUP BY tag), recoded unless the engine's one dictionary
// serves; the values are the same.
TEST(InfluxQLRowsTest, DictionaryCodedWhereTheValuesAllowIt) {
  auto engine = std::make_shared<StringDictionary>();
  auto other = std::make_shared<StringDictionary>();
  other->GetOrInsert("padding");  // codes that differ from engine's
  const int32_t other_size = 3;   // padding, a, d
  auto make = [](std::string name,
                 std::string region,
                 std::vector<influxql::ColumnarRows::Block> blocks,
                 std::vector<uint64_t> refs) {
    influxql::Series series;
    series.name = std::move(name);
    series.tags = {{"region", std::move(region)}};
    series.columns = {"time", "host", "v"};
    influxql::ColumnarRows& rows = series.columnar.emplace();
    rows.blocks = std::make_shared<std::vector<influxql::ColumnarRows::Block>>(std::move(blocks));
    rows.rows = std::move(refs);
    return series;
  };
  using influxql::ColumnarRows;
  const std::vector<uint64_t> refs = {ColumnarRows::Ref(1, 0),
                                      ColumnarRows::Ref(0, 1),
                                      ColumnarRows::Ref(0, 0),
                                      ColumnarRows::Ref(1, 1)};
  influxql::StatementResult shared;
  shared.series = {
      make("cpu", "eu", {TagBlock(engine, {"a", ""}, 0), TagBlock(engine, {"b", "a"}, 10)}, refs),
      make(
          "mem", "us", {TagBlock(engine, {"c", "b"}, 20), TagBlock(engine, {"a", "d"}, 30)}, refs)};
  influxql::StatementResult mixed = shared;
  mixed.series[1] =
      make("mem", "us", {TagBlock(engine, {"c", "b"}, 20), TagBlock(other, {"a", "d"}, 30)}, refs);

  for (const auto* result : {&shared, &mixed}) {
    InfluxQLRowBatches batches(*result);
    // iox::measurement, time, region, host, v
    ASSERT_EQ(batches.schema()->ToString(),
              "iox::measurement: string, time: timestamp(ns), region: string, host: string, "
              "v: float64");
    std::vector<std::vector<influxql::ResultValue>> rows;
    while (std::shared_ptr<RecordBatch> batch = batches.Next(3)) {
      EXPECT_EQ(batch->column(0)->type(), TypeId::kDictionary);
      EXPECT_EQ(batch->column(2)->type(), TypeId::kDictionary);
      // host: the engine's dictionary when all blocks share it, else one of the batches' own
      // (the engine's are not added to).
      EXPECT_EQ(batch->column(3)->type(), TypeId::kDictionary);
      if (result == &shared) {
        EXPECT_EQ(batch->column(3)->dictionary(), engine);
      } else {
        EXPECT_NE(batch->column(3)->dictionary(), engine);
        EXPECT_NE(batch->column(3)->dictionary(), other);
      }
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::vector<influxql::ResultValue> row;
        for (int c = 0; c < batch->num_columns(); ++c) {
          row.push_back(influxql::CellOf(*batch->column(c), r));
        }
        rows.push_back(std::move(row));
      }
    }
    using V = influxql::ResultValue;
    auto row = [](std::string m, int64_t t, std::string region, V host, double v) {
      return std::vector<V>{V(std::move(m)), V(t), V(std::move(region)), std::move(host), V(v)};
    };
    EXPECT_THAT(rows,
                ElementsAre(row("cpu", 10, "eu", V(std::string("b")), 0.0),
                            row("cpu", 1, "eu", V(), 0.5),
                            row("cpu", 0, "eu", V(std::string("a")), 0.0),
                            row("cpu", 11, "eu", V(std::string("a")), 0.5),
                            row("mem", 30, "us", V(std::string("a")), 0.0),
                            row("mem", 21, "us", V(std::string("b")), 0.5),
                            row("mem", 20, "us", V(std::string("c")), 0.0),
                            row("mem", 31, "us", V(std::string("d")), 0.5)));
  }
  EXPECT_EQ(other->size(), other_size);
  EXPECT_EQ(engine->size(), 4);  // a, b, c, d: nothing added by the recoding
}

// Columnar rows gathered across blocks keep their nulls, and a column whose blocks differ in type
// (an integer block and a float block) goes out as floats.
TEST(InfluxQLRowsTest, ColumnarGatherKeepsNullsAndTypes) {
  auto block = [](int64_t first_time, bool integers) {
    auto time = std::make_shared<Column>(TypeId::kTimestamp);
    auto f = std::make_shared<Column>(TypeId::kFloat64);
    auto n = std::make_shared<Column>(integers ? TypeId::kInt64 : TypeId::kFloat64);
    auto b = std::make_shared<Column>(TypeId::kBool);
    auto u = std::make_shared<Column>(TypeId::kUInt64);
    for (int64_t i = 0; i < 3; ++i) {
      time->AppendInt64(first_time + i);
      if (i == 1) {
        f->AppendNull();
        b->AppendNull();
      } else {
        f->AppendFloat64(static_cast<double>(first_time + i) + 0.25);
        b->AppendBool(i == 2);
      }
      if (integers) {
        n->AppendInt64(first_time + i);
      } else {
        n->AppendFloat64(static_cast<double>(first_time + i) + 0.5);
      }
      u->AppendUInt64(static_cast<uint64_t>(first_time + i) + (uint64_t{1} << 63));
    }
    return influxql::ColumnarRows::Block{{time, f, n, b, u}};
  };
  influxql::Series series;
  series.name = "m";
  series.columns = {"time", "f", "n", "b", "u"};
  influxql::ColumnarRows& rows = series.columnar.emplace();
  rows.blocks = std::make_shared<std::vector<influxql::ColumnarRows::Block>>(
      std::vector<influxql::ColumnarRows::Block>{block(0, true), block(10, false)});
  using influxql::ColumnarRows;
  rows.rows = {ColumnarRows::Ref(1, 1),
               ColumnarRows::Ref(0, 0),
               ColumnarRows::Ref(1, 2),
               ColumnarRows::Ref(0, 1),
               ColumnarRows::Ref(0, 2),
               ColumnarRows::Ref(1, 0)};
  influxql::StatementResult result;
  result.series = {series};
  InfluxQLRowBatches batches(result);
  ASSERT_EQ(batches.schema()->ToString(),
            "iox::measurement: string, time: timestamp(ns), f: float64, n: float64, b: boolean, "
            "u: uint64");
  using V = influxql::ResultValue;
  std::vector<std::vector<V>> seen;
  while (std::shared_ptr<RecordBatch> batch = batches.Next(4)) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::vector<V> row;
      for (int c = 1; c < batch->num_columns(); ++c) {
        row.push_back(influxql::CellOf(*batch->column(c), r));
      }
      seen.push_back(std::move(row));
    }
  }
  const uint64_t high = uint64_t{1} << 63;
  EXPECT_THAT(
      seen,
      ElementsAre(std::vector<V>{V(int64_t{11}), V(), V(11.5), V(), V(high + 11)},
                  std::vector<V>{V(int64_t{0}), V(0.25), V(0.0), V(false), V(high)},
                  std::vector<V>{V(int64_t{12}), V(12.25), V(12.5), V(true), V(high + 12)},
                  std::vector<V>{V(int64_t{1}), V(), V(1.0), V(), V(high + 1)},
                  std::vector<V>{V(int64_t{2}), V(2.25), V(2.0), V(true), V(high + 2)},
                  std::vector<V>{V(int64_t{10}), V(10.25), V(10.5), V(false), V(high + 10)}));
}

// The series of a GROUP BY over raw rows share their blocks and columns: batches gather runs of
// them at once. Whatever the batch size, the rows are each series' in turn, with its tag.
TEST(InfluxQLRowsTest, SeriesSharingBlocksGatherTogether) {
  auto engine = std::make_shared<StringDictionary>();
  using influxql::ColumnarRows;
  auto blocks = std::make_shared<std::vector<ColumnarRows::Block>>(std::vector<ColumnarRows::Block>{
      TagBlock(engine, {"a", "b", "", "a"}, 0), TagBlock(engine, {"c", "b", "a"}, 100)});
  auto columnar = [&](std::string region, std::vector<uint64_t> refs) {
    influxql::Series series;
    series.name = "cpu";
    series.tags = {{"region", std::move(region)}};
    series.columns = {"time", "host", "v"};
    series.columnar.emplace();
    series.columnar->blocks = blocks;
    series.columnar->rows = std::move(refs);
    return series;
  };
  influxql::Series values;  // rows of its own between the columnar series
  values.name = "cpu";
  values.tags = {{"region", "r3"}};
  values.columns = {"time", "host", "v"};
  values.values = {{ResultTime{7}, std::string("x"), 9.5}};
  influxql::StatementResult result;
  result.series = {
      columnar("r0", {ColumnarRows::Ref(1, 2), ColumnarRows::Ref(0, 0)}),
      columnar("r1", {ColumnarRows::Ref(0, 3)}),
      columnar("r2", {ColumnarRows::Ref(1, 0), ColumnarRows::Ref(0, 2), ColumnarRows::Ref(1, 1)}),
      values,
      columnar("r4", {ColumnarRows::Ref(0, 1)}),
      columnar("r5", {ColumnarRows::Ref(1, 2)})};
  using V = influxql::ResultValue;
  auto row = [](int64_t t, std::string region, V host, double v) {
    return std::vector<V>{V(std::string("cpu")), V(t), V(std::move(region)), std::move(host), V(v)};
  };
  const std::vector<std::vector<V>> expected = {row(102, "r0", V(std::string("a")), 1.0),
                                                row(0, "r0", V(std::string("a")), 0.0),
                                                row(3, "r1", V(std::string("a")), 1.5),
                                                row(100, "r2", V(std::string("c")), 0.0),
                                                row(2, "r2", V(), 1.0),
                                                row(101, "r2", V(std::string("b")), 0.5),
                                                row(7, "r3", V(std::string("x")), 9.5),
                                                row(1, "r4", V(std::string("b")), 0.5),
                                                row(102, "r5", V(std::string("a")), 1.0)};
  for (int64_t batch_rows : {1, 2, 3, 4, 5, 9, 100}) {
    InfluxQLRowBatches batches(result);
    std::vector<std::vector<V>> seen;
    while (std::shared_ptr<RecordBatch> batch = batches.Next(batch_rows)) {
      EXPECT_LE(batch->num_rows(), batch_rows);
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::vector<V> cells;
        for (int c = 0; c < batch->num_columns(); ++c) {
          cells.push_back(influxql::CellOf(*batch->column(c), r));
        }
        seen.push_back(std::move(cells));
      }
    }
    EXPECT_EQ(seen, expected) << "batches of " << batch_rows;
  }
}

TEST(InfluxQLParamsTest, NumbersAsInfluxDB18) {
  auto params = ParseInfluxQLParams(R"({"i":5,"f":5.0,"e":1e3,"s":"x","b":true,"n":null})");
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->at("i"), ResultValue{int64_t{5}});
  EXPECT_EQ(params->at("f"), ResultValue{5.0});
  EXPECT_EQ(params->at("e"), ResultValue{1000.0});
  EXPECT_EQ(params->at("s"), ResultValue{std::string("x")});
  EXPECT_EQ(params->at("b"), ResultValue{true});
  EXPECT_EQ(params->at("n"), ResultValue{});
  EXPECT_THAT(ParseInfluxQLParams("[1]").status().message(),
              HasSubstr("error parsing query parameters"));
  EXPECT_THAT(ParseInfluxQLParams(R"({"a":[1]})").status().message(), HasSubstr("'a' is array"));
  EXPECT_THAT(ParseInfluxQLParams(R"({"u":18446744073709551615})").status().message(),
              HasSubstr("out of range"));
}

TEST(InfluxQLRequestTest, V1Parameters) {
  InfluxQLHttpRequest parsed;
  EXPECT_FALSE(ParseInfluxQLRequest(Get("/query?db=d&q=SHOW+DATABASES;SHOW+MEASUREMENTS&epoch=ms"
                                        "&pretty=true&chunked=true&chunk_size=5&rp=x"),
                                    InfluxQLEndpoint::kV1Query,
                                    &parsed)
                   .has_value());
  EXPECT_EQ(parsed.database, "d");
  EXPECT_EQ(parsed.statements.size(), 2u);
  EXPECT_EQ(parsed.encode.epoch, influxql::EpochUnit::kMilliseconds);
  EXPECT_TRUE(parsed.encode.pretty);
  EXPECT_TRUE(parsed.chunked);
  EXPECT_EQ(parsed.chunk_size, 5);
  EXPECT_FALSE(parsed.csv);

  InfluxQLHttpRequest defaults;
  EXPECT_FALSE(ParseInfluxQLRequest(Get("/query?q=SHOW+DATABASES&chunked=true&chunk_size=-1",
                                        {{"accept", "text/plain, application/csv;q=0.9"}}),
                                    InfluxQLEndpoint::kV1Query,
                                    &defaults)
                   .has_value());
  EXPECT_EQ(defaults.chunk_size, kDefaultInfluxQLChunkSize);
  EXPECT_TRUE(defaults.csv);
  EXPECT_EQ(defaults.content_type, "application/csv");

  InfluxQLHttpRequest json;
  EXPECT_FALSE(ParseInfluxQLRequest(Get("/query?q=SHOW+DATABASES", {{"accept", "*/*"}}),
                                    InfluxQLEndpoint::kV1Query,
                                    &json)
                   .has_value());
  EXPECT_FALSE(json.csv);

  InfluxQLHttpRequest bad;
  std::optional<HttpResponse> error =
      ParseInfluxQLRequest(Get("/query?q=SELECT"), InfluxQLEndpoint::kV1Query, &bad);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400);
  EXPECT_THAT(error->body, HasSubstr("error parsing query: syntax error"));
}

TEST(InfluxQLRequestTest, V3TakesOneStatement) {
  InfluxQLHttpRequest parsed;
  EXPECT_FALSE(ParseInfluxQLRequest(Get("/api/v3/query_influxql?q=SHOW+DATABASES&format=csv"),
                                    InfluxQLEndpoint::kV3QueryInfluxQL,
                                    &parsed)
                   .has_value());
  EXPECT_EQ(parsed.format, format::ResultFormat::kCsv);
  EXPECT_EQ(parsed.database, "");
  std::optional<HttpResponse> two =
      ParseInfluxQLRequest(Get("/api/v3/query_influxql?q=SHOW+DATABASES;SHOW+DATABASES"),
                           InfluxQLEndpoint::kV3QueryInfluxQL,
                           &parsed);
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->status, 400);
}

}  // namespace
}  // namespace strata::server
