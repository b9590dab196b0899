// Record batches: a schema plus one column per field, all of the same length. The unit that
// flows between query operators and out of table providers.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "columnar/column.h"
#include "columnar/schema.h"

namespace strata {

using ColumnPtr = std::shared_ptr<const Column>;

class RecordBatch {
 public:
  RecordBatch(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  // Builds a batch after checking that columns match the schema in number, type and length.
  static absl::StatusOr<std::shared_ptr<RecordBatch>> Make(SchemaPtr schema,
                                                           std::vector<ColumnPtr> columns);

  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return num_rows_; }
  const ColumnPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }

 private:
  SchemaPtr schema_;
  std::vector<ColumnPtr> columns_;
  int64_t num_rows_;
};

}  // namespace strata
