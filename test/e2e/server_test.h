// What the end-to-end tests share beyond the server process: a fixture whose test suite shares one
// server, and what the tests read from responses and from the CLI.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/http_client.h"
#include "test/e2e/server_process.h"

namespace strata::e2e {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A fixture whose test suite shares one server, and whose tests each have a client of it. A suite
// starts the server in its SetUpTestSuite (StartServer, then WriteLines for its rows) and stops it
// in its TearDownTestSuite (StopServer); the tests run one at a time, so the statics are the
// current suite's.
class SuiteServerTest : public ::testing::Test {
 protected:
  // Starts the suite's server in a new temporary directory, with ServerProcess's `extra_args`.
  static void StartServer(std::vector<std::string> extra_args = {});
  // Writes `line_protocol`, with timestamps in seconds, to `database`; fails the test unless the
  // server accepts it all.
  static void WriteLines(std::string_view database, std::string_view line_protocol);
  // Stops the server and removes its directory.
  static void StopServer();

  void SetUp() override { client_ = server_->Client(); }

  // Sends a request with this test's client; a request that gets no response fails the test and
  // returns an empty response.
  server::ClientResponse Request(const std::string& method,
                                 const std::string& target,
                                 const std::string& body = "",
                                 const Headers& headers = {});
  server::ClientResponse Get(const std::string& target, const Headers& headers = {}) {
    return Request("GET", target, "", headers);
  }

  inline static TempDir* dir_ = nullptr;
  inline static ServerProcess* server_ = nullptr;
  std::unique_ptr<server::HttpClient> client_;
};

// The value of header `name` (compared ignoring case) in `response`, or "" without one.
std::string HeaderValue(const server::ClientResponse& response, std::string_view name);

// The "error" member of a JSON error body ("" if the body is not one).
std::string ErrorOf(const server::ClientResponse& response);

// Runs a shell command; returns its combined output (stdout and stderr) and sets *exit_code (-1
// when it did not exit normally).
std::string RunCommand(const std::string& command, int* exit_code);

}  // namespace strata::e2e
