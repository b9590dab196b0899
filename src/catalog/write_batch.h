// WriteBatch: one validated write request, in catalog ids, ready for the WAL and the write
// buffer. The line protocol parser produces names; validation against the catalog (src/ingest)
// turns them into a WriteBatch; the WAL stores its serialized form; the write buffer applies it.
// The serialized format is described in docs/write_batch_format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "types/data_type.h"

namespace strata {

// One value of one column in a row. Tags have type kDictionary; fields one of kFloat64, kInt64,
// kUInt64, kString, kBool. String bytes live in the owning TableWrite's string_heap.
struct CellValue {
  uint32_t column_id;
  TypeId type;
  union {
    int64_t i64;
    uint64_t u64;
    double f64;
    bool b;
    struct {
      uint32_t offset;  // into TableWrite::string_heap
      uint32_t length;
    } str;
  };

  // Equal when column, type and the payload of that type are equal; floats compare by bit pattern
  // (so -0.0 != 0.0 and a NaN equals itself), strings by heap position.
  friend bool operator==(const CellValue& a, const CellValue& b);
};

// One row (point): its time and cells [cell_begin, cell_end) of TableWrite::cells, sorted by
// column_id with each column at most once. The time column is not among the cells.
struct RowRef {
  int64_t time;
  uint32_t cell_begin;
  uint32_t cell_end;

  friend bool operator==(const RowRef&, const RowRef&) = default;
};

// The rows of one table in a write, in the order they appeared in the request.
struct TableWrite {
  uint32_t table_id = 0;
  std::vector<RowRef> rows;
  std::vector<CellValue> cells;
  std::string string_heap;

  std::string_view StringOf(const CellValue& cell) const {
    return std::string_view(string_heap).substr(cell.str.offset, cell.str.length);
  }

  friend bool operator==(const TableWrite&, const TableWrite&) = default;
};

// All rows of one write request to one database.
struct WriteBatch {
  uint32_t database_id = 0;
  std::vector<TableWrite> tables;
  int64_t min_time = INT64_MAX;  // over all rows; INT64_MAX when empty
  int64_t max_time = INT64_MIN;
  int64_t row_count = 0;

  // Appends the binary encoding of this batch (docs/write_batch_format.md) to `out`. Rows are
  // written in order with their cells; min_time, max_time and row_count are not written
  // (Deserialize recomputes them).
  void SerializeTo(std::string* out) const;
  // Decodes a batch written by SerializeTo. Every count and length is checked against the input
  // size, so corrupt or hostile input gives an error, never an out-of-bounds read.
  // The checks also enforce this header's invariants: cells of a row sorted by column_id with each
  // column at most once, cell types among those listed for CellValue, string offsets inside the
  // heap. DataLoss on any violation, naming what and where.
  static absl::StatusOr<WriteBatch> Deserialize(std::string_view data);

  friend bool operator==(const WriteBatch&, const WriteBatch&) = default;
};

}  // namespace strata
