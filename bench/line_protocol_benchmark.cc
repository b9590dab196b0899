// Line protocol parsing throughput on TSBS cpu-only shaped data (100 hosts, 10 tags, 10 fields,
// nanosecond timestamps, 5,000 lines per body like the ingest benchmark's requests). Reports
// items_per_second = lines/s and bytes_per_second. Set STRATA_LP_BENCH_FILE to a line protocol
// file (e.g. the output of ../shared/bench/gen_cpu.py) to also parse real data.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "fmt/format.h"
#include "lineprotocol/parser.h"

namespace strata::lineprotocol {
namespace {

constexpr int kHosts = 100;
constexpr int kLinesPerBody = 5000;
constexpr int64_t kStartNs = 1'451'606'400'000'000'000;  // 2016-01-01T00:00:00Z

// The TSBS value pools (timescale/tsbs devops use case).
const char* const kRegions[][5] = {
    {"us-east-1", "us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e"},
    {"us-west-1", "us-west-1a", "us-west-1b", nullptr, nullptr},
    {"us-west-2", "us-west-2a", "us-west-2b", "us-west-2c", nullptr},
    {"eu-west-1", "eu-west-1a", "eu-west-1b", "eu-west-1c", nullptr},
    {"eu-central-1", "eu-central-1a", "eu-central-1b", nullptr, nullptr},
    {"ap-southeast-1", "ap-southeast-1a", "ap-southeast-1b", nullptr, nullptr},
    {"ap-southeast-2", "ap-southeast-2a", "ap-southeast-2b", nullptr, nullptr},
    {"ap-northeast-1", "ap-northeast-1a", "ap-northeast-1c", nullptr, nullptr},
    {"sa-east-1", "sa-east-1a", "sa-east-1b", "sa-east-1c", nullptr},
};
const char* const kTeams[] = {"SF", "NYC", "LON", "CHI"};
const char* const kOses[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
const char* const kArchs[] = {"x64", "x86"};
const char* const kEnvironments[] = {"production", "staging", "test"};
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

enum class ValueFormat { kInteger, kFloat, kEscapedAndStrings };

// Generates one body of kLinesPerBody lines, ordered by time then host like TSBS.
std::string MakeTsbsBody(ValueFormat format) {
  std::mt19937_64 random(123);
  std::vector<std::string> prefixes;
  for (int h = 0; h < kHosts; ++h) {
    const auto& region = kRegions[random() % 9];
    int datacenters = 0;
    while (datacenters < 4 && region[datacenters + 1] != nullptr) {
      ++datacenters;
    }
    std::string hostname = fmt::format("host_{}", h);
    if (format == ValueFormat::kEscapedAndStrings) {
      hostname = fmt::format("host\\ {}\\,x", h);
    }
    prefixes.push_back(fmt::format(
        "cpu,hostname={},region={},datacenter={},rack={},os={},arch={},team={},service={},"
        "service_version={},service_environment={} ",
        hostname,
        region[0],
        region[1 + random() % datacenters],
        random() % 100,
        kOses[random() % 3],
        kArchs[random() % 2],
        kTeams[random() % 4],
        random() % 20,
        random() % 2,
        kEnvironments[random() % 3]));
  }
  std::vector<std::vector<double>> state(kHosts, std::vector<double>(10));
  for (auto& host : state) {
    for (double& v : host) {
      v = static_cast<double>(random() % 10000) / 100.0;
    }
  }
  std::normal_distribution<double> step(0.0, 1.0);
  std::string body;
  for (int line = 0; line < kLinesPerBody; ++line) {
    const int h = line % kHosts;
    const int64_t time_ns = kStartNs + int64_t{line / kHosts} * 10'000'000'000;
    body += prefixes[h];
    for (int f = 0; f < 10; ++f) {
      double& v = state[h][f];
      v = std::min(100.0, std::max(0.0, v + step(random)));
      if (f > 0) {
        body += ',';
      }
      switch (format) {
        case ValueFormat::kInteger:
          body += fmt::format("{}={}i", kFields[f], static_cast<int64_t>(v));
          break;
        case ValueFormat::kFloat:
          body += fmt::format("{}={:.1f}", kFields[f], v);
          break;
        case ValueFormat::kEscapedAndStrings:
          body += f % 2 == 0 ? fmt::format("{}=\"v\\\"{}\"", kFields[f], static_cast<int>(v))
                             : fmt::format("{}={}i", kFields[f], static_cast<int64_t>(v));
          break;
      }
    }
    body += fmt::format(" {}\n", time_ns);
  }
  return body;
}

void RunParse(benchmark::State& state, const std::string& body, Precision precision) {
  ParseResult result;
  const ParseOptions options{.precision = precision, .default_time_ns = kStartNs};
  Parse(body, options, &result);
  if (!result.errors.empty()) {
    state.SkipWithError(result.errors[0].message.c_str());
    return;
  }
  const size_t lines = result.lines.size();
  for (auto _ : state) {
    Parse(body, options, &result);
    benchmark::DoNotOptimize(result.lines.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * lines));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["bytes_per_line"] = static_cast<double>(body.size()) / lines;
}

void BM_ParseTsbsCpuIntegers(benchmark::State& state) {
  static const std::string body = MakeTsbsBody(ValueFormat::kInteger);
  RunParse(state, body, Precision::kNanosecond);
}
BENCHMARK(BM_ParseTsbsCpuIntegers);

void BM_ParseTsbsCpuIntegersAutoPrecision(benchmark::State& state) {
  static const std::string body = MakeTsbsBody(ValueFormat::kInteger);
  RunParse(state, body, Precision::kAuto);
}
BENCHMARK(BM_ParseTsbsCpuIntegersAutoPrecision);

void BM_ParseTsbsCpuFloats(benchmark::State& state) {
  static const std::string body = MakeTsbsBody(ValueFormat::kFloat);
  RunParse(state, body, Precision::kNanosecond);
}
BENCHMARK(BM_ParseTsbsCpuFloats);

void BM_ParseEscapesAndStrings(benchmark::State& state) {
  static const std::string body = MakeTsbsBody(ValueFormat::kEscapedAndStrings);
  RunParse(state, body, Precision::kNanosecond);
}
BENCHMARK(BM_ParseEscapesAndStrings);

// Parses the file named by STRATA_LP_BENCH_FILE in bodies of about 1.5 MB, cut at newlines.
void BM_ParseFile(benchmark::State& state) {
  const char* path = std::getenv("STRATA_LP_BENCH_FILE");
  if (path == nullptr) {
    state.SkipWithError("STRATA_LP_BENCH_FILE is not set");
    return;
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  const std::string data = contents.str();
  std::vector<std::string_view> bodies;
  for (size_t start = 0; start < data.size();) {
    size_t end = std::min(data.size(), start + (3 << 19));
    const size_t newline = data.find('\n', end);
    end = newline == std::string::npos ? data.size() : newline + 1;
    bodies.emplace_back(data.data() + start, end - start);
    start = end;
  }
  ParseResult result;
  for (std::string_view body : bodies) {
    Parse(body, {.precision = Precision::kNanosecond}, &result);
    if (!result.errors.empty()) {
      state.SkipWithError(result.errors[0].message.c_str());
      return;
    }
  }
  int64_t lines = 0;
  for (auto _ : state) {
    for (std::string_view body : bodies) {
      Parse(body, {.precision = Precision::kNanosecond}, &result);
      lines += static_cast<int64_t>(result.lines.size());
      benchmark::DoNotOptimize(result.lines.data());
    }
  }
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_ParseFile)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::lineprotocol

BENCHMARK_MAIN();
