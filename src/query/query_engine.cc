// The query engine façade: parse, bind, optimize, plan, execute.
#include "query/query_engine.h"

#include <chrono>
#include <thread>

#include "common/check.h"
#include "common/status.h"
#include "exec/operators.h"
#include "fmt/format.h"
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
absl::StatusOr<exec::ExecutionPlanPtr> OptimizeAndPlan(const plan::LogicalPlanPtr& logical,
                                                       const plan::OptimizerOptions& optimizer,
                                                       const exec::TaskContext& context,
                                                       plan::LogicalPlanPtr* optimized_out) {
  auto optimized = plan::Optimize(logical, optimizer);
  if (!optimized.ok()) {
    return optimized.status();
  }
  if (optimized_out != nullptr) {
    *optimized_out = *optimized;
  }
  auto physical = plan::CreatePhysicalPlan(**optimized, context);
  if (!physical.ok()) {
    return physical.status();
  }
  return plan::OptimizePhysicalPlan(*std::move(physical));
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
                                                          const QueryOptions& options) const {
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog_->snapshot();
  const catalog::DatabaseSchema* db = snapshot->FindDatabase(database);
  if (db == nullptr) {
    return absl::NotFoundError(fmt::format("database '{}' not found", database));
  }
  auto statement = sql::ParseStatement(sql);
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
    partitions = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  }
  context->set_target_partitions(partitions);
  const int64_t min_rows = options.min_rows_per_partition > 0 ? options.min_rows_per_partition
                                                              : defaults_.min_rows_per_partition;
  if (min_rows > 0) {
    context->set_min_rows_per_partition(min_rows);
  }
  plan::OptimizerOptions optimizer;
  optimizer.query_start_nanos = NowNanos();

  BufferSchemaProvider schema(sources_, snapshot, db);
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
  auto logical = binder.BindStatement(**statement);
  if (!logical.ok()) {
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
  auto bound = Bind(database, sql, options);
  if (!bound.ok()) {
    return bound.status();
  }
  const plan::LogicalPlanPtr* logical = &bound->logical;
  const plan::OptimizerOptions& optimizer = bound->optimizer;
  std::shared_ptr<exec::TaskContext> context = bound->context;

  if ((*logical)->kind == plan::PlanKind::kExplain) {
    const plan::LogicalPlan& explain = **logical;
    plan::LogicalPlanPtr optimized;
    auto physical = OptimizeAndPlan(explain.inputs[0], optimizer, *context, &optimized);
    if (!physical.ok()) {
      return physical.status();
    }
    std::vector<std::pair<std::string, std::string>> rows;
    if (explain.analyze) {
      auto start = std::chrono::steady_clock::now();
      auto batches = exec::Collect(*physical, context);
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

  auto physical = OptimizeAndPlan(*logical, optimizer, *context, nullptr);
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
}

absl::StatusOr<bool> QueryResult::Next(exec::Batch* batch) {
  if (stream_ == nullptr) {
    STRATA_CHECK(plan_ != nullptr && encoded_ == nullptr);
    STRATA_ASSIGN_OR_RETURN(stream_, exec::ExecuteStream(std::move(plan_), context_));
  }
  return stream_->Next(batch);
}

absl::StatusOr<bool> QueryResult::NextEncoded(const exec::BatchEncoderFactory& make_encoder,
                                              std::string* piece) {
  if (encoded_ == nullptr) {
    if (plan_ != nullptr) {
      STRATA_ASSIGN_OR_RETURN(encoded_,
                              exec::ExecuteEncoded(std::move(plan_), context_, make_encoder));
    } else {
      STRATA_CHECK(stream_ != nullptr);
      encoded_ = exec::EncodeStream(std::move(stream_), make_encoder());
    }
  }
  return encoded_->Next(piece);
}

}  // namespace strata::query
