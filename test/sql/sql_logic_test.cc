// The sqllogictest runner: every `.test` file in test/sql/ and test/influxql/ is run twice, as one
// gtest case per mode: in-process (the server's write path and QueryEngine, called directly) and
// over HTTP (a real `strata serve` process, /api/v3/write_lp, /api/v3/query_sql and the v1
// /query). The file format and the rules for printing values are in test/sql/README.md (SQL
// records) and test/influxql/README.md (`influxql` records, compared as v1 JSON);
// check_duckdb.mjs checks the SQL files against DuckDB.
//
// Files listed in a directory's PENDING (one name a line) are skipped until the engine passes
// them; `sql_logic_test --run-pending` runs them anyway.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "common/civil_time.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "gtest/gtest.h"
#include "influxql/parser.h"
#include "influxql/result_json.h"
#include "nlohmann/json.hpp"
#include "query/influxql_executor.h"
#include "query/query_engine.h"
#include "server/http_client.h"
#include "test/e2e/server_process.h"
#include "wal/wal.h"
#include "write/write_path.h"

#ifndef STRATA_SQL_TEST_DIR
#error "STRATA_SQL_TEST_DIR must name the directory holding the .test files"
#endif
#ifndef STRATA_INFLUXQL_TEST_DIR
#error "STRATA_INFLUXQL_TEST_DIR must name the directory holding the InfluxQL .test files"
#endif

namespace strata::sql_test {
namespace {

using nlohmann::ordered_json;

// Every file runs against this database; it is created by the file's first write.
constexpr std::string_view kDatabase = "test";
constexpr std::string_view kSeparator = "----";

bool run_pending = false;  // --run-pending

// ---------------------------------------------------------------------------------------------
// Records

enum class RecordKind { kWrite, kRestart, kStatement, kQuery, kInfluxQL };

struct Record {
  RecordKind kind = RecordKind::kWrite;
  int line = 0;  // of the record's first line
  // kWrite: the precision and the line protocol body (lines joined with '\n').
  std::string precision = "ns";
  std::string body;
  // kStatement and kQuery.
  std::string sql;
  std::optional<std::string> expected_error;  // `statement error TEXT`, `query error TEXT`
  // kQuery without an error: one type letter (I R T B P ?) per column, the sort mode, the rows.
  std::string types;
  bool rowsort = false;
  std::vector<std::string> expected;
  // kInfluxQL: the InfluxQL text is in `sql`, the expected v1 JSON (one line) in `expected`, or
  // the expected error text in `expected_error`. `epoch` is the v1 parameter (empty: RFC 3339
  // times); `now_ns` pins now() (such records run in-process only: the server has no way to pin
  // it).
  std::string epoch;
  std::optional<int64_t> now_ns;
};

// Drops a carriage return (a file with CRLF line ends); result and SQL lines are otherwise kept
// exactly as written.
std::string_view WithoutCr(std::string_view line) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return line;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string word; in >> word;) {
    words.push_back(word);
  }
  return words;
}

// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` as nanoseconds since the epoch.
std::optional<int64_t> ParseUtcTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(),
                  "%4d-%2d-%2dT%2d:%2d:%2d%n",
                  &year,
                  &month,
                  &day,
                  &hour,
                  &minute,
                  &second,
                  &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  int64_t fraction = 0;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100'000'000;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos) {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') {
    return std::nullopt;
  }
  const int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + int64_t{hour} * 3600 + minute * 60 + second;
  return seconds * 1'000'000'000 + fraction;
}

// Splits a .test file into records. Errors name the line.
absl::StatusOr<std::vector<Record>> ParseFile(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.push_back(WithoutCr(text.substr(0, end)));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  auto error = [](size_t index, std::string_view message) {
    return absl::InvalidArgumentError(fmt::format("line {}: {}", index + 1, message));
  };
  std::vector<Record> records;
  size_t i = 0;
  while (i < lines.size()) {
    if (IsBlank(lines[i]) || lines[i].front() == '#') {
      ++i;
      continue;
    }
    const size_t start = i++;
    Record record;
    record.line = static_cast<int>(start + 1);
    const std::vector<std::string> words = Words(lines[start]);  // headers may have extra spaces
    if (words[0] == "write") {
      record.kind = RecordKind::kWrite;
      for (size_t w = 1; w < words.size(); ++w) {
        const std::string& option = words[w];
        if (option != "precision=ns" && option != "precision=us" && option != "precision=ms" &&
            option != "precision=s") {
          return error(start, fmt::format("unknown write option '{}'", option));
        }
        record.precision = option.substr(option.find('=') + 1);
      }
      while (i < lines.size() && !IsBlank(lines[i])) {
        record.body += std::string(lines[i++]) + "\n";
      }
      if (record.body.empty()) {
        return error(start, "write without lines");
      }
    } else if (words[0] == "restart") {
      if (words.size() != 1) {
        return error(start, "restart takes no arguments");
      }
      record.kind = RecordKind::kRestart;
    } else if (words[0] == "statement" || words[0] == "query") {
      record.kind = words[0] == "statement" ? RecordKind::kStatement : RecordKind::kQuery;
      const bool is_error = words.size() >= 2 && words[1] == "error";
      if (is_error) {
        std::string_view header = lines[start];
        size_t pos = header.find("error") + 5;
        std::string text_part(header.substr(pos));
        text_part.erase(0, text_part.find_first_not_of(" \t"));
        text_part.erase(text_part.find_last_not_of(" \t") + 1);
        if (text_part.empty()) {
          return error(start, "an error record needs the expected error text");
        }
        record.expected_error = text_part;
      } else if (record.kind == RecordKind::kStatement) {
        if (words.size() != 2 || words[1] != "ok") {
          return error(start, "expected 'statement ok' or 'statement error <text>'");
        }
      } else {
        if (words.size() < 2 || words.size() > 3) {
          return error(start, "expected 'query <types> [rowsort|nosort]'");
        }
        record.types = words[1];
        if (record.types.find_first_not_of("IRTBP?") != std::string::npos) {
          return error(start, fmt::format("bad type letters '{}'", record.types));
        }
        if (words.size() == 3 && words[2] != "rowsort" && words[2] != "nosort") {
          return error(start, fmt::format("unknown sort mode '{}'", words[2]));
        }
        record.rowsort = words.size() == 3 && words[2] == "rowsort";
      }
      std::vector<std::string_view> sql;
      while (i < lines.size() && !IsBlank(lines[i]) && lines[i] != kSeparator) {
        sql.push_back(lines[i++]);
      }
      if (sql.empty()) {
        return error(start, "record without SQL");
      }
      for (size_t k = 0; k < sql.size(); ++k) {
        record.sql += (k > 0 ? "\n" : "") + std::string(sql[k]);
      }
      if (record.kind == RecordKind::kQuery && !is_error) {
        if (i >= lines.size() || lines[i] != kSeparator) {
          return error(start, "query without ---- and expected result");
        }
        ++i;
        while (i < lines.size() && !IsBlank(lines[i])) {
          record.expected.emplace_back(lines[i++]);
        }
      } else if (i < lines.size() && lines[i] == kSeparator) {
        return error(i, "only non-error query records have a ---- result");
      }
    } else if (words[0] == "influxql") {
      record.kind = RecordKind::kInfluxQL;
      const bool is_error = words.size() >= 2 && words[1] == "error";
      if (is_error) {
        std::string text_part(lines[start].substr(lines[start].find("error") + 5));
        text_part.erase(0, text_part.find_first_not_of(" \t"));
        text_part.erase(text_part.find_last_not_of(" \t") + 1);
        if (text_part.empty()) {
          return error(start, "an error record needs the expected error text");
        }
        record.expected_error = text_part;
      }
      for (size_t w = 1; !is_error && w < words.size(); ++w) {
        const std::string& option = words[w];
        if (option.starts_with("epoch=")) {
          record.epoch = option.substr(6);
        } else if (option.starts_with("now=")) {
          record.now_ns = ParseUtcTime(option.substr(4));
          if (!record.now_ns.has_value()) {
            return error(start, fmt::format("bad time in '{}' (YYYY-MM-DDTHH:MM:SSZ)", option));
          }
        } else {
          return error(start, fmt::format("unknown influxql option '{}'", option));
        }
      }
      while (i < lines.size() && !IsBlank(lines[i]) && lines[i] != kSeparator) {
        record.sql += (record.sql.empty() ? "" : "\n") + std::string(lines[i++]);
      }
      if (record.sql.empty()) {
        return error(start, "record without InfluxQL");
      }
      if (is_error) {
        if (i < lines.size() && lines[i] == kSeparator) {
          return error(i, "an influxql error record has no ---- result");
        }
      } else {
        if (i >= lines.size() || lines[i] != kSeparator) {
          return error(start, "influxql without ---- and the expected JSON");
        }
        ++i;
        while (i < lines.size() && !IsBlank(lines[i])) {
          record.expected.emplace_back(lines[i++]);
        }
        if (record.expected.size() != 1) {
          return error(start, "the expected result of influxql is one line of JSON");
        }
        if (!nlohmann::json::accept(record.expected[0])) {
          return error(start + 1, "the expected result is not valid JSON");
        }
      }
    } else {
      return error(start, fmt::format("unknown record '{}'", lines[start]));
    }
    records.push_back(std::move(record));
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Value printing (README.md): NULL, integers as is, floats as integers when integral and below
// 1e15 else printf("%.12g"), strings as is ("(empty)" for ''), true/false, timestamps in UTC as
// YYYY-MM-DDTHH:MM:SS with the fraction trimmed of trailing zeros.

std::string FormatFloat(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "Infinity" : "-Infinity";
  }
  if (v == 0) {
    return "0";
  }
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.12g", v);
  return buffer;
}

std::string FormatTimestamp(int64_t nanos) {
  return FormatIso8601(nanos, SecondFraction::kTrimmed);
}

std::string FormatString(std::string_view s) {
  return s.empty() ? "(empty)" : std::string(s);
}

// A query's outcome as the runner compares it: formatted rows, or the error message.
struct QueryOutcome {
  std::vector<std::vector<std::string>> rows;
  // Problems with the result's shape or types (a wrong letter, a wrong column count).
  std::vector<std::string> type_errors;
};

// ---------------------------------------------------------------------------------------------
// Backends

class Backend {
 public:
  virtual ~Backend() = default;
  virtual absl::Status Start() = 0;
  // Writes line protocol; an error unless every line was written.
  virtual absl::Status Write(const std::string& precision, const std::string& body) = 0;
  // Runs `sql` and formats the rows for the column letters `types` (empty: do not format, as
  // for `statement ok`). A non-OK status is the query's error.
  virtual absl::StatusOr<QueryOutcome> Query(const std::string& sql, const std::string& types) = 0;
  // Stops cleanly and starts again on the same data.
  virtual absl::Status Restart() = 0;
  // Runs InfluxQL `text` as the v1 /query API does (`db` the file's database, `epoch` unless
  // empty) and returns the response body: {"results":[...]} or {"error":"..."}. `now_ns` pins
  // now(); only backends with CanPinNow() take one.
  virtual absl::StatusOr<std::string> InfluxQL(const std::string& text,
                                               const std::string& epoch,
                                               std::optional<int64_t> now_ns) = 0;
  virtual bool CanPinNow() const = 0;
};

// Whether a column of `type` satisfies type letter `letter`.
bool TypeMatches(TypeId type, char letter) {
  switch (letter) {
    case '?':
      return true;
    case 'I':
      return type == TypeId::kInt64 || type == TypeId::kUInt64 || type == TypeId::kNull;
    case 'R':
      return type == TypeId::kFloat64 || type == TypeId::kNull;
    case 'T':
      return type == TypeId::kString || type == TypeId::kDictionary || type == TypeId::kNull;
    case 'B':
      return type == TypeId::kBool || type == TypeId::kNull;
    case 'P':
      return type == TypeId::kTimestamp || type == TypeId::kNull;
  }
  return false;
}

std::string FormatCell(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return "NULL";
  }
  switch (column.type()) {
    case TypeId::kBool:
      return column.GetBool(row) ? "true" : "false";
    case TypeId::kInt64:
      return fmt::format("{}", column.GetInt64(row));
    case TypeId::kUInt64:
      return fmt::format("{}", column.GetUInt64(row));
    case TypeId::kFloat64:
      return FormatFloat(column.GetFloat64(row));
    case TypeId::kString:
    case TypeId::kDictionary:
      return FormatString(column.GetString(row));
    case TypeId::kTimestamp:
      return FormatTimestamp(column.GetInt64(row));
    case TypeId::kNull:
      return "NULL";
    case TypeId::kInterval:
      break;
  }
  return "<interval>";
}

