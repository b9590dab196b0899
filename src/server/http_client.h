// A small blocking HTTP/1.1 client with keep-alive, used by the CLI (`strata write`) and by the
// end-to-end tests to talk to a running server.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::server {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Not thread-safe: one connection, one request at a time.
class HttpClient {
 public:
  // `base_url` is "http://host:port" (no path); https is not supported.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(const std::string& base_url);
  ~HttpClient();

  // Sends a request and reads the whole response. Reconnects once if the kept-alive connection
  // was closed by the server.
  absl::StatusOr<ClientResponse> Request(
      const std::string& method,
      const std::string& target,
      const std::string& body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& value);

}  // namespace strata::server
