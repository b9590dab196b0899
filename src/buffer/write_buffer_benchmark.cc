// Apply throughput of the write buffer for TSBS cpu-only shaped rows: 10 tags, 10 int64 fields,
// batches of 5000 rows, hosts reporting every 10 s (run in a Release build).
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "buffer/table_write_builder.h"
#include "buffer/write_buffer.h"
#include "fmt/format.h"

namespace strata::buffer {
namespace {

constexpr int kRowsPerBatch = 5000;
constexpr int64_t kInterval = 10'000'000'000;  // 10 s
constexpr int64_t kStart = 1'700'000'000'000'000'000;

// The batches of one cycle: `hosts` hosts, each reporting at every timestamp, rows in time order.
// Applying the cycle again with times shifted by cycle_span continues the same stream.
struct BatchCycle {
  std::vector<WriteBatch> batches;
  int64_t cycle_span = 0;
};

BatchCycle MakeTsbsCycle(int hosts) {
  static const char* kRegions[] = {
      "us-east-1", "us-west-1", "eu-west-1", "eu-central-1", "ap-southeast-1"};
  static const char* kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
  const int64_t batches = hosts / std::gcd(hosts, kRowsPerBatch);
  const int64_t total_rows = batches * kRowsPerBatch;
  BatchCycle cycle;
  cycle.cycle_span = total_rows / hosts * kInterval;
  int64_t k = 0;
  for (int64_t b = 0; b < batches; ++b) {
    TableWriteBuilder rows(0);
    for (int i = 0; i < kRowsPerBatch; ++i, ++k) {
      int64_t host = k % hosts;
      int64_t time = kStart + (k / hosts) * kInterval;
      rows.Row(time)
          .Tag(1, fmt::format("host_{}", host))
          .Tag(2, kRegions[host % 5])
          .Tag(3, fmt::format("{}{}", kRegions[host % 5], "abc"[host % 3]))
          .Tag(4, std::to_string(host % 100))
          .Tag(5, kOs[host % 3])
          .Tag(6, host % 2 == 0 ? "x64" : "x86")
          .Tag(7, host % 4 == 0 ? "SF" : "NYC")
          .Tag(8, std::to_string(host % 20))
          .Tag(9, std::to_string(host % 2))
          .Tag(10, host % 3 == 0 ? "staging" : "production");
      for (uint32_t f = 0; f < 10; ++f) {
        rows.Int64(11 + f, (k * 7 + f * 13) % 100);
      }
    }
    std::vector<TableWrite> tables;
    tables.push_back(rows.Build());
    cycle.batches.push_back(MakeWriteBatch(0, std::move(tables)));
  }
  return cycle;
}

void BM_ApplyTsbsBatches(benchmark::State& state) {
  const int hosts = static_cast<int>(state.range(0));
  BatchCycle cycle = MakeTsbsCycle(hosts);
  // A fresh buffer every ~2M rows keeps memory bounded; partitions fill as in production.
  constexpr int64_t kRowsPerBuffer = 2'000'000;
  auto buffer = std::make_unique<WriteBuffer>();
  int64_t buffered = 0;
  size_t batch = 0;
  double bytes_per_row = 0;
  for (auto _ : state) {
    buffer->Apply(cycle.batches[batch]);
    buffered += kRowsPerBatch;
    if (++batch == cycle.batches.size()) {
      batch = 0;
      for (WriteBatch& shifted : cycle.batches) {
        for (RowRef& row : shifted.tables[0].rows) {
          row.time += cycle.cycle_span;
        }
      }
    }
    if (buffered >= kRowsPerBuffer) {
      state.PauseTiming();
      bytes_per_row = static_cast<double>(buffer->memory_usage()) / static_cast<double>(buffered);
      buffer = std::make_unique<WriteBuffer>();
      buffered = 0;
      state.ResumeTiming();
    }
  }
  if (bytes_per_row == 0 && buffered > 0) {
    bytes_per_row = static_cast<double>(buffer->memory_usage()) / static_cast<double>(buffered);
  }
  state.SetItemsProcessed(state.iterations() * kRowsPerBatch);
  state.counters["bytes_per_row"] = bytes_per_row;
}
BENCHMARK(BM_ApplyTsbsBatches)->Arg(100)->Arg(1000)->Arg(4000)->Unit(benchmark::kMillisecond);

// The same stream, each batch applied twice: the second application merges every row.
void BM_ApplyDuplicateBatches(benchmark::State& state) {
  BatchCycle cycle = MakeTsbsCycle(1000);
  WriteBuffer buffer;
  buffer.Apply(cycle.batches[0]);
  for (auto _ : state) {
    buffer.Apply(cycle.batches[0]);
  }
  state.SetItemsProcessed(state.iterations() * kRowsPerBatch);
}
BENCHMARK(BM_ApplyDuplicateBatches)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::buffer

BENCHMARK_MAIN();
