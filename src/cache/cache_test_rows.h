// Builds TableWrites for the cache tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "catalog/write_batch.h"

namespace strata::cache {

// A cell to add: column id and a value; a string with tag=true is a tag.
struct TestCell {
  uint32_t column_id;
  std::variant<int64_t, uint64_t, double, bool, std::string> value;
  bool tag = false;
};

// Appends a row at `time` with `cells` (any order) to `write`.
inline void AddRow(TableWrite* write, int64_t time, std::vector<TestCell> cells) {
  std::sort(cells.begin(), cells.end(), [](const TestCell& a, const TestCell& b) {
    return a.column_id < b.column_id;
  });
  RowRef row{time, static_cast<uint32_t>(write->cells.size()), 0};
  for (const TestCell& c : cells) {
    CellValue cell{};
    cell.column_id = c.column_id;
    if (auto* s = std::get_if<std::string>(&c.value)) {
      cell.type = c.tag ? TypeId::kDictionary : TypeId::kString;
      cell.str.offset = static_cast<uint32_t>(write->string_heap.size());
      cell.str.length = static_cast<uint32_t>(s->size());
      write->string_heap += *s;
    } else if (auto* i = std::get_if<int64_t>(&c.value)) {
      cell.type = TypeId::kInt64;
      cell.i64 = *i;
    } else if (auto* u = std::get_if<uint64_t>(&c.value)) {
      cell.type = TypeId::kUInt64;
      cell.u64 = *u;
    } else if (auto* d = std::get_if<double>(&c.value)) {
      cell.type = TypeId::kFloat64;
      cell.f64 = *d;
    } else {
      cell.type = TypeId::kBool;
      cell.b = std::get<bool>(c.value);
    }
    write->cells.push_back(cell);
  }
  row.cell_end = static_cast<uint32_t>(write->cells.size());
  write->rows.push_back(row);
}

}  // namespace strata::cache
