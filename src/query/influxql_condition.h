// The WHERE clause of an InfluxQL SELECT: the time range it bounds (RFC 3339 strings, integer
// nanoseconds, durations as epoch offsets, now() arithmetic, bound parameters), and the rest of
// the condition as a SQL predicate over one measurement's table, with InfluxQL's meaning kept (a
// missing tag equals '', comparisons of incompatible types are false, integer division is float
// division and dividing by zero gives 0). Every name and string is quoted; no user text reaches
// the SQL unquoted. See docs/influxql.md.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/schema.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "re2/re2.h"

namespace strata::query::influxql_select {

// InfluxDB's bounds of a time range: MinTime and MaxTime are sentinels for "unbounded".
inline constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min() + 2;
inline constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max() - 1;

// An inclusive range of nanosecond times.
struct TimeRange {
  int64_t min = kMinTime;
  int64_t max = kMaxTime;

  bool has_min() const { return min != kMinTime; }
  bool has_max() const { return max != kMaxTime; }
  bool empty() const { return min > max; }
};

// What now(), time strings without an offset and $parameters of one statement evaluate to.
struct EvalContext {
  int64_t now_ns = 0;
  // The statement's tz(); null: UTC. Must outlive the context.
  const absl::TimeZone* zone = nullptr;
  // The request's bound parameters; null: none. Must outlive the context.
  const std::map<std::string, influxql::ResultValue>* params = nullptr;
};

// Parses a time string as InfluxQL compares `time` with one: '2016-01-01', '2016-01-01 12:00:00',
// '2016-01-01T12:00:00.5Z', '2016-01-01T12:00:00+02:00'. Times without an offset are in `zone`
// (UTC when null). Errors: "invalid timestamp string" (InvalidArgument) for text that looks like
// a date but is not one, or a time outside InfluxDB's range.
absl::StatusOr<int64_t> ParseTimeString(std::string_view text, const absl::TimeZone* zone);

// Returns true if `text` looks like a date or date and time (starts with YYYY-MM-DD).
bool LooksLikeTime(std::string_view text);

// The time range `condition` (null: none) bounds: the intersection of its time comparisons
// (`time > x`, `x <= time`, `time = x`) joined by AND. A time comparison under OR is an error, as
// are `time != x`, regular expressions on time and operands that are not times.
absl::StatusOr<TimeRange> ExtractTimeRange(const influxql::Expr* condition, const EvalContext& ctx);

// The SQL predicate of `condition` (null: none) without its time comparisons, over `table`'s
// columns: "TRUE" when nothing is left. Names the table does not have are tags without a value
// (''), as InfluxDB treats them.
absl::StatusOr<std::string> ConditionToSql(const influxql::Expr* condition,
                                           const catalog::TableSchema& table,
                                           const EvalContext& ctx);

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

// Returns the value of a bound parameter as a literal expression (a string, number or boolean),
// or InvalidArgument "missing parameter: name".
absl::StatusOr<std::unique_ptr<influxql::LiteralExpr>> ResolveParameter(
    const influxql::BoundParameterExpr& parameter, const EvalContext& ctx);

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
