// ExecuteInfluxQLStatement: runs one statement by its kind.
#include "query/influxql_executor.h"

namespace strata::query {

absl::StatusOr<influxql::StatementResult> ExecuteInfluxQLStatement(
    const QueryEngine& engine,
    const influxql::Statement& statement,
    int statement_id,
    const InfluxQLRequest& request) {
  if (request.options.context != nullptr) {
    // A request cancelled between statements runs none of the rest.
    if (absl::Status cancelled = request.options.context->CheckCancelled(); !cancelled.ok()) {
      return cancelled;
    }
  }
  switch (statement.kind) {
    case influxql::StatementKind::kSelect:
    case influxql::StatementKind::kExplain:
      return ExecuteInfluxQLSelect(engine, statement, statement_id, request);
    case influxql::StatementKind::kShowDatabases:
    case influxql::StatementKind::kShowRetentionPolicies:
    case influxql::StatementKind::kShowMeasurements:
    case influxql::StatementKind::kShowTagKeys:
    case influxql::StatementKind::kShowTagValues:
    case influxql::StatementKind::kShowFieldKeys:
    case influxql::StatementKind::kShowSeries:
      return ExecuteInfluxQLShow(engine, statement, statement_id, request);
  }
  return absl::InternalError("unknown InfluxQL statement kind");
}

}  // namespace strata::query