// The server's components, wired as src/server/server.cc wires them, on a temporary data
// directory; a restart closes them (the WAL cleanly) and opens them again with WAL replay.
class InProcessBackend : public Backend {
 public:
  absl::Status Start() override {
    auto catalog = catalog::Catalog::Open(dir_.path() + "/catalog", catalog::CatalogLimits{});
    if (!catalog.ok()) {
      return catalog.status();
    }
    catalog_ = *std::move(catalog);
    wal::WalOptions wal_options;
    wal_options.directory = dir_.path() + "/wal";
    auto wal = wal::Wal::Open(wal_options);
    if (!wal.ok()) {
      return wal.status();
    }
    wal_ = *std::move(wal);
    buffer_ = std::make_unique<buffer::WriteBuffer>();
    write_path_ = std::make_unique<write::WritePath>(catalog_.get(), wal_.get(), buffer_.get());
    if (absl::Status recovered = write_path_->Recover(); !recovered.ok()) {
      return recovered;
    }
    engine_ = std::make_unique<query::QueryEngine>(catalog_.get(), buffer_.get());
    return absl::OkStatus();
  }

  absl::Status Write(const std::string& precision, const std::string& body) override {
    write::WriteRequest request;
    request.database = kDatabase;
    request.body = body;
    auto parsed = lineprotocol::ParsePrecision(precision);
    if (!parsed.ok()) {
      return parsed.status();
    }
    request.precision = *parsed;
    request.accept_partial = false;
    request.now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto outcome = write_path_->Write(request);
    if (!outcome.ok()) {
      return outcome.status();
    }
    if (!outcome->errors.empty()) {
      const auto& first = outcome->errors.front();
      return absl::InvalidArgumentError(fmt::format(
          "line {} of the write: {}: {}", first.line_number, first.message, first.original_line));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<QueryOutcome> Query(const std::string& sql, const std::string& types) override {
    // Every scan of more than one chunk is split, so that the small test tables still take the
    // parallel paths (partial and final aggregation, partition merges); the server run (HTTP)
    // does the same with --query-min-rows-per-partition 1, which also encodes the results of
    // multi-partition plans in the partitions (the fragments of format/result_writer.h).
    query::QueryOptions options;
    options.min_rows_per_partition = 1;
    auto result = engine_->Execute(kDatabase, sql, options);
    if (!result.ok()) {
      return result.status();
    }
    QueryOutcome outcome;
    const Schema& schema = *(*result)->schema();
    const bool check = !types.empty();
    if (check && schema.num_fields() != static_cast<int>(types.size())) {
      outcome.type_errors.push_back(fmt::format(
          "expected {} columns ({}), the result has {}", types.size(), types, schema.num_fields()));
    }
    if (check && outcome.type_errors.empty()) {
      for (int c = 0; c < schema.num_fields(); ++c) {
        if (!TypeMatches(schema.field(c).type, types[static_cast<size_t>(c)])) {
          outcome.type_errors.push_back(fmt::format("column {} ({}) is {}, its type is {}",
                                                    c + 1,
                                                    schema.field(c).name,
                                                    types[static_cast<size_t>(c)],
                                                    TypeName(schema.field(c).type)));
        }
      }
    }
    while (true) {
      exec::Batch batch;
      absl::StatusOr<bool> more = (*result)->Next(&batch);
      if (!more.ok()) {
        return more.status();
      }
      if (!*more) {
        break;
      }
      if (!check) {
        continue;
      }
      exec::Batch dense = batch.Compact();
      for (int64_t r = 0; r < dense.num_rows(); ++r) {
        std::vector<std::string> row;
        for (int c = 0; c < dense.num_columns(); ++c) {
          row.push_back(FormatCell(*dense.column(c), r));
        }
        outcome.rows.push_back(std::move(row));
      }
    }
    return outcome;
  }

  // What the v1 API does (server/influxql_api.cc) without HTTP: parse, run the statements in
  // order ("not executed" after a failed one), encode.
  absl::StatusOr<std::string> InfluxQL(const std::string& text,
                                       const std::string& epoch,
                                       std::optional<int64_t> now_ns) override {
    std::string body;
    auto statements = influxql::ParseStatements(text);
    if (!statements.ok()) {
      influxql::AppendV1JsonError(
          "error parsing query: " + std::string(statements.status().message()), false, &body);
      return body;
    }
    query::InfluxQLRequest request;
    request.database = kDatabase;
    request.now_ns = now_ns.has_value() ? *now_ns
                                        : std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count();
    request.options.min_rows_per_partition = 1;
    std::vector<influxql::StatementResult> results;
    bool failed = false;
    for (size_t index = 0; index < statements->size(); ++index) {
      if (failed) {
        influxql::StatementResult skipped;
        skipped.statement_id = static_cast<int>(index);
        skipped.error = "not executed";
        results.push_back(std::move(skipped));
        continue;
      }
      absl::StatusOr<influxql::StatementResult> result = query::ExecuteInfluxQLStatement(
          *engine_, *(*statements)[index], static_cast<int>(index), request);
      if (!result.ok()) {
        influxql::AppendV1JsonError(std::string(result.status().message()), false, &body);
        return body;
      }
      failed = result->error.has_value();
      results.push_back(*std::move(result));
    }
    influxql::EncodeOptions options;
    if (!epoch.empty()) {
      options.epoch = influxql::ParseEpoch(epoch);
    }
    influxql::AppendV1Json(results, options, &body);
    return body;
  }

  bool CanPinNow() const override { return true; }

  absl::Status Restart() override {
    engine_.reset();
    write_path_.reset();
    buffer_.reset();
    absl::Status closed = wal_->Close();
    wal_.reset();
    catalog_.reset();
    if (!closed.ok()) {
      return closed;
    }
    return Start();
  }

 private:
  e2e::TempDir dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<buffer::WriteBuffer> buffer_;
  std::unique_ptr<write::WritePath> write_path_;
  std::unique_ptr<query::QueryEngine> engine_;
};

// Splits CSV text (RFC 4180 quoting, "\n" or "\r\n" line ends) into records of fields. A quoted
// field may span lines. An empty line is no record (the writer spells a record of one empty
// field `""`).
std::vector<std::vector<std::string>> CsvRecords(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool started = false;  // the current record has a character (or a quote)
  auto end_record = [&] {
    if (started) {
      records.push_back(std::move(fields));
    }
    fields.assign(1, std::string());
    started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
      continue;
    }
    if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += c == '\r' ? 1 : 0;
      end_record();
      continue;
    }
    started = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  end_record();
  return records;
}

// Drops the trailing zeros of a timestamp's fraction of a second, and the '.' if none remain.
std::string TrimFraction(std::string text) {
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
      text.pop_back();
    }
  }
  return text;
}

