// Cells are collected as text with their widths; Finish draws the table in one pass.
#include "format/pretty_result_writer.h"

#include <algorithm>
#include <string_view>

#include "format/byte_sink.h"
#include "format/display_value.h"
#include "format/display_width.h"
#include "format/string_encoding.h"

namespace strata::format {
namespace {

// The widest line of a cell.
size_t CellWidth(std::string_view text) {
  size_t width = 0;
  while (true) {
    const size_t newline = text.find('\n');
    width = std::max(width, DisplayWidth(text.substr(0, newline)));
    if (newline == std::string_view::npos) {
      return width;
    }
    text.remove_prefix(newline + 1);
  }
}

// The line `index` of a cell's text, empty past its last line.
std::string_view CellLine(std::string_view text, size_t index) {
  for (size_t i = 0; i < index; ++i) {
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      return {};
    }
    text.remove_prefix(newline + 1);
  }
  return text.substr(0, text.find('\n'));
}

void DrawSeparator(const std::vector<size_t>& widths, ByteSink* sink) {
  sink->Append('+');
  for (size_t width : widths) {
    sink->AppendRepeated('-', width + 2);
    sink->Append('+');
  }
}

// Draws one row of the table, which takes as many lines as its tallest cell; no trailing newline.
void DrawRow(const std::vector<std::string_view>& cells,
             const std::vector<size_t>& widths,
             ByteSink* sink) {
  size_t lines = 1;
  for (std::string_view cell : cells) {
    lines = std::max(lines, static_cast<size_t>(std::count(cell.begin(), cell.end(), '\n')) + 1);
  }
  for (size_t line = 0; line < lines; ++line) {
    if (line > 0) {
      sink->Append('\n');
    }
    sink->Append('|');
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string_view text = lines == 1 ? cells[c] : CellLine(cells[c], line);
      sink->Append(' ');
      sink->Append(text);
      sink->AppendRepeated(' ', widths[c] - DisplayWidth(text) + 1);
      sink->Append('|');
    }
  }
}

}  // namespace

PrettyResultWriter::PrettyResultWriter(SchemaPtr schema)
    : schema_(std::move(schema)), widths_(static_cast<size_t>(schema_->num_fields()), 0) {
  ByteSink sink(&cells_);
  for (int c = 0; c < schema_->num_fields(); ++c) {
    const size_t begin = sink.size();
    AppendUtf8(schema_->field(c).name, &sink);
    AddCell(static_cast<size_t>(c), sink, begin);
  }
}

void PrettyResultWriter::AddCell(size_t column, const ByteSink& sink, size_t begin) {
  cell_ends_.push_back(sink.size());
  widths_[column] = std::max(widths_[column], CellWidth(sink.WrittenSince(begin)));
}

void PrettyResultWriter::WriteBatch(const RecordBatch& batch, std::string* /*out*/) {
  CheckMatchesSchema(batch, *schema_);
  const int num_columns = batch.num_columns();
  ByteSink sink(&cells_);
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    for (int c = 0; c < num_columns; ++c) {
      const Column& column = *batch.column(c);
      const size_t begin = sink.size();
      if (column.IsValid(row)) {
        if (IsStringType(column.type())) {
          AppendUtf8(column.GetString(row), &sink);
        } else {
          char* p = sink.Reserve(kMaxDisplayValueLength);
          sink.CommitTo(WriteDisplayValue(column, row, p));
        }
      }
      AddCell(static_cast<size_t>(c), sink, begin);
    }
  }
}

void PrettyResultWriter::Finish(std::string* out) {
  const size_t num_columns = widths_.size();
  ByteSink sink(out);
  std::vector<std::string_view> row(num_columns);
  size_t begin = 0;
  size_t cell = 0;
  auto next_row = [&] {
    for (size_t c = 0; c < num_columns; ++c, ++cell) {
      row[c] = std::string_view(cells_).substr(begin, cell_ends_[cell] - begin);
      begin = cell_ends_[cell];
    }
  };

  DrawSeparator(widths_, &sink);
  sink.Append('\n');
  next_row();
  DrawRow(row, widths_, &sink);
  sink.Append('\n');
  DrawSeparator(widths_, &sink);
  const size_t num_rows = num_columns == 0 ? 0 : cell_ends_.size() / num_columns - 1;
  for (size_t r = 0; r < num_rows; ++r) {
    sink.Append('\n');
    next_row();
    DrawRow(row, widths_, &sink);
  }
  sink.Append('\n');
  DrawSeparator(widths_, &sink);

  cells_.clear();
  cell_ends_.clear();
}

}  // namespace strata::format
