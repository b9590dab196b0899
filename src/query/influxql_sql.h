// What the InfluxQL executors (influxql_select.cc, influxql_show.cc) share to answer a statement
// with SQL: quoting, the translation of WHERE conditions and time expressions, and running the
// generated SQL as part of the request (its trace, memory pool and cancellation).
//
// Generated SQL never contains user text outside quotes: names are double-quoted identifiers and
// values single-quoted strings (each with its quote doubled) or numbers printed here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/schema.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "query/influxql_executor.h"
#include "query/query_engine.h"

namespace strata::query {

// Evaluates an InfluxQL time expression to nanoseconds since the epoch, as InfluxDB reads the
// right side of `time > ...`: a time string ('2016-01-01T00:00:00Z', '2016-01-01 00:00:00.5',
// '2016-01-01'), an integer (nanoseconds), a duration literal (nanoseconds since the epoch),
// now() (the request's now), a bound parameter holding a string or an integer, and sums and
// differences of those with durations or integers (`now() - 1h`). Results beyond the int64 range
// are clamped to it. InvalidArgument for anything else, naming the expression.
absl::StatusOr<int64_t> EvaluateInfluxQLTime(const influxql::Expr& expr,
                                             const InfluxQLRequest& request);

// Translates WHERE `condition` to a SQL boolean expression over measurement `table`, with
// InfluxQL's meaning:
//   - AND and OR of comparisons (and the literals true and false);
//   - `time` compared (= != < <= > >=) with a time expression (EvaluateInfluxQLTime);
//   - a tag compared with a string (= != < <= > >=) or a regular expression (=~ !~, matching
//     anywhere in the value, RE2 syntax as Go's): a series without the tag has the value '', so
//     `host = ''` and `host != 'a'` match it;
//   - a field compared with a value of its kind (a number with a number, a string with a string
//     or a regular expression, a boolean with a boolean); a point without the field, or a value
//     of another kind, does not match;
//   - a name the measurement does not have is a tag with the value '' when compared with a
//     string or a regular expression, and matches nothing otherwise;
//   - `name::tag` and `name::field` only match a column of that kind; bound parameters ($name)
//     take the request's values.
// Comparisons may have the name on either side. Anything else (arithmetic, functions, a field
// compared with a field) is InvalidArgument naming the unsupported part.
absl::StatusOr<std::string> InfluxQLConditionToSql(const influxql::Expr& condition,
                                                   const catalog::TableSchema& table,
                                                   const InfluxQLRequest& request);

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