// A JSON value of a query result printed for a column of letter `letter`; adds to `errors` when
// the JSON kind contradicts the letter (floats are always written with '.' or an exponent, so a
// JSON integer is never a float column). Timestamps arrive as strings and print as they came
// (the writer's 3, 6 or 9 fraction digits, trimmed).
std::string FormatJsonValue(const ordered_json& value,
                            char letter,
                            const std::string& column,
                            std::vector<std::string>* errors) {
  auto kind_error = [&](std::string_view expected) {
    errors->push_back(fmt::format("column '{}' is {}, but a value is JSON {} ({})",
                                  column,
                                  expected,
                                  value.type_name(),
                                  value.dump()));
    return value.dump();
  };
  switch (letter) {
    case 'I':
      if (!value.is_number_integer()) {
        return kind_error("I (an integer)");
      }
      return value.dump();
    case 'R':
      if (!value.is_number_float()) {
        return kind_error("R (a float)");
      }
      return FormatFloat(value.get<double>());
    case 'B':
      if (!value.is_boolean()) {
        return kind_error("B (a boolean)");
      }
      return value.get<bool>() ? "true" : "false";
    case 'T':
      if (!value.is_string()) {
        return kind_error("T (a string)");
      }
      return FormatString(value.get<std::string>());
    case 'P':
      if (!value.is_string()) {
        return kind_error("P (a timestamp)");
      }
      return TrimFraction(value.get<std::string>());
    default:  // '?': print what JSON has
      if (value.is_string()) {
        return FormatString(value.get<std::string>());
      }
      if (value.is_number_float()) {
        return FormatFloat(value.get<double>());
      }
      return value.dump();
  }
}

// A float as the CSV writer displays it (`1.0`, `1e-7`, `NaN`, `inf`, `-inf`); nullopt when the
// text is not one (an integer has neither '.' nor an exponent).
std::optional<double> CsvFloat(const std::string& text) {
  if (text == "NaN") {
    return std::nan("");
  }
  if (text == "inf" || text == "-inf") {
    return text == "inf" ? HUGE_VAL : -HUGE_VAL;
  }
  if (text.find_first_of(".eE") == std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    return std::nullopt;
  }
  return v;
}

// A non-empty CSV field printed for a column of letter `letter` (the CSV writer displays values
// as text, so the letter says how to read them); adds to `errors` when the text cannot be a
// value of that type. '?' prints a float-looking field as a float and anything else as a string.
std::string FormatCsvValue(const std::string& text,
                           char letter,
                           const std::string& column,
                           std::vector<std::string>* errors) {
  auto kind_error = [&](std::string_view expected) {
    errors->push_back(
        fmt::format("column '{}' is {}, but a CSV value is '{}'", column, expected, text));
    return text;
  };
  switch (letter) {
    case 'I': {
      size_t digits = text.starts_with('-') ? 1 : 0;
      if (digits == text.size() ||
          text.find_first_not_of("0123456789", digits) != std::string::npos) {
        return kind_error("I (an integer)");
      }
      return text;
    }
    case 'R': {
      std::optional<double> v = CsvFloat(text);
      if (!v.has_value()) {
        return kind_error("R (a float)");
      }
      return FormatFloat(*v);
    }
    case 'B':
      if (text != "true" && text != "false") {
        return kind_error("B (a boolean)");
      }
      return text;
    case 'T':
      return FormatString(text);
    case 'P':
      if (text.size() < 19 || text.find('T') == std::string::npos ||
          !std::isdigit(static_cast<unsigned char>(text.back()))) {
        return kind_error("P (a timestamp)");
      }
      return TrimFraction(text);
    default:  // '?'
      if (std::optional<double> v = CsvFloat(text); v.has_value()) {
        return FormatFloat(*v);
      }
      return FormatString(text);
  }
}

// The top-level object of one JSON line as its (key, value) pairs in the order written, every
// pair kept: a result may have two columns of one name (`SELECT a.host, b.host ...`), and the
// JSON writer (like arrow-json's) writes both keys, which a JSON object would collapse into one.
using JsonFields = std::vector<std::pair<std::string, ordered_json>>;

// Collects the top-level pairs of a JSON object; nested values are built whole (their duplicate
// keys, if any, collapse as usual). Anything but an object at the top level fails the parse.
class JsonFieldsSax final : public nlohmann::json_sax<ordered_json> {
 public:
  explicit JsonFieldsSax(JsonFields* fields) : fields_(fields) {}

