// TSBS cpu-only shaped write batches for benchmarks of the write path: 10 tags (column ids 1-10,
// hostname first), 10 int64 fields (ids 11-20), batches of 5000 rows, hosts reporting every 10 s.
#pragma once

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "fmt/format.h"

namespace strata::buffer {

inline constexpr int kRowsPerBatch = 5000;
inline constexpr int64_t kInterval = 10'000'000'000;  // 10 s
inline constexpr int64_t kStart = 1'700'000'000'000'000'000;

// The batches of one cycle: `hosts` hosts, each reporting at every timestamp, rows in time order.
// Applying the cycle again with times shifted by cycle_span continues the same stream.
struct BatchCycle {
  std::vector<WriteBatch> batches;
  int64_t cycle_span = 0;
};

inline BatchCycle MakeTsbsCycle(int hosts) {
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

// Shifts every row of `cycle` by its span: applying the cycle again continues the same stream.
inline void AdvanceCycle(BatchCycle* cycle) {
  for (WriteBatch& shifted : cycle->batches) {
    for (TableWrite& table : shifted.tables) {
      for (RowRef& row : table.rows) {
        row.time += cycle->cycle_span;
      }
    }
  }
}

}  // namespace strata::buffer
