// Tests of the operators' memory accounting (exec/memory_pool.h): with a small pool, the
// operators that buffer their input (sort, TopK with a large fetch, hash aggregation, the build
// side of hash and nested loop joins, window functions) fail with ResourceExhausted naming
// themselves, give back everything they reserved, and succeed within a pool large enough; the
// pool is shared, so what one query holds is missing for another.
#include <string>

#include "exec/memory_pool.h"
#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Aggregate;
using testing::Col;
using testing::Float64s;
using ::testing::HasSubstr;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::NewContext;
using testing::RunRows;

constexpr int64_t kSmallPool = 256 << 10;  // 256 KiB: a few batches
constexpr int64_t kLargePool = 16 << 20;   // 16 MiB
constexpr int kBatches = 40;
constexpr int kBatchRows = 1000;

SchemaPtr Schema() {
  return MakeSchema({{"k", TypeId::kInt64}, {"g", TypeId::kInt64}, {"v", TypeId::kFloat64}});
}

// 40,000 rows (about 1 MiB of columns) in one partition: k = 0, 1, 2, ... (unique, ascending),
// g = k % 10, v = k / 2.
std::shared_ptr<MemoryExec> Source() {
  std::vector<Batch> batches;
  for (int b = 0; b < kBatches; ++b) {
    testing::Values<int64_t> k;
    testing::Values<int64_t> g;
    testing::Values<double> v;
    for (int i = 0; i < kBatchRows; ++i) {
      int64_t row = int64_t{b} * kBatchRows + i;
      k.push_back(row);
      g.push_back(row % 10);
      v.push_back(static_cast<double>(row) / 2);
    }
    batches.push_back(MakeBatch(Schema(), {Int64s(k), Int64s(g), Float64s(v)}));
  }
  return std::make_shared<MemoryExec>(Schema(), std::vector<std::vector<Batch>>{batches});
}

std::shared_ptr<TaskContext> ContextWith(const std::shared_ptr<MemoryPool>& pool) {
  std::shared_ptr<TaskContext> context = NewContext();
  context->set_memory_pool(pool);
  return context;
}

// Runs `plan` against a fresh pool of `limit` bytes; returns the error (OK if it ran) and checks
// that nothing stays reserved afterwards.
absl::Status RunWithLimit(const ExecutionPlanPtr& plan, int64_t limit, int64_t* peak = nullptr) {
  auto pool = std::make_shared<MemoryPool>(limit, "raise the limit");
  absl::StatusOr<std::vector<std::string>> rows = RunRows(plan, ContextWith(pool));
  EXPECT_EQ(pool->reserved(), 0) << plan->ToString();
  if (peak != nullptr) {
    *peak = pool->peak_reserved();
  }
  return rows.status();
}

void ExpectRefusedBy(const absl::Status& status, const std::string& consumer) {
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("query memory limit of 256.0 KiB exceeded: " + consumer + " needed "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("; raise the limit"));
}

ExecutionPlanPtr Sort(std::optional<int64_t> fetch) {
  auto plan = MakeSortExec({{Col(0, TypeId::kInt64, "k"), false, false}}, fetch, Source());
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

TEST(MemoryLimitTest, SortBuffersItsWholeInput) {
  ExpectRefusedBy(RunWithLimit(Sort(std::nullopt), kSmallPool), "SortExec");

  int64_t peak = 0;
  ExecutionPlanPtr plan = Sort(std::nullopt);
  auto pool = std::make_shared<MemoryPool>(kLargePool);
  auto rows = RunRows(plan, ContextWith(pool));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), size_t{kBatches * kBatchRows});
  EXPECT_EQ(rows->front(), "39999|9|19999.5");  // descending
  EXPECT_EQ(pool->reserved(), 0);
  peak = pool->peak_reserved();
  // The input's three 8-byte columns at least (twice while they are concatenated), and not
  // wildly more.
  EXPECT_GE(peak, int64_t{kBatches} * kBatchRows * 24 * 2);
  EXPECT_LE(peak, int64_t{kBatches} * kBatchRows * 24 * 6);
  EXPECT_GE(plan->metrics().counters()["peak_mem_bytes"], int64_t{kBatches} * kBatchRows * 24);
}