  bool null() override { return Value(nullptr); }
  bool boolean(bool v) override { return Value(v); }
  bool number_integer(number_integer_t v) override { return Value(v); }
  bool number_unsigned(number_unsigned_t v) override { return Value(v); }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return Value(v); }
  bool string(string_t& v) override { return Value(v); }
  bool binary(binary_t& v) override { return Value(ordered_json::binary(v)); }

  bool start_object(std::size_t /*size*/) override {
    if (!in_top_) {
      if (done_) {
        return false;
      }
      in_top_ = true;
      return true;
    }
    return Open(ordered_json::object());
  }
  bool end_object() override {
    if (open_.empty()) {
      in_top_ = false;
      done_ = true;
      return true;
    }
    return Close();
  }
  bool start_array(std::size_t /*size*/) override { return in_top_ && Open(ordered_json::array()); }
  bool end_array() override { return Close(); }
  bool key(string_t& key) override {
    if (open_.empty()) {
      fields_->emplace_back(key, nullptr);
    } else {
      keys_.back() = key;
    }
    return true;
  }
  bool parse_error(std::size_t /*position*/,
                   const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

  bool done() const { return done_; }

 private:
  bool Value(ordered_json value) {
    if (!in_top_) {
      return false;  // a scalar at the top level
    }
    if (open_.empty()) {
      fields_->back().second = std::move(value);
    } else if (open_.back().is_array()) {
      open_.back().push_back(std::move(value));
    } else {
      open_.back()[keys_.back()] = std::move(value);
    }
    return true;
  }
  bool Open(ordered_json container) {
    open_.push_back(std::move(container));
    keys_.emplace_back();
    return true;
  }
  bool Close() {
    if (open_.empty()) {
      return false;
    }
    ordered_json value = std::move(open_.back());
    open_.pop_back();
    keys_.pop_back();
    return Value(std::move(value));
  }

  JsonFields* fields_;
  bool in_top_ = false;             // inside the top-level object
  bool done_ = false;               // the top-level object has ended
  std::vector<ordered_json> open_;  // the nested containers being built, innermost last
  std::vector<std::string> keys_;   // the current key of each of them (unused for arrays)
};

// The pairs of a JSON line that is one object, in order with duplicates; nullopt for anything
// else (invalid JSON, not an object, trailing text).
std::optional<JsonFields> ParseJsonFields(std::string_view line) {
  JsonFields fields;
  JsonFieldsSax sax(&fields);
  if (!ordered_json::sax_parse(line, &sax) || !sax.done()) {
    return std::nullopt;
  }
  return fields;
}

enum class Placement { kUnique, kAmbiguous, kImpossible };

// Which JSON pair holds each column's value. The JSON writer leaves NULL values out, so a row's
// keys are the names of its non-NULL columns, in column order: a subsequence of `names`. Each
// key goes to a column of its name, in order; a column that gets no key is NULL
// (`(*column_field)[c] == -1`). The placement is unique unless names repeat: with columns
// `host, host` and the single key `host`, either column could be the NULL one. It is unique
// exactly when the leftmost placement (each key on the first column that fits) equals the
// rightmost one (each key, from the end, on the last column that fits), since every placement
// lies between the two, column by column. kImpossible: the keys are not a subsequence of the
// names.
Placement PlaceFields(const std::vector<std::string>& names,
                      const JsonFields& fields,
                      std::vector<int>* column_field) {
  const size_t n = fields.size();
  std::vector<size_t> leftmost(n);
  size_t j = 0;
  for (size_t c = 0; c < names.size() && j < n; ++c) {
    if (names[c] == fields[j].first) {
      leftmost[j++] = c;
    }
  }
  if (j < n) {
    return Placement::kImpossible;
  }
  std::vector<size_t> rightmost(n);
  j = n;
  for (size_t c = names.size(); c > 0 && j > 0; --c) {
    if (names[c - 1] == fields[j - 1].first) {
      rightmost[--j] = c - 1;
    }
  }
  if (leftmost != rightmost) {
    return Placement::kAmbiguous;
  }
  column_field->assign(names.size(), -1);
  for (size_t k = 0; k < n; ++k) {
    (*column_field)[leftmost[k]] = static_cast<int>(k);
  }
  return Placement::kUnique;
}

// The rows of a query result from its CSV body (header and values) and its JSON lines body,
// printed for the type letters `types`.
//
// The values come from the JSON lines, which keep each value's JSON kind (an integer, a float, a
// string), placed on the columns by PlaceFields. When a row's placement is ambiguous (two columns
// of one name, one of them NULL), the query's rows are read from the CSV body instead, each field
// interpreted by its column's letter. CSV writes NULL and the empty string alike, as an empty
// field; an empty field is read as NULL, which holds only if the JSON lines have as many keys in
// all as the CSV rows have non-NULL values (a column read as NULL whose value was '' would have a
// key). Otherwise there is no way to tell, and the query fails with an error saying so.
absl::StatusOr<QueryOutcome> ResultRows(std::string_view csv,
                                        std::string_view jsonl,
                                        const std::string& types) {
  QueryOutcome outcome;
  std::vector<std::vector<std::string>> records = CsvRecords(csv);
  const std::vector<std::string> names =
      records.empty() ? std::vector<std::string>() : records.front();
  if (names.size() != types.size()) {
    std::string_view header = csv.substr(0, csv.find('\n'));
    outcome.type_errors.push_back(fmt::format("expected {} columns ({}), the result has {}: {}",
                                              types.size(),
                                              types,
                                              names.size(),
                                              header));
    return outcome;
  }
  size_t json_keys = 0;
  bool ambiguous = false;
  std::vector<int> column_field;
  while (!jsonl.empty()) {
    size_t end = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, end);
    jsonl = end == std::string_view::npos ? std::string_view() : jsonl.substr(end + 1);
    if (line.empty()) {
      continue;
    }
    std::optional<JsonFields> fields = ParseJsonFields(line);
    if (!fields.has_value()) {
      return absl::InternalError(fmt::format("a JSON line is not an object: {}", line));
    }
    json_keys += fields->size();
    switch (PlaceFields(names, *fields, &column_field)) {
      case Placement::kImpossible:
        return absl::InternalError(
            fmt::format("the keys of a JSON line do not match the columns ({}): {}",
                        fmt::join(names, ","),
                        line));
      case Placement::kAmbiguous:
        ambiguous = true;
        break;
      case Placement::kUnique:
        if (!ambiguous) {
          std::vector<std::string> row;
          for (size_t c = 0; c < names.size(); ++c) {
            if (column_field[c] < 0) {
              row.push_back("NULL");
              continue;
            }
            const ordered_json& value = (*fields)[static_cast<size_t>(column_field[c])].second;
            if (value.is_null()) {
              row.push_back(types[c] == 'R' ? "NaN" : "NULL");
            } else {
              row.push_back(FormatJsonValue(value, types[c], names[c], &outcome.type_errors));
            }
          }
          outcome.rows.push_back(std::move(row));
        }
        break;
    }
  }
  if (!ambiguous) {
    return outcome;
  }
  outcome = QueryOutcome();
  size_t csv_values = 0;
  for (size_t r = 1; r < records.size(); ++r) {
    const std::vector<std::string>& record = records[r];
    if (record.size() != names.size()) {
      return absl::InternalError(fmt::format("a CSV line has {} fields, the header {}: {}",
                                             record.size(),
                                             names.size(),
                                             fmt::join(record, ",")));
    }
    std::vector<std::string> row;
    for (size_t c = 0; c < names.size(); ++c) {
      if (record[c].empty()) {
        row.push_back("NULL");
      } else {
        ++csv_values;
        row.push_back(FormatCsvValue(record[c], types[c], names[c], &outcome.type_errors));
      }
    }
    outcome.rows.push_back(std::move(row));
  }
  if (csv_values != json_keys) {
    return absl::InternalError(fmt::format(
        "the result has two columns of one name with one of them NULL, so the runner reads it as "
        "CSV, but the CSV has {} non-empty values and the JSON {}: an empty field is an empty "
        "string, not NULL, and the runner cannot tell which",
        csv_values,
        json_keys));
  }
  return outcome;
}

// A real server process, driven over HTTP. A query runs twice: as CSV for the column names (JSON
// leaves NULL values out, so the names say which value is missing), then as JSON lines for the
// values (see ResultRows). JSON writes NaN and infinities as null; they print as NaN here.
// Every write is persisted at once (POST /api/v3/snapshot), so queries here read Parquet files
// while the in-process backend reads the write buffer: the same results from both. (Without the
// periodic snapshot thread, which would persist some rows and not others depending on timing.)
class HttpBackend : public Backend {
 public:
  HttpBackend()
      : server_(dir_.path() + "/data",
                {"--query-min-rows-per-partition", "1", "--snapshot-check-interval", "0"}) {}

