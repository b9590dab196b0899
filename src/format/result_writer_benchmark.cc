// Encoding throughput of the result writers on a TSBS cpu-like result: a timestamp, 10 tag
// (dictionary) columns and 10 float64 fields per row, 100k rows in batches of 4096 rows.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "format/result_writer.h"

namespace strata::format {
namespace {

constexpr int64_t kRows = 100'000;
constexpr int64_t kBatchRows = 4096;

struct Result {
  SchemaPtr schema;
  std::vector<RecordBatch> batches;
};

const Result& CpuResult() {
  static const Result* result = [] {
    auto* r = new Result;
    std::vector<Field> fields = {{"time", TypeId::kTimestamp, false}};
    const char* tags[] = {"hostname",
                          "region",
                          "datacenter",
                          "rack",
                          "os",
                          "arch",
                          "team",
                          "service",
                          "service_version",
                          "service_environment"};
    const char* values[] = {"usage_user",
                            "usage_system",
                            "usage_idle",
                            "usage_nice",
                            "usage_iowait",
                            "usage_irq",
                            "usage_softirq",
                            "usage_steal",
                            "usage_guest",
                            "usage_guest_nice"};
    for (const char* tag : tags) fields.push_back({tag, TypeId::kDictionary});
    for (const char* value : values) fields.push_back({value, TypeId::kFloat64});
    r->schema = std::make_shared<const Schema>(std::move(fields));

    std::vector<std::shared_ptr<StringDictionary>> dictionaries;
    for (size_t t = 0; t < std::size(tags); ++t) {
      dictionaries.push_back(std::make_shared<StringDictionary>());
    }
    std::mt19937_64 random(1);
    const int64_t start = 1'451'606'400'000'000'000;  // 2016-01-01
    for (int64_t first = 0; first < kRows; first += kBatchRows) {
      const int64_t rows = std::min(kBatchRows, kRows - first);
      std::vector<ColumnPtr> columns;
      auto time = std::make_shared<Column>(TypeId::kTimestamp);
      for (int64_t row = first; row < first + rows; ++row) {
        time->AppendInt64(start + row / 100 * 10'000'000'000);  // 100 hosts every 10 s
      }
      columns.push_back(time);
      for (size_t t = 0; t < std::size(tags); ++t) {
        auto column = std::make_shared<Column>(TypeId::kDictionary, dictionaries[t]);
        for (int64_t row = first; row < first + rows; ++row) {
          const int64_t host = row % 100;
          column->AppendString(t == 0
                                   ? "host_" + std::to_string(host)
                                   : std::string(tags[t]) + "_" + std::to_string(host % (t + 2)));
        }
        columns.push_back(column);
      }
      for (size_t v = 0; v < std::size(values); ++v) {
        auto column = std::make_shared<Column>(TypeId::kFloat64);
        for (int64_t row = 0; row < rows; ++row) {
          // TSBS values: 0..100 with a few decimals, like 58.2 or 12.937519.
          column->AppendFloat64(static_cast<double>(random() % 100'000'000) / 1'000'000);
        }
        columns.push_back(column);
      }
      r->batches.push_back(**RecordBatch::Make(r->schema, std::move(columns)));
    }
    return r;
  }();
  return *result;
}

void EncodeResult(benchmark::State& state, ResultFormat format) {
  const Result& result = CpuResult();
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    std::unique_ptr<ResultWriter> writer = *ResultWriter::Create(format, result.schema);
    out.clear();
    writer->Begin(&out);
    for (const RecordBatch& batch : result.batches) {
      writer->WriteBatch(batch, &out);
      bytes += out.size();
      out.clear();  // as if sent
    }
    writer->Finish(&out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows * state.iterations()),
                                                benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_JsonLines(benchmark::State& state) {
  EncodeResult(state, ResultFormat::kJsonLines);
}
void BM_Json(benchmark::State& state) {
  EncodeResult(state, ResultFormat::kJson);
}
void BM_Csv(benchmark::State& state) {
  EncodeResult(state, ResultFormat::kCsv);
}
void BM_Pretty(benchmark::State& state) {
  EncodeResult(state, ResultFormat::kPretty);
}

BENCHMARK(BM_JsonLines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Json)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Csv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pretty)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::format

BENCHMARK_MAIN();
