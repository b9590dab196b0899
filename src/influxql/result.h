// The results of InfluxQL statements as the v1 `/query` API and `/api/v3/query_influxql` return
// them: per statement, a list of series (a name, the tag set of a GROUP BY, columns and rows), or
// an error. The executor (query/influxql_executor.h) produces them; the APIs encode them as v1
// JSON or CSV (server/influxql_api.cc) or as the v3 formats.
//
// InfluxDB 1.x's model: a SELECT's rows are split into one series per measurement and tag set
// (the tags named by GROUP BY), each series' rows ordered by time; the first column of a SELECT's
// series is `time`. SHOW statements return series too (e.g. SHOW MEASUREMENTS: one series named
// "measurements" with the column "name").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "columnar/column.h"

namespace strata::influxql {

// A timestamp in a result (the `time` column, selectors' times): nanoseconds since the epoch.
// The API formats it per the request: RFC 3339 by default, or an integer in the `epoch` unit.
struct ResultTime {
  int64_t nanos = 0;
  // The UTC offset of the statement's tz() zone at this instant (0 without tz()). The v1 API
  // writes RFC 3339 times with it, as InfluxDB 1.x does (`2016-03-13T00:00:00-06:00`); it does
  // not change the instant, so integer (`epoch`) times and the v3 API ignore it.
  int32_t utc_offset_seconds = 0;
  friend bool operator==(const ResultTime&, const ResultTime&) = default;
};

// One cell: null, or a value of the column's InfluxQL type (float, integer, unsigned, string,
// boolean) or a time. Integers stay integers: mean() gives a float, count() and sum() of
// integers an integer, as InfluxDB 1.x returns them.
using ResultValue =
    std::variant<std::monostate, double, int64_t, uint64_t, std::string, bool, ResultTime>;

// A cell of an engine column as a result value: booleans, integers (timestamps included, as
// integers), unsigned integers, floats and strings (dictionary-encoded too); null for a null or a
// type InfluxQL has no value for.
ResultValue CellOf(const Column& column, int64_t row);

// The rows of a series kept in the columns the engine returned them in, not as cells: raw series
// whose values are the values read (`SELECT *`, `SELECT a, b`; see the executor), so that the
// encoders read each value in place instead of a copy of it per cell.
struct ColumnarRows {
  // Rows as the engine returned them: columns[0] holds the times (int64 nanoseconds), columns[c]
  // for c >= 1 the series' column c (read with CellOf).
  struct Block {
    std::vector<std::shared_ptr<const Column>> columns;
  };
  // Shared by the series of one query (a block may hold rows of several) and by chunks of one.
  std::shared_ptr<const std::vector<Block>> blocks;
  // The series' rows in output order, each as (block index << 32) | row in the block.
  std::vector<uint64_t> rows;
  // Under tz(): the UTC offset of each row's time, parallel to `rows`; empty otherwise.
  std::vector<int32_t> utc_offsets;

  static uint64_t Ref(size_t block, int64_t row) {
    return (static_cast<uint64_t>(block) << 32) | static_cast<uint64_t>(row);
  }
  const Block& block_of(size_t i) const { return (*blocks)[rows[i] >> 32]; }
  static int64_t row_in_block(uint64_t ref) { return static_cast<int64_t>(ref & 0xFFFFFFFFu); }
  // The time of row i, with its offset.
  ResultTime time(size_t i) const;
  // Cell `column` (>= 1) of row i.
  ResultValue cell(size_t i, size_t column) const {
    return CellOf(*block_of(i).columns[column], row_in_block(rows[i]));
  }
};

struct Series {
  std::string name;  // the measurement, or what a SHOW statement lists ("measurements", ...)
  // The GROUP BY tags and their values, sorted by key; empty without GROUP BY tags. A series
  // without a value for a grouped tag has the tag with an empty value, as InfluxDB reports it.
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> columns;
  // The rows, each with columns.size() cells; or, when `columnar` is set, empty: the rows are
  // there. Readers that do not need speed use num_rows() and cell(), which read either.
  std::vector<std::vector<ResultValue>> values;
  std::optional<ColumnarRows> columnar;
  // True when more rows of this series follow in another chunk (chunked responses).
  bool partial = false;

  size_t num_rows() const { return columnar.has_value() ? columnar->rows.size() : values.size(); }
  // The cells row `row` has (a row of `values` may have fewer than columns.size()).
  size_t row_size(size_t row) const {
    return columnar.has_value() ? columns.size() : values[row].size();
  }
  // Cell `column` of row `row`: the time (column 0) or a value.
  ResultValue cell(size_t row, size_t column) const;
  // Turns columnar rows into `values`.
  void Materialize();

  // Equal names, tags, columns, partial flags and cells (however each holds its rows).
  friend bool operator==(const Series& a, const Series& b);
};

// An informational message of a statement (InfluxDB's "messages": e.g. a deprecation warning).
struct ResultMessage {
  std::string level;  // "warning" or "info"
  std::string text;

  friend bool operator==(const ResultMessage&, const ResultMessage&) = default;
};

// The result of one statement: its series, or the error that stopped it (a statement's error
// does not fail the request: the v1 API reports it in that statement's object).
struct StatementResult {
  int statement_id = 0;
  std::vector<Series> series;
  std::vector<ResultMessage> messages;
  std::optional<std::string> error;

  friend bool operator==(const StatementResult&, const StatementResult&) = default;
};

}  // namespace strata::influxql
