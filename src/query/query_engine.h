// The query engine façade: SQL text in, a result stream out. Used by the HTTP query API
// (/api/v3/query_sql), `strata query`, and the sqllogictest runner (in-process mode).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "columnar/schema.h"
#include "exec/batch.h"
#include "exec/batch_encoder.h"
#include "exec/execution_plan.h"
#include "exec/memory_pool.h"
#include "exec/scalar.h"
#include "observe/trace.h"
#include "plan/logical_plan.h"
#include "plan/optimizer/optimizer.h"
#include "query/query_log.h"
#include "query/scan_sources.h"

namespace strata::observe {
class SpanExporter;
}  // namespace strata::observe

namespace strata::query {

// What a plan's scans read and its operators computed: QueryResources' partitions (write buffer
// chunks scanned), parquet_files and compute_duration_ns (the operators' own time, summed over
// operators and partitions).
QueryResources PlanResources(const exec::ExecutionPlan& plan);

// The PlanResources of every query a request ran, summed, for a request that runs several (an
// InfluxQL request: one per statement and measurement). Each result adds its plan when it goes
// (QueryOptions::plan_totals). Thread-safe.
class PlanTotals {
 public:
  void Add(const exec::ExecutionPlan& plan);
  // Sets the sums in `used`; leaves them unset when no plan was added.
  void SetIn(QueryResources* used) const;

 private:
  mutable std::mutex mu_;
  bool any_ = false;
  int64_t partitions_ = 0;
  int64_t parquet_files_ = 0;
  int64_t compute_duration_ns_ = 0;
};

struct QueryOptions {
  // Values of $name placeholders, by name without the '$'.
  std::map<std::string, exec::Scalar> params;
  // Partitions per scan (0: hardware threads).
  int target_partitions = 0;
  // Rows a scan must expect per partition to use more than one (0: the default,
  // exec::kDefaultMinRowsPerPartition; 1: always target_partitions when there are enough
  // chunks, as tests of the parallel paths want).
  int64_t min_rows_per_partition = 0;
  // The context the query runs in, made by the caller so that it can cancel the query from
  // another thread while it is still being planned (uncorrelated subqueries run then) and give it
  // a memory pool of its own (a per-query limit). Null: Execute makes one with the engine's pool.
  // The engine sets its partitioning from the options; a context's memory pool is kept.
  std::shared_ptr<exec::TaskContext> context;
  // Where the query's spans go (query, parse, bind, optimize, physical_plan, execute and one per
  // operator): under `parent_span_id` of `trace` (0: the trace's root), e.g. the HTTP request's
  // server span. Null: the query records a trace of its own, with a new trace id. Whoever
  // created the trace exports it (the engine does for its own, see SetSpanExporter).
  std::shared_ptr<observe::Trace> trace;
  uint64_t parent_span_id = 0;
  // Scans may read any number of files: --query-file-limit guards users' queries, not the
  // server's own scans (cache fills).
  bool unlimited_files = false;
  // Where the result adds its plan's resources when it is destroyed (null: nowhere).
  std::shared_ptr<PlanTotals> plan_totals;
};

// A running query: its schema and a stream of result batches, or of their encoded bytes.
// Nothing runs until the first Next or NextEncoded; destroying it cancels whatever has not run.
class QueryResult {
 public:
  // The result of running `plan`.
  QueryResult(SchemaPtr schema,
              exec::ExecutionPlanPtr plan,
              std::shared_ptr<exec::TaskContext> context)
      : schema_(std::move(schema)),
        plan_(std::move(plan)),
        physical_plan_(plan_),
        context_(std::move(context)) {}
  // A result already computed (EXPLAIN's rows).
  QueryResult(SchemaPtr schema,
              std::unique_ptr<exec::BatchStream> stream,
              std::shared_ptr<exec::TaskContext> context)
      : schema_(std::move(schema)), stream_(std::move(stream)), context_(std::move(context)) {}
  ~QueryResult();

  const SchemaPtr& schema() const { return schema_; }
  // Next result batch (false at the end); a batch may carry a selection. Errors (division by
  // zero, cancellation) surface here.
  absl::StatusOr<bool> Next(exec::Batch* batch);
  // Next encoded piece (false at the end): the result's batches encoded by encoders from
  // `make_encoder`, one per partition of the plan, each running on the thread that computes its
  // partition (see exec::ExecuteEncoded). Pieces of a multi-partition plan come in no particular
  // order, as its batches do. `make_encoder` is used at the first call only. Use either Next or
  // NextEncoded on one result, not both.
  absl::StatusOr<bool> NextEncoded(const exec::BatchEncoderFactory& make_encoder,
                                   std::string* piece);
  // For a caller that reads every batch before it uses any: the partitions hand their batches to
  // Next in groups of `rows` rows (exec::MergePartitions), waking it a few times, not per batch.
  // Set before the first Next.
  void set_handoff_rows(int64_t rows) { handoff_rows_ = rows; }
  // Adds the plan's resources to `totals` when the result is destroyed.
  void set_plan_totals(std::shared_ptr<PlanTotals> totals) { plan_totals_ = std::move(totals); }
  void Cancel() { context_->Cancel(); }
  const std::shared_ptr<exec::TaskContext>& context() const { return context_; }
  // The physical plan being run, for its metrics once it ends (null for EXPLAIN).
  const exec::ExecutionPlanPtr& physical_plan() const { return physical_plan_; }

