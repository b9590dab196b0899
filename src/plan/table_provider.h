// Table providers: where rows come from. The binder sees a table's schema; the optimizer asks the
// provider which filters it can apply; the physical planner asks it for a scan node. Write-buffer
// chunks now (src/query/buffer_table_provider.h), Parquet files, caches and search splits later,
// all behind this interface (DataFusion's TableProvider).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "columnar/schema.h"
#include "exec/execution_plan.h"
#include "plan/expr.h"

namespace strata::plan {

enum class FilterPushdown : uint8_t {
  kUnsupported,  // the provider ignores it; a Filter above the scan applies it
  kInexact,      // the provider uses it to skip data (pruning) but may return rows failing it
  kExact,        // the provider returns only rows that pass it
};

// What the physical planner asks a provider to scan.
struct ScanRequest {
  // Indices of the table schema's fields to produce, in this order (empty: none, only rows).
  std::vector<int> projection;
  // Predicates over the table schema (column indices refer to the table's fields, not the
  // projection) that the provider accepted (kInexact or kExact).
  std::vector<ExprPtr> filters;
  // At most this many rows are needed (pushed down only when no filter remains above the scan).
  std::optional<int64_t> limit;
};

class TableProvider {
 public:
  virtual ~TableProvider() = default;

  // Fields of the table: for strata tables, sorted by name as SELECT * shows them (tags are
  // kDictionary, time is kTimestamp).
  virtual const SchemaPtr& schema() const = 0;
  // "cpu", for EXPLAIN.
  virtual const std::string& name() const = 0;

  // How the provider handles each filter.
  virtual std::vector<FilterPushdown> SupportsFiltersPushdown(
      const std::vector<ExprPtr>& filters) const = 0;

  // About how many rows a full scan returns, when the provider knows (the physical planner uses
  // it to put the smaller input of a join on the build side).
  virtual std::optional<int64_t> EstimatedRowCount() const { return std::nullopt; }

  // The scan node: produces batches with the projected fields.
  virtual absl::StatusOr<exec::ExecutionPlanPtr> Scan(const ScanRequest& request,
                                                      const exec::TaskContext& context) const = 0;
};

using TableProviderPtr = std::shared_ptr<const TableProvider>;

// What the binder resolves table names against (one database).
class SchemaProvider {
 public:
  virtual ~SchemaProvider() = default;
  // The table, or nullptr when there is none of that name.
  virtual TableProviderPtr FindTable(std::string_view name) const = 0;
  // Every table name, for SHOW TABLES and "did you mean" suggestions.
  virtual std::vector<std::string> TableNames() const = 0;
};

}  // namespace strata::plan
