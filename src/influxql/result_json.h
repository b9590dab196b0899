// InfluxDB 1.x's encodings of InfluxQL results (influxql/result.h), byte for byte as InfluxDB 1.8's
// /query writes them: JSON (Go's encoding/json, compact or indented with four spaces) and CSV
// (Go's encoding/csv), plus the chunking of a chunked response and the line protocol escaping of
// series keys. No server dependency: the v1 /query API, `strata query` and tests share it.
//
// JSON shapes (Go's omitempty drops empty members):
//   {"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},
//     "columns":["time","mean"],"values":[["2016-01-01T00:00:00Z",1.5]],"partial":true}],
//     "messages":[{"level":"warning","text":"..."}],"partial":true}]}
//   a statement's error:  {"statement_id":1,"error":"database not found: x"}
//   a request's error:    {"error":"error parsing query: ..."}
// Each document ends with a newline. Floats are written as Go writes them (shortest digits;
// 2.0 is `2`, 1e21 is `1e+21`, 1e-7 is `1e-7`); NaN and infinities, which Go refuses (InfluxDB
// 1.8 then sends {"error":"json: unsupported value: NaN"} instead of the results), are null.
// Strings are escaped as Go does by default: <, > and & become \u003c, \u003e and \u0026, invalid
// UTF-8 becomes U+FFFD.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "influxql/result.h"

namespace strata::influxql {

// How times are written (the v1 API's `epoch` parameter).
enum class EpochUnit : uint8_t {
  kRfc3339,  // no `epoch`: RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano)
  kNanoseconds,
  kMicroseconds,
  kMilliseconds,
  kSeconds,
  kMinutes,
  kHours,
};

// Parses an `epoch` value as InfluxDB 1.8 does: empty is RFC 3339; "u" (or "µ"), "ms", "s", "m"
// and "h" are those units; anything else ("ns", "n", a typo) is nanoseconds.
EpochUnit ParseEpoch(std::string_view epoch);

// A time in `unit`: nanoseconds divided by the unit, truncated toward zero as Go's integer
// division does. REQUIRES: unit != kRfc3339.
int64_t TimeInUnit(int64_t nanos, EpochUnit unit);

// `nanos` as Go's time.Format(time.RFC3339Nano) writes it in a location whose offset at that
// instant is `utc_offset_seconds`: the local time, then `Z` for offset 0 ("2016-01-01T00:00:00Z",
// "2016-01-01T00:00:00.5Z") or the offset as ±hh:mm ("2016-03-13T00:00:00-06:00"; seconds of an
// offset are dropped, as Go drops them).
std::string FormatRfc3339Nano(int64_t nanos, int32_t utc_offset_seconds = 0);

// `value` as Go's encoding/json writes a float64: strconv 'f' format with the shortest digits
// for 1e-6 <= |v| < 1e21, else 'e' format with a two-digit negative exponent shortened
// (1e-07 -> 1e-7). REQUIRES: finite.
void AppendGoJsonFloat(double value, std::string* out);

// `value` as strconv.FormatFloat(value, 'f', -1, 64): positional notation, shortest digits that
// read back as `value`; "NaN", "+Inf", "-Inf" for the others.
void AppendGoFloatPositional(double value, std::string* out);

// What varies between requests.
struct EncodeOptions {
  EpochUnit epoch = EpochUnit::kRfc3339;
  bool pretty = false;  // JSON only: Go's MarshalIndent with four spaces
};

// Appends {"results":[...]} and a newline.
void AppendV1Json(const std::vector<StatementResult>& results,
                  const EncodeOptions& options,
                  std::string* out);

// AppendV1Json a piece at a time, for a response body sent while it is encoded: a large result
// goes out through one reused buffer instead of one string of its whole size. Frees each
// statement's result once it is written.
class V1JsonEncoder {
 public:
  V1JsonEncoder(std::vector<StatementResult> results, const EncodeOptions& options);
  ~V1JsonEncoder();
  V1JsonEncoder(const V1JsonEncoder&) = delete;
  V1JsonEncoder& operator=(const V1JsonEncoder&) = delete;

  // Appends the next piece, `piece_bytes` or somewhat more (the JSON of up to a few hundred rows
  // more); returns false when the document is complete.
  bool Next(std::string* out, size_t piece_bytes);

 private:
  friend void AppendV1Json(const std::vector<StatementResult>&, const EncodeOptions&, std::string*);
  struct State;
  std::unique_ptr<State> state_;
};

// One line of a chunked response: a statement's result, or a part of it, and whether more of the
// statement follows (the result's "partial").
struct ResultChunk {
  StatementResult result;
  bool partial = false;
};

// Appends {"results":[<chunk's result>]} and a newline: one line of a chunked response.
void AppendV1JsonChunk(const ResultChunk& chunk, const EncodeOptions& options, std::string* out);

// Appends {"error":"<message>"} and a newline (a request that failed as a whole).
void AppendV1JsonError(std::string_view message, bool pretty, std::string* out);

// InfluxDB 1.8's CSV: per statement a header `name,tags,<columns>`, then one line per row with
// the series name and its tags ("host=a,region=us", escaped as in line protocol); statements
// (and series whose columns differ from the previous one's) are separated by an empty line and a
// new header. Times are integers: nanoseconds, or the `epoch` unit. Statements without series,
// and statement errors, write nothing (as InfluxDB 1.8). Keeps the last statement id between
// Append calls, so the chunks of a chunked response continue one table.
class V1CsvWriter {
 public:
  explicit V1CsvWriter(EpochUnit epoch) : epoch_(epoch) {}

  void Append(const std::vector<StatementResult>& results, std::string* out);
  void AppendOne(const StatementResult& result, std::string* out);

  // A request's error: "error\n<message>\n".
  static void AppendError(std::string_view message, std::string* out);

 private:
  void AppendRecord(const std::vector<std::string>& fields, std::string* out) const;

  EpochUnit epoch_;
  int statement_id_ = -1;
  std::vector<std::string> header_;
};

// Splits `result` into the results a chunked response sends, one JSON document per line, as
// InfluxDB 1.8's emitter does: each chunk holds one series with at most `chunk_size` of its rows;
// a series cut in two is `partial` in each part but its last, and every chunk but the statement's
// last is `partial`. Messages go with the first chunk. A result without series (an error, an
// empty result) is one chunk. REQUIRES: chunk_size > 0.
std::vector<ResultChunk> SplitIntoChunks(StatementResult result, int64_t chunk_size);

// Line protocol escaping, as series keys and the CSV tags column spell names: a measurement
// escapes ',' and ' '; a tag key or value escapes ',', '=' and ' ' (with a backslash).
void AppendEscapedMeasurement(std::string_view name, std::string* out);
void AppendEscapedTag(std::string_view text, std::string* out);

// A series key as SHOW SERIES lists it: the escaped measurement, then ",key=value" for each tag
// in key order (empty values left out): "cpu,host=a,region=us".
std::string SeriesKey(std::string_view measurement,
                      std::vector<std::pair<std::string, std::string>> tags);

}  // namespace strata::influxql
