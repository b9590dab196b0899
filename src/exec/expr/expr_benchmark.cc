// Kernel throughput on 64k-row batches (the largest batch operators produce): float column
// versus a scalar, dictionary column equal to a string, int64 column plus column, and the same
// through EvaluatePredicate (comparison plus selection vector).
#include <random>

#include "benchmark/benchmark.h"
#include "exec/physical_expr.h"

namespace strata::exec {
namespace {

constexpr int64_t kRows = 65536;

Batch MakeInput() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> usage(0, 100);
  auto f = std::make_shared<Column>(TypeId::kFloat64);
  auto a = std::make_shared<Column>(TypeId::kInt64);
  auto b = std::make_shared<Column>(TypeId::kInt64);
  auto d = std::make_shared<Column>(TypeId::kDictionary);
  for (int64_t i = 0; i < kRows; ++i) {
    f->AppendFloat64(usage(rng));
    a->AppendInt64(static_cast<int64_t>(rng() % 1'000'000));
    b->AppendInt64(static_cast<int64_t>(rng() % 1'000'000));
    d->AppendString("host_" + std::to_string(rng() % 100));
  }
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"usage", TypeId::kFloat64},
                                                            {"a", TypeId::kInt64},
                                                            {"b", TypeId::kInt64},
                                                            {"host", TypeId::kDictionary}});
  return Batch(schema, {f, a, b, d}, kRows);
}

void Run(benchmark::State& state, const PhysicalExpr& expr, const Batch& batch) {
  for (auto _ : state) {
    absl::StatusOr<Datum> result = expr.Evaluate(batch);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_FloatGreaterThanScalar(benchmark::State& state) {
  Batch batch = MakeInput();
  auto expr = *MakeBinaryExpr(BinaryOp::kGt,
                              MakeColumnExpr(0, "usage", TypeId::kFloat64),
                              MakeLiteralExpr(Scalar::Float64(90)));
  Run(state, *expr, batch);
}
BENCHMARK(BM_FloatGreaterThanScalar);

void BM_DictionaryEqualsString(benchmark::State& state) {
  Batch batch = MakeInput();
  auto expr = *MakeBinaryExpr(BinaryOp::kEq,
                              MakeColumnExpr(3, "host", TypeId::kDictionary),
                              MakeLiteralExpr(Scalar::String("host_7")));
  Run(state, *expr, batch);
}
BENCHMARK(BM_DictionaryEqualsString);

void BM_Int64AddColumns(benchmark::State& state) {
  Batch batch = MakeInput();
  auto expr = *MakeBinaryExpr(BinaryOp::kAdd,
                              MakeColumnExpr(1, "a", TypeId::kInt64),
                              MakeColumnExpr(2, "b", TypeId::kInt64));
  Run(state, *expr, batch);
}
BENCHMARK(BM_Int64AddColumns);

void BM_FloatPredicateSelection(benchmark::State& state) {
  Batch batch = MakeInput();
  auto expr = *MakeBinaryExpr(BinaryOp::kGt,
                              MakeColumnExpr(0, "usage", TypeId::kFloat64),
                              MakeLiteralExpr(Scalar::Float64(90)));
  for (auto _ : state) {
    absl::StatusOr<SelectionVector> selection = EvaluatePredicate(*expr, batch);
    benchmark::DoNotOptimize(selection);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_FloatPredicateSelection);

void BM_DictionaryLikePrefix(benchmark::State& state) {
  Batch batch = MakeInput();
  auto expr = *MakeLikeExpr(MakeColumnExpr(3, "host", TypeId::kDictionary),
                            MakeLiteralExpr(Scalar::String("host_1%")),
                            false,
                            false);
  Run(state, *expr, batch);
}
BENCHMARK(BM_DictionaryLikePrefix);

}  // namespace
}  // namespace strata::exec

BENCHMARK_MAIN();
