// The InfluxQL endpoints: InfluxDB 1.x's `/query` and InfluxDB 3's `/api/v3/query_influxql`.
// Both parse `q` into statements (a syntax error is a 400 before anything runs) and run them
// through QueryApi like SQL queries (admission, log, timeout, cancellation, tracing); they differ
// in what they send back. docs/http_api.md describes both.
//
// /query (GET or POST; parameters in the query string or a form body, the body winning):
//   db, q (one or more statements separated by ';'), epoch (ns, u, µ, ms, s, m, h: times as
//   integers), pretty=true, chunked=true and chunk_size (default 10000), rp (accepted: strata has
//   one retention policy), params (JSON object of bound parameters), u and p (credentials, checked
//   by the Authenticator). Results as InfluxDB 1.8 writes them (influxql/result_json.h): JSON, or
//   CSV when the Accept header asks for application/csv or text/csv. A statement's error is in
//   its result (status 200), and the statements after it are "not executed".
//
// /api/v3/query_influxql (GET or POST, parameters as /api/v3/query_sql; `db` may be left out when
//   the statement names its database): one statement, whose series become rows with the series
//   name in a first column `iox::measurement` (then `time`, the GROUP BY tags, the other
//   columns), in the format asked for (json, jsonl, csv, pretty, parquet). A statement's error is
//   a 400.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "columnar/record_batch.h"
#include "format/result_format.h"
#include "influxql/ast.h"
#include "influxql/result.h"
#include "influxql/result_json.h"
#include "server/http_types.h"
#include "server/query_api.h"

namespace strata::server {

// InfluxDB 1.x's default chunk size (rows per chunk of a chunked response).
inline constexpr int64_t kDefaultInfluxQLChunkSize = 10000;

// The column that names each row's series in /api/v3/query_influxql results (InfluxDB 3's).
inline constexpr std::string_view kMeasurementColumn = "iox::measurement";

// An InfluxQL request after parameter parsing.
struct InfluxQLHttpRequest {
  InfluxQLEndpoint endpoint = InfluxQLEndpoint::kV1Query;
  std::string database;  // may be empty: statements may name theirs (ON db, db..m)
  std::string text;      // `q` as sent
  std::vector<std::unique_ptr<influxql::Statement>> statements;  // at least one
  std::map<std::string, influxql::ResultValue> params;
  // /query only.
  influxql::EncodeOptions encode;
  bool csv = false;  // the Accept header asked for CSV
  std::string content_type = "application/json";
  bool chunked = false;
  int64_t chunk_size = kDefaultInfluxQLChunkSize;
  // /api/v3/query_influxql only.
  format::ResultFormat format = format::ResultFormat::kJson;
};

// Reads the parameters of a request to `endpoint` and parses its statements into `*out`. Returns
// the response to send instead, if any: 400 for a missing `q`, bad `params` or a syntax error
// (`error parsing query: ...`, as InfluxDB), 413 for a `q` over kMaxQueryTextBytes; for
// /api/v3/query_influxql also what ParseQueryRequest refuses, and 400 for more than one
// statement.
std::optional<HttpResponse> ParseInfluxQLRequest(const HttpRequest& request,
                                                 InfluxQLEndpoint endpoint,
                                                 InfluxQLHttpRequest* out);

// Converts the v1 API's `params` (a JSON object) to parameter values as InfluxDB 1.8 does: a
// number with a '.' is a float, other numbers int64; strings, booleans and null as such.
// InvalidArgument for invalid JSON, arrays, objects and integers beyond int64.
absl::StatusOr<std::map<std::string, influxql::ResultValue>> ParseInfluxQLParams(
    std::string_view json_text);

// The rows of `result` as one record batch for /api/v3/query_influxql: `iox::measurement` (the
// series name), `time` if the series have it, the GROUP BY tags (in key order), then the other
// columns in order of first appearance; a column missing from a series is null in its rows. A
// column's type is its values' (float64, int64, uint64, string, bool, timestamp); a column that
// mixes integers and floats is float64, one that mixes other types string; an all-null column is
// string.
std::shared_ptr<RecordBatch> InfluxQLRowsBatch(const influxql::StatementResult& result);

// The same rows as InfluxQLRowsBatch, a batch at a time, so that a large result is encoded and
// sent while it is read.
class InfluxQLRowBatches {
 public:
  explicit InfluxQLRowBatches(influxql::StatementResult result);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  // The next (up to) `max_rows` rows; nullptr after the last.
  std::shared_ptr<RecordBatch> Next(int64_t max_rows);
  bool done() const { return series_ >= result_.series.size(); }

