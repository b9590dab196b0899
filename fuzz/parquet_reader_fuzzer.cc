// libFuzzer target for the Parquet file reader. Each input is a whole file: FileReader::Open,
// then every row group read with every column strata supports, the footer statistics, page
// pruning and a ranged read. Nothing may crash, read outside the input or allocate without
// bound (the options cap pages, footers and row groups well below libFuzzer's memory limit);
// whatever reads must have the row counts the footer promised.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "parquet/file_reader.h"

namespace strata::parquet {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "parquet_reader_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

void CheckBatch(const absl::StatusOr<RecordBatch>& batch, size_t columns, int64_t rows) {
  if (!batch.ok()) {
    FUZZ_CHECK(!batch.status().message().empty());
    return;
  }
  FUZZ_CHECK(static_cast<size_t>(batch->num_columns()) == columns);
  FUZZ_CHECK(batch->num_rows() == rows);
  for (const ColumnPtr& column : batch->columns()) {
    FUZZ_CHECK(column->size() == rows);
    // Touch every value, so a bad offset into a heap or dictionary shows up under ASan.
    for (int64_t i = 0; i < rows; ++i) {
      if (!column->IsNull(i) && IsStringType(column->type())) {
        (void)column->GetString(i).size();
      }
    }
  }
}

}  // namespace
}  // namespace strata::parquet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::parquet;
  ReaderOptions options;
  options.max_footer_bytes = 1 << 20;
  options.max_page_bytes = 4 << 20;
  options.max_row_group_rows = 1 << 16;
  options.strings_as_dictionary = (size % 2) == 0;
  auto reader = FileReader::Open(
      MemorySource(std::string(reinterpret_cast<const char*>(data), size)), options);
  if (!reader.ok()) {
    FUZZ_CHECK(!reader.status().message().empty());
    return 0;
  }
  const FileReader& file = **reader;
  FUZZ_CHECK(file.schema()->num_fields() == file.num_columns());
  std::vector<int> columns;
  for (int c = 0; c < file.num_columns(); ++c) {
    if (file.ColumnSupport(c).ok()) {
      columns.push_back(c);
    }
  }
  for (int rg = 0; rg < file.num_row_groups() && rg < 64; ++rg) {
    const int64_t rows = file.row_group_rows(rg);
    CheckBatch(file.ReadRowGroup(rg, columns), columns.size(), rows);
    for (const int c : columns) {
      const ColumnChunkStatistics stats = file.Statistics(rg, c);
      if (stats.min.has_value() && stats.max.has_value()) {
        for (const RowRange& range : file.CandidateRows(rg, c, *stats.min, *stats.max)) {
          FUZZ_CHECK(0 <= range.begin && range.begin < range.end && range.end <= rows);
        }
      }
      (void)file.CandidateRows(rg, c, Value(int64_t{0}), Value(int64_t{100}));
    }
    if (rows > 2 && rows <= options.max_row_group_rows) {
      const std::vector<RowRange> ranges = {{0, 1}, {rows / 2, rows / 2 + 1}, {rows - 1, rows}};
      CheckBatch(file.ReadRowGroup(rg, columns, ranges), columns.size(), 3);
    }
  }
  return 0;
}
