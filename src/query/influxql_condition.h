// The WHERE clause of an InfluxQL statement: as a SQL predicate over one measurement's table (for
// SELECT without its time range, which influxql_time_range.h extracts; for SHOW with its time
// comparisons), or evaluated on rows that do not come from SQL (a subquery's), with InfluxQL's
// meaning kept: a missing tag equals '', comparisons of incompatible types are false, integer
// division is float division and dividing by zero gives 0. Every name and string is quoted; no
// user text reaches the SQL unquoted. See docs/influxql.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "catalog/schema.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "query/influxql_time_range.h"
#include "re2/re2.h"

namespace strata::query::influxql_select {

// What ConditionToSql does with the comparisons of `time`.
enum class TimeComparisons {
  // Leaves them out: ExtractTimeRange turns them into the statement's time range, as a SELECT
  // needs one (for GROUP BY time() and fill()).
  kInTimeRange,
  // Translates each (= != < <= > >=, see EvaluateTimeComparison) to a comparison of the "time"
  // column, wherever it stands (also under OR): SHOW statements filter the rows they read.
  kAsPredicates,
};

// The SQL predicate of `condition` (null: none) over `table`'s columns: "TRUE" when nothing is
// left. Names the table does not have are tags without a value (''), as InfluxDB treats them.
absl::StatusOr<std::string> ConditionToSql(
    const influxql::Expr* condition,
    const catalog::TableSchema& table,
    const EvalContext& ctx,
    TimeComparisons time_comparisons = TimeComparisons::kInTimeRange);

// `condition` without its time comparisons evaluated on one row, as InfluxDB evaluates a
// condition on a point (for rows that do not come from SQL: a subquery's). Same meaning as
// ConditionToSql: a tag without a value is '', comparisons of incompatible types are false.
class RowCondition {
 public:
  // `condition` (null: none) and `ctx` must outlive this object.
  RowCondition(const influxql::Expr* condition, const EvalContext& ctx)
      : condition_(condition), ctx_(ctx) {}

  // Returns a name's value in the row, and sets *is_tag when the name is a tag.
  using Lookup =
      absl::FunctionRef<influxql::ResultValue(const influxql::VarRefExpr& ref, bool* is_tag)>;

  // Whether the row `lookup` reads satisfies the condition. InvalidArgument for expressions a
  // condition cannot have.
  absl::StatusOr<bool> Matches(Lookup lookup);

 private:
  struct Operand;
  absl::StatusOr<Operand> Evaluate(const influxql::Expr& expr, Lookup lookup);
  absl::StatusOr<bool> Predicate(const influxql::Expr& expr, Lookup lookup);
  absl::StatusOr<const RE2*> Regex(const influxql::Expr& expr, const std::string& pattern);

  const influxql::Expr* condition_;
  const EvalContext& ctx_;
  absl::flat_hash_map<const influxql::Expr*, std::unique_ptr<RE2>> regexes_;
};

// SQL quoting: "name" with '"' doubled, 'text' with '\'' doubled.
std::string SqlIdentifier(std::string_view name);
std::string SqlString(std::string_view text);
// A SQL timestamp literal of `nanos`: TIMESTAMP '2016-01-01T00:00:00.5Z'.
std::string SqlTimestamp(int64_t nanos);
// A SQL interval literal of `nanos` (> 0): INTERVAL '60000000000 nanoseconds'.
std::string SqlInterval(int64_t nanos);
// A SQL float literal that reads back as `value` (finite): 1.5, 2.0, 1e+300.
std::string SqlFloat(double value);

}  // namespace strata::query::influxql_select
