// Test-only building blocks for operator and aggregate tests: column builders, an in-memory
// partitioned source with fault injection, a column-reference expression, and result printing.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/execution_plan.h"
#include "exec/function.h"
#include "exec/operators.h"
#include "exec/operators/evaluation.h"
#include "exec/physical_expr.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::exec::testing {

// A column reference named `name` (default "#index").
inline PhysicalExprPtr Col(int index, TypeId type, std::string name = "") {
  return MakeColumnExpr(index, name.empty() ? fmt::format("#{}", index) : std::move(name), type);
}

template <typename T>
using Values = std::vector<std::optional<T>>;

inline ColumnPtr Int64s(const Values<int64_t>& values, TypeId type = TypeId::kInt64) {
  auto column = std::make_shared<Column>(type);
  for (const auto& v : values) {
    v ? column->AppendInt64(*v) : column->AppendNull();
  }
  return column;
}
inline ColumnPtr Timestamps(const Values<int64_t>& values) {
  return Int64s(values, TypeId::kTimestamp);
}
inline ColumnPtr UInt64s(const Values<uint64_t>& values) {
  auto column = std::make_shared<Column>(TypeId::kUInt64);
  for (const auto& v : values) {
    v ? column->AppendUInt64(*v) : column->AppendNull();
  }
  return column;
}
inline ColumnPtr Float64s(const Values<double>& values) {
  auto column = std::make_shared<Column>(TypeId::kFloat64);
  for (const auto& v : values) {
    v ? column->AppendFloat64(*v) : column->AppendNull();
  }
  return column;
}
inline ColumnPtr Bools(const Values<bool>& values) {
  auto column = std::make_shared<Column>(TypeId::kBool);
  for (const auto& v : values) {
    v ? column->AppendBool(*v) : column->AppendNull();
  }
  return column;
}
inline ColumnPtr Strings(const Values<std::string>& values) {
  auto column = std::make_shared<Column>(TypeId::kString);
  for (const auto& v : values) {
    v ? column->AppendString(*v) : column->AppendNull();
  }
  return column;
}
// A dictionary column; `dictionary` null creates a fresh one.
inline ColumnPtr Dict(const Values<std::string>& values,
                      std::shared_ptr<StringDictionary> dictionary = nullptr) {
  auto column = std::make_shared<Column>(TypeId::kDictionary, std::move(dictionary));
  for (const auto& v : values) {
    v ? column->AppendString(*v) : column->AppendNull();
  }
  return column;
}

inline SchemaPtr MakeSchema(std::vector<Field> fields) {
  return std::make_shared<Schema>(std::move(fields));
}

inline Batch MakeBatch(SchemaPtr schema, std::vector<ColumnPtr> columns) {
  int64_t rows = columns.empty() ? 0 : columns[0]->size();
  return Batch(std::move(schema), std::move(columns), rows);
}

// One cell as text: NULL, strings raw, floats in shortest round-trip form.
inline std::string CellText(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return "NULL";
  }
  switch (column.type()) {
    case TypeId::kBool:
      return column.GetBool(row) ? "true" : "false";
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return fmt::format("{}", column.GetInt64(row));
    case TypeId::kUInt64:
      return fmt::format("{}", column.GetUInt64(row));
    case TypeId::kFloat64:
      return fmt::format("{}", column.GetFloat64(row));
    case TypeId::kString:
    case TypeId::kDictionary:
      return std::string(column.GetString(row));
    default:
      return CellScalar(column, row).ToString();
  }
}

// Every selected row of `batches` as "a|b|c".
inline std::vector<std::string> Rows(const std::vector<Batch>& batches) {
  std::vector<std::string> rows;
  for (const Batch& batch : batches) {
    for (int64_t i = 0; i < batch.length(); ++i) {
      int64_t row = batch.has_selection() ? (*batch.selection())[static_cast<size_t>(i)] : i;
      std::string text;
      for (int c = 0; c < batch.num_columns(); ++c) {
        if (c > 0) {
          text += '|';
        }
        text += CellText(*batch.column(c), row);
      }
      rows.push_back(std::move(text));
    }
  }
  return rows;
}

