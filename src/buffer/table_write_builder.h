// Builds TableWrite and WriteBatch values cell by cell, the way validation (src/ingest) produces
// them, for tests and benchmarks of code that consumes WriteBatches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/write_batch.h"
#include "common/check.h"

namespace strata::buffer {

// Usage: TableWriteBuilder b(table_id); b.Row(t).Tag(1, "a").Int64(2, 5); ...; b.Build().
// Each row's cells are sorted by column id when the row ends (as WriteBatch requires).
class TableWriteBuilder {
 public:
  explicit TableWriteBuilder(uint32_t table_id) { write_.table_id = table_id; }

  // Starts a new row at `time`.
  TableWriteBuilder& Row(int64_t time) {
    FinishRow();
    write_.rows.push_back(RowRef{time, Size(), Size()});
    return *this;
  }
  TableWriteBuilder& Tag(uint32_t column_id, std::string_view value) {
    return String(column_id, value, TypeId::kDictionary);
  }
  TableWriteBuilder& String(uint32_t column_id,
                            std::string_view value,
                            TypeId type = TypeId::kString) {
    CellValue cell = Cell(column_id, type);
    cell.str.offset = static_cast<uint32_t>(write_.string_heap.size());
    cell.str.length = static_cast<uint32_t>(value.size());
    write_.string_heap.append(value);
    return Add(cell);
  }
  TableWriteBuilder& Int64(uint32_t column_id, int64_t v) {
    CellValue cell = Cell(column_id, TypeId::kInt64);
    cell.i64 = v;
    return Add(cell);
  }
  TableWriteBuilder& UInt64(uint32_t column_id, uint64_t v) {
    CellValue cell = Cell(column_id, TypeId::kUInt64);
    cell.u64 = v;
    return Add(cell);
  }
  TableWriteBuilder& Float64(uint32_t column_id, double v) {
    CellValue cell = Cell(column_id, TypeId::kFloat64);
    cell.f64 = v;
    return Add(cell);
  }
  TableWriteBuilder& Bool(uint32_t column_id, bool v) {
    CellValue cell = Cell(column_id, TypeId::kBool);
    cell.b = v;
    return Add(cell);
  }

  // Returns the rows built so far and resets the builder to an empty write of the same table.
  TableWrite Build() {
    FinishRow();
    TableWrite built = std::move(write_);
    write_ = TableWrite();
    write_.table_id = built.table_id;
    return built;
  }

 private:
  static CellValue Cell(uint32_t column_id, TypeId type) {
    CellValue cell;
    cell.column_id = column_id;
    cell.type = type;
    cell.u64 = 0;
    return cell;
  }
  uint32_t Size() const { return static_cast<uint32_t>(write_.cells.size()); }
  TableWriteBuilder& Add(const CellValue& cell) {
    STRATA_CHECK(!write_.rows.empty());
    write_.cells.push_back(cell);
    write_.rows.back().cell_end = Size();
    return *this;
  }
  void FinishRow() {
    if (!write_.rows.empty()) {
      const RowRef& row = write_.rows.back();
      std::stable_sort(
          write_.cells.begin() + row.cell_begin,
          write_.cells.begin() + row.cell_end,
          [](const CellValue& a, const CellValue& b) { return a.column_id < b.column_id; });
    }
  }

  TableWrite write_;
};

// Wraps table writes into a batch for `database_id`, filling in row_count and the time bounds.
inline WriteBatch MakeWriteBatch(uint32_t database_id, std::vector<TableWrite> tables) {
  WriteBatch batch;
  batch.database_id = database_id;
  for (const TableWrite& table : tables) {
    for (const RowRef& row : table.rows) {
      batch.min_time = std::min(batch.min_time, row.time);
      batch.max_time = std::max(batch.max_time, row.time);
      ++batch.row_count;
    }
  }
  batch.tables = std::move(tables);
  return batch;
}

}  // namespace strata::buffer