  // The trace this query records spans in: trace()->trace_id() is the query's trace id (for
  // system.queries and the response headers). Null only for a result not made by
  // QueryEngine::Execute.
  const std::shared_ptr<observe::Trace>& trace() const { return trace_; }
  // Attaches the query's trace (called by QueryEngine::Execute): an "execute" span starts under
  // `query_span` with the first Next or NextEncoded; when the result is destroyed, it and
  // `query_span` end (with the first error the result returned, if any), a span per operator of
  // the plan is added under "execute", and a non-null `exporter` exports the trace.
  void AttachTrace(std::shared_ptr<observe::Trace> trace,
                   uint64_t query_span,
                   observe::SpanExporter* exporter);

 private:
  void StartExecuteSpan();
  void FinishTrace();

  SchemaPtr schema_;
  exec::ExecutionPlanPtr plan_;  // until a stream is started from it
  exec::ExecutionPlanPtr physical_plan_;
  std::unique_ptr<exec::BatchStream> stream_;
  std::unique_ptr<exec::EncodedStream> encoded_;
  std::shared_ptr<exec::TaskContext> context_;
  int64_t handoff_rows_ = 0;
  std::shared_ptr<PlanTotals> plan_totals_;
  std::shared_ptr<observe::Trace> trace_;
  uint64_t query_span_ = 0;
  uint64_t execute_span_ = 0;
  exec::ExecutionPlanPtr traced_plan_;
  observe::SpanExporter* exporter_ = nullptr;
  absl::Status error_;  // the first error the result returned
};

// Thread-safe; one per server.
class QueryEngine {
 public:
  // `catalog` and `buffer` must outlive the engine. Every query reserves the memory its
  // operators buffer (sorts, aggregations, join build sides, window functions) from
  // `memory_pool`, shared by all queries of the engine (--query-memory-limit); a query that
  // needs more than the pool has left fails with ResourceExhausted. Null: no limit.
  // `defaults` gives the target_partitions and min_rows_per_partition of queries whose own
  // options leave them 0 (the server's --query-partitions and --query-min-rows-per-partition).
  QueryEngine(const catalog::Catalog* catalog,
              const buffer::WriteBuffer* buffer,
              std::shared_ptr<exec::MemoryPool> memory_pool = nullptr,
              QueryOptions defaults = {});

  // Makes scans read the Parquet files of `persister`'s index too, through `files`, at most
  // `file_limit` files per table scan (0: no limit; --query-file-limit). Call before the first
  // query; both must outlive the engine.
  void AttachPersistedFiles(const persist::Persister* persister,
                            persist::ParquetFileCache* files,
                            int64_t file_limit = 0);

  // Makes last_cache() and distinct_cache() read `caches`. Call before the first query;
  // `caches` must outlive the engine.
  void AttachCaches(const cache::CacheManager* caches) { sources_.caches = caches; }
  // Makes system.queries show `log`'s entries. Call before the first query; `log` must outlive
  // the engine.
  void AttachQueryLog(const QueryLog* log) { sources_.query_log = log; }
  // Exports the traces of queries that were not given one in QueryOptions::trace (null: none
  // are exported). Call before the first query; `exporter` must outlive the engine.
  void SetSpanExporter(observe::SpanExporter* exporter) { exporter_ = exporter; }

  // The pool every query reserves from.
  const std::shared_ptr<exec::MemoryPool>& memory_pool() const { return memory_pool_; }
  // The catalog queries resolve names in (InfluxQL reads schemas from it to expand `*` and
  // regular expressions, and answers SHOW statements).
  const catalog::Catalog* catalog() const { return catalog_; }

  // Parses, binds, optimizes and starts `sql` (one statement) against database `database`.
  // Errors: NotFound "database 'x' not found"; InvalidArgument for syntax (with line and column),
  // unknown names, type errors. The returned status message is what users see.
  absl::StatusOr<std::unique_ptr<QueryResult>> Execute(std::string_view database,
                                                       std::string_view sql,
                                                       const QueryOptions& options = {}) const;

  // The physical plan Execute would run for `sql` (a query, not EXPLAIN), without running it.
  // Subqueries the binder evaluates (scalar and IN subqueries) have run and are constants in the
  // plan. Errors as for Execute. Used to ship plans (src/codec) and by tests.
  absl::StatusOr<exec::ExecutionPlanPtr> PlanPhysical(std::string_view database,
                                                      std::string_view sql,
                                                      const QueryOptions& options = {}) const;

 private:
  // A statement bound to a logical plan, with the context and optimizer options to plan it.
  struct BoundQuery {
    plan::LogicalPlanPtr logical;
    std::shared_ptr<exec::TaskContext> context;
    plan::OptimizerOptions optimizer;
  };
  absl::StatusOr<BoundQuery> Bind(std::string_view database,
                                  std::string_view sql,
                                  const QueryOptions& options,
                                  observe::Trace* trace = nullptr,
                                  uint64_t parent_span_id = 0) const;
  absl::StatusOr<std::unique_ptr<QueryResult>> ExecuteTraced(std::string_view database,
                                                             std::string_view sql,
                                                             const QueryOptions& options,
                                                             observe::Trace* trace,
                                                             uint64_t query_span) const;

  const catalog::Catalog* catalog_;
  ScanSources sources_;
  const std::shared_ptr<exec::MemoryPool> memory_pool_;
  const QueryOptions defaults_;
  observe::SpanExporter* exporter_ = nullptr;
};

}  // namespace strata::query
