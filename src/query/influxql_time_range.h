// The time range of an InfluxQL WHERE clause (RFC 3339 strings, integer nanoseconds, durations
// as epoch offsets, now() arithmetic, bound parameters), with InfluxDB 1.8's rules and errors
// (influxql's ConditionExpr), and the values a statement's now(), time strings and parameters
// evaluate to.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "influxql/ast.h"
#include "influxql/result.h"

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

// One comparison of `time` with a value, turned around so that `time` is on the left (`now() >
// time` is `time < now()`).
struct TimeComparison {
  influxql::BinaryOperator op = influxql::BinaryOperator::kEq;  // = != < <= > >=
  int64_t time = 0;  // The value, in nanoseconds, within (kMinTime, kMaxTime].
};

// Reads `comparison`, which has `time` on one side (influxql::IsTimeRef), as InfluxDB 1.8 does:
// the other side is a time expression (time strings, integer nanoseconds, durations as epoch
// offsets, now() arithmetic, bound parameters) evaluated with `ctx`. InvalidArgument for an
// operator other than = != < <= > >=, an operand that is not a time, or a time outside InfluxDB's
// range.
absl::StatusOr<TimeComparison> EvaluateTimeComparison(const influxql::BinaryExpr& comparison,
                                                      const EvalContext& ctx);

// The time range `condition` (null: none) bounds: the intersection of its time comparisons
// (`time > x`, `x <= time`, `time = x`) joined by AND. A time comparison under OR is an error, as
// are `time != x`, regular expressions on time and operands that are not times.
absl::StatusOr<TimeRange> ExtractTimeRange(const influxql::Expr* condition, const EvalContext& ctx);

// Returns the value of a bound parameter as a literal expression (a string, number or boolean),
// or InvalidArgument "missing parameter: name".
absl::StatusOr<std::unique_ptr<influxql::LiteralExpr>> ResolveParameter(
    const influxql::BoundParameterExpr& parameter, const EvalContext& ctx);

}  // namespace strata::query::influxql_select
