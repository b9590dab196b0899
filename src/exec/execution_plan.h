// Physical plans: trees of partitioned, vectorized operators (DataFusion's ExecutionPlan model).
// A node declares how many output partitions it has; Execute(partition) returns a pull-based
// stream of batches for one of them. Partitions of one node run in parallel on the process-wide
// scheduler (exec/scheduler.h); a node that needs all of its input in one place (final
// aggregation, sort, the query output) reads its input through CoalescePartitionsExec.
//
// Nodes are immutable plain data after construction (they serialize: src/plan/codec), except
// their metrics, which EXPLAIN ANALYZE reads after execution.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/dynamic_filter.h"
#include "exec/memory_pool.h"

namespace strata::exec {

// The default of TaskContext::min_rows_per_partition.
inline constexpr int64_t kDefaultMinRowsPerPartition = 100000;

// Per-query execution state shared by every operator of one query.
class TaskContext {
 public:
  TaskContext() = default;

  // Cancels the query: streams return Cancelled at their next batch.
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  // True once this context or its parent (see set_parent) was cancelled.
  bool cancelled() const {
    return cancelled_.load(std::memory_order_relaxed) ||
           (parent_ != nullptr && parent_->cancelled());
  }
  // Makes this query part of a larger request whose context is `parent`: cancelling the parent
  // cancels this query too (not the other way round). For requests that run several queries one
  // after another, such as an InfluxQL statement's SQL queries: each query needs a context of its
  // own, because a finished query's result cancels its context. REQUIRES: called before
  // execution starts; parent chains are short (one level).
  void set_parent(std::shared_ptr<const TaskContext> parent) { parent_ = std::move(parent); }
  // Cancelled("query cancelled") once Cancel() was called, else OK.
  absl::Status CheckCancelled() const;

  // The number of partitions scans split into (default: hardware threads).
  int target_partitions() const { return target_partitions_; }
  void set_target_partitions(int n) { target_partitions_ = n < 1 ? 1 : n; }

  // A scan splits into several partitions only when it is expected to read at least this many
  // rows per partition: below that, handing partitions to other threads costs more than it
  // saves (a one-host, one-hour query reads ~40,000 rows).
  int64_t min_rows_per_partition() const { return min_rows_per_partition_; }
  void set_min_rows_per_partition(int64_t n) { min_rows_per_partition_ = n < 1 ? 1 : n; }

  // Rows per batch that operators producing new batches aim for.
  int64_t batch_size() const { return batch_size_; }
  void set_batch_size(int64_t n) { batch_size_ = n; }

  // The pool operators reserve the memory they buffer from (exec/memory_pool.h): the server's,
  // shared by all queries, or by default an unlimited pool of this context's own.
  const std::shared_ptr<MemoryPool>& memory_pool() const { return memory_pool_; }
  // REQUIRES: pool is not null; called before execution starts.
  void set_memory_pool(std::shared_ptr<MemoryPool> pool) { memory_pool_ = std::move(pool); }

  // Run-time filters published by hash joins for the scans of their probe sides.
  DynamicFilters& dynamic_filters() { return dynamic_filters_; }
  const DynamicFilters& dynamic_filters() const { return dynamic_filters_; }

 private:
  std::atomic<bool> cancelled_{false};
  std::shared_ptr<const TaskContext> parent_;
  int target_partitions_ = 2;
  int64_t min_rows_per_partition_ = kDefaultMinRowsPerPartition;
  int64_t batch_size_ = 8192;
  std::shared_ptr<MemoryPool> memory_pool_ = std::make_shared<MemoryPool>();
  DynamicFilters dynamic_filters_;
};

// One read of one source by a scan (a write buffer chunk, a Parquet file): when it started and
// ended (Unix nanoseconds) and what it read. A query's trace shows each as a span under its scan
// operator.
struct SourceSpan {
  std::string name;    // "scan_chunk", "read_file", ...
  std::string source;  // which one: a file path, a chunk's partition and id
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
  std::vector<std::pair<std::string, int64_t>> counts;  // e.g. rows, row_groups
};

// Counters of one operator, summed over its partitions; what EXPLAIN ANALYZE prints.
class OperatorMetrics {
 public:
  // The most source spans one operator keeps; reads beyond it are counted in
  // "source_spans_dropped" (a scan of thousands of files must not grow a trace without bound).
  static constexpr size_t kMaxSourceSpans = 200;

