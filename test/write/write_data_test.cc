// Data-driven end-to-end tests of the write path: every `.test` file in test/write/ is one test
// case, run in order against a fresh `strata serve` process (its own data directory), over real
// HTTP. The file format is described in test/write/README.md.
#include <signal.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/e2e/server_process.h"

#ifndef STRATA_WRITE_TEST_DIR
#error "STRATA_WRITE_TEST_DIR must name the directory holding the .test files"
#endif

namespace strata::write_test {
namespace {

using nlohmann::json;

// The separator between a record's request and its expected result.
constexpr std::string_view kSeparator = "----";
// In an expected JSON value, this string matches any value (e.g. a process id).
constexpr std::string_view kAnyValue = "<any>";

enum class RecordKind { kWrite, kRows, kHttp, kRestart, kCrash };

// One record of a .test file: a request and what it must answer, or a server restart.
struct Record {
  RecordKind kind = RecordKind::kWrite;
  int line = 0;  // of the record's first line in the file
  std::vector<std::pair<std::string, std::string>> options;
  std::string method;  // kHttp
  std::string path;    // kHttp
  std::string body;    // the request body, after the body options were applied
  // The expected status; nullopt for a `rows` record that lists rows (200 implied).
  std::optional<int> expected_status;
  // The expected response body (lines joined with '\n'); nullopt when only the status is checked.
  std::optional<std::string> expected_body;
  // Expected rows of a `rows` record, each with its line number in the file.
  std::vector<std::pair<int, std::string>> expected_rows;

  const std::string* Option(std::string_view key) const {
    for (const auto& [k, v] : options) {
      if (k == key) {
        return &v;
      }
    }
    return nullptr;
  }
  bool Flag(std::string_view key) const {
    const std::string* value = Option(key);
    return value != nullptr && *value == "true";
  }
};

// A check that did not hold, at a line of the .test file.
struct Failure {
  int line = 0;
  std::string message;
};

// Options a record may carry; anything else is a mistake in the file, not a query parameter.
constexpr std::string_view kBodyOptions[] = {"raw", "eol", "final_eol", "hex", "gzip", "header"};
constexpr std::string_view kWriteParameters[] = {
    "db", "bucket", "precision", "accept_partial", "no_sync", "org", "rp"};

bool Contains(std::span<const std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Splits `text` at every `separator`; with `skip_empty`, empty pieces are dropped.
std::vector<std::string_view> Split(std::string_view text, char separator, bool skip_empty) {
  std::vector<std::string_view> pieces;
  while (true) {
    size_t end = text.find(separator);
    std::string_view piece = text.substr(0, end);
    if (!skip_empty || !piece.empty()) {
      pieces.push_back(piece);
    }
    if (end == std::string_view::npos) {
      return pieces;
    }
    text.remove_prefix(end + 1);
  }
}

bool IsStatusLine(std::string_view line) {
  return line.size() == 3 && std::all_of(line.begin(), line.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c));
         });
}

bool IsRecordStart(std::string_view line) {
  for (std::string_view keyword : {"write", "rows", "http"}) {
    if (line.starts_with(keyword) && line.size() > keyword.size() && line[keyword.size()] == ' ') {
      return true;
    }
  }
  return line == "restart" || line == "crash";
}

// Decodes `\xNN` sequences (option hex=true); every other byte is kept.
std::string DecodeHex(std::string_view line) {
  auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 3 < line.size() && line[i + 1] == 'x' &&
        hex_value(line[i + 2]) >= 0 && hex_value(line[i + 3]) >= 0) {
      out.push_back(static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3])));
      i += 3;
    } else {
      out.push_back(line[i]);
    }
  }
  return out;
}