 private:
  // Moves past series whose rows are all out (and empty ones).
  void SkipFinishedSeries();
  // Picks the string columns that go out dictionary-coded (dictionaries_, constant_codes_).
  void ChooseDictionaries();
  // Rows [begin, end) of series s's output column i.
  void AppendColumn(size_t s, size_t i, size_t begin, size_t end, Column* out);
  // Output column i of the columnar rows `refs` (of `rows`' blocks) from the blocks' `column`
  // without making values; false (nothing appended) when the blocks' columns need a cell at a
  // time (types differing from the output's, strings not dictionary-coded).
  bool GatherColumnar(size_t i,
                      size_t column,
                      const influxql::ColumnarRows& rows,
                      const uint64_t* refs,
                      size_t count,
                      Column* out);
  // Column `column` of each block of `rows`, with what a gather needs to know of them.
  struct BlockColumns {
    std::vector<const Column*> columns;  // per block
    std::vector<const void*> values;     // per block: its column's values (fixed-width types)
    std::vector<const StringDictionary*> dictionaries;  // per block: its column's dictionary
    std::optional<TypeId> type;  // the type of every block's column; nullopt when they differ
    const StringDictionary* one_dictionary = nullptr;  // every block's column's, or null
    bool has_nulls = false;                            // some block's column has a null
    // For output column `recoded_for` (with a dictionary of our own): per block, the codes in it
    // of its dictionary's codes (recoded_), or null where the block is coded in it already.
    size_t recoded_for = SIZE_MAX;
    std::vector<std::vector<int32_t>*> recode_maps;
  };
  BlockColumns& ColumnByBlock(const influxql::ColumnarRows& rows, size_t column);

  influxql::StatementResult result_;
  std::shared_ptr<const Schema> schema_;
  std::vector<std::vector<int>> sources_;  // per series: its column of each output column
  // Per series and output column: the value of the series' GROUP BY tag there, or null.
  std::vector<std::vector<const std::string*>> tag_values_;
  // Per output column: the dictionary its strings go out coded in, or null (plain strings). Each
  // distinct string is then encoded once by the writers. A column gets one when its values all
  // are constants of a series (iox::measurement, GROUP BY tags) or come from engine columns that
  // are dictionary-coded (the tags SELECT * reads): the engine's dictionary when they all share
  // one and there are no constants, else a dictionary of our own.
  std::vector<std::shared_ptr<StringDictionary>> dictionaries_;
  // Per output column with a dictionary of our own: per engine dictionary met, each code's code
  // in ours (-1: not met yet). (node_hash_map: BlockColumns::recode_maps point into it.)
  using RecodedDictionaries =
      absl::node_hash_map<std::shared_ptr<StringDictionary>, std::vector<int32_t>>;
  std::vector<RecodedDictionaries> recoded_;
  // ColumnByBlock's, by blocks and column (node_hash_map: last_by_column_ stays valid).
  absl::node_hash_map<const void*, std::vector<BlockColumns>> column_by_block_;
  const void* last_blocks_ = nullptr;
  std::vector<BlockColumns>* last_by_column_ = nullptr;
  // Per series and output column: the code of its constant value, or -1.
  std::vector<std::vector<int32_t>> constant_codes_;
  size_t series_ = 0;  // where Next goes on
  size_t row_ = 0;
};

}  // namespace strata::server
