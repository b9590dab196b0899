// CSV output, as arrow-csv's writer prints it for InfluxDB 3.
#pragma once

#include <vector>

#include "columnar/schema.h"
#include "format/encoded_dictionary.h"
#include "format/result_writer.h"

namespace strata::format {

// Writes a header line of column names, then one line per row, every line ending in "\n". Values
// are their display text (display_value.h), a null is an empty field, and fields are quoted only
// when needed (string_encoding.h). Like the csv crate, a line that would be empty (one column,
// null or empty value) is written as `""` so that it still reads back as a record. No rows leaves
// just the header line.
class CsvResultWriter final : public ResultWriter {
 public:
  explicit CsvResultWriter(SchemaPtr schema);

  void Begin(std::string* out) override;
  void WriteBatch(const RecordBatch& batch, std::string* out) override;
  void Finish(std::string* /*out*/) override {}
  bool supports_fragments() const override { return true; }

 private:
  SchemaPtr schema_;
  std::vector<EncodedDictionary> dictionaries_;  // per column
};

}  // namespace strata::format
