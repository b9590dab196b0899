// What the InfluxQL executors (influxql_select.cc, influxql_show.cc) share to answer a statement
// with SQL: running the generated SQL as part of the request (its trace, memory pool and
// cancellation) and telling a statement's errors from the request's. The SQL itself comes from
// influxql_condition.h (WHERE) and influxql_source_sql.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "influxql/result.h"
#include "query/influxql_executor.h"
#include "query/query_engine.h"

namespace strata::query {

// The options of one SQL query run for `request`: the request's trace and parent span, no
// placeholder values, and a TaskContext of its own (each query needs one: its result cancels it
// when destroyed) that is a child of the request's, so cancelling the request cancels it, and
// that reserves from the request's memory pool.
QueryOptions InfluxQLSqlOptions(const InfluxQLRequest& request);

// The rows of a SQL query, converted to InfluxQL result values: timestamps become ResultTime,
// tags strings, SQL NULL std::monostate.
struct SqlRows {
  std::vector<std::string> columns;
  std::vector<std::vector<influxql::ResultValue>> rows;
};

// Runs `sql` against `database` as part of `request` (InfluxQLSqlOptions) and collects its rows.
// Errors are the engine's.
absl::StatusOr<SqlRows> RunInfluxQLSql(const QueryEngine& engine,
                                       std::string_view database,
                                       std::string_view sql,
                                       const InfluxQLRequest& request);

// True when `status` belongs to the statement that caused it (a bad name, a type error, a
// missing database), to be reported in StatementResult::error; false for errors that fail the
// whole request (cancelled, timed out, out of memory, internal).
bool IsInfluxQLStatementError(const absl::Status& status);

}  // namespace strata::query
