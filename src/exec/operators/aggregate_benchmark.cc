// HashAggregateExec throughput on the TSBS shape: GROUP BY a dictionary-encoded tag (100
// hosts) with max(float) and avg(float) over 1M rows in 8192-row batches, one partition.
#include <random>

#include "benchmark/benchmark.h"
#include "exec/function.h"
#include "exec/operators.h"
#include "exec/physical_expr.h"

namespace strata::exec {
namespace {

constexpr int64_t kRows = 1 << 20;
constexpr int64_t kBatchRows = 8192;

// Replays prepared batches.
class BatchesExec final : public ExecutionPlan {
 public:
  BatchesExec(SchemaPtr schema, std::vector<Batch> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  std::string_view name() const override { return "BatchesExec"; }
  const SchemaPtr& schema() const override { return schema_; }
  int output_partitions() const override { return 1; }
  std::vector<ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<ExecutionPlanPtr> WithChildren(std::vector<ExecutionPlanPtr>) const override {
    return std::make_shared<BatchesExec>(schema_, batches_);
  }
  std::string ToString() const override { return "BatchesExec"; }
  absl::StatusOr<std::unique_ptr<BatchStream>> Execute(
      int, const std::shared_ptr<TaskContext>&) const override {
    return std::make_unique<Stream>(&batches_);
  }

 private:
  class Stream final : public BatchStream {
   public:
    explicit Stream(const std::vector<Batch>* batches) : batches_(batches) {}
    absl::StatusOr<bool> Next(Batch* batch) override {
      if (next_ >= batches_->size()) {
        return false;
      }
      *batch = (*batches_)[next_++];
      return true;
    }

   private:
    const std::vector<Batch>* batches_;
    size_t next_ = 0;
  };
  SchemaPtr schema_;
  std::vector<Batch> batches_;
};

AggregateItem Call(std::string_view function, PhysicalExprPtr arg) {
  AggregateItem item;
  item.function = FunctionRegistry::Default().FindAggregate(function);
  item.signature = item.function->resolve({arg->type()}).value();
  item.args = {std::move(arg)};
  item.name = std::string(function);
  return item;
}

// Runs the aggregation once per iteration and checks the number of groups it produces.
void RunAggregation(benchmark::State& state,
                    const ExecutionPlanPtr& plan,
                    int64_t expected_groups,
                    int64_t rows) {
  auto context = std::make_shared<TaskContext>();
  for (auto _ : state) {
    auto stream = plan->Execute(0, context).value();
    Batch batch;
    int64_t groups = 0;
    while (stream->Next(&batch).value()) {
      groups += batch.length();
    }
    if (groups != expected_groups) {
      state.SkipWithError("wrong number of groups");
    }
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void BM_GroupByDictionaryMaxAvg(benchmark::State& state) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"host", TypeId::kDictionary, true}, {"usage", TypeId::kFloat64, true}});
  auto dictionary = std::make_shared<StringDictionary>();
  for (int h = 0; h < 100; ++h) {
    dictionary->GetOrInsert("host_" + std::to_string(h));
  }
  std::mt19937_64 random(42);
  std::vector<Batch> batches;
  for (int64_t start = 0; start < kRows; start += kBatchRows) {
    auto hosts = std::make_shared<Column>(TypeId::kDictionary, dictionary);
    auto usage = std::make_shared<Column>(TypeId::kFloat64);
    for (int64_t i = 0; i < kBatchRows; ++i) {
      hosts->AppendDictionaryCode(static_cast<int32_t>(random() % 100));
      usage->AppendFloat64(static_cast<double>(random() % 10000) / 100.0);
    }
    batches.emplace_back(schema, std::vector<ColumnPtr>{hosts, usage}, kBatchRows);
  }
  auto source = std::make_shared<BatchesExec>(schema, std::move(batches));
  PhysicalExprPtr host = MakeColumnExpr(0, "host", TypeId::kDictionary);
  PhysicalExprPtr usage = MakeColumnExpr(1, "usage", TypeId::kFloat64);
  auto mode = static_cast<AggregateMode>(state.range(0));
  ExecutionPlanPtr plan =
      MakeHashAggregateExec(
          mode, {{host, "host"}}, {Call("max", usage), Call("avg", usage)}, source)
          .value();
  RunAggregation(state, plan, 100, kRows);
}
BENCHMARK(BM_GroupByDictionaryMaxAvg)
    ->Arg(static_cast<int>(AggregateMode::kSingle))
    ->Arg(static_cast<int>(AggregateMode::kPartial))
    ->Unit(benchmark::kMillisecond);

// TSBS double-groupby-all: GROUP BY (hour, host) with avg() of 10 integer fields, rows in time
// order with the hosts interleaved (as ingested), 100 hosts x 12 hours in 8192-row batches.
void BM_DoubleGroupByTenAverages(benchmark::State& state) {
  constexpr int kFields = 10;
  constexpr int64_t kHour = 3600LL * 1000000000;
  std::vector<Field> fields{{"hour", TypeId::kTimestamp, true},
                            {"host", TypeId::kDictionary, true}};
  for (int f = 0; f < kFields; ++f) {
    fields.push_back({"usage_" + std::to_string(f), TypeId::kInt64, true});
  }
  auto schema = std::make_shared<Schema>(fields);
  auto dictionary = std::make_shared<StringDictionary>();
  for (int h = 0; h < 100; ++h) {
    dictionary->GetOrInsert("host_" + std::to_string(h));
  }
  std::mt19937_64 random(42);
  constexpr int64_t kTotal = 100 * 12 * 360;  // 10 s interval
  std::vector<Batch> batches;
  for (int64_t start = 0; start < kTotal; start += kBatchRows) {
    const int64_t n = std::min(kBatchRows, kTotal - start);
    auto hours = std::make_shared<Column>(TypeId::kTimestamp);
    auto hosts = std::make_shared<Column>(TypeId::kDictionary, dictionary);
    std::vector<ColumnPtr> columns;
    std::vector<std::shared_ptr<Column>> values;
    for (int f = 0; f < kFields; ++f) {
      values.push_back(std::make_shared<Column>(TypeId::kInt64));
    }
    for (int64_t i = start; i < start + n; ++i) {
      hours->AppendInt64((i / 100) * 10 * 1000000000LL / kHour * kHour);
      hosts->AppendDictionaryCode(static_cast<int32_t>(i % 100));
      for (int f = 0; f < kFields; ++f) {
        values[static_cast<size_t>(f)]->AppendInt64(static_cast<int64_t>(random() % 100));
      }
    }
    columns.push_back(hours);
    columns.push_back(hosts);
    for (auto& v : values) {
      columns.push_back(v);
    }
    batches.emplace_back(schema, std::move(columns), n);
  }
  auto source = std::make_shared<BatchesExec>(schema, std::move(batches));
  std::vector<AggregateItem> aggregates;
  for (int f = 0; f < kFields; ++f) {
    aggregates.push_back(
        Call("avg", MakeColumnExpr(2 + f, "usage_" + std::to_string(f), TypeId::kInt64)));
  }
  ExecutionPlanPtr plan =
      MakeHashAggregateExec(AggregateMode::kPartial,
                            {{MakeColumnExpr(0, "hour", TypeId::kTimestamp), "hour"},
                             {MakeColumnExpr(1, "host", TypeId::kDictionary), "host"}},
                            aggregates,
                            source)
          .value();
  RunAggregation(state, plan, 1200, kTotal);
}
BENCHMARK(BM_DoubleGroupByTenAverages)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::exec

BENCHMARK_MAIN();
