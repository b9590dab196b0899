// `strata query`: sends SQL to a running server's /api/v3/query_sql, or InfluxQL to its
// /api/v3/query_influxql, and prints the result, for one statement given on the command line,
// statements read from standard input, or an interactive shell (readline line editing, history
// in ~/.strata_history; `\language sql|influxql` switches languages).
#pragma once

#include <string>

namespace strata::cli {

struct QueryFlags {
  std::string host = "http://127.0.0.1:8181";
  std::string database;
  std::string format = "pretty";
  std::string language = "sql";  // or "influxql"
  std::string token;             // sent as `Authorization: Bearer <token>` when set
  std::string sql;  // the statement; empty: read statements from standard input or the shell
  // Where results go: empty for standard output, else a file, created (or truncated) when the
  // first result arrives; the results of several statements follow each other in it.
  std::string output;
};

// Runs the command. Returns the process exit code: 0, or 1 when a statement failed (outside the
// interactive shell, which reports errors and goes on) or the server could not be reached.
//
// --format parquet: the result is one binary Parquet file, so it is refused on a terminal (pass
// --output FILE or redirect standard output) and only one statement's result can be written.
int RunQuery(const QueryFlags& flags);

}  // namespace strata::cli