  absl::Status Start() override {
    server_.Start();
    if (::testing::Test::HasFatalFailure()) {
      return absl::UnavailableError("the server did not start:\n" + server_.Log());
    }
    client_ = server_.Client();
    return absl::OkStatus();
  }

  absl::Status Write(const std::string& precision, const std::string& body) override {
    auto response = client_->Request(
        "POST",
        fmt::format(
            "/api/v3/write_lp?db={}&precision={}&accept_partial=false", kDatabase, precision),
        body);
    if (!response.ok()) {
      return response.status();
    }
    if (response->status != 204) {
      return absl::InvalidArgumentError(
          fmt::format("write answered {}: {}", response->status, response->body));
    }
    auto snapshot = client_->Request("POST", "/api/v3/snapshot");
    if (!snapshot.ok()) {
      return snapshot.status();
    }
    if (snapshot->status != 200) {
      return absl::InternalError(
          fmt::format("snapshot answered {}: {}", snapshot->status, snapshot->body));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<QueryOutcome> Query(const std::string& sql, const std::string& types) override {
    auto csv = Request(sql, "csv");
    if (!csv.ok()) {
      return csv.status();
    }
    if (types.empty()) {
      return QueryOutcome();
    }
    auto jsonl = Request(sql, "jsonl");
    if (!jsonl.ok()) {
      return jsonl.status();
    }
    return ResultRows(*csv, *jsonl, types);
  }

  absl::Status Restart() override {
    client_.reset();
    int status = server_.Stop(SIGTERM);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      return absl::InternalError(
          fmt::format("the server did not exit cleanly on SIGTERM (wait status {:#x}); log:\n{}",
                      status,
                      server_.Log()));
    }
    return Start();
  }

  absl::StatusOr<std::string> InfluxQL(const std::string& text,
                                       const std::string& epoch,
                                       std::optional<int64_t> /*now_ns*/) override {
    std::string target = fmt::format("/query?db={}&q={}", kDatabase, server::UrlEncode(text));
    if (!epoch.empty()) {
      target += "&epoch=" + server::UrlEncode(epoch);
    }
    auto response = client_->Request("GET", target);
    if (!response.ok()) {
      return absl::UnavailableError(
          fmt::format("{}\nserver log:\n{}", response.status().ToString(), server_.Log()));
    }
    return std::move(response->body);
  }

  // The server's now() is the clock's.
  bool CanPinNow() const override { return false; }

 private:
  // The body of a successful query, or its error message as the status.
  absl::StatusOr<std::string> Request(const std::string& sql, std::string_view format) {
    const std::string body = ordered_json{{"db", kDatabase}, {"q", sql}, {"format", format}}.dump();
    auto response =
        client_->Request("POST", "/api/v3/query_sql", body, {{"Content-Type", "application/json"}});
    if (!response.ok()) {
      return absl::UnavailableError(
          fmt::format("{}\nserver log:\n{}", response.status().ToString(), server_.Log()));
    }
    if (response->status != 200) {
      ordered_json error = ordered_json::parse(response->body, nullptr, false);
      std::string message =
          error.is_object() && error.contains("error") && error["error"].is_string()
              ? error["error"].get<std::string>()
              : response->body;
      return absl::InvalidArgumentError(fmt::format("HTTP {}: {}", response->status, message));
    }
    return std::move(response->body);
  }

  e2e::TempDir dir_;
  e2e::ServerProcess server_;
  std::unique_ptr<server::HttpClient> client_;
};

// ---------------------------------------------------------------------------------------------
// Running

struct Failure {
  int line = 0;
  std::string message;
};

std::string Indent(const std::vector<std::string>& lines) {
  if (lines.empty()) {
    return "    (no rows)\n";
  }
  std::string out;
  for (const std::string& line : lines) {
    out += "    " + line + "\n";
  }
  return out;
}

std::string IndentText(std::string_view text) {
  std::string out = "    ";
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') {
      out += "    ";
    }
  }
  return out;
}

// Whether two v1 JSON documents are the same, ignoring key order and whitespace but not the
// kinds of numbers: both come from Go's encoding (an integral float is written `2`, as an
// integer is), so the same text parses to the same kind and value, and a float written with a
// fraction or an exponent (`2.5`, `1e-7`) is never equal to an integer. nlohmann::json's objects
// are std::maps, and its dump writes an integer `2` and a float `2.0`, so equal dumps mean equal
// documents in that sense (its operator== would call 2 and 2.0 equal).
bool SameV1Json(std::string_view expected, std::string_view actual) {
  nlohmann::json a = nlohmann::json::parse(expected, nullptr, false);
  nlohmann::json b = nlohmann::json::parse(actual, nullptr, false);
  return !a.is_discarded() && !b.is_discarded() && a.dump() == b.dump();
}

// The error messages of a v1 response: the request's `error` and every statement's.
std::vector<std::string> V1Errors(std::string_view body) {
  std::vector<std::string> errors;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return errors;
  }
  if (json.contains("error") && json["error"].is_string()) {
    errors.push_back(json["error"].get<std::string>());
  }
  if (json.contains("results") && json["results"].is_array()) {
    for (const auto& result : json["results"]) {
      if (result.is_object() && result.contains("error") && result["error"].is_string()) {
        errors.push_back(result["error"].get<std::string>());
      }
    }
  }
  return errors;
}