inline std::vector<std::string> Sorted(std::vector<std::string> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

inline std::shared_ptr<TaskContext> NewContext() {
  return std::make_shared<TaskContext>();
}

// An aggregate call resolved through the registry, e.g. Aggregate("max", {Col(1, kFloat64)}).
inline AggregateItem Aggregate(std::string_view function,
                               std::vector<PhysicalExprPtr> args,
                               bool distinct = false,
                               std::vector<Scalar> constants = {},
                               std::string name = "") {
  AggregateItem item;
  item.function = FunctionRegistry::Default().FindAggregate(function);
  EXPECT_NE(item.function, nullptr) << function;
  std::vector<TypeId> types;
  for (const PhysicalExprPtr& arg : args) {
    types.push_back(arg->type());
  }
  for (const Scalar& constant : constants) {
    types.push_back(constant.type());
  }
  auto signature = item.function->resolve(types);
  EXPECT_TRUE(signature.ok()) << signature.status();
  item.signature = *signature;
  item.options.distinct = distinct;
  item.options.constant_args = std::move(constants);
  item.args = std::move(args);
  if (name.empty()) {
    name = std::string(function) + "(";
    for (size_t i = 0; i < item.args.size(); ++i) {
      name += (i > 0 ? ", " : "") + item.args[i]->ToString();
    }
    name += ")";
  }
  item.name = std::move(name);
  return item;
}

// Runs a plan and returns its rows (in stream order).
inline absl::StatusOr<std::vector<std::string>> RunRows(
    ExecutionPlanPtr plan, std::shared_ptr<TaskContext> context = NewContext()) {
  absl::StatusOr<std::vector<Batch>> batches = Collect(std::move(plan), std::move(context));
  if (!batches.ok()) {
    return batches.status();
  }
  return Rows(*batches);
}

// Shared counters of a MemoryExec, for tests that check how far a source was read.
struct SourceCounters {
  std::atomic<int64_t> batches_pulled{0};
  std::atomic<int> open_streams{0};
};

// An in-memory source: partition p yields partitions[p] in order. Optional faults: an error in
// place of batch `fail_at_batch` of partition `fail_partition`; a sleep before every batch; an
// endless repetition of the partition's batches (for cancellation and early-stop tests).
struct MemoryExecOptions {
  int fail_partition = -1;
  int fail_at_batch = 0;
  absl::Status error = absl::InternalError("injected failure");
  std::chrono::microseconds delay{0};
  bool endless = false;
};

class MemoryExec final : public ExecutionPlan {
 public:
  using Options = MemoryExecOptions;

  MemoryExec(SchemaPtr schema, std::vector<std::vector<Batch>> partitions, Options options = {})
      : schema_(std::move(schema)),
        partitions_(std::move(partitions)),
        options_(std::move(options)),
        counters_(std::make_shared<SourceCounters>()) {}

  std::string_view name() const override { return "MemoryExec"; }
  const SchemaPtr& schema() const override { return schema_; }
  int output_partitions() const override { return static_cast<int>(partitions_.size()); }
  std::vector<ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(std::vector<ExecutionPlanPtr>) const override {
    return std::make_shared<MemoryExec>(schema_, partitions_, options_);
  }
  std::string ToString() const override {
    return fmt::format("MemoryExec: partitions={}", partitions_.size());
  }
  absl::StatusOr<std::unique_ptr<BatchStream>> Execute(
      int partition, const std::shared_ptr<TaskContext>& context) const override {
    return std::make_unique<Stream>(this, partition, context);
  }

  const std::shared_ptr<SourceCounters>& counters() const { return counters_; }

 private:
  class Stream final : public BatchStream {
   public:
    Stream(const MemoryExec* plan, int partition, std::shared_ptr<TaskContext> context)
        : plan_(plan),
          partition_(partition),
          context_(std::move(context)),
          counters_(plan->counters_) {
      counters_->open_streams.fetch_add(1);
    }
    ~Stream() override { counters_->open_streams.fetch_sub(1); }
    absl::StatusOr<bool> Next(Batch* batch) override {
      if (absl::Status status = context_->CheckCancelled(); !status.ok()) {
        return status;
      }
      const auto& batches = plan_->partitions_[static_cast<size_t>(partition_)];
      const Options& options = plan_->options_;
      if (options.delay.count() > 0) {
        std::this_thread::sleep_for(options.delay);
      }
      if (partition_ == options.fail_partition &&
          next_ == static_cast<size_t>(options.fail_at_batch)) {
        return options.error;
      }
      if (batches.empty() || (!options.endless && next_ >= batches.size())) {
        return false;
      }
      *batch = batches[next_ % batches.size()];
      ++next_;
      counters_->batches_pulled.fetch_add(1);
      return true;
    }

   private:
    const MemoryExec* plan_;
    int partition_;
    std::shared_ptr<TaskContext> context_;
    std::shared_ptr<SourceCounters> counters_;
    size_t next_ = 0;
  };

  SchemaPtr schema_;
  std::vector<std::vector<Batch>> partitions_;
  Options options_;
  std::shared_ptr<SourceCounters> counters_;
};

}  // namespace strata::exec::testing
