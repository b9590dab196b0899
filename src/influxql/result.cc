#include "influxql/result.h"

#include <string>
#include <string_view>
#include <type_traits>

#include "columnar/cell_visit.h"

namespace strata::influxql {

ResultValue CellOf(const Column& column, int64_t row) {
  return VisitCell(column, row, [](auto value) -> ResultValue {
    if constexpr (std::is_same_v<decltype(value), std::string_view>) {
      return std::string(value);
    } else {
      return value;
    }
  });
}

ResultTime ColumnarRows::time(size_t i) const {
  ResultTime time{block_of(i).columns[0]->GetInt64(row_in_block(rows[i]))};
  if (!utc_offsets.empty()) {
    time.utc_offset_seconds = utc_offsets[i];
  }
  return time;
}

ResultValue Series::cell(size_t row, size_t column) const {
  if (!columnar.has_value()) {
    return values[row][column];
  }
  if (column == 0) {
    return columnar->time(row);
  }
  return columnar->cell(row, column);
}

void Series::Materialize() {
  if (!columnar.has_value()) {
    return;
  }
  values.clear();
  values.reserve(columnar->rows.size());
  for (size_t r = 0; r < columnar->rows.size(); ++r) {
    std::vector<ResultValue> row;
    row.reserve(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      row.push_back(cell(r, c));
    }
    values.push_back(std::move(row));
  }
  columnar.reset();
}

bool operator==(const Series& a, const Series& b) {
  if (a.name != b.name || a.tags != b.tags || a.columns != b.columns || a.partial != b.partial ||
      a.num_rows() != b.num_rows()) {
    return false;
  }
  if (!a.columnar.has_value() && !b.columnar.has_value()) {
    return a.values == b.values;
  }
  for (const Series* side : {&a, &b}) {
    for (const auto& row : side->values) {
      if (row.size() != side->columns.size()) {
        return false;
      }
    }
  }
  for (size_t r = 0; r < a.num_rows(); ++r) {
    for (size_t c = 0; c < a.columns.size(); ++c) {
      if (a.cell(r, c) != b.cell(r, c)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace strata::influxql