// Compresses `input` as a gzip stream with zlib directly, independently of the server's code.
std::string GzipCompress(std::string_view input) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    ADD_FAILURE() << "deflateInit2 failed";
    return "";
  }
  std::string out(deflateBound(&stream, input.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// Splits a .test file into records. Errors name the line of the file.
class ScriptParser {
 public:
  explicit ScriptParser(std::string_view text) {
    lines_ = Split(text, '\n', /*skip_empty=*/false);
    if (!lines_.empty() && lines_.back().empty()) {
      lines_.pop_back();  // the file's final newline
    }
  }

  absl::StatusOr<std::vector<Record>> Parse() {
    std::vector<Record> records;
    while (next_ < lines_.size()) {
      std::string_view line = lines_[next_];
      if (line.empty() || line.front() == '#') {
        ++next_;
        continue;
      }
      absl::StatusOr<Record> record = ParseRecord();
      if (!record.ok()) {
        return record.status();
      }
      records.push_back(*std::move(record));
    }
    return records;
  }

 private:
  absl::Status Error(size_t index, std::string_view message) const {
    return absl::InvalidArgumentError(fmt::format("line {}: {}", index + 1, message));
  }

  absl::StatusOr<Record> ParseRecord() {
    const size_t header = next_++;
    Record record;
    record.line = static_cast<int>(header + 1);
    std::vector<std::string> words;
    for (std::string_view word : Split(lines_[header], ' ', /*skip_empty=*/true)) {
      words.emplace_back(word);
    }
    const std::string& keyword = words[0];
    size_t first_option = 1;
    if (keyword == "restart" || keyword == "crash") {
      if (words.size() != 1) {
        return Error(header, fmt::format("'{}' takes no arguments", keyword));
      }
      record.kind = keyword == "restart" ? RecordKind::kRestart : RecordKind::kCrash;
      return record;
    } else if (keyword == "write") {
      record.kind = RecordKind::kWrite;
    } else if (keyword == "rows") {
      record.kind = RecordKind::kRows;
    } else if (keyword == "http") {
      record.kind = RecordKind::kHttp;
      if (words.size() < 3 || words[2].empty() || words[2][0] != '/') {
        return Error(header, "expected 'http METHOD /PATH [options]'");
      }
      record.method = words[1];
      record.path = words[2];
      first_option = 3;
    } else {
      return Error(header,
                   fmt::format("unknown record '{}' (expected write, rows, http, restart or crash)",
                               keyword));
    }
    for (size_t i = first_option; i < words.size(); ++i) {
      size_t eq = words[i].find('=');
      if (eq == std::string::npos || eq == 0) {
        return Error(header, fmt::format("expected an option key=value, found '{}'", words[i]));
      }
      std::string key = words[i].substr(0, eq);
      bool known =
          record.kind == RecordKind::kRows ? key == "db" || key == "table"
          : record.kind == RecordKind::kWrite
              ? Contains(kBodyOptions, key) || Contains(kWriteParameters, key) || key == "api"
              : Contains(kBodyOptions, key);
      if (!known) {
        return Error(header, fmt::format("unknown option '{}' for {}", key, keyword));
      }
      record.options.emplace_back(std::move(key), words[i].substr(eq + 1));
    }
    if (record.kind == RecordKind::kRows) {
      if (record.Option("db") == nullptr || record.Option("table") == nullptr) {
        return Error(header, "'rows' needs db= and table=");
      }
      if (next_ >= lines_.size() || lines_[next_] != kSeparator) {
        return Error(next_, "expected '----' after a 'rows' line");
      }
      ++next_;
    } else {
      absl::Status body = ParseBody(header, &record);
      if (!body.ok()) {
        return body;
      }
    }
    return ParseExpected(header, &record);
  }

  // Reads the request body up to the separator and applies the body options.
  absl::Status ParseBody(size_t header, Record* record) {
    const bool raw = record->Flag("raw");
    const bool hex = record->Flag("hex");
    const std::string* eol_option = record->Option("eol");
    const std::string* final_eol_option = record->Option("final_eol");
    if (eol_option != nullptr && *eol_option != "lf" && *eol_option != "crlf") {
      return Error(header, "eol must be lf or crlf");
    }
    if (final_eol_option != nullptr && *final_eol_option != "true" &&
        *final_eol_option != "false") {
      return Error(header, "final_eol must be true or false");
    }
    if (const std::string* api = record->Option("api");
        api != nullptr && *api != "v1" && *api != "v2" && *api != "v3") {
      return Error(header, "api must be v1, v2 or v3");
    }
    const std::string eol = eol_option != nullptr && *eol_option == "crlf" ? "\r\n" : "\n";
    std::vector<std::string> body_lines;
    while (true) {
      if (next_ >= lines_.size()) {
        return Error(header, "the record has no '----' line");
      }
      std::string_view line = lines_[next_];
      if (line == kSeparator) {
        ++next_;
        break;
      }
      if (!raw && line.empty()) {
        return Error(next_,
                     "blank line in a request body (a missing '----'? for a body with blank "
                     "lines, use raw=true)");
      }
      if (raw || line.front() != '#') {
        body_lines.push_back(hex ? DecodeHex(line) : std::string(line));
      }
      ++next_;
    }
    for (size_t i = 0; i < body_lines.size(); ++i) {
      record->body += body_lines[i];
      if (i + 1 < body_lines.size() || final_eol_option == nullptr || *final_eol_option == "true") {
        record->body += eol;
      }
    }
    return absl::OkStatus();
  }

  // Reads the expected block: lines up to a blank line or the end of the file.
  absl::StatusOr<Record> ParseExpected(size_t header, Record* record) {
    std::vector<std::pair<int, std::string>> expected;
    while (next_ < lines_.size() && !lines_[next_].empty()) {
      if (IsRecordStart(lines_[next_])) {
        return Error(next_, "a record starts inside an expected block (a missing blank line?)");
      }
      expected.emplace_back(static_cast<int>(next_ + 1), lines_[next_]);
      ++next_;
    }
    const bool has_status = !expected.empty() && IsStatusLine(expected.front().second);
    if (record->kind == RecordKind::kRows && !has_status) {
      record->expected_rows = std::move(expected);
      return std::move(*record);
    }
    if (!has_status) {
      return Error(expected.empty() ? header : expected.front().first - 1,
                   "expected a 3-digit HTTP status after '----'");
    }
    record->expected_status = std::stoi(expected.front().second);
    if (expected.size() > 1) {
      std::string body;
      for (size_t i = 1; i < expected.size(); ++i) {
        body += (i > 1 ? "\n" : "") + expected[i].second;
      }
      record->expected_body = std::move(body);
    }
    return std::move(*record);
  }

  std::vector<std::string_view> lines_;
  size_t next_ = 0;
};

// Equality of an expected and an actual JSON value, stricter than nlohmann's operator==: the
// number kinds must agree, so a float 1.0 (written `1.0`) never matches an integer 1. Both sides
// come from text, so integers parse the same way on both (non-negative ones as unsigned).
// An expected string "<any>" matches any value.
bool JsonMatches(const json& expected, const json& actual) {
  if (expected.is_string() && expected.get_ref<const std::string&>() == kAnyValue) {
    return true;
  }
  if (expected.type() != actual.type()) {
    return false;
  }
  if (expected.is_object()) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (const auto& [key, value] : expected.items()) {
      auto it = actual.find(key);
      if (it == actual.end() || !JsonMatches(value, *it)) {
        return false;
      }
    }
    return true;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!JsonMatches(expected[i], actual[i])) {
        return false;
      }
    }
    return true;
  }
  return expected == actual;
}