// Runs the records in order and collects failures; a failed start, write or restart ends the run
// (later records would fail for the same reason).
std::vector<Failure> RunRecords(Backend& backend, const std::vector<Record>& records) {
  std::vector<Failure> failures;
  if (absl::Status started = backend.Start(); !started.ok()) {
    failures.push_back({0, fmt::format("cannot start: {}", started.ToString())});
    return failures;
  }
  for (const Record& record : records) {
    switch (record.kind) {
      case RecordKind::kWrite: {
        if (absl::Status written = backend.Write(record.precision, record.body); !written.ok()) {
          failures.push_back({record.line, fmt::format("write failed: {}", written.ToString())});
          return failures;
        }
        break;
      }
      case RecordKind::kRestart: {
        if (absl::Status restarted = backend.Restart(); !restarted.ok()) {
          failures.push_back(
              {record.line, fmt::format("restart failed: {}", restarted.ToString())});
          return failures;
        }
        break;
      }
      case RecordKind::kStatement:
      case RecordKind::kQuery: {
        const bool wants_rows = record.kind == RecordKind::kQuery && !record.expected_error;
        absl::StatusOr<QueryOutcome> outcome =
            backend.Query(record.sql, wants_rows ? record.types : "");
        const std::string query = "query:\n" + IndentText(record.sql) + "\n";
        if (record.expected_error.has_value()) {
          if (outcome.ok()) {
            failures.push_back({record.line,
                                fmt::format("{}expected an error containing '{}', but it "
                                            "succeeded",
                                            query,
                                            *record.expected_error)});
          } else if (std::string(outcome.status().message()).find(*record.expected_error) ==
                     std::string::npos) {
            failures.push_back(
                {record.line,
                 fmt::format("{}expected an error containing: {}\n          actual error: {}",
                             query,
                             *record.expected_error,
                             std::string(outcome.status().message()))});
          }
          break;
        }
        if (!outcome.ok()) {
          failures.push_back(
              {record.line,
               fmt::format(
                   "{}unexpected error: {}", query, std::string(outcome.status().message()))});
          break;
        }
        if (!wants_rows) {
          break;
        }
        if (!outcome->type_errors.empty()) {
          std::string text;
          for (const std::string& error : outcome->type_errors) {
            text += "    " + error + "\n";
          }
          failures.push_back({record.line, fmt::format("{}wrong result types:\n{}", query, text)});
          break;
        }
        std::vector<std::string> actual;
        for (const auto& row : outcome->rows) {
          std::string line;
          for (size_t c = 0; c < row.size(); ++c) {
            line += (c > 0 ? " " : "") + row[c];
          }
          actual.push_back(std::move(line));
        }
        std::vector<std::string> expected = record.expected;
        if (record.rowsort) {
          std::sort(actual.begin(), actual.end());
          std::sort(expected.begin(), expected.end());
        }
        if (actual != expected) {
          const char* sorted = record.rowsort ? " (sorted)" : "";
          failures.push_back({record.line,
                              fmt::format("{}expected{}:\n{}actual{}:\n{}",
                                          query,
                                          sorted,
                                          Indent(expected),
                                          sorted,
                                          Indent(actual))});
        }
        break;
      }
      case RecordKind::kInfluxQL: {
        if (record.now_ns.has_value() && !backend.CanPinNow()) {
          break;  // test/influxql/README.md: records with now= run in-process only
        }
        absl::StatusOr<std::string> body =
            backend.InfluxQL(record.sql, record.epoch, record.now_ns);
        const std::string query = "influxql:\n" + IndentText(record.sql) + "\n";
        if (!body.ok()) {
          failures.push_back(
              {record.line, fmt::format("{}failed: {}", query, body.status().ToString())});
          break;
        }
        std::string actual(*body);
        while (!actual.empty() && (actual.back() == '\n' || actual.back() == '\r')) {
          actual.pop_back();
        }
        if (record.expected_error.has_value()) {
          std::vector<std::string> errors = V1Errors(actual);
          const bool found =
              std::any_of(errors.begin(), errors.end(), [&](const std::string& error) {
                return error.find(*record.expected_error) != std::string::npos;
              });
          if (!found) {
            failures.push_back({record.line,
                                fmt::format("{}expected an error containing: {}\n"
                                            "          actual response: {}",
                                            query,
                                            *record.expected_error,
                                            actual)});
          }
          break;
        }
        if (!SameV1Json(record.expected[0], actual)) {
          failures.push_back(
              {record.line,
               fmt::format(
                   "{}expected:\n    {}\nactual:\n    {}", query, record.expected[0], actual)});
        }
        break;
      }
    }
  }
  return failures;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> TestFiles(const char* directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The file names listed in `directory`/PENDING ('#' starts a comment).
std::set<std::string> PendingFiles(const char* directory) {
  std::set<std::string> names;
  std::istringstream in(ReadFile(std::filesystem::path(directory) / "PENDING"));
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::vector<std::string> words = Words(line);
    if (!words.empty()) {
      names.insert(words[0]);
    }
  }
  return names;
}

enum class Mode { kInProcess, kHttp };

// Runs the file `file` of `directory` in `mode`, unless its PENDING lists it.
void RunFile(const char* directory, const std::string& file, Mode mode) {
  if (!run_pending && PendingFiles(directory).count(file) > 0) {
    GTEST_SKIP() << file << " is listed in " << directory
                 << "/PENDING: the engine does not pass it yet (run with --run-pending to see how "
                    "far it gets)";
  }
  const std::filesystem::path path = std::filesystem::path(directory) / file;
  absl::StatusOr<std::vector<Record>> records = ParseFile(ReadFile(path));
  ASSERT_TRUE(records.ok()) << path.string() << ": " << records.status().message();
  std::unique_ptr<Backend> backend;
  if (mode == Mode::kInProcess) {
    backend = std::make_unique<InProcessBackend>();
  } else {
    backend = std::make_unique<HttpBackend>();
  }
  for (const Failure& failure : RunRecords(*backend, *records)) {
    ADD_FAILURE_AT(path.c_str(), failure.line) << failure.message;
  }
}

// test/sql/*.test and test/influxql/*.test: two suites, so that ctest runs them as
// sql_logic_test and influxql_logic_test (gtest filters on the suite names).
class SqlLogicTest : public ::testing::TestWithParam<std::tuple<std::string, Mode>> {};
class InfluxQLLogicTest : public ::testing::TestWithParam<std::tuple<std::string, Mode>> {};

TEST_P(SqlLogicTest, Run) {
  RunFile(STRATA_SQL_TEST_DIR, std::get<0>(GetParam()), std::get<1>(GetParam()));
}

TEST_P(InfluxQLLogicTest, Run) {
  RunFile(STRATA_INFLUXQL_TEST_DIR, std::get<0>(GetParam()), std::get<1>(GetParam()));
}

std::string TestName(const ::testing::TestParamInfo<std::tuple<std::string, Mode>>& info) {
  std::string name = std::filesystem::path(std::get<0>(info.param)).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name + (std::get<1>(info.param) == Mode::kInProcess ? "_InProcess" : "_Http");
}

INSTANTIATE_TEST_SUITE_P(Files,
                         SqlLogicTest,
                         ::testing::Combine(::testing::ValuesIn(TestFiles(STRATA_SQL_TEST_DIR)),
                                            ::testing::Values(Mode::kInProcess, Mode::kHttp)),
                         TestName);

INSTANTIATE_TEST_SUITE_P(
    Files,
    InfluxQLLogicTest,
    ::testing::Combine(::testing::ValuesIn(TestFiles(STRATA_INFLUXQL_TEST_DIR)),
                       ::testing::Values(Mode::kInProcess, Mode::kHttp)),
    TestName);

// The runner itself: it must parse the format, print values by the rules and notice failures.

TEST(SqlLogicRunnerTest, ParsesRecords) {
  auto records = ParseFile(
      "# comment\n"
      "write precision=s\n"
      "m,t=a f=1 1\n"
      "m,t=b f=2 2\n"
      "\n"
      "statement ok\n"
      "SELECT 1\n"
      "\n"
      "statement error syntax error\n"
      "SELEC 1\n"
      "\n"
      "query TR rowsort\n"
      "SELECT t,\n"
      "  f FROM m\n"
      "----\n"
      "b 2\n"
      "a 1\n"
      "\n"
      "restart\n"
      "query I\n"
      "SELECT 1\n"
      "----\n"
      "1\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 6u);
  EXPECT_EQ((*records)[0].precision, "s");
  EXPECT_EQ((*records)[0].body, "m,t=a f=1 1\nm,t=b f=2 2\n");
  EXPECT_EQ((*records)[1].kind, RecordKind::kStatement);
  EXPECT_EQ((*records)[2].expected_error, "syntax error");
  EXPECT_EQ((*records)[3].sql, "SELECT t,\n  f FROM m");
  EXPECT_TRUE((*records)[3].rowsort);
  EXPECT_EQ((*records)[3].expected, (std::vector<std::string>{"b 2", "a 1"}));
  EXPECT_EQ((*records)[4].kind, RecordKind::kRestart);
  EXPECT_EQ((*records)[4].line, 19);
  EXPECT_EQ((*records)[5].expected, std::vector<std::string>{"1"});
}

TEST(SqlLogicRunnerTest, RejectsMalformedFiles) {
  const std::pair<const char*, const char*> cases[] = {
      {"query I\nSELECT 1\n", "line 1: query without ----"},
      {"query X\nSELECT 1\n----\n1\n", "line 1: bad type letters 'X'"},
      {"statement error\nSELECT 1\n", "line 1: an error record needs"},
      {"statement ok\nSELECT 1\n----\n1\n", "line 3: only non-error query"},
      {"write precision=h\nm f=1 1\n", "line 1: unknown write option"},
      {"select 1\n", "line 1: unknown record"},
  };
  for (const auto& [text, message] : cases) {
    auto records = ParseFile(text);
    ASSERT_FALSE(records.ok()) << text;
    EXPECT_TRUE(std::string(records.status().message()).starts_with(message)) << text << "\n"
                                                                              << records.status();
  }
}

TEST(SqlLogicRunnerTest, PrintsValuesByTheRules) {
  EXPECT_EQ(FormatFloat(20.0), "20");
  EXPECT_EQ(FormatFloat(-0.0), "0");
  EXPECT_EQ(FormatFloat(30.25), "30.25");
  EXPECT_EQ(FormatFloat(1.0 / 3), "0.333333333333");
  EXPECT_EQ(FormatFloat(1e15), "1e+15");
  EXPECT_EQ(FormatFloat(1e-7), "1e-07");
  EXPECT_EQ(FormatFloat(std::nan("")), "NaN");
  EXPECT_EQ(FormatFloat(-INFINITY), "-Infinity");
  EXPECT_EQ(FormatTimestamp(1451606400'000000000), "2016-01-01T00:00:00");
  EXPECT_EQ(FormatTimestamp(1451606400'500000000), "2016-01-01T00:00:00.5");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(FormatTimestamp(951782400'000000000), "2000-02-29T00:00:00");
  std::vector<std::string> errors;
  EXPECT_EQ(FormatJsonValue(ordered_json::parse("1.5"), 'R', "x", &errors), "1.5");
  EXPECT_EQ(FormatJsonValue(ordered_json::parse("\"2016-01-01T00:00:00.500\""), 'P', "t", &errors),
            "2016-01-01T00:00:00.5");
  EXPECT_EQ(FormatJsonValue(ordered_json::parse("\"\""), 'T', "s", &errors), "(empty)");
  EXPECT_TRUE(errors.empty());
  FormatJsonValue(ordered_json::parse("1"), 'R', "x", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("column 'x' is R"), std::string::npos) << errors[0];
}

TEST(SqlLogicRunnerTest, ParsesCsv) {
  using Records = std::vector<std::vector<std::string>>;
  EXPECT_EQ(CsvRecords("a,\"b,c\",\"d\"\"e\"\n"), (Records{{"a", "b,c", "d\"e"}}));
  EXPECT_EQ(CsvRecords("x,y\r\n1,\r\n,\"two\nlines\"\n"),
            (Records{{"x", "y"}, {"1", ""}, {"", "two\nlines"}}));
  EXPECT_EQ(CsvRecords("x\n\"\"\n"), (Records{{"x"}, {""}}));  // one empty field
  EXPECT_EQ(CsvRecords(""), Records{});
}

TEST(SqlLogicRunnerTest, ParsesJsonLinesKeepingEveryKey) {
  std::optional<JsonFields> fields =
      ParseJsonFields(R"({"host":"a","n":1,"host":"b","o":{"k":[1,{"z":null}]},"f":1.5})");
  ASSERT_TRUE(fields.has_value());
  ASSERT_EQ(fields->size(), 5u);
  EXPECT_EQ((*fields)[0], (std::pair<std::string, ordered_json>{"host", "a"}));
  EXPECT_EQ((*fields)[1], (std::pair<std::string, ordered_json>{"n", 1}));
  EXPECT_EQ((*fields)[2], (std::pair<std::string, ordered_json>{"host", "b"}));
  EXPECT_EQ((*fields)[3].second, ordered_json::parse(R"({"k":[1,{"z":null}]})"));
  EXPECT_TRUE((*fields)[4].second.is_number_float());
  EXPECT_EQ(ParseJsonFields("{}"), JsonFields{});
  EXPECT_FALSE(ParseJsonFields("").has_value());
  EXPECT_FALSE(ParseJsonFields("[1]").has_value());
  EXPECT_FALSE(ParseJsonFields("1").has_value());
  EXPECT_FALSE(ParseJsonFields(R"({"a":1} {"b":2})").has_value());
  EXPECT_FALSE(ParseJsonFields(R"({"a":1)").has_value());
}

TEST(SqlLogicRunnerTest, PlacesJsonKeysOnColumns) {
  auto place = [](std::vector<std::string> names, std::vector<std::string> keys) {
    JsonFields fields;
    for (const std::string& key : keys) {
      fields.emplace_back(key, 1);
    }
    std::vector<int> column_field;
    Placement placement = PlaceFields(names, fields, &column_field);
    return std::make_pair(placement,
                          placement == Placement::kUnique ? column_field : std::vector<int>());
  };
  using P = std::pair<Placement, std::vector<int>>;
  EXPECT_EQ(place({"a", "b", "c"}, {"a", "b", "c"}), (P{Placement::kUnique, {0, 1, 2}}));
  EXPECT_EQ(place({"a", "b", "c"}, {"a", "c"}), (P{Placement::kUnique, {0, -1, 1}}));
  EXPECT_EQ(place({"a", "b", "c"}, {}), (P{Placement::kUnique, {-1, -1, -1}}));
  EXPECT_EQ(place({"host", "host"}, {"host", "host"}), (P{Placement::kUnique, {0, 1}}));
  EXPECT_EQ(place({"host", "host"}, {}), (P{Placement::kUnique, {-1, -1}}));
  // Duplicate names with a NULL between them: the other keys pin the placement.
  EXPECT_EQ(place({"host", "n", "host"}, {"host", "n"}), (P{Placement::kUnique, {0, 1, -1}}));
  EXPECT_EQ(place({"host", "n", "host"}, {"n", "host"}), (P{Placement::kUnique, {-1, 0, 1}}));
  EXPECT_EQ(place({"time", "x", "time", "y"}, {"time", "x", "time"}),
            (P{Placement::kUnique, {0, 1, 2, -1}}));
  // Which of two adjacent columns of one name is NULL cannot be told.
  EXPECT_EQ(place({"host", "host"}, {"host"}).first, Placement::kAmbiguous);
  EXPECT_EQ(place({"host", "n", "host"}, {"host"}).first, Placement::kAmbiguous);
  EXPECT_EQ(place({"a", "host", "host", "b"}, {"a", "host", "b"}).first, Placement::kAmbiguous);
  // Keys that are not the names of columns in order.
  EXPECT_EQ(place({"a", "b"}, {"b", "a"}).first, Placement::kImpossible);
  EXPECT_EQ(place({"a"}, {"a", "a"}).first, Placement::kImpossible);
  EXPECT_EQ(place({"a"}, {"z"}).first, Placement::kImpossible);
}

TEST(SqlLogicRunnerTest, ReadsRowsWithDuplicateColumnNames) {
  using Rows = std::vector<std::vector<std::string>>;
  // Both columns present: JSON values by position (an object would keep only the last host).
  absl::StatusOr<QueryOutcome> outcome =
      ResultRows("host,host,time,time\na,b,1970-01-01T00:00:01,1970-01-01T00:00:02\n",
                 "{\"host\":\"a\",\"host\":\"b\",\"time\":\"1970-01-01T00:00:01\","
                 "\"time\":\"1970-01-01T00:00:02.500\"}\n",
                 "TTPP");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->type_errors.empty());
  EXPECT_EQ(outcome->rows, (Rows{{"a", "b", "1970-01-01T00:00:01", "1970-01-01T00:00:02.5"}}));
  // A NULL between duplicates, placed by the other keys.
  outcome =
      ResultRows("host,n,host\n", "{\"n\":2,\"host\":\"b\"}\n{\"host\":\"a\",\"n\":3}\n", "TIT");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->rows, (Rows{{"NULL", "2", "b"}, {"a", "3", "NULL"}}));
  // One of two adjacent hosts NULL: read from the CSV, typed by the letters.
  const std::string csv =
      "host,host,n,r,ok,t\n"
      "a,,3,1.5,true,2016-01-01T00:00:00.500\n"
      ",b,,1e-7,,\n"
      "c,c,-4,inf,false,2016-01-01T00:00:00\n";
  const std::string jsonl =
      "{\"host\":\"a\",\"n\":3,\"r\":1.5,\"ok\":true,\"t\":\"2016-01-01T00:00:00.500\"}\n"
      "{\"host\":\"b\",\"r\":1.0e-7}\n"
      "{\"host\":\"c\",\"host\":\"c\",\"n\":-4,\"r\":null,\"ok\":false,"
      "\"t\":\"2016-01-01T00:00:00\"}\n";
  outcome = ResultRows(csv, jsonl, "TTIRBP");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->type_errors.empty());
  EXPECT_EQ(outcome->rows,
            (Rows{{"a", "NULL", "3", "1.5", "true", "2016-01-01T00:00:00.5"},
                  {"NULL", "b", "NULL", "1e-07", "NULL", "NULL"},
                  {"c", "c", "-4", "Infinity", "false", "2016-01-01T00:00:00"}}));
  // The CSV fallback checks the letters too.
  outcome = ResultRows("h,h,n\nx,,1.5\n", "{\"h\":\"x\",\"n\":1.5}\n", "TTI");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  ASSERT_EQ(outcome->type_errors.size(), 1u);
  EXPECT_NE(outcome->type_errors[0].find("column 'n' is I"), std::string::npos);
  // An empty string beside a NULL of the same name: CSV cannot tell which is which.
  outcome = ResultRows("h,h\n,\n", "{\"h\":\"\"}\n", "TT");
  EXPECT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find("cannot tell"), std::string_view::npos);
  // Keys that do not fit the columns, and a wrong column count.
  EXPECT_FALSE(ResultRows("a,b\n", "{\"b\":1,\"a\":2}\n", "II").ok());
  outcome = ResultRows("a,b\n", "", "I");
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->type_errors.size(), 1u);
}

