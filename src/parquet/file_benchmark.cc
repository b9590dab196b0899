// Throughput of the Parquet file writer and reader on a TSBS-like table: 10 dictionary-encoded
// tags, 10 int64 fields and a timestamp, 1,000 series of 1,000 points each (1M rows), sorted by
// series then time as persisted chunks are. Reports rows/s and the file size.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace strata::parquet {
namespace {

constexpr int kHosts = 1000;
constexpr int kPointsPerHost = 1000;
constexpr int64_t kRows = int64_t{kHosts} * kPointsPerHost;

SchemaPtr TsbsSchema() {
  std::vector<Field> fields;
  for (const char* tag : {"hostname",
                          "region",
                          "datacenter",
                          "rack",
                          "os",
                          "arch",
                          "team",
                          "service",
                          "service_version",
                          "service_environment"}) {
    fields.push_back({tag, TypeId::kDictionary, true});
  }
  for (const char* field : {"usage_user",
                            "usage_system",
                            "usage_idle",
                            "usage_nice",
                            "usage_iowait",
                            "usage_irq",
                            "usage_softirq",
                            "usage_steal",
                            "usage_guest",
                            "usage_guest_nice"}) {
    fields.push_back({field, TypeId::kInt64, true});
  }
  fields.push_back({"time", TypeId::kTimestamp, false});
  return std::make_shared<const Schema>(std::move(fields));
}

// The table as one batch per 100,000 rows.
const std::vector<RecordBatch>& TsbsBatches() {
  static const std::vector<RecordBatch> batches = [] {
    const SchemaPtr schema = TsbsSchema();
    std::vector<std::shared_ptr<StringDictionary>> dictionaries;
    for (int t = 0; t < 10; ++t) {
      dictionaries.push_back(std::make_shared<StringDictionary>());
    }
    std::mt19937_64 random(1);
    std::vector<RecordBatch> out;
    std::vector<std::shared_ptr<Column>> columns;
    int64_t value_state[10] = {};
    for (int64_t row = 0; row < kRows; ++row) {
      if (row % 100'000 == 0) {
        if (!columns.empty()) {
          std::vector<ColumnPtr> shared(columns.begin(), columns.end());
          out.emplace_back(schema, std::move(shared), 100'000);
        }
        columns.clear();
        for (int c = 0; c < 21; ++c) {
          columns.push_back(std::make_shared<Column>(
              schema->field(c).type, c < 10 ? dictionaries[static_cast<size_t>(c)] : nullptr));
          columns.back()->Reserve(100'000);
        }
      }
      const int64_t host = row / kPointsPerHost;
      const int64_t point = row % kPointsPerHost;
      const int64_t cardinalities[10] = {kHosts, 9, 27, 100, 3, 2, 10, 20, 2, 3};
      for (int t = 0; t < 10; ++t) {
        const int64_t value = t == 0 ? host : (host * 7919 + t) % cardinalities[t];
        columns[static_cast<size_t>(t)]->AppendString(std::string(schema->field(t).name) + "_" +
                                                      std::to_string(value));
      }
      for (int f = 0; f < 10; ++f) {
        // A random walk in [0, 100], as CPU usage is.
        int64_t& v = value_state[f];
        v = std::clamp<int64_t>(v + static_cast<int64_t>(random() % 11) - 5, 0, 100);
        columns[static_cast<size_t>(10 + f)]->AppendInt64(v);
      }
      columns[20]->AppendInt64(1'451'606'400'000'000'000 + point * 10'000'000'000);
    }
    std::vector<ColumnPtr> shared(columns.begin(), columns.end());
    out.emplace_back(schema, std::move(shared), 100'000);
    return out;
  }();
  return batches;
}

std::string WriteTsbs(CompressionCodec codec) {
  WriterOptions options;
  options.codec = codec;
  auto writer = FileWriter::Create(TsbsSchema(), options);
  for (const RecordBatch& batch : TsbsBatches()) {
    (void)(*writer)->WriteBatch(batch);
  }
  return *(*writer)->Finish();
}

void BM_WriteTsbs(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  TsbsBatches();
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string file = WriteTsbs(codec);
    bytes = file.size();
    benchmark::DoNotOptimize(file.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["file_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_WriteTsbs)
    ->Arg(static_cast<int>(CompressionCodec::kZstd))
    ->Arg(static_cast<int>(CompressionCodec::kSnappy))
    ->Arg(static_cast<int>(CompressionCodec::kUncompressed))
    ->Unit(benchmark::kMillisecond);

// Reads every row group; range(1): 0 all 21 columns, 1 two columns (a tag and a field).
void BM_ReadTsbs(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  const std::string file = WriteTsbs(codec);
  auto reader = *FileReader::Open(MemorySource(file));
  std::vector<int> columns;
  if (state.range(1) == 0) {
    for (int c = 0; c < 21; ++c) {
      columns.push_back(c);
    }
  } else {
    columns = {0, 10};
  }
  for (auto _ : state) {
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      auto batch = reader->ReadRowGroup(rg, columns);
      if (!batch.ok()) {
        state.SkipWithError(std::string(batch.status().message()).c_str());
        return;
      }
      benchmark::DoNotOptimize(batch->num_rows());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ReadTsbs)
    ->Args({static_cast<int>(CompressionCodec::kZstd), 0})
    ->Args({static_cast<int>(CompressionCodec::kZstd), 1})
    ->Args({static_cast<int>(CompressionCodec::kSnappy), 0})
    ->Args({static_cast<int>(CompressionCodec::kUncompressed), 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::parquet

BENCHMARK_MAIN();
