// The per-series part of an InfluxQL SELECT: what SQL does not express, done on one series' rows
// in the executor. From the series' raw rows (or the aggregates SQL computed) it makes each
// function's stream of points, fills empty GROUP BY time() intervals, applies the
// transformations (derivative, difference, moving_average, cumulative_sum, elapsed), evaluates the
// field expressions row by row with InfluxQL's arithmetic, and applies LIMIT and OFFSET. The
// semantics are InfluxDB 1.8's (query/select.go, call_iterator.go); see docs/influxql.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "influxql/result.h"
#include "query/influxql_arithmetic.h"
#include "query/influxql_translate.h"

namespace strata::query::influxql_select {

// A point of a stream: a time, a value and, for selectors, the selected row's refs.
struct Point {
  int64_t time = 0;
  influxql::ResultValue value;
  std::vector<influxql::ResultValue> aux;
};
using Stream = std::vector<Point>;

// A row read from a measurement: its time and the values of the query's refs.
struct RawRow {
  int64_t time = 0;
  std::vector<influxql::ResultValue> refs;
};

// True when a raw query's fields are its refs themselves, in order (SELECT *, SELECT a, b):
// its result rows are the rows read, with the time in front.
bool FieldsAreTheRefs(const CompiledSelect& select);

// What one series (a measurement and GROUP BY tag values) brings to the processing: raw rows in
// the query's order (raw queries) or ascending time (functions computed here), or the streams of
// the functions SQL computed (CompiledSelect::sql_aggregates), each in ascending time.
// Raw rows of a measurement read by a query whose fields are its refs (FieldsAreTheRefs) stay in
// the engine's columns instead: `row_refs` (ColumnarRows::rows) and their times, parallel, in the
// query's order; they are the series' rows as they are (the executor applies LIMIT and OFFSET).
struct SeriesInput {
  std::vector<RawRow> rows;
  std::vector<Stream> streams;
  std::vector<uint64_t> row_refs;
  std::vector<int64_t> row_times;

  bool columnar() const { return !row_refs.empty(); }
};

// The windows of GROUP BY time(interval, offset), in civil time of `zone` when set, as InfluxDB
// computes them (IteratorOptions.Window and the fill iterator's steps across offset changes).
class Windows {
 public:
  // `zone` may be null (UTC); it must outlive this object.
  Windows(int64_t interval, int64_t offset, const absl::TimeZone* zone)
      : interval_(interval), offset_(offset), zone_(zone) {}

  // The start of the window holding `t`.
  int64_t Start(int64_t t) const;
  // The start of the window after (`forward`) or before the window starting at `start`.
  int64_t Step(int64_t start, bool forward) const;
  int64_t interval() const { return interval_; }

 private:
  int64_t ZoneOffset(int64_t t) const;

  int64_t interval_;
  int64_t offset_;
  const absl::TimeZone* zone_;
};

// Limits of one statement's processing.
struct ProcessBudget {
  // Rows fill() may still add, over all series; exceeding it fails the statement.
  int64_t fill_rows = 10'000'000;
};

// Makes the rows of one series: [time, field values...] in output order, LIMIT and OFFSET
// applied. Errors are the statement's (InvalidArgument).
absl::StatusOr<std::vector<std::vector<influxql::ResultValue>>> ProcessSeries(
    const CompiledSelect& select, SeriesInput input, ProcessBudget* budget);

// The number of windows of `windows` from the one holding `min` to the one holding `max`
// (inclusive), saturating at INT64_MAX.
int64_t CountWindows(const Windows& windows, int64_t min, int64_t max);

}  // namespace strata::query::influxql_select