// Indents every line of `text` by two spaces (for failure messages).
std::string Indent(std::string_view text) {
  if (text.ends_with('\n')) {
    text.remove_suffix(1);
  }
  std::string out = "  ";
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') {
      out += "  ";
    }
  }
  return out;
}

// Runs the records of one file against one server, collecting failures instead of stopping at
// the first one (a restart or a failed request to a dead server ends the run).
class ScriptRunner {
 public:
  // No periodic snapshots: `rows` and /api/v3/debug/buffer read the write buffer, which must
  // hold every row written (the files' timestamps are long past, so their windows are closed).
  ScriptRunner() : server_(dir_.path() + "/data", {"--snapshot-check-interval", "0"}) {}

  std::vector<Failure> Run(const std::vector<Record>& records) {
    server_.Start();
    if (::testing::Test::HasFatalFailure()) {
      return std::move(failures_);
    }
    client_ = server_.Client();
    for (const Record& record : records) {
      if (!RunRecord(record)) {
        break;
      }
    }
    return std::move(failures_);
  }

 private:
  void Fail(int line, std::string message) { failures_.push_back({line, std::move(message)}); }

  // Returns false when the run cannot go on.
  bool RunRecord(const Record& record) {
    switch (record.kind) {
      case RecordKind::kRestart:
      case RecordKind::kCrash: {
        const bool crash = record.kind == RecordKind::kCrash;
        client_.reset();
        int status = server_.Stop(crash ? SIGKILL : SIGTERM);
        if (!crash && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
          Fail(record.line,
               fmt::format("restart: the server did not exit cleanly on SIGTERM (wait status "
                           "{:#x}); log:\n{}",
                           status,
                           server_.Log()));
        }
        server_.Start();
        if (::testing::Test::HasFatalFailure()) {
          Fail(record.line, "the server did not start again");
          return false;
        }
        client_ = server_.Client();
        return true;
      }
      case RecordKind::kWrite:
        return Exchange(record, "POST", WriteTarget(record));
      case RecordKind::kHttp:
        return Exchange(record, record.method, record.path);
      case RecordKind::kRows:
        return Rows(record);
    }
    return false;
  }

