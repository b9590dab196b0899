// Batches and their compaction.
#include "exec/batch.h"

#include "common/check.h"
#include "exec/take.h"

namespace strata::exec {

Batch::Batch(SchemaPtr schema,
             std::vector<ColumnPtr> columns,
             int64_t num_rows,
             std::shared_ptr<const SelectionVector> selection)
    : schema_(std::move(schema)),
      columns_(std::move(columns)),
      num_rows_(num_rows),
      selection_(std::move(selection)) {
  STRATA_DCHECK_EQ(static_cast<int>(columns_.size()), schema_->num_fields());
#ifndef NDEBUG
  for (const ColumnPtr& column : columns_) {
    STRATA_DCHECK_EQ(column->size(), num_rows_);
  }
#endif
}

Batch Batch::FromRecordBatch(const RecordBatch& batch) {
  return Batch(batch.schema(), batch.columns(), batch.num_rows());
}

Batch Batch::Compact() const {
  if (selection_ == nullptr) {
    return *this;
  }
  const SelectionVector& rows = *selection_;
  std::vector<ColumnPtr> columns;
  columns.reserve(columns_.size());
  for (const ColumnPtr& column : columns_) {
    columns.push_back(Take(*column, rows.data(), static_cast<int64_t>(rows.size())));
  }
  return Batch(schema_, std::move(columns), static_cast<int64_t>(rows.size()));
}

std::shared_ptr<RecordBatch> Batch::ToRecordBatch() const {
  STRATA_CHECK(selection_ == nullptr);
  return std::make_shared<RecordBatch>(schema_, columns_, num_rows_);
}

Batch Batch::SelectColumns(const std::vector<int>& indices, SchemaPtr schema) const {
  std::vector<ColumnPtr> columns;
  columns.reserve(indices.size());
  for (int i : indices) {
    columns.push_back(columns_[static_cast<size_t>(i)]);
  }
  return Batch(std::move(schema), std::move(columns), num_rows_, selection_);
}

}  // namespace strata::exec
