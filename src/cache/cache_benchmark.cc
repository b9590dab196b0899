// The cost of keeping caches up to date on the write path, next to the write buffer's own Apply
// for the same TSBS cpu-only batches (the budget: caches cost at most 10% of ingest).
// Per benchmark: 5000-row batches of `hosts` hosts (Arg), rows/s in items_per_second.
//   BM_WriteBufferApply      the write buffer alone (the baseline)
//   BM_LastCacheApply        a last-value cache keyed by hostname, every other column a value
//                            (what bench/ingest.sh --last-cache creates)
//   BM_LastCacheAllTagsApply a last-value cache keyed by the 10 tags (the default key)
//   BM_DistinctCacheApply    a distinct-value cache of hostname
#include <cstdint>
#include <memory>

#include "benchmark/benchmark.h"
#include "buffer/tsbs_batches.h"
#include "buffer/write_buffer.h"
#include "cache/cache_manager.h"
#include "catalog/cache_definitions.h"

namespace strata::cache {
namespace {

using buffer::BatchCycle;
using buffer::kRowsPerBatch;

// Runs `apply(batch)` over the cycle of `hosts` hosts until the benchmark stops.
template <typename Apply>
void RunCycle(benchmark::State& state, Apply apply) {
  BatchCycle cycle = buffer::MakeTsbsCycle(static_cast<int>(state.range(0)));
  size_t batch = 0;
  for (auto _ : state) {
    apply(cycle.batches[batch]);
    if (++batch == cycle.batches.size()) {
      batch = 0;
      buffer::AdvanceCycle(&cycle);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRowsPerBatch);
}

void BM_WriteBufferApply(benchmark::State& state) {
  // A fresh buffer every ~2M rows keeps memory bounded (outside the timing).
  auto write_buffer = std::make_unique<buffer::WriteBuffer>();
  int64_t rows = 0;
  RunCycle(state, [&](const WriteBatch& batch) {
    write_buffer->Apply(batch);
    if ((rows += kRowsPerBatch) >= 2'000'000) {
      state.PauseTiming();
      write_buffer = std::make_unique<buffer::WriteBuffer>();
      rows = 0;
      state.ResumeTiming();
    }
  });
}
BENCHMARK(BM_WriteBufferApply)->Arg(100)->Arg(4000)->Unit(benchmark::kMillisecond);

void RunLastCache(benchmark::State& state, std::vector<uint32_t> key_ids) {
  CacheManager caches;
  catalog::LastCacheDefinition definition;
  definition.name = "bench";
  definition.key_column_ids = std::move(key_ids);
  caches.AddLastCache(0, 0, definition);
  RunCycle(state, [&](const WriteBatch& batch) { caches.Apply(batch); });
}

void BM_LastCacheApply(benchmark::State& state) {
  RunLastCache(state, {1});
}
BENCHMARK(BM_LastCacheApply)->Arg(100)->Arg(4000)->Unit(benchmark::kMillisecond);

void BM_LastCacheAllTagsApply(benchmark::State& state) {
  RunLastCache(state, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
}
BENCHMARK(BM_LastCacheAllTagsApply)->Arg(100)->Arg(4000)->Unit(benchmark::kMillisecond);

void BM_DistinctCacheApply(benchmark::State& state) {
  CacheManager caches;
  catalog::DistinctCacheDefinition definition;
  definition.name = "bench";
  definition.column_ids = {1};
  caches.AddDistinctCache(0, 0, definition);
  RunCycle(state, [&](const WriteBatch& batch) { caches.Apply(batch); });
}
BENCHMARK(BM_DistinctCacheApply)->Arg(100)->Arg(4000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::cache

BENCHMARK_MAIN();
