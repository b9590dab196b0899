// /query and /api/v3/query_influxql: request parsing, the statements' run under one admitted
// query, and the v1 (JSON, CSV, chunked) and v3 encodings of their results.
#include "server/influxql_api.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "exec/memory_pool.h"
#include "fmt/format.h"
#include "format/result_writer.h"
#include "influxql/parser.h"
#include "nlohmann/json.hpp"
#include "query/influxql_executor.h"
#include "server/query_api_internal.h"

namespace strata::server {
namespace {

using influxql::ResultValue;
using influxql::StatementResult;
using nlohmann::json;

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return "";
  }
  const size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// A request-level error of /query: {"error": ...} as InfluxDB 1.8 writes it.
HttpResponse V1Error(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  influxql::AppendV1JsonError(message, /*pretty=*/false, &response.body);
  return response;
}

// The response format /query's Accept header asks for, as InfluxDB 1.8 matches it: the first
// media range that matches application/json, application/csv or text/csv (wildcards included)
// wins; JSON otherwise.
void ChooseV1Format(const HttpRequest& request, InfluxQLHttpRequest* out) {
  const std::string* accept = request.Header("accept");
  if (accept == nullptr) {
    return;
  }
  for (absl::string_view range : absl::StrSplit(*accept, ',')) {
    std::string media = MediaType(std::string_view(range.data(), range.size()));
    const size_t slash = media.find('/');
    if (slash == std::string::npos) {
      continue;
    }
    const std::string type = media.substr(0, slash);
    const std::string subtype = media.substr(slash + 1);
    auto matches = [&](std::string_view t, std::string_view s) {
      return (type == "*" || type == t) && (subtype == "*" || subtype == s);
    };
    if (matches("application", "json")) {
      return;
    }
    if (matches("application", "csv") || matches("text", "csv")) {
      out->csv = true;
      out->content_type = matches("application", "csv") ? "application/csv" : "text/csv";
      return;
    }
  }
}

// /query's parameters: a form body first (InfluxDB reads them with Go's FormValue, in which the
// body wins), then the query string.
std::optional<HttpResponse> ParseV1Request(const HttpRequest& request, InfluxQLHttpRequest* out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (request.method == "POST" && !request.body.empty()) {
    const std::string* content_type = request.Header("content-type");
    const std::string media = content_type == nullptr ? "" : MediaType(*content_type);
    // Go parses only form bodies; InfluxDB ignores any other body.
    if (media.empty() || media == "application/x-www-form-urlencoded") {
      std::string path;
      ParseTarget("?" + request.body, &path, &pairs);
    }
  }
  pairs.insert(pairs.end(), request.query.begin(), request.query.end());
  auto param = [&](std::string_view key) -> std::string {
    for (const auto& [name, value] : pairs) {
      if (name == key) {
        return value;
      }
    }
    return "";
  };
  out->text = Trim(param("q"));
  if (out->text.empty()) {
    return V1Error(400, "missing required parameter \"q\"");
  }
  if (out->text.size() > kMaxQueryTextBytes) {
    return V1Error(413,
                   fmt::format("query text of {} bytes exceeds the limit of {} bytes",
                               out->text.size(),
                               kMaxQueryTextBytes));
  }
  out->database = param("db");
  out->encode.epoch = influxql::ParseEpoch(Trim(param("epoch")));
  out->encode.pretty = param("pretty") == "true";
  out->chunked = param("chunked") == "true";
  if (out->chunked) {
    int64_t size = 0;
    if (absl::SimpleAtoi(param("chunk_size"), &size) && size > 0) {
      out->chunk_size = size;
    }
  }
  if (std::string params = param("params"); !params.empty()) {
    absl::StatusOr<std::map<std::string, ResultValue>> parsed = ParseInfluxQLParams(params);
    if (!parsed.ok()) {
      return V1Error(400, std::string(parsed.status().message()));
    }
    out->params = *std::move(parsed);
  }
  ChooseV1Format(request, out);
  return std::nullopt;
}

std::optional<HttpResponse> ParseV3Request(const HttpRequest& request, InfluxQLHttpRequest* out) {
  QueryRequest parsed;
  if (std::optional<HttpResponse> error =
          ParseQueryRequest(request, &parsed, QueryLanguage::kInfluxQL)) {
    return error;
  }
  out->database = std::move(parsed.database);
  out->text = std::move(parsed.sql);
  out->format = parsed.format;
  for (auto& [name, scalar] : parsed.params) {
    ResultValue value;
    if (!scalar.is_null()) {
      switch (scalar.type()) {
        case TypeId::kBool:
          value = scalar.bool_value();
          break;
        case TypeId::kInt64:
          value = scalar.int64_value();
          break;
        case TypeId::kUInt64:
          value = scalar.uint64_value();
          break;
        case TypeId::kFloat64:
          value = scalar.float64_value();
          break;
        default:
          value = scalar.string_value();
          break;
      }
    }
    out->params.emplace(name, std::move(value));
  }
  return std::nullopt;
}

// Runs a request's statements one after another, as InfluxDB does: after a statement fails,
// the rest are "not executed". Each statement gets a span under the request's server span, and
// its SQL queries' spans go under it.
class StatementRunner {
 public:
  StatementRunner(const query::QueryEngine* engine,
                  std::shared_ptr<const InfluxQLHttpRequest> parsed,
                  query::InfluxQLRequest request)
      : engine_(engine), parsed_(std::move(parsed)), request_(std::move(request)) {}

