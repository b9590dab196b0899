// Tests of the scheduler, the parallel partition merge (CoalescePartitionsExec, ExecuteStream,
// Collect): results, errors, cancellation, early destruction and nested parallelism.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "exec/scheduler.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::NewContext;
using testing::RunRows;
using testing::Sorted;

SchemaPtr IntSchema() {
  return MakeSchema({{"x", TypeId::kInt64}});
}

// `partitions` partitions of `batches` batches of 2 rows each; values are distinct.
std::shared_ptr<MemoryExec> Source(int partitions,
                                   int batches,
                                   MemoryExec::Options options = {},
                                   int64_t base = 0) {
  std::vector<std::vector<Batch>> parts(static_cast<size_t>(partitions));
  int64_t v = base;
  for (auto& part : parts) {
    for (int b = 0; b < batches; ++b) {
      part.push_back(MakeBatch(IntSchema(), {Int64s({v, v + 1})}));
      v += 2;
    }
  }
  return std::make_shared<MemoryExec>(IntSchema(), std::move(parts), std::move(options));
}

std::vector<std::string> Range(int64_t from, int64_t to) {
  std::vector<std::string> out;
  for (int64_t v = from; v < to; ++v) {
    out.push_back(std::to_string(v));
  }
  return Sorted(out);
}

TEST(SchedulerTest, RunsEveryTask) {
  Scheduler scheduler(2);
  std::atomic<int> done{0};
  std::mutex mu;
  std::condition_variable cv;
  for (int i = 0; i < 100; ++i) {
    scheduler.Submit([&] {
      if (done.fetch_add(1) + 1 == 100) {
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
      }
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done.load() == 100; });
  EXPECT_EQ(done.load(), 100);
}

TEST(SchedulerTest, DefaultHasAtLeastTwoThreads) {
  EXPECT_GE(Scheduler::Default().num_threads(), 2);
}

TEST(CoalescePartitionsExecTest, MergesAllPartitions) {
  auto source = Source(4, 3);
  ExecutionPlanPtr plan = MakeCoalescePartitionsExec(source);
  EXPECT_EQ(plan->output_partitions(), 1);
  EXPECT_EQ(plan->ToString(), "CoalescePartitionsExec");
  auto rows = RunRows(plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), Range(0, 24));
  EXPECT_EQ(plan->metrics().output_rows(), 24);
  EXPECT_EQ(plan->metrics().output_batches(), 12);
  EXPECT_EQ(source->counters()->open_streams.load(), 0);
}

TEST(CoalescePartitionsExecTest, SinglePartitionAndEmptyPartitions) {
  auto rows = RunRows(MakeCoalescePartitionsExec(Source(1, 2)));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), Range(0, 4));
  rows = RunRows(MakeCoalescePartitionsExec(Source(3, 0)));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(CoalescePartitionsExecTest, WithChildren) {
  ExecutionPlanPtr plan = MakeCoalescePartitionsExec(Source(2, 1));
  auto copy = plan->WithChildren({Source(3, 1)});
  ASSERT_TRUE(copy.ok());
  auto rows = RunRows(*copy);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 6u);
  EXPECT_FALSE(plan->WithChildren({}).ok());
}

TEST(ExecuteStreamTest, CollectRunsEveryPartition) {
  auto rows = RunRows(Source(5, 4));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), Range(0, 40));
}

TEST(ExecuteStreamTest, ErrorOfOnePartitionSurfacesAndStopsOthers) {
  MemoryExec::Options options;
  options.fail_partition = 2;
  options.fail_at_batch = 1;
  options.error = absl::InvalidArgumentError("bad row 7");
  for (int i = 0; i < 20; ++i) {
    auto source = Source(4, 1000, options);
    auto result = Collect(MakeCoalescePartitionsExec(source), NewContext());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status(), absl::InvalidArgumentError("bad row 7"));
    // The other partitions stopped long before producing all 4 * 1000 batches.
    EXPECT_LT(source->counters()->batches_pulled.load(), 4000);
    EXPECT_EQ(source->counters()->open_streams.load(), 0);
  }
}

TEST(ExecuteStreamTest, CancellationStopsAnEndlessQuery) {
  MemoryExec::Options options;
  options.endless = true;
  auto source = Source(4, 2, options);
  auto context = NewContext();
  std::thread canceller([context] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    context->Cancel();
  });
  auto result = Collect(MakeCoalescePartitionsExec(source), context);
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(source->counters()->open_streams.load(), 0);
}

TEST(ExecuteStreamTest, DestroyingTheStreamEarlyStopsProducers) {
  MemoryExec::Options options;
  options.endless = true;
  for (int i = 0; i < 20; ++i) {
    auto source = Source(6, 2, options);
    {
      auto stream = ExecuteStream(MakeCoalescePartitionsExec(source), NewContext());
      ASSERT_TRUE(stream.ok());
      for (int b = 0; b < 3; ++b) {
        Batch batch;
        auto more = (*stream)->Next(&batch);
        ASSERT_TRUE(more.ok());
        ASSERT_TRUE(*more);
      }
    }
    // The destructor waited for the workers and released every partition's stream.
    EXPECT_EQ(source->counters()->open_streams.load(), 0);
    int64_t pulled = source->counters()->batches_pulled.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(source->counters()->batches_pulled.load(), pulled);
  }
}

TEST(ExecuteStreamTest, BackpressureBoundsWhatProducersRunAhead) {
  MemoryExec::Options options;
  options.endless = true;
  auto source = Source(2, 1, options);
  auto stream = ExecuteStream(source, NewContext());
  ASSERT_TRUE(stream.ok());
  Batch batch;
  ASSERT_TRUE(*(*stream)->Next(&batch));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // One batch consumed; each producer may hold at most kMergeQueueDepth more plus one in hand.
  EXPECT_LE(source->counters()->batches_pulled.load(), 1 + 2 * (2 + 1));
}

// A coalesce of a union of coalesces of a union of coalesces...: every partition of the outer
// merge is itself a merge, which on a 2-thread pool only finishes if consumers help.
ExecutionPlanPtr NestedPlan(int depth, int fanout, int64_t* next_value, int64_t* rows) {
  if (depth == 0) {
    MemoryExec::Options options;
    options.delay = std::chrono::microseconds(50);
    auto source = Source(3, 4, options, *next_value);
    *next_value += 3 * 4 * 2;
    *rows += 3 * 4 * 2;
    return MakeCoalescePartitionsExec(source);
  }
  std::vector<ExecutionPlanPtr> inputs;
  for (int i = 0; i < fanout; ++i) {
    inputs.push_back(NestedPlan(depth - 1, fanout, next_value, rows));
  }
  return MakeCoalescePartitionsExec(*MakeUnionExec(std::move(inputs)));
}

TEST(ExecuteStreamTest, NestedCoalescesNeverDeadlock) {
  for (int iteration = 0; iteration < 30; ++iteration) {
    int64_t next_value = 0;
    int64_t rows = 0;
    ExecutionPlanPtr plan = NestedPlan(3, 3, &next_value, &rows);
    auto result = RunRows(plan);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(static_cast<int64_t>(result->size()), rows);
    ASSERT_EQ(Sorted(*result), Range(0, next_value));
  }
}

TEST(ExecuteStreamTest, ManyConcurrentQueriesOnThePool) {
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        int64_t next_value = 0;
        int64_t rows = 0;
        auto result = RunRows(NestedPlan(2, 3, &next_value, &rows));
        if (!result.ok() || static_cast<int64_t>(result->size()) != rows) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace strata::exec
