// ValuesExec (literal rows) and EmptyExec (no rows, or one placeholder row).
#include <mutex>

#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/operators/plan_node.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// Yields prepared batches once.
class BatchesStream final : public BatchStream {
 public:
  explicit BatchesStream(std::vector<Batch> batches) : batches_(std::move(batches)) {}
  absl::StatusOr<bool> Next(Batch* out) override {
    if (next_ >= batches_.size()) {
      return false;
    }
    *out = batches_[next_++];
    return true;
  }

 private:
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

class ValuesExec final : public PlanNode, public ValuesExecParams {
 public:
  ValuesExec(SchemaPtr schema, std::vector<std::vector<Scalar>> rows, std::string source)
      : PlanNode(std::move(schema)), rows_(std::move(rows)), source_(std::move(source)) {}

  std::string_view name() const override { return "ValuesExec"; }
  const std::vector<std::vector<Scalar>>& rows() const override { return rows_; }
  int output_partitions() const override { return 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (!children.empty()) {
      return absl::InvalidArgumentError("ValuesExec takes no children");
    }
    return MakeValuesExec(schema_, rows_, source_);
  }
  std::string ToString() const override {
    return source_.empty() ? fmt::format("ValuesExec: rows={}", rows_.size())
                           : fmt::format("ValuesExec: source={}, rows={}", source_, rows_.size());
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int /*partition*/, const std::shared_ptr<TaskContext>& context) const override {
    std::vector<Batch> batches;
    int64_t batch_size = std::max<int64_t>(context->batch_size(), 1);
    for (size_t start = 0; start < rows_.size(); start += static_cast<size_t>(batch_size)) {
      size_t end = std::min(rows_.size(), start + static_cast<size_t>(batch_size));
      std::vector<ColumnPtr> columns;
      for (int f = 0; f < schema_->num_fields(); ++f) {
        TypeId type = schema_->field(f).type;
        auto column =
            std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
        column->Reserve(static_cast<int64_t>(end - start));
        for (size_t r = start; r < end; ++r) {
          AppendCell(rows_[r][static_cast<size_t>(f)], column.get());
        }
        columns.push_back(std::move(column));
      }
      batches.emplace_back(schema_, std::move(columns), static_cast<int64_t>(end - start));
    }
    return std::make_unique<BatchesStream>(std::move(batches));
  }

 private:
  std::vector<std::vector<Scalar>> rows_;
  std::string source_;
};

// ValuesExec over rows already in columns. The Scalar rows the codec encodes are made only if
// asked for.
class ColumnarValuesExec final : public PlanNode, public ValuesExecParams {
 public:
  ColumnarValuesExec(SchemaPtr schema, Batch batch, std::string source)
      : PlanNode(std::move(schema)), batch_(std::move(batch)), source_(std::move(source)) {}

  std::string_view name() const override { return "ValuesExec"; }
  const std::vector<std::vector<Scalar>>& rows() const override {
    std::call_once(rows_once_, [this] {
      const Batch dense = batch_.Compact();
      rows_.resize(static_cast<size_t>(dense.num_rows()));
      for (int64_t r = 0; r < dense.num_rows(); ++r) {
        for (int c = 0; c < dense.num_columns(); ++c) {
          rows_[static_cast<size_t>(r)].push_back(CellScalar(*dense.column(c), r));
        }
      }
    });
    return rows_;
  }
  int output_partitions() const override { return 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (!children.empty()) {
      return absl::InvalidArgumentError("ValuesExec takes no children");
    }
    return std::make_shared<ColumnarValuesExec>(schema_, batch_, source_);
  }
  std::string ToString() const override {
    return source_.empty()
               ? fmt::format("ValuesExec: rows={}", batch_.length())
               : fmt::format("ValuesExec: source={}, rows={}", source_, batch_.length());
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int /*partition*/, const std::shared_ptr<TaskContext>& /*context*/) const override {
    std::vector<Batch> batches;
    if (batch_.length() > 0) {
      batches.push_back(batch_);
    }
    return std::make_unique<BatchesStream>(std::move(batches));
  }

