// Row-at-a-time CSV encoding into the output buffer.
#include "format/csv_result_writer.h"

#include "format/byte_sink.h"
#include "format/display_value.h"
#include "format/string_encoding.h"

namespace strata::format {

CsvResultWriter::CsvResultWriter(SchemaPtr schema) : schema_(std::move(schema)) {
  dictionaries_.reserve(static_cast<size_t>(schema_->num_fields()));
  for (int i = 0; i < schema_->num_fields(); ++i) {
    dictionaries_.emplace_back(&AppendCsvField);
  }
}

void CsvResultWriter::Begin(std::string* out) {
  ByteSink sink(out);
  const size_t line_start = sink.size();
  for (int c = 0; c < schema_->num_fields(); ++c) {
    if (c > 0) {
      sink.Append(',');
    }
    AppendCsvField(schema_->field(c).name, &sink);
  }
  if (sink.size() == line_start) {
    sink.Append("\"\"");
  }
  sink.Append('\n');
}

void CsvResultWriter::WriteBatch(const RecordBatch& batch, std::string* out) {
  CheckMatchesSchema(batch, *schema_);
  const int num_columns = batch.num_columns();
  ByteSink sink(out);
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    const size_t line_start = sink.size();
    for (int c = 0; c < num_columns; ++c) {
      if (c > 0) {
        sink.Append(',');
      }
      const Column& column = *batch.column(c);
      if (column.IsNull(row)) {
        continue;
      }
      switch (column.type()) {
        case TypeId::kDictionary:
          sink.AppendPadded(dictionaries_[static_cast<size_t>(c)].Get(column.dictionary(),
                                                                      column.data<int32_t>()[row]));
          break;
        case TypeId::kString:
          AppendCsvField(column.GetString(row), &sink);
          break;
        default: {
          char* p = sink.Reserve(kMaxDisplayValueLength);
          sink.CommitTo(WriteDisplayValue(column, row, p));
        }
      }
    }
    if (sink.size() == line_start) {
      sink.Append("\"\"");
    }
    sink.Append('\n');
  }
}

}  // namespace strata::format