  static std::string WriteTarget(const Record& record) {
    const std::string* api = record.Option("api");
    const std::string version = api == nullptr ? "v3" : *api;
    std::string target = version == "v3"   ? "/api/v3/write_lp"
                         : version == "v2" ? "/api/v2/write"
                                           : "/write";
    char separator = '?';
    for (const auto& [key, value] : record.options) {
      if (!Contains(kWriteParameters, key)) {
        continue;
      }
      const std::string name = key == "db" && version == "v2" ? "bucket" : key;
      target += fmt::format("{}{}={}", separator, name, value);
      separator = '&';
    }
    return target;
  }

  bool Exchange(const Record& record, const std::string& method, const std::string& target) {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body = record.body;
    if (record.Flag("gzip")) {
      body = GzipCompress(body);
      headers.emplace_back("Content-Encoding", "gzip");
    }
    for (const auto& [key, value] : record.options) {
      if (key == "header") {
        size_t colon = value.find(':');
        headers.emplace_back(value.substr(0, colon),
                             colon == std::string::npos ? "" : value.substr(colon + 1));
      }
    }
    auto response = client_->Request(method, target, body, headers);
    const std::string request = fmt::format("{} {}", method, target);
    if (!response.ok()) {
      Fail(record.line,
           fmt::format("{}: request failed: {}\nserver log:\n{}",
                       request,
                       response.status().ToString(),
                       server_.Log()));
      return false;
    }
    CheckResponse(record, request, *response);
    return true;
  }

  void CheckResponse(const Record& record,
                     const std::string& request,
                     const server::ClientResponse& response) {
    if (response.status != *record.expected_status) {
      Fail(record.line,
           fmt::format("{}\nexpected status: {}\n  actual status: {}\nactual body:\n{}",
                       request,
                       *record.expected_status,
                       response.status,
                       Indent(response.body)));
      return;
    }
    if (!record.expected_body.has_value()) {
      return;
    }
    const std::string& expected_text = *record.expected_body;
    json expected = json::parse(expected_text, nullptr, /*allow_exceptions=*/false);
    bool matches;
    if (expected.is_discarded()) {
      // Not JSON: compare the text, ignoring one final newline of the response.
      std::string_view actual = response.body;
      if (actual.ends_with('\n')) {
        actual.remove_suffix(1);
      }
      matches = actual == expected_text;
    } else {
      json actual = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
      matches = !actual.is_discarded() && JsonMatches(expected, actual);
    }
    if (!matches) {
      Fail(record.line,
           fmt::format("{}\nexpected body:\n{}\n  actual body:\n{}",
                       request,
                       Indent(expected_text),
                       Indent(response.body)));
    }
  }

