// The binder: turns a parsed SQL statement (src/sql/ast.h) into a typed logical plan. It resolves
// table names against a SchemaProvider and column names against the FROM clause, types every
// expression and inserts the implicit casts of exec/type_coercion.h, resolves functions in the
// function registry, binds $parameters to values, and lays out SELECT in the standard order:
// FROM, WHERE, GROUP BY/aggregates, HAVING, window functions, the select list, DISTINCT,
// ORDER BY, LIMIT/OFFSET.
//
// Uncorrelated subqueries in expressions (scalar, IN, EXISTS) are evaluated while binding,
// through BindOptions::run_subquery, and replaced by their values (a literal, a literal IN list,
// a boolean). Correlated subqueries are rejected with a clear error.
//
// Errors are InvalidArgument with the position of the offending name or expression:
// "column 'usge' not found at line 1, column 8; did you mean 'usage'?".
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "exec/batch.h"
#include "exec/scalar.h"
#include "plan/logical_plan.h"
#include "plan/table_provider.h"
#include "sql/ast.h"

namespace strata::plan {

struct BindOptions {
  // Values of $name placeholders (name without '$'; "1" for $1).
  std::map<std::string, exec::Scalar> params;
  // Runs an uncorrelated subquery's plan to completion and returns its rows (dense batches).
  // Unset: subqueries in expressions are rejected.
  std::function<absl::StatusOr<std::vector<exec::Batch>>(const LogicalPlanPtr&)> run_subquery;
  // Evaluates a constant expression (no column references): typed literals, constant arguments.
  // Unset: such constants are rejected.
  std::function<absl::StatusOr<exec::Scalar>(const ExprPtr&)> evaluate_constant;
  // The most values an IN (subquery) may produce (it becomes a literal list).
  int64_t max_in_subquery_values = 1'000'000;
};

// Binds statements of one SQL text against one database. Not thread-safe; cheap to create.
class Binder {
 public:
  // `sql` is the statement text (positions in errors refer to it). `schema` must outlive the
  // binder.
  Binder(const SchemaProvider* schema, std::string_view sql, BindOptions options);

  // A query, EXPLAIN (a kExplain node over the query), SHOW TABLES or SHOW COLUMNS.
  absl::StatusOr<LogicalPlanPtr> BindStatement(const sql::Statement& statement) const;
  absl::StatusOr<LogicalPlanPtr> BindQuery(const sql::Query& query) const;

 private:
  const SchemaProvider* schema_;
  std::string_view sql_;
  BindOptions options_;
};

// Maps a SQL type name to a TypeId ("bigint" -> kInt64, "double precision" -> kFloat64,
// "varchar" -> kString, "timestamp" -> kTimestamp, ...), or InvalidArgument "unsupported type".
absl::StatusOr<TypeId> TypeFromName(const sql::TypeName& type);

}  // namespace strata::plan