 private:
  Batch batch_;
  std::string source_;
  mutable std::once_flag rows_once_;
  mutable std::vector<std::vector<Scalar>> rows_;
};

class EmptyExec final : public PlanNode, public EmptyExecParams {
 public:
  EmptyExec(SchemaPtr schema, bool produce_one_row)
      : PlanNode(std::move(schema)), produce_one_row_(produce_one_row) {}

  std::string_view name() const override { return "EmptyExec"; }
  bool produce_one_row() const override { return produce_one_row_; }
  int output_partitions() const override { return 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const override {
    if (!children.empty()) {
      return absl::InvalidArgumentError("EmptyExec takes no children");
    }
    return MakeEmptyExec(schema_, produce_one_row_);
  }
  std::string ToString() const override {
    return fmt::format("EmptyExec: produce_one_row={}", produce_one_row_);
  }

 protected:
  absl::StatusOr<std::unique_ptr<BatchStream>> ExecutePartition(
      int /*partition*/, const std::shared_ptr<TaskContext>& /*context*/) const override {
    std::vector<Batch> batches;
    if (produce_one_row_) {
      // The placeholder row of SELECT without FROM: NULL in every field.
      std::vector<ColumnPtr> columns;
      for (const Field& field : schema_->fields()) {
        columns.push_back(MakeNullColumnOf(field.type));
      }
      batches.emplace_back(schema_, std::move(columns), 1);
    }
    return std::make_unique<BatchesStream>(std::move(batches));
  }

 private:
  static ColumnPtr MakeNullColumnOf(TypeId type) {
    auto column = std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type);
    column->AppendNull();
    return column;
  }

  bool produce_one_row_;
};

}  // namespace

absl::StatusOr<ExecutionPlanPtr> MakeValuesExec(SchemaPtr schema,
                                                std::vector<std::vector<Scalar>> rows,
                                                std::string source) {
  for (size_t r = 0; r < rows.size(); ++r) {
    if (static_cast<int>(rows[r].size()) != schema->num_fields()) {
      return absl::InvalidArgumentError(fmt::format("ValuesExec: row {} has {} values, expected {}",
                                                    r,
                                                    rows[r].size(),
                                                    schema->num_fields()));
    }
    for (int f = 0; f < schema->num_fields(); ++f) {
      const Scalar& value = rows[r][static_cast<size_t>(f)];
      TypeId want = schema->field(f).type;
      TypeId have = value.type();
      bool ok = value.is_null() || have == want || (IsStringType(want) && IsStringType(have)) ||
                (want == TypeId::kTimestamp && have == TypeId::kInt64);
      if (!ok) {
        return absl::InvalidArgumentError(
            fmt::format("ValuesExec: row {} field {} is {}, expected {}",
                        r,
                        f,
                        TypeName(have),
                        TypeName(want)));
      }
    }
  }
  if (rows.empty() && schema->num_fields() == 0) {
    return MakeEmptyExec(std::move(schema), false);
  }
  return std::make_shared<ValuesExec>(std::move(schema), std::move(rows), std::move(source));
}

absl::StatusOr<ExecutionPlanPtr> MakeValuesExec(SchemaPtr schema, Batch batch, std::string source) {
  if (batch.num_columns() != schema->num_fields()) {
    return absl::InvalidArgumentError(fmt::format("ValuesExec: a batch of {} columns, expected {}",
                                                  batch.num_columns(),
                                                  schema->num_fields()));
  }
  return std::make_shared<ColumnarValuesExec>(
      std::move(schema), std::move(batch), std::move(source));
}

ExecutionPlanPtr MakeEmptyExec(SchemaPtr schema, bool produce_one_row) {
  return std::make_shared<EmptyExec>(std::move(schema), produce_one_row);
}

}  // namespace strata::exec