// A backend that answers from a script, to test the comparison and the failure messages.
class FakeBackend : public Backend {
 public:
  absl::Status Start() override { return absl::OkStatus(); }
  absl::Status Write(const std::string&, const std::string&) override { return absl::OkStatus(); }
  absl::StatusOr<QueryOutcome> Query(const std::string& sql, const std::string&) override {
    if (sql == "bad") {
      return absl::InvalidArgumentError("syntax error at line 1, column 1");
    }
    QueryOutcome outcome;
    outcome.rows = {{"a", "1"}, {"b", "NULL"}};
    return outcome;
  }
  absl::Status Restart() override { return absl::OkStatus(); }
  absl::StatusOr<std::string> InfluxQL(const std::string& text,
                                       const std::string&,
                                       std::optional<int64_t> now_ns) override {
    if (text == "bad") {
      return std::string(R"({"error":"error parsing query: syntax error at line 1, column 1"})");
    }
    if (now_ns.has_value()) {
      return fmt::format(R"({{"results":[{{"statement_id":0,"series":[{{"name":"now",)"
                         R"("columns":["time"],"values":[[{}]]}}]}}]}})",
                         *now_ns);
    }
    return std::string(R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
                       R"("columns":["time","f"],"values":[["1970-01-01T00:00:00Z",2]]}]}]})");
  }
  bool CanPinNow() const override { return true; }
};

