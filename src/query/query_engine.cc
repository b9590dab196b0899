// The query engine façade: parse, bind, optimize, plan, execute.
#include "query/query_engine.h"

#include <chrono>
#include <thread>

#include "common/check.h"
#include "common/status.h"
#include "exec/operators.h"
#include "fmt/format.h"
#include "observe/span_exporter.h"
#include "plan/binder.h"
#include "plan/optimizer/optimizer.h"
#include "plan/physical_optimizer.h"
#include "plan/physical_planner.h"
#include "query/buffer_table_provider.h"
#include "sql/parser.h"

namespace strata::query {
namespace {

// A stream over batches computed up front (EXPLAIN output).
class VectorStream final : public exec::BatchStream {
 public:
  explicit VectorStream(std::vector<exec::Batch> batches) : batches_(std::move(batches)) {}
  absl::StatusOr<bool> Next(exec::Batch* batch) override {
    if (next_ >= batches_.size()) {
      return false;
    }
    *batch = std::move(batches_[next_++]);
    return true;
  }

 private:
  std::vector<exec::Batch> batches_;
  size_t next_ = 0;
};

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Plans a bound logical plan down to an executable physical plan.
// With a `trace`, records spans "optimize" and "physical_plan" under `parent_span`.
absl::StatusOr<exec::ExecutionPlanPtr> OptimizeAndPlan(const plan::LogicalPlanPtr& logical,
                                                       const plan::OptimizerOptions& optimizer,
                                                       const exec::TaskContext& context,
                                                       plan::LogicalPlanPtr* optimized_out,
                                                       observe::Trace* trace = nullptr,
                                                       uint64_t parent_span = 0) {
  absl::StatusOr<plan::LogicalPlanPtr> optimized;
  {
    observe::ScopedSpan span(trace, "optimize", parent_span);
    optimized = plan::Optimize(logical, optimizer);
    if (!optimized.ok()) {
      span.set_status(optimized.status());
      return optimized.status();
    }
  }
  if (optimized_out != nullptr) {
    *optimized_out = *optimized;
  }
  observe::ScopedSpan span(trace, "physical_plan", parent_span);
  auto physical = plan::CreatePhysicalPlan(**optimized, context);
  if (!physical.ok()) {
    span.set_status(physical.status());
    return physical.status();
  }
  auto final_plan = plan::OptimizePhysicalPlan(*std::move(physical));
  if (!final_plan.ok()) {
    span.set_status(final_plan.status());
  }
  return final_plan;
}

// Adds a span for `node` and each operator below it, under `parent`: what EXPLAIN ANALYZE shows
// of it (output rows, batches and bytes, elapsed time, its counters such as files_scanned and
// chunks_scanned). Operators keep totals, not start and end times: each span starts when
// execution started and lasts the operator's elapsed time (summed over its partitions, so capped
// at the execution's end).
void AddOperatorSpans(observe::Trace* trace,
                      const exec::ExecutionPlan& node,
                      uint64_t parent,
                      int64_t start_nanos,
                      int64_t end_nanos) {
  const exec::OperatorMetrics& metrics = node.metrics();
  observe::Span span;
  span.name = std::string(node.name());
  span.parent_span_id = parent;
  span.start_unix_nanos = start_nanos;
  span.end_unix_nanos =
      start_nanos + std::clamp<int64_t>(metrics.elapsed_nanos(), 0, end_nanos - start_nanos);
  std::string description = node.ToString();
  constexpr size_t kMaxDescription = 1024;
  if (description.size() > kMaxDescription) {
    description.resize(kMaxDescription);
    description += "...";
  }
  span.attributes.emplace_back("operator", std::move(description));
  span.attributes.emplace_back("output_rows", metrics.output_rows());
  span.attributes.emplace_back("output_batches", metrics.output_batches());
  span.attributes.emplace_back("output_bytes", metrics.output_bytes());
  span.attributes.emplace_back("elapsed_ns", metrics.elapsed_nanos());
  span.attributes.emplace_back("partitions", static_cast<int64_t>(node.output_partitions()));
  for (const auto& [name, value] : metrics.counters()) {
    span.attributes.emplace_back(name, value);
  }
  const uint64_t id = trace->AddSpan(std::move(span));
  // The operator's reads of chunks and files, as spans of their own.
  for (exec::SourceSpan& read : metrics.source_spans()) {
    observe::Span source;
    source.name = std::move(read.name);
    source.parent_span_id = id;
    source.start_unix_nanos = read.start_unix_nanos;
    source.end_unix_nanos = std::max(read.end_unix_nanos, read.start_unix_nanos);
    source.attributes.emplace_back("source", std::move(read.source));
    for (auto& [name, value] : read.counts) {
      source.attributes.emplace_back(std::move(name), value);
    }
    trace->AddSpan(std::move(source));
  }
  for (const exec::ExecutionPlanPtr& child : node.children()) {
    AddOperatorSpans(trace, *child, id, start_nanos, end_nanos);
  }
}

exec::Batch TwoStringColumns(const std::vector<std::pair<std::string, std::string>>& rows,
                             const SchemaPtr& schema) {
  auto a = std::make_shared<Column>(TypeId::kString);
  auto b = std::make_shared<Column>(TypeId::kString);
  for (const auto& [x, y] : rows) {
    a->AppendString(x);
    b->AppendString(y);
  }
  return exec::Batch(schema, {a, b}, static_cast<int64_t>(rows.size()));
}

}  // namespace

QueryEngine::QueryEngine(const catalog::Catalog* catalog,
                         const buffer::WriteBuffer* buffer,
                         std::shared_ptr<exec::MemoryPool> memory_pool,
                         QueryOptions defaults)
    : catalog_(catalog),
      sources_{.buffer = buffer},
      memory_pool_(memory_pool != nullptr ? std::move(memory_pool)
                                          : std::make_shared<exec::MemoryPool>()),
      defaults_(std::move(defaults)) {}

void QueryEngine::AttachPersistedFiles(const persist::Persister* persister,
                                       persist::ParquetFileCache* files,
                                       int64_t file_limit) {
  sources_.persister = persister;
  sources_.files = files;
  sources_.file_limit = file_limit;
}

absl::StatusOr<QueryEngine::BoundQuery> QueryEngine::Bind(std::string_view database,
                                                          std::string_view sql,
                                                          const QueryOptions& options,
                                                          observe::Trace* trace,
                                                          uint64_t parent_span_id) const {
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog_->snapshot();
  const catalog::DatabaseSchema* db = snapshot->FindDatabase(database);
  if (db == nullptr) {
    return absl::NotFoundError(fmt::format("database '{}' not found", database));
  }
  auto statement = [&] {
    observe::ScopedSpan span(trace, "parse", parent_span_id);
    auto parsed = sql::ParseStatement(sql);
    if (!parsed.ok()) {
      span.set_status(parsed.status());
    }
    return parsed;
  }();
  if (!statement.ok()) {
    return statement.status();
  }
  std::shared_ptr<exec::TaskContext> context = options.context;
  if (context == nullptr) {
    context = std::make_shared<exec::TaskContext>();
    context->set_memory_pool(memory_pool_);
  }
  int partitions =
      options.target_partitions > 0 ? options.target_partitions : defaults_.target_partitions;
  if (partitions <= 0) {
    // Read once: std::thread::hardware_concurrency() reads /sys on every call.
    static const int kCores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    partitions = kCores;
  }
  context->set_target_partitions(partitions);
  const int64_t min_rows = options.min_rows_per_partition > 0 ? options.min_rows_per_partition
                                                              : defaults_.min_rows_per_partition;
  if (min_rows > 0) {
    context->set_min_rows_per_partition(min_rows);
  }
  plan::OptimizerOptions optimizer;
  optimizer.query_start_nanos = NowNanos();

  ScanSources sources = sources_;
  if (options.unlimited_files) {
    sources.file_limit = 0;
  }
  BufferSchemaProvider schema(sources, snapshot, db);
  plan::BindOptions bind;
  bind.params = options.params;
  bind.evaluate_constant = [&optimizer](const plan::ExprPtr& expr) {
    return plan::EvaluateConstantExpr(*plan::SimplifyExpr(expr, optimizer));
  };
  bind.run_subquery =
      [&optimizer,
       &context](const plan::LogicalPlanPtr& subquery) -> absl::StatusOr<std::vector<exec::Batch>> {
    auto physical = OptimizeAndPlan(subquery, optimizer, *context, nullptr);
    if (!physical.ok()) {
      return physical.status();
    }
    return exec::Collect(*physical, context);
  };
  plan::Binder binder(&schema, sql, std::move(bind));
  observe::ScopedSpan bind_span(trace, "bind", parent_span_id);
  auto logical = binder.BindStatement(**statement);
  if (!logical.ok()) {
    bind_span.set_status(logical.status());
    return logical.status();
  }
  return BoundQuery{*std::move(logical), std::move(context), optimizer};
}

absl::StatusOr<exec::ExecutionPlanPtr> QueryEngine::PlanPhysical(
    std::string_view database, std::string_view sql, const QueryOptions& options) const {
  auto bound = Bind(database, sql, options);
  if (!bound.ok()) {
    return bound.status();
  }
  if (bound->logical->kind == plan::PlanKind::kExplain) {
    return absl::InvalidArgumentError("EXPLAIN has no physical plan of its own");
  }
  return OptimizeAndPlan(bound->logical, bound->optimizer, *bound->context, nullptr);
}

absl::StatusOr<std::unique_ptr<QueryResult>> QueryEngine::Execute(
    std::string_view database, std::string_view sql, const QueryOptions& options) const {
  std::shared_ptr<observe::Trace> trace = options.trace;
  const bool own_trace = trace == nullptr;
  if (own_trace) {
    trace = std::make_shared<observe::Trace>();
  }
  const uint64_t query_span = trace->StartSpan("query", options.parent_span_id);
  trace->SetAttribute(query_span, "db.system", std::string("strata"));
  trace->SetAttribute(query_span, "db.name", std::string(database));
  constexpr size_t kMaxStatement = 4096;
  trace->SetAttribute(query_span,
                      "db.statement",
                      sql.size() > kMaxStatement ? std::string(sql.substr(0, kMaxStatement)) + "..."
                                                 : std::string(sql));
  auto result = ExecuteTraced(database, sql, options, trace.get(), query_span);
  if (!result.ok()) {
    trace->EndSpan(query_span, result.status());
    if (own_trace && exporter_ != nullptr) {
      exporter_->Export(*trace);
    }
    return result.status();
  }
  (*result)->AttachTrace(std::move(trace), query_span, own_trace ? exporter_ : nullptr);
  if (options.plan_totals != nullptr) {
    (*result)->set_plan_totals(options.plan_totals);
  }
  return result;
}

absl::StatusOr<std::unique_ptr<QueryResult>> QueryEngine::ExecuteTraced(std::string_view database,
                                                                        std::string_view sql,
                                                                        const QueryOptions& options,
                                                                        observe::Trace* trace,
                                                                        uint64_t query_span) const {
  auto bound = Bind(database, sql, options, trace, query_span);
  if (!bound.ok()) {
    return bound.status();
  }
  const plan::LogicalPlanPtr* logical = &bound->logical;
  const plan::OptimizerOptions& optimizer = bound->optimizer;
  std::shared_ptr<exec::TaskContext> context = bound->context;

  if ((*logical)->kind == plan::PlanKind::kExplain) {
    const plan::LogicalPlan& explain = **logical;
    plan::LogicalPlanPtr optimized;
    auto physical =
        OptimizeAndPlan(explain.inputs[0], optimizer, *context, &optimized, trace, query_span);
    if (!physical.ok()) {
      return physical.status();
    }
    std::vector<std::pair<std::string, std::string>> rows;
    if (explain.analyze) {
      auto start = std::chrono::steady_clock::now();
      const int64_t start_nanos = observe::UnixNanosNow();
      const uint64_t execute_span = trace->StartSpan("execute", query_span);
      auto batches = exec::Collect(*physical, context);
      trace->EndSpan(execute_span, batches.status());
      AddOperatorSpans(trace, **physical, execute_span, start_nanos, observe::UnixNanosNow());
      if (!batches.ok()) {
        return batches.status();
      }
      int64_t result_rows = 0;
      for (const exec::Batch& b : *batches) {
        result_rows += b.length();
      }
      auto elapsed =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
      rows.emplace_back("Plan with Metrics", exec::DisplayPlan(**physical, /*analyze=*/true));
      rows.emplace_back("Summary",
                        fmt::format("rows={}, elapsed={:.3f}ms", result_rows, elapsed.count()));
    } else {
      rows.emplace_back("logical_plan", optimized->ToString());
      rows.emplace_back("physical_plan", exec::DisplayPlan(**physical));
    }
    SchemaPtr out = explain.ToSchema();
    std::vector<exec::Batch> batches = {TwoStringColumns(rows, out)};
    return std::make_unique<QueryResult>(
        out, std::make_unique<VectorStream>(std::move(batches)), context);
  }

  auto physical = OptimizeAndPlan(*logical, optimizer, *context, nullptr, trace, query_span);
  if (!physical.ok()) {
    return physical.status();
  }
  // Cancelled while planning (a timeout during a long subquery): stop before running anything.
  STRATA_RETURN_IF_ERROR(context->CheckCancelled());
  // Result names are the logical plan's (the physical plan keeps them, but say it once here).
  SchemaPtr result_schema = (*physical)->schema();
  return std::make_unique<QueryResult>(result_schema, *std::move(physical), context);
}

QueryResult::~QueryResult() {
  context_->Cancel();
  FinishTrace();
  if (plan_totals_ != nullptr && physical_plan_ != nullptr) {
    plan_totals_->Add(*physical_plan_);
  }
}

namespace {

int64_t SumCounter(const exec::ExecutionPlan& plan, const std::string& name) {
  int64_t total = 0;
  const std::map<std::string, int64_t> counters = plan.metrics().counters();
  if (auto it = counters.find(name); it != counters.end()) {
    total += it->second;
  }
  for (const exec::ExecutionPlanPtr& child : plan.children()) {
    total += SumCounter(*child, name);
  }
  return total;
}

int64_t SumElapsed(const exec::ExecutionPlan& plan) {
  int64_t total = plan.metrics().elapsed_nanos();
  for (const exec::ExecutionPlanPtr& child : plan.children()) {
    total += SumElapsed(*child);
  }
  return total;
}

}  // namespace

QueryResources PlanResources(const exec::ExecutionPlan& plan) {
  QueryResources used;
  used.partitions = SumCounter(plan, "chunks_scanned");
  used.parquet_files = SumCounter(plan, "files_scanned");
  used.compute_duration_ns = SumElapsed(plan);
  return used;
}

void PlanTotals::Add(const exec::ExecutionPlan& plan) {
  const QueryResources used = PlanResources(plan);
  std::lock_guard<std::mutex> lock(mu_);
  any_ = true;
  partitions_ += *used.partitions;
  parquet_files_ += *used.parquet_files;
  compute_duration_ns_ += *used.compute_duration_ns;
}

void PlanTotals::SetIn(QueryResources* used) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (any_) {
    used->partitions = partitions_;
    used->parquet_files = parquet_files_;
    used->compute_duration_ns = compute_duration_ns_;
  }
}