  void AddOutput(int64_t rows, int64_t bytes) {
    output_rows_.fetch_add(rows, std::memory_order_relaxed);
    output_batches_.fetch_add(1, std::memory_order_relaxed);
    output_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void AddElapsedNanos(int64_t nanos) {
    elapsed_nanos_.fetch_add(nanos, std::memory_order_relaxed);
  }
  // Adds to a named counter (e.g. "chunks_scanned", "chunks_pruned", "rows_filtered").
  void Add(std::string_view name, int64_t value);

  int64_t output_rows() const { return output_rows_.load(); }
  int64_t output_batches() const { return output_batches_.load(); }
  int64_t output_bytes() const { return output_bytes_.load(); }
  int64_t elapsed_nanos() const { return elapsed_nanos_.load(); }
  std::map<std::string, int64_t> counters() const;
  // Records a read of one source (see SourceSpan).
  void AddSourceSpan(SourceSpan span);
  std::vector<SourceSpan> source_spans() const;
  // "output_rows=10, elapsed=1.2ms, bytes=4.0 KiB, chunks_pruned=3, ..."
  std::string ToString() const;

 private:
  std::atomic<int64_t> output_rows_{0};
  std::atomic<int64_t> output_batches_{0};
  std::atomic<int64_t> output_bytes_{0};
  std::atomic<int64_t> elapsed_nanos_{0};
  mutable std::mutex mu_;
  std::map<std::string, int64_t> counters_;
  std::vector<SourceSpan> source_spans_;
};

// A stream of batches from one partition of one operator. Single-threaded: one consumer.
class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // Sets *batch to the next batch and returns true, or returns false at the end. Batches may be
  // empty (length 0) only if a caller can cope; operators skip producing them.
  virtual absl::StatusOr<bool> Next(Batch* batch) = 0;
};

class ExecutionPlan;
using ExecutionPlanPtr = std::shared_ptr<const ExecutionPlan>;

class ExecutionPlan {
 public:
  virtual ~ExecutionPlan() = default;

  // "FilterExec", "HashAggregateExec", ... (also the node's codec tag).
  virtual std::string_view name() const = 0;
  // The schema of every batch the node produces.
  virtual const SchemaPtr& schema() const = 0;
  virtual int output_partitions() const = 0;
  virtual std::vector<ExecutionPlanPtr> children() const = 0;
  // Returns a copy of this node with other children (same number), for optimizer rewrites.
  virtual absl::StatusOr<ExecutionPlanPtr> WithChildren(
      std::vector<ExecutionPlanPtr> children) const = 0;

  // Starts partition `partition` (0 <= partition < output_partitions()). Cheap: work happens in
  // Next(). A partition may be executed once per query.
  virtual absl::StatusOr<std::unique_ptr<BatchStream>> Execute(
      int partition, const std::shared_ptr<TaskContext>& context) const = 0;

  // The node's own line in EXPLAIN, without children: "FilterExec: usage > 90".
  virtual std::string ToString() const = 0;

  // Scans that can apply dynamic filters (exec/dynamic_filter.h) return a copy of themselves
  // that also reads `refs` (added to any they already read); others return null.
  virtual ExecutionPlanPtr WithDynamicFilters(const std::vector<DynamicFilterRef>& refs) const {
    (void)refs;
    return nullptr;
  }

  // Counters filled in during execution.
  OperatorMetrics& metrics() const { return *metrics_; }

 protected:
  ExecutionPlan() : metrics_(std::make_shared<OperatorMetrics>()) {}

 private:
  std::shared_ptr<OperatorMetrics> metrics_;
};

// The plan as an indented tree, one node a line; with `analyze`, each line ends with the node's
// metrics in brackets.
std::string DisplayPlan(const ExecutionPlan& plan, bool analyze = false);

// Runs every partition of `plan` (in parallel) and returns one stream of all batches, in no
// particular order across partitions. The result is what the query API streams out.
// `handoff_rows`: see MergePartitions.
absl::StatusOr<std::unique_ptr<BatchStream>> ExecuteStream(ExecutionPlanPtr plan,
                                                           std::shared_ptr<TaskContext> context,
                                                           int64_t handoff_rows = 0);

// Runs `plan` to completion and returns every batch, compacted.
absl::StatusOr<std::vector<Batch>> Collect(ExecutionPlanPtr plan,
                                           std::shared_ptr<TaskContext> context);

}  // namespace strata::exec