  bool done() const { return next_ >= parsed_->statements.size(); }

  // The next statement's result; an error fails the whole request.
  absl::StatusOr<StatementResult> Next() {
    const size_t index = next_++;
    if (failed_) {
      StatementResult skipped;
      skipped.statement_id = static_cast<int>(index);
      skipped.error = "not executed";
      return skipped;
    }
    const influxql::Statement& statement = *parsed_->statements[index];
    observe::Trace& trace = *request_.options.trace;
    const uint64_t parent = request_.options.parent_span_id;
    const uint64_t span = trace.StartSpan("influxql_statement", parent);
    constexpr size_t kMaxStatement = 4096;
    std::string text = statement.ToString();
    if (text.size() > kMaxStatement) {
      text = text.substr(0, kMaxStatement) + "...";
    }
    trace.SetAttribute(span, "db.system", std::string("strata"));
    trace.SetAttribute(span, "db.name", request_.database);
    trace.SetAttribute(span, "db.statement", std::move(text));
    trace.SetAttribute(span, "statement_id", static_cast<int64_t>(index));
    query::InfluxQLRequest request = request_;
    request.options.parent_span_id = span;
    absl::StatusOr<StatementResult> result =
        query::ExecuteInfluxQLStatement(*engine_, statement, static_cast<int>(index), request);
    if (!result.ok()) {
      trace.EndSpan(span, result.status());
      return result.status();
    }
    if (result->error.has_value()) {
      failed_ = true;
      trace.EndSpan(span, absl::InvalidArgumentError(*result->error));
    } else {
      trace.EndSpan(span);
    }
    return result;
  }

 private:
  const query::QueryEngine* const engine_;
  const std::shared_ptr<const InfluxQLHttpRequest> parsed_;
  const query::InfluxQLRequest request_;
  size_t next_ = 0;
  bool failed_ = false;
};

// Sends `body` as the response, its bytes counted against the query's memory limit until sent
// (so a huge result fails with the limit's 500 instead of exhausting the server), and ends the
// query's log entry; or, when the limit refuses it, the failure.
void SendBody(const std::shared_ptr<QueryApi::RunningQuery>& query,
              std::string body,
              std::string content_type,
              HttpResponse* response) {
  auto reservation =
      std::make_shared<exec::MemoryReservation>(query->memory_pool, "the InfluxQL response");
  if (absl::Status reserved = reservation->TryResize(static_cast<int64_t>(body.size()));
      !reserved.ok()) {
    *response = query->Fail(reserved);
    return;
  }
  query->End(query::QueryPhase::kSuccess, "");
  response->status = 200;
  response->content_type = std::move(content_type);
  auto shared_body = std::make_shared<std::string>(std::move(body));
  response->stream = [shared_body, reservation](std::string* out) -> absl::StatusOr<bool> {
    if (out->empty()) {
      out->swap(*shared_body);
    } else {
      out->append(*shared_body);
    }
    *shared_body = std::string();
    reservation->Free();
    return false;
  };
}

// The lines of a chunked /query response, produced as the client reads them: one chunk of a
// statement's result per call, the next statement run when the previous one's chunks are out.
struct ChunkedStream {
  ~ChunkedStream() {
    if (query != nullptr && !query->entry->finished()) {
      // Abandoned before the last statement: the client went away, or the server stopped.
      query->entry->RequestCancel(query::CancelReason::kClientGone);
      query->End(query::QueryPhase::kCancel, "the client closed the connection");
    }
  }

  absl::StatusOr<bool> Produce(std::string* out) {
    if (pending.empty() && !runner->done()) {
      absl::StatusOr<StatementResult> result = runner->Next();
      if (!result.ok()) {
        return query->StreamError(result.status());
      }
      Take(*std::move(result));
    }
    if (!pending.empty()) {
      const influxql::ResultChunk chunk = std::move(pending.front());
      pending.pop_front();
      if (csv != nullptr) {
        csv->AppendOne(chunk.result, out);
      } else {
        influxql::AppendV1JsonChunk(chunk, parsed->encode, out);
      }
    }
    if (pending.empty() && runner->done()) {
      query->End(query::QueryPhase::kSuccess, "");
      return false;
    }
    return true;
  }

  void Take(StatementResult result) {
    for (influxql::ResultChunk& chunk :
         influxql::SplitIntoChunks(std::move(result), parsed->chunk_size)) {
      pending.push_back(std::move(chunk));
    }
  }

