// The pretty table output, as arrow-cast's pretty_format_batches draws it (with comfy-table) for
// InfluxDB 3.
#pragma once

#include <string>
#include <vector>

#include "columnar/schema.h"
#include "format/byte_sink.h"
#include "format/result_writer.h"

namespace strata::format {

// Draws the result as a table:
//   +---------------------+-------+
//   | time                | value |
//   +---------------------+-------+
//   | 2016-01-01T00:00:00 | 1.0   |
//   +---------------------+-------+
// Cells hold the values' display text (display_value.h), left-aligned, a null is empty; columns
// are as wide as their widest line in terminal columns (display_width.h); a value containing "\n"
// spans several lines of its row. No rows draws the header box alone. Like InfluxDB's response
// body, the table does not end with a newline. Every cell is kept until Finish, since the last
// row can still widen a column.
class PrettyResultWriter final : public ResultWriter {
 public:
  explicit PrettyResultWriter(SchemaPtr schema);

  void Begin(std::string* /*out*/) override {}
  void WriteBatch(const RecordBatch& batch, std::string* out) override;
  void Finish(std::string* out) override;
  size_t buffered_bytes() const override {
    return cells_.capacity() + cell_ends_.capacity() * sizeof(size_t);
  }

 private:
  // Records the cell that `sink` has written since `begin` as the next cell, in `column`.
  void AddCell(size_t column, const ByteSink& sink, size_t begin);

  SchemaPtr schema_;
  std::vector<size_t> widths_;     // per column, in terminal columns
  std::string cells_;              // the text of every cell, header first, row by row
  std::vector<size_t> cell_ends_;  // per cell: where its text ends in cells_
};

}  // namespace strata::format
