// The shared end-to-end fixture and response helpers.
#include "test/e2e/server_test.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "nlohmann/json.hpp"

namespace strata::e2e {

void SuiteServerTest::StartServer(std::vector<std::string> extra_args) {
  dir_ = new TempDir();
  server_ = new ServerProcess(dir_->path() + "/data", std::move(extra_args));
  server_->Start();
}

void SuiteServerTest::WriteLines(std::string_view database, std::string_view line_protocol) {
  auto client = server_->Client();
  auto written = client->Request("POST",
                                 "/api/v3/write_lp?db=" + std::string(database) + "&precision=s",
                                 std::string(line_protocol));
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->status, 204) << written->body;
}

void SuiteServerTest::StopServer() {
  delete server_;
  server_ = nullptr;
  delete dir_;
  dir_ = nullptr;
}

server::ClientResponse SuiteServerTest::Request(const std::string& method,
                                                const std::string& target,
                                                const std::string& body,
                                                const Headers& headers) {
  auto response = client_->Request(method, target, body, headers);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : server::ClientResponse{};
}

std::string HeaderValue(const server::ClientResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

std::string ErrorOf(const server::ClientResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  return body.is_object() && body.contains("error") && body["error"].is_string()
             ? body["error"].get<std::string>()
             : "";
}

std::string RunCommand(const std::string& command, int* exit_code) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  int status = pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

}  // namespace strata::e2e