  std::shared_ptr<QueryApi::RunningQuery> query;
  std::shared_ptr<const InfluxQLHttpRequest> parsed;
  std::unique_ptr<StatementRunner> runner;
  std::unique_ptr<influxql::V1CsvWriter> csv;  // set for CSV
  std::deque<influxql::ResultChunk> pending;
};

// Appends a value to a column of `type` (InfluxQLRowsBatch's column types).
void AppendCell(const ResultValue& value, TypeId type, Column* column) {
  if (std::holds_alternative<std::monostate>(value)) {
    column->AppendNull();
    return;
  }
  switch (type) {
    case TypeId::kFloat64:
      if (const auto* integer = std::get_if<int64_t>(&value)) {
        column->AppendFloat64(static_cast<double>(*integer));
      } else if (const auto* unsigned_integer = std::get_if<uint64_t>(&value)) {
        column->AppendFloat64(static_cast<double>(*unsigned_integer));
      } else {
        column->AppendFloat64(std::get<double>(value));
      }
      return;
    case TypeId::kInt64:
      column->AppendInt64(std::get<int64_t>(value));
      return;
    case TypeId::kUInt64:
      column->AppendUInt64(std::get<uint64_t>(value));
      return;
    case TypeId::kBool:
      column->AppendBool(std::get<bool>(value));
      return;
    case TypeId::kTimestamp:
      column->AppendInt64(std::get<influxql::ResultTime>(value).nanos);
      return;
    default:
      break;
  }
  // A string column: strings, or the text of values of mixed types.
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          column->AppendString(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          column->AppendString(v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, double>) {
          std::string text;
          influxql::AppendGoJsonFloat(v, &text);
          column->AppendString(text);
        } else if constexpr (std::is_same_v<T, influxql::ResultTime>) {
          column->AppendString(influxql::FormatRfc3339Nano(v.nanos));
        } else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>) {
          column->AppendString(std::to_string(v));
        } else {
          column->AppendNull();
        }
      },
      value);
}

TypeId TypeOfValue(const ResultValue& value) {
  switch (value.index()) {
    case 1:
      return TypeId::kFloat64;
    case 2:
      return TypeId::kInt64;
    case 3:
      return TypeId::kUInt64;
    case 5:
      return TypeId::kBool;
    case 6:
      return TypeId::kTimestamp;
    default:
      return TypeId::kString;
  }
}

// The type of influxql::CellOf's values for a column of `type` (nullopt: it reads them as null).
std::optional<TypeId> CellTypeOf(TypeId type) {
  switch (type) {
    case TypeId::kFloat64:
    case TypeId::kUInt64:
    case TypeId::kBool:
      return type;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return TypeId::kInt64;
    case TypeId::kString:
    case TypeId::kDictionary:
      return TypeId::kString;
    default:
      return std::nullopt;
  }
}

// The type of a series' cell (TypeOfValue of series.cell(row, column)), nullopt for a null; for
// columnar rows without making the value.
std::optional<TypeId> CellType(const influxql::Series& series, size_t row, size_t column) {
  if (!series.columnar.has_value()) {
    const ResultValue& value = series.values[row][column];
    if (std::holds_alternative<std::monostate>(value)) {
      return std::nullopt;
    }
    return TypeOfValue(value);
  }
  if (column == 0) {
    return TypeId::kTimestamp;
  }
  const Column& source = *series.columnar->block_of(row).columns[column];
  if (source.IsNull(influxql::ColumnarRows::row_in_block(series.columnar->rows[row]))) {
    return std::nullopt;
  }
  return CellTypeOf(source.type());
}

// AppendCell of series.cell(row, column); for columnar rows of the column's own type, without
// making the value.
void AppendSeriesCell(
    const influxql::Series& series, size_t row, size_t column, TypeId type, Column* out) {
  if (series.columnar.has_value() && column > 0) {
    const Column& source = *series.columnar->block_of(row).columns[column];
    const int64_t r = influxql::ColumnarRows::row_in_block(series.columnar->rows[row]);
    if (source.IsNull(r)) {
      out->AppendNull();
      return;
    }
    if (CellTypeOf(source.type()) == type) {
      switch (type) {
        case TypeId::kFloat64:
          out->AppendFloat64(source.GetFloat64(r));
          return;
        case TypeId::kInt64:
          out->AppendInt64(source.GetInt64(r));
          return;
        case TypeId::kUInt64:
          out->AppendUInt64(source.GetUInt64(r));
          return;
        case TypeId::kBool:
          out->AppendBool(source.GetBool(r));
          return;
        default:
          out->AppendString(source.GetString(r));
          return;
      }
    }
  }
  AppendCell(series.cell(row, column), type, out);
}

}  // namespace

absl::StatusOr<std::map<std::string, ResultValue>> ParseInfluxQLParams(std::string_view json_text) {
  json parsed = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return absl::InvalidArgumentError(
        "error parsing query parameters: expected a JSON object of name: value");
  }
  std::map<std::string, ResultValue> params;
  for (const auto& [name, value] : parsed.items()) {
    ResultValue converted;
    switch (value.type()) {
      case json::value_t::null:
        break;
      case json::value_t::boolean:
        converted = value.get<bool>();
        break;
      case json::value_t::number_integer:
        converted = value.get<int64_t>();
        break;
      case json::value_t::number_unsigned: {
        const uint64_t v = value.get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return absl::InvalidArgumentError(
              fmt::format("error parsing json value: parameter '{}': {} is out of range", name, v));
        }
        converted = static_cast<int64_t>(v);
        break;
      }
      case json::value_t::number_float:
        converted = value.get<double>();
        break;
      case json::value_t::string:
        converted = value.get<std::string>();
        break;
      default:
        return absl::InvalidArgumentError(
            fmt::format("error parsing query parameters: parameter '{}' is {}: expected a "
                        "string, number, boolean or null",
                        name,
                        value.type_name()));
    }
    params.emplace(name, std::move(converted));
  }
  return params;
}

