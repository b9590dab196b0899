// The SQL text that reads one measurement for a compiled InfluxQL SELECT (influxql_translate.h):
// raw rows (time, the GROUP BY tags, the fields and tags the query reads) or, when SQL can compute
// the query's functions, one row per series and GROUP BY time() interval (date_bin). The WHERE
// clause becomes bounds on `time` and the condition's predicate (influxql_condition.h); a row is
// read only when one of the fields the query reads has a value. See docs/influxql.md.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/influxql_time_range.h"
#include "query/influxql_translate.h"

namespace strata::query::influxql_select {

// The SQL that reads `source` for `select`, with the layout of its result columns:
//   raw rows (sql_aggregates false): time, the GROUP BY tags, then one column per ref;
//   aggregates: the interval start (or nothing without GROUP BY time()), the GROUP BY tags, then
//   per stream its value and, for selectors, the selected point's time.
// Returns an empty string when the measurement has nothing the query reads (no series).
struct SourceSql {
  std::string sql;
  std::vector<int> stream_value_column;  // aggregates: per stream, its column (-1: not in SQL)
  std::vector<int> stream_time_column;   // aggregates: per stream, its time column (-1: none)
  int first_value_column = 0;            // the first column after time and the tags
  bool has_time_column = true;
  // Raw rows the SQL leaves unordered: the executor orders them by time (descending for ORDER
  // BY time DESC), then by these refs (the measurement's tags, by name; NULL first), as the SQL
  // would have. Set for raw queries without GROUP BY tags or LIMIT that read every tag (SELECT
  // *): sorting the rows read costs less than the SQL sort, which gathers every column.
  bool executor_orders_rows = false;
  std::vector<int> tie_refs;
};
absl::StatusOr<SourceSql> BuildSourceSql(const CompiledSelect& select,
                                         const SourceTable& source,
                                         const EvalContext& ctx);

}  // namespace strata::query::influxql_select
