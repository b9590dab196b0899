// TEMPORARY: a stand-in for ExecuteInfluxQLSelect until influxql_select.cc (SELECT and EXPLAIN
// translation, written on another branch) is merged; delete this file then.
#include "query/influxql_executor.h"

namespace strata::query {

absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLSelect(
    const QueryEngine& /*engine*/,
    const influxql::Statement& /*statement*/,
    int statement_id,
    const InfluxQLRequest& /*request*/) {
  influxql::StatementResult result;
  result.statement_id = statement_id;
  result.error = "SELECT is not implemented yet";
  return result;
}

}  // namespace strata::query
