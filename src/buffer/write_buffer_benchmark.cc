// Apply throughput of the write buffer for TSBS cpu-only shaped rows: 10 tags, 10 int64 fields,
// batches of 5000 rows, hosts reporting every 10 s (run in a Release build).
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "buffer/tsbs_batches.h"
#include "buffer/write_buffer.h"
#include "fmt/format.h"

namespace strata::buffer {
namespace {

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
      AdvanceCycle(&cycle);
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
