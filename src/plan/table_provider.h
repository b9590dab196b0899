// Table providers: where rows come from. The binder sees a table's schema; the optimizer asks the
// provider which filters it can apply; the physical planner asks it for a scan node. Write-buffer
// chunks now (src/query/buffer_table_provider.h), Parquet files, caches and search splits later,
// all behind this interface (DataFusion's TableProvider).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "columnar/schema.h"
#include "exec/execution_plan.h"
#include "exec/scalar.h"
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

// What a query needs of a table when only the newest rows of each group of rows matter (the
// TSBS lastpoint; ORDER BY time DESC LIMIT n): a last-value cache that holds them can answer
// the scan instead of the table (UseCaches in plan/optimizer).
struct NewestRowsRequest {
  // The query needs, of every group of rows with equal values of these table fields, the newest
  // `rows_per_group` rows. nullopt: the query needs the table's newest `rows_per_group` rows of
  // those its filters keep, whatever the grouping.
  std::optional<std::vector<int>> group_fields;
  // Whether the groups with a NULL in a group field matter (false: the query drops them, as a
  // join on the group fields does).
  bool null_groups_matter = true;
  int64_t rows_per_group = 1;
  // The table fields the scan must produce (its projection and what its filters read).
  std::vector<int> fields;
  // The table fields the scan's filters read besides time (which they bound from below only):
  // every row of a group must agree on them, so they must be key fields of the cache.
  std::vector<int> filter_fields;
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

  // What EXPLAIN shows after a scan of this provider (which cache answers it); empty for none.
  virtual std::string Description() const { return ""; }

  // A provider with this provider's schema, answering from a cache, whose scans return (with
  // the same filters, projection and limit) rows that include every row `request` asks for and
  // give the same answer to the query the optimizer checked; nullptr when no cache can.
  virtual std::shared_ptr<const TableProvider> NewestRowsSource(
      const NewestRowsRequest& request) const {
    (void)request;
    return nullptr;
  }
  // A provider with this provider's schema, answering from a distinct-value cache, whose scans
  // return rows with exactly the distinct combinations of values of `fields` the table has
  // (other fields NULL); nullptr when no cache can. `fields` are the fields the scan produces
  // and its filters read.
  virtual std::shared_ptr<const TableProvider> DistinctValuesSource(
      const std::vector<int>& fields) const {
    (void)fields;
    return nullptr;
  }
};

using TableProviderPtr = std::shared_ptr<const TableProvider>;

// The schema that holds a database's own tables (InfluxDB 3's name for it). The catalog is
// kDefaultCatalog, so `public.iox.cpu`, `iox.cpu` and `cpu` name the same table.
inline constexpr std::string_view kDefaultCatalog = "public";
inline constexpr std::string_view kDefaultSchema = "iox";
// The schema of the catalog views (information_schema.tables, .columns, .df_settings).
inline constexpr std::string_view kInformationSchema = "information_schema";
// The schema of InfluxDB 3's system tables (system.parquet_files, ...).
inline constexpr std::string_view kSystemSchema = "system";

// What the binder resolves table names against (one database, as DataFusion's catalog "public"
// with the schemas "iox" and, where a provider offers them, "information_schema" and
// "system").
class SchemaProvider {
 public:
  virtual ~SchemaProvider() = default;
  // The user table `name` (schema "iox"), or nullptr when there is none of that name.
  virtual TableProviderPtr FindTable(std::string_view name) const = 0;
  // Every user table name, sorted, for information_schema and "did you mean" suggestions.
  virtual std::vector<std::string> TableNames() const = 0;

  // The table `table` of schema `schema`, or nullptr. The default knows the user tables under
  // "iox" (and "public", as earlier versions accepted) and no other schema; a provider with
  // more schemas (information_schema) overrides it and SchemaNames.
  virtual TableProviderPtr FindTableInSchema(std::string_view schema,
                                             std::string_view table) const {
    return schema == kDefaultSchema || schema == kDefaultCatalog ? FindTable(table) : nullptr;
  }
  // The schemas FindTableInSchema knows, sorted, for information_schema and error messages.
  virtual std::vector<std::string> SchemaNames() const { return {std::string(kDefaultSchema)}; }
  // The names of the tables of `schema`, sorted, for information_schema and error messages:
  // TableNames() for "iox"; the default knows no other schema's (a provider with more schemas
  // overrides it with FindTableInSchema).
  virtual std::vector<std::string> TableNamesInSchema(std::string_view schema) const {
    return schema == kDefaultSchema ? TableNames() : std::vector<std::string>{};
  }

  // The table function `name` (lower case, as written unquoted) called with the constant
  // `args`: its table, nullptr when there is no function of that name, or an error about the
  // arguments (its message is what the user sees). The default knows no table function.
  virtual absl::StatusOr<TableProviderPtr> CallTableFunction(
      std::string_view name, const std::vector<exec::Scalar>& args) const {
    (void)name;
    (void)args;
    return TableProviderPtr(nullptr);
  }
};

}  // namespace strata::plan
