// Validation of record batches.
#include "columnar/record_batch.h"

#include "fmt/format.h"

namespace strata {

absl::StatusOr<std::shared_ptr<RecordBatch>> RecordBatch::Make(SchemaPtr schema,
                                                               std::vector<ColumnPtr> columns) {
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return absl::InvalidArgumentError(
        fmt::format("record batch has {} columns but its schema has {} fields",
                    columns.size(),
                    schema->num_fields()));
  }
  int64_t rows = columns.empty() ? 0 : columns[0]->size();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& field = schema->field(static_cast<int>(i));
    if (columns[i]->type() != field.type) {
      return absl::InvalidArgumentError(
          fmt::format("column '{}' has type {} but the schema says {}",
                      field.name,
                      TypeName(columns[i]->type()),
                      TypeName(field.type)));
    }
    if (columns[i]->size() != rows) {
      return absl::InvalidArgumentError(fmt::format(
          "column '{}' has {} rows, expected {}", field.name, columns[i]->size(), rows));
    }
    if (!field.nullable && columns[i]->has_nulls()) {
      return absl::InvalidArgumentError(
          fmt::format("column '{}' is not nullable but has nulls", field.name));
    }
  }
  return std::make_shared<RecordBatch>(std::move(schema), std::move(columns), rows);
}

}  // namespace strata
