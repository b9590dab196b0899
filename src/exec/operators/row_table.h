// Materialized inputs: every batch of a stream concatenated into one set of columns, for the
// operators that need all rows at once (sort, window, the build side of joins).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/execution_plan.h"

namespace strata::exec {

// Columns of equal length, with no selection. Dictionary columns keep their dictionary when all
// parts share it and become kString columns otherwise.
struct RowTable {
  SchemaPtr schema;
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;
};

// Concatenates columns of one type (kString and kDictionary may mix).
ColumnPtr Concatenate(const std::vector<ColumnPtr>& parts);

// Appends row `row` of `source` to `target`. REQUIRES: same type, or strings into kString.
void AppendRowTo(const Column& source, int64_t row, Column* target);

// Reads `input` to the end (checking cancellation between batches) into one table.
absl::StatusOr<RowTable> ReadAll(BatchStream* input, SchemaPtr schema, const TaskContext& context);

// Batches of at most batch_size rows holding rows indices[0..n) of `table`, in that order.
std::vector<Batch> TakeBatches(const RowTable& table,
                               const uint32_t* indices,
                               int64_t n,
                               int64_t batch_size);

// Yields prepared batches once.
class VectorStream final : public BatchStream {
 public:
  explicit VectorStream(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  absl::StatusOr<bool> Next(Batch* out) override {
    if (next_ >= batches_.size()) {
      return false;
    }
    *out = std::move(batches_[next_++]);
    return true;
  }

 private:
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

}  // namespace strata::exec