std::optional<HttpResponse> ParseInfluxQLRequest(const HttpRequest& request,
                                                 InfluxQLEndpoint endpoint,
                                                 InfluxQLHttpRequest* out) {
  out->endpoint = endpoint;
  const bool v1 = endpoint == InfluxQLEndpoint::kV1Query;
  if (std::optional<HttpResponse> error =
          v1 ? ParseV1Request(request, out) : ParseV3Request(request, out)) {
    return error;
  }
  absl::StatusOr<std::vector<std::unique_ptr<influxql::Statement>>> statements =
      influxql::ParseStatements(out->text);
  if (!statements.ok()) {
    const std::string message =
        "error parsing query: " + std::string(statements.status().message());
    return v1 ? V1Error(400, message) : JsonError(400, message);
  }
  out->statements = *std::move(statements);
  if (!v1 && out->statements.size() > 1) {
    return JsonError(400,
                     fmt::format("/api/v3/query_influxql runs one statement, not {}: send them "
                                 "one at a time, or use /query",
                                 out->statements.size()));
  }
  return std::nullopt;
}

InfluxQLRowBatches::InfluxQLRowBatches(StatementResult statement) : result_(std::move(statement)) {
  const StatementResult& result = result_;
  // The columns: iox::measurement, time, the tags, then the rest in order of appearance.
  std::vector<std::string> names = {std::string(kMeasurementColumn)};
  bool has_time = false;
  std::vector<std::string> tags;
  std::vector<std::string> others;
  // (The series of a statement mostly have the same columns: those are looked at once.)
  const std::vector<std::string>* previous_columns = nullptr;
  for (const influxql::Series& series : result.series) {
    for (const auto& [key, value] : series.tags) {
      tags.push_back(key);
    }
    if (previous_columns != nullptr && series.columns == *previous_columns) {
      continue;
    }
    previous_columns = &series.columns;
    for (const std::string& column : series.columns) {
      if (column == "time") {
        has_time = true;
      } else if (std::find(others.begin(), others.end(), column) == others.end()) {
        others.push_back(column);
      }
    }
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (has_time) {
    names.push_back("time");
  }
  for (const std::string& tag : tags) {
    if (std::find(others.begin(), others.end(), tag) == others.end() && tag != "time" &&
        tag != kMeasurementColumn) {
      names.push_back(tag);
    }
  }
  names.insert(names.end(), others.begin(), others.end());
  const size_t tag_begin = has_time ? 2 : 1;
  const size_t tag_end = names.size() - others.size();

  absl::flat_hash_map<std::string_view, size_t> indexes;
  for (size_t i = 0; i < names.size(); ++i) {
    indexes.try_emplace(names[i], i);
  }
  // Each series' column of each output column (looked up once per distinct column list), and
  // the values of its GROUP BY tags.
  previous_columns = nullptr;
  for (const influxql::Series& series : result.series) {
    if (previous_columns != nullptr && series.columns == *previous_columns) {
      sources_.push_back(sources_.back());
    } else {
      previous_columns = &series.columns;
      std::vector<int> source(names.size(), -1);
      for (size_t c = 0; c < series.columns.size(); ++c) {
        source[indexes.at(series.columns[c])] = static_cast<int>(c);
      }
      sources_.push_back(std::move(source));
    }
    std::vector<const std::string*> tag_values(names.size(), nullptr);
    for (size_t i = tag_begin; i < tag_end; ++i) {
      for (const auto& [key, value] : series.tags) {
        if (key == names[i]) {
          tag_values[i] = &value;
        }
      }
    }
    tag_values_.push_back(std::move(tag_values));
  }

  // Each column's type, from its values.
  std::vector<std::optional<TypeId>> types(names.size());
  types[0] = TypeId::kString;
  for (size_t i = tag_begin; i < tag_end; ++i) {
    types[i] = TypeId::kString;
  }
  for (size_t s = 0; s < result.series.size(); ++s) {
    const influxql::Series& series = result.series[s];
    for (size_t i = 0; i < names.size(); ++i) {
      if (sources_[s][i] < 0) {
        continue;
      }
      const auto c = static_cast<size_t>(sources_[s][i]);
      for (size_t r = 0; r < series.num_rows(); ++r) {
        if (c >= series.row_size(r)) {
          continue;
        }
        const std::optional<TypeId> cell_type = CellType(series, r, c);
        if (!cell_type.has_value()) {
          continue;
        }
        const TypeId type = *cell_type;
        // A columnar series' column has one type: its first value says it.
        const bool last = series.columnar.has_value();
        if (!types[i].has_value()) {
          types[i] = type;
        } else if (*types[i] != type) {
          const bool numeric =
              (*types[i] == TypeId::kFloat64 || *types[i] == TypeId::kInt64 ||
               *types[i] == TypeId::kUInt64) &&
              (type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64);
          types[i] = numeric ? TypeId::kFloat64 : TypeId::kString;
        }
        if (last) {
          break;
        }
      }
    }
  }

  std::vector<strata::Field> fields;
  for (size_t i = 0; i < names.size(); ++i) {
    fields.push_back(strata::Field{names[i], types[i].value_or(TypeId::kString), true});
  }
  schema_ = std::make_shared<const Schema>(std::move(fields));
  ChooseDictionaries();
  SkipFinishedSeries();
}

void InfluxQLRowBatches::ChooseDictionaries() {
  const size_t width = static_cast<size_t>(schema_->num_fields());
  dictionaries_.assign(width, nullptr);
  recoded_.assign(width, {});
  constant_codes_.assign(result_.series.size(), std::vector<int32_t>(width, -1));
  for (size_t i = 0; i < width; ++i) {
    if (schema_->field(static_cast<int>(i)).type != TypeId::kString) {
      continue;
    }
    // The engine's dictionaries of the columnar sources: one that all share, or several.
    std::shared_ptr<StringDictionary> shared;
    bool several = false;
    bool codable = true;
    bool has_constants = false;
    for (size_t s = 0; s < result_.series.size() && codable; ++s) {
      const influxql::Series& series = result_.series[s];
      const int c = sources_[s][i];
      if (i == 0 || (c < 0 && tag_values_[s][i] != nullptr)) {
        has_constants = true;  // the measurement, or a GROUP BY tag's value
        continue;
      }
      if (c < 0) {
        continue;  // null
      }
      if (!series.columnar.has_value() || c == 0) {
        codable = false;
        break;
      }
      for (const influxql::ColumnarRows::Block& block : *series.columnar->blocks) {
        const Column& column = *block.columns[static_cast<size_t>(c)];
        if (column.type() != TypeId::kDictionary || column.dictionary() == nullptr) {
          codable = false;
          break;
        }
        several = several || (shared != nullptr && column.dictionary() != shared);
        shared = column.dictionary();
      }
    }
    if (!codable) {
      continue;
    }
    if (shared != nullptr && !several && !has_constants) {
      dictionaries_[i] = std::move(shared);  // the engine's codes go out as they are
      continue;
    }
    // A dictionary of our own (the engine's are not ours to add values to): the constants, and
    // the engine's codes recoded into it as they come (AppendColumn).
    auto own = std::make_shared<StringDictionary>();
    for (size_t s = 0; s < result_.series.size(); ++s) {
      if (i == 0) {
        constant_codes_[s][i] = own->GetOrInsert(result_.series[s].name);
      } else if (sources_[s][i] < 0 && tag_values_[s][i] != nullptr) {
        constant_codes_[s][i] = own->GetOrInsert(*tag_values_[s][i]);
      }
    }
    dictionaries_[i] = std::move(own);
  }
}

void InfluxQLRowBatches::SkipFinishedSeries() {
  while (series_ < result_.series.size() && row_ >= result_.series[series_].num_rows()) {
    ++series_;
    row_ = 0;
  }
}

std::shared_ptr<RecordBatch> InfluxQLRowBatches::Next(int64_t max_rows) {
  if (done()) {
    return nullptr;
  }
  const size_t width = static_cast<size_t>(schema_->num_fields());
  std::vector<std::shared_ptr<Column>> columns;
  for (size_t i = 0; i < width; ++i) {
    const TypeId type = schema_->field(static_cast<int>(i)).type;
    columns.push_back(dictionaries_[i] != nullptr
                          ? std::make_shared<Column>(TypeId::kDictionary, dictionaries_[i])
                          : std::make_shared<Column>(type));
  }
  int64_t rows = 0;
  std::vector<uint64_t> run_refs;
  while (series_ < result_.series.size() && rows < max_rows) {
    // Rows [row_, end) of this series, a column at a time.
    const influxql::Series& series = result_.series[series_];
    const auto left = static_cast<size_t>(max_rows - rows);
    const size_t end = std::min(series.num_rows(), row_ + left);
    // With the whole of the series that follow and read the same columns of the same blocks (the
    // series of a GROUP BY over raw rows): their rows are gathered together.
    size_t run_end = series_ + 1;
    size_t run_rows = end - row_;
    if (series.columnar.has_value() && end == series.num_rows()) {
      while (run_end < result_.series.size()) {
        const influxql::Series& next = result_.series[run_end];
        if (!next.columnar.has_value() || next.columnar->blocks != series.columnar->blocks ||
            next.num_rows() > left - run_rows || sources_[run_end] != sources_[series_]) {
          break;
        }
        run_rows += next.num_rows();
        ++run_end;
      }
    }
    if (run_end == series_ + 1) {
      for (size_t i = 0; i < width; ++i) {
        AppendColumn(series_, i, row_, end, columns[i].get());
      }
      rows += static_cast<int64_t>(end - row_);
      row_ = end;
      SkipFinishedSeries();
      continue;
    }
    run_refs.clear();
    run_refs.insert(run_refs.end(),
                    series.columnar->rows.begin() + static_cast<std::ptrdiff_t>(row_),
                    series.columnar->rows.end());
    for (size_t s = series_ + 1; s < run_end; ++s) {
      const std::vector<uint64_t>& refs = result_.series[s].columnar->rows;
      run_refs.insert(run_refs.end(), refs.begin(), refs.end());
    }
    for (size_t i = 0; i < width; ++i) {
      const int c = sources_[series_][i];
      if (c >= 0 && GatherColumnar(i,
                                   static_cast<size_t>(c),
                                   *series.columnar,
                                   run_refs.data(),
                                   run_refs.size(),
                                   columns[i].get())) {
        continue;
      }
      // The series' constants (measurement, GROUP BY tags), or cells one at a time.
      for (size_t s = series_; s < run_end; ++s) {
        AppendColumn(s, i, s == series_ ? row_ : 0, result_.series[s].num_rows(), columns[i].get());
      }
    }
    rows += static_cast<int64_t>(run_rows);
    series_ = run_end - 1;
    row_ = result_.series[series_].num_rows();
    SkipFinishedSeries();
  }
  std::vector<ColumnPtr> shared(columns.begin(), columns.end());
  return std::make_shared<RecordBatch>(schema_, std::move(shared), rows);
}

InfluxQLRowBatches::BlockColumns& InfluxQLRowBatches::ColumnByBlock(
    const influxql::ColumnarRows& rows, size_t column) {
  // The series of a measurement share their blocks: the last ones looked up come first.
  if (rows.blocks.get() != last_blocks_) {
    last_blocks_ = rows.blocks.get();
    last_by_column_ = &column_by_block_[last_blocks_];
  }
  if (last_by_column_->size() <= column) {
    last_by_column_->resize(column + 1);
  }
  BlockColumns& by_block = (*last_by_column_)[column];
  if (by_block.columns.empty() && !rows.blocks->empty()) {
    const size_t count = rows.blocks->size();
    by_block.columns.reserve(count);
    by_block.values.reserve(count);
    by_block.dictionaries.reserve(count);
    by_block.type = (*rows.blocks)[0].columns[column]->type();
    by_block.one_dictionary = (*rows.blocks)[0].columns[column]->dictionary().get();
    for (const influxql::ColumnarRows::Block& block : *rows.blocks) {
      const Column& source = *block.columns[column];
      by_block.columns.push_back(&source);
      by_block.values.push_back(source.data<uint8_t>());
      by_block.dictionaries.push_back(source.dictionary().get());
      if (by_block.type != source.type()) {
        by_block.type = std::nullopt;
      }
      if (by_block.one_dictionary != source.dictionary().get()) {
        by_block.one_dictionary = nullptr;
      }
      by_block.has_nulls = by_block.has_nulls || source.has_nulls();
    }
  }
  return by_block;
}

namespace {

// Appends the values of `refs` (ColumnarRows refs) from the blocks' columns of type T to `out`,
// without their nulls (the caller marks those).
template <typename T>
void GatherFixed(const std::vector<const void*>& values,
                 const uint64_t* refs,
                 size_t count,
                 Column* out) {
  const int64_t base = out->size();
  out->ResizeFixedForOverwrite(base + static_cast<int64_t>(count));
  T* dst = out->mutable_data<T>() + base;
  const void* const* blocks = values.data();
  for (size_t k = 0; k < count; ++k) {
    const uint64_t ref = refs[k];
    const T* value =
        static_cast<const T*>(blocks[ref >> 32]) + influxql::ColumnarRows::row_in_block(ref);
    // The rows of the output interleave runs of rows of their blocks (a series' rows, in time
    // order; sorting by time interleaves the series): each run is read in order, but too slowly
    // and with too many others for the hardware to prefetch. The run's next cache line is
    // fetched now, long before it is read. (A prefetch never faults, past the end included.)
    __builtin_prefetch(reinterpret_cast<const char*>(value) + 64);
    dst[k] = *value;
  }
}

// Marks the rows of `refs` that are null in their block's column null in `out`, whose last
// `count` rows they are.
void GatherNulls(const std::vector<const Column*>& columns,
                 const uint64_t* refs,
                 size_t count,
                 Column* out) {
  const int64_t base = out->size() - static_cast<int64_t>(count);
  for (size_t k = 0; k < count; ++k) {
    if (columns[refs[k] >> 32]->IsNull(influxql::ColumnarRows::row_in_block(refs[k]))) {
      out->SetNull(base + static_cast<int64_t>(k));
    }
  }
}

}  // namespace

void InfluxQLRowBatches::AppendColumn(size_t s, size_t i, size_t begin, size_t end, Column* out) {
  const influxql::Series& series = result_.series[s];
  const int c = sources_[s][i];
  // (iox::measurement, column 0, always has a constant code: ChooseDictionaries.)
  if (const int32_t constant = constant_codes_[s][i]; constant >= 0) {
    for (size_t r = begin; r < end; ++r) {
      out->AppendDictionaryCode(constant);
    }
    return;
  }
  if (c < 0) {
    const std::string* tag = tag_values_[s][i];
    for (size_t r = begin; r < end; ++r) {
      if (tag != nullptr) {
        out->AppendString(*tag);
      } else {
        out->AppendNull();
      }
    }
    return;
  }
  const auto column = static_cast<size_t>(c);
  if (series.columnar.has_value() &&
      GatherColumnar(
          i, column, *series.columnar, series.columnar->rows.data() + begin, end - begin, out)) {
    return;
  }
  const TypeId type = schema_->field(static_cast<int>(i)).type;
  for (size_t r = begin; r < end; ++r) {
    if (column < series.row_size(r)) {
      AppendSeriesCell(series, r, column, type, out);
    } else {
      out->AppendNull();
    }
  }
}

bool InfluxQLRowBatches::GatherColumnar(size_t i,
                                        size_t column,
                                        const influxql::ColumnarRows& rows,
                                        const uint64_t* refs,
                                        size_t count,
                                        Column* out) {
  BlockColumns& by_block = ColumnByBlock(rows, column);
  if (column == 0) {
    // The time: the nanoseconds (the offset of tz() is the v1 text's only).
    GatherFixed<int64_t>(by_block.values, refs, count, out);
    return true;
  }
  if (dictionaries_[i] != nullptr) {
    // Dictionary codes (every block's column is coded: ChooseDictionaries): the engine's own
    // when the output shares its dictionary, else recoded, each distinct code once.
    GatherFixed<int32_t>(by_block.values, refs, count, out);
    const StringDictionary* target = dictionaries_[i].get();
    const int64_t base = out->size() - static_cast<int64_t>(count);
    if (by_block.one_dictionary != target) {
      if (by_block.recoded_for != i) {
        by_block.recoded_for = i;
        by_block.recode_maps.assign(by_block.columns.size(), nullptr);
        for (size_t b = 0; b < by_block.columns.size(); ++b) {
          if (by_block.dictionaries[b] != target) {
            by_block.recode_maps[b] = &recoded_[i][by_block.columns[b]->dictionary()];
          }
        }
      }
      int32_t* codes = out->mutable_data<int32_t>() + base;
      for (size_t k = 0; k < count; ++k) {
        const size_t block = refs[k] >> 32;
        std::vector<int32_t>* map = by_block.recode_maps[block];
        if (map == nullptr ||
            (by_block.has_nulls &&
             by_block.columns[block]->IsNull(influxql::ColumnarRows::row_in_block(refs[k])))) {
          continue;
        }
        const auto index = static_cast<size_t>(codes[k]);
        if (index >= map->size()) {
          map->resize(std::max(index + 1, 2 * map->size()), -1);
        }
        int32_t& mapped = (*map)[index];
        if (mapped < 0) {
          mapped = dictionaries_[i]->GetOrInsert(by_block.dictionaries[block]->Value(codes[k]));
        }
        codes[k] = mapped;
      }
    }
    if (by_block.has_nulls) {
      GatherNulls(by_block.columns, refs, count, out);
    }
    return true;
  }
  // Numbers and booleans of the output's type in every block: copied as they are.
  const TypeId type = schema_->field(static_cast<int>(i)).type;
  if (by_block.type != type) {
    return false;
  }
  switch (type) {
    case TypeId::kFloat64:
      GatherFixed<double>(by_block.values, refs, count, out);
      break;
    case TypeId::kInt64:
      GatherFixed<int64_t>(by_block.values, refs, count, out);
      break;
    case TypeId::kUInt64:
      GatherFixed<uint64_t>(by_block.values, refs, count, out);
      break;
    case TypeId::kBool:
      GatherFixed<uint8_t>(by_block.values, refs, count, out);
      break;
    default:
      return false;
  }
  if (by_block.has_nulls) {
    GatherNulls(by_block.columns, refs, count, out);
  }
  return true;
}

std::shared_ptr<RecordBatch> InfluxQLRowsBatch(const StatementResult& result) {
  InfluxQLRowBatches batches(result);
  std::shared_ptr<RecordBatch> batch = batches.Next(INT64_MAX);
  if (batch == nullptr) {
    std::vector<ColumnPtr> columns;
    for (const strata::Field& field : batches.schema()->fields()) {
      columns.push_back(std::make_shared<Column>(field.type));
    }
    batch = std::make_shared<RecordBatch>(batches.schema(), std::move(columns), 0);
  }
  return batch;
}

void QueryApi::HandleInfluxQL(const HttpRequest& request,
                              HttpResponse* response,
                              InfluxQLEndpoint endpoint) const {
  auto query = std::make_shared<RunningQuery>();
  query->observation = std::make_shared<QueryObservation>(request, metrics_, exporter_);
  auto parsed = std::make_shared<InfluxQLHttpRequest>();
  if (std::optional<HttpResponse> error = ParseInfluxQLRequest(request, endpoint, parsed.get())) {
    *response = *std::move(error);
    ObserveResponse(query->observation, response);
    return;
  }
  if (endpoint == InfluxQLEndpoint::kV3QueryInfluxQL && !parsed->database.empty() &&
      engine_->catalog()->snapshot()->FindDatabase(parsed->database) == nullptr) {
    // As /api/v3/query_sql answers it.
    *response = JsonError(404, fmt::format("database '{}' not found", parsed->database));
    ObserveResponse(query->observation, response);
    return;
  }
  std::shared_ptr<const InfluxQLHttpRequest> shared = parsed;
  query->run = [this, shared](const std::shared_ptr<RunningQuery>& running, HttpResponse* out) {
    RunInfluxQL(shared, running, out);
  };
  Admit(request, query, parsed->database, "influxql", parsed->text, response);
}

void QueryApi::RunInfluxQL(const std::shared_ptr<const InfluxQLHttpRequest>& parsed,
                           const std::shared_ptr<RunningQuery>& query,
                           HttpResponse* response) const {
  query::InfluxQLRequest request;
  request.database = parsed->database;
  request.now_ns = query->issue_time_ns;
  request.params = parsed->params;
  request.options.context = query->context;
  request.options.trace = query->observation->trace();
  request.options.parent_span_id = query->observation->server_span();
  query->plan_totals = std::make_shared<query::PlanTotals>();
  request.options.plan_totals = query->plan_totals;
  auto runner = std::make_unique<StatementRunner>(engine_, parsed, std::move(request));
  query->entry->Planned();

  if (parsed->endpoint == InfluxQLEndpoint::kV3QueryInfluxQL) {
    absl::StatusOr<StatementResult> result = runner->Next();
    if (!result.ok()) {
      *response = query->Fail(result.status());
      return;
    }
    if (result->error.has_value()) {
      *response = query->Fail(absl::InvalidArgumentError(*result->error));
      return;
    }
    // The rows are made into batches, encoded and sent a batch at a time.
    auto rows = std::make_shared<InfluxQLRowBatches>(*std::move(result));
    absl::StatusOr<std::unique_ptr<format::ResultWriter>> created =
        format::ResultWriter::Create(parsed->format, rows->schema());
    if (!created.ok()) {
      *response = query->Fail(created.status());
      return;
    }
    std::shared_ptr<format::ResultWriter> writer = *std::move(created);
    query->End(query::QueryPhase::kSuccess, "");
    response->status = 200;
    response->content_type = std::string(format::ContentType(parsed->format));
    auto begun = std::make_shared<bool>(false);
    // Pieces after the first are made ahead, overlapping the sending of the one before.
    response->stream =
        ProducedAhead([rows, writer, begun](std::string* out) -> absl::StatusOr<bool> {
          constexpr int64_t kRowsPerPiece = 4096;
          if (!*begun) {
            writer->Begin(out);
            *begun = true;
          }
          if (std::shared_ptr<RecordBatch> batch = rows->Next(kRowsPerPiece); batch != nullptr) {
            writer->WriteBatch(*batch, out);
          }
          if (!rows->done()) {
            return writer->status().ok() ? absl::StatusOr<bool>(true) : writer->status();
          }
          writer->Finish(out);
          if (absl::Status status = writer->status(); !status.ok()) {
            return status;
          }
          return false;
        });
    return;
  }

  if (!parsed->chunked) {
    std::vector<StatementResult> results;
    while (!runner->done()) {
      absl::StatusOr<StatementResult> result = runner->Next();
      if (!result.ok()) {
        *response = query->Fail(result.status());
        return;
      }
      results.push_back(*std::move(result));
    }
    if (!parsed->csv) {
      // JSON goes out as it is encoded, a piece at a time through the server's reused buffer
      // (one document, sent with chunked transfer encoding).
      query->End(query::QueryPhase::kSuccess, "");
      response->status = 200;
      response->content_type = parsed->content_type;
      auto encoder = std::make_shared<influxql::V1JsonEncoder>(std::move(results), parsed->encode);
      response->stream = [encoder](std::string* out) -> absl::StatusOr<bool> {
        constexpr size_t kPieceBytes = 256 << 10;
        return encoder->Next(out, kPieceBytes);
      };
      return;
    }
    std::string body;
    influxql::V1CsvWriter(parsed->encode.epoch).Append(results, &body);
    results.clear();
    SendBody(query, std::move(body), parsed->content_type, response);
    return;
  }

  // Chunked: the first statement runs now, so that a failure still gets a status; the others as
  // the client reads.
  auto stream = std::make_shared<ChunkedStream>();
  absl::StatusOr<StatementResult> first = runner->Next();
  if (!first.ok()) {
    *response = query->Fail(first.status());
    return;
  }
  stream->parsed = parsed;
  stream->runner = std::move(runner);
  if (parsed->csv) {
    stream->csv = std::make_unique<influxql::V1CsvWriter>(parsed->encode.epoch);
  }
  stream->Take(*std::move(first));
  stream->query = query;
  response->status = 200;
  response->content_type = parsed->content_type;
  response->stream = [stream](std::string* out) { return stream->Produce(out); };
}

}  // namespace strata::server