TEST(MemoryLimitTest, TopKHoldsOnlyTheBatchesItKeeps) {
  // Descending order of ascending input: every batch replaces the previous one in the heap.
  EXPECT_TRUE(RunWithLimit(Sort(5), kSmallPool).ok());
  ExpectRefusedBy(RunWithLimit(Sort(30'000), kSmallPool), "SortExec");
}

TEST(MemoryLimitTest, HashAggregateAccountsGroupsAndStates) {
  auto aggregate = [](int key) {
    auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                      {{Col(key, TypeId::kInt64), "key"}},
                                      {Aggregate("sum", {Col(2, TypeId::kFloat64)}),
                                       Aggregate("count", {Col(1, TypeId::kInt64)}, true)},
                                      Source());
    EXPECT_TRUE(plan.ok()) << plan.status();
    return *plan;
  };
  // 40,000 groups with a sum and a distinct count (of g) each do not fit; 10 groups do.
  ExpectRefusedBy(RunWithLimit(aggregate(0), kSmallPool), "HashAggregateExec");
  EXPECT_TRUE(RunWithLimit(aggregate(1), kLargePool).ok());
  ExecutionPlanPtr few = aggregate(1);
  absl::StatusOr<std::vector<std::string>> rows =
      RunRows(few, ContextWith(std::make_shared<MemoryPool>(kSmallPool)));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 10u);
}

TEST(MemoryLimitTest, JoinBuildSidesAreAccounted) {
  SchemaPtr small_schema = MakeSchema({{"k", TypeId::kInt64}});
  auto small = std::make_shared<MemoryExec>(
      small_schema,
      std::vector<std::vector<Batch>>{{MakeBatch(small_schema, {Int64s({1, 2, 3})})}});
  auto hash = MakeHashJoinExec(JoinType::kInner,
                               {{Col(0, TypeId::kInt64, "k"), Col(0, TypeId::kInt64, "k")}},
                               nullptr,
                               false,
                               Source(),
                               small);
  ASSERT_TRUE(hash.ok()) << hash.status();
  ExpectRefusedBy(RunWithLimit(*hash, kSmallPool), "HashJoinExec");
  int64_t peak = 0;
  EXPECT_TRUE(RunWithLimit(*hash, kLargePool, &peak).ok());
  EXPECT_GE(peak, int64_t{kBatches} * kBatchRows * 24);

  auto nested = MakeNestedLoopJoinExec(JoinType::kInner, nullptr, Source(), small);
  ASSERT_TRUE(nested.ok()) << nested.status();
  ExpectRefusedBy(RunWithLimit(*nested, kSmallPool), "NestedLoopJoinExec");

  // With the small side buffered instead, the same join fits.
  auto swapped = MakeNestedLoopJoinExec(JoinType::kInner, nullptr, small, Source());
  ASSERT_TRUE(swapped.ok()) << swapped.status();
  EXPECT_TRUE(RunWithLimit(*swapped, kSmallPool).ok());
}

TEST(MemoryLimitTest, WindowBuffersItsPartition) {
  WindowItem item;
  item.kind = WindowFunctionKind::kRowNumber;
  item.name = "row_number";
  item.partition_by = {Col(1, TypeId::kInt64, "g")};
  item.order_by = {{Col(0, TypeId::kInt64, "k"), true, false}};
  auto plan = MakeWindowExec({item}, Source());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ExpectRefusedBy(RunWithLimit(*plan, kSmallPool), "WindowExec");
  EXPECT_TRUE(RunWithLimit(*plan, kLargePool).ok());
}

// One pool for all queries: memory another query holds is not available to this one.
TEST(MemoryLimitTest, QueriesShareThePool) {
  auto pool = std::make_shared<MemoryPool>(int64_t{2} << 20);
  ExecutionPlanPtr plan = Sort(std::nullopt);
  ASSERT_TRUE(RunRows(plan, ContextWith(pool)).ok());

  MemoryReservation other_query(pool, "HashAggregateExec");
  ASSERT_TRUE(other_query.TryGrow(int64_t{3} << 19).ok());  // 1.5 of the 2 MiB
  absl::StatusOr<std::vector<std::string>> refused = RunRows(plan, ContextWith(pool));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("query memory limit of 2.0 MiB exceeded: SortExec needed"));
  EXPECT_EQ(pool->reserved(), int64_t{3} << 19);

  other_query.Free();
  EXPECT_TRUE(RunRows(plan, ContextWith(pool)).ok());
  EXPECT_EQ(pool->reserved(), 0);
}

}  // namespace
}  // namespace strata::exec
