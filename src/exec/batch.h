// Batches: the unit that flows between physical operators. A batch is a set of equal-length
// columns (its physical rows) and an optional selection vector naming the rows that are actually
// part of the batch. Filters refine the selection instead of copying rows; operators that need
// dense input (expression evaluation, sort, output) call Compact().
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/schema.h"

namespace strata::exec {

// Row indices into a batch's columns, strictly increasing.
using SelectionVector = std::vector<uint32_t>;

// The most physical rows a batch has. Chunks of the write buffer hold at most 65536 rows, and
// operators producing batches cut them at this size, so a uint32_t indexes any row.
inline constexpr int64_t kMaxBatchRows = 65536;

class Batch {
 public:
  Batch() = default;
  // REQUIRES: every column has num_rows values and matches the schema's field type (a string
  // field may be kString or kDictionary); selection indices < num_rows.
  Batch(SchemaPtr schema,
        std::vector<ColumnPtr> columns,
        int64_t num_rows,
        std::shared_ptr<const SelectionVector> selection = nullptr);

  // A dense batch of a record batch's columns.
  static Batch FromRecordBatch(const RecordBatch& batch);

  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }

  // The number of physical rows (the length of every column).
  int64_t num_rows() const { return num_rows_; }
  // The selected rows, or null when every physical row is selected.
  const std::shared_ptr<const SelectionVector>& selection() const { return selection_; }
  bool has_selection() const { return selection_ != nullptr; }
  // The number of rows in the batch: selection size, or num_rows() when there is none.
  int64_t length() const {
    return selection_ ? static_cast<int64_t>(selection_->size()) : num_rows_;
  }

  // A batch with the same rows and no selection (gathers the selected rows; returns *this
  // unchanged when there is no selection).
  Batch Compact() const;

  // The columns as a RecordBatch. REQUIRES: !has_selection().
  std::shared_ptr<RecordBatch> ToRecordBatch() const;

  // A batch with the same rows but only `indices` of the columns, in that order.
  Batch SelectColumns(const std::vector<int>& indices, SchemaPtr schema) const;

 private:
  SchemaPtr schema_;
  std::vector<ColumnPtr> columns_;
  int64_t num_rows_ = 0;
  std::shared_ptr<const SelectionVector> selection_;
};

}  // namespace strata::exec
