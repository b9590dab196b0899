// Running the partitions of a plan in parallel and merging their batches into one stream: what
// CoalescePartitionsExec, ExecuteStream and the build side of joins use.
//
// Progress never depends on a free pool thread. Workers on the scheduler claim partitions by an
// atomic flag; when the consumer finds no batch ready and a partition is still unclaimed (its
// task is queued behind busy threads, e.g. behind the very partitions that are waiting on this
// consumer), the consumer claims that partition and pulls from it itself. So nested merges (a
// coalesce inside a partition of another coalesce) finish even on a one-thread pool.
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "exec/batch_encoder.h"
#include "exec/execution_plan.h"

namespace strata::exec {

// Batches (or encoded pieces) each partition may have queued before its producer waits
// (backpressure).
inline constexpr int kMergeQueueDepth = 2;

// A stream of the batches of every partition of `input`, in arbitrary order. Nothing runs until
// the first Next(). An error of any partition is returned by Next() and stops the others;
// cancelling `context` makes Next() return Cancelled. Destroying the stream stops the producers
// (each finishes at most the batch it is computing) and waits for them, so no work outlives it.
// With `handoff_rows` > 1, a partition's batches change threads in groups of that many rows
// (or to its end) instead of one by one: for a consumer that reads the whole result before it
// uses any, fewer thread switches at the cost of a later first batch. Those batches come compacted
// (no selection), compacted on the partitions' threads.
std::unique_ptr<BatchStream> MergePartitions(ExecutionPlanPtr input,
                                             std::shared_ptr<TaskContext> context,
                                             int64_t handoff_rows = 0);

// The same merge, handing out encoded bytes instead of batches: each partition's batches are
// encoded by that partition's own encoder (from `make_encoder`) on the thread that computed them.
std::unique_ptr<EncodedStream> MergePartitionsEncoded(ExecutionPlanPtr input,
                                                      std::shared_ptr<TaskContext> context,
                                                      BatchEncoderFactory make_encoder);

}  // namespace strata::exec
