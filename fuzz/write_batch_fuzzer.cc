// libFuzzer target for WriteBatch::Deserialize, which decodes WAL payloads at start-up. Any input
// must decode or fail with DataLoss, without crashing. A decoded batch must satisfy write_batch.h's
// invariants (contiguous rows, cells sorted by column id, strings inside the heap, recomputed
// statistics), and SerializeTo + Deserialize must give an equal batch whose encoding is canonical:
// no longer than the input and stable when encoded again.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "catalog/write_batch.h"

namespace strata {
namespace {

[[noreturn]] void Die(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "write_batch_fuzzer: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

bool IsCellType(TypeId type) {
  switch (type) {
    case TypeId::kBool:
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kString:
    case TypeId::kDictionary:
      return true;
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      return false;
  }
  return false;
}

void CheckInvariants(const WriteBatch& batch) {
  int64_t rows = 0;
  int64_t min_time = INT64_MAX;
  int64_t max_time = INT64_MIN;
  for (const TableWrite& table : batch.tables) {
    uint32_t next_cell = 0;
    for (const RowRef& row : table.rows) {
      // Decoded rows are contiguous and in order.
      FUZZ_CHECK(row.cell_begin == next_cell);
      FUZZ_CHECK(row.cell_begin <= row.cell_end && row.cell_end <= table.cells.size());
      next_cell = row.cell_end;
      for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
        const CellValue& cell = table.cells[c];
        FUZZ_CHECK(c == row.cell_begin || table.cells[c - 1].column_id < cell.column_id);
        FUZZ_CHECK(IsCellType(cell.type));
        if (cell.type == TypeId::kString || cell.type == TypeId::kDictionary) {
          FUZZ_CHECK(cell.str.offset <= table.string_heap.size());
          FUZZ_CHECK(cell.str.length <= table.string_heap.size() - cell.str.offset);
          FUZZ_CHECK(table.StringOf(cell).size() == cell.str.length);
        }
      }
      ++rows;
      min_time = std::min(min_time, row.time);
      max_time = std::max(max_time, row.time);
    }
    FUZZ_CHECK(next_cell == table.cells.size());
  }
  FUZZ_CHECK(batch.row_count == rows);
  FUZZ_CHECK(batch.min_time == min_time);
  FUZZ_CHECK(batch.max_time == max_time);
}

}  // namespace
}  // namespace strata

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(input);
  if (!decoded.ok()) {
    if (decoded.status().code() != absl::StatusCode::kDataLoss) {
      Die("Deserialize failed with a code other than DataLoss",
          std::string(decoded.status().message()));
    }
    if (decoded.status().message().empty() || decoded.status().message().size() > 1024) {
      Die("bad error message length");
    }
    return 0;
  }
  CheckInvariants(*decoded);

  // SerializeTo appends: the prefix stays, and the encoding is the same as into an empty string.
  std::string encoded = "prefix";
  decoded->SerializeTo(&encoded);
  FUZZ_CHECK(encoded.compare(0, 6, "prefix") == 0);
  encoded.erase(0, 6);
  // The canonical encoding uses minimal varints, so it is never longer than an accepted input.
  FUZZ_CHECK(encoded.size() <= input.size());

  absl::StatusOr<WriteBatch> again = WriteBatch::Deserialize(encoded);
  if (!again.ok()) {
    Die("re-encoded batch does not decode", std::string(again.status().message()));
  }
  FUZZ_CHECK(*again == *decoded);
  std::string encoded_again;
  again->SerializeTo(&encoded_again);
  FUZZ_CHECK(encoded_again == encoded);
  return 0;
}
