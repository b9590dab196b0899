// information_schema: the catalog views of InfluxDB 3 (DataFusion's information_schema) over one
// database's tables: `tables`, `columns` and `df_settings`, each a small in-memory table. SHOW
// TABLES and SHOW COLUMNS are queries over them (the binder rewrites them as DataFusion does).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/schema.h"
#include "exec/scalar.h"
#include "plan/table_provider.h"

namespace strata::query {

// A table whose rows are held (or computed) in memory: the catalog views and other small tables.
// The scan projects the rows and emits them through one ValuesExec (one partition). It applies
// no filter (each is kUnsupported, so a Filter stays above the scan) and honours a pushed-down
// limit. Thread-safe (immutable).
class MemoryTableProvider : public plan::TableProvider {
 public:
  using Row = std::vector<exec::Scalar>;
  // Computes the rows when the table is scanned, from the query's task context (settings).
  using RowSource = std::function<std::vector<Row>(const exec::TaskContext&)>;

  // REQUIRES: every row has one scalar per field of `schema`, of the field's type or NULL.
  MemoryTableProvider(std::string name, SchemaPtr schema, std::vector<Row> rows);
  // `source` must not capture anything that may die before the plans built from this provider.
  MemoryTableProvider(std::string name, SchemaPtr schema, RowSource source);

  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }
  std::vector<plan::FilterPushdown> SupportsFiltersPushdown(
      const std::vector<plan::ExprPtr>& filters) const override;
  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const plan::ScanRequest& request,
                                              const exec::TaskContext& context) const override;

 private:
  std::string name_;
  SchemaPtr schema_;
  RowSource source_;
};

// The names of the information_schema views, sorted: "columns", "df_settings", "tables".
std::vector<std::string> InformationSchemaTableNames();

// The information_schema view `name` over the user tables of `user_tables` (schema "iox"), or
// nullptr when there is no such view. The rows of `tables` and `columns` are taken now, so they
// show the catalog as `user_tables` sees it (one snapshot per query) and the view does not refer
// to `user_tables` afterwards:
//   tables      (table_catalog, table_schema, table_name, table_type): 'public', 'iox', each user
//               table, 'BASE TABLE'; then, when `user_tables` has the schema 'system', each of
//               its tables, 'BASE TABLE'; then the views themselves in 'information_schema',
//               'VIEW'.
//   columns     (table_catalog, table_schema, table_name, column_name, ordinal_position UInt64,
//               column_default NULL, is_nullable 'YES'/'NO', data_type as DataFusionTypeName):
//               the fields of every table above in schema order; ordinal_position counts from 0
//               as DataFusion's does (PostgreSQL's counts from 1).
//   df_settings (name, value, description): the session settings InfluxDB users query, e.g.
//               datafusion.execution.target_partitions, read from the task context at scan time.
plan::TableProviderPtr FindInformationSchemaTable(std::string_view name,
                                                  const plan::SchemaProvider& user_tables);

// A column type as DataFusion (Arrow's Debug format) names it in information_schema.columns and
// arrow_typeof: "Int64", "Utf8", "Dictionary(Int32, Utf8)", "Timestamp(Nanosecond, None)".
std::string_view DataFusionTypeName(TypeId type);

}  // namespace strata::query
