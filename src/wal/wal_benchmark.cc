// Measures durable appends: N writer threads each Append a record and WaitDurable for it, so the
// rate shows how well group commit shares fsyncs. The WAL lives under $STRATA_BENCH_DIR (default
// the system temp directory), which should be on the disk being measured.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "spdlog/spdlog.h"
#include "wal/wal.h"

namespace strata::wal {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Wal> g_wal;
fs::path g_directory;

void SetUpWal() {
  const char* base = std::getenv("STRATA_BENCH_DIR");
  std::string pattern = (fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                         "wal_benchmark_XXXXXX")
                            .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::abort();
  }
  g_directory = pattern;
  WalOptions options;
  options.directory = g_directory.string();
  absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open(options);
  if (!wal.ok() ||
      !(*wal)->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); }).ok()) {
    std::abort();
  }
  g_wal = std::move(*wal);
}

void TearDownWal(benchmark::State& state) {
  WalStats stats = g_wal->stats();
  state.counters["fsyncs"] = static_cast<double>(stats.fsyncs);
  state.counters["records_per_fsync"] =
      static_cast<double>(stats.records_appended) / static_cast<double>(stats.fsyncs);
  state.counters["segments"] = static_cast<double>(stats.segments);
  if (!g_wal->Close().ok()) {
    state.SkipWithError("closing the WAL failed");
  }
  g_wal.reset();
  fs::remove_all(g_directory);
}

// Arguments: record size in bytes. Threads: concurrent writers.
void BM_AppendDurable(benchmark::State& state) {
  if (state.thread_index() == 0) {
    SetUpWal();
  }
  std::string record(static_cast<size_t>(state.range(0)), 'r');
  for (auto _ : state) {
    absl::StatusOr<uint64_t> sequence = g_wal->Append(record);
    if (!sequence.ok() || !g_wal->WaitDurable(*sequence).ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
  if (state.thread_index() == 0) {
    TearDownWal(state);
  }
}
BENCHMARK(BM_AppendDurable)
    ->Arg(1 << 20)
    ->Arg(64 << 10)
    ->Arg(256)
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata::wal

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
