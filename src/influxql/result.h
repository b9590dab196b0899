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
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

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

struct Series {
  std::string name;  // the measurement, or what a SHOW statement lists ("measurements", ...)
  // The GROUP BY tags and their values, sorted by key; empty without GROUP BY tags. A series
  // without a value for a grouped tag has the tag with an empty value, as InfluxDB reports it.
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> columns;
  std::vector<std::vector<ResultValue>> values;  // rows; each has columns.size() cells
  // True when more rows of this series follow in another chunk (chunked responses).
  bool partial = false;

  friend bool operator==(const Series&, const Series&) = default;
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
