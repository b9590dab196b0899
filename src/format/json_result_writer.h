// JSON and JSON lines output, as arrow-json's writers print it for InfluxDB 3.
#pragma once

#include <string>
#include <vector>

#include "columnar/schema.h"
#include "format/encoded_dictionary.h"
#include "format/result_writer.h"

namespace strata::format {

// Writes rows as JSON objects with the columns as keys, in schema order. A null value is left out
// of its row's object (arrow-json's default, explicit_nulls = false); a NaN or infinite float64 is
// written as null. kArray wraps the rows in one array, `[{...},{...}]` or `[]` with no newlines;
// kLines ends every object with "\n" and writes nothing for no rows.
class JsonResultWriter final : public ResultWriter {
 public:
  enum class Layout { kArray, kLines };

  // REQUIRES: every field of `schema` has a type IsJsonWritable accepts.
  JsonResultWriter(SchemaPtr schema, Layout layout);

  void Begin(std::string* out) override;
  void WriteBatch(const RecordBatch& batch, std::string* out) override;
  void Finish(std::string* out) override;
  bool supports_fragments() const override { return true; }
  // In the array layout a fragment is its rows each preceded by ',', so that joining needs no
  // copy: AppendFragment drops the first row's comma only when no row precedes it.
  void WriteFragment(const RecordBatch& batch, std::string* fragment) override;
  void AppendFragment(std::string* fragment, std::string* out) override;

 private:
  struct ColumnState {
    explicit ColumnState(const std::string& name);
    // `{"name":` for the first non-null value of a row and `,"name":` for the others, each
    // followed by ByteSink::kPaddedCopy bytes of padding.
    std::string first_key;
    std::string next_key;
    size_t key_length;
    EncodedDictionary dictionary;
  };

  SchemaPtr schema_;
  Layout layout_;
  std::vector<ColumnState> columns_;
  int64_t rows_written_ = 0;
};

}  // namespace strata::format
