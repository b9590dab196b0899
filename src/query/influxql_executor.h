// Runs InfluxQL statements (influxql/ast.h) and returns their results in InfluxDB 1.x's series
// form (influxql/result.h), for the v1 `/query` API, `/api/v3/query_influxql` and the CLI.
//
// A SELECT is translated into SQL text for the same engine (so the binder, the optimizer's
// pushdown and pruning, the caches' rewrites and, later, distributed execution apply unchanged),
// one query per measurement it reads; what SQL does not express the executor does on the
// result, per series (InfluxQL's series split, fill() of empty GROUP BY time() intervals, the
// transformations such as derivative(), LIMIT/OFFSET per series, SLIMIT/SOFFSET).
// SHOW statements read the catalog, or run SQL (SHOW TAG VALUES is SELECT DISTINCT, which the
// distinct-value cache answers when it covers it). See docs/influxql.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "query/query_engine.h"

namespace strata::query {

// What the statements of one request share.
struct InfluxQLRequest {
  // The request's database (v1 `db`); a statement may name another (`db..m`, `ON db`).
  std::string database;
  // now() for every statement of the request, nanoseconds since the epoch.
  int64_t now_ns = 0;
  // Values of bound parameters ($name), from the v1 API's `params` JSON object.
  std::map<std::string, influxql::ResultValue> params;
  // Tracing, cancellation (the context) and memory of the SQL queries the statements run;
  // `params` is not used.
  QueryOptions options;
};

// Runs `statement`, the `statement_id`th of its request. An error that belongs to the statement
// (a syntax error in a time string, an unknown function, a database that does not exist) is
// returned in StatementResult::error, as the v1 API reports it; a non-OK status fails the whole
// request (cancelled, timed out, out of memory, internal errors).
absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLStatement(
    const QueryEngine& engine,
    const influxql::Statement& statement,
    int statement_id,
    const InfluxQLRequest& request);

// The parts ExecuteInfluxQLStatement dispatches to (influxql_select.cc, influxql_show.cc); same
// contract. ExecuteInfluxQLSelect also answers EXPLAIN [ANALYZE].
absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLSelect(
    const QueryEngine& engine,
    const influxql::Statement& statement,
    int statement_id,
    const InfluxQLRequest& request);
absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLShow(const QueryEngine& engine,
                                                              const influxql::Statement& statement,
                                                              int statement_id,
                                                              const InfluxQLRequest& request);

}  // namespace strata::query
