// Tests of the scheduler, the parallel partition merge (CoalescePartitionsExec, ExecuteStream,
// Collect): results, errors, cancellation, early destruction and nested parallelism.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/status.h"
#include "exec/batch_encoder.h"
#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "exec/scheduler.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
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

// A consumer may hand Next the batch it got from the previous call. The merge once returned it
// again when the partition it was reading on the consumer's thread ended (an endless stream).
TEST(ExecuteStreamTest, ReusedOutputBatchEndsTheStream) {
  for (int run = 0; run < 20; ++run) {
    auto stream = ExecuteStream(Source(8, 30), NewContext());
    ASSERT_TRUE(stream.ok());
    Batch batch;
    int64_t rows = 0;
    for (int calls = 0;; ++calls) {
      ASSERT_LT(calls, 1000) << "the stream does not end";
      auto more = (*stream)->Next(&batch);
      ASSERT_TRUE(more.ok());
      if (!*more) {
        break;
      }
      rows += batch.length();
    }
    EXPECT_EQ(rows, 8 * 30 * 2);
  }
}

// With handoff_rows, a partition's batches change threads in groups: the consumer sees no batch
// of a group before the group is whole (here, a whole partition), and still every row once.
TEST(ExecuteStreamTest, HandoffRowsGatherBatchesBeforeTheyChangeThreads) {
  for (int run = 0; run < 20; ++run) {
    auto source = Source(2, 50);
    auto stream = ExecuteStream(source, NewContext(), /*handoff_rows=*/1000);
    ASSERT_TRUE(stream.ok());
    std::vector<std::string> rows;
    Batch batch;
    for (bool first = true;; first = false) {
      auto more = (*stream)->Next(&batch);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) {
        break;
      }
      if (first) {
        EXPECT_GE(source->counters()->batches_pulled.load(), 50);
      }
      const Batch dense = batch.Compact();
      for (int64_t r = 0; r < dense.num_rows(); ++r) {
        rows.push_back(std::to_string(dense.column(0)->GetInt64(r)));
      }
    }
    EXPECT_EQ(Sorted(rows), Range(0, 200));
  }
}

// Batches handed off in groups come compacted: the rows their selections named, in order.
TEST(ExecuteStreamTest, HandoffRowsCompactSelections) {
  std::vector<std::vector<Batch>> parts(2);
  int64_t v = 0;
  for (auto& part : parts) {
    for (int b = 0; b < 20; ++b) {
      // Rows v..v+3, of which the 2nd and 4th are selected.
      Batch whole = MakeBatch(IntSchema(), {Int64s({v, v + 1, v + 2, v + 3})});
      part.emplace_back(IntSchema(),
                        std::vector<ColumnPtr>{whole.column(0)},
                        4,
                        std::make_shared<const SelectionVector>(SelectionVector{1, 3}));
      v += 4;
    }
  }
  auto source = std::make_shared<MemoryExec>(IntSchema(), std::move(parts));
  auto stream = ExecuteStream(source, NewContext(), /*handoff_rows=*/16);
  ASSERT_TRUE(stream.ok());
  std::vector<std::string> rows;
  Batch batch;
  while (true) {
    auto more = (*stream)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) {
      break;
    }
    EXPECT_FALSE(batch.has_selection());
    ASSERT_EQ(batch.num_rows(), 2);
    EXPECT_EQ(batch.column(0)->GetInt64(0) % 4, 1);
    EXPECT_EQ(batch.column(0)->GetInt64(1), batch.column(0)->GetInt64(0) + 2);
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      rows.push_back(std::to_string(batch.column(0)->GetInt64(r)));
    }
  }
  std::vector<std::string> expected;
  for (int64_t x = 1; x < 160; x += 2) {
    expected.push_back(std::to_string(x));
  }
  EXPECT_EQ(rows.size(), 80u);
  EXPECT_EQ(Sorted(rows), Sorted(expected));
}

