// Translation of an InfluxQL SELECT: its checks (InfluxDB 1.8's, with its error messages), the
// expansion of wildcards and regular expressions against the catalog, the compiled fields (math
// over field references and over "streams": aggregates, selectors and transformations), and the
// SQL text read from each measurement. The executor (influxql_select.cc) runs the SQL and hands the
// rows to the per-series processing (influxql_series.h). See docs/influxql.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/schema.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "query/influxql_executor.h"
#include "query/influxql_time_range.h"

namespace strata::query::influxql_select {

// The functions a field may call, other than math.
enum class Function : uint8_t {
  kRaw,  // not a call: the stream of a field's values, the input of a transformation
  // Aggregates.
  kCount,
  kCountDistinct,
  kSum,
  kMean,
  kMedian,
  kMode,
  kSpread,
  kStddev,
  kIntegral,
  kDistinct,
  // Selectors.
  kMin,
  kMax,
  kFirst,
  kLast,
  kPercentile,
  kSample,
  kTop,
  kBottom,
  // Transformations.
  kDerivative,
  kNonNegativeDerivative,
  kDifference,
  kNonNegativeDifference,
  kMovingAverage,
  kCumulativeSum,
  kElapsed,
};

// True for the transformations (derivative ... elapsed), which take a stream, not a field.
bool IsTransformation(Function function);
// True for the selectors: their points keep the selected row's time and values.
bool IsSelector(Function function);

// A field, tag or `time` the query reads, with its cast (`x::float`, `host::tag`).
struct RefSpec {
  std::string name;
  influxql::DataType type = influxql::DataType::kUnspecified;
};

// One stream: a function over a field (or over another stream, for a transformation) that
// produces points per series.
struct StreamSpec {
  Function function = Function::kRaw;
  std::string name;  // as InfluxQL spells it: "mean", "non_negative_derivative"
  int ref = -1;    // the field argument (index into CompiledSelect::refs), unless a transformation
  int input = -1;  // transformations: the input stream (index into CompiledSelect::streams)
  int64_t unit = 0;   // derivative, elapsed, integral: the unit in nanoseconds
  int64_t count = 0;  // top, bottom, sample: how many points; moving_average: the window
  double percentile = 0;
  std::vector<int> tag_refs;  // top, bottom: the tags (refs) to pick one point per value of
};

// A compiled SELECT field expression.
struct FieldNode {
  enum class Kind : uint8_t {
    kLiteral,   // `literal`
    kRef,       // a field or tag of the row (raw queries, and selectors' other fields)
    kStream,    // the value of stream `index` at the row's time
    kBinary,    // `op` over two children
    kFunction,  // math function `function` over its children
  };
  Kind kind = Kind::kLiteral;
  influxql::ResultValue literal;
  int index = -1;
  influxql::BinaryOperator op = influxql::BinaryOperator::kAdd;
  std::string function;
  std::vector<FieldNode> children;
};

// One output column (after the time column).
struct OutputField {
  std::string name;
  FieldNode expr;
};

// A measurement the query reads, or a subquery (FROM (SELECT ...)).
struct SourceTable {
  std::string database;
  // The measurement's schema; for a subquery, the schema of its result: its GROUP BY tags are
  // tags, its columns fields (typed by their values).
  std::shared_ptr<const catalog::TableSchema> table;
  // A subquery's result: its series are this source's rows. Null for a measurement.
  std::shared_ptr<const std::vector<influxql::Series>> subquery;
};

// What a subquery inherits from the query that reads it (InfluxDB's compile.go subquery() and
// subquery.go): the time range (intersected with its own), the GROUP BY time() interval when it
// has none, the order of time, and the GROUP BY tags named in the outer query (the subquery is
// grouped by them too, so its series carry them).
struct ParentQuery {
  TimeRange range;
  int64_t interval = 0;
  int64_t offset = 0;
  bool ascending = true;
  std::vector<std::string> group_tags;
};

// Runs a subquery of the statement being compiled and returns its series.
using SubqueryRunner = std::function<absl::StatusOr<std::vector<influxql::Series>>(
    const influxql::SelectStatement& subquery, const ParentQuery& parent)>;

// How the rows of a query are made.
enum class QueryMode : uint8_t {
  kRaw,        // no function: the points themselves
  kAggregate,  // functions only: one row per series and interval (or per point of a stream)
  kSelector,   // one selector (or top/bottom) with other fields: the selected points' rows
};

struct CompiledSelect {
  const influxql::SelectStatement* statement = nullptr;
  QueryMode mode = QueryMode::kRaw;
  std::vector<SourceTable> sources;  // in name order; measurements that do not exist are left out
  TimeRange range;       // the WHERE time bounds; GROUP BY time() ends at now() when unbounded
  TimeRange read_range;  // `range` plus the intervals before it that transformations need
  int64_t interval = 0;  // GROUP BY time(interval); 0: none
  int64_t offset = 0;    // its offset, in [0, interval)
  bool inherited_interval = false;     // a subquery's interval, from the query that reads it
  std::optional<absl::TimeZone> zone;  // tz()
  influxql::FillMode fill = influxql::FillMode::kNull;
  std::variant<int64_t, double> fill_value;
  bool ascending = true;
  int64_t limit = 0;  // 0: none
  int64_t offset_rows = 0;
  int64_t series_limit = 0;
  int64_t series_offset = 0;
  std::vector<std::string> group_tags;  // the GROUP BY tags, sorted
  std::string time_column = "time";
  std::vector<RefSpec> refs;
  std::vector<StreamSpec> streams;
  std::vector<OutputField> fields;
  // The query has a single multi-point function (top, bottom, distinct, sample): its rows are
  // that stream's points, not one row per time.
  bool multi_point = false;
  // Aggregates computed by SQL (GROUP BY date_bin) rather than over the rows in the executor.
  bool sql_aggregates = false;
};

// The InfluxQL name of a field type, as InfluxDB's messages and SHOW FIELD KEYS spell it: "float",
// "integer", "unsigned", "string", "boolean" ("unknown" for any other type).
std::string_view FieldTypeName(TypeId type);

// Checks and compiles `statement` against the catalog of `engine`; `parent` is set when the
// statement is a subquery, and `run_subquery` runs the statement's own subqueries (their results
// are part of the compiled statement). InvalidArgument for errors that belong to the statement.
absl::StatusOr<CompiledSelect> CompileSelect(const influxql::SelectStatement& statement,
                                             const QueryEngine& engine,
                                             const InfluxQLRequest& request,
                                             const EvalContext& ctx,
                                             const ParentQuery* parent,
                                             const SubqueryRunner& run_subquery);

}  // namespace strata::query::influxql_select