void QueryResult::AttachTrace(std::shared_ptr<observe::Trace> trace,
                              uint64_t query_span,
                              observe::SpanExporter* exporter) {
  trace_ = std::move(trace);
  query_span_ = query_span;
  traced_plan_ = plan_;
  exporter_ = exporter;
}

void QueryResult::StartExecuteSpan() {
  if (trace_ != nullptr && execute_span_ == 0) {
    execute_span_ = trace_->StartSpan("execute", query_span_);
  }
}

void QueryResult::FinishTrace() {
  if (trace_ == nullptr) {
    return;
  }
  if (execute_span_ != 0) {
    trace_->EndSpan(execute_span_, error_);
    // The operators' spans are built from their metrics only for a trace that is read.
    if (traced_plan_ != nullptr && trace_->recording()) {
      int64_t start = 0;
      int64_t end = 0;
      for (const observe::Span& span : trace_->spans()) {
        if (span.span_id == execute_span_) {
          start = span.start_unix_nanos;
          end = span.end_unix_nanos;
        }
      }
      AddOperatorSpans(trace_.get(), *traced_plan_, execute_span_, start, end);
    }
  }
  trace_->EndSpan(query_span_, error_);
  if (exporter_ != nullptr) {
    exporter_->Export(*trace_);
  }
}