TEST(ExecuteStreamTest, HandoffRowsStillSurfaceErrors) {
  MemoryExec::Options options;
  options.fail_partition = 1;
  options.fail_at_batch = 3;
  options.error = absl::InvalidArgumentError("bad row 7");
  auto stream = ExecuteStream(Source(3, 100, options), NewContext(), /*handoff_rows=*/64);
  ASSERT_TRUE(stream.ok());
  absl::Status status;
  Batch batch;
  for (int calls = 0; calls < 10000; ++calls) {
    auto more = (*stream)->Next(&batch);
    if (!more.ok()) {
      status = more.status();
      break;
    }
    ASSERT_TRUE(*more) << "the stream ended without the error";
  }
  EXPECT_EQ(status, absl::InvalidArgumentError("bad row 7"));
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

// Writes each value as "<value>@<encoder id>;" and counts the encoders made and the threads
// they ran on.
struct EncoderLog {
  std::mutex mu;
  int encoders = 0;
  std::set<std::thread::id> threads;
};

class TestEncoder final : public BatchEncoder {
 public:
  TestEncoder(int id, std::shared_ptr<EncoderLog> log) : id_(id), log_(std::move(log)) {}

  absl::Status Encode(const Batch& batch, std::string* out) override {
    {
      std::lock_guard<std::mutex> lock(log_->mu);
      log_->threads.insert(std::this_thread::get_id());
    }
    const Batch dense = batch.Compact();
    for (int64_t row = 0; row < dense.length(); ++row) {
      int64_t v = dense.column(0)->GetInt64(row);
      if (v == failing_value) {
        return absl::InvalidArgumentError(fmt::format("cannot encode {}", v));
      }
      *out += fmt::format("{}@{};", v, id_);
    }
    return absl::OkStatus();
  }

  int64_t failing_value = -1;

 private:
  int id_;
  std::shared_ptr<EncoderLog> log_;
};

BatchEncoderFactory TestEncoders(std::shared_ptr<EncoderLog> log, int64_t failing_value = -1) {
  return [log, failing_value] {
    std::lock_guard<std::mutex> lock(log->mu);
    auto encoder = std::make_unique<TestEncoder>(log->encoders++, log);
    encoder->failing_value = failing_value;
    return encoder;
  };
}

// Every piece of an encoded stream, or its error (also for an endless one).
absl::StatusOr<std::vector<std::string>> Pieces(EncodedStream& stream) {
  std::vector<std::string> pieces;
  for (;;) {
    if (pieces.size() > 100000) {
      return absl::InternalError("the encoded stream does not end");
    }
    std::string piece;
    STRATA_ASSIGN_OR_RETURN(bool more, stream.Next(&piece));
    if (!more) {
      return pieces;
    }
    EXPECT_FALSE(piece.empty());
    pieces.push_back(std::move(piece));
  }
}

// Splits "v@e;v@e;" pieces into their values and checks that each piece came from one encoder,
// and the values of one encoder from one partition (Source's partition p holds [8p, 8p + 8)).
std::vector<std::string> DecodedValues(const std::vector<std::string>& pieces) {
  std::vector<std::string> values;
  std::map<int, std::set<int64_t>> partitions_of_encoder;
  for (const std::string& piece : pieces) {
    std::vector<std::string> entries = absl::StrSplit(piece, ';', absl::SkipEmpty());
    for (const std::string& entry : entries) {
      std::vector<std::string> parts = absl::StrSplit(entry, '@');
      values.push_back(parts[0]);
      partitions_of_encoder[std::stoi(parts[1])].insert(std::stoll(parts[0]) / 8);
    }
  }
  for (const auto& [encoder, partitions] : partitions_of_encoder) {
    EXPECT_EQ(partitions.size(), 1u) << "encoder " << encoder << " saw several partitions";
  }
  return Sorted(values);
}

TEST(ExecuteEncodedTest, EncodesEveryBatchOnceWithOneEncoderPerPartition) {
  for (int iteration = 0; iteration < 20; ++iteration) {
    auto log = std::make_shared<EncoderLog>();
    MemoryExec::Options options;
    options.delay = std::chrono::microseconds(100);
    auto stream = ExecuteEncoded(Source(4, 4, options), NewContext(), TestEncoders(log));
    ASSERT_TRUE(stream.ok()) << stream.status();
    auto pieces = Pieces(**stream);
    ASSERT_TRUE(pieces.ok()) << pieces.status();
    // Small batches: each partition's are gathered into one piece.
    EXPECT_EQ(pieces->size(), 4u);
    EXPECT_EQ(DecodedValues(*pieces), Range(0, 32));
    EXPECT_EQ(log->encoders, 4);
  }
}

TEST(ExecuteEncodedTest, PartitionsAreEncodedOffTheConsumersThread) {
  auto log = std::make_shared<EncoderLog>();
  MemoryExec::Options options;
  options.delay = std::chrono::milliseconds(2);
  auto stream = ExecuteEncoded(Source(4, 8, options), NewContext(), TestEncoders(log));
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(Pieces(**stream).ok());
  // The workers encoded some partitions: not everything ran on this thread.
  std::lock_guard<std::mutex> lock(log->mu);
  EXPECT_GT(log->threads.size(), 1u);
}

TEST(ExecuteEncodedTest, SinglePartitionIsEncodedInOrderOnTheCallersThread) {
  auto log = std::make_shared<EncoderLog>();
  auto stream = ExecuteEncoded(Source(1, 3), NewContext(), TestEncoders(log));
  ASSERT_TRUE(stream.ok());
  auto pieces = Pieces(**stream);
  ASSERT_TRUE(pieces.ok());
  EXPECT_THAT(*pieces, ::testing::ElementsAre("0@0;1@0;2@0;3@0;4@0;5@0;"));
  std::lock_guard<std::mutex> lock(log->mu);
  EXPECT_EQ(log->threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

// Pads every batch's bytes to a quarter of a piece.
class QuarterPieceEncoder final : public BatchEncoder {
 public:
  absl::Status Encode(const Batch& batch, std::string* out) override {
    std::string row = fmt::format("{};", batch.Compact().column(0)->GetInt64(0));
    row.resize(kEncodedPieceBytes / 4, '.');
    *out += row;
    return absl::OkStatus();
  }
};

TEST(ExecuteEncodedTest, PiecesGatherBatchesUpToThePieceSize) {
  for (int partitions : {1, 3}) {
    auto stream = ExecuteEncoded(Source(partitions, 10), NewContext(), [] {
      return std::make_unique<QuarterPieceEncoder>();
    });
    ASSERT_TRUE(stream.ok());
    auto pieces = Pieces(**stream);
    ASSERT_TRUE(pieces.ok());
    // 10 batches a partition: pieces of 4, 4 and 2 batches.
    std::map<size_t, int> sizes;
    for (const std::string& piece : *pieces) {
      ++sizes[piece.size()];
    }
    EXPECT_EQ(sizes,
              (std::map<size_t, int>{{kEncodedPieceBytes, 2 * partitions},
                                     {kEncodedPieceBytes / 2, partitions}}))
        << partitions << " partitions";
  }
}

TEST(ExecuteEncodedTest, EmptyBatchesAndPartitionsGiveNoPieces) {
  auto log = std::make_shared<EncoderLog>();
  std::vector<std::vector<Batch>> parts(3);
  parts[1].push_back(MakeBatch(IntSchema(), {Int64s({})}));
  parts[2].push_back(MakeBatch(IntSchema(), {Int64s({9})}));
  auto source = std::make_shared<MemoryExec>(IntSchema(), std::move(parts));
  auto stream = ExecuteEncoded(source, NewContext(), TestEncoders(log));
  ASSERT_TRUE(stream.ok());
  auto pieces = Pieces(**stream);
  ASSERT_TRUE(pieces.ok());
  ASSERT_EQ(pieces->size(), 1u);
  EXPECT_THAT((*pieces)[0], ::testing::StartsWith("9@"));
}

TEST(ExecuteEncodedTest, EncoderErrorSurfacesAndStopsTheOthers) {
  for (int iteration = 0; iteration < 20; ++iteration) {
    auto log = std::make_shared<EncoderLog>();
    MemoryExec::Options options;
    options.endless = true;
    auto source = Source(4, 2, options);
    // Partition 2 holds 8..11, repeated endlessly; 9 fails in its first batch.
    auto stream = ExecuteEncoded(source, NewContext(), TestEncoders(log, /*failing_value=*/9));
    ASSERT_TRUE(stream.ok());
    auto pieces = Pieces(**stream);
    ASSERT_FALSE(pieces.ok());
    EXPECT_EQ(pieces.status(), absl::InvalidArgumentError("cannot encode 9"));
    stream->reset();
    EXPECT_EQ(source->counters()->open_streams.load(), 0);
  }
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
