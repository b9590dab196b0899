// Scans of a TSBS-like cpu table (100 hosts x 24 h at 10 s, 864,000 rows, 10 tags, 10 fields)
// from the write buffer and from persisted Parquet files, with the file cache cold (capacity 0:
// every scan fetches and decodes) and warm (decoded columns kept). What a query pays once the
// server has persisted its data.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "fmt/format.h"
#include "query/cache_fill.h"
#include "query/query_test_node.h"

namespace strata::query {
namespace {

constexpr int kHosts = 100;
constexpr int kPoints = 8640;                          // 24 h at 10 s
constexpr int64_t kStart = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00Z
constexpr int64_t kStep = 10'000'000'000;

enum class Source { kBuffer, kFilesCold, kFilesWarm };

std::string HostLines(int host) {
  std::string lines;
  const std::string tags = fmt::format(
      "hostname=host_{},region=eu-west-{},datacenter=dc{},rack={},os=Ubuntu16.04LTS,arch=x64,"
      "team=SF,service={},service_version=1,service_environment=production",
      host,
      host % 3,
      host % 7,
      host % 50,
      host % 20);
  for (int i = 0; i < kPoints; ++i) {
    const int v = (host * 31 + i * 7) % 100;
    lines += fmt::format(
        "cpu,{} usage_user={}i,usage_system={}i,usage_idle={}i,usage_nice={}i,usage_iowait={}i,"
        "usage_irq={}i,usage_softirq={}i,usage_steal={}i,usage_guest={}i,usage_guest_nice={}i "
        "{}\n",
        tags,
        v,
        (v + 1) % 100,
        (v + 2) % 100,
        (v + 3) % 100,
        (v + 4) % 100,
        (v + 5) % 100,
        (v + 6) % 100,
        (v + 7) % 100,
        (v + 8) % 100,
        (v + 9) % 100,
        kStart + i * kStep);
  }
  return lines;
}

// One node per source kind, loaded once.
TestNode& NodeFor(Source source) {
  static std::unique_ptr<TestNode> nodes[3];
  auto& node = nodes[static_cast<int>(source)];
  if (node == nullptr) {
    const bool persist = source != Source::kBuffer;
    node = std::make_unique<TestNode>(
        std::filesystem::temp_directory_path() /
            fmt::format("scan_benchmark_{}_{}", ::getpid(), static_cast<int>(source)),
        persist,
        parquet::WriterOptions{},
        /*file_limit=*/0,
        /*file_cache_bytes=*/source == Source::kFilesWarm ? (4ull << 30) : 0);
    for (int h = 0; h < kHosts; ++h) {
      STRATA_CHECK(node->Write(HostLines(h)).ok());
    }
    if (persist) {
      STRATA_CHECK(node->Snapshot(INT64_MAX).ok());
    }
  }
  return *node;
}

void RunQuery(benchmark::State& state, Source source, const std::string& sql) {
  TestNode& node = NodeFor(source);
  int64_t rows = 0;
  for (auto _ : state) {
    auto result = node.Query(sql);
    STRATA_CHECK(result.ok());
    rows = static_cast<int64_t>(result->size());
  }
  state.counters["rows"] = static_cast<double>(rows);
}

const std::string kSingleGroupBy =
    "SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) FROM cpu "
    "WHERE hostname = 'host_7' AND time >= '2016-01-01T05:00:00Z' AND "
    "time < '2016-01-01T06:00:00Z' GROUP BY minute";
const std::string kDoubleGroupByAll =
    "SELECT date_bin(INTERVAL '1 hour', time) AS hour, hostname, avg(usage_user), "
    "avg(usage_system), avg(usage_idle), avg(usage_nice), avg(usage_iowait), avg(usage_irq), "
    "avg(usage_softirq), avg(usage_steal), avg(usage_guest), avg(usage_guest_nice) FROM cpu "
    "GROUP BY hour, hostname";
const std::string kMaxAll8 =
    "SELECT date_bin(INTERVAL '1 hour', time) AS hour, max(usage_user), max(usage_system), "
    "max(usage_idle), max(usage_nice), max(usage_iowait), max(usage_irq), max(usage_softirq), "
    "max(usage_steal), max(usage_guest), max(usage_guest_nice) FROM cpu "
    "WHERE hostname IN ('host_1','host_2','host_3','host_4','host_5','host_6','host_7','host_8') "
    "AND time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T08:00:00Z' GROUP BY hour";

#define SCAN_BENCHMARKS(name, sql)                                                \
  void BM_##name##_Buffer(benchmark::State& s) {                                  \
    RunQuery(s, Source::kBuffer, sql);                                            \
  }                                                                               \
  void BM_##name##_FilesCold(benchmark::State& s) {                               \
    RunQuery(s, Source::kFilesCold, sql);                                         \
  }                                                                               \
  void BM_##name##_FilesWarm(benchmark::State& s) {                               \
    RunQuery(s, Source::kFilesWarm, sql);                                         \
  }                                                                               \
  BENCHMARK(BM_##name##_Buffer)->Unit(benchmark::kMillisecond)->UseRealTime();    \
  BENCHMARK(BM_##name##_FilesCold)->Unit(benchmark::kMillisecond)->UseRealTime(); \
  BENCHMARK(BM_##name##_FilesWarm)->Unit(benchmark::kMillisecond)->UseRealTime();

// TSBS lastpoint, which the optimizer answers from a last-value cache on hostname (persisted
// data, warm file cache): what planning and the cache scan cost per query.
const std::string kLastpoint =
    "SELECT c.* FROM cpu c INNER JOIN (SELECT hostname, max(time) AS max_time FROM cpu GROUP BY "
    "hostname) m ON c.hostname = m.hostname AND c.time = m.max_time ORDER BY c.hostname";

void BM_LastpointFromCache(benchmark::State& state) {
  TestNode& node = NodeFor(Source::kFilesWarm);
  static bool created = false;
  if (!created) {
    created = true;
    auto cache = node.catalog().CreateLastCache(
        {.database = "db", .table = "cpu", .key_columns = {{"hostname"}}, .count = 1});
    STRATA_CHECK(cache.ok());
    auto added = node.caches().AddLastCache(
        cache->database_id, cache->table_id, cache->definition, /*filled=*/false);
    auto snapshot = node.catalog().snapshot();
    STRATA_CHECK(FillLastCache(node.engine(),
                               *snapshot->DatabaseById(cache->database_id),
                               *snapshot->FindTable("db", "cpu"),
                               added.get(),
                               node.caches().Now())
                     .ok());
    auto plan = node.Query("EXPLAIN " + kLastpoint);
    STRATA_CHECK(plan.ok());
    STRATA_CHECK(absl::StrJoin(*plan, "\n").find("last_cache") != std::string::npos);
  }
  RunQuery(state, Source::kFilesWarm, kLastpoint);
}
BENCHMARK(BM_LastpointFromCache)->Unit(benchmark::kMillisecond)->UseRealTime();

SCAN_BENCHMARKS(SingleGroupBy111, kSingleGroupBy)
SCAN_BENCHMARKS(CpuMaxAll8, kMaxAll8)
SCAN_BENCHMARKS(DoubleGroupByAll, kDoubleGroupByAll)

}  // namespace
}  // namespace strata::query

BENCHMARK_MAIN();
