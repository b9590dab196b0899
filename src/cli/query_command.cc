// The query client and its shell.
#include "cli/query_command.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "cli/statement_splitter.h"
#include "fmt/format.h"
#include "format/result_format.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"
#include "strata/version.h"

namespace strata::cli {
namespace {

constexpr int kHistoryLines = 2000;

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return "";
  }
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

void PrintError(std::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "strata: error: %.*s\n", static_cast<int>(message.size()), message.data());
}

// Sends statements to one server over one kept-alive connection and prints their results (to
// standard output or the --output file).
class QuerySession {
 public:
  QuerySession(std::unique_ptr<server::HttpClient> client,
               const QueryFlags& flags,
               format::ResultFormat result_format)
      : client_(std::move(client)),
        flags_(flags),
        binary_(result_format == format::ResultFormat::kParquet),
        database_(flags.database),
        influxql_(flags.language == "influxql") {}
  QuerySession(const QuerySession&) = delete;
  QuerySession& operator=(const QuerySession&) = delete;
  ~QuerySession() {
    if (out_ != nullptr && out_ != stdout) {
      std::fclose(out_);
    }
  }

  // Runs one statement, printing its result on stdout or its error on stderr. Returns false on
  // an error.
  bool Execute(const std::string& statement) {
    // InfluxQL statements may name their database (SHOW DATABASES, ON db, db..m).
    if (database_.empty() && !influxql_) {
      PrintError("no database selected: pass --database DB (or \\c DB in the shell)");
      return false;
    }
    if (binary_ && results_ > 0) {
      PrintError(
          "--format parquet writes one result as one file: run one statement per file (the "
          "results of several statements cannot be joined into one Parquet file)");
      return false;
    }
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"}};
    if (!flags_.token.empty()) {
      headers.emplace_back("Authorization", "Bearer " + flags_.token);
    }
    nlohmann::json request{{"q", statement}, {"format", flags_.format}};
    if (!database_.empty()) {
      request["db"] = database_;
    }
    auto started = std::chrono::steady_clock::now();
    auto response = client_->Request("POST",
                                     influxql_ ? "/api/v3/query_influxql" : "/api/v3/query_sql",
                                     request.dump(),
                                     headers);
    const double millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (!response.ok()) {
      PrintError(std::string(response.status().message()));
      return false;
    }
    if (response->status != 200) {
      nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
      std::string message =
          parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
              ? parsed["error"].get<std::string>()
              : Trim(response->body);
      PrintError(fmt::format("query failed ({}): {}", response->status, message));
      return false;
    }
    if (!OpenOutput()) {
      return false;
    }
    ++results_;
    std::fwrite(response->body.data(), 1, response->body.size(), out_);
    if (!binary_ && !response->body.empty() && response->body.back() != '\n') {
      std::fputc('\n', out_);  // the pretty table ends without one
    }
    if (std::fflush(out_) != 0 || std::ferror(out_)) {
      PrintError(fmt::format("writing the result to {}: {}",
                             out_ == stdout ? "standard output" : "'" + flags_.output + "'",
                             std::strerror(errno)));
      return false;
    }
    if (timing_) {
      // Not into a Parquet file on standard output.
      std::fprintf(binary_ && out_ == stdout ? stderr : stdout, "Time: %.3f ms\n", millis);
      std::fflush(stdout);
    }
    return true;
  }

  // Runs a backslash command (`line` starts with '\'). Returns false on an error; sets *quit
  // for \q.
  bool Command(const std::string& line, bool* quit) {
    std::string command = line;
    std::string argument;
    if (size_t space = line.find_first_of(" \t"); space != std::string::npos) {
      command = line.substr(0, space);
      argument = Trim(line.substr(space));
    }
    if (command == "\\q" || command == "\\quit") {
      *quit = true;
      return true;
    }
    if (command == "\\timing") {
      if (argument == "on" || argument.empty()) {
        timing_ = argument == "on" || !timing_;
      } else if (argument == "off") {
        timing_ = false;
      } else {
        PrintError("usage: \\timing [on|off]");
        return false;
      }
      std::printf("Timing is %s.\n", timing_ ? "on" : "off");
      return true;
    }
    if (command == "\\c" || command == "\\connect") {
      if (argument.empty()) {
        PrintError("usage: \\c DATABASE");
        return false;
      }
      database_ = argument;
      std::printf("Using database %s.\n", database_.c_str());
      return true;
    }
    if (command == "\\language" || command == "\\lang") {
      if (argument == "sql" || argument == "influxql") {
        influxql_ = argument == "influxql";
      } else if (!argument.empty()) {
        PrintError("usage: \\language [sql|influxql]");
        return false;
      }
      std::printf("Language is %s.\n", influxql_ ? "InfluxQL" : "SQL");
      return true;
    }
    if (command == "\\?" || command == "\\h" || command == "\\help") {
      std::printf(
          "End each statement with ';' (it may span several lines).\n"
          "  \\c DATABASE             query DATABASE from now on\n"
          "  \\language sql|influxql  the language of the next statements\n"
          "  \\timing [on|off]        show how long each statement takes\n"
          "  \\q                      quit (or Ctrl-D)\n");
      return true;
    }
    PrintError(fmt::format("unknown command '{}' (\\? lists the commands)", command));
    return false;
  }