  bool Rows(const Record& record) {
    const std::string target = fmt::format(
        "/api/v3/debug/rows?db={}&table={}", *record.Option("db"), *record.Option("table"));
    if (record.expected_status.has_value()) {
      return Exchange(record, "GET", target);
    }
    auto response = client_->Request("GET", target);
    if (!response.ok()) {
      Fail(record.line,
           fmt::format("GET {}: request failed: {}\nserver log:\n{}",
                       target,
                       response.status().ToString(),
                       server_.Log()));
      return false;
    }
    if (response->status != 200) {
      Fail(record.line,
           fmt::format("GET {}\nexpected status: 200\n  actual status: {}\nactual body:\n{}",
                       target,
                       response->status,
                       Indent(response->body)));
      return true;
    }
    std::vector<std::string_view> actual_lines = Split(response->body, '\n', /*skip_empty=*/true);
    bool matches = actual_lines.size() == record.expected_rows.size();
    for (size_t i = 0; matches && i < actual_lines.size(); ++i) {
      const auto& [line, text] = record.expected_rows[i];
      json expected = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (expected.is_discarded()) {
        Fail(line, fmt::format("expected row is not valid JSON: {}", text));
        return true;
      }
      json actual = json::parse(actual_lines[i], nullptr, /*allow_exceptions=*/false);
      matches = !actual.is_discarded() && JsonMatches(expected, actual);
    }
    if (!matches) {
      std::string expected_text;
      for (const auto& [line, text] : record.expected_rows) {
        expected_text += text + "\n";
      }
      std::string actual_text;
      for (std::string_view text : actual_lines) {
        actual_text += fmt::format("{}\n", text);
      }
      Fail(record.line,
           fmt::format("GET {}\nexpected rows ({}):\n{}\n  actual rows ({}):\n{}",
                       target,
                       record.expected_rows.size(),
                       Indent(expected_text),
                       actual_lines.size(),
                       Indent(actual_text)));
    }
    return true;
  }

  e2e::TempDir dir_;
  e2e::ServerProcess server_;
  std::unique_ptr<server::HttpClient> client_;
  std::vector<Failure> failures_;
};

