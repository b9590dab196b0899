// Materialized inputs: every batch of a stream concatenated into one set of columns, for the
// operators that need all rows at once (sort, window, the build side of joins).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/execution_plan.h"
#include "exec/memory_pool.h"

namespace strata::exec {

// Columns of equal length, with no selection. Dictionary columns keep their dictionary when all
// parts share it, get a merged one when every part is a dictionary column, and become kString
// columns when dictionary and plain string parts mix.
struct RowTable {
  SchemaPtr schema;
  std::vector<ColumnPtr> columns;
  int64_t num_rows = 0;
};

// Concatenates columns of one type (kString and kDictionary may mix).
ColumnPtr Concatenate(const std::vector<ColumnPtr>& parts);

// Appends row `row` of `source` to `target`. REQUIRES: same type, or strings into kString.
void AppendRowTo(const Column& source, int64_t row, Column* target);

// Heap bytes of `columns` (Column::MemoryUsage: values, string heaps, validity; not the string
// dictionaries, which columns share).
int64_t ColumnsBytes(const std::vector<ColumnPtr>& columns);

// Reads `input` to the end (checking cancellation between batches) into one table. Every batch
// is reserved in `reservation` before it is kept, and so is the copy that concatenating the
// batches makes; afterwards the reservation holds ColumnsBytes of the result. Fails with the
// reservation's ResourceExhausted error when the input does not fit the memory pool.
absl::StatusOr<RowTable> ReadAll(BatchStream* input,
                                 SchemaPtr schema,
                                 const TaskContext& context,
                                 MemoryReservation* reservation);

// Batches of at most batch_size rows holding rows indices[0..n) of `table`, in that order.
std::vector<Batch> TakeBatches(const RowTable& table,
                               const uint32_t* indices,
                               int64_t n,
                               int64_t batch_size);

// Yields rows indices[0..n) of `table`, in that order, in batches of at most `batch_size` rows,
// each gathered only when it is pulled, so that the sorted or reordered output is never held
// whole next to its input. `extra` columns (n rows each, already in output order) are sliced
// alongside; `schema` is the output's: the table's fields, then one per extra column. The table,
// the indices and `reservation` (which accounts for them) are released with the last batch.
class GatherStream final : public BatchStream {
 public:
  GatherStream(SchemaPtr schema,
               RowTable table,
               std::vector<uint32_t> indices,
               std::vector<ColumnPtr> extra,
               int64_t batch_size,
               MemoryReservation reservation);
  absl::StatusOr<bool> Next(Batch* out) override;

 private:
  void Release();

  SchemaPtr schema_;
  RowTable table_;
  std::vector<uint32_t> indices_;
  std::vector<ColumnPtr> extra_;
  int64_t batch_size_;
  MemoryReservation reservation_;
  int64_t next_ = 0;
};

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
