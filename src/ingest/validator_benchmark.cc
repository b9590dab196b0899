// Throughput of write validation (and of encoding its WriteBatch) on TSBS cpu-only shaped line
// protocol: 10 tags and 10 integer fields per line, 5,000 lines per request, 100,000 lines.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/check.h"
#include "ingest/validator.h"

namespace strata::ingest {
namespace {

constexpr int kLinesPerRequest = 5000;
constexpr int kRequests = 20;

// One request body of TSBS cpu-only lines (hosts cycle through 1,000; 10 s between rounds).
std::string TsbsBody(int request) {
  static const char* const kRegions[] = {"us-east-1", "us-west-1", "eu-central-1", "ap-south-1"};
  std::string body;
  body.reserve(kLinesPerRequest * 300);
  uint64_t seed = 0x9E3779B97F4A7C15ull * (request + 1);
  const auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed % 100;
  };
  for (int i = 0; i < kLinesPerRequest; ++i) {
    int line = request * kLinesPerRequest + i;
    int host = line % 1000;
    int64_t time = 1451606400000000000 + int64_t{line / 1000} * 10'000'000'000;
    const char* region = kRegions[host % 4];
    body += "cpu,hostname=host_" + std::to_string(host) + ",region=" + region +
            ",datacenter=" + region + "a,rack=" + std::to_string(host % 100) +
            ",os=Ubuntu16.04LTS,arch=x64,team=SF,service=" + std::to_string(host % 20) +
            ",service_version=1,service_environment=production ";
    const char* const kFields[] = {"usage_user",
                                   "usage_system",
                                   "usage_idle",
                                   "usage_nice",
                                   "usage_iowait",
                                   "usage_irq",
                                   "usage_softirq",
                                   "usage_steal",
                                   "usage_guest",
                                   "usage_guest_nice"};
    for (int f = 0; f < 10; ++f) {
      body += kFields[f];
      body += '=';
      body += std::to_string(next());
      body += f == 9 ? "i " : "i,";
    }
    body += std::to_string(time);
    body += '\n';
  }
  return body;
}

struct Workload {
  std::vector<std::string> bodies;
  std::vector<std::unique_ptr<lineprotocol::ParseResult>> parsed;
};

const Workload& GetWorkload() {
  static const Workload* workload = [] {
    auto* w = new Workload;
    for (int r = 0; r < kRequests; ++r) {
      w->bodies.push_back(TsbsBody(r));
    }
    for (const std::string& body : w->bodies) {
      auto parsed = std::make_unique<lineprotocol::ParseResult>();
      lineprotocol::ParseOptions options;
      options.precision = lineprotocol::Precision::kNanosecond;
      lineprotocol::Parse(body, options, parsed.get());
      STRATA_CHECK_EQ(parsed->lines.size(), static_cast<size_t>(kLinesPerRequest));
      STRATA_CHECK_EQ(parsed->error_count, 0);
      w->parsed.push_back(std::move(parsed));
    }
    return w;
  }();
  return *workload;
}

// Steady state: the schema exists, so validation only resolves columns and copies values.
void BM_ValidateWrite(benchmark::State& state) {
  const Workload& workload = GetWorkload();
  auto catalog = catalog::Catalog::CreateInMemory({});
  STRATA_CHECK(ValidateWrite(*catalog, "db", *workload.parsed[0], true).ok());
  for (auto _ : state) {
    for (const auto& parsed : workload.parsed) {
      absl::StatusOr<ValidationResult> result = ValidateWrite(*catalog, "db", *parsed, true);
      STRATA_CHECK(result.ok());
      benchmark::DoNotOptimize(result->batch.row_count);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests * kLinesPerRequest);
}
BENCHMARK(BM_ValidateWrite)->Unit(benchmark::kMillisecond);

// Validation of the first write to an empty catalog (creates database, table and 21 columns).
void BM_ValidateFirstWrite(benchmark::State& state) {
  const Workload& workload = GetWorkload();
  for (auto _ : state) {
    auto catalog = catalog::Catalog::CreateInMemory({});
    absl::StatusOr<ValidationResult> result =
        ValidateWrite(*catalog, "db", *workload.parsed[0], true);
    STRATA_CHECK(result.ok());
    benchmark::DoNotOptimize(result->batch.row_count);
  }
  state.SetItemsProcessed(state.iterations() * kLinesPerRequest);
}
BENCHMARK(BM_ValidateFirstWrite)->Unit(benchmark::kMillisecond);

// Encoding of validated batches, as the WAL does for every request.
void BM_SerializeWriteBatch(benchmark::State& state) {
  const Workload& workload = GetWorkload();
  auto catalog = catalog::Catalog::CreateInMemory({});
  std::vector<WriteBatch> batches;
  for (const auto& parsed : workload.parsed) {
    batches.push_back(ValidateWrite(*catalog, "db", *parsed, true)->batch);
  }
  size_t bytes = 0;
  std::string out;
  for (auto _ : state) {
    for (const WriteBatch& batch : batches) {
      out.clear();
      batch.SerializeTo(&out);
      bytes += out.size();
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests * kLinesPerRequest);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["bytes_per_row"] =
      static_cast<double>(bytes) / (state.iterations() * kRequests * kLinesPerRequest);
}
BENCHMARK(BM_SerializeWriteBatch)->Unit(benchmark::kMillisecond);

// Decoding, as WAL replay does.
void BM_DeserializeWriteBatch(benchmark::State& state) {
  const Workload& workload = GetWorkload();
  auto catalog = catalog::Catalog::CreateInMemory({});
  std::vector<std::string> encoded;
  for (const auto& parsed : workload.parsed) {
    encoded.emplace_back();
    ValidateWrite(*catalog, "db", *parsed, true)->batch.SerializeTo(&encoded.back());
  }
  for (auto _ : state) {
    for (const std::string& data : encoded) {
      absl::StatusOr<WriteBatch> batch = WriteBatch::Deserialize(data);
      STRATA_CHECK(batch.ok());
      benchmark::DoNotOptimize(batch->row_count);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRequests * kLinesPerRequest);
}
BENCHMARK(BM_DeserializeWriteBatch)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::ingest

BENCHMARK_MAIN();