// Parses and runs a script; a syntax error in it is a failure at its line.
std::vector<Failure> RunScript(std::string_view text) {
  absl::StatusOr<std::vector<Record>> records = ScriptParser(text).Parse();
  if (!records.ok()) {
    return {{0, fmt::format("cannot parse the file: {}", std::string(records.status().message()))}};
  }
  return ScriptRunner().Run(*records);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(STRATA_WRITE_TEST_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class WriteDataTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WriteDataTest, Run) {
  const std::filesystem::path path = std::filesystem::path(STRATA_WRITE_TEST_DIR) / GetParam();
  for (const Failure& failure : RunScript(ReadFile(path))) {
    ADD_FAILURE_AT(path.c_str(), failure.line) << failure.message;
  }
}

// The test name of a file: its stem, with anything but letters and digits replaced by '_'.
std::string TestName(const ::testing::TestParamInfo<std::string>& file) {
  std::string name = std::filesystem::path(file.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, WriteDataTest, ::testing::ValuesIn(TestFiles()), TestName);

// The runner itself: it must notice wrong expectations and malformed files.

TEST(WriteDataRunnerTest, FindsTheTestFiles) {
  EXPECT_GE(TestFiles().size(), 8u) << "in " << STRATA_WRITE_TEST_DIR;
}

TEST(WriteDataRunnerTest, ParsesBodiesAndExpectations) {
  auto records = ScriptParser(
                     "# a comment\n"
                     "write db=a precision=s eol=crlf final_eol=false\n"
                     "m f=1 1\n"
                     "# not part of the body\n"
                     "m f=2 2\n"
                     "----\n"
                     "400\n"
                     "{\"error\":\n"
                     " \"x\"}\n"
                     "\n"
                     "write db=a raw=true hex=true\n"
                     "\n"
                     "# part of the body\\x00\n"
                     "----\n"
                     "204\n"
                     "\n"
                     "rows db=a table=m\n"
                     "----\n"
                     "\n"
                     "restart\n"
                     "rows db=a table=m\n"
                     "----\n"
                     "{\"time\":1}\n")
                     .Parse();
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 5u);
  const Record& first = (*records)[0];
  EXPECT_EQ(first.line, 2);
  EXPECT_EQ(first.body, "m f=1 1\r\nm f=2 2");
  EXPECT_EQ(first.expected_status, 400);
  EXPECT_EQ(first.expected_body, "{\"error\":\n \"x\"}");
  EXPECT_EQ((*records)[1].body, std::string("\n# part of the body\0\n", 21));
  EXPECT_FALSE((*records)[1].expected_body.has_value());
  EXPECT_TRUE((*records)[2].expected_rows.empty());
  EXPECT_FALSE((*records)[2].expected_status.has_value());
  EXPECT_EQ((*records)[3].kind, RecordKind::kRestart);
  ASSERT_EQ((*records)[4].expected_rows.size(), 1u);
  EXPECT_EQ((*records)[4].expected_rows[0].first, 23);
}

TEST(WriteDataRunnerTest, RejectsMalformedFiles) {
  const std::pair<const char*, const char*> cases[] = {
      {"write db=a\nm f=1\n", "line 1: the record has no '----' line"},
      {"write db=a\nm f=1\n\nm f=2\n----\n204\n", "line 3: blank line in a request body"},
      {"write db=a\nm f=1\n----\n", "line 1: expected a 3-digit HTTP status"},
      {"write db=a\n----\n204\nrows db=a table=m\n----\n", "line 4: a record starts inside"},
      {"write db=a acept_partial=false\n----\n204\n", "line 1: unknown option 'acept_partial'"},
      {"select 1\n", "line 1: unknown record 'select'"},
      {"rows db=a\n----\n", "line 1: 'rows' needs db= and table="},
      {"restart now\n", "line 1: 'restart' takes no arguments"},
  };
  for (const auto& [text, message] : cases) {
    auto records = ScriptParser(text).Parse();
    ASSERT_FALSE(records.ok()) << text;
    EXPECT_TRUE(std::string(records.status().message()).starts_with(message)) << text << "\n"
                                                                              << records.status();
  }
}

TEST(WriteDataRunnerTest, JsonMatchingIsStrictAboutNumberKinds) {
  EXPECT_TRUE(JsonMatches(json::parse(R"({"a":1,"b":[1.5,"x",null]})"),
                          json::parse(R"({"b":[1.5,"x",null],"a":1})")));
  EXPECT_FALSE(JsonMatches(json::parse(R"({"a":1})"), json::parse(R"({"a":1.0})")));
  EXPECT_FALSE(JsonMatches(json::parse(R"({"a":1})"), json::parse(R"({"a":1,"b":null})")));
  EXPECT_FALSE(JsonMatches(json::parse(R"([1,2])"), json::parse(R"([2,1])")));
  EXPECT_TRUE(JsonMatches(json::parse(R"({"a":"<any>"})"), json::parse(R"({"a":17})")));
}

TEST(WriteDataRunnerTest, ReportsWrongExpectationsAtTheirLines) {
  std::vector<Failure> failures = RunScript(
      "write db=self precision=ns\n"
      "m,t=a f=1i 10\n"
      "----\n"
      "204\n"
      "\n"
      "# wrong status\n"
      "write db=self\n"
      "m f=\n"
      "----\n"
      "204\n"
      "\n"
      "# wrong row: f is an integer, not a float\n"
      "rows db=self table=m\n"
      "----\n"
      "{\"time\":10,\"t\":\"a\",\"f\":1.0}\n"
      "\n"
      "crash\n"
      "# right\n"
      "rows db=self table=m\n"
      "----\n"
      "{\"time\":10,\"t\":\"a\",\"f\":1}\n"
      "\n"
      "# wrong body\n"
      "http GET /health\n"
      "----\n"
      "200\n"
      "NOT OK\n");
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].line, 7);
  EXPECT_NE(failures[0].message.find("expected status: 204"), std::string::npos)
      << failures[0].message;
  EXPECT_EQ(failures[1].line, 13);
  EXPECT_NE(failures[1].message.find("\"f\":1.0"), std::string::npos) << failures[1].message;
  EXPECT_EQ(failures[2].line, 24);
  EXPECT_NE(failures[2].message.find("NOT OK"), std::string::npos) << failures[2].message;
}

}  // namespace
}  // namespace strata::write_test