absl::StatusOr<bool> QueryResult::Next(exec::Batch* batch) {
  absl::StatusOr<bool> more = [&]() -> absl::StatusOr<bool> {
    if (stream_ == nullptr) {
      STRATA_CHECK(plan_ != nullptr && encoded_ == nullptr);
      StartExecuteSpan();
      STRATA_ASSIGN_OR_RETURN(stream_,
                              exec::ExecuteStream(std::move(plan_), context_, handoff_rows_));
    }
    return stream_->Next(batch);
  }();
  if (!more.ok() && error_.ok()) {
    error_ = more.status();
  }
  return more;
}

absl::StatusOr<bool> QueryResult::NextEncoded(const exec::BatchEncoderFactory& make_encoder,
                                              std::string* piece) {
  absl::StatusOr<bool> more = [&]() -> absl::StatusOr<bool> {
    if (encoded_ == nullptr) {
      if (plan_ != nullptr) {
        StartExecuteSpan();
        STRATA_ASSIGN_OR_RETURN(encoded_,
                                exec::ExecuteEncoded(std::move(plan_), context_, make_encoder));
      } else {
        STRATA_CHECK(stream_ != nullptr);
        encoded_ = exec::EncodeStream(std::move(stream_), make_encoder());
      }
    }
    return encoded_->Next(piece);
  }();
  if (!more.ok() && error_.ok()) {
    error_ = more.status();
  }
  return more;
}

}  // namespace strata::query