  const std::string& database() const { return database_; }
  bool influxql() const { return influxql_; }

 private:
  // Opens the --output file (once, at the first result, so that a failed query leaves no empty
  // file behind), or takes standard output. False, after saying why, if the file cannot be
  // created.
  bool OpenOutput() {
    if (out_ != nullptr) {
      return true;
    }
    if (flags_.output.empty() || flags_.output == "-") {
      out_ = stdout;
      return true;
    }
    out_ = std::fopen(flags_.output.c_str(), "wb");
    if (out_ == nullptr) {
      PrintError(fmt::format("cannot create '{}': {}", flags_.output, std::strerror(errno)));
      return false;
    }
    return true;
  }

  std::unique_ptr<server::HttpClient> client_;
  const QueryFlags& flags_;
  const bool binary_;  // Parquet: no newline added, one result only
  std::string database_;
  bool influxql_;  // InfluxQL to /api/v3/query_influxql, else SQL to /api/v3/query_sql
  bool timing_ = false;
  FILE* out_ = nullptr;  // set by OpenOutput
  int results_ = 0;
};

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  return home == nullptr || *home == '\0' ? "" : std::string(home) + "/.strata_history";
}

// The interactive shell: errors are reported and the shell goes on.
int RunShell(QuerySession& session) {
  const std::string history = HistoryPath();
  using_history();
  if (!history.empty()) {
    read_history(history.c_str());
  }
  std::printf("strata %s, %s shell on %s. End statements with ';', \\? for help, \\q to quit.\n",
              std::string(kVersion).c_str(),
              session.influxql() ? "InfluxQL" : "SQL",
              session.database().empty() ? "no database (use \\c DB)" : session.database().c_str());
  StatementSplitter splitter;
  while (true) {
    const std::string prompt =
        splitter.HasPending()
            ? "     -> "
            : fmt::format("{}{}> ",
                          session.database().empty() ? "strata" : session.database(),
                          session.influxql() ? " [influxql]" : "");
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      std::printf("\n");
      break;
    }
    std::string line(raw);
    std::free(raw);
    std::string trimmed = Trim(line);
    if (!trimmed.empty()) {
      add_history(line.c_str());
    }
    if (!splitter.HasPending() && trimmed.starts_with('\\')) {
      bool quit = false;
      session.Command(trimmed, &quit);
      if (quit) {
        break;
      }
      continue;
    }
    for (const std::string& statement : splitter.Feed(line + "\n")) {
      session.Execute(statement);
    }
  }
  if (!history.empty()) {
    write_history(history.c_str());
    history_truncate_file(history.c_str(), kHistoryLines);
  }
  return 0;
}

// Statements (and backslash commands) from a pipe or file: stops at the first error.
int RunScript(QuerySession& session, std::istream& in) {
  StatementSplitter splitter;
  std::string line;
  while (std::getline(in, line)) {
    std::string trimmed = Trim(line);
    if (!splitter.HasPending() && trimmed.starts_with('\\')) {
      bool quit = false;
      if (!session.Command(trimmed, &quit)) {
        return 1;
      }
      if (quit) {
        return 0;
      }
      continue;
    }
    for (const std::string& statement : splitter.Feed(line + "\n")) {
      if (!session.Execute(statement)) {
        return 1;
      }
    }
  }
  if (splitter.HasPending() && !session.Execute(splitter.TakePending())) {
    return 1;
  }
  return 0;
}

}  // namespace

int RunQuery(const QueryFlags& flags) {
  absl::StatusOr<format::ResultFormat> parsed_format = format::ParseResultFormat(flags.format);
  if (!parsed_format.ok()) {
    PrintError(std::string(parsed_format.status().message()));
    return 1;
  }
  if (*parsed_format == format::ResultFormat::kParquet &&
      (flags.output.empty() || flags.output == "-") && isatty(STDOUT_FILENO)) {
    PrintError(
        "--format parquet writes a binary Parquet file, which a terminal cannot show: pass "
        "--output FILE, or redirect standard output to a file");
    return 1;
  }
  auto client = server::HttpClient::Create(flags.host);
  if (!client.ok()) {
    PrintError(std::string(client.status().message()));
    return 1;
  }
  QuerySession session(*std::move(client), flags, *parsed_format);
  if (!flags.sql.empty()) {
    return session.Execute(flags.sql) ? 0 : 1;
  }
  if (isatty(STDIN_FILENO)) {
    return RunShell(session);
  }
  return RunScript(session, std::cin);
}

}  // namespace strata::cli