TEST(SqlLogicRunnerTest, ReportsFailuresAtTheirLines) {
  auto records = ParseFile(
      "query TI rowsort\n"  // 1: passes sorted
      "rows\n"
      "----\n"
      "b NULL\n"
      "a 1\n"
      "\n"
      "query TI\n"  // 7: fails: the order differs without rowsort
      "rows\n"
      "----\n"
      "b NULL\n"
      "a 1\n"
      "\n"
      "statement error syntax error\n"  // 13: passes
      "bad\n"
      "\n"
      "statement error table\n"  // 16: fails: the message differs
      "bad\n"
      "\n"
      "statement error syntax\n"  // 19: fails: no error
      "rows\n"
      "\n"
      "query TI\n"  // 22: fails: an error
      "bad\n"
      "----\n");
  ASSERT_TRUE(records.ok()) << records.status();
  FakeBackend backend;
  std::vector<Failure> failures = RunRecords(backend, *records);
  ASSERT_EQ(failures.size(), 4u);
  EXPECT_EQ(failures[0].line, 7);
  EXPECT_NE(failures[0].message.find("expected:\n    b NULL\n    a 1\nactual:\n    a 1\n"),
            std::string::npos)
      << failures[0].message;
  EXPECT_EQ(failures[1].line, 16);
  EXPECT_NE(failures[1].message.find("actual error: syntax error"), std::string::npos);
  EXPECT_EQ(failures[2].line, 19);
  EXPECT_NE(failures[2].message.find("but it succeeded"), std::string::npos);
  EXPECT_EQ(failures[3].line, 22);
  EXPECT_NE(failures[3].message.find("unexpected error: syntax error"), std::string::npos);
}

TEST(SqlLogicRunnerTest, ParsesInfluxQLRecords) {
  auto records = ParseFile(
      "influxql epoch=s now=2016-01-01T01:00:00.5Z\n"
      "SELECT f\n"
      "FROM m\n"
      "----\n"
      "{\"results\":[{\"statement_id\":0}]}\n"
      "\n"
      "influxql error syntax error at line 1\n"
      "SELEC\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].kind, RecordKind::kInfluxQL);
  EXPECT_EQ((*records)[0].epoch, "s");
  EXPECT_EQ((*records)[0].now_ns, 1451610000'500000000);
  EXPECT_EQ((*records)[0].sql, "SELECT f\nFROM m");
  EXPECT_EQ((*records)[1].expected_error, "syntax error at line 1");
  const std::pair<const char*, const char*> bad[] = {
      {"influxql\nSELECT 1\n", "line 1: influxql without ----"},
      {"influxql epoch=s\nSELECT 1\n----\n{\"a\":\n1}\n", "line 1: the expected result"},
      {"influxql\nSELECT 1\n----\n{\"a\"\n", "line 2: the expected result is not valid"},
      {"influxql now=2016-01-01\nSELECT 1\n----\n{}\n", "line 1: bad time"},
      {"influxql db=x\nSELECT 1\n----\n{}\n", "line 1: unknown influxql option"},
      {"influxql error x\nSELECT 1\n----\n{}\n", "line 3: an influxql error record"},
  };
  for (const auto& [text, message] : bad) {
    auto parsed = ParseFile(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_TRUE(std::string(parsed.status().message()).starts_with(message)) << text << "\n"
                                                                             << parsed.status();
  }
}

TEST(SqlLogicRunnerTest, ComparesV1JsonWithNumberKinds) {
  EXPECT_TRUE(SameV1Json(R"({"a":[1,2.5,"x"],"b":null})", R"({ "b": null, "a": [1, 2.5, "x"] })"));
  EXPECT_FALSE(SameV1Json(R"({"a":2})", R"({"a":2.0})"));
  EXPECT_FALSE(SameV1Json(R"({"a":1e-7})", R"({"a":1})"));
  EXPECT_TRUE(SameV1Json(R"({"a":1e-7})", R"({"a":1e-07})"));
  EXPECT_FALSE(SameV1Json(R"({"a":[1,2]})", R"({"a":[2,1]})"));
  EXPECT_FALSE(SameV1Json(R"({"a":1})", R"({"a":1)"));
  EXPECT_EQ(V1Errors(R"({"error":"x"})"), std::vector<std::string>{"x"});
  EXPECT_EQ(V1Errors(R"({"results":[{"statement_id":0},{"statement_id":1,"error":"y"}]})"),
            std::vector<std::string>{"y"});
}

TEST(SqlLogicRunnerTest, ReportsInfluxQLFailures) {
  auto records = ParseFile(
      "influxql\n"  // 1: passes
      "ok\n"
      "----\n"
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\","
      "\"f\"],\"values\":[[\"1970-01-01T00:00:00Z\",2]]}]}]}\n"
      "\n"
      "influxql\n"  // 6: fails: 2.0 is not 2
      "ok\n"
      "----\n"
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"m\",\"columns\":[\"time\","
      "\"f\"],\"values\":[[\"1970-01-01T00:00:00Z\",2.0]]}]}]}\n"
      "\n"
      "influxql error syntax error\n"  // 11: passes
      "bad\n"
      "\n"
      "influxql error not found\n"  // 14: fails
      "bad\n"
      "\n"
      "influxql now=1970-01-01T00:00:01Z\n"  // 17: passes: now is passed on
      "now\n"
      "----\n"
      "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"now\",\"columns\":[\"time\"],"
      "\"values\":[[1000000000]]}]}]}\n");
  ASSERT_TRUE(records.ok()) << records.status();
  FakeBackend backend;
  std::vector<Failure> failures = RunRecords(backend, *records);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].line, 6);
  EXPECT_EQ(failures[1].line, 14);
  EXPECT_NE(failures[1].message.find("actual response: {\"error\""), std::string::npos)
      << failures[1].message;
}

}  // namespace
}  // namespace strata::sql_test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--run-pending") {
      strata::sql_test::run_pending = true;
    } else {
      std::fprintf(stderr, "unknown argument '%s' (besides gtest flags: --run-pending)\n", argv[i]);
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
