// `strata create token --admin`: creates or regenerates the operator token through a running
// server's HTTP API, or offline in the catalog of a stopped server's data directory (for an
// operator who lost the token). The token is printed once; the server keeps only its hash.
#pragma once

#include <string>

namespace strata::cli {

struct CreateTokenFlags {
  bool admin = false;
  bool regenerate = false;
  std::string host = "http://127.0.0.1:8181";
  // The current operator token (needed with --regenerate, unless --offline).
  std::string token;
  // Write into <data_dir>/catalog directly instead of asking a server; refused while a server
  // holds the data directory's lock.
  bool offline = false;
  std::string data_dir;
  std::string format = "text";  // text or json
};

// Runs the command; returns the process exit code (0 on success).
int RunCreateToken(const CreateTokenFlags& flags);

// When `*token` is empty, takes the token from STRATA_TOKEN, then INFLUXDB3_AUTH_TOKEN (the
// variable the influxdb3 CLI reads). CLI11 knows one environment variable per option.
void TokenFromEnvironment(std::string* token);

}  // namespace strata::cli
